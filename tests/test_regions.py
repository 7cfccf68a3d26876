"""Region inference: gazetteer matching and the documented order of evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from topiclab.corpus import Corpus, Document, Gazetteer, assign_regions, infer_region
from topiclab.errors import InputError


def test_gazetteer_covers_provinces_cities_districts_and_zones():
    g = Gazetteer.default()
    provinces = set(g.regions) - {"长三角", "京津冀", "粤港澳大湾区", "成渝"}
    assert len(provinces) == 31
    assert g.mentions("内蒙古自治区呼和浩特") == ["内蒙古", "内蒙古"]
    assert g.mentions("浦东新区、漕河泾和苏州工业园区") == ["上海", "上海", "江苏"]
    assert g.mentions("长江三角洲与粤港澳大湾区") == ["长三角", "粤港澳大湾区"]


def test_longest_match_and_ambiguous_short_names():
    g = Gazetteer.default()
    assert g.mentions("上海市") == ["上海"]  # one mention, not 上海 + 市
    # common words and names are matched only in their full form
    assert g.mentions("中山医院、安康幸福、董事长黄山、朝阳产业") == []
    assert g.mentions("中山市和黄山市") == ["广东", "安徽"]


def test_title_with_several_places_picks_the_one_the_text_names_most():
    region, source = infer_region(title="到武汉成都招商，上海能提供什么", section=None,
                                  text="上海 上海 上海 武汉 成都")
    assert (region, source) == ("上海", "title")


def test_section_then_text_then_none():
    assert infer_region(title="中小企业", section="江苏观察", text="上海") == ("江苏", "section")
    assert infer_region(title="中小企业", section=None, text="闵行区……张江……宁波") == ("上海", "text")
    assert infer_region(title="中小企业", section=None, text="上海……浙江") == (None, "none")


def test_explicit_column_beats_title_and_mapping_beats_all(tmp_path: Path):
    docs = [
        Document("a", "宁波港口", {"title": "宁波", "region": "长三角"}),
        Document("b", "宁波港口", {"title": "宁波"}),
        Document("c", "宁波港口", {"title": "宁波"}),
    ]
    mapping = tmp_path / "map.csv"
    mapping.write_text("doc_id,region\nc,江苏\n", encoding="utf-8")
    out = assign_regions(Corpus.from_documents(docs), mapping=mapping)
    assert out.column("region") == ("长三角", "浙江", "江苏")
    assert out.column("region_source") == ("metadata", "title", "mapping")


def test_named_column_and_name_mapping(tmp_path: Path):
    corpus = Corpus.from_documents([Document("a", "青浦示范区建设，青浦", {"省份": "上海"}), Document("b", "青浦 青浦")])
    assert assign_regions(corpus, column="省份").column("region") == ("上海", "上海")
    names = tmp_path / "names.tsv"
    names.write_text("name\tregion\n青浦\t长三角\n", encoding="utf-8")
    assert assign_regions(corpus, mapping=names).column("region") == ("长三角", "长三角")


def test_bad_region_options(tmp_path: Path):
    corpus = Corpus(["a"], ["上海"])
    with pytest.raises(InputError, match="region column 'prov' not found"):
        assign_regions(corpus, column="prov")
    bad = tmp_path / "m.csv"
    bad.write_text("id,where\na,上海\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs a header with 'region'"):
        assign_regions(corpus, mapping=bad)
