"""Topic models with scikit-learn's estimator contract, over a units x terms count matrix.

Every estimator stores its settings in ``__init__``, checks them in ``fit``, returns ``self``
from ``fit``, keeps learned state in attributes ending in ``_`` (``components_``: topic-term
weights, rows summing to 1; ``doc_topic_``: the training units' topic proportions), and has
``transform`` for new units, so it can sit at the end of a scikit-learn ``Pipeline`` after a
``CountVectorizer``. Using an unfitted estimator raises ``NotFittedError``.

* :class:`LDA`: latent Dirichlet allocation, backend ``sklearn`` (batch variational Bayes,
  Hoffman et al. 2010), ``gensim`` (``LdaModel``, with learned asymmetric priors on request)
  or ``tomotopy`` (collapsed Gibbs sampling, Griffiths & Steyvers 2004; one worker, so the
  chain is reproducible). On short Chinese abstracts Gibbs sampling recovers known categories
  far better than variational Bayes (``experiments/csl_recovery``);
* :class:`NMF`: non-negative matrix factorisation of the TF-IDF matrix;
* :class:`TfidfClusters`: k-means or Ward clustering of TF-IDF
  vectors reduced with word vectors learned from the corpus (or LSA); each cluster is
  described by class-based TF-IDF (Grootendorst 2022), so clusters read like topics.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from topiclab.checks import check_seed
from topiclab.errors import ConfigError
from topiclab.names import CLUSTER_METHODS, EMBEDDINGS, LDA_BACKENDS


def _rows_to_one(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    s = m.sum(axis=1, keepdims=True)
    out = np.divide(m, s, out=np.full_like(m, 1.0 / m.shape[1]), where=s > 0)
    return out


def _check_k(k: int, n_units: int, n_terms: int, seed: Any = 0) -> None:
    check_seed(seed, "random_state")
    if not isinstance(k, int | np.integer) or k < 2:
        raise ConfigError(f"k must be a whole number >= 2, got {k!r}")
    if k > n_units:
        raise ConfigError(f"k={k} is more than the {n_units} units to model; choose k <= {n_units}")
    if k > n_terms:
        raise ConfigError(f"k={k} is more than the {n_terms} terms in the vocabulary; choose a smaller k")


def _counts(X: Any) -> sp.csr_matrix:
    m = sp.csr_matrix(X, dtype=np.float64)
    if m.nnz and m.data.min() < 0:
        raise ConfigError("the document-term matrix has negative entries; topic models need counts")
    return m


class LDA(TransformerMixin, BaseEstimator):
    """Latent Dirichlet allocation.

    ``alpha``/``eta``: document-topic and topic-word priors (``None``: 1/k, as both libraries
    default); with the gensim backend ``alpha="asymmetric"`` or ``"auto"`` learns an asymmetric
    prior; with tomotopy they default to 0.1 and 0.01. ``max_iter``: passes over the corpus
    (sklearn ``max_iter``, gensim ``passes``; default 50) or Gibbs sweeps (tomotopy; default 500).

    Example:
        >>> X = np.array([[3, 0, 1], [0, 4, 1], [2, 0, 0], [0, 3, 0]])
        >>> lda = LDA(2, random_state=0).fit(X)
        >>> lda.components_.shape, bool(np.allclose(lda.doc_topic_.sum(axis=1), 1))
        ((2, 3), True)
    """

    def __init__(self, n_components: int = 10, *, backend: str = "tomotopy", alpha: float | str | None = None,
                 eta: float | None = None, max_iter: int | None = None, random_state: int = 0) -> None:
        self.n_components = n_components
        self.backend = backend
        self.alpha = alpha
        self.eta = eta
        self.max_iter = max_iter
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> LDA:
        counts = _counts(X)
        _check_k(self.n_components, counts.shape[0], counts.shape[1], self.random_state)
        if self.backend not in LDA_BACKENDS:
            raise ConfigError(f"unknown LDA backend {self.backend!r}; choose one of {', '.join(LDA_BACKENDS)}")
        if isinstance(self.alpha, str) and (self.backend != "gensim" or self.alpha not in ("asymmetric", "auto")):
            raise ConfigError(f"alpha={self.alpha!r} needs backend='gensim' and one of asymmetric, auto; "
                              "otherwise give a number")
        if self.backend == "tomotopy":
            self._fit_tomotopy(counts)
        elif self.backend == "sklearn":
            from sklearn.decomposition import LatentDirichletAllocation

            self.model_ = LatentDirichletAllocation(
                n_components=self.n_components, doc_topic_prior=self.alpha, topic_word_prior=self.eta,
                learning_method="batch", max_iter=self.max_iter or 50, random_state=self.random_state,
            ).fit(counts)
            self.components_ = _rows_to_one(self.model_.components_)
            self.doc_topic_ = _rows_to_one(self.model_.transform(counts))
        else:
            from gensim.models import LdaModel

            bow = _bow(counts)
            self.model_ = LdaModel(
                corpus=bow, id2word={j: str(j) for j in range(counts.shape[1])}, num_topics=self.n_components,
                alpha=self.alpha if self.alpha is not None else "symmetric", eta=self.eta,
                passes=self.max_iter or 50, iterations=100, chunksize=max(len(bow), 1), update_every=1,
                random_state=self.random_state, dtype=np.float64,
            )
            self.components_ = _rows_to_one(self.model_.get_topics())
            self.doc_topic_ = self.transform(counts)
        return self

    def _fit_tomotopy(self, counts: sp.csr_matrix) -> None:
        try:
            import tomotopy
        except ImportError:
            raise ConfigError("backend 'tomotopy' needs the tomotopy package; pip install tomotopy") from None
        model = tomotopy.LDAModel(k=self.n_components, alpha=self.alpha if self.alpha is not None else 0.1,
                                  eta=self.eta if self.eta is not None else 0.01, seed=self.random_state)
        for words in _words(counts):
            model.add_doc(words or ["\x00"])  # an empty unit keeps its row
        model.train(self.max_iter or 500, workers=1)
        self.model_ = model
        order = [int(w) if w != "\x00" else -1 for w in model.used_vocabs]
        keep = [i for i, j in enumerate(order) if j >= 0]
        topic_term = np.zeros((self.n_components, counts.shape[1]))
        for t in range(self.n_components):
            topic_term[t, [order[i] for i in keep]] = np.asarray(model.get_topic_word_dist(t))[keep]
        self.components_ = _rows_to_one(topic_term)
        self.doc_topic_ = _rows_to_one(np.array([d.get_topic_dist() for d in model.docs]))

    def transform(self, X: Any) -> np.ndarray:
        """Topic proportions of new units (rows sum to 1)."""
        check_is_fitted(self, "components_")
        counts = _counts(X)
        if self.backend == "tomotopy":
            docs = [self.model_.make_doc(w or ["\x00"]) for w in _words(counts)]
            self.model_.infer(docs, iterations=100, workers=1)
            return _rows_to_one(np.array([d.get_topic_dist() for d in docs]))
        if self.backend == "sklearn":
            return _rows_to_one(self.model_.transform(counts))
        gamma, _ = self.model_.inference(_bow(counts))
        return _rows_to_one(gamma)

    def perplexity(self, X: Any, *, fitted_on: bool = False) -> float:
        """Perplexity of the given units (lower is better): exp of minus the per-word log-likelihood.

        ``fitted_on=True`` (``X`` is the training matrix): the backend's own figure (tomotopy's
        sampler, scikit-learn's and gensim's variational bounds). Otherwise the same plug-in
        estimate for every backend: each unit's proportions are inferred with the topics held
        fixed and its words scored by ``theta @ phi`` (the backends' own bounds add a
        topic-prior term that swamps a small held-out set).
        """
        check_is_fitted(self, "components_")
        counts = _counts(X)
        if fitted_on:
            if self.backend == "tomotopy":
                return float(self.model_.perplexity)
            if self.backend == "sklearn":
                return float(self.model_.perplexity(counts))
            return float(np.exp2(-self.model_.log_perplexity(_bow(counts))))
        if counts.nnz == 0:
            raise ConfigError("no held-out unit has a word the model knows; hold out more documents")
        theta = self.transform(counts)
        coo = counts.tocoo()
        p_word = np.einsum("ij,ij->i", theta[coo.row], np.asarray(self.components_).T[coo.col])
        return float(np.exp(-np.sum(coo.data * np.log(np.maximum(p_word, 1e-300))) / coo.data.sum()))

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        if self.backend == "tomotopy" and "model_" in state:
            state["model_"] = bytes(state["model_"].saves(full=True))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        if state.get("backend") == "tomotopy" and isinstance(state.get("model_"), bytes):
            import tomotopy

            state["model_"] = tomotopy.LDAModel.loads(state["model_"])
        self.__dict__.update(state)


def _words(counts: sp.csr_matrix) -> list[list[str]]:
    """Each unit as a bag of column ids written as words, in column order (for tomotopy)."""
    return [[str(j) for j, c in zip(counts.indices[a:b], counts.data[a:b]) for _ in range(int(c))]
            for a, b in zip(counts.indptr[:-1], counts.indptr[1:])]


def _bow(counts: sp.csr_matrix) -> list[list[tuple[int, float]]]:
    return [list(zip(counts.indices[a:b].tolist(), counts.data[a:b].tolist()))
            for a, b in zip(counts.indptr[:-1], counts.indptr[1:])]


class NMF(TransformerMixin, BaseEstimator):
    """Non-negative matrix factorisation of the sublinear TF-IDF matrix (``init="nndsvda"``).

    Example:
        >>> X = np.array([[3, 0, 1], [0, 4, 1], [2, 0, 0], [0, 3, 0]])
        >>> NMF(2, random_state=0).fit(X).doc_topic_.argmax(axis=1).tolist()
        [1, 0, 1, 0]
    """

    def __init__(self, n_components: int = 10, *, max_iter: int = 400, random_state: int = 0) -> None:
        self.n_components = n_components
        self.max_iter = max_iter
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> NMF:
        from sklearn.decomposition import NMF as SkNMF

        counts = _counts(X)
        _check_k(self.n_components, counts.shape[0], counts.shape[1], self.random_state)
        self.model_ = SkNMF(n_components=self.n_components, init="nndsvda", max_iter=self.max_iter,
                            random_state=self.random_state)
        self.tfidf_ = fit_tfidf(counts)
        w = self.model_.fit_transform(self.tfidf_.transform(counts))
        self.components_ = _rows_to_one(self.model_.components_)
        self.doc_topic_ = _rows_to_one(w)
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "components_")
        return _rows_to_one(self.model_.transform(self.tfidf_.transform(_counts(X))))


class TfidfClusters(TransformerMixin, BaseEstimator):
    """Clusters of units on their TF-IDF vectors, reduced; ``components_`` is class-based TF-IDF.

    ``embedding`` says how the sublinear TF-IDF vectors are reduced before clustering:

    * ``word2vec`` (default): each unit is the TF-IDF-weighted sum of ``n_dims``-dimensional
      word vectors that gensim's skip-gram ``Word2Vec`` learns from the units themselves (each
      unit's words in a seeded random order, so a window is a sample of the words the unit
      holds; one worker thread, so the vectors are reproducible). Words that share contexts
      get near vectors, so two short abstracts on one subject meet even with no word in common;
    * ``lsa``: truncated SVD of the TF-IDF matrix to ``n_dims`` dimensions;
    * ``tfidf``: the full TF-IDF vectors.

    Vectors are L2-normalised. ``method``:

    * ``kmeans``: k-means with ``n_init`` restarts;
    * ``agglomerative``: Ward linkage.

    Each unit belongs to one cluster (``labels_``; ``doc_topic_`` is one-hot).

    Example:
        >>> X = np.array([[3, 0, 1], [0, 4, 1], [2, 0, 0], [0, 3, 0]])
        >>> labels = TfidfClusters(2, embedding="tfidf", random_state=0).fit(X).labels_.tolist()
        >>> labels in ([0, 1, 0, 1], [1, 0, 1, 0])
        True
    """

    def __init__(self, n_clusters: int = 10, *, method: str = "kmeans", embedding: str = "word2vec",
                 n_dims: int = 100, n_init: int = 10, random_state: int = 0) -> None:
        self.n_clusters = n_clusters
        self.method = method
        self.embedding = embedding
        self.n_dims = n_dims
        self.n_init = n_init
        self.random_state = random_state

    def _check(self) -> None:
        if self.method not in CLUSTER_METHODS:
            raise ConfigError(f"unknown cluster method {self.method!r}; choose one of {', '.join(CLUSTER_METHODS)}")
        if self.embedding not in EMBEDDINGS:
            raise ConfigError(f"unknown embedding {self.embedding!r}; choose one of {', '.join(EMBEDDINGS)}")
        if self.embedding != "tfidf" and (not isinstance(self.n_dims, int | np.integer) or self.n_dims < 1):
            raise ConfigError(f"n_dims must be a whole number >= 1 for the {self.embedding} embedding, "
                              f"got {self.n_dims!r}")

    def _embed(self, counts: sp.csr_matrix, *, fit: bool) -> Any:
        from sklearn.preprocessing import normalize

        if fit:
            self.tfidf_ = fit_tfidf(counts)
        tfidf = self.tfidf_.transform(counts)
        if self.embedding == "tfidf":
            return tfidf
        if self.embedding == "word2vec":
            if fit:
                self.word_vectors_ = word_vectors(counts, self.n_dims, self.random_state)
            return normalize(tfidf @ self.word_vectors_)
        if fit:
            from sklearn.decomposition import TruncatedSVD

            dims = min(self.n_dims, counts.shape[1] - 1, counts.shape[0] - 1)
            self.svd_ = TruncatedSVD(n_components=max(dims, 1), random_state=self.random_state)
            return normalize(self.svd_.fit_transform(tfidf))
        return normalize(self.svd_.transform(tfidf))

    def fit(self, X: Any, y: Any = None) -> TfidfClusters:
        counts = _counts(X)
        _check_k(self.n_clusters, counts.shape[0], counts.shape[1], self.random_state)
        self._check()
        vectors = self._embed(counts, fit=True)
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
        return self

    def transform(self, X: Any) -> np.ndarray:
        """One-hot membership of new units in the nearest cluster."""
        check_is_fitted(self, "components_")
        vectors = self._embed(_counts(X), fit=False)
        if self.method == "kmeans":
            labels = self.model_.predict(vectors)
        else:
            dense = vectors.toarray() if sp.issparse(vectors) else vectors
            labels = ((dense[:, None, :] - self.centroids_[None]) ** 2).sum(axis=2).argmin(axis=1)
        return np.eye(self.n_clusters)[labels]


def fit_tfidf(counts: sp.csr_matrix) -> Any:
    """scikit-learn's ``TfidfTransformer`` (sublinear tf, smoothed idf, L2 rows) fit on ``counts``.

    New units are weighted with the idf of the units the model was fit on.

    Example:
        >>> import scipy.sparse as sp
        >>> t = fit_tfidf(sp.csr_matrix([[2.0, 0.0], [1.0, 1.0]]))
        >>> [round(float(x), 3) for x in t.transform(sp.csr_matrix([[1.0, 1.0]])).toarray()[0]]
        [0.58, 0.815]
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    return TfidfTransformer(sublinear_tf=True, norm="l2").fit(counts)


