"""The on-disk cache stays under its size limit, evicts the entries used longest ago, and never
trusts an entry that is truncated, damaged or of another format."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from pathlib import Path

import pytest

from topiclab.cache import Cache, cache_limit_bytes
from topiclab.corpus import Corpus
from topiclab.errors import InputError
from topiclab.preprocess import PreprocessConfig, preprocess


def put_entry(cache: Cache, kind: str, key: str, value: object) -> Path:
    """``cache.put`` and the file it wrote (the one new entry in the folder)."""
    assert cache.folder is not None
    before = set(cache.folder.glob("*.pkl"))
    cache.put(kind, key, value)
    (entry,) = set(cache.folder.glob("*.pkl")) - before
    return entry


def cache_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "topiclab.cache" and r.levelno == logging.WARNING]


def test_eviction_removes_the_least_recently_used_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = Cache(tmp_path)
    for i, key in enumerate("abc"):
        os.utime(put_entry(cache, "tokens", key, key * 10_000), (1000 + i, 1000 + i))  # a oldest, c newest
    assert cache.get("tokens", "a") == "a" * 10_000  # reading a makes it the most recent
    # room for two entries: writing d evicts the least recently used, b
    monkeypatch.setenv("TOPICLAB_CACHE_MB", str(25_000 / 1024 / 1024))
    cache.put("tokens", "d", "d" * 10_000)
    assert [cache.get("tokens", k) is not None for k in "abcd"] == [True, False, False, True]


def test_a_new_entry_larger_than_the_limit_is_still_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOPICLAB_CACHE_MB", "0")
    cache = Cache(tmp_path)
    cache.put("tokens", "big", list(range(1000)))
    assert cache.get("tokens", "big") == list(range(1000))


def test_a_bad_limit_says_what_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOPICLAB_CACHE_MB", "lots")
    with pytest.raises(InputError, match="TOPICLAB_CACHE_MB must be a number of megabytes, got 'lots'"):
        cache_limit_bytes()


VALUE = {"tokens": [["长三角", "一体化"], ["集成电路", "产业"]] * 50, "note": "x" * 2000}


def test_an_entry_ends_with_the_pickle_of_its_value(tmp_path: Path) -> None:
    # the layout the damage tests below rely on: a short header, then the pickle
    entry = put_entry(Cache(tmp_path), "tokens", "k", VALUE)
    data, payload = entry.read_bytes(), pickle.dumps(VALUE, protocol=pickle.HIGHEST_PROTOCOL)
    assert data.endswith(payload)
    assert len(data) - len(payload) == 8 + 32  # magic and format, SHA-256 digest


def test_a_truncated_entry_is_a_miss_and_the_next_put_rebuilds_it(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = Cache(tmp_path)
    entry = put_entry(cache, "tokens", "k", VALUE)
    whole = entry.read_bytes()
    for keep in (len(whole) - 1, len(whole) // 2, 20, 5, 0):
        entry.write_bytes(whole[:keep])
        caplog.clear()
        assert cache.get("tokens", "k") is None
        assert not entry.exists(), f"a {keep}-byte entry was left in place"
        assert len(cache_warnings(caplog)) == 1
        assert str(entry) in cache_warnings(caplog)[0]
        cache.put("tokens", "k", VALUE)
        assert cache.get("tokens", "k") == VALUE
        assert entry.read_bytes() == whole


def test_one_flipped_byte_in_the_payload_is_a_miss(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = Cache(tmp_path)
    entry = put_entry(cache, "tokens", "k", VALUE)
    data = bytearray(entry.read_bytes())
    at = data.index(b"x" * 2000) + 1000
    data[at] ^= 0x01  # "x" -> "y": the payload still unpickles, to a different value
    assert pickle.loads(bytes(data[-len(pickle.dumps(VALUE, protocol=pickle.HIGHEST_PROTOCOL)):])) != VALUE
    entry.write_bytes(bytes(data))
    assert cache.get("tokens", "k") is None
    assert not entry.exists()
    (message,) = cache_warnings(caplog)
    assert message == f"{entry}: cache entry does not match its checksum (truncated or damaged); ignored and deleted, the result is computed again"


def test_a_flipped_byte_in_the_header_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    entry = put_entry(cache, "tokens", "k", VALUE)
    whole = entry.read_bytes()
    for at in (0, 7, 8, 39):  # magic, format, first and last byte of the digest
        damaged = bytearray(whole)
        damaged[at] ^= 0x40
        entry.write_bytes(bytes(damaged))
        assert cache.get("tokens", "k") is None, f"byte {at}"
        cache.put("tokens", "k", VALUE)


def test_an_entry_of_the_old_format_is_a_miss(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = Cache(tmp_path)
    entry = put_entry(cache, "tokens", "k", VALUE)
    entry.write_bytes(pickle.dumps(VALUE, protocol=pickle.HIGHEST_PROTOCOL))  # how entries were written before
    caplog.set_level(logging.DEBUG, logger="topiclab.cache")
    assert cache.get("tokens", "k") is None
    assert not entry.exists()
    assert cache_warnings(caplog) == []  # expected after an upgrade: a debug line, not a warning
    (record,) = [r for r in caplog.records if r.name == "topiclab.cache"]
    assert record.getMessage().startswith(f"{entry}: cache entry is not in topiclab's cache format")


def test_a_checksum_valid_payload_that_does_not_unpickle_is_a_miss(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = Cache(tmp_path)
    entry = put_entry(cache, "tokens", "k", VALUE)
    magic_and_format = entry.read_bytes()[:8]
    bad = b"\x80\x05not a pickle."
    entry.write_bytes(magic_and_format + hashlib.sha256(bad).digest() + bad)
    assert cache.get("tokens", "k") is None
    assert not entry.exists()
    (message,) = cache_warnings(caplog)
    assert "does not unpickle" in message


def test_a_missing_entry_is_a_quiet_miss(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert Cache(tmp_path).get("tokens", "never written") is None
    assert Cache(tmp_path / "no such folder").get("tokens", "k") is None
    assert cache_warnings(caplog) == []


def test_preprocess_after_a_corrupted_cache_equals_preprocess_without_a_cache(tmp_path: Path, seed: Corpus, caplog: pytest.LogCaptureFixture) -> None:
    expected = preprocess(seed, PreprocessConfig()).tokens
    assert preprocess(seed, PreprocessConfig(), cache_dir=tmp_path).tokens == expected
    entries = sorted(tmp_path.glob("*.pkl"))
    assert len(entries) >= 2  # the tagged corpus and the units
    for entry in entries:
        data = bytearray(entry.read_bytes())
        for at in range(len(data) // 3, len(data), max(1, len(data) // 7)):
            data[at] ^= 0xFF
        entry.write_bytes(bytes(data))
    caplog.clear()
    assert preprocess(seed, PreprocessConfig(), cache_dir=tmp_path).tokens == expected
    assert sorted(m.split(":")[0] for m in cache_warnings(caplog)) == [str(e) for e in entries]
    # and the rebuilt entries are read back as they should be
    assert preprocess(seed, PreprocessConfig(), cache_dir=tmp_path).tokens == expected
    assert sorted(tmp_path.glob("*.pkl")) == entries


def test_the_corpus_digest_hashed_in_blocks_is_the_digest_of_the_whole():
    from topiclab.cache import texts_digest

    ids, texts = [f"d{i}" for i in range(5000)], [f"长三角第{i}篇" for i in range(5000)]  # several blocks
    whole = "\0".join(p for pair in zip(ids, texts) for p in pair) + "\0"
    assert texts_digest(ids, texts) == hashlib.sha256(whole.encode()).hexdigest()
