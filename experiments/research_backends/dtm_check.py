"""Do topica.DTM and tomotopy DTModel recover a drifting topic, how fast, and is every backend deterministic?

Drift: K = 4 topics over V = 400 words, 5 time slices of 400 documents (60 tokens, theta ~ Dirichlet(0.3)).
Each topic owns a block of 100 words (90 % of its mass; 10 % spread over all words). Topic 0 drifts: besides
10 core words (30 % of its block), 30 old words hand their weight (70 %) over to 30 new words linearly across
the slices, so its top words change gradually from slice to slice; the other topics are static. Fitted
topics are matched to true ones by the Hungarian method on their topic-word rows over all slices. Reported per backend:
precision@10 of the drifting topic's top words at each slice against the true top words at that slice,
``slice_id`` (share of slices whose fitted top words best match the true top words of the same slice, i.e.
the drift is recovered in the right order), the correlation of fitted and true probability trajectories of
the 20 words whose true probability moves most, and the run time.

Determinism: each backend is fitted twice in this process and once in a fresh process (``--digests``) with
the same seed and one thread; the SHA-256 of its outputs (doc-topic and topic-word arrays as float64 bytes)
must agree.

    python experiments/research_backends/dtm_check.py       # about 5 min on one core
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import tomotopy as tp
import topica
from scipy.optimize import linear_sum_assignment

HERE = Path(__file__).resolve().parent
K, V, T, PER_SLICE, LENGTH = 4, 400, 5, 400, 60
VOCAB = np.array([f"w{i:03d}" for i in range(V)])


def truth_phi() -> np.ndarray:
    """True topic-word distributions, T x K x V."""
    rng = np.random.default_rng(0)
    background = rng.dirichlet(np.full(V, 1.0))
    phi = np.zeros((T, K, V))
    for k in range(K):
        block = rng.dirichlet(np.full(100, 0.5))
        old_weights, new_weights = rng.dirichlet(np.full(30, 1.0)), rng.dirichlet(np.full(30, 1.0))
        for t in range(T):
            inner = block
            if k == 0:  # 10 core words stay; 30 old words hand their weight over to 30 new ones, slice by slice
                old = np.r_[np.zeros(10), old_weights, np.zeros(60)]
                new = np.r_[np.zeros(40), new_weights, np.zeros(30)]
                share = t / (T - 1)
                inner = 0.3 * np.r_[np.full(10, 0.1), np.zeros(90)] + 0.7 * ((1 - share) * old + share * new)
            phi[t, k, 100 * k:100 * (k + 1)] = 0.9 * inner
            phi[t, k] += 0.1 * background
    return phi / phi.sum(axis=2, keepdims=True)


def simulate(phi: np.ndarray) -> tuple[list[list[str]], np.ndarray]:
    rng = np.random.default_rng(1)
    docs, times = [], []
    for t in range(T):
        for _ in range(PER_SLICE):
            theta = rng.dirichlet(np.full(K, 0.3))
            docs.append(list(np.repeat(VOCAB, rng.multinomial(LENGTH, theta @ phi[t]))))
            times.append(t)
    return docs, np.array(times)


def on_vocab(words: list[str], matrix: np.ndarray) -> np.ndarray:
    out = np.zeros((matrix.shape[0], V))
    out[:, [int(w[1:]) for w in words]] = matrix
    return out


def score(name: str, fitted: np.ndarray, phi: np.ndarray, seconds: float) -> dict:
    """fitted: T x K x V on the simulation's word ids."""
    a, b = phi.transpose(1, 0, 2).reshape(K, -1), fitted.transpose(1, 0, 2).reshape(K, -1)
    sim = (a / np.linalg.norm(a, axis=1, keepdims=True)) @ (b / np.linalg.norm(b, axis=1, keepdims=True)).T
    rows, cols = linear_sum_assignment(-sim)
    drift = int(cols[list(rows).index(0)])
    top = [set(np.argsort(-fitted[t, drift])[:10]) for t in range(T)]
    true_top = [set(np.argsort(-phi[t, 0])[:10]) for t in range(T)]
    overlap = np.array([[len(top[t] & true_top[s]) / 10 for s in range(T)] for t in range(T)])
    moving = np.argsort(-(phi[:, 0].max(axis=0) - phi[:, 0].min(axis=0)))[:20]
    corr = np.mean([np.corrcoef(phi[:, 0, w], fitted[:, drift, w])[0, 1] for w in moving])
    static_p10 = np.mean([len(set(np.argsort(-fitted[t, c])[:10]) & set(np.argsort(-phi[t, r])[:10])) / 10
                          for t in range(T) for r, c in zip(rows, cols) if r != 0])
    return {"backend": name, "seconds": round(seconds, 2), "worst_match_cos": round(float(sim[rows, cols].min()), 3),
            "drift_p10_by_slice": " ".join(f"{x:.1f}" for x in np.diag(overlap)),
            "drift_p10_mean": round(float(np.diag(overlap).mean()), 3),
            "slice_id": round(float(np.mean(overlap.argmax(axis=1) == np.arange(T))), 2),
            "trajectory_corr": round(float(corr), 3), "static_p10_mean": round(float(static_p10), 3),
            "fitted_top5_first": " ".join(VOCAB[np.argsort(-fitted[0, drift])[:5]]),
            "fitted_top5_last": " ".join(VOCAB[np.argsort(-fitted[T - 1, drift])[:5]])}


