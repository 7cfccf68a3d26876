"""Compare a fit's groups: every table of :mod:`topiclab.comparisons` and their figures, as one value.

:func:`compare_documents` takes the documents of a fit (topic proportions, ``n_tokens``, the
grouping column), their tokens, the topic-term weights and, for LDA, the fitted document-topic
prior (so the effects carry the model's own uncertainty); it returns a :class:`Comparison`,
whose :meth:`~Comparison.save` writes a ``compare-COLUMN`` folder atomically. ``topiclab.compare``
and ``topiclab compare`` call it.

With the run's labels (a :class:`~topiclab.curation.Curation`, see :mod:`topiclab.curation`),
every table compares the compared topics only: a merge is one topic, numbered by its first
member, excluded topics are left out, and ``topic_labels.csv`` lists every topic with its label
and status. The tables with a ``topic`` column carry its ``label``. Proportions are not
renormalised, with two exceptions where a whole distribution is needed: for LDA the effects'
posterior draws keep the excluded topics as one remainder component (a Dirichlet's components
summed are Dirichlet with the parameters summed, so the compared topics' draws are exact), and
the Jensen–Shannon divergence compares the groups' mean shares of the compared topics divided by
their total. Within a merge, terms by topic use the members' term weights averaged by their
share of the corpus.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from topiclab._io import atomic_dir, check_destination
from topiclab.compare_extra import extra_figures, model_effect_tables
from topiclab.comparisons import (
    check_settings,
    differences,
    divergence,
    effects,
    prevalence,
    topic_columns,
)
from topiclab.config import LabelsConfig
from topiclab.curation import Curation, resolve_labels
from topiclab.distinctive import distinctive_terms, distinctive_terms_by_topic
from topiclab.errors import ConfigError, InputError
from topiclab.models.formula import Design
from topiclab.over_time import over_time_tables
from topiclab.plots import differences_forest, prevalence_heatmap, prevalence_intervals, save_figure
from topiclab.runfolder import read_run_tokens, require_run_files

REQUIRED = ("doc_topics.csv", "tokens.jsonl", "manifest.json")
TABLES = ("prevalence", "differences", "distinctive_terms", "distinctive_terms_by_topic", "divergence", "effects",
          "topic_labels")
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
        figures.update(extra_figures(self.tables, self.labels, self.ci))
        with atomic_dir(out, overwrite=overwrite, kind="compare", protect=protect) as tmp:
            for name, table in self.tables.items():
                table.to_csv(tmp / f"{name}.csv", index=False, float_format="%.6f", lineterminator="\n")
            for name, fig in figures.items():
                save_figure(fig, tmp, name)
        return out


def compare_documents(
    frame: pd.DataFrame, tokens: Mapping[str, list[str]], topic_term: Any, terms: Sequence[str], *, by: str = "region",
    alpha: float | np.ndarray | None = None, labels: dict[int, str] | None = None, ci: float = 0.95, n_boot: int = 2000,
    seed: int = 0, min_docs: int = 5, covariates: Sequence[str] = (), reference: str | None = None,
    source: Path | None = None, curation: Curation | None = None, model_draws: tuple[np.ndarray, Design] | None = None,
    time_col: str | None = None, time_bin: str = "year",
) -> Comparison:
    """Every comparison of the groups in ``frame[by]`` (documents without a group are left out).

    ``frame``: one row a document with ``doc_id``, ``n_tokens`` and ``topic_0`` …; ``tokens``:
    each document's tokens; ``alpha``: the LDA document-topic prior (a number, or one value a
    topic), None for other models;
    ``reference``: the group every other is compared with (default: pairs of all groups, and
    effects against the first in sorted order); ``curation``: the run's names, merges and
    exclusions (default: none, topics labelled by their top terms); ``labels``: the figures'
    topic labels (default: the curation's); ``model_draws``: a covariate model's posterior draws of
    its units' proportions and its design, whose effects replace the model-free regression
    (:mod:`topiclab.compare_extra`); ``time_col``: a date or year column for prevalence over time
    by ``time_bin`` periods.

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
    topic_term = np.asarray(topic_term, dtype=float)
    k = len(topic_columns(frame))
    if curation is None:
        curation = resolve_labels(LabelsConfig(), top_terms_frame(topic_term, terms), k)
    sizes = frame[by].astype(str).value_counts()
    if reference is not None and reference not in sizes.index:
        raise ConfigError(f"reference group {reference!r} is not a value of {by!r}; "
                          f"groups: {', '.join(sorted(sizes.index))}")
    notes = []
    if len(sizes) and (sizes < min_docs).all():
        notes.append(f"every one of the {len(sizes)} groups of {by!r} has fewer than min_docs = {min_docs} documents "
                     f"(largest: {sizes.max()}); all are flagged small and none is marked significant: compare "
                     "coarser groups (e.g. regions instead of provinces) or lower --min-docs knowingly")
    if curation.excluded:
        shown = ", ".join(f"{t} · {curation.labels[t]}" for t in curation.excluded)
        notes.append(f"excluded from the comparison (labels.toml): {shown}; listed in topic_labels.csv")
    docs = [tokens.get(d, []) for d in frame["doc_id"]]
    groups = frame[by].astype(str).tolist()
    rest = bool(curation.excluded)
    compared = curation.documents(frame)
    with_rest = curation.documents(frame, excluded="rest") if rest else compared
    theta = frame[topic_columns(frame)].to_numpy(dtype=float)
    mass = (theta * frame["n_tokens"].to_numpy(dtype=float)[:, None]).sum(axis=0)
    phi = _grouped_topic_term(topic_term, mass, curation)
    prior = None if alpha is None else curation.sums(np.broadcast_to(np.asarray(alpha, dtype=float), (k,)), rest=rest)
    tables = {
        "prevalence": prevalence(compared, by, n_boot=n_boot, ci=ci, seed=seed, min_docs=min_docs),
        "differences": differences(compared, by, n_boot=n_boot, n_perm=n_boot, ci=ci, seed=seed, min_docs=min_docs,
                                   reference=reference),
        "distinctive_terms": distinctive_terms(docs, groups, min_docs=min_docs),
        "distinctive_terms_by_topic": distinctive_terms_by_topic(
            docs, groups, with_rest[topic_columns(with_rest)].to_numpy(dtype=float), phi, list(terms),
            min_docs=min_docs),
        "divergence": _divergence(compared, by, rest, notes, n_perm=n_boot, seed=seed, min_docs=min_docs),
    }
    if model_draws is not None:
        if covariates:
            notes.append(f"--covariates {','.join(covariates)} are not used: the effects are the model's own, of its "
                         "prevalence formula (refit with them in --prevalence)")
        tables.update(model_effect_tables(*model_draws, curation, by=by, reference=reference, ci=ci, seed=seed))
    else:
        tables["effects"] = effects(compared if prior is None else with_rest, by, covariates=covariates, alpha=prior,
                                    n_sims=min(n_boot, 1000), ci=ci, seed=seed, reference=reference)
    if time_col is not None:
        # the corpus as a whole ("all"), then each group
        whole, grouped = (over_time_tables(compared, time_col, by=g, bin=time_bin, n_boot=n_boot, ci=ci, seed=seed)
                          for g in (None, by))
        tables.update({name: pd.concat([whole[name], grouped[name]], ignore_index=True) for name in whole})
    tables = {name: _numbered(table, curation) for name, table in tables.items()}
    tables["topic_labels"] = curation.table()
    return Comparison(by, tables, labels if labels is not None else curation.display(), tuple(notes), ci, source)


def top_terms_frame(topic_term: Any, terms: Sequence[str], n: int = 3) -> pd.DataFrame:
    """``topic, rank, term, weight`` of each topic's ``n`` top terms (ties by term order).

    Example:
        >>> top_terms_frame([[.1, .6, .3]], ["港口", "芯片", "产业"], 2)["term"].tolist()
        ['芯片', '产业']
    """
    weights = np.asarray(topic_term, dtype=float)
    order = np.argsort(-weights, axis=1, kind="stable")[:, :n]
    rows = [(t, r + 1, terms[j], float(weights[t, j])) for t in range(len(order)) for r, j in enumerate(order[t])]
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])


