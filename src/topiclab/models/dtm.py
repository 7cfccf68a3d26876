"""The dynamic topic model (Blei & Lafferty 2006): topics whose words evolve from period to period.

The corpus is cut into time slices (a unit's period: its document's year, quarter, month or
day, in time order); each topic's word distribution follows a Gaussian random walk from one
slice to the next, fitted by variational EM with Kalman smoothing. The fit is ``topica``'s DTM
(a compiled port of Blei's ``dtm``, as gensim's ``LdaSeqModel``); it is deterministic for a seed.

``components_`` is each topic's word distribution averaged over the slices (what ``topics.csv``
lists); :meth:`DTM.topic_term_at` gives a slice's, and ``periods_`` names the slices.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from topiclab.errors import ConfigError
from topiclab.models.common import CountModel, check_k, check_max_iter, one_thread, rows_to_one, validate_counts
from topiclab.models.lda_tomotopy import EMPTY, unit_words
from topiclab.models.topica_state import TopicaPickle

EM_ITERS = 20
FOLD_IN_ITERS = 100


def _silent(iteration: int, total: int, info: dict) -> None:
    """topica's progress callback: none (topiclab shows its own progress)."""


class DTM(TopicaPickle, CountModel):
    """A dynamic topic model on units x terms counts with one time slice a unit.

    ``fit(X, periods=[...])``: each unit's period label (text that sorts in time order, such as
    ``2024Q1``); ``max_iter``: variational EM iterations (default 20).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> early, late = [.4, .4, .05, .05, .1, 0], [.05, .05, .4, .4, 0, .1]
        >>> X = np.vstack([rng.multinomial(30, early, 20), rng.multinomial(30, late, 20)])
        >>> dtm = DTM(2, random_state=1).fit(X, periods=["2020"] * 20 + ["2021"] * 20)
        >>> dtm.periods_, dtm.topic_term_at("2021").shape
        (('2020', '2021'), (2, 6))
    """

    TOPICA_CLASS = "DTM"

    def __init__(self, n_components: int = 10, *, max_iter: int | None = None, random_state: int = 0) -> None:
        self.n_components = n_components
        self.max_iter = max_iter
        self.random_state = random_state

    @one_thread
    def fit(self, X: Any, y: Any = None, *, periods: Sequence[str] | None = None) -> DTM:
        """Fit on a count matrix with each unit's period; ``y`` is ignored."""
        import topica

        counts = validate_counts(self, X, reset=True)
        k = int(self.n_components)
        check_k(k, counts.shape[0], counts.shape[1], self.random_state)
        check_max_iter(self.max_iter)
        if periods is None or len(periods) != counts.shape[0]:
            raise ConfigError("a dynamic topic model needs each unit's period: fit(X, periods=[...]) , one a unit")
        names = tuple(sorted({str(p) for p in periods}))
        if len(names) < 2:
            raise ConfigError(f"a dynamic topic model needs two periods or more; all units are in {names[0]!r}: "
                              "choose a finer --time-bin or another model")
        slot = {p: i for i, p in enumerate(names)}
        times = [slot[str(p)] for p in periods]
        model = topica.DTM(k, seed=int(self.random_state))
        corpus = topica.Corpus.from_documents([w or [EMPTY] for w in unit_words(counts)])
        model.fit(corpus, times, iters=self.max_iter or EM_ITERS, progress=_silent)
        vocab = [int(w) if w != EMPTY else -1 for w in corpus.vocabulary]
        keep = [i for i, j in enumerate(vocab) if j >= 0]
        cols = [vocab[i] for i in keep]
        by_period = np.zeros((len(names), k, counts.shape[1]))
        for i in range(len(names)):
            by_period[i][:, cols] = np.asarray(model.topic_word(i))[:, keep]
        self.model_ = model
        self.periods_ = names
        self.topic_term_by_period_ = np.stack([rows_to_one(m) for m in by_period])
        self.components_ = rows_to_one(self.topic_term_by_period_.mean(axis=0))
        self.doc_topic_ = rows_to_one(np.asarray(model.doc_topic))
        self.backend_ = "topica"
        return self

    def topic_term_at(self, period: str) -> np.ndarray:
        """The topics' word distributions in one period (k x terms)."""
        check_is_fitted(self)
        if period not in self.periods_:
            raise ConfigError(f"no period {period!r}; periods: {', '.join(self.periods_)}")
        return np.asarray(self.topic_term_by_period_[self.periods_.index(period)])

    def transform(self, X: Any) -> np.ndarray:
        """Topic proportions of new units, by the topics averaged over the periods (maximum likelihood,
        by EM with the topics fixed)."""
        check_is_fitted(self)
        counts = validate_counts(self, X, reset=False).toarray()
        phi = np.asarray(self.components_)
        theta = np.full((counts.shape[0], phi.shape[0]), 1.0 / phi.shape[0])
        for _ in range(FOLD_IN_ITERS):
            theta = rows_to_one(theta * ((counts / np.maximum(theta @ phi, 1e-300)) @ phi.T))
        return theta
