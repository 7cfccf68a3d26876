"""Figures from tables (no fitting here): each function takes a DataFrame, returns a Figure.

Chinese renders on a fresh machine: the Noto Sans CJK SC font that the ``mplfonts`` package
ships is registered with matplotlib's font manager, and each figure is drawn inside
``matplotlib.rc_context``, so the user's own matplotlib settings are never changed. The backend is
left to the user too (inline in Jupyter); the command line draws with Agg.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

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
    """Draw inside this block for Chinese text; the user's rcParams are restored afterwards.

    Example:
        >>> with chinese():
        ...     fig, ax = plt.subplots()
        ...     _ = ax.set_title("长三角")
        >>> plt.rcParams["font.family"] == ["sans-serif"]  # untouched outside the block
        True
    """
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
    """Group x topic heatmap of mean prevalence, each cell annotated with its interval.

    ``prevalence`` is the table :func:`topiclab.compare.prevalence` returns.

    Example:
        >>> prev = pd.DataFrame({"group": ["上海", "上海", "浙江", "浙江"], "topic": [0, 1, 0, 1],
        ...                      "n_docs": [14, 14, 2, 2], "mean": [.7, .3, .2, .8], "ci_low": [.6, .2, .1, .7],
        ...                      "ci_high": [.8, .4, .3, .9], "small_group": [False, False, True, True]})
        >>> [t.get_text().splitlines()[0] for t in prevalence_heatmap(prev).axes[0].get_xticklabels()]
        ['上海', '浙江 *']
    """
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
    """Each topic's prevalence in each group, as points with interval bars (x: small group).

    Example:
        >>> prev = pd.DataFrame({"group": ["上海", "浙江"], "topic": [0, 0], "n_docs": [14, 2], "mean": [.7, .2],
        ...                      "ci_low": [.6, .1], "ci_high": [.8, .3], "small_group": [False, True]})
        >>> prevalence_intervals(prev, {0: "0 · 集成电路"}).axes[0].get_yticklabels()[0].get_text()
        '0 · 集成电路'
    """
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
    """Forest plot of each group against the rest; filled: q < 0.05; grey: small group.

    ``differences`` is the table :func:`topiclab.compare.differences` returns.

    Example:
        >>> d = pd.DataFrame({"group_a": ["上海"], "group_b": ["(rest)"], "topic": [0], "diff": [.2],
        ...                   "ci_low": [.1], "ci_high": [.3], "significant": [True], "small_group": [False]})
        >>> differences_forest(d).axes[0].get_yticklabels()[0].get_text()
        '上海 · 0'
    """
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


def top_terms_grid(topics: pd.DataFrame, n: int = 8, ncols: int = 5) -> Any:
    """Bar grid: one panel a topic, its ``n`` top terms by weight, from a ``topic, rank, term, weight`` table.

    Example:
        >>> t = pd.DataFrame({"topic": [0, 0, 1, 1], "rank": [1, 2, 1, 2], "term": ["芯片", "产业", "生态", "保护"],
        ...                   "weight": [0.3, 0.2, 0.4, 0.1]})
        >>> [ax.get_title() for ax in top_terms_grid(t).axes]
        ['topic 0', 'topic 1']
    """
    ids = sorted(int(t) for t in topics["topic"].unique())
    ncols = max(1, min(ncols, len(ids)))
    nrows = -(-len(ids) // ncols)
    with chinese():
        fig, axes = plt.subplots(nrows, ncols, figsize=(2.3 * ncols, 0.25 * n * nrows + 0.7 * nrows), squeeze=False)
        for ax in axes.flat[len(ids):]:
            ax.remove()
        for ax, t in zip(axes.flat, ids):
            part = topics[(topics["topic"] == t) & (topics["rank"] <= n)].sort_values("rank")
            ax.barh(range(len(part)), part["weight"], color="#4c72b0")
            ax.set_yticks(range(len(part)), list(part["term"]), fontsize=8)
            ax.invert_yaxis()
            ax.tick_params(axis="x", labelsize=6)
            ax.set_title(f"topic {t}", fontsize=9)
        fig.suptitle("Top terms per topic (weight in the topic)", fontsize=10)
        fig.tight_layout()
    return fig


def doc_topic_composition(
    doc_topics: pd.DataFrame, labels: dict[int, str] | None = None, by: str | None = "region", title: str = "title",
    max_chars: int = 14,
) -> Any:
    """Stacked bars of each document's topic proportions, documents grouped by ``by`` (if present).

    Example:
        >>> d = pd.DataFrame({"doc_id": ["a", "b"], "title": ["芯片产业", "生态保护"], "region": ["上海", "浙江"],
        ...                   "topic_0": [0.8, 0.1], "topic_1": [0.2, 0.9]})
        >>> [t.get_text() for t in doc_topic_composition(d).axes[0].get_yticklabels()]
        ['上海 · 芯片产业', '浙江 · 生态保护']
    """
    cols = [c for c in doc_topics.columns if c.startswith("topic_") and c[6:].isdigit()]
    cols.sort(key=lambda c: int(c[6:]))
    frame = doc_topics.reset_index(drop=True)
    grouped = by is not None and by in frame.columns
    if grouped:
        frame = frame.assign(_g=frame[by].fillna("").astype(str)).sort_values(["_g"], kind="stable")
    names = frame[title] if title in frame.columns else frame["doc_id"]
    names = [str(x)[:max_chars] + ("…" if len(str(x)) > max_chars else "") for x in names]
    ylabels = [f"{g} · {x}" for g, x in zip(frame["_g"], names)] if grouped else names
    props = frame[cols].to_numpy(dtype=float)
    colors = plt.get_cmap("tab20")(np.arange(len(cols)) % 20)
    with chinese():
        fig, ax = plt.subplots(figsize=(9, 1.2 + 0.28 * len(frame)))
        left = np.zeros(len(frame))
        for j, c in enumerate(cols):
            ax.barh(range(len(frame)), props[:, j], left=left, color=colors[j], label=_label(labels, c[6:]))
            left += props[:, j]
        ax.set_yticks(range(len(frame)), ylabels, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("topic share of the document")
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        ax.set_title("Document-topic composition" + (f" (grouped by {by})" if grouped else ""), fontsize=9)
        fig.tight_layout()
    return fig


def save_figure(fig: Any, folder: Path, name: str, dpi: int = 130, formats: tuple[str, ...] = ("png", "svg")) -> None:
    """Write ``name.png`` and ``name.svg`` (``formats``) into ``folder``, byte-identical for identical figures.

    Example:
        >>> import tempfile
        >>> fig = metrics_vs_k(pd.DataFrame({"k": [5, 10], "npmi": [0.1, 0.05]}))
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     save_figure(fig, Path(tmp), "k")
        ...     sorted(p.name for p in Path(tmp).iterdir())
        ['k.png', 'k.svg']
    """
    metadata = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}
    with chinese():
        for fmt in formats:
            fig.savefig(folder / f"{name}.{fmt}", dpi=dpi, metadata=metadata.get(fmt))
    plt.close(fig)


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
    with chinese():
        fig, axes = plt.subplots(1, len(shown), figsize=(3.2 * len(shown), 3.0), squeeze=False)
        for ax, name in zip(axes[0], shown):
            ax.plot(summary["k"], summary[name], marker="o")
            ax.set_xlabel("k (topics)")
            ax.set_title(name)
            ax.grid(alpha=0.3)
        fig.suptitle("Topic quality against k (mean over seeds)")
        fig.tight_layout()
    return fig
