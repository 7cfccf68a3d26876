"""Intrusion sheets from a run folder, as a researcher and the coders use them: write, fill in, score."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from topiclab.cli import main
from topiclab.intrusion_sheets import build_sheets, read_key, score_sheets, write_sheets
from topiclab.models.result import load_result

CODER_FILES = ["document_intrusion.csv", "manifest.json", "sheets.html", "word_intrusion.csv"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fit") / "run"
    assert main(["fit", "--k", "4", "--quiet", "--no-cache", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def sheets(run_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sheets") / "round1"
    assert main(["intrusion", str(run_dir), "--out", str(out), "--seed", "4"]) == 0
    return out


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def fill(sheet: Path, key: pd.DataFrame, to: Path, answers: dict[str, str] | None = None) -> Path:
    """The sheet with every answer right (the intruder's number), or as given."""
    table = read(sheet)
    truth = key[key["intruder"]].set_index("item")["option"].astype(str)
    table["answer"] = [(answers or truth).get(item, "") for item in table["item"]]
    table.to_csv(to, index=False)
    return to


def test_the_coders_get_the_items_and_not_the_key(sheets: Path, run_dir: Path):
    key_dir = sheets.with_name("round1-key")
    assert sorted(p.name for p in sheets.iterdir()) == CODER_FILES
    assert sorted(p.name for p in key_dir.iterdir()) == ["answer_key.csv", "manifest.json"]
    words, docs = read(sheets / "word_intrusion.csv"), read(sheets / "document_intrusion.csv")
    assert words.columns.tolist() == ["sheet", "item", *[f"word_{i}" for i in range(1, 7)], "answer"]
    assert docs.columns.tolist() == ["sheet", "item", "doc_1", "doc_2", "doc_3", "doc_4", "answer"]
    assert len(words) == len(docs) == 4 and (words["answer"] == "").all() and (docs["answer"] == "").all()
    coder_manifest = json.loads((sheets / "manifest.json").read_text(encoding="utf-8"))
    assert set(coder_manifest) == {"kind", "files"}  # no seed or run: with them the key could be rebuilt
    assert json.loads((key_dir / "manifest.json").read_text(encoding="utf-8"))["intrusion_key"]["seed"] == 4
    key = read_key(key_dir)
    page = (sheets / "sheets.html").read_text(encoding="utf-8")
    for word in words.iloc[0, 2:8]:
        assert word in page
    assert "topiclab-cjk" in page and "@media print" in page and page.count('type="checkbox"') == 4 * 6 + 4 * 4
    # the key holds what the coders see, in the order they see it
    shown = key[key["item"] == words["item"][0]].sort_values("option")["shown"].tolist()
    assert shown == words.iloc[0, 2:8].tolist()
    assert docs["doc_1"].str.len().max() <= 301 and docs["doc_1"].str.contains("[\u4e00-\u9fff]").all()


def test_each_word_intruder_is_low_in_its_topic_and_among_the_top_words_of_another(sheets: Path, run_dir: Path):
    result = load_result(run_dir / "model")
    order = np.argsort(-result.topic_term, axis=1, kind="stable")
    index = {t: i for i, t in enumerate(result.terms)}
    key = read_key(sheets.with_name("round1-key"))
    for _, item in key[key["task"] == "word"].groupby("item"):
        topic = int(item["topic"].iloc[0])
        intruder = index[item.loc[item["intruder"], "shown"].iloc[0]]
        assert result.topic_term[topic, intruder] <= np.median(result.topic_term[topic])
        assert any(intruder in order[t, :10] for t in range(result.k) if t != topic)
    docs = key[key["task"] == "document"]
    for _, item in docs.groupby("item"):  # the intruder has the least of the topic among the documents shown
        assert item.loc[item["intruder"], "weight"].iloc[0] < item.loc[~item["intruder"], "weight"].min()


def test_the_same_seed_writes_the_same_bytes(run_dir: Path, tmp_path: Path):
    for name in ("a", "b"):
        write_sheets(build_sheets(run_dir, seed=9), tmp_path / name, tmp_path / f"{name}-key")
    for folder in ("", "-key"):
        for path in sorted((tmp_path / f"a{folder}").iterdir()):
            assert path.read_bytes() == (tmp_path / f"b{folder}" / path.name).read_bytes(), path
    assert not build_sheets(run_dir, seed=10).key.equals(build_sheets(run_dir, seed=9).key)


def test_a_perfect_sheet_scores_1_and_guesses_score_lower(sheets: Path, tmp_path: Path, capsys):
    key_dir = sheets.with_name("round1-key")
    key = read_key(key_dir)
    files = [fill(sheets / f"{task}_intrusion.csv", key, tmp_path / f"{coder}_{task}.csv")
             for coder in ("ann", "bo") for task in ("word", "document")]
    items, summary = score_sheets(key_dir, files)
    assert (items["precision"] == 1).all() and (items["coders"] == 2).all() and len(items) == 8
    assert summary.set_index("task")["kappa"].tolist() == [1.0, 1.0]
    doc_odds = items.loc[items["task"] == "document", "log_odds"]
    assert ((doc_odds == 0) | doc_odds.isna()).all()
    guesses = {item: "1" for item in key["item"].unique()}  # always the first option
    wrong = [fill(sheets / f"{task}_intrusion.csv", key, tmp_path / f"guess_{task}.csv", guesses)
             for task in ("word", "document")]
    items, _ = score_sheets(key_dir, wrong)
    assert items["precision"].mean() < 1
    # the command prints the table and the overall figures, and writes them with --out
    assert main(["intrusion-score", str(key_dir), *map(str, files), "--out", str(tmp_path / "scores")]) == 0
    printed = capsys.readouterr().out
    assert "word intrusion: 4 of 4 items answered by 2 coder(s); mean precision 1.000" in printed
    assert pd.read_csv(tmp_path / "scores" / "scores.csv")["precision"].eq(1).all()


def test_an_answer_may_be_the_word_itself_and_a_sheet_saved_by_excel_in_gbk_reads(sheets: Path, tmp_path: Path):
    key_dir = sheets.with_name("round1-key")
    key = read_key(key_dir)
    words = key[(key["task"] == "word") & key["intruder"]].set_index("item")["shown"].to_dict()
    words = {**words, "W01": f" {words['W01']} "}  # spaces around are no matter
    path = fill(sheets / "word_intrusion.csv", key, tmp_path / "w.csv", words)
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    items, summary = score_sheets(key_dir, [path])
    assert (items["precision"] == 1).all() and (items["task"] == "word").all()  # no document sheet given
    assert summary["task"].tolist() == ["word"] and np.isnan(summary["kappa"].iloc[0])  # one coder: no agreement


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t.drop(columns="answer"), "no 'answer' column; fill in the sheet topiclab intrusion wrote"),
    (lambda t: t.assign(item=["W01", "W02", "X99", "W04"]), "item 'X99' is not in the answer key"),
    (lambda t: t.assign(answer=["9", "", "", ""]), "item W0. has answer '9'; write the number of the intruder, 1 to 6"),
    (lambda t: t.assign(sheet="S0000abcd"), "a sheet of set S0000abcd, but the key is for set S"),
    (lambda t: pd.concat([t, t.iloc[:1]]), "item W0. appears twice; keep one row an item"),
])
def test_a_bad_sheet_is_refused_in_one_line(sheets: Path, tmp_path: Path, capsys, change, message: str):
    bad = tmp_path / "bad.csv"
    change(read(sheets / "word_intrusion.csv")).to_csv(bad, index=False)
    assert main(["intrusion-score", str(sheets.with_name("round1-key")), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"topiclab: error: {bad}: ")
    assert pd.Series([err]).str.contains(message).all(), err


def test_the_command_refuses_what_it_must_not_do(run_dir: Path, sheets: Path, tmp_path: Path, capsys):
    key_dir = str(sheets.with_name("round1-key"))
    blank = read(sheets / "word_intrusion.csv").to_csv(tmp_path / "blank.csv", index=False)
    assert blank is None and main(["intrusion-score", key_dir, str(tmp_path / "blank.csv")]) == 2
    assert "every answer cell is blank" in capsys.readouterr().err
    assert main(["intrusion", str(run_dir), "--out", str(sheets)]) == 2  # never overwritten without --overwrite
    assert "already exists; choose another --out or add --overwrite" in capsys.readouterr().err
    assert main(["intrusion", str(run_dir), "--out", str(tmp_path / "s"), "--key", str(tmp_path / "s" / "k")]) == 2
    assert "the key must be kept apart from the sheets" in capsys.readouterr().err
    mine = tmp_path / "notes"
    mine.mkdir()
    assert main(["intrusion", str(run_dir), "--out", str(tmp_path / "s2"), "--key", str(mine), "--overwrite"]) == 2
    assert "not a folder topiclab wrote" in capsys.readouterr().err
    assert main(["intrusion", str(run_dir), "--out", str(tmp_path / "s3"), "--n-words", "1"]) == 2
    assert "n_words must be a whole number" in capsys.readouterr().err
    assert main(["intrusion", str(tmp_path / "no-run"), "--out", str(tmp_path / "s4")]) == 2


def test_documents_are_shown_from_their_tokens_when_the_input_is_gone(tmp_path: Path):
    table = tmp_path / "t.csv"
    words = ["集成电路 芯片 设计 产业链", "港口 物流 航运 枢纽", "生态 环境 绿色 治理"]
    texts = [" ".join(np.random.default_rng(i).permutation(words[i % 3].split())) for i in range(18)]
    pd.DataFrame({"text": texts}).to_csv(table, index=False)
    run = tmp_path / "run"
    assert main(["fit", str(table), "--k", "3", "--quiet", "--no-cache", "--unit", "document", "--no-phrases",
                 "--out", str(run)]) == 0
    assert build_sheets(run, n_words=2, n_docs=2).settings["texts"] == "corpus"
    table.unlink()
    sheets = build_sheets(run, n_words=2, n_docs=2)
    assert sheets.settings["texts"] == "tokens" and " " in sheets.documents["doc_1"].iloc[0]
