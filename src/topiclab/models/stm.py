"""The structural topic model (Roberts, Stewart & Airoldi 2016): covariates inside the fit.

Each unit's topic proportions are logistic normal, with a mean that is a regression on the
unit's covariates (its document's metadata) through a formula such as ``~ region + s(year)``
(:mod:`topiclab.models.formula`). The fit is ``topica``'s STM (a compiled port of R's ``stm``:
spectral initialisation, variational EM with the Laplace approximation), with one thread, so
that the seed and the data fix the result. ``topica`` was chosen over tomotopy's DMR because
it keeps each unit's posterior, which the effects need (``experiments/research_backends``).

Besides the scikit-learn attributes, the fit keeps what the method of composition needs:
``eta_mean_`` (each unit's posterior mean of the logistic-normal coordinates, the last topic
the reference) and ``eta_sigma_`` (their shared covariance: R's ``thetaPosterior`` "Global"
draws, what ``estimateEffect`` uses), and ``design_`` (the covariate design it was fitted with).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from topiclab.checks import check_int
from topiclab.errors import ConfigError
from topiclab.models.common import CountModel, check_k, check_max_iter, one_thread, rows_to_one, validate_counts
from topiclab.models.formula import Design, design_matrix
from topiclab.models.lda_tomotopy import EMPTY, unit_words
from topiclab.models.topica_state import TopicaPickle

EM_ITERS = 500
# fits from this many starts (the spectral one first), keeping the best variational bound: one start
# fell into a poor optimum in 13 of 30 simulated corpora (experiments/research_backends/stm_sim.py)
RESTARTS = 3


class STM(TopicaPickle, CountModel):
    """A structural topic model whose topic prevalence depends on covariates through ``prevalence``.

    ``prevalence``: a formula over metadata columns (``"~ region + s(year)"``; required: without
    covariates an STM is a correlated topic model, and LDA serves). ``fit(X, metadata=frame)`` takes
    one metadata row a unit.
    ``max_iter``: EM iterations at most (default 500; the fit stops earlier when it converges).

    Fitted attributes: ``components_``, ``doc_topic_`` (rows sum to 1), ``eta_mean_``,
    ``eta_sigma_``, ``design_`` (a :class:`~topiclab.models.formula.Design`),
    ``n_iter_``, ``converged_``, ``backend_`` (``"topica"``) and ``model_``.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> a, b = [.3, .3, .3, .02, .02, .02, .04], [.02, .02, .02, .3, .3, .3, .04]
        >>> X = np.vstack([rng.multinomial(40, a, 30), rng.multinomial(40, b, 30)])
        >>> meta = pd.DataFrame({"region": ["上海"] * 30 + ["浙江"] * 30})
        >>> stm = STM(2, prevalence="~ region", random_state=1).fit(X, metadata=meta)
        >>> top = stm.doc_topic_.argmax(axis=1)
        >>> stm.design_.columns, len(set(top[:30])), len(set(top[30:])), bool(top[0] != top[30])
        (('region=浙江',), 1, 1, True)
    """

    TOPICA_CLASS = "STM"

    def __init__(self, n_components: int = 10, *, prevalence: str = "", max_iter: int | None = None,
                 restarts: int = RESTARTS, random_state: int = 0) -> None:
        self.n_components = n_components
        self.prevalence = prevalence
        self.restarts = restarts
        self.max_iter = max_iter
        self.random_state = random_state

    @one_thread
    def fit(self, X: Any, y: Any = None, *, metadata: pd.DataFrame | None = None,
            reference: dict[str, str] | None = None) -> STM:
        """Fit on a units x terms count matrix with one ``metadata`` row a unit; ``y`` is ignored."""
        import topica

        counts = validate_counts(self, X, reset=True)
        k = int(self.n_components)
        check_k(k, counts.shape[0], counts.shape[1], self.random_state)
        check_max_iter(self.max_iter)
        check_int(self.restarts, "restarts", minimum=1)
        if not self.prevalence.strip():
            raise ConfigError("an STM needs a prevalence formula, e.g. STM(prevalence='~ region'); "
                              "without covariates use LDA")
        if metadata is None:
            raise ConfigError("an STM with a prevalence formula needs the units' metadata: fit(X, metadata=frame)")
        if len(metadata) != counts.shape[0]:
            raise ConfigError(f"metadata has {len(metadata)} rows for {counts.shape[0]} units; give one a unit")
        design = design_matrix(self.prevalence, metadata.reset_index(drop=True), reference=reference)
        if design.matrix.shape[1] + 1 >= counts.shape[0]:
            raise ConfigError(f"the formula {self.prevalence!r} has {design.matrix.shape[1] + 1} coefficients for "
                              f"{counts.shape[0]} units; use fewer covariates or smaller df in s()")
        words = [w or [EMPTY] for w in unit_words(counts)]
        corpus = topica.Corpus.from_documents(words)
        fit_args: dict[str, Any] = {"iters": self.max_iter or EM_ITERS, "num_threads": 1, "progress": False,
                                    "restarts": int(self.restarts), "prevalence": design.matrix}
        model = topica.STM(k, seed=int(self.random_state)).fit(corpus, **fit_args)
        vocab = [int(w) if w != EMPTY else -1 for w in corpus.vocabulary]
        keep = [i for i, j in enumerate(vocab) if j >= 0]
        topic_term = np.zeros((k, counts.shape[1]))
        topic_term[:, [vocab[i] for i in keep]] = np.asarray(model.topic_word)[:, keep]
        self.model_ = model
        self.components_ = rows_to_one(topic_term)
        self.doc_topic_ = rows_to_one(np.asarray(model.doc_topic))
        self.eta_mean_ = np.asarray(model.eta_mean, dtype=float)
        self.eta_sigma_ = np.asarray(model.eta_cov, dtype=float).mean(axis=0)
        self.design_ = design
        self.n_iter_ = len(model.bound_history)
        self.converged_ = bool(model.converged)
        self.backend_ = "topica"
        return self

    @one_thread
    def transform(self, X: Any) -> np.ndarray:
        """Topic proportions of new units (rows sum to 1), with the covariate-free prior mean."""
        check_is_fitted(self)
        counts = validate_counts(self, X, reset=False)
        docs = [words or [EMPTY] for words in unit_words(sp.csr_matrix(counts))]
        return rows_to_one(np.asarray(self.model_.transform(docs)))

    def theta_draws(self, n: int, seed: int) -> np.ndarray:
        """``n`` draws of every training unit's proportions from its logistic-normal posterior (n x units x k).

        The draws use the shared covariance ``eta_sigma_`` (R ``stm``'s "Global" posterior, the
        one ``estimateEffect`` composes over).
        """
        check_is_fitted(self)
        rng = np.random.default_rng(seed)
        chol = np.linalg.cholesky(self.eta_sigma_ + 1e-10 * np.eye(len(self.eta_sigma_)))
        units = self.eta_mean_.shape[0]
        noise = rng.standard_normal((n, units, chol.shape[0])) @ chol.T
        eta = np.concatenate([self.eta_mean_[None] + noise, np.zeros((n, units, 1))], axis=2)
        eta -= eta.max(axis=2, keepdims=True)
        theta = np.exp(eta)
        return theta / theta.sum(axis=2, keepdims=True)



def design_of(est: Any) -> Design | None:
    """The covariate design a fitted STM used (None for other models)."""
    return getattr(est, "design_", None)
