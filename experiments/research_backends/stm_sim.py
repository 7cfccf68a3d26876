"""Which backend recovers planted covariate effects on topic prevalence, with calibrated intervals?

Each replication simulates a corpus from the STM's generative story: K = 6 topics over V = 500 words
(topic-word rows Dirichlet(0.05)); D documents of 50-100 tokens; each document's topic logits are
``mu(x) + N(0, 0.6^2 I)``, where ``mu`` depends on a 3-level region (华南 raises topic 0 by 0.8, 华东 lowers
topic 1 by 0.7, 华北 is the reference) and on year (2010-2023, topic 2 rises 0.08 a year); other topics have
no effect. The truth an effect estimates is the population regression of E[theta | covariates] on the
design: E[theta | x_d] by Monte Carlo of the logistic normal at each document's covariates, regressed on
the same design (so it is on the proportion scale, and is exactly what a method-of-composition regression
of theta on the design targets).

Backends (fitted topics matched to true ones by the Hungarian method on topic-word cosine):

- ``stm``: ``topica.STM`` with prevalence ``region + year``; effects by ``topica.estimate_effect`` on
  ``topica.posterior_theta_samples`` draws, for uncertainty in {global, local, none} x nsims in {25, 100};
  also ``restarts=3`` (best variational bound of 3 inits) and a ``region + s(year)`` fit (R stm's B-spline),
  whose year effect is scored as the contrast f(2023) - f(2010).
- ``lda``: tomotopy ``LDAModel`` (Gibbs, 1000 iterations) + the same regression with Dirichlet draws of
  each document's theta (``topica.effects.dirichlet_theta_samples``), i.e. the LDA-then-regress baseline.
- ``gdmr``: tomotopy ``GDMRModel`` (categorical region + linear Legendre term for year). Its lambdas are
  log-prior weights, so the implied E[theta | x] (``tdf``, normalised) is regressed on the design; no
  intervals. ``gdmr_doc`` regresses its per-document theta with Dirichlet draws, which does give intervals.

    python experiments/research_backends/stm_sim.py              # 30 replications, ~6 min on 1 core
    python experiments/research_backends/stm_sim.py --reps 5 --docs 1000
"""

from __future__ import annotations

import argparse
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import tomotopy as tp
import topica
from scipy.optimize import linear_sum_assignment
from topica.effects import dirichlet_theta_samples
from topica.stm import estimate_effect, posterior_theta_samples, s

K, V, SIGMA = 6, 500, 0.6
REGIONS = np.array(["华北", "华东", "华南"])
YEARS = np.arange(2010, 2024)
TERMS = ["region=华东", "region=华南", "year"]
PLANTED = {(0, "region=华南"), (1, "region=华东"), (2, "year")}
HERE = Path(__file__).resolve().parent


@dataclass
class Sim:
    docs: list[list[str]]
    region: np.ndarray  # level index 0..2
    year: np.ndarray
    phi: np.ndarray  # true topic-word, K x V
    expected: np.ndarray  # E[theta | x_d], D x K
    x: np.ndarray  # design without intercept: region dummies + centred year


def logistic_normal_mean(mu: np.ndarray, rng: np.random.Generator, n_mc: int = 400) -> np.ndarray:
    eta = mu[None] + rng.normal(0, SIGMA, (n_mc, *mu.shape))
    theta = np.exp(eta - eta.max(axis=2, keepdims=True))
    return (theta / theta.sum(axis=2, keepdims=True)).mean(axis=0)


def design(region: np.ndarray, year: np.ndarray) -> np.ndarray:
    return np.column_stack([region == 1, region == 2, year - YEARS.mean()]).astype(float)


