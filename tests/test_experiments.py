"""Recorded experiments are reproduced exactly: the fast ones are rerun here."""

from __future__ import annotations

import json
import py_compile
import re
import shlex
from pathlib import Path

import pytest

from topiclab.cli import main
from topiclab.config import FitConfig

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = ROOT / "experiments"
FOLDERS = sorted(p for p in EXPERIMENTS.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
FAST = [p for p in FOLDERS if (p / "metrics.json").is_file()]  # one fit each: `topiclab fit --config`


def _command(folder: Path) -> list[str]:
    """The command experiments/README.md gives for ``folder``, as arguments."""
    readme = (EXPERIMENTS / "README.md").read_text(encoding="utf-8")
    row = next((line for line in readme.splitlines() if line.startswith(f"| `{folder.name}/`")), None)
    assert row is not None, f"{folder.name} is not listed in experiments/README.md"
    commands = re.findall(r"`((?:topiclab|python) [^`]+)`", row.split("|")[3])  # | folder | question | command |
    assert len(commands) == 1, f"{folder.name}: expected one command in its README row, found {commands}"
    return shlex.split(commands[0])


def test_every_experiment_has_a_config_a_runnable_command_and_results():
    assert len(FOLDERS) >= 5 and len(FAST) >= 3
    for folder in FOLDERS:
        FitConfig.from_toml(folder / "config.toml")  # a valid, complete configuration
        results = [p for p in folder.iterdir() if p.name in ("metrics.json", "results.csv") or
                   (p.name == "results" and any(p.glob("*.csv")))]
        assert results, f"{folder.name}: no recorded results"
        command = _command(folder)
        if command[0] == "python":  # a grid: minutes to run, so here only that the script is there and compiles
            script = ROOT / command[1]
            assert script.is_file() and script.parent == folder, f"{folder.name}: {command[1]} is not its script"
            py_compile.compile(str(script), doraise=True)
        else:
            assert command[:2] == ["topiclab", "fit"] and (ROOT / command[command.index("--config") + 1]) == \
                folder / "config.toml", f"{folder.name}: the command does not fit its own config"


@pytest.mark.parametrize("folder", FAST, ids=lambda p: p.name)
def test_fast_experiment_reproduces_its_recorded_metrics_exactly(folder: Path, tmp_path: Path, monkeypatch):
    """The README's own command, run from the repository root (its output folder moved to tmp)."""
    command = _command(folder)
    out = tmp_path / "run"
    args = command[1:]
    args[args.index("--out") + 1] = str(out)
    monkeypatch.chdir(ROOT)
    assert main([*args, "--quiet", "--no-cache"]) == 0
    recorded = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8")) == recorded
