"""A vocabulary and count matrix to gensim's ``Dictionary`` and bag-of-words corpus, and back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from topiclab.vectorize.vocabulary import Vocabulary


def to_gensim(vocab: Vocabulary, counts: sp.csr_matrix) -> tuple[Any, list[list[tuple[int, int]]]]:
    """A gensim ``Dictionary`` and bag-of-words corpus with the same term ids as ``vocab``.

    Example:
        >>> from topiclab.vectorize import build_vocabulary, count_matrix
        >>> v = build_vocabulary([["上海", "创新"]], no_below=1, no_above=1.0)
        >>> d, bow = to_gensim(v, count_matrix([["上海", "创新"]], v))
        >>> d[0], bow
        ('上海', [[(0, 1), (1, 1)]])
    """
    from gensim.corpora import Dictionary

    dictionary = Dictionary()
    dictionary.token2id = {t: i for i, t in enumerate(vocab.terms)}
    dictionary.id2token = dict(enumerate(vocab.terms))
    dictionary.dfs = dict(enumerate(vocab.doc_freq))
    dictionary.num_docs = vocab.n_units
    csr = counts.tocsr()
    bow = [
        [(int(j), int(c)) for j, c in zip(csr.indices[a:b], csr.data[a:b])]
        for a, b in zip(csr.indptr[:-1], csr.indptr[1:])
    ]
    dictionary.num_pos = int(csr.sum())
    dictionary.num_nnz = int(csr.nnz)
    return dictionary, bow


def from_gensim(dictionary: Any, bow: Sequence[Sequence[tuple[int, int]]]) -> tuple[Vocabulary, sp.csr_matrix]:
    """A vocabulary and count matrix from a gensim ``Dictionary`` and bag-of-words corpus.

    Example:
        >>> from topiclab.vectorize import build_vocabulary, count_matrix
        >>> v = build_vocabulary([["上海", "创新"], ["上海"]], no_below=1, no_above=1.0)
        >>> v2, m = from_gensim(*to_gensim(v, count_matrix([["上海", "创新"], ["上海"]], v)))
        >>> v2.terms == v.terms, m.toarray().tolist()
        (True, [[1.0, 1.0], [1.0, 0.0]])
    """
    ids = sorted(dictionary.token2id.values())
    terms = tuple(dictionary[i] for i in ids)
    remap = {old: new for new, old in enumerate(ids)}
    rows, cols, vals = [], [], []
    for r, doc in enumerate(bow):
        for j, c in doc:
            rows.append(r)
            cols.append(remap[j])
            vals.append(c)
    m = sp.csr_matrix((np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(len(bow), len(terms)))
    df = tuple(int(dictionary.dfs.get(i, 0)) for i in ids)
    return Vocabulary(terms, df, len(bow)), m
