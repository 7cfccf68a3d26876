"""LDA by collapsed Gibbs sampling with tomotopy (Griffiths & Steyvers 2004).

One worker, so the chain is reproducible from the seed. Priors default to alpha = 0.1 and
eta = 0.01 (tomotopy's defaults); tomotopy re-estimates alpha from the samples every
``optim_interval`` (10) sweeps, so the fitted alpha, the one the proportions are computed
with, is recorded beside the starting one. Each unit is given to
tomotopy as its column ids written as words, each repeated by its count; a sampler of words
takes whole counts, so fractions are cut, with a warning.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp

from topiclab.errors import ConfigError
from topiclab.models.lda_backend import BackendFit
from topiclab.models.result import Priors, prior_value

EMPTY = "\x00"  # the one word of a unit with none, so that it keeps its row
ALPHA, ETA, SWEEPS, INFER_SWEEPS = 0.1, 0.01, 500, 100
# a seed word's prior pseudo-count in its topic, as a share of the corpus's words (as seededlda's
# ``weight``), and in the other topics as a share of eta: on CSL's disciplines a prior of about 1 %
# of the words recovered them best (experiments/seeded_csl, experiments/research_backends)
SEED_SHARE, SEED_ELSEWHERE = 0.01, 0.01


def unit_words(counts: sp.csr_matrix) -> list[list[str]]:
    """Each unit as a bag of column ids written as words, in column order (counts truncated to whole numbers).

    Example:
        >>> unit_words(sp.csr_matrix([[2.0, 0.0, 1.0], [0.0, 0.0, 0.0]]))
        [['0', '0', '2'], []]
    """
    return [[str(j) for j, c in zip(counts.indices[a:b], counts.data[a:b]) for _ in range(int(c))]
            for a, b in zip(counts.indptr[:-1], counts.indptr[1:])]


def _warn_fractions(counts: sp.csr_matrix) -> None:
    fractional = int(np.count_nonzero(counts.data != np.floor(counts.data)))
    if fractional:
        warnings.warn(f"LDA backend 'tomotopy' samples whole words: {fractional} fractional entries of the matrix "
                      "were cut to whole counts; give counts, or use backend 'sklearn' or 'gensim' for weights",
                      UserWarning, stacklevel=4)


class TomotopyLDA:
    """The tomotopy adapter (see :class:`topiclab.models.lda_backend.LDABackend`)."""

    name = "tomotopy"

    def __init__(self, model: Any = None) -> None:
        self.model = model

    def fit(self, counts: sp.csr_matrix, *, k: int, alpha: Any, eta: float | None, max_iter: int | None,
            seed: int, seed_topics: dict[int, list[int]] | None = None) -> BackendFit:
        try:
            import tomotopy
        except ImportError:
            raise ConfigError("backend 'tomotopy' needs the tomotopy package; pip install tomotopy") from None
        alpha0 = alpha if alpha is not None else ALPHA
        eta0 = eta if eta is not None else ETA
        _warn_fractions(counts)
        model = tomotopy.LDAModel(k=k, alpha=alpha0, eta=eta0, seed=seed)
        for words in unit_words(counts):
            model.add_doc(words or [EMPTY])
        strength = max(1.0, SEED_SHARE * float(counts.sum()))
        for topic, columns in sorted((seed_topics or {}).items()):
            for j in columns:
                prior = [eta0 * SEED_ELSEWHERE] * k
                prior[topic] = strength
                model.set_word_prior(str(j), prior)
        model.train(max_iter or SWEEPS, workers=1)
        self.model = model
        order = [int(w) if w != EMPTY else -1 for w in model.used_vocabs]
        keep = [i for i, j in enumerate(order) if j >= 0]
        topic_term = np.zeros((k, counts.shape[1]))
        for t in range(k):
            topic_term[t, [order[i] for i in keep]] = np.asarray(model.get_topic_word_dist(t))[keep]
        doc_topic = np.array([d.get_topic_dist() for d in model.docs])
        return BackendFit(topic_term, doc_topic, self.priors(alpha0, eta0), int(model.global_step))

    def priors(self, alpha0: Any, eta0: Any) -> Priors:
        """The fitted model's priors, having started from ``alpha0`` and ``eta0``."""
        learned = ("alpha",) if self.model.optim_interval > 0 else ()
        return Priors(prior_value(np.asarray(self.model.alpha, dtype=np.float32)),
                      prior_value(np.float32(self.model.eta)), prior_value(alpha0), prior_value(eta0), learned)

    def infer(self, counts: sp.csr_matrix) -> np.ndarray:
        _warn_fractions(counts)
        docs = [self.model.make_doc(w or [EMPTY]) for w in unit_words(counts)]
        self.model.infer(docs, iterations=INFER_SWEEPS, workers=1)
        return np.array([d.get_topic_dist() for d in docs])

    def perplexity(self, counts: sp.csr_matrix) -> float:
        return float(self.model.perplexity)

    def __getstate__(self) -> dict[str, Any]:
        return {"model": bytes(self.model.saves(full=True)) if self.model is not None else None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        import tomotopy

        blob = state["model"]
        self.model = tomotopy.LDAModel.loads(blob) if blob is not None else None
