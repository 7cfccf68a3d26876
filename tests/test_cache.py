"""The on-disk cache stays under its size limit and evicts the entries used longest ago."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from topiclab.cache import Cache, cache_limit_bytes
from topiclab.errors import InputError


def test_eviction_removes_the_least_recently_used_entries(tmp_path: Path, monkeypatch):
    cache = Cache(tmp_path)
    for i, key in enumerate("abc"):
        cache.put("tokens", key, key * 10_000)
        os.utime(cache._path("tokens", key), (1000 + i, 1000 + i))  # a oldest, c newest
    assert cache.get("tokens", "a") == "a" * 10_000  # reading a makes it the most recent
    # room for two entries: writing d evicts the least recently used, b
    monkeypatch.setenv("TOPICLAB_CACHE_MB", str(25_000 / 1024 / 1024))
    cache.put("tokens", "d", "d" * 10_000)
    assert [cache.get("tokens", k) is not None for k in "abcd"] == [True, False, False, True]


def test_a_new_entry_larger_than_the_limit_is_still_kept(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("TOPICLAB_CACHE_MB", "0")
    cache = Cache(tmp_path)
    cache.put("tokens", "big", list(range(1000)))
    assert cache.get("tokens", "big") == list(range(1000))


def test_a_bad_limit_says_what_it_needs(monkeypatch):
    monkeypatch.setenv("TOPICLAB_CACHE_MB", "lots")
    with pytest.raises(InputError, match="TOPICLAB_CACHE_MB must be a number of megabytes, got 'lots'"):
        cache_limit_bytes()