def fit_topica_dtm(docs: list[list[str]], times: np.ndarray, seed: int, iters: int = 20,
                   **options: object) -> topica.DTM:
    return topica.DTM(K, seed=seed, **options).fit(docs, [int(t) for t in times], iters=iters)


def fit_tomotopy_dtm(docs: list[list[str]], times: np.ndarray, seed: int, iters: int = 1000) -> tp.DTModel:
    model = tp.DTModel(k=K, t=T, seed=seed)
    for doc, t in zip(docs, times):
        model.add_doc(doc, timepoint=int(t))
    model.train(iters, workers=1)
    return model


def drift_table(docs: list[list[str]], times: np.ndarray, phi: np.ndarray) -> pd.DataFrame:
    rows = []
    for iters, options in ((5, {}), (20, {}), (20, {"init": "spectral"}), (20, {"chain_variance": 0.05})):
        start = time.perf_counter()
        m = fit_topica_dtm(docs, times, 1, iters, **options)
        fitted = np.stack([on_vocab(m.vocabulary, np.asarray(m.topic_word(t))) for t in range(T)])
        label = " ".join([f"topica.DTM iters={iters}", *(f"{k}={v}" for k, v in options.items())])
        rows.append(score(label, fitted, phi, time.perf_counter() - start))
        print(rows[-1], flush=True)
    for iters in (200, 1000):
        start = time.perf_counter()
        mt = fit_tomotopy_dtm(docs, times, 1, iters)
        words = list(mt.used_vocabs)
        fitted = np.stack([on_vocab(words, np.array([mt.get_topic_word_dist(k, timepoint=t) for k in range(K)]))
                           for t in range(T)])
        rows.append(score(f"tomotopy DTModel iters={iters}", fitted, phi, time.perf_counter() - start))
        print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def _tomotopy_outputs(model: tp.LDAModel, timepoints: int = 0) -> list[np.ndarray]:
    theta = np.array([d.get_topic_dist() for d in model.docs])
    if timepoints:
        words = [np.array([model.get_topic_word_dist(k, timepoint=t) for k in range(model.k)])
                 for t in range(timepoints)]
    else:
        words = [np.array([model.get_topic_word_dist(k) for k in range(model.k)])]
    return [theta, *words]


