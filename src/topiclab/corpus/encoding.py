"""Decode source bytes by checking, not guessing.

Order of checks: a byte-order mark (UTF-8, UTF-16), then strict UTF-8, then strict
GB18030 (a superset of GBK and GB2312). The first decoder that accepts every byte
wins; if none does, the input is refused. Statistical detectors guess, and a wrong
guess silently turns Chinese into mojibake, so none is used.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from topiclab.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control bytes that never occur in text; NUL alone is the classic binary marker.
_BINARY_BYTES = frozenset(range(0, 9)) | frozenset((0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x7F))


def detect_encoding(data: bytes, *, name: str = "<bytes>") -> str:
    """The encoding that decodes ``data`` without error: utf-8-sig, utf-16, utf-8 or gb18030.

    Raises :class:`InputError` for binary data or bytes no supported encoding accepts.

    Example:
        >>> detect_encoding("长三角".encode("gb18030"))
        'gb18030'
        >>> detect_encoding(codecs.BOM_UTF8 + "上海".encode())
        'utf-8-sig'
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if _decodes(data, encoding):
                return encoding
            raise InputError(f"{name}: starts with a {encoding} byte-order mark but does not decode as "
                             f"{encoding}; re-save the file as UTF-8")
    sample = data[:65536]
    if b"\x00" in sample or sum(b in _BINARY_BYTES for b in sample) > len(sample) // 100 + 1:
        raise InputError(f"{name}: looks like a binary file, not text; give a UTF-8 or GB18030 text or table")
    failures = {}
    for encoding in ("utf-8", "gb18030"):
        offset = _first_error(data, encoding)
        if offset < 0:
            return encoding
        failures[encoding] = offset
    # the decoder that read furthest tells where the bad bytes are: a GB18030 file with one
    # broken character fails as UTF-8 at its first Chinese byte, but as GB18030 only there
    best = max(failures, key=lambda e: failures[e])
    offset = failures[best]
    line = data.count(b"\n", 0, offset) + 1
    raise InputError(
        f"{name}: bytes at offset {offset} (line {line}) are neither UTF-8 nor GB18030 (it reads as "
        f"{best.upper()} up to there); re-save the file as UTF-8"
    )


def _decodes(data: bytes, encoding: str) -> bool:
    return _first_error(data, encoding) < 0


def _first_error(data: bytes, encoding: str) -> int:
    """The offset of the first byte ``encoding`` cannot decode, or -1."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        return exc.start
    return -1


def read_text(path: Path) -> tuple[str, str]:
    """Read a whole file as text; return ``(text, encoding)``.

    Line endings are normalised to ``\\n`` (a CRLF file gives the same corpus as an LF one).

    Example:
        >>> import tempfile, os
        >>> p = Path(tempfile.mkdtemp()) / "a.txt"
        >>> _ = p.write_bytes("浙江\\r\\n".encode("gb18030"))
        >>> read_text(p)
        ('浙江\\n', 'gb18030')
    """
    text, encoding = decode_text(read_bytes(path), name=str(path))
    if not text.strip():  # e.g. a byte-order mark and nothing else
        raise InputError(f"{path}: the file is empty; give a file with text in it")
    return text, encoding


def decode_text(data: bytes, *, name: str = "<bytes>") -> tuple[str, str]:
    """Decode bytes with :func:`detect_encoding`, line endings normalised; ``(text, encoding)``.

    Example:
        >>> decode_text("江苏\\r\\n".encode())
        ('江苏\\n', 'utf-8')
    """
    encoding = detect_encoding(data, name=name)
    return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n"), encoding


def read_bytes(path: Path) -> bytes:
    """A file's bytes, refusing a missing path, a folder or an empty file with a one-line error."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a file here")
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: the file is empty; give a file with text in it")
    return data
