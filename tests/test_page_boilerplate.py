"""Boilerplate found from the corpus, units with substance, generic words: defaults that hold on scraped pages."""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from topiclab.config import FitConfig
from topiclab.corpus import Corpus
from topiclab.errors import ConfigError, InputError
from topiclab.pipeline import prepare
from topiclab.preprocess import PreprocessConfig, preprocess
from topiclab.preprocess.page_boilerplate import PageRules, read_patterns, strip_page_boilerplate
from topiclab.preprocess.units import joined_paragraphs
from topiclab.vectorize import generic_terms

# four themes; each page says its theme's things in sentences as varied as real writing
THEMES = {
    "农业": "粮食 农田 种业 农产品 乡村 农民 园区 冷链 灌溉 农机 耕地 养殖".split(),
    "芯片": "集成电路 芯片 晶圆 半导体 封装 制程 光刻 材料 设计 设备 良率 算力".split(),
    "生态": "流域 污染 湿地 碳排放 水质 生物 绿色 土壤 森林 空气 治理 低碳".split(),
    "医疗": "医疗 医生 医院 医保 中医药 卫生 疾病 疫苗 药品 护理 诊疗 健康".split(),
}
COMMON = ("建设 提升 扩大 加快 推进 改善 持续 稳定 增长 完善 创新 服务 能力 体系 项目 规模 质量 效率 水平 "
          "基础 机制 保障 投入 合作 示范 试点 标准 政策 资金 市场").split()
PLACES = ["南京", "苏州", "杭州", "宁波", "合肥", "芜湖", "无锡", "嘉兴", "徐州", "温州", "常州", "绍兴"]


def sentence(theme: str, rng: random.Random) -> str:
    words = [rng.choice(THEMES[theme] if i % 2 == 0 else COMMON) for i in range(6)]
    return f"{rng.choice(PLACES)}{''.join(words[:3])}，{''.join(words[3:])}。"


HEADER = ["首页 | 新闻 | 政务 | 服务 | 互动", "当前位置：首页 > 政务公开 > 政府工作报告", "【字体：大 中 小】 【打印】 【关闭】"]
FOOTER = ["责任编辑：{editor}", "版权所有：{site}人民政府办公厅  ICP备{n}号", "扫一扫在手机打开当前页"]


def scraped_page(i: int, rng: random.Random) -> str:
    theme = list(THEMES)[i % len(THEMES)]
    site = ["江苏省", "浙江省", "安徽省", "上海市"][i % 4]
    lines = list(HEADER)
    lines.append(f"来源：{site[:2]}日报  时间：2024-0{1 + i % 9}-1{i % 10} 10:{i % 60:02d}  浏览次数：{rng.randint(10, 999)}")
    lines.append("各位代表：")
    lines.append(f"现在，我代表{site}人民政府，向大会报告工作，请予审议，并请{site[-1]}政协委员和其他列席人员提出意见。")
    lines.append(f"新华社南京1月{1 + i % 28}日电（记者 王{i}）" + sentence(theme, rng))
    for _ in range(12):
        lines.append("".join(sentence(theme, rng) for _ in range(3)))
    lines += [f.format(editor=f"李{i}", site=site, n=1000 + i) for f in FOOTER]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def pages() -> list[str]:
    rng = random.Random(0)
    return [scraped_page(i, rng) for i in range(24)]


def test_chrome_masthead_dateline_and_formula_are_removed_and_counted(pages):
    cleaned = strip_page_boilerplate(pages)
    text = cleaned.texts[0]
    for gone in ("打印", "当前位置", "来源", "浏览次数", "各位代表", "请予审议", "新华社", "责任编辑", "ICP备", "扫一扫"):
        assert gone not in text, gone
    # the content survives, the dateline's sentence included
    content = [(i, line) for i, page in enumerate(pages) for line in page.split("\n")[7:-3]]
    kept = [line for i, line in content if line in cleaned.texts[i].split("\n")]
    assert len(kept) >= 0.95 * len(content)
    assert all(cleaned.texts[i].strip().startswith(pages[i].split("\n")[6].split("）")[1]) for i in range(len(pages)))
    assert set(cleaned.counts) >= {"repeated", "dateline"}
    listed = {(reason, text) for reason, text, _ in cleaned.lines}
    assert ("repeated", "各位代表：") in listed
    assert any(reason == "dateline" and text.startswith("新华社南京") for reason, text in listed)
    assert all(docs >= 1 for _, _, docs in cleaned.lines)


