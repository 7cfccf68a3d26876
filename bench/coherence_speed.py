"""Coherence at 50 topics x 50k documents: topiclab against gensim's CoherenceModel.

Documents: People's Daily paragraphs and reviews preprocessed with topiclab's defaults (real
Chinese text), repeated in order up to 50,000 units; topics: the top 10 words of an NMF with
k = 50. Both libraries score the same topics over the same token lists; the table gives each
measure's seconds (best of three calls each) and the largest per-topic difference.

    python bench/coherence_speed.py            # gensim's C_V here takes minutes
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import news_texts, review_texts

from topiclab.corpus import Corpus
from topiclab.evaluate import coherence
from topiclab.models import fit_model
from topiclab.preprocess import PreprocessConfig, preprocess
from topiclab.vectorize import build_vocabulary, count_matrix

N_DOCS, K = 50_000, 50


def best(fn: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    """Fastest of three calls ``fn(*args)`` (seconds) and the result: one run of a second or
    less varies by a quarter on this shared machine."""
    times = []
    for _ in range(3):
        t = time.perf_counter()
        out = fn(*args)
        times.append(time.perf_counter() - t)
    return min(times), out


def gensim_coherence(topics: list, docs: list, dictionary: Any, measure: str) -> list[float]:
    from gensim.models import CoherenceModel

    return CoherenceModel(topics=topics, texts=docs, dictionary=dictionary, coherence=measure,
                          processes=1).get_coherence_per_topic()


def main() -> None:
    from gensim.corpora import Dictionary

    texts = news_texts() + review_texts()
    units = preprocess(Corpus([str(i) for i in range(len(texts))], texts), PreprocessConfig(phrases=False))
    docs = [list(t) for t in units.tokens]
    docs = (docs * (N_DOCS // len(docs) + 1))[:N_DOCS]
    vocab = build_vocabulary(docs, no_below=5, no_above=0.5)
    topics = fit_model(count_matrix(docs, vocab), vocab.terms, model="nmf", k=K, seed=1).top_terms(10)
    dictionary = Dictionary(docs)
    print(f"{len(docs)} documents, {len(topics)} topics")
    print(f"{'measure':8} {'topiclab s':>11} {'gensim s':>9} {'speed-up':>9} {'max |diff|':>11}")
    for ours, theirs in (("npmi", "c_npmi"), ("umass", "u_mass"), ("c_v", "c_v")):
        t_ours, mine = best(coherence, topics, docs, ours)
        t_ref, ref = best(gensim_coherence, topics, docs, dictionary, theirs)
        print(f"{ours:8} {t_ours:11.2f} {t_ref:9.2f} {t_ref / t_ours:9.1f} {np.abs(mine - np.array(ref)).max():11.2e}",
              flush=True)


if __name__ == "__main__":
    main()
