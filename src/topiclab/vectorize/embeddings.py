"""Document vectors from a count matrix: TF-IDF, reduced by LSA or by word vectors learned from the corpus.

Four kinds (``topiclab.names.EMBEDDINGS``), each from the sublinear TF-IDF matrix
(:mod:`topiclab.vectorize.weighting`):

* ``word2vec``: each unit is the TF-IDF-weighted sum of word vectors that gensim's skip-gram
  ``Word2Vec`` (Mikolov et al. 2013) learns from the units themselves (:func:`word_vectors`),
  L2-normalised. Words that share contexts get near vectors, so two short abstracts on one
  subject meet even with no word in common;
* ``lsa``: truncated SVD of the TF-IDF matrix (latent semantic analysis, Deerwester et al.
  1990), L2-normalised;
* ``tfidf``: the TF-IDF rows themselves (already L2-normalised);
* ``lsa+word2vec``: the ``lsa`` and ``word2vec`` vectors side by side, each weighing half (unit
  length): LSA keeps what the words themselves say, the word vectors what they share with
  others; on CSL abstracts word vectors clustered disciplines best, on news section pages LSA,
  and together they were never far from the best.

:func:`fit_document_vectors` learns the map on training units and returns their vectors;
:meth:`DocumentVectors.transform` places new units with the idf, word vectors or SVD learned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from topiclab.errors import ConfigError
from topiclab.names import EMBEDDINGS
from topiclab.vectorize.weighting import fit_tfidf


@dataclass(frozen=True)
class DocumentVectors:
    """A fitted map from count rows to document vectors (see the module docstring).

    ``tfidf``: the fitted :class:`~topiclab.vectorize.weighting.TfidfWeights`; ``word_vectors``:
    terms x dims (``word2vec``); ``svd``: the fitted ``TruncatedSVD`` (``lsa``).
    """

    kind: str
    tfidf: Any
    word_vectors: np.ndarray | None = None
    svd: Any = None

    def transform(self, counts: Any) -> Any:
        """The vectors of new units (a sparse matrix for ``tfidf``, else an array)."""
        from sklearn.preprocessing import normalize

        tfidf = self.tfidf.transform(counts)
        if self.kind == "tfidf":
            return tfidf
        if self.kind == "word2vec":
            return normalize(tfidf @ self.word_vectors)
        if self.kind == "lsa+word2vec":
            return _joined(normalize(self.svd.transform(tfidf)), normalize(tfidf @ self.word_vectors))
        return normalize(self.svd.transform(tfidf))


def fit_document_vectors(counts: sp.csr_matrix, kind: str, n_dims: int, seed: int) -> tuple[DocumentVectors, Any]:
    """Learn the ``kind`` of document vectors (``n_dims`` dimensions) on ``counts``; the map and their vectors.

    For ``lsa`` the dimensions are capped below the number of terms and of units.

    Example:
        >>> import scipy.sparse as sp
        >>> counts = sp.csr_matrix([[3.0, 0.0, 1.0], [0.0, 4.0, 1.0], [2.0, 0.0, 0.0]])
        >>> vectors, x = fit_document_vectors(counts, "lsa", 5, seed=0)
        >>> x.shape, bool(np.allclose(vectors.transform(counts[:1]), x[:1]))
        ((3, 2), True)
    """
    from sklearn.preprocessing import normalize

    if kind not in EMBEDDINGS:
        raise ConfigError(f"unknown embedding {kind!r}; choose one of {', '.join(EMBEDDINGS)}")
    tfidf_weights = fit_tfidf(counts)
    tfidf = tfidf_weights.transform(counts)
    if kind == "tfidf":
        return DocumentVectors(kind, tfidf_weights), tfidf
    if kind == "word2vec":
        vectors = word_vectors(counts, n_dims, seed)
        return DocumentVectors(kind, tfidf_weights, word_vectors=vectors), normalize(tfidf @ vectors)
    from sklearn.decomposition import TruncatedSVD

    dims = min(n_dims, counts.shape[1] - 1, counts.shape[0] - 1)
    svd = TruncatedSVD(n_components=max(dims, 1), random_state=seed)
    lsa = normalize(svd.fit_transform(tfidf))
    if kind == "lsa+word2vec":
        vectors = word_vectors(counts, n_dims, seed)
        return (DocumentVectors(kind, tfidf_weights, word_vectors=vectors, svd=svd),
                _joined(lsa, normalize(tfidf @ vectors)))
    return DocumentVectors(kind, tfidf_weights, svd=svd), lsa


def _joined(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Two sets of unit vectors side by side, each weighing half: the result has unit length."""
    return np.hstack([a, b]) / np.sqrt(2.0)


def word_vectors(counts: sp.csr_matrix, dims: int, seed: int, *, window: int = 10, epochs: int = 10) -> np.ndarray:
    """Skip-gram word vectors (gensim ``Word2Vec``) learned from the units of a count matrix.

    Row ``j`` is the vector of column ``j`` (zeros for a column no unit uses). Each unit is
    written out as its words in a random order drawn from ``seed``: a count matrix keeps no
    word order, and a window over a shuffled unit samples the words it holds together. One
    worker thread, so the vectors are reproducible.

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
