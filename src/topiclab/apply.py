"""Apply a fitted run to new documents: the run's preprocessing, vocabulary and model.

A run folder keeps what this needs: ``config.toml`` (the preprocessing settings),
``model/phrases.tsv`` (the phrases learned at fit time, joined again rather than relearned on
the new texts) and ``model/estimator.pkl`` (the fitted estimator and its vocabulary).
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from topiclab.config import FitConfig
from topiclab.corpus import Corpus
from topiclab.errors import InputError
from topiclab.pipeline import units_to_documents
from topiclab.preprocess import PreprocessConfig, preprocess
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

    @property
    def k(self) -> int:
        """Number of topics or clusters."""
        return int(np.asarray(self.estimator.components_).shape[0])

    def transform(self, texts: Sequence[str], ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Topic proportions of new documents: ``doc_id, dominant_topic, n_terms, topic_0 …``.

        Units below the document (paragraphs) are inferred one by one and combined weighted by
        their token counts, as ``doc_topics.csv`` is. ``n_terms`` counts the document's tokens
        that are in the run's vocabulary: the evidence its proportions rest on. A document with
        none (every token filtered out, or only words the run never saw) gets no proportions
        (NaN) and no dominant topic (``<NA>``) rather than a made-up one.
        """
        ids = list(ids) if ids is not None else [f"new-{i}" for i in range(len(texts))]
        units = preprocess(Corpus(ids, list(texts)), self.preprocess)
        counts = count_matrix(units.tokens, self.vocabulary)
        known = np.asarray(counts.sum(axis=1)).ravel()
        doc_topic = np.zeros((len(units), self.k))
        if (known > 0).any():
            doc_topic[known > 0] = self.estimator.transform(counts[known > 0])
        weights = [len(t) if n > 0 else 0 for t, n in zip(units.tokens, known)]
        props = units_to_documents(doc_topic, units.doc_ids, weights).reindex(ids)
        n_terms = pd.Series(known, index=list(units.doc_ids)).groupby(level=0, sort=False).sum()
        props = props.astype(float)  # with no unit left at all the frame has no numeric type
        values = props.to_numpy()
        dominant = pd.array(np.nan_to_num(values).argmax(axis=1), dtype="Int64")
        dominant[np.isnan(values).any(axis=1)] = pd.NA
        props.insert(0, "n_terms", n_terms.reindex(ids, fill_value=0).astype(int).to_numpy())
        props.insert(0, "dominant_topic", dominant)
        return props.rename_axis("doc_id").reset_index()


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
    if config.phrases and phrases.is_file():
        config = dataclasses.replace(config, phrase_file=str(phrases))
    terms = tuple(saved["terms"])
    vocabulary = Vocabulary(terms, (0,) * len(terms), 0)
    return FittedModel(saved["estimator"], vocabulary, config)
