"""Safe output: a file or folder appears whole or not at all, and only topiclab's own folders are replaced.

* :func:`atomic_file` and :func:`atomic_dir` build beside the destination and rename into place,
  so readers never see half a result and a process killed at any moment leaves either the old
  output or the new one (plus hidden leftovers that nothing reads and the next run clears).
* Replacing an existing folder swaps it with the new one in one step (Linux ``renameat2``
  ``RENAME_EXCHANGE``), so there is no moment when the destination is missing.
* Every folder topiclab writes has a ``manifest.json`` naming its ``kind`` and the ``files`` it
  holds. ``overwrite`` replaces only such a folder, and only when it holds nothing else, not the
  input, and is neither the current folder nor one of its parents (:func:`check_destination`).
* Output follows the umask, as files written by any other program do (temporary files and
  folders are created private, and opened up before they are renamed into place).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import math
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from topiclab.errors import InputError

MANIFEST = "manifest.json"
KINDS = ("run", "sweep", "compare", "report", "sheets", "key")
# what a run folder held before manifests listed their files (topiclab 0.1 run folders)
_LEGACY_RUN_FILES = frozenset({"topics.csv", "doc_topics.csv", "unit_topics.csv", "metrics.json", "config.toml",
                               MANIFEST, "timings.json", "tokens.jsonl", "model"})
_LEFTOVER = re.compile(r"^\..+\.(\d+)\.[^.]+\.tmp$")  # .NAME.PID.RANDOM.tmp, see _temp_prefix


def umask() -> int:
    """The process's umask (read without changing it where /proc allows).

    Example:
        >>> 0 <= umask() <= 0o777
        True
    """
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _open_up(root: Path) -> None:
    """Give ``root`` and everything below it the permissions a new file or folder gets under the umask."""
    mask = umask()
    if root.is_dir():
        for folder, dirs, files in os.walk(root):
            os.chmod(folder, 0o777 & ~mask)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o666 & ~mask)
            for name in dirs:
                os.chmod(os.path.join(folder, name), 0o777 & ~mask)
    else:
        os.chmod(root, 0o666 & ~mask)


def _temp_prefix(path: Path) -> str:
    # the pid lets a later run tell a dead run's leftovers from a running one's
    return f".{path.name}.{os.getpid()}."


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
    if path.parent and not path.parent.is_dir():
        raise InputError(f"{path}: the folder {path.parent} does not exist; create it first")
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        text = "b" not in mode
        with os.fdopen(fd, mode, encoding="utf-8" if text else None, newline="\n" if text else None) as fh:
            yield fh
        _open_up(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# characters that end a line for str.splitlines and many JSON-lines readers, but not for JSON itself
LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def json_line(value: Any, default: Any = None) -> str:
    """``value`` as one line of JSON (UTF-8 text kept readable), safe for any line-based reader.

    Always strict JSON: NaN is written as null and an infinity as the string "Infinity".

    Example:
        >>> json_line({"text": "上海\u2028浙江"})
        '{"text": "上海\\\\u2028浙江"}'
        >>> json_line({"x": float("inf"), "y": float("nan")})
        '{"x": "Infinity", "y": null}'
    """
    try:
        text = json.dumps(value, ensure_ascii=False, default=default, allow_nan=False)
    except ValueError:  # NaN or an infinity (Python's json reads them): JSON has neither
        text = json.dumps(_finite(value), ensure_ascii=False, default=default, allow_nan=False)
    return text.translate(LINE_BREAKS)


def _finite(value: Any) -> Any:
    """``value`` with NaN as None (missing) and infinities as the strings "Infinity" and "-Infinity"."""
    if hasattr(value, "item") and getattr(value, "shape", None) == ():  # a numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None if value != value else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The ``manifest.json`` of ``folder`` as a dict, or None when there is none or it is not JSON.

    Example:
        >>> read_manifest(Path("no/such/folder")) is None
        True
    """
    try:
        data = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def written_kind(folder: Path) -> str | None:
    """The kind of folder topiclab wrote at ``folder`` (run, sweep, compare, report), or None.

    Example:
        >>> written_kind(Path("no/such/folder")) is None
        True
    """
    manifest = read_manifest(folder)
    if manifest is None:
        return None
    if manifest.get("kind") in KINDS:
        return str(manifest["kind"])
    if manifest.get("format") == 1 and "input_sha256" in manifest:  # a run folder of topiclab 0.1
        return "run"
    return None


