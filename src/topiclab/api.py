"""The library API: one call a job, for code that works with pandas, scikit-learn and gensim.

    >>> import pandas as pd, topiclab
    >>> df = pd.DataFrame({"body": ["上海张江集成电路芯片设计产业"] * 6 + ["浙江宁波舟山港口物流航运"] * 6})
    >>> result = topiclab.fit(df, text_col="body", model="lda", k=2, seed=1)
    >>> comparison = topiclab.compare(result, by="region", n_boot=100)
    >>> fig = comparison.plot("heatmap")
    >>> result.document_table().groupby("region")["dominant_topic"].nunique().tolist()
    [1, 1]

:func:`fit` takes a DataFrame, a Series, a list of texts, a path or a :class:`~topiclab.Corpus`
and returns a :class:`Result`; :func:`compare` takes a result or a run folder and returns a
:class:`~topiclab.compare_runs.Comparison`; :func:`sweep` fits every k and seed; :func:`load`
reads a run folder back. The ``topiclab`` command calls exactly these functions.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from topiclab._io import atomic_dir, check_destination
from topiclab.apply import FittedModel, load_model
from topiclab.compare_extra import draws_for
from topiclab.compare_runs import Comparison, compare_documents, load_run_table
from topiclab.config import FitConfig
from topiclab.corpus import Corpus, assign_regions, corpus_from_data
from topiclab.curation import resolve_labels, seeded_names
from topiclab.document_tokens import DocumentTokens
from topiclab.errors import ConfigError, InputError
from topiclab.model_effects import by_document
from topiclab.models.result import Priors, load_result
from topiclab.pipeline import FitRun, fit_prepared, prepare
from topiclab.plots import coherence_exclusivity, metrics_vs_k, save_figure
from topiclab.preprocess.page_boilerplate import REPEATED_REASONS
from topiclab.preprocess.phrases import phrases_to_tsv
from topiclab.runfolder import damaged, read_run_tokens, require_run_files, write_run
from topiclab.select import check_sweep
from topiclab.sweeps import sweep as sweep_prepared


@dataclass
class Result:
    """A fitted topic model with everything needed to read, compare, apply and save it.

    ``metrics``: coherence and the other figures of ``metrics.json``; ``topics``: the top 30
    terms of each topic (``topic, rank, term, weight``); ``model``: the fitted estimator with the
    run's preprocessing (:meth:`transform`); ``run``: the in-memory fit (None for a loaded run);
    ``tokens``: each document's tokens, read like a dict of lists (after a fit, a
    :class:`~topiclab.document_tokens.DocumentTokens` that makes a document's list when asked).
    """

    config: FitConfig
    metrics: dict[str, Any]
    topics: pd.DataFrame
    documents: pd.DataFrame
    tokens: Mapping[str, list[str]]
    topic_term: np.ndarray
    terms: tuple[str, ...]
    params: dict[str, Any]
    model: FittedModel
    run: FitRun | None = None
    folder: Path | None = None
    index: tuple[pd.Index, list[str]] | None = field(default=None, repr=False)
    source: Corpus | None = field(default=None, repr=False)
    priors: Priors | None = None

    def __repr__(self) -> str:
        m = self.metrics
        where = f", folder={str(self.folder)!r}" if self.folder else ""
        return (f"Result(model={m.get('model')!r}, k={self.k}, seed={m.get('seed')}, documents={len(self.documents)}, "
                f"npmi={m.get('npmi')}{where})")

    @property
    def k(self) -> int:
        """The number of topics."""
        return int(self.topic_term.shape[0])

    def top_terms(self, n: int = 10) -> list[list[str]]:
        """The ``n`` highest-weighted terms of each topic."""
        order = np.argsort(-self.topic_term, axis=1, kind="stable")[:, :n]
        return [[self.terms[j] for j in row] for row in order]

    def document_table(self) -> pd.DataFrame:
        """One row a document, indexed like the data given to :func:`fit`: its metadata, ``n_tokens``,
        ``dominant_topic`` and ``topic_0`` …. A document with no words left to model (an empty text,
        or every token filtered out) has ``n_tokens`` 0, no proportions (NaN) and no dominant topic.

        Example:
            >>> import pandas as pd
            >>> df = pd.DataFrame({"body": ["集成电路芯片设计产业"] * 4 + [""] + ["港口物流航运枢纽"] * 4,
            ...                    "year": range(2015, 2024)}, index=list("abcdefghi"))
            >>> table = fit(df, text_col="body", k=2).document_table()
            >>> table.index.tolist() == df.index.tolist(), list(table.columns[:3])
            (True, ['year', 'region', 'region_source'])
            >>> int(table.loc["e", "n_tokens"]), table.loc["e", "dominant_topic"] is pd.NA
            (0, True)
        """
        frame = self.documents.set_index("doc_id")
        meta = [c for c in frame.columns if not c.startswith("topic_") and c not in ("dominant_topic", "n_tokens")]
        topics = [c for c in frame.columns if c.startswith("topic_")]
        frame = frame[[*meta, "n_tokens", "dominant_topic", *topics]]
        if self.index is None:
            return frame
        labels, ids = self.index
        out = frame.reindex(ids)
        id_col = self.config.input.id_col
        if id_col and id_col not in out.columns:
            out.insert(0, id_col, ids)
        out["n_tokens"] = out["n_tokens"].fillna(0).astype(int)
        out["dominant_topic"] = out["dominant_topic"].astype("Int64")
        out.index = labels
        return out

    def transform(self, texts: Sequence[str] | pd.Series) -> pd.DataFrame:
        """Topic proportions of new texts, with the fit's preprocessing, phrases and vocabulary,
        indexed like ``texts`` (see :meth:`topiclab.apply.FittedModel.transform`)."""
        return self.model.transform(texts)

    def save(self, path: Path | str, *, overwrite: bool = False) -> Path:
        """Write the run folder (``topiclab fit``'s output) to ``path``; return it.

        A fit on data in memory also writes that data as ``corpus.jsonl``, so the folder's
        ``config.toml`` repeats the fit from any directory.
        """
        path = Path(path)
        if self.run is not None:
            return write_run(self.run, path, overwrite=overwrite, embed=self.source)
        if self.folder is None:
            raise ConfigError("this result has neither a fit nor a run folder to save")
        check_destination(path, overwrite=overwrite, protect=self.config.input_files(), kind="run")
        with atomic_dir(path, overwrite=overwrite, kind="run", protect=self.config.input_files()) as tmp:
            shutil.rmtree(tmp)
            shutil.copytree(self.folder, tmp, ignore=shutil.ignore_patterns(".*", "compare-*", "report"))
            # its input paths, relative to the folder they were in, now relative to the new one
            (tmp / "config.toml").write_text(self.config.to_toml(relative_to=path), encoding="utf-8")
        return path


def _config(config: FitConfig | Mapping[str, Any] | Path | str | None, values: Mapping[str, Any]) -> FitConfig:
    if isinstance(config, Mapping):
        base = FitConfig().with_values(config)
    elif isinstance(config, FitConfig):
        base = config
    else:
        base = FitConfig.from_toml(config) if config else FitConfig()
    return base.with_values({k: v for k, v in values.items() if v is not None})


def _data(data: Any, config: FitConfig) -> tuple[FitConfig, Corpus | None, Corpus | None, tuple[pd.Index, list[str]]
                                                  | None]:
    """(config, corpus with regions or None to read config.input, corpus as given, index of the input)."""
    if data is None:
        return config, None, None, None
    if isinstance(data, str | Path):
        return config.with_values({"input.path": str(data)}), None, None, None
    c = config.input
    if isinstance(data, Corpus):
        raw = data
        index = None
    else:
        raw = corpus_from_data(data, text_col=c.text_col, id_col=c.id_col or None)
        if isinstance(data, pd.DataFrame | pd.Series):
            ids = ([str(v) for v in data[c.id_col]] if isinstance(data, pd.DataFrame) and c.id_col
                   else [str(v) for v in data.index])
            index = (data.index, ids)
        else:
            index = (pd.RangeIndex(len(data)), [str(i) for i in range(len(data))])
    name = raw.sources[0].path if raw.sources else "<Corpus>"
    corpus = assign_regions(raw, column=c.region_col or None, mapping=Path(c.region_map) if c.region_map else None)
    return config.with_values({"input.path": name}), corpus, raw, index


def fit(
    data: Any = None, *, text_col: str | None = None, id_col: str | None = None, region_col: str | None = None,
    label_col: str | None = None, model: str | None = None, k: int | None = None, seed: int | None = None,
    workers: int | None = None, config: FitConfig | Mapping[str, Any] | Path | str | None = None,
    cache: bool | Path = True, progress: bool = False, **settings: Any,
) -> Result:
    """Preprocess ``data``, fit a topic model and evaluate it.

    ``data``: a DataFrame (``text_col`` holds the texts, every other column is metadata, ids
    come from ``id_col`` or the index), a Series, a list of texts, a path (any format
    ``topiclab fit`` reads) or a Corpus; None reads the embedded seed corpus. ``settings``: any
    other setting by name (``unit="document"``, ``no_below=3``, ``backend="sklearn"``, or
    ``"section.key"`` in a dict given as ``config``); everything is validated first.
    ``cache``: True for the default preprocessing cache, False for none, or a folder.

    Example:
        >>> texts = ["集成电路芯片设计产业"] * 5 + ["港口物流航运枢纽建设"] * 5
        >>> result = fit(texts, k=2, seed=1)
        >>> sorted(result.document_table()["dominant_topic"].value_counts().tolist())
        [5, 5]
    """
    config = _config(config, {"input.text_col": text_col, "input.id_col": id_col, "input.region_col": region_col,
                              "input.label_col": label_col, "model.name": model, "model.k": k, "model.seed": seed,
                              "run.workers": workers, **settings})
    config, corpus, raw, index = _data(data, config)
    cache_dir = cache if isinstance(cache, Path) else (True if cache else None)
    prepared = prepare(config, corpus=corpus, progress=progress, cache_dir=cache_dir)
    run = fit_prepared(prepared, config, progress=progress)
    documents = run.doc_topics()
    tokens = DocumentTokens(run.units.doc_ids, run.units.tokens)
    documents.insert(list(documents.columns).index("dominant_topic"), "n_tokens",
                     tokens.lengths(documents["doc_id"].tolist()))
    model_ = FittedModel(run.estimator, run.vocabulary, replace(run.config.preprocess, phrase_file=None),
                         phrases_to_tsv(run.units.phrases) if run.config.preprocess.phrases else "",
                         tuple(text for reason, text, _ in run.units.page_lines if reason in REPEATED_REASONS))
    return Result(run.config, run.metrics, run.result.topics_frame(30), documents, tokens, run.result.topic_term,
                  run.result.terms, dict(run.result.params), model_, run=run, index=index, source=raw,
                  priors=run.result.priors)


RUN_FILES = ("topics.csv", "doc_topics.csv", "metrics.json", "manifest.json", "config.toml", "tokens.jsonl")


def load(path: Path | str) -> Result:
    """A run folder written by ``topiclab fit`` (or :meth:`Result.save`), as a :class:`Result`.

    Example:
        >>> load("no/such/run")
        Traceback (most recent call last):
        topiclab.errors.InputError: no/such/run: no such run folder; give a folder written by topiclab fit
    """
    folder = require_run_files(path, RUN_FILES)
    with damaged(folder):
        documents, tokens = load_run_table(folder)
        result = load_result(folder / "model")
        metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        topics = pd.read_csv(folder / "topics.csv")
        topic_cols = [f"topic_{i}" for i in range(result.k)]
        documents[topic_cols] = documents[topic_cols].astype(float)  # a missing or non-numeric column: damaged
        if not {"topic", "rank", "term", "weight"} <= set(topics.columns) or not isinstance(metrics, dict):
            raise ValueError("topics.csv or metrics.json lacks what topiclab fit writes")
        return Result(FitConfig.from_toml(folder / "config.toml"), metrics, topics, documents, tokens,
                      result.topic_term, result.terms, dict(result.params), load_model(folder), folder=folder,
                      priors=result.priors)


def _doc_topic_prior(result: Result) -> np.ndarray | None:
    """The document-topic prior the LDA fit used, one value a topic (None: not LDA, no posterior)."""
    if result.metrics.get("model") != "lda":
        return None
    if result.priors is None:
        raise InputError("the LDA result records no document-topic prior (a run folder written before topiclab "
                         "recorded its priors); refit it with topiclab fit")
    return result.priors.alpha_vector(result.k)


def compare(
    result: Result | Path | str, by: str = "region", *, n_boot: int = 2000, ci: float = 0.95, seed: int = 0,
    min_docs: int = 5, covariates: Sequence[str] = (), reference: str | None = None, time_col: str | None = None,
    time_bin: str = "year",
) -> Comparison:
    """Compare topic prevalence between the groups of a metadata column, with uncertainty.

    ``result``: a :class:`Result` or a run folder. Returns a Comparison: ``prevalence``,
    ``differences``, ``divergence``, ``effects``, ``distinctive_terms`` … tables, ``plot(kind)``
    and ``save(folder)``. Documents are resampled whole (a paragraph-level fit's paragraphs
    stay together); groups under ``min_docs`` documents are flagged and never significant. The
    run's labels (``config.labels``; a run folder's ``labels.toml``) name the topics, merge them
    and leave excluded ones out (:mod:`topiclab.curation`); ``topic_labels`` lists every topic.
    A run fitted with covariates (``model="stm"``) reports its own effects (``effects``,
    ``effects_predicted``); ``time_col`` adds prevalence over time by ``time_bin`` periods
    (``prevalence_over_time``, ``trends``, ``time_coverage``), for the corpus and by ``by``.

    Example:
        >>> texts = ["上海张江集成电路芯片产业"] * 6 + ["浙江宁波港口物流航运"] * 6
        >>> c = compare(fit(texts, k=2), by="region", n_boot=100)
        >>> sorted(c.prevalence["group"].unique())
        ['上海', '浙江']
    """
    if not isinstance(result, Result):
        result = load(result)
    seeded = (getattr(result.run.result, "names", ()) if result.run is not None
              else seeded_names(result.folder / "model") if result.folder is not None else ())
    curation = resolve_labels(result.config.labels, result.topics, result.k, seeded=seeded)
    draws = draws_for(result.model.estimator, min(n_boot, 200), seed)
    if draws is not None:
        unit_docs, lengths = _units_of(result)
        if len(unit_docs) == draws[0].shape[1] and len(set(unit_docs)) < len(unit_docs):
            draws = by_document(*draws, unit_docs, lengths)  # paragraphs of one document are one observation
    return compare_documents(result.documents, result.tokens, result.topic_term, result.terms, by=by,
                             alpha=_doc_topic_prior(result), curation=curation, ci=ci, n_boot=n_boot,
                             seed=seed, min_docs=min_docs, covariates=covariates, reference=reference,
                             source=result.folder, model_draws=draws,
                             time_col=time_col, time_bin=time_bin)


def _units_of(result: Result) -> tuple[list[str], list[int]]:
    """Each unit's document and number of tokens, in the fitted order."""
    if result.run is not None:
        return list(result.run.units.doc_ids), result.run.units.tokens.lengths().tolist()
    if result.folder is not None:
        units = read_run_tokens(result.folder)
        return [d for _, d, _ in units], [len(t) for _, _, t in units]
    return [], []


