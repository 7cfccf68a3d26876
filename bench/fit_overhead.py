"""topiclab's fit against the backend's own fit on the same matrix (CSL, k = 13, seed 1).

For each model: the time of ``topiclab.models`` estimator ``fit`` (its input conversion, the
backend call, and normalising the results) and of the backend called directly on the same
data, best of five runs each (short fits vary from run to run on a shared machine); the ratio
is topiclab / backend. BLAS and OpenMP run one thread: with two threads on two shared cores
the same k-means fit varied by 2x between runs, which buried a difference of a few percent.

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
from topiclab.models.lda_tomotopy import unit_words
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
    import numpy as np
    import tomotopy
    from gensim.models import Word2Vec
    from sklearn.cluster import KMeans
    from sklearn.decomposition import NMF as SkNMF
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    texts = csl_texts()
    units = preprocess(Corpus([str(i) for i in range(len(texts))], texts), PreprocessConfig())
    vocab = build_vocabulary(units.tokens)  # topiclab fit's default pruning
    counts = count_matrix(units.tokens, vocab)
    words = unit_words(counts)

    def raw_tomotopy() -> None:
        m = tomotopy.LDAModel(k=13, alpha=0.1, eta=0.01, seed=1)
        for w in words:
            m.add_doc(w or ["\x00"])
        m.train(500, workers=1)

    def raw_kmeans() -> None:
        x = normalize(TruncatedSVD(100, random_state=1).fit_transform(tfidf_matrix(counts)))
        KMeans(13, n_init=10, random_state=1).fit(x)

    rng = np.random.default_rng(1)
    shuffled = [list(rng.permutation(w)) for w in words]  # the word2vec embedding's input, built once

    def raw_word2vec_kmeans() -> None:
        model = Word2Vec(shuffled, vector_size=100, window=10, sg=1, epochs=10, min_count=1, seed=1, workers=1)
        vectors = np.array([model.wv[str(j)] for j in range(counts.shape[1])])
        KMeans(13, n_init=10, random_state=1).fit(normalize(tfidf_matrix(counts) @ vectors))

    cases = [
        ("lda/tomotopy", lambda: LDA(13, random_state=1).fit(counts), raw_tomotopy),
        ("nmf", lambda: NMF(13, random_state=1).fit(counts),
         lambda: SkNMF(13, init="nndsvda", max_iter=400, random_state=1).fit(tfidf_matrix(counts))),
        ("kmeans/lsa", lambda: TfidfClusters(13, embedding="lsa", random_state=1).fit(counts), raw_kmeans),
        ("kmeans/word2vec", lambda: TfidfClusters(13, random_state=1).fit(counts), raw_word2vec_kmeans),
    ]
    print(f"{'model':16} {'topiclab s':>11} {'backend s':>10} {'ratio':>6}")
    for name, ours, theirs in cases:
        a, b = best(ours), best(theirs)
        print(f"{name:16} {a:11.3f} {b:10.3f} {a / b:6.3f}")


if __name__ == "__main__":
    main()
