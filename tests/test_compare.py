"""Group comparisons: planted differences covered at the nominal rate, null findings rare."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from topiclab.comparisons import differences, divergence, prevalence
from topiclab.errors import ConfigError


def simulate(rng: np.random.Generator, shift: float, n: int = 60, k: int = 4) -> tuple[pd.DataFrame, float]:
    """Two groups; group A's topic 0 share is raised by `shift` (in Dirichlet mean)."""
    base = np.full(k, 1.0 / k)
    a_mean = base.copy()
    a_mean[0] += shift
    a_mean[1:] -= shift / (k - 1)
    a = rng.dirichlet(a_mean * 20, size=n)
    b = rng.dirichlet(base * 20, size=n)
    frame = pd.DataFrame(np.vstack([a, b]), columns=[f"topic_{i}" for i in range(k)])
    frame["region"] = ["A"] * n + ["B"] * n
    return frame, a_mean[0] - base[0]


def test_intervals_cover_a_planted_difference_near_the_nominal_rate():
    rng = np.random.default_rng(0)
    covered = []
    for i in range(120):
        frame, truth = simulate(rng, shift=0.1)
        row = differences(frame, weighted=False, n_boot=400, n_perm=50, seed=i).iloc[0]
        covered.append(row["ci_low"] <= truth <= row["ci_high"])
    rate = float(np.mean(covered))
    assert 0.88 <= rate <= 0.99, rate  # nominal 0.95; bench/compare_stats.py measures 0.940 over 300 runs


def test_no_planted_difference_gives_few_discoveries():
    rng = np.random.default_rng(1)
    found, tests = 0, 0
    for i in range(30):
        frame, _ = simulate(rng, shift=0.0)
        d = differences(frame, weighted=False, n_boot=100, n_perm=400, seed=i)
        found += int(d["significant"].sum())
        tests += len(d)
    assert found / tests <= 0.05


def test_small_groups_are_flagged_and_never_significant():
    rng = np.random.default_rng(2)
    frame, _ = simulate(rng, shift=0.4, n=40)
    frame.loc[:1, "region"] = "C"  # two documents
    d = differences(frame, weighted=False, n_boot=200, n_perm=200, min_docs=5)
    small = d[(d["group_a"] == "C") | (d["group_b"] == "C")]
    assert small["small_group"].all() and not small["significant"].any() and small["q_value"].isna().all()
    assert d[(d["group_a"] == "A") & (d["group_b"] == "B") & (d["topic"] == 0)]["significant"].item()
    p = prevalence(frame, weighted=False, n_boot=100, min_docs=5)
    assert p[p["group"] == "C"]["small_group"].all() and not p[p["group"] == "A"]["small_group"].any()


def test_divergence_separates_planted_groups_from_noise():
    rng = np.random.default_rng(3)
    planted, _ = simulate(rng, shift=0.3)
    null, _ = simulate(rng, shift=0.0)
    assert divergence(planted, weighted=False, n_perm=300).iloc[0]["p_value"] < 0.01
    assert divergence(null, weighted=False, n_perm=300).iloc[0]["p_value"] > 0.01


def test_weighting_by_length_and_bad_grouping():
    frame = pd.DataFrame({"region": ["A", "A", "B", "B"], "topic_0": [1.0, 0.0, 0.5, 0.5],
                          "topic_1": [0.0, 1.0, 0.5, 0.5], "n_tokens": [30, 10, 5, 5]})
    p = prevalence(frame, n_boot=50, min_docs=1)
    assert p[(p["group"] == "A") & (p["topic"] == 0)]["mean"].item() == pytest.approx(0.75)
    with pytest.raises(ConfigError, match="no column 'province' to group by"):
        prevalence(frame, "province")
    with pytest.raises(ConfigError, match="has 1 group"):
        prevalence(frame.assign(region="A"))


