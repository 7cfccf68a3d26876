"""Preprocessing stage: Chinese text to token lists, with jieba's semantics at native speed.

Example:
    >>> from topiclab.corpus import load_seed
    >>> from topiclab.preprocess import PreprocessConfig, preprocess
    >>> units = preprocess(load_seed(), PreprocessConfig())
    >>> len(units), "专精特新" in units.tokens[20]
    (23, True)
"""

from __future__ import annotations

from topiclab.names import DEFAULT_POS, ENGINES, UNITS
from topiclab.preprocess.config import PreprocessConfig
from topiclab.preprocess.from_file import preprocess_file
from topiclab.preprocess.lexicon import (
    TAGS,
    DictEntry,
    boilerplate_stopwords,
    policy_dictionary,
    read_user_dict,
    read_wordlist,
    standard_stopwords,
)
from topiclab.preprocess.normalize import normalize_text
from topiclab.preprocess.phrases import Phrase, apply_phrases, learn_phrases, phrases_to_tsv, read_phrases
from topiclab.preprocess.pipeline import preprocess, tag_corpus
from topiclab.preprocess.segment import Segmenter
from topiclab.preprocess.units import REASONS, Units

__all__ = [
    "DEFAULT_POS",
    "ENGINES",
    "REASONS",
    "TAGS",
    "UNITS",
    "DictEntry",
    "Phrase",
    "PreprocessConfig",
    "Segmenter",
    "Units",
    "apply_phrases",
    "boilerplate_stopwords",
    "learn_phrases",
    "normalize_text",
    "phrases_to_tsv",
    "policy_dictionary",
    "preprocess",
    "preprocess_file",
    "read_phrases",
    "read_user_dict",
    "read_wordlist",
    "standard_stopwords",
    "tag_corpus",
]
