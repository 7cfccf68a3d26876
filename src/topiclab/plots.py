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


def cjk_font_path() -> Path:
    """The CJK font file the install ships (Noto Sans CJK SC, from ``mplfonts``), for figures and web pages.

    Example:
        >>> cjk_font_path().name
        'NotoSansCJKsc-Regular.otf'
    """
    return Path(str(resources.files("mplfonts").joinpath("fonts/NotoSansCJKsc-Regular.otf")))


@cache
def cjk_family() -> str:
    """Register the bundled CJK font (once) and return its family name.

    Example:
        >>> cjk_family()
        'Noto Sans CJK SC'
    """
    path = cjk_font_path()
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


def prevalence_heatmap(prevalence: pd.DataFrame, labels: dict[int, str] | None = None, *, ci: float = 0.95) -> Any:
    """Group x topic heatmap of mean prevalence, each cell annotated with its interval.

    ``prevalence`` is the table :func:`topiclab.comparisons.prevalence` returns.

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
        n_groups, n_topics = table.shape[1], table.shape[0]
        # cells shrink as groups grow, so that 31 provinces still fit a page (about 16 x 12 inches)
        cell = 1.5 if n_groups <= 6 else max(0.4, 9.0 / n_groups)
        fig, ax = plt.subplots(figsize=(min(3.0 + cell * n_groups, 16.0), min(1.2 + 0.55 * n_topics, 12.0)))
        im = ax.imshow(table.to_numpy(), cmap="Blues", aspect="auto", vmin=0)
        peak = np.nanmax(table.to_numpy())
        for i in range(n_topics):
            for j in range(n_groups):
                v = table.iat[i, j]
                if n_groups > 16:  # too narrow for numbers: the colour says it, the CSV has them
                    continue
                interval = "" if np.isnan(lo.iat[i, j]) else f"\n[{lo.iat[i, j]:.2f}, {hi.iat[i, j]:.2f}]"
                text = f"{v:.2f}" + (interval if n_groups <= 8 else "")
                ax.text(j, i, text, ha="center", va="center", fontsize=7 if n_groups <= 8 else 6,
                        color="white" if v > 0.6 * peak else "black")
        names = [f"{g}{' *' if first.loc[g, 'small_group'] else ''}" + (
            f"\n(n={int(first.loc[g, 'n_docs'])})" if n_groups <= 8 else f" ({int(first.loc[g, 'n_docs'])})")
            for g in table.columns]
        ax.set_xticks(range(n_groups), names, rotation=0 if n_groups <= 8 else 90, fontsize=8 if n_groups <= 16 else 7)
        ax.set_yticks(range(n_topics), [_label(labels, t) for t in table.index], fontsize=8)
        fig.colorbar(im, ax=ax, label="mean topic share")
        what = f"{ci:.0%} bootstrap interval" if n_groups <= 8 else "intervals in prevalence.csv"
        ax.set_title(f"Topic prevalence by group, {what} (* fewer documents than --min-docs)", fontsize=9)
        fig.tight_layout()
    return fig


def _colors(n: int) -> list[Any]:
    """``n`` distinguishable colours (tab10 up to 10, tab20 up to 20, then a continuous map)."""
    cmap = plt.get_cmap("tab10" if n <= 10 else "tab20" if n <= 20 else "turbo")
    return [cmap(i) for i in range(n)] if n <= 20 else [cmap(x) for x in np.linspace(0.05, 0.95, n)]


def _panels(n: int, rows_each: int) -> tuple[Any, Any]:
    """A grid of ``n`` panels (one a topic), each tall enough for ``rows_each`` rows of labels."""
    ncols = min(n, 4)
    nrows = -(-n // ncols)
    height = min(0.6 + 0.16 * rows_each, 8.0)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, height * nrows), squeeze=False, sharex=True)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


MANY_GROUPS = 8  # from here on the interval figures put one panel a topic, groups down each panel


def prevalence_intervals(prevalence: pd.DataFrame, labels: dict[int, str] | None = None, *, ci: float = 0.95) -> Any:
    """Each topic's prevalence in each group, as points with interval bars (x: small group; a
    hollow point: no interval, a group of one document).

    With more than ``MANY_GROUPS`` groups, one panel a topic with the groups down its side.

    Example:
        >>> prev = pd.DataFrame({"group": ["上海", "浙江"], "topic": [0, 0], "n_docs": [14, 2], "mean": [.7, .2],
        ...                      "ci_low": [.6, .1], "ci_high": [.8, .3], "small_group": [False, True]})
        >>> prevalence_intervals(prev, {0: "0 · 集成电路"}).axes[0].get_yticklabels()[0].get_text()
        '0 · 集成电路'
    """
    with chinese():
        groups = sorted(prevalence["group"].unique())
        topics = sorted(prevalence["topic"].unique())
        if len(groups) > MANY_GROUPS:
            fig, axes = _panels(len(topics), len(groups))
            for ax, t in zip(axes, topics):
                part = prevalence[prevalence["topic"] == t].set_index("group").loc[groups]
                _points(ax, part["mean"], np.arange(len(groups)), part["ci_low"], part["ci_high"],
                        part["small_group"].to_numpy(), "#2c3e50")
                ax.set_yticks(range(len(groups)), groups, fontsize=6)
                ax.invert_yaxis()
                ax.set_title(_label(labels, t), fontsize=8)
                ax.grid(axis="x", alpha=0.3)
            fig.supxlabel(f"mean topic share ({ci:.0%} bootstrap interval; grey x: small group)", fontsize=9)
            fig.tight_layout()
            return fig
        fig, ax = plt.subplots(figsize=(8, 1.0 + 0.5 * len(topics)))
        for off, g, color in zip(np.linspace(-0.3, 0.3, len(groups)), groups, _colors(len(groups))):
            part = prevalence[prevalence["group"] == g].set_index("topic").loc[topics]
            small = bool(part["small_group"].iloc[0])
            _points(ax, part["mean"], np.arange(len(topics)) + off, part["ci_low"], part["ci_high"],
                    np.full(len(topics), small), color, label=g)
        ax.set_yticks(range(len(topics)), [_label(labels, t) for t in topics], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(f"mean topic share ({ci:.0%} bootstrap interval)")
        ax.legend(title="group (x: small)", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
        fig.tight_layout()
    return fig


def _points(ax: Any, mean: Any, y: Any, lo: Any, hi: Any, small: Any, color: Any, label: str | None = None) -> None:
    """Points with interval bars; a small group's in grey crosses, a missing interval as a hollow point."""
    mean, lo, hi, y, small = (np.asarray(v, dtype=float) for v in (mean, lo, hi, y, small))
    has = ~np.isnan(lo) & ~np.isnan(hi)
    for flag in (False, True):
        sel = (small.astype(bool) == flag) & has
        if sel.any():
            # a percentile interval from few resamples may not contain the mean: no negative bar
            err = [np.maximum(mean[sel] - lo[sel], 0), np.maximum(hi[sel] - mean[sel], 0)]
            ax.errorbar(mean[sel], y[sel], xerr=err, linestyle="none",
                        capsize=2, marker="x" if flag else "o", color=SMALL_COLOR if flag and label is None else color,
                        alpha=0.45 if flag else 1.0, label=label if not flag or not (~small.astype(bool) & has).any()
                        else None)
    if (~has).any():
        ax.plot(mean[~has], y[~has], "o", mfc="white", color=color, label=None if has.any() else label)


