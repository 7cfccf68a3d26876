"""Write preprocessed units and the phrase table to disk, atomically."""

from __future__ import annotations

import json
from pathlib import Path

from topiclab._io import LINE_BREAKS, atomic_file
from topiclab.preprocess.phrases import phrases_to_tsv
from topiclab.preprocess.units import Units


def write_units_jsonl(units: Units, path: Path | str) -> None:
    """One ``{"unit_id", "doc_id", "tokens"}`` object a line, UTF-8.

    Example:
        >>> import tempfile
        >>> from topiclab.corpus import Corpus
        >>> from topiclab.preprocess import preprocess
        >>> out = Path(tempfile.mkdtemp()) / "tokens.jsonl"
        >>> write_units_jsonl(preprocess(Corpus(["a"], ["集成电路产业"])), out)
        >>> out.read_text(encoding="utf-8")
        '{"unit_id": "a", "doc_id": "a", "tokens": ["集成电路", "产业"]}\\n'
    """
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for every line
    with atomic_file(Path(path)) as fh:
        fh.writelines(encode({"unit_id": uid, "doc_id": did, "tokens": list(toks)}).translate(LINE_BREAKS) + "\n"
                      for uid, did, toks in zip(units.unit_ids, units.doc_ids, units.tokens))


def write_phrases_tsv(units: Units, path: Path | str) -> None:
    """The phrases found (or applied), as an editable TSV table."""
    with atomic_file(Path(path)) as fh:
        fh.write(phrases_to_tsv(units.phrases))
