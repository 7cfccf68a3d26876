"""Naming, merging and excluding topics (``topiclab label``): the labels reach every table and
figure, survive a rerun from the run's config.toml, and bad input is one line with status 2."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import topiclab
from topiclab.cli import main
from topiclab.compare_runs import compare_documents
from topiclab.config import FitConfig, LabelsConfig
from topiclab.curation import resolve_labels
from topiclab.report import write_report

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

LABEL = ["--name", "0=科创协同", "--merge", "2,4", "--exclude", "5"]


@pytest.fixture(scope="module")
def plain_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fit of the seed with six topics, never labelled (read-only: tests copy it)."""
    run = tmp_path_factory.mktemp("curation") / "run"
    assert main(["fit", "--quiet", "--no-cache", "--k", "6", "--out", str(run)]) == 0
    return run


@pytest.fixture()
def run(plain_run: Path, tmp_path: Path) -> Path:
    out = tmp_path / "run"
    shutil.copytree(plain_run, out)
    return out


def _labels_section(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))["labels"]


def test_names_merges_and_exclusions_reach_the_comparison_and_its_figures(run: Path, tmp_path: Path, capsys):
    before = topiclab.compare(run, n_boot=100)
    assert main(["label", str(run), *LABEL]) == 0
    printed = capsys.readouterr().out
    assert "科创协同" in printed and "[excluded]" in printed and "[merged: 2+4]" in printed
    comparison = topiclab.compare(run, n_boot=100)
    out = comparison.save(tmp_path / "compare")

    prev = pd.read_csv(out / "prevalence.csv")
    assert sorted(prev["topic"].unique()) == [0, 1, 2, 3]  # 4 counted in 2, 5 left out
    assert set(prev.loc[prev["topic"] == 0, "label"]) == {"科创协同"}
    for name in ("differences", "effects", "distinctive_terms_by_topic"):
        table = pd.read_csv(out / f"{name}.csv")
        assert "label" in table.columns and not {4, 5} & set(table["topic"]), name
    listed = pd.read_csv(out / "topic_labels.csv").set_index("topic")
    assert listed.loc[5, "status"] == "excluded" and listed.loc[4, "status"] == "merged"
    assert listed.loc[4, "compared_as"] == 2 and listed.loc[0, "label"] == "科创协同"
    assert any("excluded" in note and "5 · " in note for note in comparison.notes)

    # a merge is the sum of its members' shares; an exclusion renormalises nothing, so the other
    # topics' means and intervals are exactly those of the unlabelled run
    docs = topiclab.load(run).documents
    w = docs["n_tokens"].to_numpy(dtype=float)
    sh = (docs["region"] == "上海").to_numpy()
    summed = (docs["topic_2"] + docs["topic_4"]).to_numpy()
    merged = prev.query("group == '上海' and topic == 2")["mean"].item()
    assert merged == pytest.approx((summed[sh] * w[sh]).sum() / w[sh].sum(), abs=1e-6)
    same = ["group", "topic", "mean", "ci_low", "ci_high"]
    old = before.prevalence[before.prevalence["topic"].isin([0, 1, 3])][same].reset_index(drop=True)
    new = comparison.prevalence[comparison.prevalence["topic"].isin([0, 1, 3])][same].reset_index(drop=True)
    pd.testing.assert_frame_equal(old, new)

    heatmap = [t.get_text() for t in comparison.plot("heatmap").axes[0].get_yticklabels()]
    assert heatmap[0] == "0 · 科创协同" and heatmap[2].startswith("2+4 · ") and len(heatmap) == 4
    forest = [t.get_text() for t in comparison.plot("forest").axes[0].get_yticklabels()]
    assert "上海 · 0 · 科创协同" in forest and not any(" 5 · " in t for t in forest)


