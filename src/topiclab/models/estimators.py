"""Where the estimators lived before the split, kept so that run folders written then still load.

A run folder's ``model/estimator.pkl`` names the class by its module; these names let such a
pickle find :class:`~topiclab.models.lda.LDA`, :class:`~topiclab.models.nmf.NMF` and
:class:`~topiclab.models.clusters.TfidfClusters`, which upgrade the old state as they load.
Import them from :mod:`topiclab.models`.
"""

from __future__ import annotations

from topiclab.models.clusters import TfidfClusters
from topiclab.models.lda import LDA
from topiclab.models.nmf import NMF

__all__ = ["LDA", "NMF", "TfidfClusters"]
