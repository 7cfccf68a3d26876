"""Clusters of units on their document vectors, described like topics by class-based TF-IDF.

Units are embedded (:mod:`topiclab.vectorize.embeddings`: TF-IDF reduced by word vectors
learned from the corpus, by LSA, or left whole), clustered by k-means (Lloyd 1982, with
restarts) or Ward linkage (Ward 1963), and each cluster is described by class-based TF-IDF
(Grootendorst 2022, BERTopic), so clusters read like topics.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from topiclab.checks import check_int
from topiclab.errors import ConfigError
from topiclab.models.common import CountModel, check_k, one_thread, rows_to_one, validate_counts
from topiclab.names import CLUSTER_METHODS, EMBEDDINGS
from topiclab.vectorize import DocumentVectors, fit_document_vectors


class TfidfClusters(CountModel):
    """Clusters of units on their TF-IDF vectors, reduced; ``components_`` is class-based TF-IDF.

    ``embedding`` says how the sublinear TF-IDF vectors are reduced before clustering (see
    :mod:`topiclab.vectorize.embeddings`):

    * ``lsa+word2vec`` (default): the ``lsa`` and ``word2vec`` vectors side by side, each
      weighing half (the most accurate across CSL abstracts, news section pages and headlines:
      ``experiments/genre_defaults/embeddings.csv``);
    * ``word2vec``: the TF-IDF-weighted sum of ``n_dims``-dimensional skip-gram word
      vectors learned from the units themselves (each unit's words in a seeded random order;
      one worker thread, so the vectors are reproducible);
    * ``lsa``: truncated SVD of the TF-IDF matrix to ``n_dims`` dimensions;
    * ``tfidf``: the full TF-IDF vectors.

    Vectors are L2-normalised. ``method``:

    * ``kmeans``: k-means with ``n_init`` restarts;
    * ``agglomerative``: Ward linkage; new units go to the nearest cluster mean.

    Each unit belongs to one cluster (``labels_``; ``doc_topic_`` is one-hot). Other fitted
    attributes: ``components_``, ``embedding_`` (the fitted
    :class:`~topiclab.vectorize.DocumentVectors`), ``vectors_`` (the training units'),
    ``model_`` (``KMeans``) or ``centroids_`` (Ward), ``n_features_in_``, ``backend_``
    (``"sklearn"``).

    Example:
        >>> X = np.array([[3, 0, 1], [0, 4, 1], [2, 0, 0], [0, 3, 0]])
        >>> labels = TfidfClusters(2, embedding="tfidf", random_state=0).fit(X).labels_.tolist()
        >>> labels in ([0, 1, 0, 1], [1, 0, 1, 0])
        True
    """

    def __init__(self, n_clusters: int = 10, *, method: str = "kmeans", embedding: str = "lsa+word2vec",
                 n_dims: int = 100, n_init: int = 10, random_state: int = 0) -> None:
        self.n_clusters = n_clusters
        self.method = method
        self.embedding = embedding
        self.n_dims = n_dims
        self.n_init = n_init
        self.random_state = random_state

    def _check_settings(self) -> None:
        if self.method not in CLUSTER_METHODS:
            raise ConfigError(f"unknown cluster method {self.method!r}; choose one of {', '.join(CLUSTER_METHODS)}")
        if self.embedding not in EMBEDDINGS:
            raise ConfigError(f"unknown embedding {self.embedding!r}; choose one of {', '.join(EMBEDDINGS)}")
        if self.embedding != "tfidf" and (not isinstance(self.n_dims, int | np.integer) or self.n_dims < 1):
            raise ConfigError(f"n_dims must be a whole number >= 1 for the {self.embedding} embedding, "
                              f"got {self.n_dims!r}")
        if self.method == "kmeans":
            check_int(self.n_init, "n_init", minimum=1)

    @one_thread
    def fit(self, X: Any, y: Any = None) -> TfidfClusters:
        """Fit on a units x terms count matrix (dense or sparse); ``y`` is ignored."""
        counts = validate_counts(self, X, reset=True)
        check_k(self.n_clusters, counts.shape[0], counts.shape[1], self.random_state)
        self._check_settings()
        self.embedding_, vectors = fit_document_vectors(counts, self.embedding, self.n_dims, self.random_state)
        if self.method == "kmeans":
            from sklearn.cluster import KMeans

            self.model_ = KMeans(self.n_clusters, n_init=self.n_init, random_state=self.random_state).fit(vectors)
            self.labels_ = self.model_.labels_
        else:
            from sklearn.cluster import AgglomerativeClustering

            dense = vectors.toarray() if sp.issparse(vectors) else vectors
            self.labels_ = AgglomerativeClustering(self.n_clusters, linkage="ward").fit_predict(dense)
            self.centroids_ = np.vstack([dense[self.labels_ == c].mean(axis=0) for c in range(self.n_clusters)])
        self.vectors_ = vectors
        self.components_ = class_tfidf(counts, self.labels_, self.n_clusters)
        self.doc_topic_ = np.eye(self.n_clusters)[self.labels_]
        self.backend_ = "sklearn"
        return self

    @one_thread
    def transform(self, X: Any) -> np.ndarray:
        """One-hot membership of new units in the nearest cluster."""
        check_is_fitted(self)
        vectors = self.embedding_.transform(validate_counts(self, X, reset=False))
        if self.method == "kmeans":
            labels = self.model_.predict(vectors)
        else:
            dense = vectors.toarray() if sp.issparse(vectors) else vectors
            labels = ((dense[:, None, :] - self.centroids_[None]) ** 2).sum(axis=2).argmin(axis=1)
        return np.eye(self.n_clusters)[labels]

    def __setstate__(self, state: dict[str, Any]) -> None:
        if "embedding_" not in state and "tfidf_" in state:
            # pickled by topiclab before the embeddings moved to topiclab.vectorize
            state["embedding_"] = DocumentVectors(state.get("embedding", "word2vec"), state.pop("tfidf_"),
                                                  state.pop("word_vectors_", None), state.pop("svd_", None))
            state.setdefault("backend_", "sklearn")
        super().__setstate__(state)


def class_tfidf(counts: sp.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
    """Class-based TF-IDF: a cluster's term frequencies weighted by ``log(1 + A / f_t)``.

    ``A`` is the average number of words a cluster, ``f_t`` the term's frequency over all
    clusters (Grootendorst 2022, BERTopic). Rows are scaled to sum to 1.

    Example:
        >>> import scipy.sparse as sp
        >>> w = class_tfidf(sp.csr_matrix([[2.0, 0.0], [0.0, 3.0]]), np.array([0, 1]), 2)
        >>> bool(w[0, 0] > w[0, 1] and w[1, 1] > w[1, 0])
        True
    """
    member = sp.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, counts.shape[0]))
    tf = np.asarray((member @ counts).todense())
    f_t = tf.sum(axis=0)
    avg = tf.sum() / k
    idf = np.log1p(np.divide(avg, f_t, out=np.zeros_like(f_t), where=f_t > 0))
    per_class = tf.sum(axis=1, keepdims=True)
    weights = np.divide(tf, per_class, out=np.zeros_like(tf), where=per_class > 0) * idf
    return rows_to_one(weights)
