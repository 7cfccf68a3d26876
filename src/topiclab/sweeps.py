"""Sweeps: fit every k x seed on one prepared corpus and summarise coherence, exclusivity, diversity and stability.

Each fit's ``exclusivity`` is the mean over its topics of stm's exclusivity (weight 0.7, over the
``run.top_n`` terms that coherence scores, 10 by default; :func:`topiclab.validation.exclusivity`);
the summary marks the k whose mean NPMI and exclusivity no other k beats on both (``frontier``),
as stm's ``searchK`` plots coherence against exclusivity.

Fits run in ``workers`` processes, or on the Dask cluster :func:`topiclab.cluster.scheduler_address`
names; rows come back in (k, seed) order and each fit is seeded by its own settings, so the tables
are the same whatever the worker count and wherever the fits ran.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Sequence

import numpy as np
import pandas as pd
from tqdm import tqdm

from topiclab.cluster import map_in_order, scheduler_address
from topiclab.config import FitConfig
from topiclab.pipeline import Prepared, fit_prepared
from topiclab.select import SWEEP_METRICS, check_sweep, frontier, topic_stability
from topiclab.validation import exclusivity


def _fit_one(args: tuple) -> tuple[int, int, dict, np.ndarray]:
    prepared, config = args
    return _fit_on(prepared, config)


def _fit_on(prepared: Prepared, config: FitConfig) -> tuple[int, int, dict, np.ndarray]:
    fit = fit_prepared(prepared, config)
    excl = exclusivity(fit.result.topic_term, n=config.run.top_n)  # over the words coherence scores
    metrics = {**fit.metrics, "exclusivity": round(float(excl.mean()), 6)}
    return config.model.k, config.model.seed, metrics, fit.result.topic_term


def sweep(prepared: Prepared, config: FitConfig, ks: Sequence[int], seeds: Sequence[int], *, workers: int = 1,
          progress: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit every (k, seed), in ``workers`` processes; return ``(runs, summary)`` DataFrames.

    ``runs`` has one row a fit with every metric; ``summary`` one row a k: metric means and
    ``stability`` across seeds, and ``frontier`` (True for a k on the NPMI-exclusivity frontier).
    Rows are in (k, seed) order whatever the worker count.

    Example:
        >>> from topiclab.pipeline import prepare
        >>> config = FitConfig()
        >>> runs, summary = sweep(prepare(config, cache_dir=None), config, [3, 5], [1, 2])
        >>> len(runs), summary["k"].tolist(), bool(summary["stability"].between(0, 1).all())
        (4, [3, 5], True)
        >>> bool(runs["exclusivity"].between(0, 10).all()), bool(summary["frontier"].any())
        (True, True)
    """
    check_sweep(ks, seeds, workers=workers)
    jobs = [(prepared, config.with_overrides([f"model.k={k}", f"model.seed={s}"])) for k in ks for s in seeds]
    bar = tqdm(total=len(jobs), unit="fit", desc="sweep", disable=not progress, file=sys.stderr)
    with bar:
        address = scheduler_address()
        if address is not None:  # the prepared corpus goes to the cluster once
            results = map_in_order(_fit_on, [c for _, c in jobs], address, shared=prepared, done=lambda _: bar.update())
        elif workers == 1:
            results = []
            for job in jobs:
                results.append(_fit_one(job))
                bar.update()
        else:
            ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
            with ctx.Pool(workers) as pool:
                results = []
                for r in pool.imap(_fit_one, jobs):
                    results.append(r)
                    bar.update()
    runs = pd.DataFrame([{**metrics, "k": k, "seed": s} for k, s, metrics, _ in results])
    rows = []
    for k in ks:
        part = runs[runs["k"] == k]
        row: dict[str, float] = {"k": k, "n_seeds": len(part)}
        for name in (*SWEEP_METRICS, "perplexity_train", "perplexity_heldout", "silhouette"):
            if name in part:
                row[name] = round(float(part[name].mean()), 6)
        terms = [tt for kk, _, _, tt in results if kk == k]
        row["stability"] = round(topic_stability(terms), 6) if len(terms) > 1 else float("nan")
        rows.append(row)
    summary = pd.DataFrame(rows)
    summary["frontier"] = frontier(summary["npmi"], summary["exclusivity"])
    return runs, summary
