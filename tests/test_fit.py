"""`topiclab fit` end to end: the run folder, determinism, defaults, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from topiclab.config import FitConfig
from topiclab.errors import ConfigError
from topiclab.pipeline import run


def fit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "topiclab.cli", "fit", "--quiet", "--no-cache", *args],
                          capture_output=True, text=True, cwd=cwd, check=False)


def test_run_folder_holds_every_output(seed_run: Path):
    names = {p.name for p in seed_run.iterdir()}
    assert {"topics.csv", "doc_topics.csv", "unit_topics.csv", "metrics.json", "config.toml", "manifest.json",
            "timings.json", "tokens.jsonl", "model", "boilerplate.csv", "generic_terms.csv"} <= names
    topics = pd.read_csv(seed_run / "topics.csv")
    assert list(topics.columns) == ["topic", "rank", "term", "weight", "label"] and topics["rank"].max() == 30
    docs = pd.read_csv(seed_run / "doc_topics.csv")
    assert len(docs) == 23 and {"doc_id", "title", "region", "section", "dominant_topic", "dominant_label",
                               "topic_9"} <= set(docs.columns)
    assert docs.filter(like="topic_").sum(axis=1).round(4).eq(1).all()
    metrics = json.loads((seed_run / "metrics.json").read_text())
    assert metrics["model"] == "nmf" and metrics["k"] == 10 and metrics["n_docs"] == 23 and metrics["n_units"] > 300
    assert {"npmi", "c_v", "umass", "diversity"} <= set(metrics) and "silhouette" not in metrics  # clusters only
    manifest = json.loads((seed_run / "manifest.json").read_text())
    assert len(manifest["input_sha256"]) == 64 and "rjieba" in manifest["engine"]
    # unit "auto" is written as the unit it chose, so the config reruns without the rule
    assert FitConfig.from_toml(seed_run / "config.toml").preprocess.unit == "paragraph"


def test_defaults_reach_the_coherence_figure(seed_run: Path):
    assert json.loads((seed_run / "metrics.json").read_text())["npmi"] >= 0.10


def test_same_config_same_files_with_one_or_two_workers(seed_run: Path, tmp_path: Path):
    again = tmp_path / "again"
    res = fit("--config", str(seed_run / "config.toml"), "--workers", "2", "--out", str(again))
    assert res.returncode == 0, res.stderr
    files = json.loads((seed_run / "manifest.json").read_text())["files"]  # the fit's own files, not compare-*/
    assert files == json.loads((again / "manifest.json").read_text())["files"]
    for rel in files:
        if rel not in ("timings.json", "config.toml"):
            assert (seed_run / rel).read_bytes() == (again / rel).read_bytes(), rel
    # the configs differ only in the worker count
    assert (seed_run / "config.toml").read_text().replace("workers = 1", "workers = 2") == \
        (again / "config.toml").read_text()


def test_existing_run_folder_is_refused_then_replaced_whole(tmp_path: Path):
    out = tmp_path / "r"
    assert fit("--out", str(out), "--k", "3").returncode == 0
    res = fit("--out", str(out), "--k", "4")
    assert res.returncode == 2 and "already exists" in res.stderr and "--overwrite" in res.stderr
    assert json.loads((out / "metrics.json").read_text())["k"] == 3
    (out / "compare-region").mkdir()  # a stale comparison of the old run goes with it
    (out / "compare-region" / "manifest.json").write_text('{"kind": "compare", "files": ["manifest.json"]}')
    res = fit("--out", str(out), "--k", "4", "--overwrite")
    assert res.returncode == 0, res.stderr
    assert json.loads((out / "metrics.json").read_text())["k"] == 4 and not (out / "compare-region").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--k", "1"], "k must be a whole number >= 2"),
        (["--k", "5000"], "338 units to model (23 documents as paragraphs) are fewer than k = 5000 topics"),
        (["--set", "vectorize.no_below=100000"], "the vocabulary is empty: of"),
        (["--label-col", "topic"], "label column 'topic' not found"),
        (["--set", "model.name=\"lsa\""], "model.name must be one of lda, nmf, kmeans, agglomerative, stm, dtm, got 'lsa'"),
        (["--set", "model.depth=3"], "--set 'model.depth': no such setting; valid keys:"),
        (["--set", "model.k"], "expected section.key=value"),
    ],
)
def test_bad_input_one_line_exit_2(args, message):
    res = fit(*args)
    assert res.returncode == 2, res.stdout
    assert message in res.stderr and "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_label_column_gives_agreement_metrics(tmp_path: Path):
    table = tmp_path / "t.csv"
    rows = [("芯片 集成电路 晶圆 封装 设计 制造。" * 3, "chips"), ("生态 环境 治理 碳排放 绿色 污染。" * 3, "eco")] * 12
    pd.DataFrame(rows, columns=["text", "field"]).to_csv(table, index=False)
    config = FitConfig().with_overrides([f'input.path="{table}"', 'input.label_col="field"', "model.k=2",
                                         'preprocess.unit="document"', "preprocess.phrases=false",
                                         "vectorize.no_above=1.0"])
    result = run(config, cache_dir=None)
    assert result.metrics["nmi_field"] == 1.0 and result.metrics["purity_field"] == 1.0
    res = fit(str(table), "--label-col", "field", "--k", "2", "--unit", "document", "--no-phrases",
              "--set", "vectorize.no_above=1.0", "--out", str(tmp_path / "run"))
    assert res.returncode == 0, res.stderr
    assert "agreement with field: nmi 1.0000, ari 1.0000, purity 1.0000" in res.stdout


@pytest.mark.parametrize(("n_docs", "unit"), [(24, "paragraph"), (240, "document")])
def test_auto_unit_is_paragraphs_for_few_documents_and_documents_for_many(tmp_path: Path, n_docs: int, unit: str):
    themes = [("芯片产业", "集成电路 晶圆 封装 设计 制造 芯片。"), ("生态治理", "生态 环境 治理 碳排放 绿色 污染。")]
    rows = [(f"{title}\n{body * 3}", title) for _, (title, body) in zip(range(n_docs), themes * n_docs)]
    table = tmp_path / "t.csv"
    pd.DataFrame(rows, columns=["text", "field"]).to_csv(table, index=False)
    config = FitConfig().with_overrides([f'input.path="{table}"', 'input.label_col="field"', "model.k=2",
                                         "preprocess.phrases=false", "vectorize.no_above=1.0",
                                         # every paragraph a unit, the repeated titles kept: the unit is the point
                                         "preprocess.min_unit_tokens=1", "preprocess.page_boilerplate=false"])
    assert config.preprocess.unit == "auto"
    result = run(config, cache_dir=None)
    assert result.config.preprocess.unit == unit
    assert result.metrics["n_units"] == (n_docs if unit == "document" else 2 * n_docs)
    assert result.metrics["nmi_field"] == 1.0


def test_config_round_trips_through_toml(tmp_path: Path):
    config = FitConfig().with_overrides(["model.k=7", 'preprocess.pos=["n", "vn"]', "run.top_n=15"])
    path = tmp_path / "c.toml"
    path.write_text(config.to_toml(), encoding="utf-8")
    assert FitConfig.from_toml(path) == config
    path.write_text("[model]\nk = \"ten\"\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"c\.toml: model\.k must be a whole number, got 'ten'"):
        FitConfig.from_toml(path)


def test_sweep_writes_tables_and_figure_identically_with_two_workers(tmp_path: Path):
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"sweep{workers}"
        res = subprocess.run([sys.executable, "-m", "topiclab.cli", "sweep", "--quiet", "--no-cache", "--model", "lda",
                              "--k", "3:6:3", "--seeds", "1,2", "--workers", workers, "--out", str(out)],
                             capture_output=True, text=True, check=False)
        assert res.returncode == 0, res.stderr
        outs.append(out)
    summary = pd.read_csv(outs[0] / "summary.csv")
    assert summary["k"].tolist() == [3, 6] and summary["stability"].between(0, 1).all()
    assert (outs[0] / "metrics_vs_k.png").stat().st_size > 10_000
    for name in ("runs.csv", "summary.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()


def test_sweep_rejects_a_bad_range(tmp_path: Path):
    res = subprocess.run([sys.executable, "-m", "topiclab.cli", "sweep", "--k", "9:3", "--out", str(tmp_path / "s")],
                         capture_output=True, text=True, check=False)
    assert res.returncode == 2 and "expected start:stop:step" in res.stderr


@pytest.mark.parametrize("one_unit_each", [True, False])
def test_documents_proportions_are_their_units_weighted_by_tokens(one_unit_each: bool):
    """A unit a document (summed without grouping) or several (grouped): the same table as pandas'
    weighted group sum, NaN for a document without tokens."""
    import numpy as np

    from topiclab.pipeline import units_to_documents

    rng = np.random.default_rng(3)
    n = 400
    theta = rng.dirichlet([0.1] * 50, n)  # 50 topics: a row summed pairwise would differ in its last bits
    lengths = rng.integers(0, 40, n)
    lengths[:3], lengths[3:] = 0, np.maximum(lengths[3:], 1)
    doc_ids = [f"d{i}" for i in range(n)] if one_unit_each else [f"d{i // 3}" for i in range(n)]
    units = pd.DataFrame(theta, columns=[f"topic_{i}" for i in range(50)])
    weighted = units.mul(lengths.tolist(), axis=0).groupby(doc_ids, sort=False).sum()
    expected = weighted.div(weighted.sum(axis=1), axis=0).rename_axis("doc_id")
    got = units_to_documents(theta, doc_ids, lengths.tolist())
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.isna().all(axis=1).sum() == (3 if one_unit_each else 1)  # the documents without tokens
