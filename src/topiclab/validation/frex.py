"""FREX and exclusivity of topics (Bischof & Airoldi 2012; Roberts, Stewart & Tingley 2019, stm).

A word's FREX in a topic is the weighted harmonic mean of its rank in the topic by frequency,
beta[t, v], and by exclusivity, beta[t, v] / sum_j beta[j, v], each rank (ties averaged) divided
by the vocabulary size, i.e. the empirical CDF, exactly as stm's ``calcfrex``. With the corpus's
term counts, exclusivity is first shrunk toward uniform by James-Stein, as stm's ``labelTopics``
does, so that a rare word seen in one topic by chance is not the most exclusive. A topic's
exclusivity is stm's ``exclusivity``: the summed FREX (weight 0.7 on exclusivity) of its ``n``
most probable words. ``tests/test_validation.py`` checks both against topica's stm-faithful core.

Zero weights (NMF, clusters) are allowed: a word no topic uses gets exclusivity 1/k in every topic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from topiclab.evaluate import coherence
from topiclab.preprocess.token_lists import TokenLists


def _exclusive(topic_term: np.ndarray) -> np.ndarray:
    beta = np.asarray(topic_term, dtype=np.float64)
    total = beta.sum(axis=0, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, beta / total, 1.0 / beta.shape[0])


def _james_stein(excl: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """stm's ``js.estimate`` on each column: shrink a word's spread over topics toward uniform."""
    k = excl.shape[0]
    unif = 1.0 / k
    n = np.asarray(counts, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mlvar = (excl * (1 - excl)).sum(axis=0) / (n - 1)
        deviation = ((excl - unif) ** 2).sum(axis=0)
        lam = np.clip(mlvar / deviation, 0.0, 1.0)
    lam = np.where(np.isnan(lam), 1.0, lam)
    shrunk = lam * unif + (1 - lam) * excl
    shrunk = np.where(deviation == 0, excl, shrunk)
    return np.where(n <= 1, unif, shrunk)


def frex_scores(topic_term: np.ndarray, *, w: float = 0.5,
                term_counts: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
    """FREX of every term in every topic (k x V), as stm's ``calcfrex`` (Bischof & Airoldi 2012).

    ``w`` weights frequency, ``1 - w`` exclusivity (stm's ``labelTopics`` default 0.5);
    ``term_counts`` (the corpus count of each term) turns on stm's James-Stein shrinkage.

    Example:
        >>> beta = np.array([[0.4, 0.35, 0.25], [0.5, 0.1, 0.4]])
        >>> frex_scores(beta).round(3).tolist()
        [[0.8, 0.8, 0.333], [0.8, 0.333, 0.8]]
    """
    beta = np.asarray(topic_term, dtype=np.float64)
    excl = _exclusive(beta)
    if term_counts is not None:
        excl = _james_stein(excl, np.asarray(term_counts))
    v = beta.shape[1]
    freq = rankdata(beta, axis=1) / v
    ex = rankdata(excl, axis=1) / v
    return 1.0 / (w / freq + (1 - w) / ex)


def frex_terms(topic_term: np.ndarray, terms: Sequence[str], *, n: int = 10, w: float = 0.5,
               term_counts: Sequence[int] | np.ndarray | None = None) -> list[list[str]]:
    """The ``n`` terms of highest FREX in each topic (ties: the more probable term first, then vocabulary order).

    Example:
        >>> beta = np.array([[0.4, 0.35, 0.25], [0.5, 0.1, 0.4]])
        >>> frex_terms(beta, ["上海", "芯片", "港口"], n=2)
        [['上海', '芯片'], ['上海', '港口']]
    """
    beta = np.asarray(topic_term, dtype=np.float64)
    scores = frex_scores(beta, w=w, term_counts=term_counts)
    return [[terms[j] for j in np.lexsort((-beta[t], -scores[t]))[:n]] for t in range(beta.shape[0])]


def exclusivity(topic_term: np.ndarray, *, n: int = 10, w: float = 0.7) -> np.ndarray:
    """Exclusivity of each topic, stm's ``exclusivity``: the summed FREX (weight ``w`` on exclusivity)
    of its ``n`` most probable terms; between 0 and ``n``, higher for topics whose top words are their own.

    Example:
        >>> beta = np.array([[0.4, 0.35, 0.25], [0.5, 0.1, 0.4]])
        >>> exclusivity(beta, n=2).round(4).tolist()  # 20/27 + 20/23, by hand
        [1.6103, 1.6103]
    """
    beta = np.asarray(topic_term, dtype=np.float64)
    scores = frex_scores(beta, w=1 - w)
    top = np.argsort(-beta, axis=1, kind="stable")[:, :n]
    return np.take_along_axis(scores, top, axis=1).sum(axis=1)


def term_counts(texts: Sequence[Sequence[str]], terms: Sequence[str]) -> np.ndarray:
    """How often each of ``terms`` occurs in ``texts`` (for FREX's shrinkage).

    Example:
        >>> term_counts([["上海", "芯片", "上海"]], ["芯片", "上海", "港口"]).tolist()
        [1, 2, 0]
    """
    if isinstance(texts, TokenLists):
        counter = dict(zip(texts.terms, np.bincount(texts.ids, minlength=len(texts.terms)).tolist()))
    else:
        counter = Counter(token for text in texts for token in text)
    return np.array([counter.get(t, 0) for t in terms], dtype=np.int64)


def topic_quality(topic_term: np.ndarray, terms: Sequence[str],
                  term_counts: Sequence[int] | np.ndarray | None = None, *,
                  texts: Sequence[Sequence[str]] | None = None, top_n: int = 10, n_frex: int = 10) -> pd.DataFrame:
    """One row a topic: ``topic, exclusivity`` (stm's, over the ``top_n`` most probable terms),
    ``npmi`` (as the run's ``metrics.json``: per topic over ``top_n`` terms, when ``texts`` is given)
    and ``frex_terms`` (the ``n_frex`` terms of highest FREX, space-joined).

    Example:
        >>> beta = np.array([[0.4, 0.35, 0.25], [0.5, 0.1, 0.4]])
        >>> topic_quality(beta, ["上海", "芯片", "港口"], top_n=2, n_frex=2)["frex_terms"].tolist()
        ['上海 芯片', '上海 港口']
    """
    beta = np.asarray(topic_term, dtype=np.float64)
    table = pd.DataFrame({"topic": np.arange(beta.shape[0]), "exclusivity": exclusivity(beta, n=top_n)})
    if texts is not None:
        top = np.argsort(-beta, axis=1, kind="stable")[:, :top_n]
        table["npmi"] = coherence([[terms[j] for j in row] for row in top], texts, "npmi")
    table["frex_terms"] = [" ".join(t) for t in frex_terms(beta, terms, n=n_frex, term_counts=term_counts)]
    return table
