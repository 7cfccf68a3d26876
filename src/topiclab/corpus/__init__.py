"""Corpus stage: read sources into documents with metadata, infer regions, write JSONL.

Example:
    >>> from topiclab.corpus import load_seed
    >>> corpus = load_seed()
    >>> int(corpus.metadata()["region"].value_counts()["上海"])
    14
"""

from __future__ import annotations

from topiclab.corpus.loading import SEED_NAME, load_corpus, load_seed, seed_path
from topiclab.corpus.model import PARAGRAPH_SEP, Corpus, Document, SourceInfo, split_paragraphs
from topiclab.corpus.output import summarize, write_jsonl
from topiclab.corpus.readers import corpus_from_data, read_source
from topiclab.corpus.regions import Gazetteer, assign_regions, infer_region
from topiclab.names import FORMATS

__all__ = [
    "FORMATS",
    "PARAGRAPH_SEP",
    "SEED_NAME",
    "Corpus",
    "Document",
    "Gazetteer",
    "SourceInfo",
    "assign_regions",
    "corpus_from_data",
    "infer_region",
    "load_corpus",
    "load_seed",
    "read_source",
    "seed_path",
    "split_paragraphs",
    "summarize",
    "write_jsonl",
]
