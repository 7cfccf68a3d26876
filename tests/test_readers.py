"""Each reader and encoding, and every kind of bad input, end in a corpus or a one-line error."""

from __future__ import annotations

import codecs
import functools
import json
from pathlib import Path

import pandas as pd
import pytest

from topiclab.corpus import load_corpus, read_source, write_jsonl
from topiclab.errors import ConfigError, InputError

ROWS = [
    {"id": "a", "text": "上海张江科学城推进集成电路产业。", "year": 2023},
    {"id": "b", "text": "浙江宁波民营企业走出去，宁波港口繁忙。", "year": 2024},
    {"id": "c", "text": "  ", "year": 2024},
]


def test_csv_keeps_other_columns_as_metadata_and_drops_empty_texts(tmp_path: Path):
    path = tmp_path / "t.csv"
    pd.DataFrame(ROWS).to_csv(path, index=False)
    corpus = read_source(path, id_col="id")
    assert corpus.doc_ids == ("a", "b")
    assert corpus.column("year") == (2023, 2024)
    assert corpus.sources[0].n_read == 3 and corpus.sources[0].n_empty_dropped == 1
    assert corpus.texts[0] == ROWS[0]["text"]


def test_tsv_and_row_number_ids(tmp_path: Path):
    path = tmp_path / "t.tsv"
    pd.DataFrame(ROWS).rename(columns={"text": "body"}).to_csv(path, sep="\t", index=False)
    corpus = read_source(path, text_col="body")
    assert corpus.doc_ids == ("0", "1")
    assert set(corpus.meta_columns) == {"id", "year"}


def test_jsonl_table_and_parquet(tmp_path: Path):
    jl = tmp_path / "t.jsonl"
    jl.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS) + "\n", encoding="utf-8")
    pq = tmp_path / "t.parquet"
    pd.DataFrame(ROWS).to_parquet(pq)
    for path in (jl, pq):
        corpus = read_source(path, id_col="id")
        assert corpus.doc_ids == ("a", "b") and corpus.column("year") == (2023, 2024)


def test_corpus_jsonl_round_trip(tmp_path: Path, seed):
    out = tmp_path / "corpus.jsonl"
    write_jsonl(seed, out)
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert set(first) == {"doc_id", "text", "meta"} and first["meta"]["region"] == "长三角"
    assert "长三角" in out.read_text(encoding="utf-8")  # ensure_ascii=False
    back = load_corpus(out)
    assert back.doc_ids == seed.doc_ids and back.texts == seed.texts
    assert back.column("region") == seed.column("region")
    assert back.column("region_source") == ("metadata",) * 23  # now an explicit column


