"""Apply a fitted run to new documents: the run's preprocessing, vocabulary and model.

A run folder keeps what this needs: ``config.toml`` (the preprocessing settings),
``model/phrases.tsv`` (the phrases learned at fit time, joined again rather than relearned on
the new texts) and ``model/estimator.pkl`` (the fitted estimator and its vocabulary).
"""

from __future__ import annotations

import dataclasses
import pickle
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from topiclab.config import FitConfig
from topiclab.corpus import Corpus
from topiclab.errors import ConfigError, InputError
from topiclab.pipeline import units_to_documents
from topiclab.preprocess import PreprocessConfig, preprocess
from topiclab.preprocess.page_boilerplate import REPEATED_REASONS
from topiclab.vectorize import Vocabulary, count_matrix


@dataclass(frozen=True)
class FittedModel:
    """A run's estimator with the preprocessing and vocabulary it was fitted with.

    Example:
        >>> import tempfile
        >>> from topiclab.pipeline import run
        >>> from topiclab.runfolder import write_run
        >>> folder = write_run(run(FitConfig().with_overrides(["model.k=3"]), cache_dir=None),
        ...                    Path(tempfile.mkdtemp()) / "run")
        >>> model = load_model(folder)
        >>> model.transform(["集成电路产业协同攻关"], ["new"]).columns.tolist()
        ['doc_id', 'dominant_topic', 'n_terms', 'topic_0', 'topic_1', 'topic_2']
    """

    estimator: Any
    vocabulary: Vocabulary
    preprocess: PreprocessConfig
    phrases: str = ""  # the phrase table learned at fit time (TSV), joined again in new texts
    boilerplate: tuple[str, ...] = ()  # repeated lines removed at fit time, removed again from new texts

    @property
    def k(self) -> int:
        """Number of topics or clusters."""
        return int(np.asarray(self.estimator.components_).shape[0])

    def transform(self, texts: Sequence[str] | pd.Series, ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Topic proportions of new documents: ``doc_id, dominant_topic, n_terms, topic_0 …``.

        The table is indexed like ``texts``: a Series keeps its index (its labels are the
        ``doc_id`` unless ``ids`` are given), a list gets 0, 1, ….

        Units below the document (paragraphs) are inferred one by one and combined weighted by
        their token counts, as ``doc_topics.csv`` is. Page boilerplate goes as at fit time: the
        lines the fit found repeated and every single-line rule, never what the batch repeats (so a
        text gets the same proportions alone or with others). ``n_terms`` counts the document's tokens
        that are in the run's vocabulary: the evidence its proportions rest on. A document with
        none (every token filtered out, or only words the run never saw) gets no proportions
        (NaN) and no dominant topic (``<NA>``) rather than a made-up one.
        """
        if isinstance(texts, pd.DataFrame):
            raise ConfigError("transform takes texts: a Series or a list of strings; for a DataFrame give its text "
                              "column, e.g. model.transform(df['body'])")
        if isinstance(texts, str) or not isinstance(texts, Sequence | pd.Series):
            what = "one string" if isinstance(texts, str) else type(texts).__name__
            raise ConfigError(f"transform takes a Series or a list of strings, got {what}; for one text give [text]")
        index = texts.index if isinstance(texts, pd.Series) else pd.RangeIndex(len(texts))
        if ids is None:
            ids = [str(v) for v in index] if isinstance(texts, pd.Series) else [f"new-{i}" for i in range(len(texts))]
        ids = list(ids)
        if len(ids) != len(texts):
            raise ConfigError(f"{len(ids)} ids for {len(texts)} texts; give one id a text")
        keys = [f"#{i}" for i in range(len(ids))]  # positions: the caller's ids need not be unique
        texts = ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in texts]
        config = self.preprocess
        with tempfile.TemporaryDirectory() as tmp:
            if self.phrases:
                table = Path(tmp) / "phrases.tsv"
                table.write_text(self.phrases, encoding="utf-8")
                config = dataclasses.replace(config, phrase_file=str(table))
            present = [i for i, t in enumerate(texts) if t.strip()]
            units = preprocess(Corpus([keys[i] for i in present], [texts[i] for i in present]), config,
                               known_boilerplate=self.boilerplate) if present else None
        k = self.k
        props = pd.DataFrame(np.nan, index=keys, columns=[f"topic_{i}" for i in range(k)])
        n_terms = pd.Series(0, index=keys)
        if units is not None and len(units):
            counts = count_matrix(units.tokens, self.vocabulary)
            known = np.asarray(counts.sum(axis=1)).ravel()
            doc_topic = np.zeros((len(units), k))
            if (known > 0).any():
                doc_topic[known > 0] = self.estimator.transform(counts[known > 0])
            weights = [len(t) if n > 0 else 0 for t, n in zip(units.tokens, known)]
            found = units_to_documents(doc_topic, units.doc_ids, weights).astype(float)
            props.loc[found.index] = found.to_numpy()
            n_terms = n_terms.add(pd.Series(known, index=list(units.doc_ids)).groupby(level=0, sort=False).sum(),
                                  fill_value=0)
        values = props.to_numpy(dtype=float)
        dominant = pd.array(np.nan_to_num(values).argmax(axis=1), dtype="Int64")
        dominant[np.isnan(values).any(axis=1)] = pd.NA
        props.insert(0, "n_terms", n_terms.reindex(keys).astype(int).to_numpy())
        props.insert(0, "dominant_topic", dominant)
        props.insert(0, "doc_id", ids)
        props.index = index
        return props


def load_model(run_dir: Path | str) -> FittedModel:
    """The fitted model of a run folder, ready for :meth:`FittedModel.transform`.

    Example:
        >>> load_model("no/such/run")
        Traceback (most recent call last):
        topiclab.errors.InputError: no/such/run: no fitted model (model/estimator.pkl missing); rerun topiclab fit
    """
    run_dir = Path(run_dir)
    path = run_dir / "model" / "estimator.pkl"
    if not path.is_file():
        raise InputError(f"{run_dir}: no fitted model (model/estimator.pkl missing); rerun topiclab fit")
    with path.open("rb") as fh:
        saved = pickle.load(fh)  # our own run folder: pickles are only as trustworthy as their source
    config = FitConfig.from_toml(run_dir / "config.toml").preprocess
    phrases = run_dir / "model" / "phrases.tsv"
    table = phrases.read_text(encoding="utf-8") if config.phrases and phrases.is_file() else ""
    terms = tuple(saved["terms"])
    vocabulary = Vocabulary(terms, (0,) * len(terms), 0)
    return FittedModel(saved["estimator"], vocabulary, dataclasses.replace(config, phrase_file=None), table,
                       read_repeated_lines(run_dir))


def read_repeated_lines(run_dir: Path | str) -> tuple[str, ...]:
    """The lines and sentences a run removed as repeated or formula boilerplate (its ``boilerplate.csv``).

    Example:
        >>> read_repeated_lines("no/such/run")
        ()
    """
    path = Path(run_dir) / "boilerplate.csv"
    if not path.is_file():  # a run written before topiclab listed boilerplate
        return ()
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return tuple(table.loc[table["reason"].isin(REPEATED_REASONS), "text"])
