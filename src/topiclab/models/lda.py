"""Latent Dirichlet allocation (Blei, Ng & Jordan 2003) with scikit-learn's estimator contract.

One estimator, three backends behind one small adapter each (:mod:`~topiclab.models.lda_backend`):
``tomotopy`` (collapsed Gibbs sampling, the default: on short Chinese abstracts it recovers
known categories far better than variational Bayes, ``experiments/csl_recovery``), ``sklearn``
and ``gensim`` (variational Bayes). Whatever the backend, ``components_`` are topic-word
distributions, ``doc_topic_`` the training units' topic proportions and ``priors_`` the
Dirichlet priors the fit used.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from topiclab.checks import check_int, check_number
from topiclab.errors import ConfigError
from topiclab.models.common import CountModel, check_k, check_max_iter, one_thread, rows_to_one, validate_counts
from topiclab.models.lda_backend import LDABackend
from topiclab.models.lda_gensim import GensimLDA
from topiclab.models.lda_sklearn import SklearnLDA
from topiclab.models.lda_tomotopy import TomotopyLDA
from topiclab.names import GENSIM_ALPHAS, LDA_BACKENDS, MAX_SHARDS

ADAPTERS: dict[str, Any] = {"tomotopy": TomotopyLDA, "sklearn": SklearnLDA, "gensim": GensimLDA}


class LDA(CountModel):
    """Latent Dirichlet allocation on a units x terms count matrix.

    ``alpha``/``eta``: document-topic and topic-word priors (``None``: the backend's default,
    1/k for sklearn and gensim, 0.1 and 0.01 for tomotopy, which then re-estimates alpha while
    sampling); with the gensim backend ``alpha="asymmetric"`` fixes an asymmetric prior and
    ``"auto"`` learns one. ``max_iter``: passes over the corpus (sklearn, gensim; default 50)
    or Gibbs sweeps (tomotopy; default 500). tomotopy takes whole counts (fractions are cut).
    ``seed_topics``: ``{topic: [column, ...]}``, seed words (by column) drawn into their topic by a
    word prior (tomotopy only; :mod:`topiclab.models.seeding`). ``shards``: tomotopy samples in
    this many fixed shards, one thread each: the same result for a seed and a shard count on any
    machine; without ``max_iter`` it stops when the chain has converged (at most 500 sweeps): when
    its per-word log-likelihood gained less than ``tol`` (relative; ``None``: 0.001) over its last 50
    sweeps, tomotopy only (``bench/lda_sweeps.py`` measures the trade).
    ``verbose``: a progress bar on stderr.

    Fitted attributes: ``components_`` (k x terms, rows sum to 1), ``doc_topic_`` (units x k,
    rows sum to 1), ``priors_`` (a :class:`~topiclab.models.result.Priors`), ``n_iter_``,
    ``n_features_in_``, ``backend_`` (the library used) and ``model_`` (the backend adapter).

    Example:
        >>> X = np.array([[3, 0, 1], [0, 4, 1], [2, 0, 0], [0, 3, 0]])
        >>> lda = LDA(2, backend="sklearn", random_state=0).fit(X)
        >>> lda.components_.shape, bool(np.allclose(lda.doc_topic_.sum(axis=1), 1)), lda.priors_.alpha
        ((2, 3), True, 0.5)
    """

    tol: float | None = None  # what an estimator pickled before this setting existed stopped with

    def __init__(self, n_components: int = 10, *, backend: str = "tomotopy", alpha: float | str | None = None,
                 eta: float | None = None, max_iter: int | None = None, random_state: int = 0,
                 seed_topics: dict[int, list[int]] | None = None, shards: int = 1, tol: float | None = None,
                 verbose: bool = False) -> None:
        self.n_components = n_components
        self.seed_topics = seed_topics
        self.shards = shards
        self.tol = tol
        self.verbose = verbose
        self.backend = backend
        self.alpha = alpha
        self.eta = eta
        self.max_iter = max_iter
        self.random_state = random_state

    def _check_settings(self) -> None:
        if self.backend not in LDA_BACKENDS:
            raise ConfigError(f"unknown LDA backend {self.backend!r}; choose one of {', '.join(LDA_BACKENDS)}")
        if isinstance(self.alpha, str):
            if self.backend != "gensim" or self.alpha not in GENSIM_ALPHAS:
                raise ConfigError(f"alpha={self.alpha!r} needs backend='gensim' and one of "
                                  f"{', '.join(GENSIM_ALPHAS)}; otherwise give a number")
        elif self.alpha is not None:
            check_number(self.alpha, "alpha", low=0, open_low=True)
        if self.eta is not None:
            check_number(self.eta, "eta", low=0, open_low=True)
        check_max_iter(self.max_iter)
        check_int(self.shards, "shards", minimum=1, maximum=MAX_SHARDS)
        if self.tol is not None:
            check_number(self.tol, "tol", low=0, open_low=True)
            if self.backend != "tomotopy":
                raise ConfigError(f"tol applies to LDA backend 'tomotopy' (the sampler's stopping rule), not "
                                  f"{self.backend!r}; leave it out")
        if self.shards > 1 and self.backend != "tomotopy":
            raise ConfigError(f"{self.shards} shards need LDA backend 'tomotopy' (a sharded sampler); "
                              "leave --backend out")
        for topic, columns in (self.seed_topics or {}).items():
            if not 0 <= int(topic) < int(self.n_components):
                raise ConfigError(f"seeded topic {topic} is not one of the {self.n_components} topics; give at most "
                                  "k seeded topics")
            if not columns:
                raise ConfigError(f"seeded topic {topic} has no seed word; give each seeded topic at least one")

    @one_thread
    def fit(self, X: Any, y: Any = None) -> LDA:
        """Fit on a units x terms count matrix (dense or sparse); ``y`` is ignored."""
        counts = validate_counts(self, X, reset=True)
        check_k(self.n_components, counts.shape[0], counts.shape[1], self.random_state)
        self._check_settings()
        adapter: LDABackend = ADAPTERS[self.backend]()
        fitted = adapter.fit(counts, k=int(self.n_components), alpha=self.alpha, eta=self.eta,
                             max_iter=self.max_iter, seed=int(self.random_state),
                             seed_topics={int(t): [int(j) for j in c] for t, c in (self.seed_topics or {}).items()},
                             shards=int(self.shards), tol=self.tol, progress=bool(self.verbose))
        self.model_ = adapter
        self.components_ = rows_to_one(fitted.topic_term)
        self.doc_topic_ = rows_to_one(fitted.doc_topic)
        self.priors_ = fitted.priors
        self.n_iter_ = fitted.n_iter
        self.backend_ = adapter.name
        return self

    @one_thread
    def transform(self, X: Any) -> np.ndarray:
        """Topic proportions of new units (rows sum to 1), inferred with the topics fixed."""
        check_is_fitted(self)
        return rows_to_one(self.model_.infer(validate_counts(self, X, reset=False)))

    def perplexity(self, X: Any, *, fitted_on: bool = False) -> float:
        """Perplexity of the given units (lower is better): exp of minus the per-word log-likelihood.

        ``fitted_on=True`` (``X`` is the training matrix): the backend's own figure (tomotopy's
        sampler, scikit-learn's and gensim's variational bounds). Otherwise the same plug-in
        estimate for every backend: each unit's proportions are inferred with the topics held
        fixed and its words scored by ``theta @ phi`` (the backends' own bounds add a
        topic-prior term that swamps a small held-out set).
        """
        check_is_fitted(self)
        counts = validate_counts(self, X, reset=False)
        if fitted_on:
            return self.model_.perplexity(counts)
        if counts.nnz == 0:
            raise ConfigError("no held-out unit has a word the model knows; hold out more documents")
        theta = rows_to_one(self.model_.infer(counts))
        coo = counts.tocoo()
        p_word = np.einsum("ij,ij->i", theta[coo.row], np.asarray(self.components_).T[coo.col])
        return float(np.exp(-np.sum(coo.data * np.log(np.maximum(p_word, 1e-300))) / coo.data.sum()))

    def __setstate__(self, state: dict[str, Any]) -> None:
        model = state.get("model_")
        if model is not None and not isinstance(model, tuple(ADAPTERS.values())):
            # pickled by topiclab before the backend adapters (model_ was the backend's own model)
            backend = state.get("backend", "tomotopy")
            if backend == "tomotopy":
                adapter = TomotopyLDA()
                adapter.__setstate__({"model": model})  # old pickles held tomotopy's saved bytes
                state["model_"] = adapter
            else:
                state["model_"] = ADAPTERS[backend](model)
            state.setdefault("backend_", backend)
        super().__setstate__(state)
