"""Generic words found from the corpus: frequent everywhere, bursty nowhere, about no topic.

Fixed stopword lists miss the words a genre uses in every text whatever its subject: 记者,
报道, 表明 and 得到 in news, 结果表明, 研究 and 探讨 in abstracts. A topic model gathers them
into a topic of their own or spreads them over all. What tells them from topic words is how
they occur: a topic word comes in bursts (a text about farming says 农业 many times), a generic
word turns up about once wherever it turns up, as a Poisson process would spread it. This is
Church and Gale's residual IDF (1995, "Poisson mixtures", Natural Language Engineering 1(2)):

    ridf = observed IDF - IDF expected under a Poisson = -log2(df / N) + log2(1 - exp(-cf / N))

over N contexts, with df the contexts a word is in and cf its count. A word is generic when
it is in at least ``min_share`` of the documents (and at least ``min_contexts`` contexts, so the
estimate means something) and its ridf over the contexts is at most ``max_ridf``.

Contexts are stretches of about ``context`` tokens of one document (a document of 1,000 tokens
gives five), so short abstracts, news articles and 20,000-character reports are measured
alike: whole long documents would make every common word look evenly spread, single paragraphs
are too short for bursts to show. Spread is counted over documents: the formula of a report's
opening (请予审议, 列席人员) is in every report, once. When the median document has fewer than ``MIN_MEDIAN_TOKENS``
tokens (reviews, titles) bursts cannot show at all, and no word is called generic.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from topiclab.preprocess.token_lists import TokenLists

MIN_MEDIAN_TOKENS = 20


@dataclass(frozen=True)
class GenericTerm:
    """A word found generic: the share of contexts it is in, and its residual IDF."""

    term: str
    share: float
    ridf: float


def contexts_of(documents: Sequence[Sequence[str]], size: int) -> list[Sequence[str]]:
    """Each document cut into near-equal stretches of about ``size`` tokens (at least one a document).

    Example:
        >>> [len(c) for c in contexts_of([["a"] * 450, ["b"] * 50], 200)]
        [225, 225, 50]
    """
    out: list[Sequence[str]] = []
    for doc in documents:
        parts = max(1, round(len(doc) / size))
        step = math.ceil(len(doc) / parts) or 1
        out.extend(doc[i : i + step] for i in range(0, max(len(doc), 1), step))
    return out


def generic_terms(
    documents: Sequence[Sequence[str]], *, min_share: float = 0.05, max_ridf: float = 0.2, context: int = 200,
    min_contexts: int = 20, keep: frozenset[str] = frozenset(),
) -> tuple[GenericTerm, ...]:
    """The generic words of a corpus of token lists, one a document (see the module docstring).

    Ordered by share of documents, most widespread first; words in ``keep`` are never generic.

    Example:
        >>> import random
        >>> rng = random.Random(0)
        >>> docs = []
        >>> for i in range(200):
        ...     topic = ["农业", "粮食"] if i % 2 else ["芯片", "制造"]
        ...     docs.append(rng.choices(topic, k=30) + ["记者", "表示"])
        >>> [(g.term, g.share) for g in generic_terms(docs)]
        [('表示', 1.0), ('记者', 1.0)]
    """
    lengths = sorted(len(d) for d in documents) if not isinstance(documents, TokenLists) else \
        np.sort(documents.lengths()).tolist()
    if not lengths or lengths[len(lengths) // 2] < MIN_MEDIAN_TOKENS:
        return ()
    if isinstance(documents, TokenLists):
        return _generic_in_arrays(documents, min_share, max_ridf, context, min_contexts, keep)
    in_docs: Counter[str] = Counter()
    for doc in documents:
        in_docs.update(set(doc))
    widespread = {t for t, d in in_docs.items() if d >= min_share * len(documents) and t not in keep}
    contexts = contexts_of(documents, context)
    n = len(contexts)
    df: Counter[str] = Counter()
    cf: Counter[str] = Counter()
    for ctx in contexts:
        words = [w for w in ctx if w in widespread]
        cf.update(words)
        df.update(set(words))
    return _found(df, cf, in_docs, n, len(documents), max_ridf, min_contexts)


def _found(df: dict[str, int], cf: dict[str, int], in_docs: dict[str, int], n: int, n_docs: int, max_ridf: float,
           min_contexts: int) -> tuple[GenericTerm, ...]:
    found = []
    for term, d in df.items():
        if d < min_contexts:
            continue
        ridf = -math.log2(d / n) + math.log2(-math.expm1(-cf[term] / n))
        if ridf <= max_ridf:
            found.append(GenericTerm(term, round(in_docs[term] / n_docs, 6), round(ridf, 6)))
    found.sort(key=lambda g: (-g.share, g.term))
    return tuple(found)


def _generic_in_arrays(documents: TokenLists, min_share: float, max_ridf: float, context: int, min_contexts: int,
                       keep: frozenset[str]) -> tuple[GenericTerm, ...]:
    """:func:`generic_terms` counted from the lists' id arrays, a block of documents at a time: the
    same words, without a Python object a token."""
    n_terms = len(documents.terms)
    every = np.arange(n_terms)
    in_docs = documents.list_frequencies(every, max(1, n_terms))[:n_terms]
    # a term id's column among the widespread words, -1 for the rest
    wide = (in_docs >= min_share * len(documents)) & ~np.isin(np.asarray(documents.terms, dtype=object),
                                                              list(keep))
    column = np.where(wide, every, -1)
    lengths = documents.lengths()
    # contexts_of's cut: near-equal stretches of about ``context`` tokens, at least one a document
    parts = np.maximum(1, np.round(lengths / context))
    step = np.maximum(1, np.ceil(lengths / parts)).astype(np.int64)
    n_contexts = -(-np.maximum(lengths, 1) // step)
    df = np.zeros(n_terms, dtype=np.int64)
    cf = np.zeros(n_terms, dtype=np.int64)
    for first, end in documents.blocks():
        lo, hi = documents.offsets[first], documents.offsets[end]
        ids = documents.ids[lo:hi]
        cols = column[ids]
        size = lengths[first:end]
        start = np.repeat(documents.offsets[first:end] - lo, size)
        # contexts numbered within the block: they never span documents
        base = np.repeat(np.cumsum(n_contexts[first:end]) - n_contexts[first:end], size)
        ctx = base + (np.arange(hi - lo) - start) // np.repeat(step[first:end], size)
        hit = cols >= 0
        cf += np.bincount(cols[hit], minlength=n_terms)
        pairs = np.unique(ctx[hit] * n_terms + cols[hit])
        df += np.bincount(pairs % n_terms, minlength=n_terms)
    terms = documents.terms
    found = np.flatnonzero(df)
    return _found({terms[i]: int(df[i]) for i in found}, {terms[i]: int(cf[i]) for i in found},
                  {terms[i]: int(in_docs[i]) for i in found}, int(n_contexts.sum()), len(documents), max_ridf,
                  min_contexts)
