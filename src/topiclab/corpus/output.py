"""What a corpus gives back to its user: a printed summary and a JSON-lines file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from topiclab._io import atomic_file, json_line
from topiclab.corpus.model import Corpus


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
            fh.write(json_line(record, default=_json_default) + "\n")


def summarize(corpus: Corpus) -> str:
    """A short human-readable summary: documents, characters, encoding, drops, regions.

    Example:
        >>> from topiclab.corpus import load_seed
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
