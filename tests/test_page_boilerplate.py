"""Boilerplate found from the corpus, units with substance, generic words: defaults that hold on scraped pages."""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
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

# four themes; each page says its theme's things in sentences varied as real writing is
THEMES = {
    "农业": (["粮食产量", "高标准农田", "种业振兴", "农产品加工", "乡村产业", "农民收入", "农业园区", "冷链物流"],
             ["稳定增长", "加快建设", "深入推进", "提质增效", "持续扩大", "较快提高"]),
    "芯片": (["集成电路", "芯片设计", "晶圆制造", "半导体设备", "封装测试", "先进制程", "芯片人才", "光刻材料"],
             ["规模扩大", "取得突破", "加快集聚", "国产化加快", "产能提升", "协同发展"]),
    "生态": (["长江流域", "大气污染防治", "湿地保护", "碳排放权交易", "水质", "生物多样性", "绿色低碳", "土壤修复"],
             ["持续改善", "成效明显", "深入推进", "运行平稳", "面积扩大", "加快转型"]),
    "医疗": (["基层医疗", "家庭医生", "公立医院", "医保支付", "中医药", "县域医共体", "疾病预防", "公共卫生"],
             ["能力提升", "签约扩面", "改革深化", "传承创新", "加快建设", "体系健全"]),
}
PLACES = ["南京", "苏州", "杭州", "宁波", "合肥", "芜湖", "无锡", "嘉兴", "徐州", "温州", "常州", "绍兴"]


def sentence(theme: str, rng: random.Random) -> str:
    subjects, predicates = THEMES[theme]
    return f"{rng.choice(PLACES)}{rng.choice(subjects)}{rng.choice(predicates)}，{rng.choice(subjects)}{rng.choice(predicates)}。"


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
    texts = ["光伏发电装机规模扩大。\n移动通讯网络覆盖乡村。", "政务服务\n打印机产业发展。", "时间就是效率。\n来源地管理制度完善。"]
    cleaned = strip_page_boilerplate(texts)
    assert cleaned.texts == tuple(texts) and cleaned.counts == {}


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


def test_the_pages_switches_are_recorded_and_rerun(pages, tmp_path: Path):
    corpus = Corpus([f"p{i}" for i in range(len(pages))], pages)
    config = FitConfig().with_values({"preprocess.page_boilerplate": False, "vectorize.generic": False, "k": 4})
    prepared = prepare(config, corpus=corpus, cache_dir=None)
    assert prepared.units.page_removed == {} and prepared.generic == ()
    assert any("打印" in toks for toks in prepared.units.tokens)
    again = FitConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert again.preprocess.page_boilerplate is False and again.vectorize.generic is False
