"""Preprocessing batches and sweep fits on a Dask cluster: the same bytes as one process."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from topiclab import cluster
from topiclab.cli import main
from topiclab.corpus import load_seed

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow  # a local cluster of two worker processes: about a minute in all


@pytest.fixture(scope="module")
def scheduler() -> str:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
        yield lc.scheduler_address


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seed's articles four times over (distinct ids): several tagging batches."""
    seed = load_seed()
    rows = [{"id": f"{copy}-{doc_id}", "text": text} for copy in range(4) for doc_id, text in zip(seed.doc_ids, seed.texts)]
    path = tmp_path_factory.mktemp("dask") / "docs.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    assert sum(len(r["text"]) for r in rows) > 200_000  # more than one batch of 100,000 characters
    return path


def run(*args: str) -> None:
    assert main([*args, "--quiet", "--no-cache"]) == 0


def test_preprocessing_on_the_cluster_gives_the_same_tokens(scheduler: str, corpus: Path, tmp_path: Path):
    outs = {}
    for name, extra in {"one": ["--workers", "1"], "two": ["--workers", "2"], "dask": ["--scheduler", scheduler]}.items():
        outs[name] = tmp_path / f"{name}.jsonl"
        run("preprocess", str(corpus), "--id-col", "id", "--out", str(outs[name]), *extra)
    one = outs["one"].read_bytes()
    assert one and outs["two"].read_bytes() == one and outs["dask"].read_bytes() == one


def test_a_fit_and_a_sweep_on_the_cluster_give_the_same_files(scheduler: str, corpus: Path, tmp_path: Path):
    fit = ["fit", str(corpus), "--id-col", "id", "--model", "lda", "--k", "5", "--shards", "2"]
    run(*fit, "--out", str(tmp_path / "one"))
    run(*fit, "--scheduler", scheduler, "--out", str(tmp_path / "dask"))
    for name in ("topics.csv", "doc_topics.csv", "tokens.jsonl", "metrics.json", "config.toml"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name
    sweep = ["sweep", str(corpus), "--id-col", "id", "--model", "nmf", "--k", "3,5", "--seeds", "1,2"]
    run(*sweep, "--out", str(tmp_path / "s_one"))
    run(*sweep, "--scheduler", scheduler, "--out", str(tmp_path / "s_dask"))
    for name in ("runs.csv", "summary.csv"):
        assert (tmp_path / "s_one" / name).read_bytes() == (tmp_path / "s_dask" / name).read_bytes(), name


@pytest.mark.parametrize(("address", "message"), [
    ("tcp://127.0.0.1:9", "could not reach the Dask scheduler at tcp://127.0.0.1:9"),
    ("head-node", "--scheduler 'head-node' is not a scheduler address; give one such as tcp://head-node:8786"),
])
def test_an_unreachable_or_malformed_scheduler_is_one_line(address, message, monkeypatch, capsys, tmp_path: Path):
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)
    out = tmp_path / "run"
    assert main(["fit", "--quiet", "--no-cache", "--scheduler", address, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
