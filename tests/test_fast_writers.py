"""The fast writers give the bytes of the plain ones: six-decimal CSV as pandas writes it, and
tokens.jsonl as json writes each line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from topiclab import csv_out
from topiclab._io import LINE_BREAKS
from topiclab.csv_out import fixed6, write_fixed6_csv
from topiclab.preprocess import PreprocessConfig
from topiclab.preprocess.output import write_units_jsonl
from topiclab.preprocess.units import Units


def pandas_bytes(frame: pd.DataFrame, path: Path) -> bytes:
    frame.to_csv(path, index=False, float_format="%.6f", lineterminator="\n")
    return path.read_bytes()


def ours(frame: pd.DataFrame, path: Path) -> bytes:
    write_fixed6_csv(frame, path)
    return path.read_bytes()


def test_values_whose_rounding_the_product_cannot_settle_are_written_as_percent_writes_them() -> None:
    halves = (np.arange(0, 1_000_001, 997) + 0.5) / 1e6  # near x.5 millionths: the exact binary value decides
    values = np.concatenate([halves, np.nextafter(halves, 2), np.nextafter(halves, -1),
                             [0.0, -0.0, 1.0, 5e-7, 0.9999995, 1e-300, np.inf, -np.inf, -1.5, 123456.7894565, 1e20]])
    assert fixed6(values).tolist() == [f"{v:.6f}" for v in values]
    assert fixed6(np.array([np.nan, 0.5])).tolist() == ["", "0.500000"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=40))
def test_any_float_is_written_as_percent_writes_it(values: list[float]) -> None:
    expected = ["" if np.isnan(v) else f"{v:.6f}" for v in values]
    assert fixed6(np.array(values)).tolist() == expected


def doc_topics_like(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.dirichlet([0.1] * 6, n), columns=[f"topic_{i}" for i in range(6)])
    frame.insert(0, "dominant_label", ["研究 方法", 'a, "quoted"\nsecond line', "", None] * (n // 4) + [""] * (n % 4))
    frame.insert(0, "share", rng.random(n))  # a float column before the text: formatted by pandas
    frame.insert(0, "dominant_topic", rng.integers(0, 6, n))
    frame.insert(0, "doc_id", [f"d{i}" for i in range(n)])
    frame.loc[1, "topic_2"] = np.nan
    frame.loc[2, "share"] = np.nan
    return frame


@pytest.mark.parametrize("rows", [0, 1, 7, 45])
def test_a_table_is_written_in_blocks_with_the_same_bytes_as_pandas(tmp_path: Path, rows: int,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_out, "ROWS", 10)  # several blocks, the last one short
    frame = doc_topics_like(rows)
    assert ours(frame, tmp_path / "a.csv") == pandas_bytes(frame, tmp_path / "b.csv")


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"p": [0.5, 1 / 3]}),  # floats only
    pd.DataFrame({"id": ["a", "b"]}),  # no floats
    pd.DataFrame({"id": ["a\x01", "b"], "p": [0.25, 0.75]}),  # the marker in the text: pandas writes it alone
    pd.DataFrame(),
])
def test_tables_of_other_shapes_give_pandas_bytes(tmp_path: Path, frame: pd.DataFrame) -> None:
    assert ours(frame, tmp_path / "a.csv") == pandas_bytes(frame, tmp_path / "b.csv")


def test_tokens_jsonl_lines_are_what_json_writes_for_each_unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from topiclab.preprocess import token_lists

    monkeypatch.setattr(token_lists, "_CHUNK", 2)  # blocks of a few tokens: units on both sides of a block's edge
    tokens = [["长三角", "一体化"], [], ['引"号', "反\\斜"], ["行\u2028分隔", "长三角"], ["\x85", "e\u0301"]] * 3
    unit_ids = tuple(f"u{i}\u2029" if i == 3 else f"u{i}" for i in range(len(tokens)))
    doc_ids = tuple(f'd"{i // 2}' for i in range(len(tokens)))
    units = Units(unit_ids, doc_ids, tokens, {}, (), (), PreprocessConfig())
    write_units_jsonl(units, tmp_path / "tokens.jsonl")
    expected = "".join(json.dumps({"unit_id": u, "doc_id": d, "tokens": t}, ensure_ascii=False).translate(LINE_BREAKS)
                       + "\n" for u, d, t in zip(unit_ids, doc_ids, tokens))
    assert (tmp_path / "tokens.jsonl").read_text(encoding="utf-8") == expected
    assert [json.loads(line)["tokens"] for line in expected.splitlines()] == tokens
