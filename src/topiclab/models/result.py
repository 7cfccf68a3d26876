"""The one result every model returns: topic-term weights, document-topic proportions, vocabulary, priors."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from topiclab._io import atomic_file
from topiclab.errors import InputError

PriorValue = float | tuple[float, ...]  # a symmetric prior is one number, an asymmetric one a vector


def prior_value(x: Any) -> PriorValue:
    """A prior as a number when all its entries are equal, else a tuple (float32 values written shortest).

    Example:
        >>> prior_value(np.full(4, 0.25)), prior_value(np.float32(0.01)), prior_value([0.5, 0.3, 0.2])
        (0.25, 0.01, (0.5, 0.3, 0.2))
    """
    arr = np.atleast_1d(np.asarray(x))
    # the shortest decimal that is this float32: tomotopy's 0.01 is written 0.01, not 0.009999999776482582
    values = [float(str(v)) for v in arr] if arr.dtype == np.float32 else [float(v) for v in arr.astype(np.float64)]
    return values[0] if len(set(values)) == 1 else tuple(values)


@dataclass(frozen=True)
class Priors:
    """The Dirichlet priors an LDA fit used: ``alpha`` on documents' topics, ``eta`` on topics' words.

    ``alpha`` and ``eta`` are the priors of the fitted model, the ones its proportions were
    computed with; ``alpha_initial`` and ``eta_initial`` the ones fitting started from (the
    value given, or the backend's default: 0.1 and 0.01 for tomotopy, 1/k for scikit-learn and
    gensim). They differ for the priors named in ``learned``: tomotopy re-estimates alpha every
    10 Gibbs sweeps (its ``optim_interval``), gensim with ``alpha="auto"`` every pass. Each is a
    number when symmetric, else a tuple (alpha: one value a topic; eta: one a term).

    Example:
        >>> p = Priors(alpha=0.25, eta=0.25, alpha_initial=0.25, eta_initial=0.25)
        >>> p.alpha_vector(4).tolist(), Priors.from_json(p.to_json()) == p
        ([0.25, 0.25, 0.25, 0.25], True)
    """

    alpha: PriorValue
    eta: PriorValue
    alpha_initial: PriorValue
    eta_initial: PriorValue
    learned: tuple[str, ...] = ()

    def alpha_vector(self, k: int) -> np.ndarray:
        """``alpha`` as one value a topic."""
        return np.broadcast_to(np.asarray(self.alpha, dtype=np.float64), (k,)).copy()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples as lists)."""
        def plain(v: PriorValue) -> float | list[float]:
            return list(v) if isinstance(v, tuple) else v

        return {"alpha": plain(self.alpha), "eta": plain(self.eta), "alpha_initial": plain(self.alpha_initial),
                "eta_initial": plain(self.eta_initial), "learned": list(self.learned)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Priors:
        """The priors written by :meth:`to_json`."""
        def value(v: Any) -> PriorValue:
            return tuple(float(x) for x in v) if isinstance(v, list) else float(v)

        return cls(value(data["alpha"]), value(data["eta"]), value(data["alpha_initial"]),
                   value(data["eta_initial"]), tuple(data.get("learned", ())))


@dataclass(frozen=True)
class TopicModelResult:
    """A fitted model's output, independent of the backend.

    ``topic_term`` is k x V with rows summing to 1; ``doc_topic`` is units x k with rows summing
    to 1 (for clusters, one-hot membership). ``backend``: the library that fitted the model
    (``tomotopy``, ``sklearn`` or ``gensim`` for LDA; ``sklearn`` for NMF and clusters).
    ``params``: the settings given. ``priors``: for LDA, the :class:`Priors` the fit used
    (``None`` for other models, and in results saved before topiclab recorded them).

    Example:
        >>> r = TopicModelResult("lda", "sklearn", 1, 0, ("上海", "创新"), np.array([[0.7, 0.3]]),
        ...                      np.array([[1.0]]), ("a",), ("a",))
        >>> r.top_terms(1)
        [['上海']]
    """

    model: str
    backend: str
    k: int
    seed: int
    terms: tuple[str, ...]
    topic_term: np.ndarray
    doc_topic: np.ndarray
    unit_ids: tuple[str, ...]
    doc_ids: tuple[str, ...]
    params: dict[str, Any] = field(default_factory=dict)
    priors: Priors | None = None
    names: tuple[str, ...] = ()

    def labels(self, n: int = 3) -> list[str]:
        """Each topic's name: a seeded topic's own, else its top ``n`` terms joined by spaces.

        Example:
            >>> r = TopicModelResult("lda", "tomotopy", 2, 0, ("港口", "航运", "芯片"),
            ...                      np.array([[.6, .3, .1], [.1, .2, .7]]), np.eye(2), ("a", "b"), ("a", "b"),
            ...                      names=("港口航运", ""))
            >>> r.labels(2)
            ['港口航运', '芯片 航运']
        """
        tops = self.top_terms(n)
        return [(self.names[t] if t < len(self.names) and self.names[t] else " ".join(tops[t])) for t in range(self.k)]

    def top_terms(self, n: int = 10) -> list[list[str]]:
        """The ``n`` highest-weighted terms of each topic (ties broken by term order)."""
        order = np.argsort(-self.topic_term, axis=1, kind="stable")[:, :n]
        return [[self.terms[j] for j in row] for row in order]

    def empty_topics(self) -> list[int]:
        """Topics with no words of their own: every term weighs the same (the prior alone), as when
        a Gibbs sampler has emptied a topic. Their top terms are an artefact of term order.

        Example:
            >>> tt = np.array([[0.7, 0.2, 0.1], [1 / 3, 1 / 3, 1 / 3]])
            >>> r = TopicModelResult("lda", "tomotopy", 2, 0, ("a", "b", "c"), tt, np.full((1, 2), 0.5), ("u",), ("d",))
            >>> r.empty_topics()
            [1]
        """
        tt = np.asarray(self.topic_term, dtype=float)
        return [int(t) for t in np.flatnonzero(np.ptp(tt, axis=1) <= 1e-12 * np.maximum(tt.max(axis=1), 1e-300))]

    def dominant_topic(self) -> np.ndarray:
        """Each unit's most probable topic (the lowest index on a tie)."""
        return np.asarray(self.doc_topic.argmax(axis=1))

    def topics_frame(self, n: int = 30) -> pd.DataFrame:
        """``topic, rank, term, weight, label`` for the top ``n`` terms of each topic (``label``: :meth:`labels`)."""
        order = np.argsort(-self.topic_term, axis=1, kind="stable")[:, :n]
        labels = self.labels()
        rows = [
            (t, r + 1, self.terms[j], float(self.topic_term[t, j]), labels[t])
            for t in range(self.k)
            for r, j in enumerate(order[t])
        ]
        return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight", "label"])

    def save(self, folder: Path) -> None:
        """Write ``result.npz`` and ``result.json`` into ``folder``; :func:`load_result` reads them."""
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_file(folder / "result.npz", "wb") as fh:
            np.savez_compressed(fh, topic_term=self.topic_term, doc_topic=self.doc_topic)
        meta = {"model": self.model, "backend": self.backend, "k": self.k, "seed": self.seed,
                "terms": list(self.terms), "unit_ids": list(self.unit_ids), "doc_ids": list(self.doc_ids),
                "params": self.params, "priors": self.priors.to_json() if self.priors is not None else None,
                "names": list(self.names)}
        with atomic_file(folder / "result.json") as fh:
            json.dump(meta, fh, ensure_ascii=False, sort_keys=True)


def load_result(folder: Path) -> TopicModelResult:
    """Read a result written by :meth:`TopicModelResult.save`.

    Example:
        >>> import tempfile
        >>> r = TopicModelResult("lda", "sklearn", 1, 0, ("上海", "创新"), np.array([[0.7, 0.3]]),
        ...                      np.array([[1.0]]), ("a",), ("a",))
        >>> folder = Path(tempfile.mkdtemp())
        >>> r.save(folder)
        >>> load_result(folder).top_terms(1)
        [['上海']]
    """
    try:
        meta = json.loads((folder / "result.json").read_text(encoding="utf-8"))
        arrays = np.load(folder / "result.npz")
    except FileNotFoundError as exc:
        raise InputError(f"{folder}: no saved model result ({Path(exc.filename).name} missing)") from None
    return TopicModelResult(meta["model"], meta["backend"], meta["k"], meta["seed"], tuple(meta["terms"]),
                            arrays["topic_term"], arrays["doc_topic"], tuple(meta["unit_ids"]),
                            tuple(meta["doc_ids"]), meta["params"],
                            Priors.from_json(meta["priors"]) if meta.get("priors") is not None else None,
                            tuple(meta.get("names", ())))
