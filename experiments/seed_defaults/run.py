"""Which model, unit and k give the most coherent and stable topics on the seed corpus?

Base settings: ``config.toml`` beside this file (topiclab's defaults). Grid: unit (document,
paragraph) x model (LDA with Gibbs sampling, LDA variational Bayes, NMF, k-means) x k (5, 8,
10, 12) x seeds (1, 2, 3), with topiclab's default preprocessing and pruning. For each cell:
mean NPMI, C_V and UMass of the top 10 words (over the units' tokens), and stability across
the three seeds. Results go to ``results.csv`` beside this
file; ``summary.md`` is the ranking by NPMI.

    python experiments/seed_defaults/run.py
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd

from topiclab.config import FitConfig
from topiclab.pipeline import run
from topiclab.select import topic_stability

HERE = Path(__file__).resolve().parent
MODELS = [("lda", "tomotopy"), ("lda", "sklearn"), ("nmf", "tomotopy"), ("kmeans", "tomotopy")]
UNITS = ["document", "paragraph"]
KS = [5, 8, 10, 12]
SEEDS = [1, 2, 3]


def main() -> None:
    rows = []
    for unit, (model, backend), k in itertools.product(UNITS, MODELS, KS):
        fits = []
        for seed in SEEDS:
            config = FitConfig.from_toml(HERE / "config.toml").with_overrides([
                f'preprocess.unit="{unit}"', f'model.name="{model}"', f'model.backend="{backend}"',
                f"model.k={k}", f"model.seed={seed}",
            ])
            fits.append(run(config))
        m = pd.DataFrame([f.metrics for f in fits])
        rows.append({
            "unit": unit, "model": model, "backend": backend if model == "lda" else "", "k": k,
            "npmi": round(m["npmi"].mean(), 4), "c_v": round(m["c_v"].mean(), 4), "umass": round(m["umass"].mean(), 4),
            "diversity": round(m["diversity"].mean(), 3),
            "stability": round(topic_stability([f.result.topic_term for f in fits]), 4),
        })
        print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    frame.to_csv(HERE / "results.csv", index=False, lineterminator="\n")
    ranked = frame.sort_values(["npmi", "stability"], ascending=False)
    (HERE / "summary.md").write_text(
        "# Seed corpus: coherence and stability by unit, model and k (mean of seeds 1, 2, 3)\n\n"
        + ranked.to_markdown(index=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
