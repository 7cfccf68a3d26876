"""Group comparison: bootstrap speed, interval coverage and null discovery rate.

1. Speed: prevalence with 2000 resamples for 20 topics x 5 groups x 1000 documents, one core.
2. Coverage: share of 95% intervals for a planted difference (topic 0 raised by 0.1 in group A;
   60 documents a group; 400 resamples) that contain the true difference, over 300 simulations.
3. Null: share of tests with q < 0.05 when no difference is planted (30 simulations x 4 topics).

    python bench/compare_stats.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_compare import simulate
from topiclab.comparisons import differences, prevalence


def main() -> None:
    rng = np.random.default_rng(0)
    props = rng.dirichlet(np.ones(20), size=1000)
    frame = pd.DataFrame(props, columns=[f"topic_{i}" for i in range(20)])
    frame["region"] = [f"g{i % 5}" for i in range(1000)]
    frame["n_tokens"] = rng.integers(50, 500, size=1000)
    with threadpool_limits(1):
        t = time.perf_counter()
        prevalence(frame, n_boot=2000)
        print(f"1. 2000 resamples, 20 topics x 5 groups x 1000 documents, one core: {time.perf_counter() - t:.2f} s")
    covered = []
    for i in range(300):
        sim, truth = simulate(rng, shift=0.1)
        row = differences(sim, weighted=False, n_boot=400, n_perm=50, seed=i).iloc[0]
        covered.append(row["ci_low"] <= truth <= row["ci_high"])
    print(f"2. coverage of 95% intervals over 300 simulations: {np.mean(covered):.3f}")
    found = tests = 0
    for i in range(30):
        sim, _ = simulate(rng, shift=0.0)
        d = differences(sim, weighted=False, n_boot=100, n_perm=400, seed=i)
        found += int(d["significant"].sum())
        tests += len(d)
    print(f"3. null: {found} of {tests} tests with q < 0.05 ({found / tests:.3f})")


if __name__ == "__main__":
    main()
