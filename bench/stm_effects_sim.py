"""Do topiclab's STM effects recover planted covariate effects, with intervals that cover the truth?

Each replication simulates a corpus from the STM's own generative story: six topics over 500
words; each document's logistic-normal topic mean depends on a categorical covariate (three
regions: 浙江 raises topic 1, 江苏 lowers topic 2) and a continuous one (year: topic 3 rises);
the other topics have no effect. topiclab's STM (``topiclab.models.STM``, ``~ region + year``)
is fitted, its topics matched to the true ones (Hungarian, on topic-word cosine), and the
effects computed by the method of composition (``topiclab.model_effects``).

The truth an effect estimates is the regression of the expected proportions on the design:
E[theta | a document's covariates] by Monte Carlo of the logistic normal, regressed on the same
design. Reported: coverage of the 95 % intervals over every (topic, effect) of every replication,
coverage of the planted non-zero effects alone, and the correlation of estimates with the truth.

    python bench/stm_effects_sim.py            # 50 replications, about 3 minutes on 2 cores
    python bench/stm_effects_sim.py --reps 10 --docs 600
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from topiclab.model_effects import composed_coefficients, effects_from_draws
from topiclab.models.stm import STM

K, V, WORDS = 6, 500, 80
REGIONS = ("上海", "江苏", "浙江")


def simulate(rng: np.random.Generator, n_docs: int) -> tuple[np.ndarray, pd.DataFrame, np.ndarray, np.ndarray]:
    """Counts, metadata, true topic-word matrix and each document's logistic-normal mean."""
    phi = rng.dirichlet(np.full(V, 0.05), K)
    region = rng.choice(len(REGIONS), n_docs)
    year = rng.integers(2010, 2024, n_docs).astype(float)
    mu = np.zeros((n_docs, K))
    mu[:, 1] += 0.8 * (region == 2)
    mu[:, 2] -= 0.7 * (region == 1)
    mu[:, 3] += 0.08 * (year - 2017)
    eta = mu + rng.normal(0, 0.6, (n_docs, K))
    theta = np.exp(eta - eta.max(axis=1, keepdims=True))
    theta /= theta.sum(axis=1, keepdims=True)
    counts = np.vstack([rng.multinomial(WORDS, theta[d] @ phi) for d in range(n_docs)])
    meta = pd.DataFrame({"region": [REGIONS[r] for r in region], "year": year})
    return counts, meta, phi, mu


def true_effects(mu: np.ndarray, x: np.ndarray, rng: np.random.Generator, n_mc: int = 400) -> np.ndarray:
    """The regression of E[theta | covariates] on the design (coefficients x topics)."""
    eta = mu[None] + rng.normal(0, 0.6, (n_mc, *mu.shape))
    theta = np.exp(eta - eta.max(axis=2, keepdims=True))
    expected = (theta / theta.sum(axis=2, keepdims=True)).mean(axis=0)
    return np.linalg.lstsq(x, expected, rcond=None)[0]


def replicate(seed: int, n_docs: int, n_sims: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    counts, meta, phi, mu = simulate(rng, n_docs)
    stm = STM(K, prevalence="~ region + year", random_state=seed).fit(counts, metadata=meta)
    design = stm.design_
    x = np.column_stack([np.ones(n_docs), design.matrix])
    truth = true_effects(mu, x, rng)
    fitted = stm.components_ / np.linalg.norm(stm.components_, axis=1, keepdims=True)
    planted = phi / np.linalg.norm(phi, axis=1, keepdims=True)
    rows, cols = linear_sum_assignment(-(planted @ fitted.T))
    match = dict(zip(cols, rows))  # fitted topic -> true topic
    eff = effects_from_draws(stm.theta_draws(n_sims, seed), design, seed=seed)
    names = list(design.columns)
    eff["true_topic"] = eff["topic"].map(match)
    eff["truth"] = [truth[names.index(term) + 1, t] for term, t in zip(eff["term"], eff["true_topic"])]
    eff["planted"] = [(t, term) in {(1, "region=浙江"), (2, "region=江苏"), (3, "year")}
                      for t, term in zip(eff["true_topic"], eff["term"])]
    eff["covered"] = (eff["ci_low"] <= eff["truth"]) & (eff["truth"] <= eff["ci_high"])
    eff["rep"] = seed
    return eff


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=50)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--sims", type=int, default=100, help="posterior draws per replication")
    args = ap.parse_args()
    assert composed_coefficients  # the function the effects are composed with (see topiclab.model_effects)
    t = time.perf_counter()
    frames = [replicate(seed, args.docs, args.sims) for seed in range(1, args.reps + 1)]
    allr = pd.concat(frames, ignore_index=True)
    planted = allr[allr["planted"]]
    corr = float(np.corrcoef(allr["estimate"], allr["truth"])[0, 1])
    per_rep = allr.groupby("rep").apply(lambda f: np.corrcoef(f["estimate"], f["truth"])[0, 1], include_groups=False)
    print(f"{args.reps} replications of {args.docs} documents, {K} topics, {args.sims} posterior draws each "
          f"({time.perf_counter() - t:.0f} s)")
    print(f"coverage of 95 % intervals, every effect: {allr['covered'].mean():.3f} ({len(allr)} intervals)")
    print(f"coverage, planted non-zero effects:      {planted['covered'].mean():.3f} ({len(planted)} intervals)")
    print(f"coverage, zero effects:                  {allr[~allr['planted']]['covered'].mean():.3f}")
    print(f"correlation of estimates with the truth: {corr:.3f} (pooled); per replication median "
          f"{per_rep.median():.3f}, min {per_rep.min():.3f}")
    by_term = allr.groupby("term")["covered"].mean().round(3)
    print("coverage by term:", by_term.to_dict())
    found = planted.assign(found=(planted["ci_low"] > 0) | (planted["ci_high"] < 0))["found"].mean()
    print(f"planted effects whose interval excludes zero: {found:.3f}")


if __name__ == "__main__":
    main()