@dataclass(frozen=True)
class Sweep:
    """Every fit of a sweep (``runs``, with each fit's mean exclusivity), the means by k with stability
    across seeds and the coherence-exclusivity ``frontier`` (``summary``)."""

    runs: pd.DataFrame
    summary: pd.DataFrame
    config: FitConfig

    def plot(self) -> Any:
        """Coherence, exclusivity, diversity and stability against k (a matplotlib Figure)."""
        return metrics_vs_k(self.summary, ("npmi", "c_v", "exclusivity", "diversity", "stability"))

    def plot_frontier(self) -> Any:
        """Each fit's NPMI against its exclusivity, means by k and their frontier (stm's ``searchK`` view)."""
        return coherence_exclusivity(self.runs, self.summary)

    def save(self, out: Path | str, *, overwrite: bool = False) -> Path:
        """Write ``runs.csv``, ``summary.csv``, ``config.toml`` and the figures (``metrics_vs_k``,
        ``coherence_exclusivity``, PNG and SVG) into the folder ``out``."""
        out = Path(out)
        check_destination(out, overwrite=overwrite, protect=self.config.input_files(), kind="sweep")
        fig = self.plot()
        frontier = self.plot_frontier()
        with atomic_dir(out, overwrite=overwrite, kind="sweep", protect=self.config.input_files()) as tmp:
            self.runs.to_csv(tmp / "runs.csv", index=False, float_format="%.6f", lineterminator="\n")
            self.summary.to_csv(tmp / "summary.csv", index=False, float_format="%.6f", lineterminator="\n")
            (tmp / "config.toml").write_text(self.config.to_toml(relative_to=out), encoding="utf-8")
            save_figure(fig, tmp, "metrics_vs_k")
            save_figure(frontier, tmp, "coherence_exclusivity")
        return out


