from __future__ import annotations

import pytest

from topiclab.corpus import Corpus, load_seed


@pytest.fixture(scope="session")
def seed() -> Corpus:
    """The embedded seed corpus, parsed once per test session."""
    return load_seed()


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory: pytest.TempPathFactory):
    """A run folder of the default fit on the seed, with its region comparison (read-only for tests)."""
    from topiclab.cli import main

    run_dir = tmp_path_factory.mktemp("seed") / "run"
    assert main(["fit", "--quiet", "--no-cache", "--out", str(run_dir)]) == 0
    assert main(["compare", str(run_dir), "--n-boot", "200"]) == 0
    return run_dir
