"""Compare a fit's groups: every table of :mod:`topiclab.comparisons` and their figures, as one value.

:func:`compare_documents` takes the documents of a fit (topic proportions, ``n_tokens``, the
grouping column), their tokens, the topic-term weights and, for LDA, the fitted document-topic
prior (so the effects carry the model's own uncertainty); it returns a :class:`Comparison`,
whose :meth:`~Comparison.save` writes a ``compare-COLUMN`` folder atomically. ``topiclab.compare``
and ``topiclab compare`` call it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from topiclab._io import atomic_dir, check_destination
from topiclab.comparisons import (
    check_settings,
    differences,
    divergence,
    effects,
    prevalence,
    topic_columns,
)
from topiclab.distinctive import distinctive_terms, distinctive_terms_by_topic
from topiclab.errors import ConfigError, InputError
from topiclab.plots import differences_forest, prevalence_heatmap, prevalence_intervals, save_figure
from topiclab.runfolder import read_run_tokens, require_run_files

REQUIRED = ("doc_topics.csv", "tokens.jsonl", "manifest.json")
TABLES = ("prevalence", "differences", "distinctive_terms", "distinctive_terms_by_topic", "divergence", "effects")
FIGURES = {"heatmap": "prevalence_heatmap", "intervals": "prevalence_intervals", "forest": "differences_forest"}


def load_run_table(run_dir: Path) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """A run folder's documents with topic proportions and ``n_tokens``, and each document's tokens.

    Example:
        >>> load_run_table(Path("no/such/run"))
        Traceback (most recent call last):
        topiclab.errors.InputError: no/such/run: no such run folder; give a folder written by topiclab fit
    """
    run_dir = require_run_files(run_dir, REQUIRED)
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != 1:
        raise InputError(f"{run_dir}: run folder format {manifest.get('format')!r} is not supported; refit with "
                         "this topiclab version")
    frame = pd.read_csv(run_dir / "doc_topics.csv", dtype={"doc_id": str})
    units = read_run_tokens(run_dir)
    tokens = tokens_by_document([d for _, d, _ in units], [t for _, _, t in units])
    frame["n_tokens"] = [len(tokens.get(d, [])) for d in frame["doc_id"]]
    return frame, tokens


def tokens_by_document(doc_ids: Sequence[str], token_lists: Sequence[Sequence[str]]) -> dict[str, list[str]]:
    """Each document's tokens, its units' joined in order (units give their document's id).

    Example:
        >>> tokens_by_document(["a", "a", "b"], [["上海"], ["张江"], ["宁波"]])
        {'a': ['上海', '张江'], 'b': ['宁波']}
    """
    out: dict[str, list[str]] = {}
    for doc_id, toks in zip(doc_ids, token_lists):
        out.setdefault(doc_id, []).extend(toks)
    return out


@dataclass(frozen=True)
class Comparison:
    """The tables of a comparison between groups, with the topic labels its figures use.

    Tables (pandas DataFrames): ``prevalence``, ``differences``, ``distinctive_terms``,
    ``distinctive_terms_by_topic``, ``divergence``, ``effects``; ``notes`` says what a reader
    should know (e.g. every group is small).
    """

    by: str
    tables: dict[str, pd.DataFrame]
    labels: dict[int, str] | None = None
    notes: tuple[str, ...] = ()
    ci: float = 0.95
    source: Path | None = None  # the run folder compared, never to be replaced by save

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(f"a Comparison has no {name!r}; its tables are {', '.join(tables)}")

    def __repr__(self) -> str:
        groups = sorted(self.tables["prevalence"]["group"].unique()) if "prevalence" in self.tables else []
        return f"Comparison(by={self.by!r}, groups={groups}, tables={list(self.tables)}, notes={len(self.notes)})"

    def plot(self, kind: str = "heatmap") -> Any:
        """One figure: ``heatmap`` (group x topic), ``intervals`` (prevalence with intervals) or
        ``forest`` (each group against the rest). Returns a matplotlib Figure."""
        if kind not in FIGURES:
            raise ConfigError(f"unknown figure {kind!r}; choose one of {', '.join(FIGURES)}")
        if kind == "heatmap":
            return prevalence_heatmap(self.tables["prevalence"], self.labels, ci=self.ci)
        if kind == "intervals":
            return prevalence_intervals(self.tables["prevalence"], self.labels, ci=self.ci)
        return differences_forest(self.tables["differences"], self.labels, ci=self.ci)

    def save(self, out: Path | str, *, overwrite: bool = False) -> Path:
        """Write every table as CSV and every figure as PNG and SVG into the folder ``out``, atomically."""
        out = Path(out)
        protect = [self.source] if self.source is not None else []
        check_destination(out, overwrite=overwrite, protect=protect, kind="compare")
        figures = {FIGURES[kind]: self.plot(kind) for kind in FIGURES}
        with atomic_dir(out, overwrite=overwrite, kind="compare", protect=protect) as tmp:
            for name, table in self.tables.items():
                table.to_csv(tmp / f"{name}.csv", index=False, float_format="%.6f", lineterminator="\n")
            for name, fig in figures.items():
                save_figure(fig, tmp, name)
        return out


def compare_documents(
    frame: pd.DataFrame, tokens: dict[str, list[str]], topic_term: Any, terms: Sequence[str], *, by: str = "region",
    alpha: float | np.ndarray | None = None, labels: dict[int, str] | None = None, ci: float = 0.95, n_boot: int = 2000,
    seed: int = 0, min_docs: int = 5, covariates: Sequence[str] = (), reference: str | None = None,
    source: Path | None = None,
) -> Comparison:
    """Every comparison of the groups in ``frame[by]`` (documents without a group are left out).

    ``frame``: one row a document with ``doc_id``, ``n_tokens`` and ``topic_0`` …; ``tokens``:
    each document's tokens; ``alpha``: the LDA document-topic prior (a number, or one value a
    topic), None for other models;
    ``reference``: the group every other is compared with (default: pairs of all groups, and
    effects against the first in sorted order).

    Example:
        >>> f = pd.DataFrame({"doc_id": list("abcdef"), "region": ["上海"] * 3 + ["江苏"] * 3, "n_tokens": [2] * 6,
        ...                   "topic_0": [.9, .8, .7, .1, .2, .3], "topic_1": [.1, .2, .3, .9, .8, .7]})
        >>> toks = {d: ["集成电路", "芯片"] if d < "d" else ["港口", "物流"] for d in "abcdef"}
        >>> c = compare_documents(f, toks, [[.5, .5, 0, 0], [0, 0, .5, .5]], ["集成电路", "芯片", "港口", "物流"],
        ...                       n_boot=100, min_docs=2)
        >>> round(float(c.prevalence.query("group == '上海' and topic == 0")["mean"].iloc[0]), 2)
        0.8
    """
    check_settings(n_boot=n_boot, ci=ci, seed=seed, min_docs=min_docs)
    if isinstance(covariates, str):  # "year,section" as on the command line
        covariates = [c.strip() for c in covariates.split(",") if c.strip()]
    if by in covariates:
        raise ConfigError(f"covariate {by!r} is the grouping column itself; give other columns as covariates")
    missing = [c for c in covariates if c not in frame.columns]
    if missing:  # before any resampling
        raise ConfigError(f"no covariate column {missing[0]!r}; columns are "
                          f"{[c for c in frame.columns if not c.startswith('topic_')]}")
    if by not in frame.columns:
        columns = [c for c in frame.columns if not c.startswith("topic_") and c not in ("dominant_topic", "n_tokens")]
        raise ConfigError(f"no column {by!r} to group by; columns are {columns}")
    frame = frame[frame[by].notna() & frame[topic_columns(frame)].notna().all(axis=1)]
    sizes = frame[by].astype(str).value_counts()
    if reference is not None and reference not in sizes.index:
        raise ConfigError(f"reference group {reference!r} is not a value of {by!r}; "
                          f"groups: {', '.join(sorted(sizes.index))}")
    notes = []
    if len(sizes) and (sizes < min_docs).all():
        notes.append(f"every one of the {len(sizes)} groups of {by!r} has fewer than min_docs = {min_docs} documents "
                     f"(largest: {sizes.max()}); all are flagged small and none is marked significant: compare "
                     "coarser groups (e.g. regions instead of provinces) or lower --min-docs knowingly")
    docs = [tokens.get(d, []) for d in frame["doc_id"]]
    groups = frame[by].astype(str).tolist()
    topic_term = np.asarray(topic_term, dtype=float)
    tables = {
        "prevalence": prevalence(frame, by, n_boot=n_boot, ci=ci, seed=seed, min_docs=min_docs),
        "differences": differences(frame, by, n_boot=n_boot, n_perm=n_boot, ci=ci, seed=seed, min_docs=min_docs,
                                   reference=reference),
        "distinctive_terms": distinctive_terms(docs, groups, min_docs=min_docs),
        "distinctive_terms_by_topic": distinctive_terms_by_topic(
            docs, groups, frame[topic_columns(frame)].to_numpy(dtype=float), topic_term, list(terms),
            min_docs=min_docs),
        "divergence": divergence(frame, by, n_perm=n_boot, seed=seed, min_docs=min_docs),
        "effects": effects(frame, by, covariates=covariates, alpha=alpha, n_sims=min(n_boot, 1000), ci=ci, seed=seed,
                           reference=reference),
    }
    return Comparison(by, tables, labels, tuple(notes), ci, source)
