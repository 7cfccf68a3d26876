"""Token lists to a pruned vocabulary and a sparse units x terms count matrix.

Pruning follows gensim's ``Dictionary.filter_extremes`` and names what it keeps:
``no_below`` (keep terms in at least this many units), ``no_above`` (and in at most this
share of units), ``keep_n`` (then at most this many terms, most frequent first). Terms are
ordered by document frequency, then alphabetically, so the vocabulary does not depend on the
order in which terms were first seen.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from topiclab.errors import ConfigError
from topiclab.preprocess.token_lists import TokenLists


@dataclass(frozen=True)
class Vocabulary:
    """Terms and their document frequencies, in a fixed order.

    Example:
        >>> v = build_vocabulary([["上海", "创新"], ["上海", "产业"]], no_below=1, no_above=1.0)
        >>> v.terms, v.index["创新"]
        (('上海', '产业', '创新'), 2)
    """

    terms: tuple[str, ...]
    doc_freq: tuple[int, ...]
    n_units: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {t: i for i, t in enumerate(self.terms)})

    index: dict[str, int] = None  # type: ignore[assignment]  # filled in __post_init__

    def __len__(self) -> int:
        return len(self.terms)


def build_vocabulary(
    token_lists: Sequence[Sequence[str]], *, no_below: int = 2, no_above: float = 0.5, keep_n: int | None = None,
    exclude: frozenset[str] = frozenset(),
) -> Vocabulary:
    """A pruned vocabulary (see the module docstring); terms in ``exclude`` (generic words) are left out.

    Raises :class:`ConfigError` when pruning leaves no term.

    Example:
        >>> build_vocabulary([["a", "b"], ["a", "c"], ["a", "b"]], no_below=2, no_above=0.9).terms
        ('b',)
    """
    if no_below < 1:
        raise ConfigError(f"no_below must be at least 1, got {no_below}")
    if not 0.0 < no_above <= 1.0:
        raise ConfigError(f"no_above must be in (0, 1], got {no_above}")
    if keep_n is not None and keep_n < 1:
        raise ConfigError(f"keep_n must be at least 1 or None, got {keep_n}")
    n = len(token_lists)
    df = document_frequencies(token_lists)
    limit = no_above * n
    kept = [(t, c) for t, c in df.items() if c >= no_below and c <= limit and t not in exclude]
    kept.sort(key=lambda tc: (-tc[1], tc[0]))
    if keep_n is not None:
        kept = kept[:keep_n]
    if not kept:
        rare = sum(1 for c in df.values() if c < no_below)
        common = sum(1 for c in df.values() if c > limit)
        raise ConfigError(
            f"the vocabulary is empty: of {len(df)} terms over {n} units, {rare} are in fewer than "
            f"no_below={no_below} units and {common} in more than no_above={no_above:g} of them; "
            + ("raise no_above (--set vectorize.no_above=0.9) or give more varied documents" if common >= rare
               else "lower no_below (--set vectorize.no_below=1) or give more documents")
        )
    return Vocabulary(tuple(t for t, _ in kept), tuple(c for _, c in kept), n)


def document_frequencies(token_lists: Sequence[Sequence[str]]) -> dict[str, int]:
    """How many of the lists each term occurs in (terms that occur at all).

    Example:
        >>> sorted(document_frequencies([["上海", "上海", "创新"], ["创新"]]).items())
        [('上海', 1), ('创新', 2)]
    """
    if isinstance(token_lists, TokenLists):
        every = np.arange(len(token_lists.terms))
        freq = token_lists.list_frequencies(every, max(1, every.size))
        return {t: int(c) for t, c in zip(token_lists.terms, freq.tolist()) if c}
    df: Counter[str] = Counter()
    for toks in token_lists:
        df.update(set(toks))
    return dict(df)


def count_matrix(token_lists: Iterable[Sequence[str]], vocab: Vocabulary) -> sp.csr_matrix:
    """Units x terms matrix of counts (float64, CSR); tokens outside the vocabulary are ignored.

    Example:
        >>> v = build_vocabulary([["上海", "上海", "创新"], ["创新"]], no_below=1, no_above=1.0)
        >>> count_matrix([["上海", "上海", "创新"], ["创新"]], v).toarray().tolist()
        [[1.0, 2.0], [1.0, 0.0]]
    """
    if isinstance(token_lists, TokenLists):
        return _count_matrix(token_lists, vocab)
    index = vocab.index
    indptr = [0]
    indices: list[int] = []
    data: list[int] = []
    for toks in token_lists:
        counts = Counter(index[t] for t in toks if t in index)
        for j in sorted(counts):
            indices.append(j)
            data.append(counts[j])
        indptr.append(len(indices))
    return sp.csr_matrix(
        (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
        shape=(len(indptr) - 1, len(vocab)),
    )


def _count_matrix(tokens: TokenLists, vocab: Vocabulary) -> sp.csr_matrix:
    """:func:`count_matrix` from the lists' arrays: the same matrix, without a Python step a token."""
    columns = np.fromiter(map(vocab.index.get, tokens.terms, itertools.repeat(-1)), dtype=np.int64,
                          count=len(tokens.terms))
    # the cells are written into arrays as long as the tokens counted (no fewer cells than that),
    # block by block, and cut to length: no list of blocks and their concatenation side by side
    counted = 0
    for first, end in tokens.blocks():
        counted += int(np.count_nonzero(columns[tokens.ids[tokens.offsets[first]:tokens.offsets[end]]] >= 0))
    data, indices = np.empty(counted, dtype=np.float64), np.empty(counted, dtype=np.int32)
    per_row = np.zeros(len(tokens), dtype=np.int64)
    filled = 0
    for rows, cols, counts in tokens.cells(columns, max(1, len(vocab))):
        data[filled:filled + counts.size] = counts
        indices[filled:filled + counts.size] = cols
        per_row += np.bincount(rows, minlength=len(tokens))
        filled += counts.size
    data.resize(filled, refcheck=False)
    indices.resize(filled, refcheck=False)
    indptr = np.zeros(len(tokens) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(per_row)
    return sp.csr_matrix((data, indices, indptr), shape=(len(tokens), len(vocab)))
