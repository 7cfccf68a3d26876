"""Does LDA keep its quality when it stops at convergence and samples in shards?

On labelled corpora (CSL's 2000 abstracts by discipline when ``../shared`` is present; THUCNews
section pages and headlines by category, ``bench/labelled_news.py``) LDA (tomotopy, k = the
number of labels, seeds 1-3) is fitted five ways: 500 sweeps in one shard, as by default
(stopped at convergence, ``models.lda_tomotopy.converged``; shards auto, one on these sizes), in
4 shards, and stopped at the looser tolerances 0.003 and 0.01 (``model.tol``). Prints mean NMI
against the labels, NPMI, sweeps and seconds of each, and the differences to the 500-sweep fit
(the issue allows 0.01).

    python bench/lda_convergence.py            # about 9 minutes
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpora import SHARED_CSL, csl_records  # noqa: E402
from labelled_news import labelled_news, section_pages  # noqa: E402

import topiclab  # noqa: E402
from topiclab.evaluate import label_agreement  # noqa: E402

WAYS = {"500 sweeps, 1 shard (before)": {"max_iter": 500, "shards": 1},
        "converged, auto shards (now)": {},
        "converged, 4 shards": {"shards": 4},
        # the trade model.tol offers: a looser stop, fewer sweeps (the README's table)
        "converged, tol 0.003": {"tol": 0.003},
        "converged, tol 0.01": {"tol": 0.01}}


def corpora() -> dict[str, pd.DataFrame]:
    out = {}
    if SHARED_CSL.is_file():
        records = csl_records()
        out["csl"] = pd.DataFrame({"id": [r["id"] for r in records],
                                   "text": [r["title"] + "\n" + r["abstract"] for r in records],
                                   "label": [r["field"] for r in records]})
    for name, (texts, labels) in (("news sections", section_pages()), ("news headlines", labelled_news())):
        out[name] = pd.DataFrame({"id": [f"d{i}" for i in range(len(texts))], "text": texts, "label": labels})
    return out


def main() -> None:
    rows = []
    for name, frame in corpora().items():
        k = frame["label"].nunique()
        for way, settings in WAYS.items():
            for seed in (1, 2, 3):
                start = time.perf_counter()
                result = topiclab.fit(frame, id_col="id", model="lda", k=k, seed=seed, unit="document", cache=False,
                                      **{f"model.{key}": value for key, value in settings.items()})
                docs = result.documents
                rows.append({"corpus": name, "way": way, "seed": seed, "sweeps": result.model.estimator.n_iter_,
                             "seconds": time.perf_counter() - start, "npmi": result.metrics["npmi"],
                             "nmi": label_agreement(docs["label"].tolist(), docs["dominant_topic"].tolist())["nmi"]})
                print(rows[-1], flush=True)
    table = pd.DataFrame(rows).groupby(["corpus", "way"], sort=False)[["nmi", "npmi", "sweeps", "seconds"]].mean()
    before = table.xs("500 sweeps, 1 shard (before)", level="way")
    table["d_nmi"] = table["nmi"] - before["nmi"].reindex(table.index, level="corpus")
    table["d_npmi"] = table["npmi"] - before["npmi"].reindex(table.index, level="corpus")
    print(table.round(4).to_string())


if __name__ == "__main__":
    main()
