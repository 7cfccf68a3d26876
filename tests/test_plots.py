"""Figures render Chinese with the bundled font and leave the user's matplotlib settings alone."""

from __future__ import annotations

import warnings

import matplotlib
import pandas as pd

from topiclab.plots import differences_forest, prevalence_heatmap, prevalence_intervals, topic_labels


def _tables():
    prev = pd.DataFrame({
        "group": ["上海", "上海", "江苏", "江苏"], "topic": [0, 1, 0, 1], "n_docs": [14, 14, 2, 2],
        "mean": [0.7, 0.3, 0.2, 0.8], "ci_low": [0.6, 0.2, 0.1, 0.7], "ci_high": [0.8, 0.4, 0.3, 0.9],
        "weighted": True, "small_group": [False, False, True, True]})
    diffs = pd.DataFrame({
        "group_a": ["上海", "上海", "江苏", "江苏"], "group_b": ["(rest)"] * 4, "topic": [0, 1, 0, 1],
        "diff": [0.5, -0.5, -0.5, 0.5], "ci_low": [0.3, -0.7, -0.7, 0.3], "ci_high": [0.7, -0.3, -0.3, 0.7],
        "p_value": 0.01, "q_value": 0.02, "significant": [True, True, False, False],
        "small_group": [False, False, True, True]})
    labels = topic_labels(pd.DataFrame({"topic": [0, 1], "rank": [1, 1], "term": ["集成电路", "营商环境"]}))
    return prev, diffs, labels


def test_chinese_renders_without_missing_glyphs_and_settings_are_restored(tmp_path):
    before = dict(matplotlib.rcParams)
    prev, diffs, labels = _tables()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for make in (prevalence_heatmap, prevalence_intervals):
            fig = make(prev, labels)
            fig.savefig(tmp_path / "a.png")
        fig = differences_forest(diffs, labels)
        fig.savefig(tmp_path / "b.png")
    missing = [str(w.message) for w in caught if "Glyph" in str(w.message)]
    assert not missing, missing[:3]
    assert matplotlib.rcParams["font.family"] == before["font.family"]
    texts = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert "上海 · 0 · 集成电路" in texts
