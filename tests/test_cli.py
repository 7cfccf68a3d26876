"""The command line, end to end, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from topiclab.corpus import seed_path


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "topiclab.cli", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_corpus_summary_and_jsonl(tmp_path: Path):
    out = tmp_path / "corpus.jsonl"
    res = run("corpus", str(seed_path()), "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "documents: 23" in res.stdout and "encoding utf-8" in res.stdout
    assert "regions: 上海 14, 江苏 2, 浙江 2, 长三角 5" in res.stdout
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 23 and json.loads(lines[21])["meta"]["region"] == "浙江"


def test_fit_without_input_reads_the_seed_from_any_folder(tmp_path: Path):
    res = run("fit", "--help", cwd=tmp_path)
    assert res.returncode == 0 and "embedded seed" in res.stdout
    res = run("fit", "--quiet", "--no-cache", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "nmf k=10 seed=1: 23 documents" in res.stdout
    (folder,) = (tmp_path / "runs").iterdir()
    assert folder.name.endswith("-nmf-k10-s1") and (folder / "topics.csv").is_file()


def test_bad_input_exits_2_with_one_line_and_no_traceback(tmp_path: Path):
    table = tmp_path / "t.csv"
    table.write_text("id,body\n1,上海\n", encoding="utf-8")
    res = run("corpus", str(table))
    assert res.returncode == 2
    assert res.stderr.strip() == (
        f"topiclab: error: {table}: no text column 'text'; columns are ['id', 'body']; choose one with --text-col"
    )
    res = run("corpus", str(tmp_path / "missing.txt"))
    assert res.returncode == 2 and "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_dropped_empty_documents_are_reported(tmp_path: Path):
    table = tmp_path / "t.csv"
    table.write_text("text\n上海张江\n\n\"  \"\n宁波港\n", encoding="utf-8")
    res = run("corpus", str(table))
    assert res.returncode == 0 and "dropped: 1 empty document(s) of 3" in res.stdout


def test_help_and_argument_errors_load_no_numerical_stack():
    probe = ("import sys; from topiclab.cli import main\n"
             "try:\n    main(['fit', '--k', 'x'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('numpy', 'pandas', 'sklearn', 'jieba') if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert res.stdout.strip() == "[]", res.stderr
    assert res.stderr.strip() == "topiclab fit: error: argument --k: invalid int value: 'x'; see 'topiclab fit --help'"