def _foreign_entries(folder: Path) -> list[str]:
    """Entries of a topiclab folder that its manifest does not account for (relative paths)."""
    manifest = read_manifest(folder) or {}
    listed = manifest.get("files")
    known = set(listed) if isinstance(listed, list) else None
    foreign: list[str] = []

    def walk(sub: Path, rel: str) -> None:
        for entry in sorted(sub.iterdir(), key=lambda p: p.name):
            name = f"{rel}{entry.name}"
            if _LEFTOVER.match(entry.name) or (entry.name.endswith(".old") and entry.name.startswith(".")):
                continue
            if entry.is_dir() and not entry.is_symlink():
                if written_kind(entry) is not None:
                    foreign.extend(f"{name}/{f}" for f in _foreign_entries(entry))
                elif known is None:
                    if not rel and entry.name in _LEGACY_RUN_FILES:
                        continue
                    foreign.append(name + "/")
                else:
                    walk(entry, name + "/")
            elif known is None:
                if rel or entry.name not in _LEGACY_RUN_FILES:
                    foreign.append(name)
            elif name not in known:
                foreign.append(name)

    walk(folder, "")
    return foreign


def check_destination(
    path: Path, *, overwrite: bool = False, protect: Iterable[Path | str] = (), kind: str | None = None
) -> None:
    """Refuse, with one line, an output folder that may not be written or replaced.

    A new folder is always fine. An existing one needs ``overwrite``, must be a folder topiclab
    wrote (see :func:`written_kind`) holding only what its manifest lists, must not hold any
    path in ``protect`` (the input, a config file) and must not be the current folder or one of
    its parents. Called before long work starts, and again just before replacing.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "notes.txt").write_text("mine")
        >>> check_destination(folder, overwrite=True)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        topiclab.errors.InputError: ...: not a folder topiclab wrote (no topiclab manifest.json in it); ...
    """
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        parent = path.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir():
            raise InputError(f"{path}: {parent} is a file, not a folder; choose another --out")
        return
    if not path.is_dir() or path.is_symlink():
        raise InputError(f"{path}: already exists and is not a folder topiclab wrote; choose another --out")
    if not overwrite:
        raise InputError(f"{path}: already exists; choose another --out or add --overwrite to replace it")
    target, here = path.resolve(), Path.cwd().resolve()
    if here == target or target in here.parents:
        raise InputError(f"{path}: is the current folder or one of its parents and is never replaced; "
                         "give --out a new folder name")
    found = written_kind(path)
    if found is None:
        raise InputError(f"{path}: not a folder topiclab wrote (no topiclab manifest.json in it); --overwrite "
                         "replaces only topiclab's own run, sweep, compare and report folders; choose another --out")
    if kind is not None and found != kind:
        raise InputError(f"{path}: is a topiclab {found} folder, and --overwrite replaces only a {kind} folder with "
                         f"a {kind} folder; choose another --out")
    for item in protect:
        inner = Path(item).resolve()
        if inner == target or target in inner.parents:
            raise InputError(f"{path}: holds {item}, an input of this command, and is never replaced; "
                             "choose another --out")
    foreign = _foreign_entries(path)
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise InputError(f"{path}: holds {shown}, which topiclab did not write; move it out or choose another --out")


