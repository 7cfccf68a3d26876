"""The library API a pandas user meets: topiclab.fit / compare / sweep / load, without submodules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import topiclab

CHIPS = ["上海张江集成电路芯片设计产业集聚", "上海临港集成电路芯片制造基地", "上海浦东芯片设计企业创新"]
PORTS = ["浙江宁波舟山港口物流航运枢纽", "浙江宁波港口集装箱物流", "浙江舟山航运物流港口建设"]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    texts = (CHIPS + PORTS) * 4
    return pd.DataFrame({"body": texts, "year": list(range(2000, 2024))},
                        index=pd.Index([f"doc{i:02d}" for i in range(24)], name="url"))


@pytest.fixture(scope="module")
def result(frame: pd.DataFrame) -> topiclab.Result:
    return topiclab.fit(frame, text_col="body", k=2, seed=1, cache=False)


def test_a_dataframe_is_fit_compared_and_plotted_in_five_lines(frame: pd.DataFrame):
    result = topiclab.fit(frame, text_col="body", k=2, seed=1, cache=False)
    table = result.document_table()
    comparison = topiclab.compare(result, by="region", n_boot=200)
    figure = comparison.plot("heatmap")
    assert table.index.equals(frame.index) and list(table["year"]) == list(frame["year"])
    by_region = table.groupby("region")["dominant_topic"].agg(lambda s: s.mode()[0])
    assert by_region["上海"] != by_region["浙江"]  # the two themes are the two regions
    assert set(comparison.prevalence["group"]) == {"上海", "浙江"} and figure.axes


def test_rows_with_nothing_to_model_stay_in_the_table_without_a_topic():
    df = pd.DataFrame({"text": [*CHIPS, "", "Hello world", *PORTS]}, index=[10, 11, 12, 13, 14, 15, 16, 17])
    table = topiclab.fit(df, k=2, cache=False).document_table()
    assert table.index.tolist() == df.index.tolist()
    assert table.loc[13, "n_tokens"] == 0 and table.loc[13, "dominant_topic"] is pd.NA
    assert table.loc[14, "dominant_topic"] is pd.NA and np.isnan(table.loc[14, "topic_0"])
    assert table.loc[10, "n_tokens"] > 0 and table.loc[10, "dominant_topic"] is not pd.NA


def test_a_series_and_a_list_are_corpora_too():
    series = pd.Series(CHIPS * 2 + PORTS * 2, index=pd.date_range("2024-01-01", periods=12, name="day"))
    assert topiclab.fit(series, k=2, cache=False).document_table().index.equals(series.index)
    assert topiclab.fit(list(series), k=2, cache=False).document_table().index.tolist() == list(range(12))


def test_transform_keeps_the_callers_index(result: topiclab.Result):
    new = pd.Series(["上海集成电路芯片", "宁波港口物流", ""], index=["x", "y", "z"])
    out = result.transform(new)
    assert out.index.tolist() == ["x", "y", "z"] and out["doc_id"].tolist() == ["x", "y", "z"]
    assert out.loc["x", "dominant_topic"] != out.loc["y", "dominant_topic"] and out.loc["z", "dominant_topic"] is pd.NA
    duplicated = pd.Series(["上海集成电路芯片", "宁波港口物流"], index=[1, 1])
    assert result.transform(duplicated).index.tolist() == [1, 1]


def test_save_load_and_rerun_from_the_saved_config(result: topiclab.Result, tmp_path, monkeypatch):
    folder = result.save(tmp_path / "run")
    assert (folder / "corpus.jsonl").is_file()  # the data in memory, so that config.toml repeats the fit
    loaded = topiclab.load(folder)
    assert loaded.top_terms(5) == result.top_terms(5)
    assert loaded.transform(["上海集成电路芯片"])["dominant_topic"].tolist() == \
        result.transform(["上海集成电路芯片"])["dominant_topic"].tolist()
    monkeypatch.chdir(tmp_path)
    again = topiclab.fit(config=folder / "config.toml", cache=False)
    assert again.top_terms(10) == result.top_terms(10)
    assert again.save(tmp_path / "again") and (tmp_path / "again" / "topics.csv").read_bytes() == \
        (folder / "topics.csv").read_bytes()
    a = topiclab.compare(folder, by="region", n_boot=100).prevalence
    b = topiclab.compare(result, by="region", n_boot=100).prevalence
    pd.testing.assert_frame_equal(a, b)


def test_settings_by_name_are_validated(frame: pd.DataFrame):
    with pytest.raises(topiclab.ConfigError, match="'depth': no such setting"):
        topiclab.fit(frame, text_col="body", depth=3)
    with pytest.raises(topiclab.ConfigError, match=r"model\.seed must be a whole number from 0 to 4294967295"):
        topiclab.fit(frame, text_col="body", seed=-1)
    with pytest.raises(topiclab.InputError, match="no text column 'text'; columns are \\['body', 'year'\\]; "
                                                  "choose one with text_col="):
        topiclab.fit(frame)
    config = topiclab.FitConfig().with_values({"vectorize.no_below": 1}, unit="document", model="lda")
    assert (config.vectorize.no_below, config.preprocess.unit, config.model.name) == (1, "document", "lda")


def test_compare_against_a_reference_group(result: topiclab.Result):
    comparison = topiclab.compare(result, by="region", n_boot=100, reference="浙江")
    pairs = comparison.differences.query("group_b != '(rest)'")
    assert set(pairs["group_b"]) == {"浙江"} and set(pairs["group_a"]) == {"上海"}
    assert set(comparison.effects["reference"]) == {"浙江"}
    with pytest.raises(topiclab.ConfigError, match="reference group '江苏' is not a value of 'region'"):
        topiclab.compare(result, by="region", reference="江苏")


def test_many_small_groups_are_noted_and_their_figures_stay_readable():
    provinces = [f"省份{i:02d}" for i in range(31)]
    texts = [(CHIPS + PORTS)[i % 6] for i in range(62)]
    df = pd.DataFrame({"text": texts, "province": [provinces[i % 31] for i in range(62)]})
    comparison = topiclab.compare(topiclab.fit(df, k=2, cache=False), by="province", n_boot=50)
    assert comparison.notes and "every one of the 31 groups" in comparison.notes[0]
    for kind in ("heatmap", "intervals", "forest"):
        width, height = comparison.plot(kind).get_size_inches() * 130
        assert width <= 2100 and height <= 2400, (kind, width, height)


def test_a_group_of_one_document_has_no_interval_rather_than_a_zero_width_one():
    df = pd.DataFrame({"text": CHIPS * 3 + PORTS * 3 + [CHIPS[0]], "g": ["a"] * 9 + ["b"] * 9 + ["c"]})
    prev = topiclab.compare(topiclab.fit(df, k=2, cache=False), by="g", n_boot=100, min_docs=1).prevalence
    assert prev.query("group == 'c'")[["ci_low", "ci_high"]].isna().all().all()
    assert prev.query("group == 'a'")["ci_low"].notna().all()


def test_sweep_returns_tables_and_a_figure(frame: pd.DataFrame, tmp_path):
    sweep = topiclab.sweep(frame, text_col="body", k=[2, 3], seeds=[1, 2], cache=False)
    assert sweep.summary["k"].tolist() == [2, 3] and len(sweep.runs) == 4 and sweep.plot().axes
    out = sweep.save(tmp_path / "sweep")
    assert (out / "summary.csv").is_file() and (out / "metrics_vs_k.png").is_file()


def test_what_a_pandas_user_passes_is_taken_or_refused_in_one_line(frame: pd.DataFrame, result: topiclab.Result):
    assert topiclab.fit(frame, text_col="body", k=np.int64(2), seed=np.int64(3), cache=False).k == 2
    assert topiclab.fit(frame, config={"input.text_col": "body", "model.k": 2}, cache=False).k == 2
    for bad in (frame, "上海集成电路", None):
        with pytest.raises(topiclab.ConfigError, match="transform takes"):
            result.transform(bad)
    with pytest.raises(topiclab.InputError, match="item 1 of the list is None, not a text"):
        topiclab.fit(["上海集成电路", None], k=2)
    with pytest.raises(topiclab.ConfigError, match=r"model\.backend 'gensim' applies to LDA only"):
        topiclab.fit(frame, text_col="body", model="nmf", backend="gensim")
    config = topiclab.FitConfig().with_values(model="lda", backend="gensim", alpha="auto")
    assert config.model.params()["alpha"] == "auto"
    with pytest.raises(topiclab.ConfigError, match="a learned prior needs model lda with backend gensim"):
        topiclab.FitConfig().with_values(model="lda", alpha="auto")
    assert "Result(model='nmf', k=2" in repr(result) and len(repr(result)) < 200


def test_id_col_stays_in_the_document_table(frame: pd.DataFrame):
    df = frame.reset_index()
    table = topiclab.fit(df, text_col="body", id_col="url", k=2, cache=False).document_table()
    assert table.index.equals(df.index) and table["url"].tolist() == df["url"].tolist()


def test_covariates_that_leave_nothing_to_estimate_are_refused(result: topiclab.Result):
    with pytest.raises(topiclab.ConfigError, match="covariate 'region' is the grouping column itself"):
        topiclab.compare(result, by="region", covariates=["region"])
    with pytest.raises(topiclab.ConfigError, match="coefficients for 24 documents"):
        topiclab.compare(result, by="region", covariates="year,doc_id")  # a string is a comma-separated list


def test_a_loaded_run_saved_elsewhere_still_reruns(result: topiclab.Result, tmp_path):
    first = result.save(tmp_path / "a" / "run")
    copy = topiclab.load(first).save(tmp_path / "b" / "deeper" / "copy")
    again = topiclab.fit(config=copy / "config.toml", cache=False)
    assert again.top_terms(10) == result.top_terms(10)
