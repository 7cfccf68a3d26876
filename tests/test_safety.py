"""Trust: what --overwrite may replace, permissions, reruns from anywhere, skipping bad files,
and what a crash or a bug shows."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from topiclab._io import atomic_dir, read_manifest, written_kind
from topiclab.cli import main
from topiclab.comparisons import prevalence
from topiclab.config import FitConfig, InputConfig
from topiclab.corpus import load_corpus
from topiclab.errors import ConfigError, InputError
from topiclab.models import LDA, NMF, TfidfClusters

SIX = ["上海张江科学城推进集成电路产业发展，集成电路企业集聚。", "江苏苏州工业园区发展生物医药产业，生物医药创新。",
       "浙江杭州数字经济发展迅速，数字经济平台企业。", "上海临港新片区推进集成电路和人工智能产业。",
       "江苏南京推进生物医药和软件产业发展。", "浙江宁波港口物流和数字经济发展。"]


@pytest.fixture()
def six(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "six.csv"
    path.parent.mkdir()
    pd.DataFrame({"id": range(6), "text": SIX}).to_csv(path, index=False)
    return path


def _fit(*args: str) -> int:
    return main(["fit", "--quiet", "--no-cache", "--k", "2", *args])


def test_errors_are_value_errors():
    assert issubclass(ConfigError, ValueError) and issubclass(InputError, ValueError)


def test_overwrite_replaces_a_run_folder_whole_and_records_its_files(six: Path, tmp_path: Path):
    out = tmp_path / "run"
    assert _fit(str(six), "--out", str(out)) == 0
    manifest = read_manifest(out)
    assert manifest is not None and manifest["kind"] == "run" and "topics.csv" in manifest["files"]
    listed = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert listed == set(manifest["files"])
    assert main(["compare", str(out), "--n-boot", "50", "--min-docs", "1"]) == 0
    assert written_kind(out / "compare-region") == "compare"
    assert main(["compare", str(out), "--n-boot", "60", "--min-docs", "1", "--overwrite"]) == 0
    assert _fit(str(six), "--out", str(out), "--seed", "7", "--overwrite") == 0
    assert json.loads((out / "metrics.json").read_text())["seed"] == 7
    assert not (out / "compare-region").exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no leftovers beside it


def test_overwrite_never_touches_a_users_folder_or_the_input(six: Path, tmp_path: Path, monkeypatch):
    sand = tmp_path / "sand"
    sand.mkdir()
    (sand / "six.csv").write_bytes(six.read_bytes())
    (sand / "notes.txt").write_text("notes")
    assert _fit(str(sand / "six.csv"), "--out", str(sand), "--overwrite") == 2
    assert sorted(p.name for p in sand.iterdir()) == ["notes.txt", "six.csv"]
    monkeypatch.chdir(sand)
    assert _fit("six.csv", "--out", ".", "--overwrite") == 2
    assert _fit("six.csv", "--out", "..", "--overwrite") == 2
    assert sorted(p.name for p in sand.iterdir()) == ["notes.txt", "six.csv"]


def test_a_run_folder_holding_a_users_file_is_not_replaced(six: Path, tmp_path: Path, capsys):
    out = tmp_path / "run"
    assert _fit(str(six), "--out", str(out)) == 0
    (out / "model" / "my_notes.md").write_text("mine")
    capsys.readouterr()
    assert _fit(str(six), "--out", str(out), "--overwrite") == 2
    assert "holds model/my_notes.md, which topiclab did not write" in capsys.readouterr().err
    assert (out / "model" / "my_notes.md").read_text() == "mine"


def test_a_failing_writer_leaves_the_old_folder_as_it_was(tmp_path: Path):
    out = tmp_path / "report"
    with atomic_dir(out, kind="report") as tmp:
        (tmp / "report.md").write_text("old")
    with pytest.raises(RuntimeError), atomic_dir(out, kind="report", overwrite=True) as tmp:
        (tmp / "report.md").write_text("new")
        raise RuntimeError("disk full halfway")
    assert (out / "report.md").read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["report"]


def test_output_follows_the_umask(six: Path, tmp_path: Path):
    old = os.umask(0o022)
    try:
        assert _fit(str(six), "--out", str(tmp_path / "run")) == 0
        assert main(["compare", str(tmp_path / "run"), "--n-boot", "20", "--min-docs", "1"]) == 0
    finally:
        os.umask(old)
    for path in [tmp_path / "run", *(tmp_path / "run").rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))


def test_corpus_out_replaces_only_its_own_file(six: Path, tmp_path: Path):
    out = tmp_path / "corpus.jsonl"
    assert main(["corpus", str(six), "--out", str(out)]) == 0
    assert main(["corpus", str(six), "--out", str(out)]) == 2
    assert main(["corpus", str(six), "--out", str(out), "--overwrite"]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 6


def test_a_run_config_reruns_from_any_directory(six: Path, tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(six.parent)
    assert _fit("six.csv", "--out", "../runs/a") == 0
    config = (tmp_path / "runs" / "a" / "config.toml").read_text(encoding="utf-8")
    assert 'path = "../../data/six.csv"' in config  # relative to the run folder, not to where fit ran
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["fit", "--quiet", "--no-cache", "--config", "../runs/a/config.toml", "--out", "b"]) == 0
    assert (elsewhere / "b" / "topics.csv").read_bytes() == (tmp_path / "runs" / "a" / "topics.csv").read_bytes()
    assert "input differs" not in capsys.readouterr().err
    six.write_text(six.read_text(encoding="utf-8") + "6,浙江温州民营经济发展。\n", encoding="utf-8")
    assert main(["fit", "--quiet", "--no-cache", "--config", "../runs/a/config.toml", "--out", "c"]) == 0
    assert "the input differs from the one" in capsys.readouterr().err


def test_config_paths_resolve_against_the_config_file(tmp_path: Path):
    (tmp_path / "cfg").mkdir()
    toml = FitConfig(input=InputConfig(path=str(tmp_path / "data.csv"))).to_toml(relative_to=tmp_path / "cfg")
    (tmp_path / "cfg" / "config.toml").write_text(toml, encoding="utf-8")
    assert Path(FitConfig.from_toml(tmp_path / "cfg" / "config.toml").input.path) == tmp_path / "data.csv"


def test_on_error_skip_reads_the_rest_and_lists_what_it_skipped(tmp_path: Path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i, text in enumerate(SIX):
        (folder / f"{i}.txt").write_text(text, encoding="utf-8")
    (folder / "bad.txt").write_bytes("上海".encode("gb18030") + b"\xff\xfe")
    assert main(["corpus", str(folder)]) == 2
    assert "--on-error skip" in capsys.readouterr().err
    assert main(["corpus", str(folder), "--on-error", "skip"]) == 0
    assert "skipped: 1 unreadable file(s) or row(s) (bad.txt: bytes at offset 4" in capsys.readouterr().out
    out = tmp_path / "run"
    assert _fit(str(folder), "--on-error", "skip", "--out", str(out)) == 0
    manifest = read_manifest(out)
    assert manifest is not None and manifest["skipped"][0].startswith("bad.txt: bytes at offset 4")
    assert "on_error = \"skip\"" in (out / "config.toml").read_text(encoding="utf-8")


def test_on_error_skip_for_table_rows_and_json_lines(tmp_path: Path):
    table = tmp_path / "t.csv"
    table.write_text("id,text\n1,上海张江\n2,江苏,苏州\n3,浙江宁波\n", encoding="utf-8")
    corpus = load_corpus(table, on_error="skip")
    assert corpus.doc_ids == ("0", "1") and "line 3" in corpus.sources[0].skipped[0]
    lines = tmp_path / "t.jsonl"
    lines.write_text('{"text": "上海"}\n{"text": \n[1]\n{"text": "江苏"}\n', encoding="utf-8")
    corpus = load_corpus(lines, on_error="skip")
    assert len(corpus) == 2 and [s.split(":")[1] for s in corpus.sources[0].skipped] == ["2", "3"]


def test_sep_reads_semicolon_and_pipe_tables(tmp_path: Path):
    for sep, name in ((";", ";"), ("|", "|"), ("\t", "tab")):
        table = tmp_path / "t.csv"
        table.write_text(f"id{sep}text\n1{sep}上海张江\n2{sep}江苏苏州\n", encoding="utf-8")
        assert main(["corpus", str(table), "--sep", name]) == 0
        assert load_corpus(table, sep=sep).texts == ("上海张江", "江苏苏州")


def test_every_model_and_comparison_applies_one_seed_rule():
    X = np.array([[3, 0, 1], [0, 4, 1], [2, 0, 0], [0, 3, 0]])
    for est in (LDA(2, random_state=-1), NMF(2, random_state=2**32), TfidfClusters(2, random_state=-5)):
        with pytest.raises(ConfigError, match="random_state must be a whole number from 0 to 4294967295"):
            est.fit(X)
    frame = pd.DataFrame({"region": ["a", "b"] * 3, "topic_0": [0.5] * 6, "topic_1": [0.5] * 6})
    with pytest.raises(ConfigError, match=r"ci must be a number in \(0, 1\), got 1.5"):
        prevalence(frame, ci=1.5, weighted=False)
    with pytest.raises(ConfigError, match="seed must be"):
        prevalence(frame, seed=-1, weighted=False)


def test_a_bug_shows_one_line_and_a_log_not_a_traceback(six: Path, monkeypatch, capsys):
    import topiclab.corpus

    def broken(corpus):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(topiclab.corpus, "summarize", broken)
    monkeypatch.delenv("TOPICLAB_DEBUG", raising=False)
    assert main(["corpus", str(six)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "internal error (ZeroDivisionError: division by zero)" in err
    log = Path(err.rsplit(" ", 1)[1])
    assert "Traceback" in log.read_text(encoding="utf-8")
    log.unlink()


def test_a_system_error_is_one_line_and_leaves_nothing(six: Path, tmp_path: Path, monkeypatch, capsys):
    import topiclab.corpus

    def full(corpus, path):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(topiclab.corpus, "write_jsonl", full)
    out = tmp_path / "c.jsonl"
    assert main(["corpus", str(six), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"topiclab: error: {out}: No space left on device; nothing was written"]
    assert not out.exists()


def test_overwrite_replaces_a_folder_only_with_one_of_its_kind(six: Path, tmp_path: Path, capsys):
    run = tmp_path / "run"
    other = tmp_path / "other"
    assert _fit(str(six), "--out", str(run)) == 0 and _fit(str(six), "--out", str(other)) == 0
    capsys.readouterr()
    assert main(["compare", str(run), "--n-boot", "20", "--min-docs", "1", "--out", str(other), "--overwrite"]) == 2
    assert "is a topiclab run folder, and --overwrite replaces only a compare folder" in capsys.readouterr().err
    assert (other / "model").is_dir()
    assert main(["compare", str(run), "--n-boot", "20", "--min-docs", "1"]) == 0
    assert _fit(str(six), "--out", str(run / "compare-region"), "--overwrite") == 2
    assert main(["compare", str(run), "--n-boot", "0", "--overwrite"]) == 2  # options first, before the folder
    assert "n_boot must be" in capsys.readouterr().err
