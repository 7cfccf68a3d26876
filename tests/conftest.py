from __future__ import annotations

import pytest

from topiclab.corpus import Corpus, load_seed


@pytest.fixture(scope="session")
def seed() -> Corpus:
    """The embedded seed corpus, parsed once per test session."""
    return load_seed()