def test_single_document_rules_without_repetition():
    page = ("字号 加大 还原 减小\n下载 打印 全屏 收藏\n首页 > 新闻中心 > 正文\n发布日期：2024-01-05\n"
            "本报讯（记者 张三）长三角一体化示范区建设提速。\n上一篇：沪苏同城化\nCopyright © 2024 某某网")
    cleaned = strip_page_boilerplate([page])
    assert cleaned.texts[0].split() == ["长三角一体化示范区建设提速。"]
    assert cleaned.counts == {"field": 3, "chrome": 3, "dateline": 1}


def test_content_that_looks_alike_is_kept():
    texts = ["光伏发电装机规模扩大。\n移动通讯网络覆盖乡村。", "政务服务\n打印机产业发展。", "时间就是效率。\n来源地管理制度完善。",
             "记者：资金来源是否有保证？\n时间：1月6日，美国东部时间21时28分。",
             "加强知识产权保护，严厉打击侵犯版权所有人合法权益的行为。\nCopyright law protects authors.",
             "中央电视台3月5日报道了全国两会开幕的盛况。\n合作社3月5日报道称产量增加。\n中央电视台3月5日电视直播开幕式。"]
    cleaned = strip_page_boilerplate(texts)
    assert cleaned.texts == tuple(texts) and cleaned.counts == {}


def test_credits_at_the_end_of_a_line_go_and_statistics_stay():
    cleaned = strip_page_boilerplate(["江泽民发表新年讲话。（新华社北京12月31日电）\n群众欢度新年。（据新华社电）"])
    assert cleaned.texts == ("江泽民发表新年讲话。\n群众欢度新年。",) and cleaned.counts == {"dateline": 2}
    # the same sentence with other numbers is another sentence: a statistic, not boilerplate
    texts = [f"全年粮食总产量{300 + i}万吨，比上年增长{i}.5%。\n第{i}篇的正文各不相同，内容第{i}次出现。" for i in range(10)]
    assert strip_page_boilerplate(texts).texts == tuple(texts)


def test_copies_are_kept_whole_and_one_line_documents_untouched():
    copy = ("长三角生态绿色一体化发展示范区建设三年来，跨省域共建共享的制度创新成果陆续落地。\n"
            "集成电路产业集群加快发展，张江、无锡和合肥三地的设计、制造与封装测试企业协同攻关。")
    one_liners = ["很好", "很好", "很好", "质量不错"]
    cleaned = strip_page_boilerplate([copy, copy, copy, *one_liners])
    assert cleaned.texts == (copy, copy, copy, *one_liners)


def test_user_patterns_remove_and_keep_patterns_protect(pages, tmp_path: Path):
    drop = tmp_path / "drop.txt"
    drop.write_text("# our site's banner\n集成电路\n", encoding="utf-8")
    keep = tmp_path / "keep.txt"
    keep.write_text("^各位代表\n", encoding="utf-8")
    cleaned = strip_page_boilerplate(pages, PageRules(patterns=read_patterns(drop), keep=read_patterns(keep)))
    assert "集成电路" not in "".join(cleaned.texts)
    assert "各位代表：" in cleaned.texts[0]
    assert cleaned.counts["pattern"] > 0


def test_user_patterns_apply_with_the_page_rules_off(pages, tmp_path: Path):
    drop = tmp_path / "drop.txt"
    drop.write_text("集成电路\n", encoding="utf-8")
    corpus = Corpus([f"p{i}" for i in range(len(pages))], pages)
    units = preprocess(corpus, PreprocessConfig(page_boilerplate=False, boilerplate_patterns=(str(drop),)))
    assert set(units.page_removed) == {"pattern"}
    tokens = {w for toks in units.tokens for w in toks}
    assert "集成电路" not in tokens and "打印" in tokens  # the pattern's lines went, the chrome stayed