def test_compare_cli_on_a_seed_run(tmp_path: Path):
    run_dir = tmp_path / "run"
    cli = [sys.executable, "-m", "topiclab.cli"]
    assert subprocess.run([*cli, "fit", "--quiet", "--no-cache", "--out", str(run_dir)], check=False).returncode == 0
    res = subprocess.run([*cli, "compare", str(run_dir), "--n-boot", "300"], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    out = run_dir / "compare-region"
    prev = pd.read_csv(out / "prevalence.csv")
    assert set(prev["group"]) == {"上海", "江苏", "浙江", "长三角"} and len(prev) == 40
    assert prev[prev["group"].isin(["江苏", "浙江"])]["small_group"].all()
    diffs = pd.read_csv(out / "differences.csv")
    assert not diffs[diffs["small_group"]]["significant"].any()
    assert {"distinctive_terms.csv", "divergence.csv", "effects.csv"} <= {p.name for p in out.iterdir()}
    by_topic = pd.read_csv(out / "distinctive_terms_by_topic.csv")
    assert set(by_topic["topic"]) == set(range(10)) and set(by_topic["group"]) == set(prev["group"])
    res = subprocess.run([*cli, "compare", str(run_dir), "--n-boot", "50", "--covariates", "section", "--out",
                          str(tmp_path / "cov")], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    assert any(t.startswith("section_") for t in pd.read_csv(tmp_path / "cov" / "effects.csv")["term"])
    res = subprocess.run([*cli, "compare", str(run_dir), "--by", "author"], capture_output=True, text=True, check=False)
    assert res.returncode == 2 and "no column 'author' to group by" in res.stderr
    (run_dir / "tokens.jsonl").unlink()
    res = subprocess.run([*cli, "compare", str(run_dir), "--out", str(tmp_path / "c")], capture_output=True, text=True,
                         check=False)
    assert res.returncode == 2 and "missing tokens.jsonl" in res.stderr


def test_effects_recover_a_planted_group_effect_with_posterior_draws():
    from topiclab.comparisons import effects

    rng = np.random.default_rng(4)
    frame, truth = simulate(rng, shift=0.2, n=80)
    frame["n_tokens"] = 200
    fixed = effects(frame, alpha=None, n_sims=300)
    drawn = effects(frame, alpha=0.1, n_sims=300)
    row_f = fixed.query("topic == 0 and term == 'B'").iloc[0]
    row_d = drawn.query("topic == 0 and term == 'B'").iloc[0]
    assert row_f["ci_low"] <= -truth <= row_f["ci_high"] and row_f["reference"] == "A"
    # drawing proportions from the posterior widens the interval
    assert (row_d["ci_high"] - row_d["ci_low"]) > (row_f["ci_high"] - row_f["ci_low"])


def test_terms_by_topic_find_each_groups_own_words_within_a_topic():
    from topiclab.distinctive import distinctive_terms_by_topic

    # topic 0 (industry): A says 芯片, B says 集成电路; topic 1 (ecology): both groups write alike
    terms = ["芯片", "集成电路", "产业", "生态", "保护"]
    phi = np.array([[0.3, 0.3, 0.4, 0.0, 0.0], [0.0, 0.0, 0.0, 0.5, 0.5]])
    rng = np.random.default_rng(5)
    tokens, groups, theta = [], [], []
    for g, own in (("A", "芯片"), ("B", "集成电路")):
        for _ in range(30):
            share = rng.uniform(0.3, 0.7)
            n0 = int(40 * share)
            tokens.append([own] * (n0 // 2) + ["产业"] * (n0 - n0 // 2)
                          + list(rng.choice(["生态", "保护"], size=40 - n0)))
            groups.append(g)
            theta.append([share, 1 - share])
    d = distinctive_terms_by_topic(tokens, groups, np.array(theta), phi, terms, top_n=2)
    top = d[d["rank"] == 1].set_index(["topic", "group"])["term"].to_dict()
    assert top[(0, "A")] == "芯片" and top[(0, "B")] == "集成电路"
    assert d[(d["topic"] == 0) & (d["rank"] == 1)]["z"].min() > 5
    assert d[d["topic"] == 1]["z"].abs().max() < 3  # no group difference planted in topic 1
    with pytest.raises(ConfigError, match="at least two groups"):
        distinctive_terms_by_topic(tokens, ["A"] * len(tokens), np.array(theta), phi, terms)
