"""The one result every model returns: topic-term weights, document-topic proportions, vocabulary."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from topiclab._io import atomic_file
from topiclab.errors import InputError


@dataclass(frozen=True)
class TopicModelResult:
    """A fitted model's output, independent of the backend.

    ``topic_term`` is k x V with rows summing to 1; ``doc_topic`` is units x k with rows summing
    to 1 (for clusters, one-hot membership).

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

    def top_terms(self, n: int = 10) -> list[list[str]]:
        """The ``n`` highest-weighted terms of each topic (ties broken by term order)."""
        order = np.argsort(-self.topic_term, axis=1, kind="stable")[:, :n]
        return [[self.terms[j] for j in row] for row in order]

    def dominant_topic(self) -> np.ndarray:
        """Each unit's most probable topic (the lowest index on a tie)."""
        return np.asarray(self.doc_topic.argmax(axis=1))

    def topics_frame(self, n: int = 30) -> pd.DataFrame:
        """``topic, rank, term, weight`` for the top ``n`` terms of each topic."""
        order = np.argsort(-self.topic_term, axis=1, kind="stable")[:, :n]
        rows = [
            (t, r + 1, self.terms[j], float(self.topic_term[t, j]))
            for t in range(self.k)
            for r, j in enumerate(order[t])
        ]
        return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])

    def save(self, folder: Path) -> None:
        """Write ``result.npz`` and ``result.json`` into ``folder``; :func:`load_result` reads them."""
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_file(folder / "result.npz", "wb") as fh:
            np.savez_compressed(fh, topic_term=self.topic_term, doc_topic=self.doc_topic)
        meta = {"model": self.model, "backend": self.backend, "k": self.k, "seed": self.seed,
                "terms": list(self.terms), "unit_ids": list(self.unit_ids), "doc_ids": list(self.doc_ids),
                "params": self.params}
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
                            tuple(meta["doc_ids"]), meta["params"])
