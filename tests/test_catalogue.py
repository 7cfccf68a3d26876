"""A catalogue of bad input, as new users meet it: each case exits 2 with one line that names the
problem and the remedy, and leaves every file as it was (nothing written, nothing lost)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from topiclab.cli import main

SIX = ["上海张江科学城推进集成电路产业发展，集成电路企业集聚。", "江苏苏州工业园区发展生物医药产业，生物医药创新。",
       "浙江杭州数字经济发展迅速，数字经济平台企业。", "上海临港新片区推进集成电路和人工智能产业。",
       "江苏南京推进生物医药和软件产业发展。", "浙江宁波港口物流和数字经济发展。"]


def _write(ws: Path) -> None:
    """Every file the cases read, in one workspace."""
    rows = "".join(f"{i},{t}\n" for i, t in enumerate(SIX))
    (ws / "six.csv").write_text("id,text\n" + rows, encoding="utf-8")
    (ws / "semi.csv").write_text("id;text\n1;上海张江\n2;江苏苏州\n", encoding="utf-8")
    (ws / "tabbed.csv").write_text("id\ttext\n1\t上海张江\n2\t江苏苏州\n", encoding="utf-8")
    (ws / "ragged.csv").write_text("id,text\n1,上海张江\n2,江苏,苏州\n", encoding="utf-8")
    (ws / "dup.csv").write_text("id,text\n1,上海\n1,江苏\n", encoding="utf-8")
    (ws / "dup_doc_id.csv").write_text("doc_id,text\n1,上海\n1,江苏\n", encoding="utf-8")
    (ws / "badpat.txt").write_text("# ok\n(unclosed\n", encoding="utf-8")
    (ws / "blank.csv").write_text('id,text\n1,\n2," "\n', encoding="utf-8")
    (ws / "empty.csv").write_bytes(b"")
    (ws / "header_only.csv").write_text("\n\n", encoding="utf-8")
    (ws / "binary.csv").write_bytes(bytes(range(256)) * 4)
    gb = ("上海" * 30).encode("gb18030")
    (ws / "broken.txt").write_bytes(gb[:45] + b"\xff\xfe" + gb[47:])
    (ws / "english.csv").write_text("text\nThe quick brown fox\nAnother English line\nA third one\n", encoding="utf-8")
    (ws / "one.txt").write_text("上海张江科学城推进集成电路产业发展。", encoding="utf-8")
    (ws / "bad.jsonl").write_text('{"text": "上海"}\n{"text": \n', encoding="utf-8")
    (ws / "lists.jsonl").write_text('["上海"]\n', encoding="utf-8")
    (ws / "data.xyz").write_text("上海", encoding="utf-8")
    (ws / "bad.parquet").write_bytes(b"PAR1 not really")
    (ws / "badmap.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (ws / "notes.txt").write_text("my notes", encoding="utf-8")
    (ws / "bad.toml").write_text("[model\nk = 3\n", encoding="utf-8")
    (ws / "flat.toml").write_text("k = 3\n", encoding="utf-8")
    (ws / "unknown.toml").write_text("[fancy]\nk = 3\n", encoding="utf-8")
    (ws / "badseed.toml").write_text("[model]\nseed = -3\n", encoding="utf-8")
    for name in ("empty_dir", "mine", "textless_dir", "bad_dir"):
        (ws / name).mkdir()
    (ws / "mine" / "paper.docx").write_text("a user's own work", encoding="utf-8")
    (ws / "textless_dir" / "a.txt").write_text("  \n", encoding="utf-8")
    (ws / "bad_dir" / "a.txt").write_text("上海张江", encoding="utf-8")
    (ws / "bad_dir" / "b.txt").write_bytes(gb[:45] + b"\xff\xfe")
    # looks like a run folder of topiclab's, but holds the input and a user's file
    fake = ws / "fake_run"
    fake.mkdir()
    (fake / "six.csv").write_text("id,text\n" + rows, encoding="utf-8")
    (fake / "manifest.json").write_text(json.dumps({"kind": "run", "files": ["manifest.json", "six.csv"]}))
    extra = ws / "run_plus"
    extra.mkdir()
    (extra / "manifest.json").write_text(json.dumps({"kind": "run", "files": ["manifest.json"]}))
    (extra / "thesis.tex").write_text("mine", encoding="utf-8")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("catalogue")
    _write(ws)
    assert main(["fit", "--quiet", "--no-cache", "--k", "3", "--out", str(ws / "run")]) == 0
    assert main(["report", str(ws / "run")]) == 0
    return ws


def _snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(root.rglob("*"))}


C = "six.csv"
CASES = [
    # reading a corpus
    ("corpus", "missing.csv"), ["no such file or folder", "check the path"],
    ("corpus", "empty.csv"), ["the file is empty"],
    ("corpus", "header_only.csv"), ["the file is empty"],
    ("corpus", "binary.csv"), ["looks like a binary file"],
    ("corpus", "broken.txt"), ["offset 44 (line 1)", "neither UTF-8 nor GB18030", "re-save"],
    ("corpus", "semi.csv"), ["one column 'id;text'", "--sep ';'"],
    ("corpus", "tabbed.csv"), ["separated by a tab", "--sep tab"],
    ("corpus", "ragged.csv"), ["Expected 2 fields in line 3, saw 3", "--on-error skip"],
    ("corpus", C, "--text-col", "body"), ["no text column 'body'", "--text-col"],
    ("corpus", C, "--id-col", "url"), ["no id column 'url'", "--id-col"],
    ("corpus", "dup.csv", "--id-col", "id"), ["'1' occurs more than once", "unique"],
    ("corpus", "blank.csv"), ["all 2 texts in column 'text' are empty"],
    ("corpus", "data.xyz"), ["cannot tell the format", "--format"],
    ("corpus", C, "--format", "jsonl"), ["not valid JSON", "--on-error skip"],
    ("corpus", "bad.jsonl"), ["bad.jsonl:2: not valid JSON"],
    ("corpus", "lists.jsonl"), ["expected a JSON object, found list"],
    ("corpus", "bad.parquet"), ["not a readable Parquet file"],
    ("corpus", "empty_dir"), ["has no .txt files"],
    ("corpus", "textless_dir"), ["all 1 .txt files are empty"],
    ("corpus", "bad_dir"), ["b.txt", "neither UTF-8 nor GB18030", "--on-error skip"],
    ("corpus", C, "--sep", ";;"), ["sep must be one character"],
    ("corpus", C, "--on-error", "ignore"), ["argument --on-error: invalid choice", "--help"],
    ("corpus", C, "--format", "xls"), ["argument --format: invalid choice"],
    ("corpus", C, "--region-map", "nomap.csv"), ["nomap.csv: no such file"],
    ("corpus", C, "--region-map", "badmap.csv"), ["a region mapping needs a header"],
    ("corpus", C, "--region-col", "province"), ["region column 'province' not found"],
    # where a corpus or tokens go
    ("corpus", C, "--out", C), ["is an input of this command", "never overwritten"],
    ("corpus", C, "--out", "notes.txt"), ["notes.txt: already exists", "--overwrite"],
    ("corpus", C, "--out", "notes.txt", "--overwrite"), ["not a file topiclab wrote"],
    ("corpus", C, "--out", "no_dir/c.jsonl"), ["does not exist; create it first"],
    ("corpus", C, "--out", "mine"), ["is a folder"],
    ("preprocess", C, "--out", "notes.txt"), ["already exists"],
    ("preprocess", C, "--min-len", "0"), ["min_len must be at least 1"],
    ("preprocess", C, "--workers", "0"), ["workers must be a whole number from 1 to 256"],
    ("preprocess", C, "--pos", "xx"), ["unknown part-of-speech tag(s) 'xx'"],
    ("preprocess", C, "--chunk-size", "0"), ["chunk_size must be at least 1"],
    ("preprocess", C, "--dict", "nodict.txt"), ["nodict.txt: no such file"],
    ("preprocess", C, "--min-unit-tokens", "0"), ["min_unit_tokens must be at least 1"],
    ("preprocess", C, "--boilerplate-pattern", "nopat.txt"), ["nopat.txt: no such file"],
    ("preprocess", C, "--boilerplate-pattern", "badpat.txt"), ["badpat.txt:2:", "not a valid regular expression"],
    ("preprocess", C, "--boilerplate-keep", "badpat.txt"), ["badpat.txt:2:", "not a valid regular expression"],
    ("fit", C, "--keep-terms", "noterms.txt"), ["noterms.txt: no such file", "vectorize.keep_terms"],
    ("fit", C, "--keep-terms", "mine"), ["mine: is a folder", "vectorize.keep_terms"],
    ("preprocess", C, "--boilerplate-pattern", "mine"), ["mine: is a folder; give a file"],
    ("fit", C, "--set", "preprocess.boilerplate_min_share=1.5"), ["boilerplate_min_share must be a share"],
    ("fit", C, "--set", "vectorize.generic_min_share=0"), ["vectorize.generic_min_share must be a number in (0, 1]"],
    ("corpus", "dup_doc_id.csv"), ["doc_id value '1' occurs more than once", "rename it", "--id-col"],
    # fit settings
    ("fit", C, "--seed", "-1"), ["model.seed must be a whole number from 0 to 4294967295, got -1"],
    ("fit", C, "--seed", "99999999999"), ["model.seed must be", "99999999999"],
    ("fit", C, "--model", "lda", "--seed", "-1"), ["model.seed must be"],
    ("fit", C, "--model", "kmeans", "--seed", "4294967296"), ["model.seed must be"],
    ("fit", C, "--k", "1"), ["model.k must be a whole number >= 2"],
    ("fit", C, "--k", "x"), ["argument --k: invalid int value: 'x'"],
    ("fit", C, "--workers", "0"), ["run.workers must be"],
    ("fit", C, "--set", "model.alpha=-1"), ["model.alpha must be a number >= 0"],
    ("fit", C, "--set", "vectorize.no_above=2"), ["vectorize.no_above must be a number in (0, 1]"],
    ("fit", C, "--set", "run.heldout=1"), ["run.heldout must be a number in [0, 1)"],
    ("fit", C, "--set", "model.depth=3"), ["no such setting"],
    ("fit", C, "--set", "nonsense"), ["expected section.key=value"],
    ("fit", C, "--set", 'input.on_error="maybe"'), ["input.on_error must be one of stop, skip"],
    ("fit", C, "--unit", "sentence"), ["argument --unit: invalid choice"],
    ("fit", "--config", "none.toml"), ["none.toml: no such file"],
    ("fit", "--config", "bad.toml"), ["bad.toml: not valid TOML"],
    ("fit", "--config", "flat.toml"), ["expected [sections]"],
    ("fit", "--config", "unknown.toml"), ["unknown section(s) fancy"],
    ("fit", "--config", "badseed.toml"), ["badseed.toml: model.seed must be"],
    ("fit", "--config", "mine"), ["is a folder without a config.toml"],
    ("fit", C, "--label-col", "field"), ["label column 'field' not found"],
    ("fit", C, "--region-map", "nomap.csv"), ["nomap.csv: no such file"],
    # corpora no model can be fit on
    ("fit", "one.txt"), ["one document gave a single paragraph unit", "--unit chunk"],
    ("fit", "english.csv"), ["no Chinese words in the corpus", "non-Han"],
    ("fit", C), ["6 units to model", "fewer than k = 10", "--k 6 or less"],
    # where a run goes
    ("fit", C, "--k", "2", "--out", ".", "--overwrite"), ["current folder or one of its parents"],
    ("fit", C, "--k", "2", "--out", "mine"), ["mine: already exists", "--overwrite"],
    ("fit", C, "--k", "2", "--out", "mine", "--overwrite"), ["not a folder topiclab wrote"],
    ("fit", "fake_run/six.csv", "--k", "2", "--out", "fake_run", "--overwrite"), ["holds fake_run/six.csv, an input"],
    ("fit", C, "--k", "2", "--out", "run_plus", "--overwrite"), ["holds thesis.tex, which topiclab did not write"],
    ("fit", C, "--k", "2", "--out", "notes.txt"), ["notes.txt: already exists and is not a folder topiclab wrote"],
    ("fit", C, "--k", "2", "--out", "notes.txt/run"), ["notes.txt is a file, not a folder"],
    # sweeps
    ("sweep", C, "--k", "2,3"), ["sweep needs --out"],
    ("sweep", C, "--seeds=-1,2", "--out", "sw"), ["seed must be a whole number from 0"],
    ("sweep", C, "--k", "5:3", "--out", "sw"), ["expected start:stop:step"],
    ("sweep", C, "--seeds", "1,1", "--out", "sw"), ["lists seed 1 more than once"],
    ("sweep", C, "--k", "1,2", "--out", "sw"), ["k must be a whole number >= 2"],
    ("sweep", C, "--seeds", "a,b", "--out", "sw"), ["expected whole numbers"],
    ("sweep", C, "--out", "mine", "--overwrite"), ["not a folder topiclab wrote"],
    # comparisons and reports
    ("compare", "no_run"), ["no_run: no such run folder"],
    ("compare", "mine"), ["not a complete run folder", "rerun topiclab fit"],
    ("compare", "run", "--n-boot", "0"), ["n_boot must be a whole number >= 1, got 0"],
    ("compare", "run", "--ci", "1.5"), ["ci must be a number in (0, 1), got 1.5"],
    ("compare", "run", "--seed", "-5"), ["seed must be a whole number from 0 to 4294967295"],
    ("compare", "run", "--min-docs", "0"), ["min_docs must be a whole number >= 1"],
    ("compare", "run", "--by", "province"), ["no column 'province' to group by"],
    ("compare", "run", "--covariates", "year"), ["no covariate column 'year'"],
    ("compare", "run", "--reference", "北京"), ["reference group '北京' is not a value of 'region'"],
    ("fit", C, "--k", "2", "--cache-dir", "notes.txt"), ["notes.txt: is a file, not a cache folder"],
    ("corpus", C, "--sep", "::"), ["sep must be one character"],
    ("compare", "run", "--out", "mine"), ["mine: already exists", "--overwrite"],
    ("compare", "run", "--out", "mine", "--overwrite"), ["not a folder topiclab wrote"],
    ("report", "no_run"), ["no such run folder"],
    ("report", "run"), ["run/report: already exists", "--overwrite"],
    ("report", "run", "--out", "mine", "--overwrite"), ["not a folder topiclab wrote"],
    ("report", "mine"), ["not a complete run folder"],
]
PAIRS = list(zip(CASES[::2], CASES[1::2]))


def test_the_catalogue_is_large():
    assert len(PAIRS) >= 50


@pytest.mark.parametrize(("argv", "words"), PAIRS, ids=[" ".join(a) for a, _ in PAIRS])
def test_bad_input_exits_2_with_one_line_and_changes_nothing(
    argv, words, workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
):
    monkeypatch.chdir(workspace)
    monkeypatch.setenv("TOPICLAB_CACHE", str(tmp_path / "cache"))
    before = _snapshot(workspace)
    with pytest.raises(SystemExit) as stop:  # argparse's own errors exit; everything else returns
        raise SystemExit(main([*argv, "--quiet"] if argv[0] in ("fit", "sweep", "preprocess") else list(argv)))
    err = capsys.readouterr().err
    assert stop.value.code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("topiclab") and "error:" in lines[0], err
    for word in words:
        assert word in lines[0]
    assert _snapshot(workspace) == before
