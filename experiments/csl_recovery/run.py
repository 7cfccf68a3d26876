"""Category recovery on CSL (2000 labelled Chinese abstracts): NMI of dominant topic vs ``field``.

Title + abstract; the settings are ``config.toml`` beside this file (topiclab's default
preprocessing and pruning on document units, k = 13); each cell of the grid below overrides the
model, on seeds 1, 2, 3 (``results.csv``). A second grid varies the pruning ``no_below`` for the
default clusters and LDA over seeds 1-6, to show how much the figure depends on the seeds and on
pruning (``pruning.csv``). Needs ``../shared/data/csl`` beside the checkout.

    python experiments/csl_recovery/run.py
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from topiclab.config import FitConfig
from topiclab.corpus import Corpus
from topiclab.evaluate import label_agreement
from topiclab.models import fit_model
from topiclab.preprocess import preprocess
from topiclab.vectorize import build_vocabulary, count_matrix

HERE = Path(__file__).resolve().parent
CSL = HERE.parents[2] / "shared" / "data" / "csl" / "csl_2000.jsonl"
CELLS: list[tuple[str, str, dict[str, Any]]] = [
    ("lda", "tomotopy", {}),
    ("lda", "tomotopy", {"alpha": 0.5, "eta": 0.1}),
    ("lda", "sklearn", {}),
    ("lda", "gensim", {}),
    ("nmf", "tomotopy", {}),
    ("kmeans", "tomotopy", {"embedding": "tfidf"}),
    ("kmeans", "tomotopy", {"embedding": "lsa"}),
    ("kmeans", "tomotopy", {"embedding": "word2vec"}),
    ("agglomerative", "tomotopy", {"embedding": "lsa"}),
    ("agglomerative", "tomotopy", {"embedding": "word2vec"}),
]
PRUNING_MODELS = [("kmeans", "tomotopy"), ("lda", "tomotopy")]


def main() -> None:
    if not CSL.is_file():
        sys.exit(f"{CSL} not found")
    records = [json.loads(line) for line in CSL.read_text(encoding="utf-8").splitlines()]
    corpus = Corpus([r["id"] for r in records], [r["title"] + "\n" + r["abstract"] for r in records])
    field = {r["id"]: r["field"] for r in records}
    config = FitConfig.from_toml(HERE / "config.toml")
    units = preprocess(corpus, config.preprocess)
    labels = [field[d] for d in units.doc_ids]

    @functools.cache
    def matrix(no_below: int) -> tuple:
        vocab = build_vocabulary(units.tokens, no_below=no_below, no_above=config.vectorize.no_above)
        return count_matrix(units.tokens, vocab), vocab.terms

    def nmis(no_below: int, model: str, backend: str, params: dict, seeds: range) -> list[float]:
        counts, terms = matrix(no_below)
        fits = (fit_model(counts, terms, model=model, k=config.model.k, seed=s, backend=backend, **params)
                for s in seeds)
        return [label_agreement(labels, f.dominant_topic())["nmi"] for f in fits]

    rows = []
    for model, backend, params in CELLS:
        got = nmis(config.vectorize.no_below, model, backend, params, range(1, 4))
        rows.append({"model": model, "backend": backend if model == "lda" else "", "params": json.dumps(params),
                     "nmi_mean": round(float(np.mean(got)), 5), "nmi_min": round(min(got), 4),
                     "nmi_max": round(max(got), 4)})
        print(rows[-1], flush=True)
    pd.DataFrame(rows).to_csv(HERE / "results.csv", index=False, lineterminator="\n")
    rows = []
    for model, backend in PRUNING_MODELS:
        for no_below in (1, 2, 3, 5):
            got = nmis(no_below, model, backend, {}, range(1, 7))
            rows.append({"model": model, "no_below": no_below, "nmi_mean_seeds_1_3": round(float(np.mean(got[:3])), 5),
                         "nmi_mean_seeds_1_6": round(float(np.mean(got)), 5),
                         "nmi_by_seed": " ".join(f"{x:.4f}" for x in got)})
            print(rows[-1], flush=True)
    pd.DataFrame(rows).to_csv(HERE / "pruning.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
