"""Vectorize stage: token lists to a vocabulary and a sparse doc-term matrix, and the matrix to features.

* :mod:`~topiclab.vectorize.vocabulary`: the pruned :class:`Vocabulary` and the count matrix;
* :mod:`~topiclab.vectorize.generic`: generic words found from the corpus (residual IDF);
* :mod:`~topiclab.vectorize.weighting`: TF-IDF weights;
* :mod:`~topiclab.vectorize.embeddings`: document vectors (TF-IDF reduced by LSA or by word
  vectors learned from the corpus), for the clusters;
* :mod:`~topiclab.vectorize.gensim_format`: to gensim's ``Dictionary`` and bag of words, and back.
"""

from __future__ import annotations

from topiclab.vectorize.embeddings import DocumentVectors, fit_document_vectors, word_vectors
from topiclab.vectorize.generic import GenericTerm, generic_terms
from topiclab.vectorize.gensim_format import from_gensim, to_gensim
from topiclab.vectorize.vocabulary import Vocabulary, build_vocabulary, count_matrix
from topiclab.vectorize.weighting import TfidfWeights, fit_tfidf, tfidf_matrix

__all__ = [
    "DocumentVectors", "GenericTerm", "TfidfWeights", "Vocabulary", "build_vocabulary", "count_matrix",
    "fit_document_vectors", "fit_tfidf", "from_gensim", "generic_terms", "tfidf_matrix", "to_gensim", "word_vectors",
]
