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
    encode = json.JSONEncoder(ensure_ascii=False).encode
    tokens = units.tokens
    # each distinct word is encoded once, and a line is put together from the encoded words: the
    # same text as encoding the line's object, at a fraction of the cost for millions of tokens
    words = [encode(t).translate(LINE_BREAKS) for t in tokens.terms]
    offsets = tokens.offsets.tolist()
    unit_ids, doc_ids = units.unit_ids, units.doc_ids
    with atomic_file(Path(path)) as fh:
        for first, end in tokens.blocks():
            base = offsets[first]
            block = list(map(words.__getitem__, tokens.ids[base:offsets[end]].tolist()))
            fh.writelines(
                f'{{"unit_id": {encode(unit_ids[r]).translate(LINE_BREAKS)}, '
                f'"doc_id": {encode(doc_ids[r]).translate(LINE_BREAKS)}, '
                f'"tokens": [{", ".join(block[offsets[r] - base:offsets[r + 1] - base])}]}}\n'
                for r in range(first, end))


def write_phrases_tsv(units: Units, path: Path | str) -> None:
    """The phrases found (or applied), as an editable TSV table."""
    with atomic_file(Path(path)) as fh:
        fh.write(phrases_to_tsv(units.phrases))
