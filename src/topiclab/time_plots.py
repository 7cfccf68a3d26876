"""The figure of topic prevalence over time, from :func:`topiclab.over_time.over_time_tables`' tables.

One panel a topic (small multiples, the topics with a trend first and then by mean share when
there are more than fit), a line a group with its bootstrap band, periods placed at their real
distance in time (a missing month leaves a gap in spacing, not a jump). Drawn inside
:func:`topiclab.plots.chinese`, so Chinese labels render.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from topiclab.plots import chinese

MAX_TOPICS = 12
_UNITS = {"Y": "year", "Q": "quarter", "M": "month", "D": "day"}
_MARKS = {"rising": "↑", "falling": "↓"}


def shown_topics(prevalence: pd.DataFrame, trends: pd.DataFrame | None = None,
                 max_topics: int = MAX_TOPICS) -> list[int]:
    """The topics a figure shows: those with a trend (smallest q-value first), then the rest by mean share.

    Example:
        >>> p = pd.DataFrame({"topic": [0, 1, 2], "mean": [.2, .5, .3], "n_docs": [4, 4, 4]})
        >>> shown_topics(p, max_topics=2)
        [1, 2]
    """
    share = (prevalence.assign(_w=prevalence["mean"] * prevalence["n_docs"]).groupby("topic")[["_w", "n_docs"]]
             .sum())
    by_mean = (share["_w"] / share["n_docs"]).sort_values(ascending=False, kind="stable")
    first: list[int] = []
    if trends is not None:
        moving = trends[trends["direction"].isin(list(_MARKS))].sort_values(["q_value", "topic"], kind="stable")
        first = list(dict.fromkeys(int(t) for t in moving["topic"]))
    rest = [int(t) for t in by_mean.index if int(t) not in first]
    return (first + rest)[:max_topics]


def _mark(trends: pd.DataFrame | None, topic: int, many_groups: bool) -> str:
    if trends is None:
        return ""
    rows = trends[(trends["topic"] == topic) & trends["direction"].isin(list(_MARKS))]
    if many_groups:
        return "  " + " ".join(f"{r.group}{_MARKS[r.direction]}" for r in rows.itertuples())
    return "".join(f"  {_MARKS[r.direction]} {r.direction}" for r in rows.itertuples())


def prevalence_over_time_figure(
    prevalence: pd.DataFrame, labels: dict[int, str] | None = None, *, trends: pd.DataFrame | None = None,
    ci: float = 0.95, max_topics: int = MAX_TOPICS,
) -> Any:
    """Small multiples of each topic's share over time, a line and band a group.

    ``prevalence``: the ``prevalence_over_time`` table; ``trends`` (optional): the ``trends`` table,
    marking each panel ↑ rising / ↓ falling; ``labels``: ``{topic: name}``.

    Example:
        >>> p = pd.DataFrame({"group": "all", "period": ["2020", "2020", "2021", "2021"], "topic": [0, 1, 0, 1],
        ...                   "mean": [.3, .7, .6, .4], "ci_low": [.2, .6, .5, .3], "ci_high": [.4, .8, .7, .5],
        ...                   "n_docs": [9, 9, 9, 9]})
        >>> fig = prevalence_over_time_figure(p, {0: "0 · 芯片", 1: "1 · 港口"})
        >>> [ax.get_title() for ax in fig.axes]
        ['1 · 港口', '0 · 芯片']
    """
    topics = shown_topics(prevalence, trends, max_topics)
    groups = sorted(prevalence["group"].unique())
    stamps = {s: pd.Period(s) for s in prevalence["period"].unique()}
    unit = _UNITS.get(next(iter(stamps.values())).freqstr[0], "period")
    colors = plt.get_cmap("tab10")(np.arange(len(groups)) % 10)
    ncols = min(len(topics), 3)
    nrows = -(-len(topics) // ncols)
    with chinese():
        fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 2.6 * nrows + 0.8), squeeze=False, sharex=True)
        for ax in axes.flat[len(topics):]:
            ax.set_visible(False)
        for ax, t in zip(axes.flat, topics):
            for g, color in zip(groups, colors):
                part = prevalence[(prevalence["topic"] == t) & (prevalence["group"] == g)]
                x = np.array([stamps[s].ordinal for s in part["period"]])
                many = len(x) > 24
                ax.plot(x, part["mean"], color=color, lw=1.2, marker=None if many else "o", ms=3,
                        label=g if len(groups) > 1 else None)
                ax.fill_between(x, part["ci_low"].to_numpy(float), part["ci_high"].to_numpy(float), color=color,
                                alpha=0.2, lw=0)
            ax.set_title((labels or {}).get(t, f"topic {t}") + _mark(trends, t, len(groups) > 1), fontsize=8)
            ax.set_ylim(bottom=0)
            ax.grid(alpha=0.3)
            ax.tick_params(labelsize=7)
        _time_ticks(axes, len(topics), stamps)
        if len(groups) > 1:
            handles, names = axes.flat[0].get_legend_handles_labels()
            fig.legend(handles, names, title="group", fontsize=8, loc="center right")
        left_out = prevalence["topic"].nunique() - len(topics)
        fig.suptitle(f"Topic prevalence over time: mean topic share a {unit}, {ci:.0%} bootstrap band"
                     + (f"; ↑/↓: trend {ci:.0%} interval above/below zero" if trends is not None else "")
                     + (f"\n{len(topics)} of {left_out + len(topics)} topics shown (with a trend first, then by share)"
                        if left_out else ""), fontsize=9)
        fig.supylabel("mean topic share", fontsize=8)
        fig.tight_layout(rect=(0, 0, 0.88 if len(groups) > 1 else 1, 1))
    return fig


def _time_ticks(axes: Any, n_shown: int, stamps: dict[str, pd.Period]) -> None:
    """At most eight period labels, under the lowest panel of each column."""
    order = sorted(stamps, key=lambda s: stamps[s].ordinal)
    picks = range(0, len(order), -(-len(order) // 8))  # every period up to eight, else evenly
    ncols = axes.shape[1]
    for col in range(min(ncols, n_shown)):
        ax = axes[(n_shown - 1 - col) // ncols, col]  # the lowest visible panel of this column
        ax.set_xticks([stamps[order[i]].ordinal for i in picks], [order[i] for i in picks], rotation=30, ha="right")
        ax.xaxis.set_tick_params(labelbottom=True)
