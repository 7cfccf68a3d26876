"""Models stage: LDA (tomotopy, scikit-learn, gensim), NMF and TF-IDF clusters, one typed result.

* :mod:`~topiclab.models.lda`: :class:`LDA`, with one adapter a backend
  (:mod:`~topiclab.models.lda_tomotopy`, :mod:`~topiclab.models.lda_sklearn`,
  :mod:`~topiclab.models.lda_gensim`; the adapter's contract: :mod:`~topiclab.models.lda_backend`);
* :mod:`~topiclab.models.nmf`: :class:`NMF`; :mod:`~topiclab.models.clusters`: :class:`TfidfClusters`;
* :mod:`~topiclab.models.common`: input checks, tags and the rules on k every estimator shares;
* :mod:`~topiclab.models.result`: :class:`TopicModelResult` and the LDA :class:`Priors`;
* :mod:`~topiclab.models.fitting`: fitting by model name (what the pipeline calls).

Example:
    >>> import numpy as np
    >>> from topiclab.models import fit_model
    >>> X = np.array([[3, 0, 1], [0, 4, 1], [2, 0, 0], [0, 3, 0]])
    >>> r = fit_model(X, ("上海", "江苏", "创新"), model="nmf", k=2, seed=0)
    >>> sorted(r.top_terms(1))
    [['上海'], ['江苏']]
"""

from __future__ import annotations

from topiclab.models.clusters import TfidfClusters, class_tfidf
from topiclab.models.fitting import build_estimator, fit_estimator, fit_model, heldout_perplexity, result_of
from topiclab.models.lda import LDA
from topiclab.models.nmf import NMF
from topiclab.models.result import Priors, TopicModelResult, load_result
from topiclab.names import CLUSTER_METHODS, LDA_BACKENDS, MODELS

__all__ = [
    "CLUSTER_METHODS", "LDA", "LDA_BACKENDS", "MODELS", "NMF", "Priors", "TfidfClusters", "TopicModelResult",
    "build_estimator", "class_tfidf", "fit_estimator", "fit_model", "heldout_perplexity", "load_result", "result_of",
]
