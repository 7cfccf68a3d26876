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

from topiclab.checks import check_int, check_seed


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


SWEEP_METRICS = ("npmi", "c_v", "umass", "diversity", "exclusivity")


def frontier(x: Sequence[float], y: Sequence[float]) -> np.ndarray:
    """Which points are not dominated when both ``x`` and ``y`` are better higher: no other point is at
    least as high on both and higher on one (the coherence-exclusivity frontier of stm's ``searchK``
    plots; Roberts, Stewart & Tingley 2019). A point with a missing value is never on it.

    Example:
        >>> frontier([0.1, 0.2, 0.05, 0.2], [9.0, 8.0, 8.5, 7.0]).tolist()
        [True, True, False, False]
    """
    a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    ok = ~(np.isnan(a) | np.isnan(b))
    at_least = (a[None, :] >= a[:, None]) & (b[None, :] >= b[:, None]) & ok[None, :]
    better = (a[None, :] > a[:, None]) | (b[None, :] > b[:, None])
    return ok & ~(at_least & better).any(axis=1)


def parse_k_range(text: str) -> list[int]:
    """``"5:30:5"`` (start:stop:step, stop included), ``"5,8,12"`` or ``"10"`` → list of k.

    Example:
        >>> parse_k_range("5:20:5"), parse_k_range("4,9")
        ([5, 10, 15, 20], [4, 9])
    """
    from topiclab.errors import ConfigError

    try:
        if ":" in text:
            parts = [int(x) for x in text.split(":")]
            start, stop, step = [*parts, 1][:3] if len(parts) == 2 else parts
            if step < 1 or stop < start:
                raise ValueError
            return list(range(start, stop + 1, step))
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ConfigError(f"--k {text!r}: expected start:stop:step (e.g. 5:30:5) or a list (5,10,20)") from None


def parse_seeds(text: str) -> list[int]:
    """``"1,2,3"`` → ``[1, 2, 3]``; each a valid seed (0 <= seed < 2**32).

    Example:
        >>> parse_seeds("1, 2,3")
        [1, 2, 3]
    """
    from topiclab.errors import ConfigError

    try:
        return [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise ConfigError(f"--seeds {text!r}: expected whole numbers, e.g. 1,2,3") from None


def check_sweep(ks: Sequence[int], seeds: Sequence[int], *, workers: int = 1) -> None:
    """Refuse, with one line, a sweep grid that cannot run: no k or seed, repeats, k < 2, bad seeds.

    Example:
        >>> check_sweep([5, 10], [1, 1])
        Traceback (most recent call last):
        topiclab.errors.ConfigError: the sweep lists seed 1 more than once; list each once
    """
    from topiclab.errors import ConfigError

    if len(seeds) < 1 or len(ks) < 1:
        raise ConfigError("a sweep needs at least one k and one seed")
    for what, values in (("k", ks), ("seed", seeds)):
        repeated = sorted({v for v in values if list(values).count(v) > 1})
        if repeated:
            raise ConfigError(f"the sweep lists {what} {', '.join(map(str, repeated))} more than once; list each once")
    for k in ks:
        check_int(k, "k", minimum=2)
    for s in seeds:
        check_seed(s)
    check_int(workers, "workers", minimum=1, maximum=256)
