"""Lint and type checks run with the tests, so they can fail the build."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("tool", ["ruff", "mypy"])
def test_static_checks_pass(tool: str):
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is not installed; pip install -e '.[dev]'")
    cmd = [sys.executable, "-m", "ruff", "check", "src", "tests", "bench", "experiments", "scripts"] if tool == "ruff" else \
        [sys.executable, "-m", "mypy"]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stdout + res.stderr
