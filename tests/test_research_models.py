"""The research models: STM with covariates, seeded LDA, the dynamic topic model, and their errors."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import topiclab
from topiclab.cli import main
from topiclab.errors import ConfigError, InputError
from topiclab.model_effects import model_effect_tables
from topiclab.models.formula import design_matrix, parse_formula
from topiclab.models.seeding import parse_seed_words, seed_columns

THEMES = {
    "chips": ["集成电路", "芯片", "晶圆", "封装", "半导体", "光刻机"],
    "ecology": ["生态", "环境", "碳排放", "绿色", "污染", "森林"],
    "finance": ["金融", "贷款", "银行", "融资", "债券", "信贷"],
}
REGIONS = ("上海", "江苏", "浙江")
LOOSE = ["--set", "vectorize.no_above=0.95", "--no-generic"]  # 18 words: every one is in many documents


def texts_with_regions(n: int = 150, seed: int = 0) -> pd.DataFrame:
    """Documents whose ecology share is planted high in 浙江 and rising with the year."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        region = REGIONS[i % 3]
        year = 2015 + i % 8
        eco = 0.6 if region == "浙江" else 0.15
        share = rng.dirichlet(np.array([(1 - eco) / 2, eco, (1 - eco) / 2]) * 2)
        themes = rng.choice(list(THEMES), size=30, p=share)
        words = [str(rng.choice(THEMES[t])) for t in themes]
        rows.append({"text": "，".join(words) + "。", "region": region, "year": year})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def stm_result() -> topiclab.Result:
    return topiclab.fit(texts_with_regions(), model="stm", k=3, prevalence="~ region + year", seed=1, cache=False,
                        no_above=0.95, generic=False)


def topic_of(result: topiclab.Result, word: str) -> int:
    return int(np.argmax(result.topic_term[:, result.terms.index(word)]))


def test_formulas_are_read_and_refused_in_one_line():
    assert [t.kind for t in parse_formula("~ a + s(b) + factor(c)")] == ["auto", "smooth", "categorical"]
    meta = pd.DataFrame({"region": ["上海", "江苏", "浙江", "上海"], "year": [2019, 2020, 2021, 2022]})
    assert design_matrix("~ region + s(year, df=3)", meta).columns == ("region=江苏", "region=浙江", "s(year)1",
                                                                          "s(year)2", "s(year)3")
    for formula, message in [("region", "must start with '~'"), ("~ region + region", "twice"),
                             ("~ s(region)", "needs a numeric column"), ("~ nowhere", "no metadata column"),
                             ("~ log(year)", "cannot read the term"), ("~ region * year", "is an interaction"),
                             ("~ s(year, df=4)", "give df=3 or less")]:
        with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
            design_matrix(formula, meta)


def test_stm_recovers_a_planted_regional_effect_with_an_interval(stm_result: topiclab.Result):
    eco = topic_of(stm_result, "森林")
    tables = model_effect_tables(stm_result.model.estimator, n_sims=50, seed=0)
    effects = tables["effects"]
    zj = effects[(effects["topic"] == eco) & (effects["term"] == "region=浙江")].iloc[0]
    assert zj["reference"] == "上海" and zj["ci_low"] > 0.2  # planted: 0.60 against 0.15
    js = effects[(effects["topic"] == eco) & (effects["term"] == "region=江苏")].iloc[0]
    assert js["ci_low"] < 0 < js["ci_high"]  # planted: no difference
    predicted = tables["effects_predicted"]
    by_region = predicted[(predicted["topic"] == eco) & (predicted["covariate"] == "region")]
    assert by_region.set_index("value")["mean"].idxmax() == "浙江"


def test_stm_runs_pickle_and_rerun_to_the_same_bytes(stm_result: topiclab.Result, tmp_path):
    est = pickle.loads(pickle.dumps(stm_result.model.estimator))
    assert np.allclose(est.theta_draws(3, 0), stm_result.model.estimator.theta_draws(3, 0))
    out = stm_result.save(tmp_path / "run")
    assert (out / "config.toml").read_text(encoding="utf-8").count('prevalence = "~ region + year"') == 1
    assert main(["fit", "--config", str(out / "config.toml"), "--out", str(tmp_path / "again"), "--quiet"]) == 0
    for name in ("doc_topics.csv", "topics.csv"):
        assert (out / name).read_bytes() == (tmp_path / "again" / name).read_bytes()


def test_seed_files_are_read_with_bare_chinese_names_and_checked():
    seeds = parse_seed_words('营商环境 = ["营商环境", "审批"]\n"科技 创新" = ["研发"]\n')
    assert list(seeds) == ["营商环境", "科技 创新"]
    with pytest.raises(InputError, match="is in both"):
        parse_seed_words('a = ["研发"]\nb = ["研发"]')
    with pytest.raises(InputError, match="has no seed word"):
        parse_seed_words('a = []')
    with pytest.raises(ConfigError, match="need k >= 2"):
        seed_columns(seeds, ["营商环境"], k=1)
    with pytest.raises(ConfigError, match="none of its seed words"):
        seed_columns({"a": ("码头",)}, ["芯片"], k=2)


