"""LDA by variational Bayes with gensim's ``LdaModel`` (Hoffman, Blei & Bach 2010), one chunk a pass.

Priors default to symmetric 1/k (gensim's ``"symmetric"``); ``alpha="asymmetric"`` fixes
alpha at ``1 / (i + sqrt(k))``, normalised; ``alpha="auto"`` starts at 1/k and learns an
asymmetric alpha from the corpus after every pass (a Newton step, Huang 2005). ``max_iter``
passes (default 50), 100 inference iterations a unit.

gensim starts each inference from random variational parameters drawn from the model's
random state for the whole batch. The adapter keeps that state as it was at the end of
fitting and infers each new unit alone from it, so a unit's topics depend neither on what was
inferred before nor on the other units of its batch, and a pickled model infers as the fitted
one does. The training units' proportions (``doc_topic``) are inferred together, as one batch.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from topiclab.errors import ConfigError
from topiclab.models.lda_backend import BackendFit
from topiclab.models.result import Priors, prior_value

PASSES, ITERATIONS = 50, 100


def bag_of_words(counts: sp.csr_matrix) -> list[list[tuple[int, float]]]:
    """Each unit as gensim's ``(column, count)`` pairs.

    Example:
        >>> bag_of_words(sp.csr_matrix([[2.0, 0.0, 1.0]]))
        [[(0, 2.0), (2, 1.0)]]
    """
    return [list(zip(counts.indices[a:b].tolist(), counts.data[a:b].tolist()))
            for a, b in zip(counts.indptr[:-1], counts.indptr[1:])]


class GensimLDA:
    """The gensim adapter (see :class:`topiclab.models.lda_backend.LDABackend`)."""

    name = "gensim"

    def __init__(self, model: Any = None) -> None:
        self.model = model
        self.state = model.random_state.get_state() if model is not None else None

    def fit(self, counts: sp.csr_matrix, *, k: int, alpha: Any, eta: float | None, max_iter: int | None,
            seed: int, seed_topics: dict[int, list[int]] | None = None, shards: int = 1,
            tol: float | None = None, progress: bool = False) -> BackendFit:
        if seed_topics:
            raise ConfigError("seeded topics need LDA backend 'tomotopy' (word priors); leave --backend out")
        from gensim.models import LdaModel

        bow = bag_of_words(counts)
        self.model = LdaModel(
            corpus=bow, id2word={j: str(j) for j in range(counts.shape[1])}, num_topics=k,
            alpha=alpha if alpha is not None else "symmetric", eta=eta, passes=max_iter or PASSES,
            iterations=ITERATIONS, chunksize=max(len(bow), 1), update_every=1, random_state=seed, dtype=np.float64,
        )
        topic_term = self.model.get_topics()
        doc_topic, _ = self.model.inference(bow)
        self.state = self.model.random_state.get_state()
        return BackendFit(topic_term, doc_topic, self.priors(alpha, eta), int(self.model.passes))

    def priors(self, alpha: Any, eta: Any) -> Priors:
        """The fitted model's priors, given the ``alpha`` and ``eta`` settings (``None``: symmetric)."""
        alpha0, learn_alpha = self.model.init_dir_prior(alpha if alpha is not None else "symmetric", "alpha")
        eta0, learn_eta = self.model.init_dir_prior(eta, "eta")
        learned = tuple(name for name, on in (("alpha", learn_alpha), ("eta", learn_eta)) if on)
        return Priors(prior_value(self.model.alpha), prior_value(self.model.eta), prior_value(alpha0),
                      prior_value(eta0), learned)

    def _restore(self) -> None:
        self.model.random_state.set_state(self.state)

    def infer(self, counts: sp.csr_matrix) -> np.ndarray:
        rows = []
        for unit in bag_of_words(counts):
            self._restore()
            gamma, _ = self.model.inference([unit])
            rows.append(gamma[0])
        return np.asarray(rows, dtype=np.float64).reshape(len(rows), self.model.num_topics)

    def perplexity(self, counts: sp.csr_matrix) -> float:
        self._restore()
        return float(np.exp2(-self.model.log_perplexity(bag_of_words(counts))))