def _tomotopy(kind: str, docs: list[list[str]], times: np.ndarray, workers: int = 1) -> list[np.ndarray]:
    if kind == "DTModel":
        return _tomotopy_outputs(fit_tomotopy_dtm(docs, times, 7, 100), T)
    model: tp.LDAModel
    if kind in ("LDAModel", "LDAModel+set_word_prior"):
        model = tp.LDAModel(k=K, seed=7)
    elif kind == "DMRModel":
        model = tp.DMRModel(k=K, seed=7)
    else:
        model = tp.GDMRModel(k=K, degrees=[1], seed=7)
    for doc, t in zip(docs, times):
        if kind == "DMRModel":
            model.add_doc(doc, metadata=f"s{t}")
        elif kind == "GDMRModel":
            model.add_doc(doc, numeric_metadata=[float(t)], metadata="all")
        else:
            model.add_doc(doc)
    if kind == "LDAModel+set_word_prior":
        for k in range(K):
            for w in VOCAB[100 * k + 10:100 * k + 13]:
                prior = [0.0001] * K
                prior[k] = 1.0
                model.set_word_prior(str(w), prior)
    model.train(200, workers=workers)
    return _tomotopy_outputs(model)


def backends(docs: list[list[str]], times: np.ndarray) -> dict[str, Callable[[], list[np.ndarray]]]:
    """Each backend's fit on the drift corpus (small settings), returning its output arrays."""
    seeds = {f"t{k}": [str(w) for w in VOCAB[100 * k + 10:100 * k + 13]] for k in range(K)}
    meta = np.column_stack([times == t for t in range(1, T)]).astype(float)

    def stm() -> list[np.ndarray]:
        m = topica.STM(K, seed=7).fit(docs, prevalence=meta, num_threads=1)
        draws = topica.posterior_theta_samples(m, nsims=5, seed=7, uncertainty="global")
        return [np.asarray(m.doc_topic), np.asarray(m.topic_word), draws]

    def seeded() -> list[np.ndarray]:
        m = topica.SeededLDA(seeds, seed=7, num_threads=1).fit(docs, iters=200, num_threads=1)
        return [np.asarray(m.doc_topic), np.asarray(m.topic_word)]

    def keyatm() -> list[np.ndarray]:
        m = topica.KeyATM(seeds, seed=7, num_threads=1).fit(docs, iters=200, num_threads=1)
        return [np.asarray(m.doc_topic), np.asarray(m.topic_word)]

    def dtm() -> list[np.ndarray]:
        m = fit_topica_dtm(docs, times, 7, 5)
        return [np.asarray(m.doc_topic)] + [np.asarray(m.topic_word(t)) for t in range(T)]

    out: dict[str, Callable[[], list[np.ndarray]]] = {
        "topica.STM (+posterior_theta_samples)": stm, "topica.SeededLDA": seeded, "topica.KeyATM": keyatm,
        "topica.DTM": dtm}
    for kind in ("LDAModel", "LDAModel+set_word_prior", "DMRModel", "GDMRModel", "DTModel"):
        out[f"tomotopy {kind}"] = lambda kind=kind: _tomotopy(kind, docs, times)
    out["tomotopy LDAModel workers=2"] = lambda: _tomotopy("LDAModel", docs, times, workers=2)
    return out


def digest(arrays: list[np.ndarray]) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a, dtype=np.float64).tobytes())
    return h.hexdigest()[:16]


def digests(docs: list[list[str]], times: np.ndarray) -> dict[str, str]:
    return {name: digest(fit()) for name, fit in backends(docs, times).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digests", action="store_true", help="print the output digests as JSON and stop")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    phi = truth_phi()
    docs, times = simulate(phi)
    if args.digests:
        print(json.dumps(digests(docs, times)))
        return
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    drift = drift_table(docs, times, phi)
    drift.to_csv(out / "dtm_drift.csv", index=False, float_format="%.6f", lineterminator="\n")
    first, second = digests(docs, times), digests(docs, times)
    fresh = json.loads(subprocess.run([sys.executable, __file__, "--digests"], capture_output=True, text=True,
                                      check=True).stdout.strip().splitlines()[-1])
    det = pd.DataFrame([{"backend": name, "same_process": first[name] == second[name],
                         "fresh_process": first[name] == fresh[name], "digest": first[name]} for name in first])
    det.to_csv(out / "determinism.csv", index=False, lineterminator="\n")
    with pd.option_context("display.width", 250, "display.max_columns", 20, "display.max_colwidth", 60):
        print(drift.to_string(index=False))
        print(det.to_string(index=False))


if __name__ == "__main__":
    main()