def differences_forest(differences: pd.DataFrame, labels: dict[int, str] | None = None, *, ci: float = 0.95) -> Any:
    """Forest plot of each group against the rest; filled: q < 0.05; grey: small group.

    ``differences`` is the table :func:`topiclab.comparisons.differences` returns. With more
    than ``MANY_GROUPS`` groups, one panel a topic with the groups down its side.

    Example:
        >>> d = pd.DataFrame({"group_a": ["上海"], "group_b": ["(rest)"], "topic": [0], "diff": [.2],
        ...                   "ci_low": [.1], "ci_high": [.3], "significant": [True], "small_group": [False]})
        >>> differences_forest(d).axes[0].get_yticklabels()[0].get_text()
        '上海 · 0'
    """
    with chinese():
        rest = differences[differences["group_b"] == "(rest)"].sort_values(["group_a", "topic"])
        groups = sorted(rest["group_a"].unique())
        if len(groups) > MANY_GROUPS:
            topics = sorted(rest["topic"].unique())
            fig, axes = _panels(len(topics), len(groups))
            for ax, t in zip(axes, topics):
                part = rest[rest["topic"] == t].set_index("group_a").loc[groups]
                _forest_rows(ax, list(part.itertuples()))
                ax.set_yticks(range(len(groups)), groups, fontsize=6)
                ax.invert_yaxis()
                ax.set_title(_label(labels, t), fontsize=8)
            fig.suptitle("Each group against the rest (filled: q < 0.05; grey: small group)", fontsize=9)
            fig.tight_layout()
            return fig
        fig, ax = plt.subplots(figsize=(8, 1.0 + 0.28 * len(rest)))
        _forest_rows(ax, list(rest.itertuples()))
        ax.set_yticks(range(len(rest)), [f"{r.group_a} · {_label(labels, r.topic)}" for r in rest.itertuples()],
                      fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel(f"difference in topic share against the other groups ({ci:.0%} interval)")
        ax.set_title("Each group against the rest (filled: q < 0.05; grey: small group)", fontsize=9)
        fig.tight_layout()
    return fig


def _forest_rows(ax: Any, rows: list[Any]) -> None:
    for yi, r in enumerate(rows):
        color = SMALL_COLOR if r.small_group else ("#c0392b" if r.significant else "#2c3e50")
        if not (np.isnan(r.ci_low) or np.isnan(r.ci_high)):
            ax.plot([r.ci_low, r.ci_high], [yi, yi], color=color, lw=1.5)
        ax.plot(r.diff, yi, "o", color=color, mfc=color if r.significant else "white")
    ax.axvline(0, color="black", lw=0.8)


def top_terms_grid(topics: pd.DataFrame, n: int = 8, ncols: int = 5, labels: dict[int, str] | None = None) -> Any:
    """Bar grid: one panel a topic, its ``n`` top terms by weight, from a ``topic, rank, term, weight`` table.

    ``labels``: each panel's title (default ``topic N``), e.g. a run's names
    (:meth:`topiclab.curation.Curation.titles`).

    Example:
        >>> t = pd.DataFrame({"topic": [0, 0, 1, 1], "rank": [1, 2, 1, 2], "term": ["芯片", "产业", "生态", "保护"],
        ...                   "weight": [0.3, 0.2, 0.4, 0.1]})
        >>> [ax.get_title() for ax in top_terms_grid(t).axes]
        ['topic 0', 'topic 1']
        >>> [ax.get_title() for ax in top_terms_grid(t, labels={1: "1 · 生态保护"}).axes]
        ['topic 0', '1 · 生态保护']
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
            ax.set_title((labels or {}).get(t, f"topic {t}"), fontsize=9)
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


def coherence_exclusivity(runs: pd.DataFrame, summary: pd.DataFrame | None = None, *, x: str = "npmi",
                          y: str = "exclusivity") -> Any:
    """A sweep's fits as points, coherence against exclusivity, coloured by k (stm's ``searchK`` view;
    Roberts, Stewart & Tingley 2019): each k's mean over seeds is the larger marker, labelled, and the
    means on the frontier (``summary["frontier"]``: no other k higher on both) are joined by a line.

    Example:
        >>> runs = pd.DataFrame({"k": [5, 5, 10, 10], "npmi": [.10, .12, .05, .06], "exclusivity": [8, 8.2, 9, 9.1]})
        >>> summary = pd.DataFrame({"k": [5, 10], "npmi": [.11, .055], "exclusivity": [8.1, 9.05],
        ...                         "frontier": [True, True]})
        >>> [t.get_text() for t in coherence_exclusivity(runs, summary).axes[0].texts]
        ['k=5', 'k=10']
    """
    means = summary if summary is not None else runs.groupby("k", as_index=False)[[x, y]].mean()
    ks = sorted(int(k) for k in means["k"].unique())
    cmap = plt.get_cmap("viridis")
    color = {k: cmap(0.85 * i / max(1, len(ks) - 1)) for i, k in enumerate(ks)}
    with chinese():
        fig, ax = plt.subplots(figsize=(6.0, 4.5))
        for i, k in enumerate(ks):
            fits = runs[runs["k"] == k]
            ax.scatter(fits[x], fits[y], s=18, color=color[k], alpha=0.55, linewidths=0,
                       label="one fit (seed)" if i == 0 else None)
        for i, (_, row) in enumerate(means.iterrows()):
            k = int(row["k"])
            ax.scatter(row[x], row[y], s=70, color=color[k], edgecolors="black", linewidths=0.6, zorder=3,
                       label="mean by k" if i == 0 else None)
            ax.annotate(f"k={k}", (row[x], row[y]), textcoords="offset points", xytext=(6, 4), fontsize=8)
        if "frontier" in means.columns and means["frontier"].any():
            best = means[means["frontier"].astype(bool)].sort_values(x)
            ax.plot(best[x], best[y], color="#c0392b", linewidth=1.0, linestyle="--", marker="o", markersize=13,
                    markerfacecolor="none", markeredgewidth=1.2, zorder=2, label="frontier: no k higher on both")
        ax.set_xlabel(f"{'NPMI' if x == 'npmi' else x} coherence (mean over topics)")
        ax.set_ylabel(f"{y} (mean over topics)")
        ax.set_title("Coherence against exclusivity: small points are fits, large ones means by k", fontsize=9)
        ax.margins(0.1)  # room for the k labels at the edges
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best", frameon=False)
        fig.tight_layout()
    return fig
