"""Atomic output: a file or folder appears whole or not at all.

Readers never see half a file, and an interrupted run leaves the previous output intact.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from topiclab.errors import InputError


@contextmanager
def atomic_file(path: Path, mode: str = "w") -> Iterator:
    """Open a temporary file beside ``path``; on success it replaces ``path`` in one step.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "out.txt"
        >>> with atomic_file(p) as fh:
        ...     _ = fh.write("长三角")
        >>> p.read_text(encoding="utf-8")
        '长三角'
    """
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise InputError(f"{path}: the folder {path.parent} does not exist; create it first")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        text = "b" not in mode
        with os.fdopen(fd, mode, encoding="utf-8" if text else None, newline="\n" if text else None) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_dir(path: Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; on success it is renamed to ``path``.

    An existing ``path`` is refused unless ``overwrite``; then it is replaced only after the
    new folder is complete, so it is never half-overwritten.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise InputError(f"{path}: already exists; choose another --out or remove it")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        if path.exists():
            old = path.with_name(f".{path.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
