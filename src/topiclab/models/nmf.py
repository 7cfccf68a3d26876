"""Non-negative matrix factorisation of the TF-IDF matrix (Lee & Seung 1999), with scikit-learn's contract.

The units x terms counts are weighted by sublinear TF-IDF (:mod:`topiclab.vectorize.weighting`)
and factorised by scikit-learn's ``NMF`` (``init="nndsvda"``, Boutsidis & Gallopoulos 2008);
topics are the rows of the term factor, proportions the rows of the unit factor, each scaled
to sum to 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from topiclab.checks import check_int
from topiclab.models.common import CountModel, check_k, one_thread, rows_to_one, validate_counts
from topiclab.vectorize import fit_tfidf


class NMF(CountModel):
    """Non-negative matrix factorisation of the sublinear TF-IDF matrix (``init="nndsvda"``).

    Fitted attributes: ``components_``, ``doc_topic_`` (rows sum to 1), ``tfidf_`` (the
    weighting learned), ``model_`` (scikit-learn's ``NMF``), ``n_iter_``, ``n_features_in_``
    and ``backend_`` (``"sklearn"``).

    Example:
        >>> X = np.array([[3, 0, 1], [0, 4, 1], [2, 0, 0], [0, 3, 0]])
        >>> NMF(2, random_state=0).fit(X).doc_topic_.argmax(axis=1).tolist()
        [1, 0, 1, 0]
    """

    def __init__(self, n_components: int = 10, *, max_iter: int = 400, random_state: int = 0) -> None:
        self.n_components = n_components
        self.max_iter = max_iter
        self.random_state = random_state

    @one_thread
    def fit(self, X: Any, y: Any = None) -> NMF:
        """Fit on a units x terms count matrix (dense or sparse); ``y`` is ignored."""
        from sklearn.decomposition import NMF as SkNMF

        counts = validate_counts(self, X, reset=True)
        check_k(self.n_components, counts.shape[0], counts.shape[1], self.random_state)
        check_int(self.max_iter, "max_iter", minimum=1)
        self.model_ = SkNMF(n_components=self.n_components, init="nndsvda", max_iter=self.max_iter,
                            random_state=self.random_state)
        self.tfidf_ = fit_tfidf(counts)
        w = self.model_.fit_transform(self.tfidf_.transform(counts))
        self.components_ = rows_to_one(self.model_.components_)
        self.doc_topic_ = rows_to_one(w)
        self.n_iter_ = int(self.model_.n_iter_)
        self.backend_ = "sklearn"
        return self

    @one_thread
    def transform(self, X: Any) -> np.ndarray:
        """Topic proportions of new units (rows sum to 1), with the TF-IDF weights and topics learned."""
        check_is_fitted(self)
        counts = validate_counts(self, X, reset=False)
        return rows_to_one(self.model_.transform(self.tfidf_.transform(counts)))