def sweep(
    data: Any = None, *, k: Sequence[int] | int = (5, 10, 15, 20, 25, 30), seeds: Sequence[int] | int = (1, 2, 3),
    workers: int = 1, text_col: str | None = None, id_col: str | None = None, model: str | None = None,
    config: FitConfig | Mapping[str, Any] | Path | str | None = None, cache: bool | Path = True, progress: bool = False,
    **settings: Any,
) -> Sweep:
    """Preprocess ``data`` once (as :func:`fit` reads it) and fit every k and seed, in ``workers``
    processes; the tables are the same whatever the worker count.

    Example:
        >>> texts = ["集成电路芯片设计产业"] * 5 + ["港口物流航运枢纽建设"] * 5 + ["生态环境绿色治理"] * 5
        >>> s = sweep(texts, k=[2, 3], seeds=[1, 2])
        >>> s.summary["k"].tolist(), len(s.runs)
        ([2, 3], 4)
    """
    ks = [k] if isinstance(k, int) else list(k)
    seed_list = [seeds] if isinstance(seeds, int) else list(seeds)
    check_sweep(ks, seed_list, workers=workers)
    base = _config(config, {"input.text_col": text_col, "input.id_col": id_col, "model.name": model,
                            "model.k": ks[0], "model.seed": seed_list[0], "run.workers": workers, **settings})
    base, corpus, _, _ = _data(data, base)
    cache_dir = cache if isinstance(cache, Path) else (True if cache else None)
    prepared = prepare(base, corpus=corpus, progress=progress, cache_dir=cache_dir)
    settled = prepared.settled(base)
    runs, summary = sweep_prepared(prepared, settled, ks, seed_list, workers=workers, progress=progress)
    return Sweep(runs, summary, settled)
