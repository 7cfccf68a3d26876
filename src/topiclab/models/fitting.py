"""Fitting by model name: the estimator for a name and settings, its fit, its result, held-out perplexity.

The functions the pipeline and notebooks call; each model is one estimator class
(:class:`~topiclab.models.lda.LDA`, :class:`~topiclab.models.nmf.NMF`,
:class:`~topiclab.models.clusters.TfidfClusters`) and each fit one
:class:`~topiclab.models.result.TopicModelResult`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse

from topiclab.errors import ConfigError
from topiclab.models.clusters import TfidfClusters
from topiclab.models.dtm import DTM
from topiclab.models.lda import LDA
from topiclab.models.nmf import NMF
from topiclab.models.result import TopicModelResult
from topiclab.models.stm import STM
from topiclab.names import CLUSTER_METHODS, LDA_BACKENDS, MODELS


def build_estimator(model: str, k: int, seed: int, *, backend: str = "tomotopy", **params: Any) -> Any:
    """The estimator for a model name, with its settings checked.

    Example:
        >>> type(build_estimator("kmeans", 5, 1)).__name__
        'TfidfClusters'
    """
    if model == "lda":
        return LDA(k, backend=backend, random_state=seed, **params)
    if model == "stm":
        return STM(k, random_state=seed, **params)
    if model == "dtm":
        return DTM(k, random_state=seed, **params)
    if backend not in LDA_BACKENDS:
        raise ConfigError(f"unknown backend {backend!r}; choose one of {', '.join(LDA_BACKENDS)} (lda only)")
    if model == "nmf":
        return NMF(k, random_state=seed, **params)
    if model in CLUSTER_METHODS:
        return TfidfClusters(k, method=model, random_state=seed, **params)
    raise ConfigError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")


def fit_estimator(counts: Any, model: str, k: int, seed: int, *, backend: str = "tomotopy",
                  fit_params: dict[str, Any] | None = None, **params: Any) -> Any:
    """Build the estimator for ``model`` (settings checked) and fit it on ``counts``.

    ``fit_params``: what the estimator's ``fit`` takes beside the counts (an STM's ``metadata``).
    """
    try:
        est = build_estimator(model, k, seed, backend=backend, **params)
    except TypeError as exc:
        raise ConfigError(f"unknown setting for model {model!r}: {exc}") from None
    return est.fit(counts, **(fit_params or {}))


def result_of(
    est: Any, terms: Sequence[str], *, model: str, k: int, seed: int, backend: str,
    unit_ids: Sequence[str] | None = None, doc_ids: Sequence[str] | None = None, params: dict[str, Any] | None = None,
    names: Sequence[str] = (),
) -> TopicModelResult:
    """The :class:`TopicModelResult` of a fitted estimator.

    The result records the library that fitted the estimator (``est.backend_``: the LDA
    backend, ``sklearn`` for NMF and clusters, whatever the ``backend`` setting passed) and,
    for LDA, the priors the fit used (``est.priors_``).

    Example:
        >>> X = np.array([[3, 0, 1], [0, 4, 1], [2, 0, 0], [0, 3, 0]])
        >>> est = fit_estimator(X, "lda", 2, 0, backend="sklearn")
        >>> r = result_of(est, ["a", "b", "c"], model="lda", k=2, seed=0, backend="sklearn")
        >>> r.backend, r.priors.alpha, r.priors.eta
        ('sklearn', 0.5, 0.5)
    """
    n = est.doc_topic_.shape[0]
    ids = tuple(unit_ids) if unit_ids is not None else tuple(str(i) for i in range(n))
    return TopicModelResult(
        model, str(est.backend_), k, seed, tuple(terms),
        np.asarray(est.components_), np.asarray(est.doc_topic_), ids,
        tuple(doc_ids) if doc_ids is not None else ids, dict(params or {}), getattr(est, "priors_", None),
        tuple(names),
    )


def fit_model(
    counts: Any,
    terms: Sequence[str],
    *,
    model: str = "lda",
    k: int = 10,
    seed: int = 0,
    backend: str = "tomotopy",
    unit_ids: Sequence[str] | None = None,
    doc_ids: Sequence[str] | None = None,
    **params: Any,
) -> TopicModelResult:
    """Fit a model on a count matrix and return its :class:`TopicModelResult`.

    Example:
        >>> import numpy as np
        >>> X = np.array([[4, 3, 0, 0], [3, 4, 0, 1], [0, 0, 4, 3], [1, 0, 3, 4]])
        >>> r = fit_model(X, ["芯片", "产业", "生态", "保护"], model="nmf", k=2, seed=1)
        >>> sorted(sorted(t) for t in r.top_terms(2))
        [['产业', '芯片'], ['保护', '生态']]
    """
    est = fit_estimator(counts, model, k, seed, backend=backend, **params)
    return result_of(est, terms, model=model, k=k, seed=seed, backend=backend, unit_ids=unit_ids, doc_ids=doc_ids,
                     params=params)


def heldout_perplexity(
    counts: Any, k: int, seed: int, *, backend: str = "tomotopy", fraction: float = 0.1,
    groups: Sequence[str] | None = None, **params: Any,
) -> float:
    """Perplexity of held-out units under an LDA fit on the others (lower is better).

    A ``fraction`` of the ``groups`` (e.g. documents, so that a document's paragraphs are held
    out together; default: each unit its own group) is chosen with ``seed``; the model is fit
    on the rest and the held-out units' proportions are inferred with its topics fixed.

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> a, b = [.45, .45, .05, .05], [.05, .05, .45, .45]
        >>> X = np.vstack([rng.multinomial(30, a, 20), rng.multinomial(30, b, 20)])
        >>> p2, p1 = heldout_perplexity(X, 2, 1), heldout_perplexity(X, 2, 1, alpha=5.0, eta=100.0)
        >>> bool(p2 < p1 <= 4.5)  # two topics explain new units better than a near-uniform model
        True
    """
    n = counts.shape[0]
    labels = np.asarray([str(g) for g in groups] if groups is not None else [str(i) for i in range(n)])
    distinct = np.unique(labels)
    n_out = round(fraction * len(distinct))
    if not 0 < fraction < 1 or n_out < 1 or n_out >= len(distinct):
        raise ConfigError(f"held-out fraction {fraction} of {len(distinct)} documents leaves none to test or train; "
                          "use a fraction between 0 and 1 that holds out at least one")
    out = np.random.default_rng(seed).choice(distinct, n_out, replace=False)
    test = np.isin(labels, out)
    matrix = sparse.csr_matrix(counts)
    train = matrix[~test]
    est = fit_estimator(train, "lda", k, seed, backend=backend, **params)
    # words never seen in fitting are out of the model's vocabulary: score only the known ones
    seen = sparse.diags((np.asarray(train.sum(axis=0)).ravel() > 0).astype(float))
    held = sparse.csr_matrix(matrix[test] @ seen)
    held.eliminate_zeros()
    return float(est.perplexity(held))
