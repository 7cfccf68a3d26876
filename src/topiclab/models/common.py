"""What every topiclab estimator shares: input checked the scikit-learn way, settings checked, rows scaled.

Input goes through scikit-learn's :func:`~sklearn.utils.validation.validate_data` (it records
``n_features_in_`` in ``fit`` and checks it in ``transform``); its complaints, and a negative
entry, are raised as one-line :class:`~topiclab.errors.ConfigError` (a ``ValueError``, as
scikit-learn's own errors are).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import Tags
from sklearn.utils.validation import validate_data
from threadpoolctl import threadpool_limits

from topiclab.checks import check_int, check_seed
from topiclab.errors import ConfigError

F = TypeVar("F", bound=Callable[..., Any])


def one_thread(method: F) -> F:
    """Run an estimator's method with one BLAS and OpenMP thread.

    Numerical libraries split their sums by the number of threads, so k-means, NMF and SVD end
    in other local optima on a machine with more cores (measured: k-means on 1,000 headlines
    gave NMI 0.088 with one thread and 0.129 with two, seed 1). One thread gives every machine
    the same result; the worker processes, not threads, are what topiclab spreads work over.

    Example:
        >>> from threadpoolctl import threadpool_info
        >>> class Probe:
        ...     @one_thread
        ...     def threads(self):
        ...         return {p["num_threads"] for p in threadpool_info()}
        >>> Probe().threads() <= {1}
        True
    """
    @functools.wraps(method)
    def limited(*args: Any, **kwargs: Any) -> Any:
        with threadpool_limits(1):
            return method(*args, **kwargs)

    return limited  # type: ignore[return-value]


def rows_to_one(m: Any) -> np.ndarray:
    """``m`` as float64 with each row scaled to sum to 1 (an all-zero row becomes uniform).

    Example:
        >>> rows_to_one(np.array([[1, 3], [0, 0]])).tolist()
        [[0.25, 0.75], [0.5, 0.5]]
    """
    m = np.asarray(m, dtype=np.float64)
    s = m.sum(axis=1, keepdims=True)
    return np.divide(m, s, out=np.full_like(m, 1.0 / m.shape[1]), where=s > 0)


def validate_counts(est: Any, X: Any, *, reset: bool) -> sp.csr_matrix:
    """``X`` as a float64 CSR matrix of non-negative weights, checked for ``est``.

    ``reset=True`` (in ``fit``) records ``n_features_in_`` and asks for at least two units and
    two terms (k >= 2 topics need them); ``reset=False`` (in ``transform``) checks that ``X``
    has ``n_features_in_`` columns.

    Example:
        >>> from topiclab.models import NMF
        >>> validate_counts(NMF(), [[1, 0], [2, 3]], reset=True).toarray().tolist()
        [[1.0, 0.0], [2.0, 3.0]]
        >>> try:
        ...     validate_counts(NMF(), [[1, -2], [0, 1]], reset=True)
        ... except ConfigError as err:
        ...     print(str(err).split(":")[0])
        Negative values in data passed to NMF
    """
    name = type(est).__name__
    try:
        least = 2 if reset else 1
        checked = validate_data(est, X, reset=reset, accept_sparse="csr", dtype=np.float64,
                                ensure_min_samples=least, ensure_min_features=least)
    except ValueError as exc:
        raise ConfigError(_one_line(str(exc), name)) from exc
    m = sp.csr_matrix(checked, dtype=np.float64)
    if m.nnz and m.data.min() < 0:
        raise ConfigError(f"Negative values in data passed to {name}: a document-term matrix holds counts or "
                          "weights >= 0; do not centre or standardise it")
    return m


def _one_line(message: str, name: str) -> str:
    """scikit-learn's message on one line: its first line, and its advice to reshape (the data it quotes left out)."""
    lines = [line.strip() for line in message.splitlines() if line.strip() and not line.startswith("array=")]
    if not lines:
        return f"{name}: the input is not a matrix of numbers"
    reshape = [line for line in lines[1:] if line.startswith("Reshape your data")]
    return "; ".join([lines[0].rstrip(":"), *reshape])


def check_k(k: Any, n_units: int, n_terms: int, seed: Any = 0) -> None:
    """The rules on the number of topics (and the seed) that every model shares.

    Example:
        >>> check_k(5, 4, 10)
        Traceback (most recent call last):
        topiclab.errors.ConfigError: k=5 is more than the 4 units to model; choose k <= 4
    """
    check_seed(seed, "random_state")
    if not isinstance(k, int | np.integer) or isinstance(k, bool) or k < 2:
        raise ConfigError(f"k must be a whole number >= 2, got {k!r}")
    if k > n_units:
        raise ConfigError(f"k={k} is more than the {n_units} units to model; choose k <= {n_units}")
    if k > n_terms:
        raise ConfigError(f"k={k} is more than the {n_terms} terms in the vocabulary; choose a smaller k")


def check_max_iter(value: Any) -> None:
    """``max_iter`` is ``None`` (the backend's default) or a whole number >= 1."""
    if value is not None:
        check_int(value, "max_iter", minimum=1)


def count_tags(tags: Tags) -> Tags:
    """The tags of an estimator on a units x terms matrix: sparse accepted, no negative entry.

    Example:
        >>> from topiclab.models import LDA
        >>> tags = LDA().__sklearn_tags__()
        >>> tags.input_tags.sparse, tags.input_tags.positive_only, tags.requires_fit
        (True, True, True)
    """
    tags.input_tags.sparse = True
    tags.input_tags.positive_only = True
    tags.requires_fit = True
    return tags


class CountModel(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """What every topiclab estimator shares: scikit-learn's transformer contract on count input
    (non-negative, sparse allowed) and one output feature a topic (``topic0`` … as feature names).

    Example:
        >>> from topiclab.models import NMF
        >>> isinstance(NMF(2), CountModel)
        True
    """

    components_: Any

    def __sklearn_tags__(self) -> Tags:
        return count_tags(super().__sklearn_tags__())

    @property
    def _n_features_out(self) -> int:
        return int(self.components_.shape[0])
