"""Figures from tables (no fitting here): each function takes a DataFrame, returns a Figure.

Chinese renders on a fresh machine: the Noto Sans CJK SC font that the ``mplfonts`` package
ships is registered with matplotlib's font manager, and each figure is drawn inside
``matplotlib.rc_context``, so the user's own matplotlib settings are never changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Any

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager

SMALL_COLOR = "#9a9a9a"


@cache
def cjk_family() -> str:
    """Register the bundled CJK font (once) and return its family name.

    Example:
        >>> cjk_family()
        'Noto Sans CJK SC'
    """
    path = resources.files("mplfonts").joinpath("fonts/NotoSansCJKsc-Regular.otf")
    font_manager.fontManager.addfont(str(path))
    return str(font_manager.FontProperties(fname=str(path)).get_name())


@contextmanager
def chinese() -> Iterator[None]:
    """Draw inside this block for Chinese text; the user's rcParams are restored afterwards."""
    with plt.rc_context({"font.family": [cjk_family(), "DejaVu Sans"], "axes.unicode_minus": False,
                         "svg.hashsalt": "topiclab"}):
        yield


def topic_labels(topics: pd.DataFrame, n: int = 3) -> dict[int, str]:
    """``{topic: "3 · 长三角 协同攻关 创新链"}`` from a ``topic, rank, term`` table.

    Example:
        >>> topic_labels(pd.DataFrame({"topic": [0, 0], "rank": [1, 2], "term": ["长三角", "创新链"]}))
        {0: '0 · 长三角 创新链'}
    """
    top = topics[topics["rank"] <= n].sort_values(["topic", "rank"])
    return {int(t): f"{t} · " + " ".join(g["term"]) for t, g in top.groupby("topic")}


def _label(labels: dict[int, str] | None, topic: Any) -> str:
    return (labels or {}).get(int(topic), str(topic))


def prevalence_heatmap(prevalence: pd.DataFrame, labels: dict[int, str] | None = None) -> Any:
    """Group x topic heatmap of mean prevalence, each cell annotated with its interval."""
    with chinese():
        table = prevalence.pivot(index="topic", columns="group", values="mean")
        lo = prevalence.pivot(index="topic", columns="group", values="ci_low")
        hi = prevalence.pivot(index="topic", columns="group", values="ci_high")
        first = prevalence.groupby("group").first()
        fig, ax = plt.subplots(figsize=(3.0 + 1.5 * table.shape[1], 1.0 + 0.55 * table.shape[0]))
        im = ax.imshow(table.to_numpy(), cmap="Blues", aspect="auto", vmin=0)
        peak = np.nanmax(table.to_numpy())
        for i in range(table.shape[0]):
            for j in range(table.shape[1]):
                v = table.iat[i, j]
                ax.text(j, i, f"{v:.2f}\n[{lo.iat[i, j]:.2f}, {hi.iat[i, j]:.2f}]", ha="center", va="center",
                        fontsize=7, color="white" if v > 0.6 * peak else "black")
        ax.set_xticks(range(table.shape[1]), [
            f"{g}{' *' if first.loc[g, 'small_group'] else ''}\n(n={int(first.loc[g, 'n_docs'])})"
            for g in table.columns])
        ax.set_yticks(range(table.shape[0]), [_label(labels, t) for t in table.index], fontsize=8)
        fig.colorbar(im, ax=ax, label="mean topic share")
        ax.set_title("Topic prevalence by group, 95% bootstrap interval (* fewer documents than --min-docs)",
                     fontsize=9)
        fig.tight_layout()
    return fig


def prevalence_intervals(prevalence: pd.DataFrame, labels: dict[int, str] | None = None) -> Any:
    """Each topic's prevalence in each group, as points with interval bars (x: small group)."""
    with chinese():
        groups = sorted(prevalence["group"].unique())
        topics = sorted(prevalence["topic"].unique())
        fig, ax = plt.subplots(figsize=(8, 1.0 + 0.5 * len(topics)))
        for off, g in zip(np.linspace(-0.3, 0.3, len(groups)), groups):
            part = prevalence[prevalence["group"] == g].set_index("topic").loc[topics]
            err = [part["mean"] - part["ci_low"], part["ci_high"] - part["mean"]]
            small = bool(part["small_group"].iloc[0])
            ax.errorbar(part["mean"], np.arange(len(topics)) + off, xerr=err, linestyle="none", capsize=2,
                        marker="x" if small else "o", alpha=0.45 if small else 1.0, label=g)
        ax.set_yticks(range(len(topics)), [_label(labels, t) for t in topics], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("mean topic share (95% bootstrap interval)")
        ax.legend(title="group (x: small)", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
        fig.tight_layout()
    return fig


def differences_forest(differences: pd.DataFrame, labels: dict[int, str] | None = None) -> Any:
    """Forest plot of each group against the rest; filled: q < 0.05; grey: small group."""
    with chinese():
        rest = differences[differences["group_b"] == "(rest)"].sort_values(["group_a", "topic"])
        fig, ax = plt.subplots(figsize=(8, 1.0 + 0.28 * len(rest)))
        for yi, r in enumerate(rest.itertuples()):
            color = SMALL_COLOR if r.small_group else ("#c0392b" if r.significant else "#2c3e50")
            ax.plot([r.ci_low, r.ci_high], [yi, yi], color=color, lw=1.5)
            ax.plot(r.diff, yi, "o", color=color, mfc=color if r.significant else "white")
        ax.axvline(0, color="black", lw=0.8)
        ax.set_yticks(range(len(rest)), [f"{r.group_a} · {_label(labels, r.topic)}" for r in rest.itertuples()],
                      fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel("difference in topic share against the other groups (95% interval)")
        ax.set_title("Each group against the rest (filled: q < 0.05; grey: small group)", fontsize=9)
        fig.tight_layout()
    return fig


def metrics_vs_k(summary: Any, metrics: tuple[str, ...] = ("npmi", "c_v", "diversity", "stability")) -> Any:
    """One panel a metric against k, from a sweep's summary table.

    Example:
        >>> import pandas as pd
        >>> fig = metrics_vs_k(pd.DataFrame({"k": [5, 10], "npmi": [0.1, 0.05], "c_v": [0.5, 0.6],
        ...                                  "diversity": [0.9, 0.8], "stability": [0.7, 0.6]}))
        >>> len(fig.axes)
        4
    """
    shown = [m for m in metrics if m in summary.columns]
    fig, axes = plt.subplots(1, len(shown), figsize=(3.2 * len(shown), 3.0), squeeze=False)
    for ax, name in zip(axes[0], shown):
        ax.plot(summary["k"], summary[name], marker="o")
        ax.set_xlabel("k (topics)")
        ax.set_title(name)
        ax.grid(alpha=0.3)
    fig.suptitle("Topic quality against k (mean over seeds)")
    fig.tight_layout()
    return fig
