"""An on-disk cache of intermediate results, keyed by content hashes.

Entries are pickles written atomically under ``$TOPICLAB_CACHE`` (default
``~/.cache/topiclab``). Keys hash the input texts and every setting and file content that
changes the result, so a stale entry is never read; a corrupt one is treated as missing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from topiclab._io import atomic_file

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """``$TOPICLAB_CACHE``, else ``$XDG_CACHE_HOME/topiclab``, else ``~/.cache/topiclab``."""
    if os.environ.get("TOPICLAB_CACHE"):
        return Path(os.environ["TOPICLAB_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "topiclab"


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
                return pickle.load(fh)
        except Exception:  # a truncated or foreign file is a miss, not a failure
            log.warning("ignoring unreadable cache entry %s", path)
            return None

    def put(self, kind: str, key: str, value: Any) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        with atomic_file(self._path(kind, key), "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
