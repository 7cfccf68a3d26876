"""Topics over time: parsing times into periods, bands a period, trends with known truth, the figure."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from topiclab.errors import ConfigError
from topiclab.over_time import over_time_tables, parse_periods, prevalence_over_time, trends
from topiclab.time_plots import prevalence_over_time_figure

K = 6


def planted(seed: int, *, years: int = 8, per_year: int = 100, shock: float = 0.0, groups: tuple[str, ...] = ("all",),
            ) -> pd.DataFrame:
    """Documents over ``years`` years: topic 0 rises 0.10 -> 0.25, topic 1 falls 0.25 -> 0.10 (the shares
    must go somewhere), topics 2..5 stay at 0.1625; each document's proportions Dirichlet around the
    year's shares; ``shock``: sd of a year's own log-normal wobble of every share (a year's events)."""
    rng = np.random.default_rng(seed)
    rows = []
    for g in groups:
        for y in range(years):
            f = y / (years - 1)
            m = np.array([0.10 + 0.15 * f, 0.25 - 0.15 * f, *[0.1625] * (K - 2)])
            m = m * np.exp(rng.normal(0, shock, K)) if shock else m
            props = rng.dirichlet(6 * m / m.sum(), per_year)
            for p in props:
                rows.append({"group": g, "year": 2015 + y, "n_tokens": int(rng.integers(30, 300)),
                             **{f"topic_{t}": p[t] for t in range(K)}})
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("value", "bin", "period"), [
    ("2024-01-05", "day", "2024-01-05"), ("2024/1/5", "month", "2024-01"), ("2024年1月5日", "quarter", "2024Q1"),
    ("２０２４年１１月５日", "day", "2024-11-05"), ("2024.8.5", "quarter", "2024Q3"), ("20241231", "day", "2024-12-31"),
    ("2024-01-05T10:30:00Z", "day", "2024-01-05"), ("2024-07", "quarter", "2024Q3"), ("2024年7月", "month", "2024-07"),
    ("2024Q2", "quarter", "2024Q2"), ("2024", "year", "2024"), ("2024年", "year", "2024"), (2024, "year", "2024"),
    (2024.0, "year", "2024"), (datetime.date(2024, 5, 6), "month", "2024-05"),
    (pd.Timestamp("2024-05-06 12:00", tz="Asia/Shanghai"), "day", "2024-05-06"),
])
def test_each_format_parses_into_its_period(value, bin, period):
    assert [str(p) for p in parse_periods(pd.Series([value], dtype=object), bin)] == [period]


def test_datetime_columns_and_empty_values():
    stamps = pd.Series(pd.to_datetime(["2023-12-31", None, "2024-01-01"]))
    assert [str(p) for p in parse_periods(stamps, "year")] == ["2023", "NaT", "2024"]
    assert parse_periods(pd.Series(["2024-01-05", "", "  ", None, np.nan]), "day").isna().tolist() == [
        False, True, True, True, True]
    assert [str(p) for p in parse_periods(pd.Series([1998.0, np.nan, 1999.0]), "year")] == ["1998", "NaT", "1999"]


def test_unparseable_values_are_counted_and_shown_in_one_line():
    with pytest.raises(ConfigError) as err:
        parse_periods(pd.Series(["2024-01-05", "soon", "soon", "", "2024-02-30"]), "day", name="date")
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("time column 'date': 3 value(s) are neither dates nor years, e.g. 'soon'; ")
    assert "rows with an empty time are left out: 1 here" in message
    with pytest.raises(ConfigError, match=r"'when': 1 value.*e.g. 2024.5"):
        parse_periods(pd.Series([2024, 2024.5]), name="when")


def test_a_bin_finer_than_the_values_is_refused():
    with pytest.raises(ConfigError, match=r"2 value\(s\) give no day, e.g. '2024-03' \(a month\); bin by month"):
        parse_periods(pd.Series(["2024-03", "2024-04", "2024-05-01"]), "day", name="t")
    with pytest.raises(ConfigError, match="bin must be one of year, quarter, month, day, got 'week'"):
        parse_periods(pd.Series(["2024-03-01"]), "week")


def test_errors_name_the_column_and_the_remedy():
    f = planted(0, years=2, per_year=5)
    with pytest.raises(ConfigError, match="no time column 'date'; columns are"):
        trends(f, "date")
    with pytest.raises(ConfigError, match="no group column 'region'"):
        trends(f, "year", by="region")
    with pytest.raises(ConfigError, match=r"gives 1 year.*at least two"):
        trends(f[f["year"] == 2015], "year")
    with pytest.raises(ConfigError, match="n_tokens"):
        trends(f.drop(columns="n_tokens"), "year")
    with pytest.raises(ConfigError, match="n_boot"):
        trends(f, "year", n_boot=0)


def test_planted_rising_topic_is_found_rising_and_flat_ones_stay_flat():
    t = trends(planted(1), "year", n_boot=1000, seed=3).set_index("topic")
    assert t.loc[0, "direction"] == "rising" and t.loc[0, "ci_low"] > 0 and t.loc[0, "q_value"] < 0.05
    assert t.loc[0, "ci_low"] < 0.15 / 7 < t.loc[0, "ci_high"]  # the planted slope, share per year
    assert t.loc[1, "direction"] == "falling" and t.loc[1, "ci_high"] < 0
    assert (t.loc[2:, "direction"] == "flat").all() and not t.loc[2:, "significant"].any()
    assert set(t["per"]) == {"year"} and (t["n_periods"] == 8).all() and (t["n_docs"] == 800).all()


