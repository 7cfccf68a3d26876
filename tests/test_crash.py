"""Crash and concurrency safety of ``topiclab fit``, with real processes.

* A fit killed with SIGKILL at any moment leaves either no output folder or a complete one, and
  nothing that blocks the next run; a killed ``--overwrite`` run leaves the old folder or the new
  one, never a missing or partial one. Kill moments are fractions of an uninterrupted run's time
  and events seen in the file system (the hidden temporary folder appearing, half full, full; the
  destination appearing; the swapped-out folder being deleted). Writing and renaming take a few
  milliseconds, so around them the process is run in slices between SIGSTOPs and the events are
  checked on the stopped process: the final rename is hit whatever the machine's speed.
* Two fits sharing one cache, started together (cold, then warm), write the same files as a
  serial run.
* A fit over a damaged cache writes the same files as the run that filled it.

"Complete" is judged against the file list of an uninterrupted run, so it holds whatever the run
folder's layout. ``timings.json`` is the one file allowed to differ between runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

# /proc, process groups and SIGSTOP: what the tests use to stop a run at a chosen moment
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="stops and kills runs the Linux way")

FIT = [sys.executable, "-m", "topiclab.cli", "fit", "--quiet", "--k", "3"]
VARIES = {"timings.json"}  # wall-clock times; every other file is the same from run to run
TIMEOUT = 300


@dataclass(frozen=True)
class Reference:
    folder: Path
    files: list[str]  # sorted relative paths of every file in an uninterrupted run's folder
    seconds: float  # how long that run took, start to exit


def env_for(cache: Path) -> dict[str, str]:
    """The environment of a subprocess: its cache in ``cache`` (never the user's), no TOPICLAB_CACHE_MB."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOPICLAB_")}
    env["TOPICLAB_CACHE"] = str(cache)
    return env


def fit(out: Path, *extra: str, cache: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """One ``topiclab fit`` to ``out``, run to its end."""
    return subprocess.run([*FIT, *extra, "--out", str(out)], env=env_for(cache), cwd=cwd, capture_output=True,
                          text=True, timeout=TIMEOUT)


def ok(proc: subprocess.CompletedProcess[str] | subprocess.Popen[str], stderr: str = "") -> None:
    assert proc.returncode == 0, f"exit {proc.returncode}:\n{stderr or getattr(proc, 'stderr', '')}"


def files_of(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def assert_complete(folder: Path, ref: Reference) -> None:
    """``folder`` holds every file of an uninterrupted run (and nothing else); its JSON parses."""
    assert folder.is_dir(), f"{folder}: missing"
    assert files_of(folder) == ref.files, f"{folder}: not the files of a complete run"
    for name in ("manifest.json", "metrics.json"):
        json.loads((folder / name).read_text(encoding="utf-8"))


def assert_same_outputs(folder: Path, ref: Reference) -> None:
    """``folder`` is complete and byte-identical to the reference run, file by file, but for timings."""
    assert_complete(folder, ref)
    differ = [name for name in ref.files
              if name not in VARIES and (folder / name).read_bytes() != (ref.folder / name).read_bytes()]
    assert differ == [], f"{folder}: differs from a serial run in {differ}"


def assert_absent_or_complete(folder: Path, ref: Reference) -> None:
    if folder.exists() or folder.is_symlink():
        assert_complete(folder, ref)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """An uninterrupted, uncached fit: the files every complete run folder holds, and its run time."""
    root = tmp_path_factory.mktemp("reference")
    start = time.perf_counter()
    proc = fit(root / "run", "--no-cache", cache=root / "cache", cwd=root)
    seconds = time.perf_counter() - start
    ok(proc)
    files = files_of(root / "run")
    assert {"manifest.json", "metrics.json", "topics.csv"} <= set(files)
    return Reference(root / "run", files, seconds)


# --- a) killed at any moment ---------------------------------------------------------------------------------------

Trigger = Callable[[], bool]


def temp_folders(dest: Path) -> list[Path]:
    """The hidden folders beside ``dest`` that a run writing ``dest`` builds in or moves the old one to (``.DEST.…``)."""
    with contextlib.suppress(OSError):
        return [Path(e.path) for e in os.scandir(dest.parent)
                if e.name.startswith(f".{dest.name}.") and e.is_dir(follow_symlinks=False)]
    return []


def file_counts(dest: Path) -> list[int]:
    return [len(files_of(t)) for t in temp_folders(dest)]


def moment(kind: str, dest: Path, ref: Reference, started: float) -> Trigger:
    """When to kill: ``"0.35"`` is that fraction of the reference run's time; the others are events
    seen in the file system (checked while the process is stopped, see :func:`run_and_kill`)."""
    n = len(ref.files)
    if kind[0].isdigit():
        at = started + float(kind) * ref.seconds
        return lambda: time.perf_counter() >= at
    if kind == "temp-folder-appears":
        return lambda: bool(temp_folders(dest))
    if kind == "temp-folder-half":  # writing the files
        return lambda: any(c >= n // 2 for c in file_counts(dest))
    if kind == "temp-folder-full":  # every file there, the last perhaps still being written: the rename next
        return lambda: any(c >= n for c in file_counts(dest))
    if kind == "dest-appears":
        return dest.exists
    if kind == "temp-folder-emptying":  # after the rename: the old folder (or the swapped-out one) being deleted
        seen_full = False

        def emptying() -> bool:
            nonlocal seen_full
            counts = file_counts(dest)
            if seen_full and any(0 < c < n for c in counts):
                return True
            seen_full = seen_full or any(c >= n for c in counts)
            return False
        return emptying
    raise ValueError(kind)


def state(pid: int) -> str:
    """The process's state letter from /proc (R, S, T stopped, Z exited, ...), X when gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "X"


def freeze(pid: int) -> None:
    """Stop the process group ``pid`` and wait until it is stopped (or has exited)."""
    os.killpg(pid, signal.SIGSTOP)
    deadline = time.perf_counter() + 10
    while state(pid) not in "TtZX" and time.perf_counter() < deadline:
        time.sleep(0.00005)


def thaw(pid: int) -> None:
    """Let the stopped process group ``pid`` run again (until the next :func:`freeze`)."""
    os.killpg(pid, signal.SIGCONT)


def run_and_kill(cmd: list[str], *, env: dict[str, str], cwd: Path, when: Callable[[float], Trigger],
                 watch: Path | None = None) -> tuple[int, bool]:
    """Start ``cmd``, SIGKILL it when ``when(start)()`` turns true; return its exit code and whether
    ``watch`` (when given) was ever seen missing (it is killed at that moment too).

    Writing the output takes milliseconds and the rename microseconds, too short to hit by
    polling. So while a temporary folder exists beside the destination the process runs in
    short slices (as short as signals are delivered: about a millisecond here) and is stopped
    (SIGSTOP) between them; the triggers are checked on the stopped process, and a kill lands
    exactly at the state they saw.
    """
    dest = Path(cmd[cmd.index("--out") + 1])
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # its own process group: stopped and killed as one
    trigger = when(start)
    seen_missing = False
    try:
        while proc.poll() is None:
            stepping = bool(temp_folders(dest))
            if stepping:
                freeze(proc.pid)
                if proc.poll() is not None:
                    break
            if watch is not None and not os.path.lexists(watch):
                seen_missing = True
            if seen_missing or trigger():
                os.killpg(proc.pid, signal.SIGKILL)  # the leader is not reaped yet: the group is still ours
                break
            if time.perf_counter() - start > TIMEOUT:
                raise AssertionError(f"{cmd}: still running after {TIMEOUT} s")
            if stepping:
                thaw(proc.pid)
            else:
                time.sleep(0.0002)
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=TIMEOUT)
    return proc.returncode, seen_missing


ATTEMPTS = 3  # an event shorter than one slice can be missed; the run then ends normally, and is tried again


def kill_during(cmd: list[str], kind: str, dest: Path, ref: Reference, *, cache: Path, cwd: Path,
                watch: Path | None = None) -> tuple[int, bool]:
    """:func:`run_and_kill` at ``kind``; an event missed (the run exited 0) is tried again, up to ATTEMPTS runs.

    A run that ended must have left a complete ``dest``; a run without ``--overwrite`` starts
    the next attempt without it.
    """
    attempts = 1 if kind[0].isdigit() else ATTEMPTS
    for attempt in range(1, attempts + 1):
        code, seen_missing = run_and_kill(cmd, env=env_for(cache), cwd=cwd, watch=watch,
                                          when=lambda start: moment(kind, dest, ref, start))
        if code != 0 or seen_missing or attempt == attempts:
            break
        assert_complete(dest, ref)
        if "--overwrite" not in cmd:
            shutil.rmtree(dest)
    return code, seen_missing


FAST_MOMENTS = ["0.5", "temp-folder-half", "temp-folder-full"]
SLOW_MOMENTS = ["0.1", "0.2", "0.3", "0.4", "0.6", "0.7", "0.8", "0.9", "0.95", "1.0",
                "temp-folder-appears", "dest-appears"]


@pytest.mark.parametrize("kind", [*FAST_MOMENTS, *(pytest.param(k, marks=pytest.mark.slow) for k in SLOW_MOMENTS)])
def test_a_killed_fit_leaves_no_folder_or_a_complete_one(kind: str, tmp_path: Path, reference: Reference) -> None:
    dest, cache = tmp_path / "out" / "run", tmp_path / "cache"
    dest.parent.mkdir()
    code, _ = kill_during([*FIT, "--no-cache", "--out", str(dest)], kind, dest, reference, cache=cache, cwd=tmp_path)
    assert code in (0, -signal.SIGKILL)
    assert_absent_or_complete(dest, reference)
    existed = dest.exists()
    if code == 0:
        assert existed, "a fit that exited 0 wrote no folder"
    # hidden leftovers beside it are allowed; they must not block the next run
    again = fit(dest, "--no-cache", *(["--overwrite"] if existed else []), cache=cache, cwd=tmp_path)
    ok(again)
    assert_same_outputs(dest, reference)
    assert not list(cache.glob("*")), "--no-cache wrote to the cache"


FAST_OVERWRITE_MOMENTS = ["temp-folder-emptying"]  # runs through the swap, where a replacement can go wrong
SLOW_OVERWRITE_MOMENTS = ["0.3", "0.6", "0.9", "1.0", "temp-folder-appears", "temp-folder-half", "temp-folder-full"]


@pytest.mark.parametrize("kind", [*FAST_OVERWRITE_MOMENTS,
                                  *(pytest.param(k, marks=pytest.mark.slow) for k in SLOW_OVERWRITE_MOMENTS)])
def test_a_killed_overwrite_leaves_the_old_folder_or_the_new_one(kind: str, tmp_path: Path, reference: Reference) -> None:
    dest, cache = tmp_path / "out" / "run", tmp_path / "cache"
    ok(fit(dest, "--no-cache", cache=cache, cwd=tmp_path))
    code, seen_missing = kill_during([*FIT, "--no-cache", "--overwrite", "--out", str(dest)], kind, dest, reference,
                                     cache=cache, cwd=tmp_path, watch=dest)
    assert code in (0, -signal.SIGKILL)
    assert not seen_missing, f"{dest}: was missing for a moment while --overwrite replaced it"
    assert_complete(dest, reference)
    ok(fit(dest, "--no-cache", "--overwrite", cache=cache, cwd=tmp_path))
    assert_same_outputs(dest, reference)


# --- b) two fits sharing a cache -------------------------------------------------------------------------------------


def fit_together(outs: list[Path], *, cache: Path, cwd: Path) -> None:
    """Start one fit per folder in ``outs`` at once, all on ``cache``; each must exit 0 without cache warnings."""
    procs = [subprocess.Popen([*FIT, "--out", str(out)], env=env_for(cache), cwd=cwd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for out in outs]
    for proc in procs:
        _, stderr = proc.communicate(timeout=TIMEOUT)
        ok(proc, stderr)
        # a reader racing a writer sees the old entry or the whole new one, never a part
        assert "cache entry" not in stderr, stderr


def test_two_fits_sharing_a_cache_write_what_a_serial_run_writes(tmp_path: Path, reference: Reference) -> None:
    cache = tmp_path / "cache"
    fit_together([tmp_path / "cold-a", tmp_path / "cold-b"], cache=cache, cwd=tmp_path)
    entries = sorted(p.name for p in cache.iterdir())
    assert entries and all(name.endswith(".pkl") and not name.startswith(".") for name in entries), entries
    fit_together([tmp_path / "warm-a", tmp_path / "warm-b"], cache=cache, cwd=tmp_path)
    assert sorted(p.name for p in cache.iterdir()) == entries  # the warm runs read, they had nothing to add
    for name in ("cold-a", "cold-b", "warm-a", "warm-b"):
        assert_same_outputs(tmp_path / name, reference)


# --- c) a damaged cache ----------------------------------------------------------------------------------------------


def test_a_fit_over_a_damaged_cache_writes_what_the_first_run_wrote(tmp_path: Path, reference: Reference) -> None:
    cache = tmp_path / "cache"
    ok(fit(tmp_path / "first", cache=cache, cwd=tmp_path))
    entries = sorted(cache.glob("*.pkl"))
    assert entries
    for entry in entries:  # a few bytes flipped past the start of each file
        data = bytearray(entry.read_bytes())
        for at in range(len(data) // 2, len(data), max(1, len(data) // 5)):
            data[at] ^= 0xFF
        entry.write_bytes(bytes(data))
    again = fit(tmp_path / "again", cache=cache, cwd=tmp_path)
    ok(again)
    first = Reference(tmp_path / "first", files_of(tmp_path / "first"), 0.0)
    assert_same_outputs(tmp_path / "again", first)
    assert_same_outputs(tmp_path / "again", reference)
    reported = [line for line in again.stderr.splitlines() if ": cache entry " in line]
    assert reported, f"the damaged entries were not reported:\n{again.stderr}"
