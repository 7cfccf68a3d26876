"""TF-IDF weights of a count matrix: smoothed idf, sublinear term frequency, L2-normalised rows.

The weights are scikit-learn's ``TfidfTransformer``: ``idf(t) = ln((1 + n) / (1 + df(t))) + 1``,
with ``1 + ln(tf)`` in place of ``tf`` when sublinear (Manning, Raghavan & Schütze 2008, ch. 6).
Below a count of 1 (a matrix of fractional weights) the sublinear tf is ``tf`` itself, which
meets ``1 + ln(tf)`` at 1 with the same slope; ``1 + ln(tf)`` would turn weights below 1/e
negative, which NMF cannot factorise. Fitted weights place new units with the training idf.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class TfidfWeights:
    """A fitted TF-IDF weighting (see the module docstring); ``transformer`` is scikit-learn's."""

    transformer: Any
    sublinear: bool = True

    def transform(self, counts: Any) -> Any:
        """The weights of ``counts`` with the idf learned in fitting."""
        return self.transformer.transform(_kept_below_one(counts) if self.sublinear else counts)


def _kept_below_one(counts: Any) -> Any:
    """``counts`` with each entry ``0 < c < 1`` replaced by ``exp(c - 1)``, whose ``1 + ln`` is ``c`` again.

    A matrix with no such entry (any matrix of counts) is returned as it is.
    """
    if sp.issparse(counts):
        small = (counts.data > 0) & (counts.data < 1)
        if not small.any():
            return counts
        out = counts.copy()
        out.data[small] = np.exp(out.data[small] - 1.0)
        return out
    dense = np.asarray(counts, dtype=np.float64)
    small = (dense > 0) & (dense < 1)
    if not small.any():
        return counts
    return np.where(small, np.exp(dense - 1.0), dense)


def fit_tfidf(counts: Any, *, sublinear: bool = True, norm: str | None = "l2") -> TfidfWeights:
    """The TF-IDF weighting (sublinear tf, smoothed idf, L2 rows) fitted on ``counts``.

    New units are weighted with the idf of the units it was fitted on.

    Example:
        >>> import scipy.sparse as sp
        >>> t = fit_tfidf(sp.csr_matrix([[2.0, 0.0], [1.0, 1.0]]))
        >>> [round(float(x), 3) for x in t.transform(sp.csr_matrix([[1.0, 1.0]])).toarray()[0]]
        [0.58, 0.815]
        >>> bool(t.transform(sp.csr_matrix([[0.1, 1.0]])).min() >= 0)  # fractional weights stay >= 0
        True
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    kept = _kept_below_one(counts) if sublinear else counts
    return TfidfWeights(TfidfTransformer(sublinear_tf=sublinear, norm=norm).fit(kept), sublinear)


def tfidf_matrix(counts: Any, *, sublinear: bool = True, norm: str | None = "l2") -> sp.csr_matrix:
    """TF-IDF weights of a count matrix, with the idf of that matrix (see :func:`fit_tfidf`).

    Example:
        >>> import scipy.sparse as sp
        >>> m = tfidf_matrix(sp.csr_matrix([[2.0, 0.0], [1.0, 1.0]]))
        >>> [round(float(x), 3) for x in m.toarray()[1]]
        [0.58, 0.815]
    """
    out: sp.csr_matrix = fit_tfidf(counts, sublinear=sublinear, norm=norm).transform(counts)
    return out
