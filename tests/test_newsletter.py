"""The seed newsletter is split into its 23 articles, with nothing lost or duplicated."""

from __future__ import annotations

import pytest

from topiclab.corpus import seed_path
from topiclab.corpus.encoding import read_text
from topiclab.corpus.newsletter import parse_newsletter, title_similarity
from topiclab.errors import InputError

EXPECTED = [
    # (title as printed in the body, section, region)
    ("长三角重点产业创新链协同攻关机制研究", "综合观察", "长三角"),
    ("深化长三角创新链产业链跨区域合作", "综合观察", "长三角"),
    ("长三角小微制造业如何“走出去”？", "综合观察", "长三角"),
    ("加强长三角生态环境共保联治", "综合观察", "长三角"),
    ("生态币：长三角示范区可持续发展新引擎", "综合观察", "长三角"),
    ("上海制度型开放举措研究", "区域借鉴", "上海"),
    ("上海城市更新若干重大问题研究", "区域借鉴", "上海"),
    ("以科技创新为引领，上海如何率先建设现代化产业体系？", "区域借鉴", "上海"),
    ("新发展格局下上海强化高端产业引领功能研究", "区域借鉴", "上海"),
    ("支持中小企业发展应新建三个境界", "区域借鉴", "上海"),
    ("进一步优化提升上海营商环境的对策建议", "区域借鉴", "上海"),
    ("到武汉成都“反向”招商，上海能为内陆强企提供什么？", "区域借鉴", "上海"),
    ("上海市场监管局 15 条“硬核”措施促进营商环境优化升级", "区域借鉴", "上海"),
    ("让生产性互联网服务平台更好赋能“四大功能”", "区域借鉴", "上海"),
    ("“十项举措”加快落实上海科技成果转化创新改革试点", "区域借鉴", "上海"),
    ("加快推进上海科创金融改革试验区建设", "区域借鉴", "上海"),
    ("打造知识产权制度创新“样板区” 探索数据知识产权保护规则", "区域借鉴", "上海"),
    ("张江示范基地以生物医药为主导产业强化创新策源 激发科创生态", "区域借鉴", "上海"),
    ("闵行区：锻造监管“全链条” 全力护航乡村振兴", "区域借鉴", "上海"),
    ("全力推进江苏新型工业化建设走在前列", "区域借鉴", "江苏"),
    ("推动江苏专精特新企业发展进入快车道", "区域借鉴", "江苏"),
    ("宁波民营企业“走出去”国际化发展现状研究", "区域借鉴", "浙江"),
    ("数字经济助力浙江民营经济腾飞", "区域借鉴", "浙江"),
]

AUTHORS = {
    1: "傅方正 黄晓飞 浙江大学杭州国际科创中心",
    2: "王振 上海社会科学院副院长",
    3: "崔琪涌 上海金融科技研究中心特邀研究员；张源 上海市晨光学者；何金廖 华东师范大学中国现代城市研究中心、"
    "城市发展研究院研究员",
    6: "王中美、徐乾宇、吕文洁、孙伊然",
    10: "李湛，上海社会科学院应用经济研究所研究员",
    20: "江苏省工业和信息化厅",
    21: "郑琼洁、姜龙舟 江苏省发展研究中心",
    22: "沈云怡，韩炳阳，宋雨奇 科技部科技评估中心；刘淑窈，南方，周小林，任孝平 中国一中东欧国家创新合作研究中心",
    23: "曹聪 刘佳 许嘉倩 沈振扬 浙江工业大学院",
}
NO_AUTHOR = {12, 13, 15, 17, 18}


@pytest.fixture(scope="module")
def issue():
    return parse_newsletter(read_text(seed_path())[0])


def test_seed_has_23_articles_with_body_titles_sections_and_regions(seed):
    assert len(seed) == 23
    got = list(zip(seed.column("title"), seed.column("section"), seed.column("region")))
    assert got == EXPECTED
    assert list(seed.column("position")) == list(range(1, 24))


def test_authors_read_from_closing_parenthetical(seed):
    authors = dict(zip(seed.column("position"), seed.column("authors")))
    for pos, expected in AUTHORS.items():
        assert authors[pos] == expected
    assert {p for p, a in authors.items() if a is None} == NO_AUTHOR