def test_label_keeps_labels_toml_config_and_tables_in_step_and_clear_restores_them(run: Path, tmp_path: Path):
    original = {name: (run / name).read_bytes() for name in ("topics.csv", "doc_topics.csv", "config.toml")}
    assert main(["label", str(run), *LABEL, "--name", "3=城市更新"]) == 0
    assert main(["label", str(run), "--merge", "4,1"]) == 0  # a merge sharing a topic joins the earlier one
    labels = LabelsConfig.from_toml(run / "labels.toml")
    assert labels == LabelsConfig(names={"0": "科创协同", "3": "城市更新"}, merge=[[2, 4, 1]], exclude=[5])
    assert (run / "labels.toml").read_text(encoding="utf-8").startswith("# Names, merges and exclusions")
    assert _labels_section(run / "config.toml") == {"names": labels.names, "merge": [[2, 4, 1]], "exclude": [5]}
    topics = pd.read_csv(run / "topics.csv")
    assert set(topics.loc[topics["topic"] == 3, "label"]) == {"城市更新"}
    docs = pd.read_csv(run / "doc_topics.csv")
    named = docs[docs["dominant_topic"] == 0]
    assert len(named) and set(named["dominant_label"]) == {"科创协同"}
    assert "labels.toml" in json.loads((run / "manifest.json").read_text(encoding="utf-8"))["files"]

    assert main(["label", str(run), "--clear"]) == 0
    assert {name: (run / name).read_bytes() for name in original} == original  # every other byte as it was
    # the manifest lists labels.toml, so the run folder is still one --overwrite may replace
    assert main(["fit", "--quiet", "--no-cache", "--k", "3", "--out", str(run), "--overwrite"]) == 0


def test_a_rerun_from_the_runs_config_keeps_the_labels(run: Path, tmp_path: Path):
    assert main(["label", str(run), *LABEL]) == 0
    rerun = tmp_path / "rerun"
    assert main(["fit", "--quiet", "--no-cache", "--config", str(run / "config.toml"), "--out", str(rerun)]) == 0
    assert _labels_section(rerun / "config.toml") == _labels_section(run / "config.toml")
    pd.testing.assert_frame_equal(topiclab.compare(rerun, n_boot=50).topic_labels,
                                  topiclab.compare(run, n_boot=50).topic_labels)


def test_a_rerun_writes_the_same_labels_file(run: Path, tmp_path: Path):
    assert main(["label", str(run), *LABEL]) == 0
    rerun = tmp_path / "rerun"
    assert main(["fit", "--quiet", "--no-cache", "--config", str(run / "config.toml"), "--out", str(rerun)]) == 0
    assert (rerun / "labels.toml").read_bytes() == (run / "labels.toml").read_bytes()
    assert pd.read_csv(rerun / "topics.csv").equals(pd.read_csv(run / "topics.csv"))


def test_a_hand_edited_labels_toml_is_used_and_synced(run: Path, capsys):
    text = '# mine\nexclude = [3]\n\n[names]\n1 = "手写名称"\n'
    (run / "labels.toml").write_text(text, encoding="utf-8")
    assert FitConfig.from_toml(run / "config.toml").labels == LabelsConfig(names={"1": "手写名称"}, exclude=[3])
    comparison = topiclab.compare(run, n_boot=50)  # before any sync
    assert 3 not in set(comparison.prevalence["topic"]) and "手写名称" in set(comparison.prevalence["label"])
    assert main(["label", str(run)]) == 0
    assert "手写名称" in capsys.readouterr().out
    assert (run / "labels.toml").read_text(encoding="utf-8") == text  # its author's file, comments and all
    assert _labels_section(run / "config.toml") == {"names": {"1": "手写名称"}, "merge": [], "exclude": [3]}
    assert set(pd.read_csv(run / "topics.csv").query("topic == 1")["label"]) == {"手写名称"}


