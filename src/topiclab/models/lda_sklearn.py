"""LDA by batch variational Bayes with scikit-learn (Hoffman, Blei & Bach 2010).

``LatentDirichletAllocation(learning_method="batch")``; priors default to 1/k for both alpha
(``doc_topic_prior``) and eta (``topic_word_prior``), and stay fixed; ``max_iter`` passes
(default 50).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from topiclab.errors import ConfigError
from topiclab.models.lda_backend import BackendFit
from topiclab.models.result import Priors, prior_value

PASSES = 50


class SklearnLDA:
    """The scikit-learn adapter (see :class:`topiclab.models.lda_backend.LDABackend`)."""

    name = "sklearn"

    def __init__(self, model: Any = None) -> None:
        self.model = model

    def fit(self, counts: sp.csr_matrix, *, k: int, alpha: Any, eta: float | None, max_iter: int | None,
            seed: int, seed_topics: dict[int, list[int]] | None = None, shards: int = 1,
            tol: float | None = None, progress: bool = False) -> BackendFit:
        if seed_topics:
            raise ConfigError("seeded topics need LDA backend 'tomotopy' (word priors); leave --backend out")
        from sklearn.decomposition import LatentDirichletAllocation

        self.model = LatentDirichletAllocation(
            n_components=k, doc_topic_prior=alpha, topic_word_prior=eta, learning_method="batch",
            max_iter=max_iter or PASSES, random_state=seed,
        ).fit(counts)
        return BackendFit(self.model.components_, self.model.transform(counts), self.priors(),
                          int(self.model.n_iter_))

    def priors(self) -> Priors:
        """The fitted model's priors (scikit-learn does not re-estimate them)."""
        alpha = prior_value(self.model.doc_topic_prior_)
        eta = prior_value(self.model.topic_word_prior_)
        return Priors(alpha, eta, alpha, eta)

    def infer(self, counts: sp.csr_matrix) -> np.ndarray:
        return np.asarray(self.model.transform(counts))

    def perplexity(self, counts: sp.csr_matrix) -> float:
        return float(self.model.perplexity(counts))
