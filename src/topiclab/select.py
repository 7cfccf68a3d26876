"""Model selection: stability of topics across seeds.

Two fits of the same model with different seeds find topics in different orders. Topics are
matched one to one with the Hungarian algorithm (Kuhn 1955) on the cosine similarity of their
term weights, as in Greene, O'Callaghan & Cunningham (2014), "How many topics? Stability
analysis for topic models"; stability is the mean similarity of matched topics, averaged over
all pairs of seeds (1: the same topics every time).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment


def matched_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Mean cosine similarity of topics of ``a`` and ``b`` (k x V each) under the best one-to-one match.

    Example:
        >>> a = np.array([[1.0, 0.0], [0.0, 1.0]])
        >>> matched_similarity(a, a[::-1])
        1.0
    """
    na = a / np.linalg.norm(a, axis=1, keepdims=True)
    nb = b / np.linalg.norm(b, axis=1, keepdims=True)
    sim = na @ nb.T
    rows, cols = linear_sum_assignment(-sim)
    return float(sim[rows, cols].mean())


def topic_stability(topic_terms: Sequence[np.ndarray]) -> float:
    """Mean matched similarity over all pairs of fits (the same model, different seeds).

    Example:
        >>> a = np.array([[1.0, 0.0], [0.0, 1.0]])
        >>> topic_stability([a, a[::-1], a])
        1.0
    """
    pairs = list(itertools.combinations(range(len(topic_terms)), 2))
    if not pairs:
        raise ValueError("stability needs at least two fits")
    return float(np.mean([matched_similarity(topic_terms[i], topic_terms[j]) for i, j in pairs]))
