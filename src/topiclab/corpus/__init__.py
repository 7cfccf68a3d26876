"""Corpus stage: read sources into documents with metadata, infer regions, write JSONL.

Example:
    >>> from topiclab.corpus import load_seed
    >>> corpus = load_seed()
    >>> int(corpus.metadata()["region"].value_counts()["上海"])
    14
"""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

from topiclab._io import atomic_file
from topiclab.corpus.model import PARAGRAPH_SEP, Corpus, Document, SourceInfo, split_paragraphs
from topiclab.corpus.readers import FORMATS, read_source
from topiclab.corpus.regions import Gazetteer, assign_regions, infer_region

SEED_NAME = "000_d5b3804f19d0bc92.txt"

__all__ = [
    "FORMATS",
    "PARAGRAPH_SEP",
    "Corpus",
    "Document",
    "Gazetteer",
    "SourceInfo",
    "assign_regions",
    "infer_region",
    "load_corpus",
    "load_seed",
    "read_source",
    "seed_path",
    "split_paragraphs",
    "summarize",
    "write_jsonl",
]


def seed_path() -> Path:
    """Path of the embedded seed corpus: one issue of 《长三角观察》 (2024-01), 23 articles.

    It ships inside the installed package; in a source checkout it is ``seeds/``.

    Example:
        >>> seed_path().name
        '000_d5b3804f19d0bc92.txt'
    """
    packaged = Path(str(resources.files("topiclab") / "_seeds" / SEED_NAME))
    if packaged.is_file():
        return packaged
    # an editable install imports from src/, where the wheel's _seeds folder does not exist
    return Path(__file__).resolve().parents[3] / "seeds" / SEED_NAME


def load_corpus(
    path: Path | str,
    *,
    format: str = "auto",
    text_col: str = "text",
    id_col: str | None = None,
    region_col: str | None = None,
    region_map: Path | str | None = None,
    regions: bool = True,
    sep: str | None = None,
    on_error: str = "stop",
) -> Corpus:
    """Read a source and infer each document's region (see :mod:`topiclab.corpus.regions`).

    ``regions=False`` skips region inference (for steps that do not use it, e.g. tokenising).
    ``sep`` and ``on_error``: see :func:`read_source`.

    Example:
        >>> corpus = load_corpus(seed_path())
        >>> corpus.get(corpus.doc_ids[21]).meta["region"]
        '浙江'
    """
    corpus = read_source(Path(path), format=format, text_col=text_col, id_col=id_col, sep=sep, on_error=on_error)
    if not regions:
        return corpus
    return assign_regions(corpus, column=region_col, mapping=Path(region_map) if region_map else None)


def load_seed() -> Corpus:
    """The embedded seed corpus, split into articles, with regions.

    Example:
        >>> load_seed()[0].meta["section"]
        '综合观察'
    """
    return load_corpus(seed_path())


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def write_jsonl(corpus: Corpus, path: Path | str) -> None:
    """Write the corpus, one ``{"doc_id", "text", "meta"}`` object a line, UTF-8, atomically.

    Missing (``None``) metadata values are left out; :func:`load_corpus` reads the file back.

    Example:
        >>> import tempfile
        >>> out = Path(tempfile.mkdtemp()) / "c.jsonl"
        >>> write_jsonl(Corpus(["a"], ["长三角"], {"region": ["长三角"]}), out)
        >>> out.read_text(encoding="utf-8")
        '{"doc_id": "a", "text": "长三角", "meta": {"region": "长三角"}}\\n'
    """
    with atomic_file(Path(path)) as fh:
        for doc in corpus:
            record = {"doc_id": doc.doc_id, "text": doc.text, "meta": dict(doc.meta)}
            fh.write(json.dumps(record, ensure_ascii=False, default=_json_default) + "\n")


def summarize(corpus: Corpus) -> str:
    """A short human-readable summary: documents, characters, encoding, drops, regions.

    Example:
        >>> print(summarize(load_seed()).splitlines()[0])
        documents: 23
    """
    lines = [f"documents: {len(corpus)}", f"characters: {corpus.n_chars():,}"]
    for s in corpus.sources:
        lines.append(f"source: {s.path} (format {s.format}, encoding {s.encoding or 'n/a'})")
        if s.n_empty_dropped:
            lines.append(f"dropped: {s.n_empty_dropped} empty document(s) of {s.n_read}")
        if s.skipped:
            shown = "; ".join(s.skipped[:3]) + (f"; and {len(s.skipped) - 3} more" if len(s.skipped) > 3 else "")
            lines.append(f"skipped: {len(s.skipped)} unreadable file(s) or row(s) ({shown})")
    if "region" in corpus.meta_columns:
        counts = Counter(r or "(none)" for r in corpus.column("region"))
        lines.append("regions: " + ", ".join(f"{r} {n}" for r, n in sorted(counts.items())))
    return "\n".join(lines)
