"""Which document vectors should k-means clusters use? NMI on the labelled corpora of run.py.

For the labelled corpora of ``run.py`` (CSL abstracts, news section pages, news headlines; k =
13, 10, 10), k-means clusters with topiclab's defaults otherwise (``config.toml``), on each
embedding of :mod:`topiclab.vectorize.embeddings` (word2vec, lsa, tfidf, lsa+word2vec), seeds
1-3; and the plain jieba + scikit-learn TF-IDF k-means of ``bench/plain_baselines.py`` on the
same texts. Mean NMI against the labels in ``embeddings.csv``. The default embedding is the one
whose largest shortfall from the best on any corpus is smallest.

    python experiments/genre_defaults/embeddings.py     # about 10 minutes on 2 cores
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from sklearn.metrics import normalized_mutual_info_score

from topiclab.config import FitConfig
from topiclab.names import EMBEDDINGS
from topiclab.pipeline import fit_prepared, prepare

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (run.py beside this file: the corpora and the plain pipelines)

SEEDS = (1, 2, 3)


def main() -> None:
    rows = []
    for name in ("csl", "sections", "titles"):
        loaded = run.CORPORA[name]()
        if loaded is None:
            print(f"{name}: skipped (data not found)")
            continue
        corpus, k = loaded
        base = FitConfig.from_toml(HERE / "config.toml").with_values(
            {"model.k": k, "model.name": "kmeans", "input.label_col": "label"})
        prepared = prepare(base, corpus=corpus, cache_dir=None)
        for embedding in EMBEDDINGS:
            nmis = [fit_prepared(prepared, base.with_values({"model.embedding": embedding, "model.seed": s}))
                    .metrics["nmi_label"] for s in SEEDS]
            rows.append({"corpus": name, "vectors": embedding, "nmi": round(sum(nmis) / len(nmis), 4)})
            print(rows[-1], flush=True)
        labels = [str(v) for v in corpus.column("label")]
        nmis = [normalized_mutual_info_score(labels, run.plain_baselines.plain_kmeans_labels(list(corpus.texts), k, s))
                for s in SEEDS]
        rows.append({"corpus": name, "vectors": "plain jieba + TF-IDF", "nmi": round(sum(nmis) / len(nmis), 4)})
        print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    table.to_csv(HERE / "embeddings.csv", index=False, lineterminator="\n")
    wide = table.pivot(index="vectors", columns="corpus", values="nmi")
    print(wide.assign(worst_shortfall=(wide.max() - wide).max(axis=1)).sort_values("worst_shortfall").to_string())


if __name__ == "__main__":
    main()