def test_bad_pattern_file_is_one_line_error(tmp_path: Path):
    bad = tmp_path / "bad.txt"
    bad.write_text("ok\n(unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.txt:2: '\(unclosed' is not a valid regular expression"):
        read_patterns(bad)


def test_datelines_never_become_phrases():
    lines = [f"新浪体育讯北京时间3月{d}日消息，{team}队在主场取胜。" for d in range(1, 29) for team in ("北京", "上海")]
    texts = ["\n".join(lines[i : i + 4]) for i in range(0, len(lines), 4)]
    units = preprocess(Corpus([str(i) for i in range(len(texts))], texts), PreprocessConfig())
    tokens = {w for toks in units.tokens for w in toks}
    assert not {w for w in tokens if "讯" in w or "北京时间" in w}
    assert not [p for p in units.phrases if "讯" in p.text or "北京时间" in p.text]
    off = preprocess(Corpus([str(i) for i in range(len(texts))], texts), PreprocessConfig(page_boilerplate=False))
    assert any("北京时间" in w for toks in off.tokens for w in toks)  # the filter, not the segmenter, removed it


def test_short_paragraphs_join_their_neighbour():
    assert joined_paragraphs([["标题"], ["上海"] * 12, ["小结"]], 10) == [(0, ["标题", *["上海"] * 12, "小结"])]
    assert joined_paragraphs([["a"] * 10, [], ["b"] * 3, ["c"] * 8], 10) == [(0, ["a"] * 10), (2, ["b"] * 3 + ["c"] * 8)]
    text = "一、产业集群\n\n" + "长三角一体化发展示范区建设取得新进展，集成电路产业集群加快发展，生态环境持续改善。" * 3 + "\n\n二、生态环境"
    units = preprocess(Corpus(["a"], [text]), PreprocessConfig(unit="paragraph"))
    assert len(units) == 1 and units.unit_ids == ("a#p0",)
    every = preprocess(Corpus(["a"], [text]), PreprocessConfig(unit="paragraph", min_unit_tokens=1))
    assert len(every) == 3


def test_auto_unit_looks_at_document_length():
    config = PreprocessConfig(unit="auto")
    assert config.for_corpus(["短" * 300] * 500).unit == "document"
    assert config.for_corpus(["长" * 8000] * 500).unit == "paragraph"
    assert config.for_corpus(["短" * 300] * 50).unit == "paragraph"


def test_generic_words_are_found_listed_and_can_be_kept(tmp_path: Path):
    rng = random.Random(1)
    docs = []
    for i in range(300):
        topic = [["农业", "粮食", "农民"], ["芯片", "制造", "晶圆"], ["医院", "医保", "医生"]][i % 3]
        docs.append([*rng.choices(topic, k=40), "记者", "表示", "希望", *rng.choices(["上海", "江苏"], k=2)])
    found = {g.term for g in generic_terms(docs)}
    assert {"记者", "表示", "希望"} <= found
    assert not found & {"农业", "粮食", "芯片", "医院"}
    assert "记者" not in {g.term for g in generic_terms(docs, keep=frozenset({"记者"}))}
    # too short to show bursts: nothing is called generic
    assert generic_terms([d[:5] for d in docs]) == ()


def test_settings_are_checked(tmp_path: Path):
    with pytest.raises(ConfigError, match="min_unit_tokens must be at least 1, got 0"):
        PreprocessConfig(min_unit_tokens=0)
    with pytest.raises(ConfigError, match="boilerplate_min_share must be a share of documents from 0 to 1"):
        PreprocessConfig(boilerplate_min_share=2.0)
    with pytest.raises(ConfigError, match=r"no_such\.txt: no such file"):
        PreprocessConfig(boilerplate_patterns=("no_such.txt",))
    with pytest.raises(ConfigError, match=r"vectorize\.keep_terms names a word list"):
        FitConfig().with_values({"vectorize.keep_terms": str(tmp_path / "none.txt")})


