"""LDA sampled in shards: the same bytes for a seed and a shard count on any machine, a recorded
shard count, a chain that stops when it has converged, and the refusals."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import topiclab
from topiclab.cli import main
from topiclab.errors import ConfigError
from topiclab.models.lda import LDA
from topiclab.models.lda_tomotopy import SWEEPS

THEMES = [["集成电路", "芯片", "晶圆", "封装", "半导体"], ["生态", "环境", "碳排放", "绿色", "污染"],
          ["金融", "贷款", "银行", "融资", "债券"], ["港口", "航运", "物流", "集装箱", "码头"]]


def planted_counts(n: int = 240, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Documents of one theme each (20 words of its theme, 4 of the rest), and the themes."""
    rng = np.random.default_rng(seed)
    themes = np.arange(n) % len(THEMES)
    X = np.zeros((n, 20), dtype=int)
    for d, t in enumerate(themes):
        for w in rng.integers(0, 5, size=20):
            X[d, 5 * t + w] += 1
        for w in rng.integers(0, 20, size=4):
            X[d, w] += 1
    return X, themes


def digest(est: LDA) -> str:
    return hashlib.sha256(np.ascontiguousarray(est.components_).tobytes() +
                          np.ascontiguousarray(est.doc_topic_).tobytes()).hexdigest()


def test_shards_give_the_same_bytes_twice_and_recover_the_themes():
    X, themes = planted_counts()
    first = LDA(4, shards=3, random_state=5).fit(X)
    assert digest(first) == digest(LDA(4, shards=3, random_state=5).fit(X))
    # each theme's documents share one dominant topic, a different one for each theme
    dominant = first.doc_topic_.argmax(axis=1)
    assert sorted({int(np.bincount(dominant[themes == t]).argmax()) for t in range(4)}) == [0, 1, 2, 3]
    assert digest(first) != digest(LDA(4, shards=1, random_state=5).fit(X))  # a recorded setting, not noise


def test_shards_need_the_sharded_sampler():
    with pytest.raises(ConfigError, match="2 shards need LDA backend 'tomotopy'"):
        LDA(4, backend="sklearn", shards=2).fit(planted_counts()[0])


def test_a_sharded_fit_is_the_same_on_one_core(tmp_path: Path):
    """The partition is fixed by the shard count: a process held to one CPU gives the same bytes."""
    if not hasattr(os, "sched_setaffinity"):
        pytest.skip("no CPU affinity on this platform")
    script = ("import sys, hashlib, numpy as np; sys.path.insert(0, {tests!r}); "
              "from test_lda_shards import planted_counts, digest; from topiclab.models.lda import LDA; "
              "print(digest(LDA(4, shards=2, random_state=7).fit(planted_counts()[0])))")
    script = script.format(tests=str(Path(__file__).parent))
    pinned = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            preexec_fn=lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}))
    assert pinned.stdout.strip() == digest(LDA(4, shards=2, random_state=7).fit(planted_counts()[0]))


def test_the_chain_stops_when_converged_unless_told_how_long():
    X, _ = planted_counts()
    assert LDA(4, random_state=1).fit(X).n_iter_ < SWEEPS  # four clean themes converge early
    assert LDA(4, random_state=1, max_iter=230).fit(X).n_iter_ == 230


def test_an_estimator_pickled_before_the_tolerance_existed_still_loads_and_applies():
    import pickle

    X, _ = planted_counts(n=60)
    old = LDA(4, random_state=1, max_iter=20).fit(X)
    del old.__dict__["tol"]  # as pickled by a version without the setting
    loaded = pickle.loads(pickle.dumps(old))
    assert loaded.get_params()["tol"] is None
    assert np.array_equal(loaded.transform(X[:5]), old.transform(X[:5]))


def test_a_looser_tolerance_stops_the_chain_sooner_and_is_recorded(tmp_path: Path):
    X, _ = planted_counts()
    default, loose = LDA(4, random_state=1).fit(X).n_iter_, LDA(4, random_state=1, tol=0.05).fit(X).n_iter_
    assert loose < default and loose == 100  # the fewest sweeps the rule allows
    texts = ["，".join(THEMES[i % 4][j % 5] for j in range(i, i + 12)) + "。" for i in range(40)]
    fit = topiclab.fit(texts, model="lda", k=4, seed=2, tol=0.05, cache=False, generic=False)
    assert fit.model.estimator.n_iter_ == 100
    assert "tol = 0.05" in (fit.save(tmp_path / "run") / "config.toml").read_text(encoding="utf-8")


def test_runs_record_their_shards_and_workers_do_not_change_the_result(tmp_path: Path):
    texts = ["，".join(THEMES[i % 4][j % 5] for j in range(i, i + 12)) + "。" for i in range(40)]
    one = topiclab.fit(texts, model="lda", k=4, seed=2, shards=2, workers=1, cache=False, generic=False)
    two = topiclab.fit(texts, model="lda", k=4, seed=2, shards=2, workers=2, cache=False, generic=False)
    assert np.array_equal(one.topic_term, two.topic_term) and one.config.model.shards == 2
    auto = topiclab.fit(texts, model="lda", k=4, seed=2, cache=False, generic=False)
    assert auto.config.model.shards == 1  # a small corpus: one shard, the plain sampler
    out = auto.save(tmp_path / "run")
    assert "shards = 1" in (out / "config.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (["--model", "nmf", "--shards", "2"], "model.shards 2 applies to LDA with backend tomotopy"),
    (["--model", "lda", "--backend", "sklearn", "--shards", "4"], "applies to LDA with backend tomotopy"),
    (["--model", "lda", "--shards", "-1"], "model.shards must be"),
    (["--model", "nmf", "--set", "model.tol=0.01"], "model.tol 0.01 applies to LDA with backend tomotopy"),
    (["--model", "lda", "--backend", "gensim", "--set", "model.tol=0.01"], "applies to LDA with backend tomotopy"),
    (["--model", "lda", "--set", "model.tol=-1"], "model.tol must be"),
])
def test_shards_are_refused_in_one_line(args: list[str], message: str, capsys, tmp_path: Path):
    assert main(["fit", "--quiet", "--no-cache", "--out", str(tmp_path / "run"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and not (tmp_path / "run").exists()


def test_topics_the_sampler_empties_are_named_empty(tmp_path: Path, capsys):
    """Three themes and k = 6: tomotopy's learned alpha leaves a topic with no words; it is said to be empty."""
    rng = np.random.default_rng(0)
    rows = ["id,text"] + [f"{i},{'，'.join(rng.choice(THEMES[i % 3], size=30))}。" for i in range(200)]
    (tmp_path / "docs.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    assert main(["fit", str(tmp_path / "docs.csv"), "--model", "lda", "--k", "6", "--quiet", "--no-cache",
                 "--no-generic", "--set", "vectorize.no_above=0.95", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    quality = pd.read_csv(out / "topic_quality.csv")
    empty = quality.loc[quality["empty"], "topic"].tolist()
    assert empty and len(empty) <= 3 and printed.count("(empty: no words)") == len(empty)
    assert f"{len(empty)} topic(s) hold no words" in printed