def simulate(seed: int, n_docs: int) -> Sim:
    rng = np.random.default_rng(seed)
    phi = rng.dirichlet(np.full(V, 0.05), K)
    region = rng.integers(0, 3, n_docs)
    year = rng.choice(YEARS, n_docs).astype(float)
    mu = np.zeros((n_docs, K))
    mu[:, 0] += 0.8 * (region == 2)
    mu[:, 1] -= 0.7 * (region == 1)
    mu[:, 2] += 0.08 * (year - YEARS.mean())
    eta = mu + rng.normal(0, SIGMA, mu.shape)
    theta = np.exp(eta - eta.max(axis=1, keepdims=True))
    theta /= theta.sum(axis=1, keepdims=True)
    lengths = rng.integers(50, 101, n_docs)
    vocab = np.array([f"w{i:03d}" for i in range(V)])
    docs = [list(np.repeat(vocab, rng.multinomial(lengths[d], theta[d] @ phi))) for d in range(n_docs)]
    return Sim(docs, region, year, phi, logistic_normal_mean(mu, rng), design(region, year))


def topic_word_full(vocabulary: list[str], matrix: np.ndarray) -> np.ndarray:
    """Put a backend's topic-word matrix (its own vocabulary order) on the simulation's word ids."""
    out = np.zeros((matrix.shape[0], V))
    out[:, [int(w[1:]) for w in vocabulary]] = matrix
    return out


def match(phi: np.ndarray, fitted: np.ndarray) -> tuple[dict[int, int], float]:
    """Fitted topic -> true topic, and the worst matched cosine."""
    a = phi / np.linalg.norm(phi, axis=1, keepdims=True)
    b = fitted / np.linalg.norm(fitted, axis=1, keepdims=True)
    sim = a @ b.T
    rows, cols = linear_sum_assignment(-sim)
    return {int(c): int(r) for r, c in zip(rows, cols)}, float(sim[rows, cols].min())


def score(method: str, rep: int, seconds: float, worst_cos: float, topic_map: dict[int, int],
          coef: np.ndarray, low: np.ndarray | None, high: np.ndarray | None, truth: np.ndarray,
          terms: list[str]) -> list[dict]:
    """One row per (true topic, term); coef/low/high/truth are terms x topics (fitted / true topic order)."""
    rows = []
    for fitted, true in sorted(topic_map.items(), key=lambda kv: kv[1]):
        for j, term in enumerate(terms):
            lo = np.nan if low is None else float(low[j, fitted])
            hi = np.nan if high is None else float(high[j, fitted])
            rows.append({"method": method, "rep": rep, "topic": true, "term": term, "estimate": float(coef[j, fitted]),
                         "ci_low": lo, "ci_high": hi, "truth": float(truth[j, true]),
                         "planted": (true, term) in PLANTED, "seconds": seconds, "worst_cos": worst_cos})
    return rows