def test_the_report_shows_names_and_lists_excluded_topics(run: Path):
    assert main(["label", str(run), *LABEL]) == 0
    assert main(["compare", str(run), "--n-boot", "50"]) == 0
    md = (write_report(run) / "report.md").read_text(encoding="utf-8")
    assert "| 0 | 科创协同 |" in md and "| excluded |" in md and "merged into 2" in md
    assert "Excluded from this comparison" in md and "| 0 · 科创协同 |" in md
    assert "labels have changed" not in md
    assert main(["label", str(run), "--name", "1=中小企业"]) == 0
    md = (write_report(run, run / "report2") / "report.md").read_text(encoding="utf-8")
    assert "labels have changed since this comparison was written" in md


@pytest.mark.parametrize(("args", "message"), [
    (["--name", "3"], "--name '3': expected TOPIC=NAME, e.g. --name 3=营商环境"),
    (["--name", "3= "], "--name '3= ': the name is empty; give one"),
    (["--name", "x=营商环境"], "--name 'x=营商环境': 'x' is not a topic number"),
    (["--merge", "4"], "--merge '4': expected two or more topic numbers"),
    (["--merge", "4,4"], "merge [4, 4]: give two or more different topic numbers"),
    (["--exclude", "-1"], "--exclude '-1': '-1' is not a topic number"),
    (["--exclude", "6"], "labels: topic 6 is not a topic of this run (it has topics 0 to 5); give numbers from 0 to 5"),
    (["--merge", "2,4", "--exclude", "4"], "labels: topic 4 is both merged ([2, 4]) and excluded; keep it in one"),
    (["--exclude", "0,1,2,3,4,5"], "labels: merges and exclusions leave 0 topics; leave at least two topics"),
    (["--merge", "0,1,2,3,4,5"], "labels: merges and exclusions leave 1 topic; leave at least two topics"),
])
def test_bad_input_is_one_line_with_status_2_and_changes_nothing(run: Path, capsys, args, message):
    before = {p.name: p.read_bytes() for p in run.iterdir() if p.is_file()}
    assert main(["label", str(run), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("topiclab: error: ") and message in err and err.count("\n") == 1, err
    assert {p.name: p.read_bytes() for p in run.iterdir() if p.is_file()} == before


@pytest.mark.parametrize(("text", "message"), [
    ("merge = [[1, 2], [2, 3]]\n", "topic 2 is in two merges ([1, 2] and [2, 3]); merge them as one"),
    ("exclude = [9]\n", "topic 9 is not a topic of this run"),
    ('[names]\n1 = ""\n', "labels.names: topic 1 has an empty name"),
    ("merge = 4\n", "merge must be written as merge = [[4, 7]]"),
    ("exclude = [\n", "not valid TOML"),
    ("colour = 1\n", "unknown key(s) colour; a labels file holds [names], merge and exclude"),
])
def test_a_bad_labels_file_is_named_everywhere(run: Path, capsys, text, message):
    (run / "labels.toml").write_text(text, encoding="utf-8")
    assert main(["label", str(run)]) == 2
    err = capsys.readouterr().err
    assert "labels.toml" in err and message in err and err.count("\n") == 1, err
    assert main(["compare", str(run), "--n-boot", "10"]) == 2 and message in capsys.readouterr().err
    with pytest.raises(topiclab.ConfigError, match=r"labels\.toml"):
        FitConfig.from_toml(run / "config.toml")
    assert main(["label", str(run), "--clear"]) == 0  # starting again needs no valid file


def test_labels_of_a_fit_in_python_reach_its_comparison():
    texts = ["上海张江集成电路芯片设计产业"] * 6 + ["浙江宁波舟山港口物流航运"] * 6 + ["长三角生态绿色一体化示范区"] * 6
    config = FitConfig(labels=LabelsConfig(names={"1": "港航"}, exclude=[2]))
    result = topiclab.fit(texts, model="lda", k=3, seed=1, config=config, cache=False)
    comparison = topiclab.compare(result, n_boot=20)
    assert list(comparison.topic_labels["status"]) == ["compared", "compared", "excluded"]
    assert set(comparison.prevalence["topic"]) == {0, 1} and "港航" in set(comparison.prevalence["label"])
    assert comparison.divergence["jsd"].notna().all()


def test_divergence_is_over_the_compared_topics_and_nan_for_a_group_with_none():
    frame = pd.DataFrame({"doc_id": list("abcdef"), "region": ["上海"] * 2 + ["江苏"] * 2 + ["浙江"] * 2,
                          "n_tokens": [10] * 6, "topic_0": [.5, .5, .2, .2, 0, 0], "topic_1": [0, 0, .2, .2, 0, 0],
                          "topic_2": [.5, .5, .6, .6, 1, 1]})
    curation = resolve_labels(LabelsConfig(exclude=[2]), k=3)
    comparison = compare_documents(frame, {}, np.eye(3), ["芯片", "港口", "页面"], curation=curation, n_boot=20,
                                   min_docs=1)
    div = comparison.divergence.set_index(["group_a", "group_b"])
    # 上海's compared words are all topic 0, 江苏's half and half: JSD of (1, 0) and (.5, .5) in bits
    expected = 0.5 * np.log2(1 / 0.75) + 0.5 * (0.5 * np.log2(0.5 / 0.75) + 0.5 * np.log2(0.5 / 0.25))
    assert div.loc[("上海", "江苏"), "jsd"] == pytest.approx(expected, abs=1e-9)
    assert div.loc[("上海", "浙江"), ["jsd", "p_value"]].isna().all()
    assert any("no words of group(s) 浙江 are in the compared topics" in note for note in comparison.notes)


def test_how_labels_resolve_names_merges_and_exclusions():
    topics = pd.DataFrame({"topic": [0, 0, 1, 1, 2, 2, 3, 3], "rank": [1, 2] * 4,
                           "term": ["芯片", "产业", "港口", "产业", "航运", "港口", "页面", "打印"],
                           "weight": [.5, .1, .3, .2, .4, .3, .6, .2]})
    c = resolve_labels(LabelsConfig(names={"2": "港航"}, merge=[[1, 2]], exclude=[3]), topics)
    assert c.groups == ((0,), (1, 2)) and c.excluded == (3,)
    assert c.labels == {0: "芯片 产业", 1: "港航", 2: "港航", 3: "页面 打印"}  # a merge takes a member's name
    assert c.display() == {0: "0 · 芯片 产业", 1: "1+2 · 港航", 3: "3 · 页面 打印 (excluded)"}
    assert c.titles()[2] == "2 · 港航 (merged into 1)" and c.status(1) == "merged: 1+2"
    unnamed = resolve_labels(LabelsConfig(merge=[[1, 2]]), topics)
    assert unnamed.labels[1] == "港口 航运 产业" and not unnamed.named  # the members' terms, weights summed
    seeded = resolve_labels(LabelsConfig(merge=[[1, 2]]), topics, seeded=["", "", "航运业"])
    assert seeded.labels[1] == "航运业"


def test_a_seeded_topic_keeps_its_name_when_a_researchers_name_is_cleared(tmp_path: Path):
    (tmp_path / "seeds.toml").write_text('港航 = ["港口", "航运", "物流"]\n', encoding="utf-8")
    run = tmp_path / "run"
    assert main(["fit", "--quiet", "--no-cache", "--model", "lda", "--k", "4", "--seed-words",
                 str(tmp_path / "seeds.toml"), "--out", str(run)]) == 0
    before = (run / "topics.csv").read_bytes()
    assert set(pd.read_csv(run / "topics.csv").query("topic == 0")["label"]) == {"港航"}
    assert main(["label", str(run), "--name", "0=港口航运"]) == 0
    assert set(pd.read_csv(run / "topics.csv").query("topic == 0")["label"]) == {"港口航运"}
    assert main(["label", str(run), "--clear"]) == 0
    assert (run / "topics.csv").read_bytes() == before
