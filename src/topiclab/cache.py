"""An on-disk cache of intermediate results, keyed by content hashes.

Entries are pickles written atomically under ``$TOPICLAB_CACHE`` (default
``~/.cache/topiclab``). Keys hash the input texts and every setting and file content that
changes the result, so a stale entry is never read.

Each entry is a header (magic ``TLCACHE``, a format byte, the SHA-256 digest of the payload)
followed by the pickled payload. An entry is unpickled only when its header and digest check
out; anything else (truncated, a flipped bit, the bare pickles of earlier versions, a payload
that does not unpickle) is a miss: the entry is deleted, one warning is logged and the next
``put`` rebuilds it.

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

_MAGIC = b"TLCACHE"
_FORMAT = 1  # bump when the header changes; entries of another format are misses
_HEADER = _MAGIC + bytes([_FORMAT])
_DIGEST_SIZE = hashlib.sha256().digest_size


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
        >>> texts_digest(["a"], ["长三角"]) == hashlib.sha256("a\\0长三角\\0".encode()).hexdigest()
        True
        >>> texts_digest(["a"], ["长三角"]) != texts_digest(["a", ""], ["长三角", ""])  # every document counts
        True
    """
    digest = hashlib.sha256()
    parts: list[str] = []
    # the bytes id NUL text NUL ... for every document, encoded and hashed a few thousand
    # documents at a time (at C speed, without a copy of the whole corpus)
    for pair in zip(ids, texts):
        parts.extend(pair)
        if len(parts) >= 4096:
            digest.update(("\0".join(parts) + "\0").encode())
            parts.clear()
    if parts:
        digest.update(("\0".join(parts) + "\0").encode())
    return digest.hexdigest()


class Cache:
    """A folder of pickled results; ``Cache(None)`` is a cache that keeps nothing.

    Example:
        >>> import tempfile
        >>> c = Cache(Path(tempfile.mkdtemp()))
        >>> c.put("tokens", "abc", [1, 2]); c.get("tokens", "abc")
        [1, 2]
    """

    def __init__(self, folder: Path | None) -> None:
        if folder is not None and Path(folder).exists() and not Path(folder).is_dir():
            raise InputError(f"{folder}: is a file, not a cache folder; give a folder to --cache-dir")
        self.folder = folder

    def _path(self, kind: str, key: str) -> Path:
        assert self.folder is not None
        # the whole key, hashed: keys joined from several digests differ anywhere along them
        return self.folder / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:40]}.pkl"

    def get(self, kind: str, key: str) -> Any | None:
        """The value stored under ``(kind, key)``, or None when there is none or it does not check out.

        Example:
            >>> import tempfile
            >>> c = Cache(Path(tempfile.mkdtemp()))
            >>> c.put("tokens", "abc", [1, 2])
            >>> entry = next(c.folder.glob("*.pkl"))
            >>> _ = entry.write_bytes(entry.read_bytes()[:-1])  # truncated
            >>> c.get("tokens", "abc"), entry.exists()
            (None, False)
        """
        if self.folder is None:
            return None
        path = self._path(kind, key)
        try:
            with path.open("rb") as fh:
                data = fh.read()
                identity = _identity(os.fstat(fh.fileno()))
        except FileNotFoundError:  # never written, or evicted by another process meanwhile
            return None
        except OSError as exc:  # unreadable here is not proof of damage: leave it to its owner
            log.warning("%s: cache entry cannot be read (%s); computing the result instead", path, exc)
            return None
        problem, value = _decode(data)
        if problem:
            # an entry of an earlier version is expected after an upgrade: worth a debug line only
            level = logging.DEBUG if problem.startswith("is not in topiclab's") else logging.WARNING
            log.log(level, "%s: cache entry %s; ignored and deleted, the result is computed again", path, problem)
            _discard(path, identity)
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
            # header with a blank digest, the pickle streamed through the hash (no second copy of
            # the bytes in memory), then the digest filled in; the rename happens only after this
            fh.write(_HEADER + bytes(_DIGEST_SIZE))
            writer = _HashingWriter(fh)
            pickle.dump(value, writer, protocol=pickle.HIGHEST_PROTOCOL)
            fh.seek(len(_HEADER))
            fh.write(writer.digest.digest())
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


class _HashingWriter:
    """A write-only file that hashes what it passes on to ``fh``."""

    def __init__(self, fh: Any) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return int(self.fh.write(data))


def _decode(data: bytes) -> tuple[str, Any]:
    """``("", value)`` for an entry whose header and digest check out, else ``(problem, None)``."""
    start = len(_HEADER) + _DIGEST_SIZE
    if len(data) < start and _MAGIC.startswith(data[:len(_MAGIC)]):  # empty, or cut inside the header
        return "is truncated", None
    if not data.startswith(_MAGIC):
        return "is not in topiclab's cache format (written by an earlier version?)", None
    if data[len(_MAGIC)] != _FORMAT:
        return f"has format {data[len(_MAGIC)]}, this version reads {_FORMAT}", None
    payload = memoryview(data)[start:]  # a view: the payload is not copied to be hashed or unpickled
    if hashlib.sha256(payload).digest() != data[len(_HEADER):start]:
        return "does not match its checksum (truncated or damaged)", None
    try:
        return "", pickle.loads(payload)
    except Exception as exc:  # a checksum-valid payload from a different environment (e.g. a class since removed)
        return f"does not unpickle ({type(exc).__name__}: {exc})", None


def _identity(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_dev, stat.st_ino


def _discard(path: Path, identity: tuple[int, int]) -> None:
    """Delete the bad entry at ``path`` unless another process has meanwhile replaced it (with a good one)."""
    with contextlib.suppress(OSError):  # another process may delete it too
        if _identity(path.stat()) == identity:
            path.unlink()