def test_fit_on_scraped_pages_lists_what_it_removed(pages, tmp_path: Path):
    table = tmp_path / "pages.csv"
    with table.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["doc_id", "text"])  # a doc_id column is the id column
        writer.writerows([f"p{i}", t] for i, t in enumerate(pages))
    out = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "topiclab.cli", "fit", str(table), "--k", "4", "--out", str(out),
                           "--quiet", "--no-cache"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "boilerplate lines removed:" in proc.stdout
    listed = (out / "boilerplate.csv").read_text(encoding="utf-8")
    assert listed.startswith("reason,documents,text\n") and "repeated,24,各位代表：" in listed
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["boilerplate_lines"]["repeated"] > 0
    assert {"boilerplate.csv", "generic_terms.csv"} <= set(manifest["files"])
    doc_ids = (out / "doc_topics.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    assert doc_ids == "p0"
    topics = (out / "topics.csv").read_text(encoding="utf-8")
    for chrome in ("打印", "首页", "来源", "代表", "审议", "记者", "编辑"):
        assert f",{chrome}," not in topics, chrome


def test_new_texts_are_cleaned_as_the_fit_was_whatever_the_batch(pages):
    import topiclab

    result = topiclab.fit(pages, k=4, cache=False)
    alone = result.transform(pages[:1])
    batch = result.transform(pages[:3])
    assert alone["n_terms"].iloc[0] == batch["n_terms"].iloc[0]
    assert abs(alone["topic_0"].iloc[0] - batch["topic_0"].iloc[0]) < 1e-4
    # the fit's repeated lines go from a new page as they went from the corpus
    page = "各位代表：\n" + sentence("芯片", random.Random(5))
    assert result.transform([page])["n_terms"].iloc[0] == result.transform([page.split("\n")[1]])["n_terms"].iloc[0]


def test_a_config_written_before_these_settings_reruns_as_it_ran(tmp_path: Path):
    old = FitConfig().to_dict()
    for key in ("min_unit_tokens", "page_boilerplate", "boilerplate_min_docs", "boilerplate_min_share",
                "boilerplate_near_share", "boilerplate_patterns", "boilerplate_keep"):
        del old["preprocess"][key]
    for key in ("generic", "generic_min_share", "generic_max_ridf", "keep_terms"):
        del old["vectorize"][key]
    old["model"]["name"] = "nmf"
    path = tmp_path / "config.toml"
    import tomli_w

    path.write_text(tomli_w.dumps(old), encoding="utf-8")
    config = FitConfig.from_toml(path)
    assert config.preprocess.min_unit_tokens == 1 and config.preprocess.page_boilerplate is False
    assert config.vectorize.generic is False
    hand = tmp_path / "mine.toml"
    hand.write_text('[preprocess]\nunit = "paragraph"\n', encoding="utf-8")
    assert FitConfig.from_toml(hand).preprocess.min_unit_tokens == 10  # written by hand: today's defaults


@pytest.mark.parametrize(("setting", "message"), [
    ("preprocess.page_boilerplate=abc", "preprocess.page_boilerplate must be true or false, got 'abc'"),
    ("preprocess.min_unit_tokens=1.5", "preprocess.min_unit_tokens must be a whole number, got 1.5"),
    ("preprocess.boilerplate_min_docs=abc", "preprocess.boilerplate_min_docs must be a whole number"),
])
def test_settings_of_the_wrong_kind_are_refused(setting: str, message: str):
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        FitConfig().with_overrides([setting])


def test_the_pages_switches_are_recorded_and_rerun(pages, tmp_path: Path):
    corpus = Corpus([f"p{i}" for i in range(len(pages))], pages)
    config = FitConfig().with_values({"preprocess.page_boilerplate": False, "vectorize.generic": False, "k": 4})
    prepared = prepare(config, corpus=corpus, cache_dir=None)
    assert prepared.units.page_removed == {} and prepared.generic == ()
    assert any("打印" in toks for toks in prepared.units.tokens)
    again = FitConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert again.preprocess.page_boilerplate is False and again.vectorize.generic is False


@pytest.fixture(scope="module")
def many_pages() -> Corpus:
    rng = random.Random(2)
    texts = [scraped_page(i, rng) for i in range(260)]  # several batches of 100,000 characters
    assert sum(map(len, texts)) > 200_000
    return Corpus([f"p{i}" for i in range(len(texts))], texts)


@pytest.mark.parametrize("settings", [
    {"unit": "paragraph"},
    {"unit": "auto", "boilerplate_min_docs": 2},
    {"page_boilerplate": False, "boilerplate_patterns": "patterns"},
])
def test_pages_cleaned_by_the_workers_give_the_one_process_result(many_pages, settings, tmp_path, monkeypatch):
    """Workers count repeated lines and edges for their batches and clean them before tagging:
    the units, the counts by reason and the removed lines are those one process finds, for 2 or 3
    workers, with batches in memory or on disk, and from the tagged corpus cached by the workers."""
    from topiclab.preprocess import pipeline

    if settings.get("boilerplate_patterns"):
        (tmp_path / "p.txt").write_text("^首页\n^扫一扫\n", encoding="utf-8")
        settings = {**settings, "boilerplate_patterns": [str(tmp_path / "p.txt")]}
    config = PreprocessConfig(**settings)
    one = preprocess(many_pages, config)
    assert one.page_removed and one.page_lines
    assert preprocess(many_pages, config, workers=3) == one
    monkeypatch.setattr(pipeline, "SPILL_CHARS", 0)
    monkeypatch.setattr(pipeline, "CODES_ON_DISK_CHARS", 0)
    assert preprocess(many_pages, config, workers=2, cache_dir=tmp_path / "cache") == one
    changed = replace(config, min_len=3)
    assert preprocess(many_pages, changed, workers=2, cache_dir=tmp_path / "cache") == preprocess(many_pages, changed)


def test_new_texts_cleaned_with_a_fits_lines_in_workers_match_one_process(many_pages):
    known = ["各位代表：", "扫一扫在手机打开当前页"]
    one = preprocess(many_pages, PreprocessConfig(), known_boilerplate=known)
    assert one.page_removed["repeated"] >= 2 * len(many_pages)
    assert preprocess(many_pages, PreprocessConfig(), workers=2, known_boilerplate=known) == one


def test_a_line_repeated_just_often_enough_across_workers_is_found():
    """A line in 3 documents (the threshold), two with one worker and one with the other: only
    keys counted at least twice by some worker travel, and their exact counts are added."""
    from topiclab.preprocess.page_boilerplate import PageCleaner, PageRules, parse_pages
    from topiclab.preprocess.page_repeats import frequent, line_counts
    from topiclab.preprocess.team import Team

    body = ["集成电路产业集群加快发展。", "生态环境持续改善。", "数字经济核心产业增长。", "粮食生产再获丰收。"]
    batches = [["本文来源于示范区发布\n" + body[0], "本文来源于示范区发布\n" + body[1]],
               ["本文来源于示范区发布\n" + body[2]], ["办事指南栏目\n" + body[3]]]
    cleaner = PageCleaner(PageRules(min_docs=3, min_share=0.0))
    with Team(2, PreprocessConfig(), batches, cleaner=cleaner) as team:
        repeats = team.repeats()
    assert repeats is not None
    everything = [page.content for batch in batches for page in parse_pages(batch)]
    assert repeats.df == frequent(line_counts(everything), 3) == {"本文来源于示范区发布"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the patched digest reaches forked workers only")
def test_workers_that_count_digests_find_the_same_lines_when_digests_collide(many_pages, monkeypatch):
    """Workers count keys by an eight-byte digest; the digests frequent in all are counted again
    as keys. With a digest that makes every key collide with a third of the others, the repeated
    lines and the units are still exactly those of one process."""
    import numpy as np

    from topiclab.preprocess import page_repeats

    one = preprocess(many_pages, PreprocessConfig())
    monkeypatch.setattr(page_repeats, "digests",
                        lambda keys: np.array([len(k) % 3 for k in keys], dtype=np.uint64))  # forked with it
    assert preprocess(many_pages, PreprocessConfig(), workers=2) == one
    assert one.page_removed["repeated"] > 0
