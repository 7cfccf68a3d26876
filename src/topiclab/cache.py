"""An on-disk cache of intermediate results, keyed by content hashes.

Entries are pickles written atomically under ``$TOPICLAB_CACHE`` (default
``~/.cache/topiclab``). Keys hash the input texts and every setting and file content that
changes the result, so a stale entry is never read; a corrupt one is treated as missing.
The folder is kept under ``$TOPICLAB_CACHE_MB`` megabytes (default 2048): after a write, the
entries used longest ago are deleted first (reading an entry marks it used).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from topiclab._io import atomic_file
from topiclab.errors import InputError

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """``$TOPICLAB_CACHE``, else ``$XDG_CACHE_HOME/topiclab``, else ``~/.cache/topiclab``."""
    if os.environ.get("TOPICLAB_CACHE"):
        return Path(os.environ["TOPICLAB_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "topiclab"


def cache_limit_bytes() -> int:
    """The cache's size limit: ``$TOPICLAB_CACHE_MB`` megabytes, default 2048.

    Example:
        >>> cache_limit_bytes() > 0
        True
    """
    raw = os.environ.get("TOPICLAB_CACHE_MB", "2048")
    try:
        mb = float(raw)
    except ValueError:
        raise InputError(f"TOPICLAB_CACHE_MB must be a number of megabytes, got {raw!r}") from None
    return int(mb * 1024 * 1024)


def texts_digest(ids: Iterable[str], texts: Iterable[str]) -> str:
    """SHA-256 over ids and texts in order.

    Example:
        >>> texts_digest(["a"], ["长三角"]) == texts_digest(["a"], ["长三角"])
        True
    """
    parts = [p for pair in zip(ids, texts) for p in pair]
    # the bytes id NUL text NUL ... for every document, encoded and hashed in one call
    data = ("\0".join(parts) + "\0").encode() if parts else b""
    return hashlib.sha256(data).hexdigest()


class Cache:
    """A folder of pickled results; ``Cache(None)`` is a cache that keeps nothing.

    Example:
        >>> import tempfile
        >>> c = Cache(Path(tempfile.mkdtemp()))
        >>> c.put("tokens", "abc", [1, 2]); c.get("tokens", "abc")
        [1, 2]
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def _path(self, kind: str, key: str) -> Path:
        assert self.folder is not None
        # the whole key, hashed: keys joined from several digests differ anywhere along them
        return self.folder / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:40]}.pkl"

    def get(self, kind: str, key: str) -> Any | None:
        if self.folder is None:
            return None
        path = self._path(kind, key)
        if not path.is_file():
            return None
        try:
            with path.open("rb") as fh:
                value = pickle.load(fh)
        except Exception:  # a truncated or foreign file is a miss, not a failure
            log.warning("ignoring unreadable cache entry %s", path)
            return None
        with contextlib.suppress(OSError):  # mark it used, for eviction; a read-only cache still reads
            os.utime(path)
        return value

    def put(self, kind: str, key: str, value: Any) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(kind, key)
        with atomic_file(path, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.evict(keep=path)

    def evict(self, limit: int | None = None, *, keep: Path | None = None) -> list[Path]:
        """Delete the entries used longest ago until the folder is within ``limit`` bytes
        (default :func:`cache_limit_bytes`); ``keep`` is never deleted. Returns the deleted paths.

        Example:
            >>> import tempfile
            >>> c = Cache(Path(tempfile.mkdtemp()))
            >>> c.put("tokens", "a", "x" * 1000)
            >>> len(c.evict(limit=0)), c.get("tokens", "a")
            (1, None)
        """
        if self.folder is None or not self.folder.is_dir():
            return []
        limit = cache_limit_bytes() if limit is None else limit
        entries = []
        for path in self.folder.glob("*.pkl"):
            with contextlib.suppress(OSError):  # another process may be evicting too
                stat = path.stat()
                entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        deleted = []
        for _, size, path in sorted(entries, key=lambda e: (e[0], e[2].name)):
            if total <= limit:
                break
            if path == keep:
                continue
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                deleted.append(path)
            total -= size
        return deleted