def test_flat_topics_are_rarely_called_and_year_shocks_widen_the_interval():
    calls, widened = [], []
    for rep in range(12):
        t = trends(planted(100 + rep, per_year=60, shock=0.25), "year", n_boot=300, seed=rep)
        flat = t[t["topic"] >= 2]
        calls.append((flat["direction"] != "flat").mean())
        widened.append((flat["dispersion"] > 1).mean())
    assert np.mean(calls) <= 0.15  # 5 % expected; without widening by the dispersion about a third here
    assert np.mean(widened) > 0.8


def test_slope_is_the_weighted_least_squares_slope_over_documents():
    f = planted(2, per_year=30)
    t = trends(f, "year", n_boot=50)
    for topic in range(K):
        ref = np.polyfit(f["year"], f[f"topic_{topic}"], 1, w=np.sqrt(f["n_tokens"]))[0]
        assert t.loc[topic, "slope"] == pytest.approx(ref, rel=1e-9, abs=1e-12)
    unweighted = trends(f, "year", weighted=False, n_boot=50)
    assert unweighted.loc[0, "slope"] == pytest.approx(np.polyfit(f["year"], f["topic_0"], 1)[0])


def test_prevalence_means_are_each_periods_weighted_means_with_bands_around_them():
    f = planted(3, years=3, per_year=20)
    p = prevalence_over_time(f, "year", n_boot=300)
    assert list(p.columns) == ["group", "period", "topic", "mean", "ci_low", "ci_high", "n_docs"]
    ref = f.groupby("year").apply(lambda d: np.average(d["topic_2"], weights=d["n_tokens"]), include_groups=False)
    got = p[p["topic"] == 2].set_index("period")["mean"]
    assert got.tolist() == pytest.approx(ref.tolist())
    assert (p["ci_low"] <= p["mean"]).all() and (p["mean"] <= p["ci_high"]).all() and (p["n_docs"] == 20).all()


def test_grouped_output_has_a_row_a_group_period_and_topic_in_time_order():
    f = planted(4, years=3, per_year=10, groups=("浙江", "上海"))
    f["date"] = [f"{y - 1}-12-{d % 28 + 1}" if d % 2 else f"{y}-1-{d % 28 + 1}" for d, y in enumerate(f["year"])]
    f.loc[f.index[:3], "date"] = ""
    tables = over_time_tables(f, "date", by="group", bin="month", n_boot=100)
    p = tables["prevalence_over_time"]
    months = ["2014-12", "2015-01", "2015-12", "2016-01", "2016-12", "2017-01"]
    assert len(p) == 2 * len(months) * K and p["group"].unique().tolist() == ["上海", "浙江"]
    assert p[(p["group"] == "上海") & (p["topic"] == 0)]["period"].tolist() == months
    assert tables["trends"][["group", "topic"]].values.tolist() == [[g, t] for g in ("上海", "浙江") for t in range(K)]
    cover = tables["time_coverage"].set_index("group")
    assert cover.loc["浙江", "n_undated"] == 3 and cover.loc["浙江", "n_docs"] == 27 and cover.loc["上海", "n_docs"] == 30


def test_a_period_of_one_document_has_no_band():
    f = planted(5, years=3, per_year=4).iloc[:9]  # 2015 and 2016 with four documents, 2017 with one
    p = prevalence_over_time(f, "year", n_boot=100)
    assert p[p["period"] == "2017"]["ci_low"].isna().all() and p[p["period"] == "2016"]["ci_low"].notna().all()


def test_same_seed_same_tables_other_seed_other_bands():
    f = planted(6, years=4, per_year=15, groups=("a", "b"))
    one, two = (over_time_tables(f, "year", by="group", n_boot=200, seed=9) for _ in range(2))
    for name in one:
        pd.testing.assert_frame_equal(one[name], two[name])
    other = over_time_tables(f, "year", by="group", n_boot=200, seed=10)
    assert not np.allclose(one["prevalence_over_time"]["ci_low"], other["prevalence_over_time"]["ci_low"])
    assert one["prevalence_over_time"]["mean"].equals(other["prevalence_over_time"]["mean"])


def test_the_figure_shows_trending_topics_first_with_chinese_labels_and_the_level():
    tables = over_time_tables(planted(7, per_year=40, groups=("上海", "浙江")), "year", by="group", n_boot=200)
    labels = {t: f"{t} · 主题{t}" for t in range(K)}
    fig = prevalence_over_time_figure(tables["prevalence_over_time"], labels, trends=tables["trends"], max_topics=4)
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert len(titles) == 4 and titles[0].startswith(("0 · 主题0", "1 · 主题1")) and "↑" in " ".join(titles)
    assert "95% bootstrap band" in fig.get_suptitle() and "4 of 6 topics" in fig.get_suptitle()
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["上海", "浙江"]


def test_a_group_seen_in_one_period_has_no_trend_but_keeps_its_band():
    f = planted(8, years=3, per_year=10, groups=("a", "b"))
    f = f[(f["group"] == "a") | (f["year"] == 2015)]
    t = trends(f, "year", by="group", n_boot=100)
    assert (t[t["group"] == "b"]["direction"] == "undetermined").all() and t[t["group"] == "b"]["slope"].isna().all()
    assert t[t["group"] == "b"]["q_value"].isna().all() and t[t["group"] == "a"]["q_value"].notna().all()


def test_three_periods_call_a_trend_only_when_it_dwarfs_the_noise():
    """With three periods (one residual df) a small slope stays flat; a steep one is still found."""
    small = [trends(planted(s, years=3, per_year=60), "year").query("topic == 0")["direction"].item()
             for s in range(20)]
    assert small.count("rising") <= 4  # 0.075 a year on three points: the normal interval called 15 of 20
    steep = planted(0, years=3, per_year=400)
    steep["topic_0"], steep["topic_1"] = steep["topic_0"] * 3, steep["topic_1"] / 3
    assert trends(steep, "year").query("topic == 0")["direction"].item() == "rising"
