"""What an LDA backend adapter does, so that :class:`~topiclab.models.lda.LDA` holds no backend's details.

An adapter (``lda_tomotopy``, ``lda_sklearn``, ``lda_gensim``) fits the backend on a CSR count
matrix and returns a :class:`BackendFit` (topic-word and document-topic weights, the priors
the fit used, the passes or sweeps run); it keeps the fitted backend model, so that it can
infer the topics of new units and give the backend's own perplexity of the training units.
It pickles (tomotopy's model is written with its own ``saves``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from topiclab.models.result import Priors


@dataclass(frozen=True)
class BackendFit:
    """A backend's fit: ``topic_term`` (k x V) and ``doc_topic`` (units x k) weights, rows not yet scaled."""

    topic_term: np.ndarray
    doc_topic: np.ndarray
    priors: Priors
    n_iter: int


class LDABackend(Protocol):
    """The adapter of one LDA library."""

    name: str

    def fit(self, counts: sp.csr_matrix, *, k: int, alpha: Any, eta: float | None, max_iter: int | None,
            seed: int, seed_topics: dict[int, list[int]] | None = None, shards: int = 1,
            tol: float | None = None, progress: bool = False) -> BackendFit:
        """Fit on ``counts``; ``alpha``/``eta``/``max_iter`` ``None``: the backend's default.

        ``seed_topics``: topic -> columns (seed words) drawn to that topic by a word prior.
        ``shards``: the sampler's fixed partition (tomotopy only, checked by the estimator; the
        result depends on it, never on the machine). ``tol``: the sampler's stopping tolerance
        without ``max_iter`` (tomotopy only; ``None``: its default). ``progress``: a bar on stderr.
        """
        ...

    def infer(self, counts: sp.csr_matrix) -> np.ndarray:
        """Topic weights of new units (units x k), with the topics fixed."""
        ...

    def perplexity(self, counts: sp.csr_matrix) -> float:
        """The backend's own perplexity of the units it was fitted on."""
        ...