def test_seeded_topics_carry_their_names_and_their_words(tmp_path):
    seeds = tmp_path / "seeds.toml"
    seeds.write_text('金融 = ["银行", "贷款", "不存在的词"]\n生态 = ["污染", "森林"]\n', encoding="utf-8")
    out = tmp_path / "run"
    assert main(["fit", str(_table(tmp_path)), "--model", "lda", "--k", "3", "--seed-words", str(seeds),
                 "--out", str(out), "--quiet", "--no-cache", *LOOSE]) == 0
    topics = pd.read_csv(out / "topics.csv")
    labels = topics.groupby("topic")["label"].first()
    assert labels[0] == "金融" and labels[1] == "生态"
    top = topics[topics["rank"] <= 6].groupby("topic")["term"].apply(set)
    assert {"银行", "贷款"} <= top[0] and {"污染", "森林"} <= top[1]
    docs = pd.read_csv(out / "doc_topics.csv")
    assert set(docs["dominant_label"]) >= {"金融", "生态"}
    ranks = pd.read_csv(out / "seed_words.csv")
    missing = ranks[ranks["word"] == "不存在的词"].iloc[0]
    assert not missing["in_vocabulary"] and pd.isna(missing["rank"])


def _table(tmp_path) -> Path:
    path = tmp_path / "docs.csv"
    if not path.exists():
        texts_with_regions().to_csv(path, index=False)
    return path


def test_research_model_options_are_refused_in_one_line(tmp_path, capsys):
    table = str(_table(tmp_path))
    cases = [
        (["--model", "nmf", "--prevalence", "~ region"], "applies to model stm"),
        (["--model", "stm", "--prevalence", "~ regio"], "no metadata column 'regio'"),
        (["--model", "nmf", "--seed-words", table], "applies to model lda"),
        (["--model", "lda", "--seed-words", str(tmp_path / "none.toml")], "no such file"),
        (["--model", "dtm"], "needs the metadata column of each document's date"),
        (["--model", "stm"], "model stm needs a prevalence formula"),
        (["--model", "lda", "--time-col", "year"], "model.time_col applies to model dtm, not lda"),
        (["--model", "lda", "--time-bin", "quarter"], "model.time_bin applies to model dtm, not lda"),
    ]
    for extra, message in cases:
        assert main(["fit", table, "--out", str(tmp_path / "x"), "--quiet", "--no-cache", *LOOSE, *extra]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err
    assert not (tmp_path / "x").exists()


def test_compare_on_an_stm_run_reports_the_models_effects_and_time(stm_result: topiclab.Result, tmp_path):
    eco = topic_of(stm_result, "森林")
    c = topiclab.compare(stm_result, by="region", n_boot=200, reference="江苏", time_col="year")
    zj = c.effects[(c.effects["topic"] == eco) & (c.effects["term"] == "region=浙江")].iloc[0]
    assert zj["reference"] == "江苏" and zj["ci_low"] > 0.2
    assert {"year", "region=上海"} <= set(c.effects["term"])
    assert set(c.prevalence_over_time["group"]) == {"all", *REGIONS}
    out = c.save(tmp_path / "cmp")
    assert {"effects_region.png", "effects_year.svg", "effects_predicted.csv", "trends.csv",
            "prevalence_over_time.png"} <= {p.name for p in out.iterdir()}


def test_curated_topics_are_merged_in_the_models_effects(stm_result: topiclab.Result):
    from dataclasses import replace

    from topiclab.config import LabelsConfig

    eco = topic_of(stm_result, "森林")
    others = [t for t in range(3) if t != eco]
    curated = replace(stm_result, config=replace(stm_result.config, labels=LabelsConfig(
        names={str(eco): "生态环境"}, merge=[others])))
    effects = topiclab.compare(curated, n_boot=100).effects
    assert set(effects["topic"]) == {eco, min(others)}
    assert set(effects.loc[effects["topic"] == eco, "label"]) == {"生态环境"}
    # the merged topic is everything but ecology: its effects mirror ecology's
    pivot = effects.pivot_table(index="term", columns="topic", values="estimate")
    assert np.allclose(pivot[eco], -pivot[min(others)], atol=0.02)


def test_paragraph_units_count_their_document_once_in_the_models_effects():
    """Four paragraphs of one article are one observation of its region: the effect's interval is
    about as wide as with whole documents (per paragraph it was 0.6 as wide, and 20 % smaller)."""
    frame = texts_with_regions(90)
    frame["text"] = ["\n\n".join([t] * 4) for t in frame["text"]]
    widths = {}
    for unit in ("document", "paragraph"):
        r = topiclab.fit(frame, model="stm", k=3, prevalence="~ region", seed=1, cache=False, no_above=0.95,
                         generic=False, unit=unit, min_unit_tokens=1)
        assert (len(set(r.run.units.doc_ids)) < len(r.run.units.doc_ids)) == (unit == "paragraph")
        effects = topiclab.compare(r, by="region", n_boot=200, reference="江苏").effects
        row = effects[(effects["topic"] == topic_of(r, "森林")) & (effects["term"] == "region=浙江")]
        widths[unit] = float(row["ci_high"].item() - row["ci_low"].item())
        assert row["ci_low"].item() > 0.2  # 浙江's planted ecology share, found either way
    assert widths["paragraph"] >= 0.75 * widths["document"]
