"""Which unit and model should ``topiclab fit`` use on a table of many short documents?

The seed (23 long articles) chose paragraph units and NMF (``experiments/seed_defaults``). This
asks the same question of a table: CSL's 2000 abstracts written as a CSV with a ``text`` column
(title, a line break, abstract; so the paragraph units are a title and an abstract) and the
``field`` label. Base settings: ``config.toml`` beside this file (topiclab's defaults, k = 13).
Grid: unit (document, paragraph) x model (NMF, LDA with Gibbs sampling, k-means) x seeds
(1, 2, 3). For each cell: mean NPMI and C_V of the top 10 words, stability across the seeds,
and NMI of the documents' dominant topics against ``field``. Results go to ``results.csv``.

Then where between the seed's 23 documents and CSL's 2000 should "auto" switch from paragraphs
to documents? For n in 25 ... 400, three random n-abstract subsets of CSL are fit with NMF at
k = 10 (``topiclab fit``'s defaults) by document and by paragraph: mean NPMI and NMI in
``sizes.csv``. Needs ``../shared/data/csl`` beside the checkout.

    python experiments/table_defaults/run.py
"""

from __future__ import annotations

import itertools
import json
import sys
import tempfile
from pathlib import Path

import pandas as pd

from topiclab.config import FitConfig
from topiclab.pipeline import fit_prepared, prepare
from topiclab.select import topic_stability

HERE = Path(__file__).resolve().parent
CSL = HERE.parents[2] / "shared" / "data" / "csl" / "csl_2000.jsonl"
MODELS = [("nmf", "tomotopy"), ("lda", "tomotopy"), ("kmeans", "tomotopy")]
UNITS = ["document", "paragraph"]
SEEDS = [1, 2, 3]
SIZES = [25, 50, 100, 200, 400]


def main() -> None:
    if not CSL.is_file():
        sys.exit(f"{CSL} not found")
    records = [json.loads(line) for line in CSL.read_text(encoding="utf-8").splitlines()]
    table = pd.DataFrame({"id": [r["id"] for r in records],
                          "text": [r["title"] + "\n" + r["abstract"] for r in records],
                          "field": [r["field"] for r in records]})
    with tempfile.TemporaryDirectory() as tmp:
        by_unit_and_model(table, Path(tmp))
        by_size(table, Path(tmp))


def by_unit_and_model(table: pd.DataFrame, tmp: Path) -> None:
    rows = []
    path = tmp / "csl.csv"
    table.to_csv(path, index=False)
    base = FitConfig.from_toml(HERE / "config.toml").with_overrides([f'input.path="{path.as_posix()}"'])
    for unit in UNITS:
        by_unit = base.with_overrides([f'preprocess.unit="{unit}"'])
        prepared = prepare(by_unit, cache_dir=None)
        for model, backend in MODELS:
            fits = [fit_prepared(prepared, by_unit.with_overrides([
                f'model.name="{model}"', f'model.backend="{backend}"', f"model.seed={seed}"])) for seed in SEEDS]
            m = pd.DataFrame([f.metrics for f in fits])
            rows.append({
                "unit": unit, "model": model, "n_units": int(m["n_units"].iloc[0]),
                "npmi": round(float(m["npmi"].mean()), 4), "c_v": round(float(m["c_v"].mean()), 4),
                "stability": round(topic_stability([f.result.topic_term for f in fits]), 4),
                "nmi_field": round(float(m["nmi_field"].mean()), 5),
            })
            print(rows[-1], flush=True)
    pd.DataFrame(rows).to_csv(HERE / "results.csv", index=False, lineterminator="\n")


def by_size(table: pd.DataFrame, tmp: Path) -> None:
    rows = []
    for n, unit in itertools.product(SIZES, UNITS):
        metrics = []
        for rep in range(3):
            path = tmp / f"csl_{n}_{rep}.csv"
            table.sample(n, random_state=rep).to_csv(path, index=False)
            config = FitConfig.from_toml(HERE / "config.toml").with_overrides([
                f'input.path="{path.as_posix()}"', f'preprocess.unit="{unit}"', "model.k=10"])
            metrics.append(fit_prepared(prepare(config, cache_dir=None), config).metrics)
        m = pd.DataFrame(metrics)
        rows.append({"n_docs": n, "unit": unit, "npmi": round(float(m["npmi"].mean()), 4),
                     "nmi_field": round(float(m["nmi_field"].mean()), 4)})
        print(rows[-1], flush=True)
    pd.DataFrame(rows).to_csv(HERE / "sizes.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