def _numbered(table: pd.DataFrame, curation: Curation) -> pd.DataFrame:
    """The comparisons number topics by position: give each row its topic's own number and label,
    and drop the excluded topics' remainder (the position after the compared topics)."""
    if "topic" not in table.columns:
        return table
    numbers = curation.compared
    out = table[table["topic"] < len(numbers)].reset_index(drop=True)
    out["topic"] = [numbers[p] for p in out["topic"]]
    out.insert(list(out.columns).index("topic") + 1, "label", [curation.labels[t] for t in out["topic"]])
    return out


def _grouped_topic_term(topic_term: np.ndarray, mass: np.ndarray, curation: Curation) -> np.ndarray:
    """A row a compared topic (and one for the excluded ones, if any): a topic's own row, a group's
    members' rows averaged by their share of the corpus (``mass``)."""
    parts = [*curation.groups, *([curation.excluded] if curation.excluded else [])]
    rows = []
    for group in parts:
        members = list(group)
        w = mass[members]
        rows.append(topic_term[members[0]] if len(members) == 1 else
                    (w[:, None] * topic_term[members]).sum(axis=0) / max(float(w.sum()), 1e-300))
    return np.vstack(rows)


def _divergence(compared: pd.DataFrame, by: str, rest: bool, notes: list[str], **settings: Any) -> pd.DataFrame:
    """:func:`divergence` of the groups' distributions over the compared topics (see the module docstring)."""
    if not rest:
        return divergence(compared, by, **settings)
    shares = _shares_of_compared(compared)
    totals = shares.groupby(shares[by].astype(str))["n_tokens"].sum()
    empty = [str(g) for g, total in totals.items() if total <= 0]
    if empty:
        notes.append(f"no words of group(s) {', '.join(empty)} are in the compared topics (all in excluded ones): "
                     "their divergence is NaN")
    with np.errstate(invalid="ignore", divide="ignore"):  # such a group's mean distribution is 0/0
        table = divergence(shares, by, **settings)
    table.loc[table["jsd"].isna(), ["perm_mean", "p_value"]] = np.nan
    return table


def _shares_of_compared(frame: pd.DataFrame) -> pd.DataFrame:
    """Each document's shares of the compared topics divided by their total, weighted by its tokens in
    them: a group's weighted mean is then its mean distribution over the compared topics."""
    cols = topic_columns(frame)
    total = frame[cols].sum(axis=1).to_numpy(dtype=float)
    props = np.divide(frame[cols].to_numpy(dtype=float), total[:, None], out=np.zeros((len(frame), len(cols))),
                      where=total[:, None] > 0)
    return frame.assign(**{c: props[:, i] for i, c in enumerate(cols)}, n_tokens=frame["n_tokens"] * total)
