"""Counts of integer keys (word-pair keys, digests of lines) held as two sorted arrays.

A worker of :mod:`topiclab.preprocess.team` counts millions of keys; as arrays they take
sixteen bytes a distinct key, not a dictionary entry and a Python object each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Tally:
    """Distinct keys, sorted, and how often each was counted.

    Example:
        >>> t = Tally.of([np.array([5, 3, 5]), np.array([3, 9])])
        >>> t.keys.tolist(), t.counts.tolist(), t.at_least(2).tolist(), t.counts_of(np.array([9, 4])).tolist()
        ([3, 5, 9], [2, 2, 1], [3, 5], [1, 0])
    """

    keys: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, blocks: Iterable[np.ndarray], dtype: type = np.int64) -> Tally:
        """Every key of ``blocks`` counted (each block made distinct before they are merged), as
        ``dtype``: int64 and uint64 keys mixed would silently become inexact floats."""
        parts: list[tuple[np.ndarray, np.ndarray]] = [
            np.unique(block.astype(dtype, copy=False), return_counts=True) for block in blocks]
        if not parts:
            return cls(np.zeros(0, dtype=dtype), np.zeros(0, dtype=np.int64))
        keys, where = np.unique(np.concatenate([k for k, _ in parts]), return_inverse=True)
        counts = np.bincount(where, weights=np.concatenate([c for _, c in parts]), minlength=len(keys))
        return cls(keys, counts.astype(np.int64))

    def at_least(self, n: int) -> np.ndarray:
        """The keys counted ``n`` times or more."""
        return self.keys[self.counts >= n]

    def counts_of(self, wanted: np.ndarray) -> np.ndarray:
        """The counts of the keys ``wanted`` (0 for keys never counted)."""
        if len(self.keys) == 0:
            return np.zeros(len(wanted), dtype=np.int64)
        at = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        return np.where(self.keys[at] == wanted, self.counts[at], 0)