def require_path(path: Path | str, what: str = "file or folder") -> Path:
    """``path`` as a Path, after checking that it exists (one line naming it otherwise).

    Example:
        >>> require_path("no/such.csv")
        Traceback (most recent call last):
        topiclab.errors.InputError: no/such.csv: no such file or folder; check the path
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such {what}; check the path")
    return path


# first lines of the files topiclab writes outside folders: corpus and tokens JSONL, phrase tables
_OWN_FILE_STARTS = ('{"doc_id": ', '{"unit_id": ', "phrase\tparts\tcount\tnpmi")


def check_file_destination(path: Path | str, *, overwrite: bool = False, protect: Iterable[Path | str] = ()) -> None:
    """Refuse, with one line, an output file that may not be written.

    A new file is fine; an existing one needs ``overwrite``, must be a file topiclab wrote (a
    corpus or tokens JSONL, a phrase table) and must not be one of ``protect`` (the input).

    Example:
        >>> import tempfile
        >>> mine = Path(tempfile.mkdtemp()) / "notes.txt"
        >>> _ = mine.write_text("mine")
        >>> check_file_destination(mine, overwrite=True)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        topiclab.errors.InputError: ...notes.txt: not a file topiclab wrote; ...
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; --out takes a file name here")
    if not path.parent.is_dir():
        raise InputError(f"{path}: the folder {path.parent} does not exist; create it first")
    if not path.exists():
        return
    for item in protect:
        if Path(item).exists() and os.path.samefile(item, path):
            raise InputError(f"{path}: is an input of this command and is never overwritten; choose another --out")
    if not overwrite:
        raise InputError(f"{path}: already exists; choose another --out or add --overwrite to replace it")
    try:
        with path.open(encoding="utf-8") as fh:
            start = fh.read(64)
    except (OSError, UnicodeDecodeError):
        start = ""
    if not start.startswith(_OWN_FILE_STARTS):
        raise InputError(f"{path}: not a file topiclab wrote; --overwrite replaces only topiclab's own output; "
                         "choose another --out")


def _renameat2(src: Path, dst: Path, flags: int) -> bool:
    """``renameat2(src, dst, flags)``; False where the system or file system does not offer it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if fn(at_fdcwd, os.fsencode(src), at_fdcwd, os.fsencode(dst), ctypes.c_uint(flags)) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(dst))


_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2


def _clear_leftovers(path: Path) -> None:
    """Delete the hidden temporary folders that killed runs left beside ``path``."""
    with contextlib.suppress(OSError):
        for entry in path.parent.iterdir():
            m = _LEFTOVER.match(entry.name)
            if not m or not entry.name.startswith(f".{path.name}.") or not entry.is_dir():
                continue
            pid = int(m.group(1))
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                shutil.rmtree(entry, ignore_errors=True)
            except OSError:
                pass  # alive, owned by someone else


def _record(tmp: Path, kind: str) -> None:
    """Add ``kind`` and the list of files to the folder's manifest (creating it if the writer did not)."""
    manifest = read_manifest(tmp) or {}
    files = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
    manifest["kind"] = kind
    manifest["files"] = sorted({*files, MANIFEST})
    (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                encoding="utf-8")


@contextmanager
def atomic_dir(
    path: Path, *, overwrite: bool = False, kind: str = "run", protect: Iterable[Path | str] = ()
) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; on success it becomes ``path`` in one step.

    The folder's ``manifest.json`` gets ``kind`` and the list of its files. An existing ``path``
    is replaced only as :func:`check_destination` allows, by an atomic swap, so it is never
    half-overwritten and never missing.

    Example:
        >>> import tempfile
        >>> out = Path(tempfile.mkdtemp()) / "run"
        >>> with atomic_dir(out, kind="report") as tmp:
        ...     _ = (tmp / "report.md").write_text("# 报告", encoding="utf-8")
        >>> read_manifest(out)["files"]
        ['manifest.json', 'report.md']
    """
    path = Path(path)
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    protect = tuple(protect)
    check_destination(path, overwrite=overwrite, protect=protect, kind=kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    _clear_leftovers(path)
    tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        _record(tmp, kind)
        _open_up(tmp)
        if path.exists():
            check_destination(path, overwrite=overwrite, protect=protect, kind=kind)  # it may have changed meanwhile
            if not _renameat2(tmp, path, _RENAME_EXCHANGE):
                old = path.with_name(f".{path.name}.{os.getpid()}.old.tmp")
                os.replace(path, old)
                os.replace(tmp, path)
                tmp = old
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            try:
                done = _renameat2(tmp, path, _RENAME_NOREPLACE)
            except FileExistsError:
                raise InputError(f"{path}: was created by another process meanwhile; choose another --out") from None
            if not done:
                os.rename(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
