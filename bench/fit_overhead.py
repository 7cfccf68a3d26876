"""topiclab's fit against the backend's own fit on the same matrix (CSL, k = 13, seed 1).

For each model: the time of ``topiclab.models`` estimator ``fit`` (its input conversion, the
backend call, and normalising the results) and of the backend called directly on the same
data, best of five runs each (short fits vary from run to run on a shared machine); the ratio
is topiclab / backend.

    python bench/fit_overhead.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import csl_texts

from topiclab.corpus import Corpus
from topiclab.models import LDA, NMF, TfidfClusters
from topiclab.models.estimators import _words
from topiclab.preprocess import PreprocessConfig, preprocess
from topiclab.vectorize import build_vocabulary, count_matrix, tfidf_matrix


def best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    import tomotopy
    from sklearn.cluster import KMeans
    from sklearn.decomposition import NMF as SkNMF
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    texts = csl_texts()
    units = preprocess(Corpus([str(i) for i in range(len(texts))], texts), PreprocessConfig())
    vocab = build_vocabulary(units.tokens, no_below=3, no_above=0.5)
    counts = count_matrix(units.tokens, vocab)
    words = _words(counts)

    def raw_tomotopy() -> None:
        m = tomotopy.LDAModel(k=13, alpha=0.1, eta=0.01, seed=1)
        for w in words:
            m.add_doc(w or ["\x00"])
        m.train(500, workers=1)

    def raw_kmeans() -> None:
        x = normalize(TruncatedSVD(100, random_state=1).fit_transform(tfidf_matrix(counts)))
        KMeans(13, n_init=10, random_state=1).fit(x)

    cases = [
        ("lda/tomotopy", lambda: LDA(13, random_state=1).fit(counts), raw_tomotopy),
        ("nmf", lambda: NMF(13, random_state=1).fit(counts),
         lambda: SkNMF(13, init="nndsvda", max_iter=400, random_state=1).fit(tfidf_matrix(counts))),
        ("kmeans", lambda: TfidfClusters(13, random_state=1).fit(counts), raw_kmeans),
    ]
    print(f"{'model':14} {'topiclab s':>11} {'backend s':>10} {'ratio':>6}")
    for name, ours, theirs in cases:
        a, b = best(ours), best(theirs)
        print(f"{name:14} {a:11.3f} {b:10.3f} {a / b:6.3f}")


if __name__ == "__main__":
    main()
