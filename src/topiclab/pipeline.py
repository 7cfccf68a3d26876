"""One importable pipeline, ``run(config)``: corpus, preprocess, vectorize, fit, evaluate.

The CLI and notebooks call this; :func:`write_run` writes its result as a run folder.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from topiclab.cache import default_cache_dir, texts_digest
from topiclab.config import FitConfig
from topiclab.corpus import Corpus, Gazetteer, load_corpus, seed_path
from topiclab.document_tokens import DocumentTokens
from topiclab.errors import ConfigError, InputError
from topiclab.evaluate import coherence, label_agreement, topic_diversity
from topiclab.models import TopicModelResult, fit_estimator, heldout_perplexity, result_of
from topiclab.models.lda_tomotopy import auto_shards
from topiclab.models.seeding import read_seed_words, seed_columns
from topiclab.over_time import parse_periods
from topiclab.preprocess import Units, preprocess, read_wordlist
from topiclab.preprocess.token_lists import TokenLists
from topiclab.vectorize import GenericTerm, Vocabulary, build_vocabulary, count_matrix, generic_terms


@dataclass(frozen=True)
class FitRun:
    """Everything a fit produced: the inputs as modelled, the result, metrics and timings."""

    config: FitConfig
    corpus: Corpus
    units: Units
    vocabulary: Vocabulary
    result: TopicModelResult
    estimator: Any
    metrics: dict[str, Any]
    input_sha256: str
    timings: dict[str, float] = field(default_factory=dict)
    generic: tuple[GenericTerm, ...] = ()
    seeds: dict[str, tuple[str, ...]] = field(default_factory=dict)
    seeds_missing: dict[str, list[str]] = field(default_factory=dict)

    def doc_topics(self) -> pd.DataFrame:
        """Document rows: metadata, dominant topic and its label, topic proportions (length-weighted from units)."""
        props = units_to_documents(self.result.doc_topic, self.result.doc_ids, self.units.tokens.lengths().tolist())
        meta = self.corpus.metadata()
        present = meta.index.isin(props.index)  # a document with no unit has no proportions: left out
        if not present.all():
            meta = meta.loc[present]
        # taken in the metadata's order without a copy when it is already theirs (a million
        # documents' proportions are 400 MB)
        props = props if props.index.equals(meta.index) else props.loc[meta.index]
        dominant = props.to_numpy().argmax(axis=1)
        labels = self.result.labels()
        meta = meta.assign(dominant_topic=dominant, dominant_label=[labels[t] for t in dominant])
        return pd.concat([meta, props], axis=1).reset_index()

    def unit_topics(self) -> pd.DataFrame:
        """Unit rows: ``unit_id``, ``doc_id``, dominant topic and proportions."""
        k = self.result.k
        frame = pd.DataFrame(self.result.doc_topic, columns=[f"topic_{i}" for i in range(k)])
        frame.insert(0, "dominant_topic", self.result.dominant_topic())
        frame.insert(0, "doc_id", self.result.doc_ids)
        frame.insert(0, "unit_id", self.result.unit_ids)
        return frame


def units_to_documents(doc_topic: Any, doc_ids: Sequence[str], lengths: Sequence[int]) -> pd.DataFrame:
    """Units' topic proportions combined into their documents', weighted by the units' token counts.

    Returns one row a document (index ``doc_id``, first-seen order) and columns ``topic_0`` ….

    Example:
        >>> units_to_documents([[1.0, 0.0], [0.0, 1.0]], ["a", "a"], [3, 1]).round(2).values.tolist()
        [[0.75, 0.25]]
    """
    ids = list(doc_ids)
    columns = [f"topic_{i}" for i in range(np.shape(doc_topic)[1])]
    if len(set(ids)) == len(ids):  # a unit a document: one array, no grouping (a million rows take 400 MB)
        weighted = np.asarray(doc_topic, dtype=np.float64) * np.asarray(lengths, dtype=np.float64)[:, None]
        total = np.zeros(len(ids))
        for j in range(weighted.shape[1]):  # column by column, the order in which pandas sums a row
            total += weighted[:, j]
        with np.errstate(invalid="ignore"):  # a unit without tokens has no proportions (NaN), as before
            weighted /= total[:, None]
        return pd.DataFrame(weighted, index=pd.Index(ids, name="doc_id"), columns=columns, copy=False)
    units = pd.DataFrame(doc_topic)
    units.columns = columns
    weighted = units.mul(list(lengths), axis=0).groupby(list(doc_ids), sort=False).sum()
    return weighted.div(weighted.sum(axis=1), axis=0).rename_axis("doc_id")


def input_digest(corpus: Corpus) -> str:
    """SHA-256 over the corpus's ids and texts, in order (the manifest's input hash)."""
    return texts_digest(corpus.doc_ids, corpus.texts)


@dataclass(frozen=True)
class Prepared:
    """A corpus ready for modelling: documents, units, vocabulary and count matrix."""

    corpus: Corpus
    units: Units
    vocabulary: Vocabulary
    counts: Any
    timings: dict[str, float]
    generic: tuple[GenericTerm, ...] = ()

    def settled(self, config: FitConfig) -> FitConfig:
        """``config`` with ``preprocess.unit = "auto"`` replaced by the unit these units are, and
        LDA's ``model.shards = 0`` by the shard count for this corpus's size.

        A run's ``config.toml`` names the unit and shards used, so rerunning it needs no corpus-size rule.

        Example:
            >>> settled = prepare(FitConfig(), cache_dir=None).settled(FitConfig().with_values(model="lda"))
            >>> settled.preprocess.unit, settled.model.shards
            ('paragraph', 1)
        """
        if config.preprocess.unit == "auto":
            config = replace(config, preprocess=replace(config.preprocess, unit=self.units.config.unit))
        m = config.model
        if m.shards == 0 and m.name == "lda" and m.backend == "tomotopy":
            config = replace(config, model=replace(m, shards=auto_shards(float(self.counts.sum()))))
        return config


def load_input(config: FitConfig) -> Corpus:
    """The corpus ``config.input`` names (the embedded seed when it names none), with regions.

    Example:
        >>> len(load_input(FitConfig()))
        23
    """
    c = config.input
    if c.path.startswith("<"):  # the name of data given in memory: there is nothing to read again
        raise InputError(f"input.path {c.path}: the data was given in memory; pass it again with "
                         "topiclab.fit(data, config=...)")
    return load_corpus(
        Path(c.path) if c.path else seed_path(), format=c.format, text_col=c.text_col, id_col=c.id_col or None,
        region_col=c.region_col or None, region_map=c.region_map or None, sep=c.sep or None, on_error=c.on_error,
    )


def prepare(
    config: FitConfig, *, corpus: Corpus | None = None, progress: bool = False, cache_dir: Path | bool | None = True
) -> Prepared:
    """Read (unless ``corpus`` is given), preprocess and vectorize the corpus (the part shared by every fit).

    Example:
        >>> p = prepare(FitConfig(), cache_dir=None)  # the seed: 23 articles, so unit "auto" is paragraphs
        >>> len(p.corpus), p.units.config.unit, p.counts.shape[0] == len(p.units)
        (23, 'paragraph', True)
    """
    timings: dict[str, float] = {}
    t = time.perf_counter()
    corpus = load_input(config) if corpus is None else corpus
    label_col = config.input.label_col
    if label_col and label_col not in corpus.meta_columns:
        raise ConfigError(f"label column {label_col!r} not found; the corpus has {list(corpus.meta_columns)}")
    timings["corpus"] = time.perf_counter() - t
    t = time.perf_counter()
    cache = default_cache_dir() if cache_dir is True else (cache_dir or None)
    units = preprocess(corpus, config.preprocess, workers=config.run.workers, cache_dir=cache, progress=progress)
    timings["preprocess"] = time.perf_counter() - t
    check_modelable(units, config)
    v = config.vectorize
    generic = corpus_generic_terms(units, config)
    try:
        vocab = build_vocabulary(units.tokens, no_below=v.no_below, no_above=v.no_above, keep_n=v.keep_n or None,
                                 exclude=frozenset(g.term for g in generic))
    except ConfigError as exc:
        if not generic:
            raise
        raise ConfigError(f"{exc}; {len(generic)} generic words were left out as well (--no-generic keeps "
                          "them)") from None
    return Prepared(corpus, units, vocab, count_matrix(units.tokens, vocab), timings, generic)


def corpus_generic_terms(units: Units, config: FitConfig) -> tuple[GenericTerm, ...]:
    """The generic words of the units' documents (none when ``vectorize.generic`` is off); the
    gazetteer's place names and the words of ``vectorize.keep_terms`` are never generic.

    Example:
        >>> from topiclab.preprocess import preprocess
        >>> corpus_generic_terms(preprocess(Corpus(["a", "b"], ["长三角。", "集成电路。"])), FitConfig())
        ()
    """
    v = config.vectorize
    if not v.generic:
        return ()
    documents = units_by_document(units)
    # place names are what regional comparisons rest on: a province every report names is not generic
    gazetteer = Gazetteer.default()
    keep = frozenset(gazetteer.names) | frozenset(gazetteer.regions)
    if v.keep_terms:
        keep |= read_wordlist(v.keep_terms)
    if config.model.seed_words:  # the researcher's seed words are what the topics are about
        keep |= frozenset(w for words in read_seed_words(config.model.seed_words).values() for w in words)
    return generic_terms(documents, min_share=v.generic_min_share, max_ridf=v.generic_max_ridf,
                         keep=keep)


def units_by_document(units: Units) -> TokenLists:
    """Each document's tokens (its units' in order), one list a document, in first-seen order.

    Example:
        >>> from topiclab.preprocess import PreprocessConfig
        >>> units = preprocess(Corpus(["a", "b"], ["长三角。", "集成电路。"]), PreprocessConfig(unit="paragraph"))
        >>> units_by_document(units)
        (('长三角',), ('集成电路',))
    """
    return DocumentTokens(units.doc_ids, units.tokens).lists


def check_modelable(units: Units, config: FitConfig) -> None:
    """Refuse, with the real cause and remedy, units that no topic model can be fit on.

    A corpus without Chinese words, a single unit (one document, or one long line), or fewer
    units than topics: each gets its own message, before vocabulary pruning would blame
    ``no_below``.

    Example:
        >>> from topiclab.preprocess import preprocess
        >>> check_modelable(preprocess(Corpus(["a"], ["Only English words here"])), FitConfig())  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        topiclab.errors.InputError: no Chinese words in the corpus: all 4 tokens were removed as non-Han ...
    """
    removed = sum(units.removed.values())
    non_han = units.removed.get("non_han", 0)
    if len(units) == 0:
        if removed and non_han >= removed / 2:
            share = "" if non_han == removed else f", {non_han:,} of them"
            raise InputError(f"no Chinese words in the corpus: all {removed:,} tokens were removed{share} as "
                             "non-Han (Latin letters or digits); topiclab models Chinese text (for Chinese mixed "
                             "with Latin terms add --keep-non-han)")
        if removed == 0 and units.page_removed:
            lines = ", ".join(f"{r} {n:,}" for r, n in units.page_removed.items())
            raise InputError(f"no words in the corpus: every line was removed as page boilerplate ({lines}); "
                             "keep lines with --boilerplate-keep FILE, or turn this off with --no-page-boilerplate")
        if removed == 0:
            raise InputError("no words in the corpus: normalisation left nothing to segment (numbers, URLs and "
                             "e-mail addresses are removed); give texts with Chinese words")
        if units.removed.get("punctuation", 0) == removed:
            raise InputError(f"no words in the corpus: all {removed:,} tokens are punctuation or symbols; give texts "
                             "with Chinese words")
        raise InputError(f"no words left to model: all {removed:,} tokens were removed by the filters "
                         f"({', '.join(f'{r} {n:,}' for r, n in units.removed.items() if n)}); "
                         "loosen them (--pos all, --no-stopwords, --min-len 1)")
    if len(units) == 1:
        one = "one document" if units.n_documents == 1 else f"{units.n_documents} documents"
        c = units.config
        hint = ("--unit chunk, or keep every paragraph a unit with --min-unit-tokens 1"
                if c.unit == "paragraph" and c.min_unit_tokens > 1 else
                "--unit chunk (or --unit paragraph if it has paragraphs)")
        raise InputError(f"{one} gave a single {c.unit} unit: a topic model needs many units; "
                         f"give more documents, or cut this text into parts with {hint}")
    if len(units) < config.model.k:
        hint = "" if units.config.unit == "chunk" else "; or cut the documents into more units with --unit chunk"
        docs = "1 document" if units.n_documents == 1 else f"{units.n_documents} documents"
        raise InputError(f"{len(units)} units to model ({docs} as {units.config.unit}s) are "
                         f"fewer than k = {config.model.k} topics; choose --k {len(units)} or less{hint}")


def fit_prepared(prepared: Prepared, config: FitConfig, *, progress: bool = False) -> FitRun:
    """Fit and evaluate the configured model on a prepared corpus (prepare once, fit many).

    ``progress``: a bar on stderr while LDA (tomotopy) samples.

    Example:
        >>> config = FitConfig().with_overrides(["model.k=4"])
        >>> fit = fit_prepared(prepare(config, cache_dir=None), config)
        >>> fit.result.k, sorted(fit.doc_topics()["region"].unique())
        (4, ['上海', '江苏', '浙江', '长三角'])
    """
    config = prepared.settled(config)
    m = config.model
    timings = dict(prepared.timings)
    t = time.perf_counter()
    seeds = read_seed_words(m.seed_words) if m.seed_words else {}
    extra: dict[str, Any] = {}
    missing: dict[str, list[str]] = {}
    if seeds:
        extra["seed_topics"], missing = seed_columns(seeds, prepared.vocabulary.terms, m.k)
    if progress and m.name == "lda":
        extra["verbose"] = True  # the sampler's bar (tomotopy; the other backends show none)
    est = fit_estimator(prepared.counts, m.name, m.k, m.seed, backend=m.backend,
                        fit_params=fit_params(prepared, config), **m.params(), **extra)
    timings["fit"] = time.perf_counter() - t
    units = prepared.units
    result = result_of(est, prepared.vocabulary.terms, model=m.name, k=m.k, seed=m.seed, backend=m.backend,
                       unit_ids=units.unit_ids, doc_ids=units.doc_ids, params=m.params(), names=tuple(seeds))
    t = time.perf_counter()
    # heldout perplexity refits with the configured backend, so the record is changed only after it
    metrics = evaluate_run(result, units, est, prepared.counts, prepared.corpus, config)
    timings["evaluate"] = time.perf_counter() - t
    # the run's config.toml names the library that fitted (sklearn for NMF and clusters)
    config = replace(config, model=replace(config.model, backend=result.backend))
    return FitRun(config, prepared.corpus, units, prepared.vocabulary, result, est, metrics,
                  input_digest(prepared.corpus), timings, prepared.generic, seeds, missing)


def unit_metadata(prepared: Prepared) -> pd.DataFrame:
    """One row a unit: its document's metadata (a paragraph carries its article's region and date).

    Example:
        >>> p = prepare(FitConfig(), cache_dir=None)
        >>> meta = unit_metadata(p)
        >>> len(meta) == len(p.units), "region" in meta.columns
        (True, True)
    """
    meta = prepared.corpus.metadata()
    return meta.loc[list(prepared.units.doc_ids)].reset_index(drop=True)


def fit_params(prepared: Prepared, config: FitConfig) -> dict[str, Any]:
    """What the configured estimator's ``fit`` takes beside the counts (an STM's covariates)."""
    m = config.model
    if m.name == "stm" and m.prevalence.strip():
        return {"metadata": unit_metadata(prepared)}
    if m.name == "dtm":
        meta = unit_metadata(prepared)
        if m.time_col not in meta.columns:
            shown = [c for c in meta.columns if c not in ("source_file", "encoding")]
            raise ConfigError(f"no time column {m.time_col!r} for model dtm; columns are {shown}")
        periods = parse_periods(meta[m.time_col], m.time_bin, name=m.time_col)
        if periods.isna().any():
            raise ConfigError(f"model dtm: {int(periods.isna().sum())} units have no {m.time_col!r} value; fill in "
                              "the dates or leave those documents out")
        return {"periods": [str(p) for p in periods]}
    return {}


def run(config: FitConfig, *, progress: bool = False, cache_dir: Path | bool | None = True) -> FitRun:
    """Fit the configured model and evaluate it.

    ``cache_dir``: ``True`` for the default cache, ``None``/``False`` for none, or a folder.

    Example:
        >>> from topiclab.config import FitConfig
        >>> r = run(FitConfig().with_overrides(["model.k=4"]), cache_dir=None)
        >>> r.result.k, r.metrics['n_docs']
        (4, 23)
    """
    return fit_prepared(prepare(config, progress=progress, cache_dir=cache_dir), config, progress=progress)


def evaluate_run(
    result: TopicModelResult, units: Units, est: Any, counts: Any, corpus: Corpus, config: FitConfig
) -> dict[str, Any]:
    """Every metric that applies to this model."""
    texts = units.tokens
    top = result.top_terms(config.run.top_n)
    metrics: dict[str, Any] = {
        "model": result.model, "backend": result.backend, "k": result.k, "seed": result.seed,
        "n_docs": len(set(result.doc_ids)), "n_units": len(result.unit_ids), "n_terms": len(result.terms),
        "top_n": config.run.top_n,
    }
    for measure in ("npmi", "c_v", "umass"):
        metrics[measure] = round(float(coherence(top, texts, measure).mean()), 6)
    metrics["diversity"] = round(topic_diversity(result.top_terms(25)), 6)
    if result.model == "lda":
        metrics["perplexity_train"] = round(est.perplexity(counts, fitted_on=True), 4)
        if config.run.heldout > 0:
            m = config.model
            metrics["perplexity_heldout"] = round(heldout_perplexity(
                counts, m.k, m.seed, backend=m.backend, fraction=config.run.heldout, groups=units.doc_ids,
                **m.params()), 4)
    else:
        from sklearn.metrics import silhouette_score

        vectors = getattr(est, "vectors_", None)
        labels = result.dominant_topic()
        if vectors is not None and len(set(labels.tolist())) > 1:
            metrics["silhouette"] = round(float(silhouette_score(
                vectors, labels, metric="cosine", sample_size=min(len(labels), 5000), random_state=result.seed)), 6)
    label_col = config.input.label_col
    if label_col:
        by_doc = dict(zip(corpus.doc_ids, corpus.column(label_col)))
        labels_true = [str(by_doc[d]) for d in result.doc_ids]
        for name, value in label_agreement(labels_true, result.dominant_topic()).items():
            metrics[f"{name}_{label_col}"] = round(value, 6)
    return metrics