def word_vectors(counts: sp.csr_matrix, dims: int, seed: int, *, window: int = 10, epochs: int = 10) -> np.ndarray:
    """Skip-gram word vectors (gensim ``Word2Vec``) learned from the units of a count matrix.

    Row ``j`` is the vector of column ``j`` (zeros for a column no unit uses). Each unit is
    written out as its words in a random order drawn from ``seed``: a count matrix keeps no
    word order, and a window over a shuffled unit samples the words it holds together.

    Example:
        >>> import scipy.sparse as sp
        >>> word_vectors(sp.csr_matrix([[2, 1, 0], [0, 1, 3]]), 4, seed=1).shape
        (3, 4)
    """
    from gensim.models import Word2Vec

    counts = sp.csr_matrix(counts)
    rng = np.random.default_rng(seed)
    names = np.array([str(j) for j in range(counts.shape[1])], dtype=object)
    units = []
    for a, b in zip(counts.indptr[:-1], counts.indptr[1:]):
        ids = np.repeat(counts.indices[a:b], np.rint(counts.data[a:b]).astype(np.int64))
        rng.shuffle(ids)
        units.append(names[ids].tolist())
    model = Word2Vec(units, vector_size=dims, window=window, sg=1, epochs=epochs, min_count=1, seed=seed,
                     workers=1)
    out = np.zeros((counts.shape[1], dims))
    for j, name in enumerate(names):
        if name in model.wv.key_to_index:
            out[j] = model.wv[name]
    return out


def class_tfidf(counts: sp.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
    """Class-based TF-IDF: a cluster's term frequencies weighted by ``log(1 + A / f_t)``.

    ``A`` is the average number of words a cluster, ``f_t`` the term's frequency over all
    clusters (Grootendorst 2022, BERTopic). Rows are scaled to sum to 1.

    Example:
        >>> import scipy.sparse as sp
        >>> w = class_tfidf(sp.csr_matrix([[2.0, 1.0], [0.0, 3.0]]), np.array([0, 1]), 2)
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
    return _rows_to_one(weights)
