"""Recorded experiments are reproduced exactly: the fast ones are rerun here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from topiclab.cli import main
from topiclab.config import FitConfig

EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"
FOLDERS = sorted(p for p in EXPERIMENTS.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
FAST = [p for p in FOLDERS if (p / "metrics.json").is_file()]  # one fit each: `topiclab fit --config`


def test_every_experiment_has_a_config_a_command_and_results():
    readme = (EXPERIMENTS / "README.md").read_text(encoding="utf-8")
    assert len(FOLDERS) >= 5 and len(FAST) >= 3
    for folder in FOLDERS:
        FitConfig.from_toml(folder / "config.toml")  # a valid, complete configuration
        results = [p for p in folder.iterdir() if p.name in ("metrics.json", "results.csv")]
        assert results, f"{folder.name}: no recorded results"
        assert f"`{folder.name}/`" in readme, f"{folder.name} is not listed in experiments/README.md"


@pytest.mark.parametrize("folder", FAST, ids=lambda p: p.name)
def test_fast_experiment_reproduces_its_recorded_metrics_exactly(folder: Path, tmp_path: Path):
    out = tmp_path / "run"
    assert main(["fit", "--config", str(folder / "config.toml"), "--out", str(out), "--quiet", "--no-cache"]) == 0
    recorded = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8")) == recorded