def effect_arrays(effects: list, rows: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    coef = np.array([[e.coef[r] for e in effects] for r in rows])
    low = np.array([[e.ci_low[r] for e in effects] for r in rows])
    high = np.array([[e.ci_high[r] for e in effects] for r in rows])
    return coef, low, high


def run_stm(sim: Sim, rep: int, truth: np.ndarray) -> list[dict]:
    rows: list[dict] = []
    for label, restarts in (("stm", 1), ("stm_restarts3", 3)):
        start = time.perf_counter()
        model = topica.STM(K, seed=rep).fit(sim.docs, prevalence=sim.x, prevalence_names=TERMS,
                                            num_threads=1, restarts=restarts)
        fit_s = time.perf_counter() - start
        topic_map, worst = match(sim.phi, topic_word_full(model.vocabulary, np.asarray(model.topic_word)))
        settings = [(u, n) for u in ("global", "local", "none") for n in (25, 100)]
        if restarts > 1:
            settings = [("global", 25)]
        for uncertainty, nsims in settings:
            draws = posterior_theta_samples(model, nsims=nsims, seed=rep, uncertainty=uncertainty)
            coef, low, high = effect_arrays(estimate_effect(draws, sim.x, feature_names=TERMS), [1, 2, 3])
            rows += score(f"{label}/{uncertainty}/{nsims}", rep, fit_s, worst, topic_map, coef, low, high, truth, TERMS)
    rows += run_stm_spline(sim, rep)
    return rows


def run_stm_spline(sim: Sim, rep: int) -> list[dict]:
    """region + s(year): the year effect is the contrast f(2023) - f(2010), with its variance from the vcov."""
    basis, names = s(sim.year, name="year")
    x = np.column_stack([sim.x[:, :2], basis])
    # Every year occurs in the data, so the basis at the end years is the basis row of a document from that year.
    grid = np.vstack([basis[np.flatnonzero(sim.year == y)[0]] for y in (YEARS[0], YEARS[-1])])
    contrast = np.zeros(x.shape[1] + 1)
    contrast[3:] = grid[1] - grid[0]
    xi = np.column_stack([np.ones(len(x)), x])
    truth_full = np.linalg.lstsq(xi, sim.expected, rcond=None)[0]
    truth = np.vstack([truth_full[1], truth_full[2], contrast @ truth_full])
    start = time.perf_counter()
    model = topica.STM(K, seed=rep).fit(sim.docs, prevalence=x, prevalence_names=TERMS[:2] + names, num_threads=1)
    fit_s = time.perf_counter() - start
    topic_map, worst = match(sim.phi, topic_word_full(model.vocabulary, np.asarray(model.topic_word)))
    draws = posterior_theta_samples(model, nsims=25, seed=rep, uncertainty="global")
    effects = estimate_effect(draws, x, feature_names=TERMS[:2] + names)
    z = 1.959964
    coef = np.array([[e.coef[1] for e in effects], [e.coef[2] for e in effects], [contrast @ e.coef for e in effects]])
    se = np.array([[e.se[1] for e in effects], [e.se[2] for e in effects],
                   [float(np.sqrt(contrast @ e.vcov @ contrast)) for e in effects]])
    return score("stm_spline/global/25", rep, fit_s, worst, topic_map, coef, coef - z * se, coef + z * se, truth,
                 [*TERMS[:2], "year(2023-2010)"])


def tomotopy_theta(model: tp.LDAModel) -> np.ndarray:
    return np.array([doc.get_topic_dist() for doc in model.docs])


def composition(theta: np.ndarray, lengths: np.ndarray, alpha_sum: float, sim: Sim, rep: int):
    draws = dirichlet_theta_samples(theta, lengths, nsims=25, seed=rep, prior=alpha_sum)
    return effect_arrays(estimate_effect(draws, sim.x, feature_names=TERMS), [1, 2, 3])


def run_lda(sim: Sim, rep: int, truth: np.ndarray) -> list[dict]:
    start = time.perf_counter()
    model = tp.LDAModel(k=K, seed=rep)
    for doc in sim.docs:
        model.add_doc(doc)
    model.train(1000, workers=1)
    fit_s = time.perf_counter() - start
    topic_map, worst = match(sim.phi, topic_word_full(list(model.used_vocabs),
                                                      np.array([model.get_topic_word_dist(k) for k in range(K)])))
    lengths = np.array([len(d.words) for d in model.docs], dtype=float)
    coef, low, high = composition(tomotopy_theta(model), lengths, float(np.sum(model.alpha)), sim, rep)
    return score("lda+composition", rep, fit_s, worst, topic_map, coef, low, high, truth, TERMS)


def run_gdmr(sim: Sim, rep: int, truth: np.ndarray, sweeps: int = 1000) -> list[dict]:
    start = time.perf_counter()
    # metadata_range= segfaults in tomotopy 0.14 (any form); the range is taken from the documents instead.
    model = tp.GDMRModel(k=K, degrees=[1], seed=rep)
    for doc, r, y in zip(sim.docs, sim.region, sim.year):
        model.add_doc(doc, numeric_metadata=[float(y)], metadata=str(REGIONS[r]))
    model.train(sweeps, workers=1)
    fit_s = time.perf_counter() - start
    topic_map, worst = match(sim.phi, topic_word_full(list(model.used_vocabs),
                                                      np.array([model.get_topic_word_dist(k) for k in range(K)])))
    cells = {(r, y): np.asarray(model.tdf([float(y)], metadata=str(REGIONS[r]), normalize=True))
             for r in range(3) for y in YEARS}
    implied = np.array([cells[(r, int(y))] for r, y in zip(sim.region, sim.year)])
    xi = np.column_stack([np.ones(len(sim.x)), sim.x])
    coef = np.linalg.lstsq(xi, implied, rcond=None)[0][1:]
    rows = score("gdmr(implied prior)", rep, fit_s, worst, topic_map, coef, None, None, truth, TERMS)
    lengths = np.array([len(d.words) for d in model.docs], dtype=float)
    theta = tomotopy_theta(model)
    # Each document's Dirichlet prior is exp(tdf logits) at its covariates: its sum is the pseudo-count to add.
    alpha_sums = {key: float(np.exp(np.asarray(model.tdf([float(key[1])], metadata=str(REGIONS[key[0]]),
                                                                normalize=False))).sum()) for key in cells}
    doc_alpha = np.array([alpha_sums[(r, int(y))] for r, y in zip(sim.region, sim.year)])
    coef, low, high = composition(theta, lengths + doc_alpha, 0.0, sim, rep)
    return rows + score("gdmr_doc+composition", rep, fit_s, worst, topic_map, coef, low, high, truth, TERMS)


def summarise(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.assign(covered=(rows["ci_low"] <= rows["truth"]) & (rows["truth"] <= rows["ci_high"]),
                       has_ci=rows["ci_low"].notna())
    out = []
    for method, g in rows.groupby("method", sort=False):
        per_rep = g.groupby("rep").apply(lambda r: np.corrcoef(r["estimate"], r["truth"])[0, 1], include_groups=False)
        ci = bool(g["has_ci"].all())
        out.append({
            "method": method, "reps": g["rep"].nunique(),
            "coverage": g["covered"].mean() if ci else np.nan,
            "coverage_planted": g.loc[g["planted"], "covered"].mean() if ci else np.nan,
            "coverage_null": g.loc[~g["planted"], "covered"].mean() if ci else np.nan,
            "mean_ci_width": (g["ci_high"] - g["ci_low"]).mean() if ci else np.nan,
            "corr_pooled": np.corrcoef(g["estimate"], g["truth"])[0, 1],
            "corr_median_rep": per_rep.median(), "corr_min_rep": per_rep.min(),
            "rmse": float(np.sqrt(((g["estimate"] - g["truth"]) ** 2).mean())),
            # signed error of planted effects, positive = exaggerated; and error spread over mean SE on null cells
            "planted_bias": float(((g["estimate"] - g["truth"]) * np.sign(g["truth"]))[g["planted"]].mean()),
            "null_sd_over_se": float((g["estimate"] - g["truth"])[~g["planted"]].std()
                                     / ((g["ci_high"] - g["ci_low"])[~g["planted"]] / 3.919928).mean())
            if ci else np.nan,
            "coverage_good_fits": g.loc[g["worst_cos"] >= 0.8, "covered"].mean() if ci else np.nan,
            "bad_recovery_reps": int((g.groupby("rep")["worst_cos"].first() < 0.8).sum()),
            "fit_seconds": g.groupby("rep")["seconds"].first().mean(),
        })
    return pd.DataFrame(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--docs", type=int, default=1500)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--summarise-only", action="store_true", help="rebuild the summary from the effects CSV")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # topica warns about reference levels and draws; the table says what matters
    if args.summarise_only:
        write_summary(pd.read_csv(args.out / "stm_sim_effects.csv"), args.out)
        return
    rows: list[dict] = []
    for rep in range(1, args.reps + 1):
        start = time.perf_counter()
        sim = simulate(rep, args.docs)
        xi = np.column_stack([np.ones(args.docs), sim.x])
        truth = np.linalg.lstsq(xi, sim.expected, rcond=None)[0][1:]  # terms x topics
        rows += run_stm(sim, rep, truth) + run_lda(sim, rep, truth) + run_gdmr(sim, rep, truth)
        print(f"rep {rep}: {time.perf_counter() - start:.1f} s", flush=True)
    table = pd.DataFrame(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "stm_sim_effects.csv", index=False, float_format="%.6f", lineterminator="\n")
    write_summary(table, args.out)


def write_summary(table: pd.DataFrame, out: Path, name: str = "stm_sim_summary.csv") -> None:
    summary = summarise(table)
    summary.to_csv(out / name, index=False, float_format="%.4f", lineterminator="\n")
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(summary.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