def test_nested_parentheses_keep_the_whole_credit(seed):
    notes = dict(zip(seed.column("position"), seed.column("credit_note")))
    assert notes[3].startswith("本文系教育部人文社科青年基金项目") and notes[3].endswith("（2023-JK03-A）的转化成果")
    assert notes[23] == "本文系国家社科基金一般项目（22BGJ037）的成果之一"
    # the credit is metadata, not article text
    assert "作者：" not in seed[0].text and "（22BGJ037）" not in seed[22].text


def test_every_character_accounted_for_once(issue):
    issue.check_accounting()
    assert issue.front_matter.startswith("\n\n长三角观察")
    assert "数字经济助力浙江民营经济腾飞" in issue.front_matter  # the TOC is front matter
    assert issue.footer.startswith("主 办：上海创新发展研究所")


def test_toc_and_footer_are_in_no_article(seed):
    first = seed[0].text
    assert first.startswith("长三角重点产业创新链协同攻关机制研究\n\n——以集成电路产业为例\n\n当前，")
    assert "深化长三角创新链产业链跨区域合作" not in first
    assert all("联系电话" not in d.text and "第 1 期" not in d.text for d in seed)


def test_toc_variants_match_the_body_title(issue):
    a3, a15 = issue.articles[2], issue.articles[14]
    assert a3.toc_title == "长三角小微制造业如何“走出去”" and a3.title.endswith("？")
    assert a15.toc_title.endswith("改革创新试点") and a15.title.endswith("创新改革试点")


def test_title_recurring_as_subheading_starts_the_article_once(seed):
    text = seed[15].text
    assert text.count("加快推进上海科创金融改革试验区建设") == 2
    assert text.startswith("加快推进上海科创金融改革试验区建设\n\n中央金融工作会议")


def test_pdf_lines_are_repaired_and_paragraphs_kept(seed):
    first = seed[0]
    # a paragraph broken across a page joined, with the split word whole again
    assert "以及杭州电子科技大学、东南大学等专业型大学" in first.text
    assert "单兵作战能力强而大兵团作战不够" in first.text
    assert "受长三角经济圈辐射带动影响很小。" in seed[2].text
    assert "城市更新" in seed[6].text and "给地方更多的盘活存量的空间和活力。" in seed[6].text
    # headings stay their own paragraphs
    paras = first.paragraphs()
    assert "（一）产业结构较为完备" in paras and "一、长三角集成电路产业创新链的现状分析" in paras
    assert len(paras) == 42  # 46 printed lines, 4 of them cut by a page


def test_table_rows_survive_and_page_continued_row_is_joined(seed):
    table = next(p for p in seed[5].paragraphs() if "\t" in p)
    rows = table.split("\n")
    assert rows[0] == "\t四大开放制度\t细分制度\t制度改革方向"
    assert rows[-2].startswith("4\t权益救济制度") and rows[-2].endswith("要加强与国际争议解决机制的联系和互认。")
    assert "仲裁、调解等在内的多元渠道" in rows[-2]


def test_title_similarity_tolerates_punctuation_and_swaps():
    assert title_similarity("如何“走出去”", "如何“走出去”？") == 1.0
    assert title_similarity("科技成果转化改革创新试点", "科技成果转化创新改革试点") == 0.95
    assert title_similarity("上海城市更新", "江苏民营经济") < 0.5


SYNTHETIC = """快讯

第 3 期

综合观察：城市更新的三个问题

浙江数字经济观察

综合观察：

城市更新的三个问题

第一个问题是资金。城市更新需要长期资金，杭州的经验值得借鉴，杭州在这方面的

做法是设立专项基金。

浙江数字经济观察

这是本文的小标题。

浙江数字经济观察

数字经济是浙江的名片。杭州、宁波都在发力。（作者：张三（特约） 浙江大学）

编 辑：某某

电 话：123
"""


def test_synthetic_issue_picks_the_right_occurrence_and_nested_credit():
    issue = parse_newsletter(SYNTHETIC)
    issue.check_accounting()
    first, second = issue.articles
    assert first.section == second.section == "综合观察"
    assert first.title == "城市更新的三个问题"
    # the second title first appears inside the first article as a sub-heading; the TOC
    # match takes the first line after the previous article, so the sub-heading goes to article 2
    assert "杭州在这方面的做法是设立专项基金。" in first.text
    assert second.authors == "张三（特约） 浙江大学"


def test_text_without_toc_is_refused_by_the_newsletter_parser():
    with pytest.raises(InputError, match="no table of contents"):
        parse_newsletter("只是一段普通的文字。\n\n第二段也很普通。", name="plain.txt")
