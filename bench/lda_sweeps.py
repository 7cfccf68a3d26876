"""How many Gibbs sweeps does a large corpus need? Topic quality of one chain at checkpoints.

Preprocesses a corpus (JSON lines with ``id`` and ``text``, e.g. the 100,000 documents
``bench/scale.py 100000 --keep DIR`` leaves in ``DIR/docs.jsonl``), then trains LDA (tomotopy,
k = 50, the shard count topiclab would choose, seed 0) to ``--sweeps`` sweeps in blocks of ten,
as ``topiclab fit`` does. At each checkpoint it prints the per-word log-likelihood, whether each
stopping rule would have stopped there, the topics' mean NPMI (top 10 words, window 10, over the
units) and, against the last checkpoint, the share of top-10 words kept and the NMI of the units'
dominant topics: how far from the long chain's answer a user who stopped there would be.

    python bench/lda_sweeps.py DIR/docs.jsonl --cache DIR/cache
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np

from topiclab.config import FitConfig
from topiclab.evaluate import coherence
from topiclab.models import lda_tomotopy as lt
from topiclab.pipeline import prepare

CHECKPOINTS = (50, 100, 150, 200, 250, 300, 400, 500)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("docs", type=Path)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--sweeps", type=int, default=500)
    args = parser.parse_args()
    import tomotopy

    config = FitConfig().with_overrides([f"model.k={args.k}", "run.workers=2", f"input.path={args.docs}",
                                         "input.id_col=id"])
    prepared = prepare(config, cache_dir=args.cache)
    counts, terms = prepared.counts, prepared.vocabulary.terms
    shards = lt.auto_shards(float(counts.sum()))
    print(f"{counts.shape[0]:,} units, {int(counts.sum()):,} tokens, {len(terms):,} terms, {shards} shards", flush=True)
    model = tomotopy.LDAModel(k=args.k, alpha=lt.ALPHA, eta=lt.ETA, seed=0)
    for words in lt.unit_words(counts):
        model.add_doc(words or [lt.EMPTY])
    trace: list[float] = []
    saved: dict[int, tuple[list[list[str]], np.ndarray]] = {}
    stopped: int | None = None
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=RuntimeWarning)
        for done in range(lt.BLOCK, args.sweeps + 1, lt.BLOCK):
            model.train(lt.BLOCK, workers=shards, parallel=tomotopy.ParallelScheme.PARTITION)
            trace.append(float(model.ll_per_word))
            if stopped is None and lt.converged(trace):
                stopped = done
            if done in CHECKPOINTS or done == args.sweeps:
                top = [[terms[int(w)] for w, _ in model.get_topic_words(t, top_n=10) if w != lt.EMPTY]
                       for t in range(args.k)]
                dominant = np.array([int(np.argmax(d.get_topic_dist())) for d in model.docs])
                saved[done] = (top, dominant)
                print(f"  {done} sweeps, {time.perf_counter() - start:.0f} s", flush=True)
    from sklearn.metrics import normalized_mutual_info_score

    last_top, last_dom = saved[max(saved)]
    texts = prepared.units.tokens
    print(f"the log-likelihood rule (TOL {lt.TOL}) stopped at {stopped} sweeps")
    print(f"{'sweeps':>6} {'ll/word':>9} {'npmi':>7} {'top10 kept':>10} {'nmi vs last':>11}")
    for done, (top, dom) in saved.items():
        npmi = float(coherence(top, texts, "npmi").mean())
        kept = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(top, last_top)])
        nmi = normalized_mutual_info_score(last_dom, dom)
        print(f"{done:6d} {trace[done // lt.BLOCK - 1]:9.4f} {npmi:7.4f} {kept:10.3f} {nmi:11.4f}", flush=True)


if __name__ == "__main__":
    main()