def test_folder_of_txt_files_uses_stems_and_counts_empty(tmp_path: Path):
    (tmp_path / "b.txt").write_text("江苏专精特新企业。", encoding="utf-8")
    (tmp_path / "a.txt").write_bytes("浙江数字经济。".encode("gb18030"))
    (tmp_path / "empty.txt").write_text("\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    corpus = read_source(tmp_path)
    assert corpus.doc_ids == ("a", "b")
    assert corpus.column("encoding") == ("gb18030", "utf-8")
    assert corpus.sources[0].n_empty_dropped == 1
    assert corpus.sources[0].encoding == "mixed: gb18030, utf-8"


def test_plain_txt_without_toc_is_one_document(tmp_path: Path):
    path = tmp_path / "note.txt"
    path.write_text("上海发布营商环境措施。\n\n第二段。", encoding="utf-8")
    corpus = load_corpus(path)
    assert len(corpus) == 1 and corpus[0].paragraphs() == ["上海发布营商环境措施。", "第二段。"]
    assert corpus[0].meta.get("region") is None  # one mention is not enough evidence
    assert corpus.sources[0].format == "text"


def test_gb18030_table_is_detected_and_recorded(tmp_path: Path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("text,地区\n长三角一体化发展,长三角\n".encode("gb18030"))
    corpus = read_source(path)
    assert corpus.texts == ("长三角一体化发展",) and corpus.column("地区") == ("长三角",)
    assert corpus.sources[0].encoding == "gb18030"


def test_bom_is_not_left_in_the_first_column_name(tmp_path: Path):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + "text,region\n上海营商环境,上海\n".encode())
    corpus = read_source(path)
    assert corpus.meta_columns == ("region",)
    assert corpus.sources[0].encoding == "utf-8-sig"
    txt = tmp_path / "bom.txt"
    txt.write_bytes(codecs.BOM_UTF8 + "江苏新型工业化。".encode())
    assert read_source(txt).texts == ("江苏新型工业化。",)


def test_crlf_text_reads_like_lf(tmp_path: Path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes("第一段。\r\n\r\n第二段。".encode())
    b.write_bytes("第一段。\n\n第二段。".encode())
    assert read_source(a).texts == read_source(b).texts


@pytest.mark.parametrize(
    ("make", "kwargs", "message"),
    [
        (lambda p: p / "missing.csv", {}, "missing.csv: no such file or folder"),
        (lambda p: _write(p / "empty.csv", b""), {}, "empty.csv: the file is empty"),
        (lambda p: _write(p / "bin.txt", bytes(range(256)) * 4), {}, "bin.txt: looks like a binary file"),
        (lambda p: _write(p / "t.csv", b"id,body\n1,x\n"), {}, "t.csv: no text column 'text'; columns are ['id', 'body']"),
        (lambda p: _write(p / "t.csv", b"id,text\n1,x\n"), {"id_col": "key"}, "t.csv: no id column 'key'"),
        (lambda p: _write(p / "t.csv", b"id,text\n1,\n2,  \n"), {}, "t.csv: all 2 texts in column 'text' are empty"),
        (lambda p: _write(p / "t.csv", b"id,text\n1,a\n1,b\n"), {"id_col": "id"}, "id value '1' occurs more than once"),
        (lambda p: _write(p / "bad.txt", "好".encode() + b"\xff\xfe\x81\x00x"), {}, "bad.txt: looks like a binary"),
        (lambda p: _write(p / "bad.txt", "好".encode() + b"\x81\x30 \xff"), {}, "neither UTF-8 nor GB18030"),
        (lambda p: _write(p / "bad.jsonl", b'{"text": "a"}\n{oops\n'), {}, "bad.jsonl:2: not valid JSON"),
        (lambda p: _write(p / "data.xlsx", b"x"), {}, "cannot tell the format from the suffix '.xlsx'"),
        (lambda p: p, {}, "the folder has no .txt files"),
    ],
)
def test_bad_input_is_one_line_naming_file_and_problem(tmp_path: Path, make, kwargs, message):
    path = make(tmp_path)
    with pytest.raises(InputError) as info:
        load_corpus(path, **kwargs)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_format_lists_the_valid_ones(tmp_path: Path):
    with pytest.raises(ConfigError, match="choose one of auto, newsletter, text, dir, csv"):
        read_source(tmp_path, format="xml")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_jsonl_file_of_many_blocks_reads_every_line_and_reports_a_bad_one(tmp_path: Path, monkeypatch):
    """Lines are parsed in blocks (no copy of the whole file): every record arrives, in order,
    and a bad line in a later block is still reported with its number."""
    from topiclab.corpus import readers

    monkeypatch.setattr(readers, "_line_blocks", functools.partial(readers._line_blocks, size=3))
    rows = [{"id": f"d{i}", "text": f"长三角\u2028第{i}篇"} for i in range(10)]
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    corpus = read_source(path, id_col="id")
    assert list(corpus.doc_ids) == [r["id"] for r in rows] and corpus.texts[9] == "长三角\u2028第9篇"
    path.write_text("\n".join([*(json.dumps(r, ensure_ascii=False) for r in rows[:8]), "{broken"]), encoding="utf-8")
    with pytest.raises(InputError, match=r"docs\.jsonl:9: not valid JSON"):
        read_source(path)


def test_a_corpus_with_infinite_or_nan_metadata_is_written_as_strict_json(tmp_path):
    """Python's json reads NaN and Infinity, which JSON has not: written back, NaN is left out as
    missing and an infinity is the string "Infinity", so any JSON reader takes the file (found by
    tests/test_fuzz.py)."""
    src = tmp_path / "input.jsonl"
    src.write_text('{"doc_id": "a", "text": "上海", "meta": {"score": Infinity, "rank": -Infinity, "x": NaN}}\n',
                   encoding="utf-8")
    out = tmp_path / "out.jsonl"
    write_jsonl(load_corpus(src, region_col="score"), out)

    def refuse(name):
        raise ValueError(f"{name} is not JSON")

    record = json.loads(out.read_text(encoding="utf-8"), parse_constant=refuse)
    assert record["meta"]["score"] == "Infinity" and record["meta"]["rank"] == "-Infinity"
    assert record["meta"].get("x") is None
