"""Category recovery on CSL (2000 labelled Chinese abstracts): NMI of dominant topic vs ``field``.

Title + abstract; the settings are ``config.toml`` beside this file (topiclab's default
preprocessing on document units, pruning no_below=3, no_above=0.5, k = 13); each cell of the
grid below overrides the model, on seeds 1, 2, 3. Needs ``../shared/data/csl`` beside the
checkout. Results go to ``results.csv`` beside this file.

    python experiments/csl_recovery/run.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

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
CELLS = [
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


def main() -> None:
    if not CSL.is_file():
        sys.exit(f"{CSL} not found")
    records = [json.loads(line) for line in CSL.read_text(encoding="utf-8").splitlines()]
    corpus = Corpus([r["id"] for r in records], [r["title"] + "\n" + r["abstract"] for r in records])
    field = {r["id"]: r["field"] for r in records}
    config = FitConfig.from_toml(HERE / "config.toml")
    units = preprocess(corpus, config.preprocess)
    labels = [field[d] for d in units.doc_ids]
    vocab = build_vocabulary(units.tokens, no_below=config.vectorize.no_below, no_above=config.vectorize.no_above)
    counts = count_matrix(units.tokens, vocab)
    rows = []
    for model, backend, params in CELLS:
        fits = [fit_model(counts, vocab.terms, model=model, k=config.model.k, seed=s, backend=backend, **params)
                for s in (1, 2, 3)]
        nmis = [label_agreement(labels, f.dominant_topic())["nmi"] for f in fits]
        rows.append({"model": model, "backend": backend if model == "lda" else "", "params": json.dumps(params),
                     "nmi_mean": round(float(np.mean(nmis)), 4), "nmi_min": round(min(nmis), 4),
                     "nmi_max": round(max(nmis), 4)})
        print(rows[-1], flush=True)
    pd.DataFrame(rows).to_csv(HERE / "results.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
