"""Fuzzing the readers and the command line with Hypothesis.

Every example runs one command and checks the same contract, whatever the input:

* the command exits 0 or 2: ``topiclab.cli.main(argv)`` returns 0 or 2 (an option argparse
  refuses exits 2 through ``SystemExit``, which is how the installed command ends too) and
  raises nothing else; ``TOPICLAB_DEBUG=1`` is set, so an internal error (status 1 for a user)
  surfaces here as the exception itself;
* stderr never holds "Traceback", and on status 2 it is exactly one line that starts with
  "topiclab" and says "error:";
* the input (file, folder, region map, dictionary; the run folder for ``compare``/``report``)
  is byte for byte unchanged;
* no partial output: on status 2 a new ``--out`` does not exist afterwards (an existing one is
  unchanged) and no hidden ``.NAME.*.tmp`` is left beside it; on status 0 the output is whole (a
  corpus JSONL: every line a JSON object with ``doc_id``, ``text``, ``meta``, one a document,
  no empty text, readable back by ``topiclab corpus``; a run, compare or report folder: its
  manifest lists exactly the files it holds).

Inputs: random bytes; text in UTF-8 (with and without BOM), GB18030, GBK, UTF-16/32, Latin-1,
cp1252 and Big5, cut mid-character or spliced with junk; newsletter issues (made up, and the seed
damaged); CSV/TSV tables with random delimiters, quoting, ragged rows, empty and ~100 kB cells,
missing headers, duplicate ids and BOMs; JSONL with bad, non-object and nested lines; folders of
.txt files, some undecodable or empty; region maps, user dictionaries and stopword lists; random
option values. Commands: ``corpus`` (most examples), ``preprocess``, ``fit``, ``compare`` and
``report`` on one run fitted once (copied for each example, sometimes with a file damaged), and
``corpus``/``preprocess`` as a real subprocess (stderr as the user sees it, library output
included).

Each property is two tests: ``test_X`` with a few dozen examples (``-m "not slow"`` runs them all
in about ten seconds) and ``test_X_slow`` (marker ``slow``) with hundreds. Examples are
derandomized, so a run is reproducible. Inputs that once broke the contract run first as explicit
examples (with a comment naming the bug), and a failing test stops at its first bug, shrunk
(``report_multiple_bugs=False``), to keep a red run short. Example counts:
``pytest tests/test_fuzz.py --hypothesis-show-statistics``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import string
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, currently_in_test_context, event, example, given, settings
from hypothesis import strategies as st

from topiclab.cli import main
from topiclab.corpus import seed_path
from topiclab.names import FORMATS, LDA_BACKENDS, MODELS, ON_ERROR, UNITS

# report_multiple_bugs=False: a failing test stops at its first bug (shrunk); with no explain phase (minutes on
# the slower commands) that keeps a red run short
settings.register_profile(
    "fuzz", max_examples=30, deadline=None, derandomize=True, database=None, print_blob=False,
    report_multiple_bugs=False, phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.large_base_example, HealthCheck.filter_too_much],
)
settings.register_profile("fuzz-slow", parent=settings.get_profile("fuzz"), max_examples=400)
FAST, SLOW = settings.get_profile("fuzz"), settings.get_profile("fuzz-slow")


def variants(check: Callable[..., None], *, fast: int, slow: int, examples: tuple[dict[str, Any], ...] = (),
             **strategies: Any) -> tuple[Any, Any]:
    """Two tests of one property: ``fast`` examples by default and ``slow`` under the slow marker.

    ``examples`` run first in both: inputs that once broke the contract (kept as regressions) and
    inputs that reach the success path whatever the generator draws.
    """
    def build(profile: settings, n: int) -> Any:
        test = given(**strategies)(check)
        for kw in reversed(examples):
            test = example(**kw)(test)
        return settings(profile, max_examples=n)(test)

    return build(FAST, fast), pytest.mark.slow(build(SLOW, slow))


@pytest.fixture(scope="module", autouse=True)
def fuzz_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Internal errors raise (TOPICLAB_DEBUG), no user cache is touched, stray output lands in a temp folder."""
    root = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOPICLAB_DEBUG", "1")
        mp.setenv("TOPICLAB_CACHE", str(root / "cache"))
        mp.delenv("TOPICLAB_CACHE_MB", raising=False)
        mp.chdir(root)
        yield root


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A fresh folder for one example (``tmp_path`` is per test, not per example)."""
    folder = Path(tempfile.mkdtemp(prefix="topiclab-fuzz-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Running a command and checking the contract

@dataclass(frozen=True)
class Outcome:
    status: int
    stdout: str
    stderr: str


def one_line_error(stderr: str) -> bool:
    body = stderr[:-1]
    return (stderr.endswith("\n") and len(body.splitlines()) == 1 and "\r" not in body
            and stderr.startswith("topiclab") and "error:" in stderr)


def check_streams(status: Any, stderr: str, argv: list[str]) -> None:
    assert status in (0, 2), f"exit status {status!r} for {argv!r}; stderr: {stderr!r}"
    assert "Traceback" not in stderr, stderr
    if status == 2:
        assert one_line_error(stderr), f"status 2 without one 'topiclab...error:' line: {stderr!r}"


def invoke(argv: list[str]) -> Outcome:
    """``main(argv)`` in this process, its output captured and the contract on status and stderr checked."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status: Any = main(argv)
        except SystemExit as exc:  # argparse refused an option: its one-line error and status 2
            status = exc.code
    check_streams(status, err.getvalue(), argv)
    if currently_in_test_context():
        event(f"{argv[0]}: status {status}")
    return Outcome(status, out.getvalue(), err.getvalue())


def snapshot(path: Path) -> dict[str, bytes]:
    """Every file under ``path`` (or ``path`` itself) by relative name, with its bytes."""
    if path.is_file():
        return {"": path.read_bytes()}
    if path.is_dir():
        return {p.relative_to(path).as_posix() + ("/" if p.is_dir() else ""): b"" if p.is_dir() else p.read_bytes()
                for p in sorted(path.rglob("*"))}
    return {}


def assert_unchanged(path: Path, before: dict[str, bytes], *, allow_new: bool = False) -> None:
    after = snapshot(path)
    if allow_new:
        after = {k: v for k, v in after.items() if k in before}
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"{path}: the input changed ({', '.join(repr(k or path.name) for k in changed[:5])})"


def leftovers(out: Path) -> list[str]:
    """Hidden temporary files or folders beside ``out`` (``.NAME.PID.RANDOM.tmp``)."""
    if not out.parent.is_dir():
        return []
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.") and p.name.endswith(".tmp"))


def assert_no_partial_output(out: Path, before: dict[str, bytes] | None) -> None:
    """After status 2: a new ``out`` does not exist, an existing one is unchanged, no temporary files."""
    if before is None:
        assert not out.exists(), f"{out}: left behind by a command that failed"
    else:
        assert_unchanged(out, before)
    assert not leftovers(out), f"temporary files left beside {out}: {leftovers(out)}"


def strict_json(line: str) -> Any:
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return json.loads(line, parse_constant=refuse)


def jsonl_records(path: Path) -> list[Any]:
    """The records of a JSONL file written by topiclab: UTF-8, one JSON value a '\\n'-terminated line."""
    text = path.read_bytes().decode("utf-8")
    assert text == "" or text.endswith("\n"), f"{path}: does not end with a newline"
    records = []
    for lineno, line in enumerate(text.split("\n")[:-1], 1):
        try:
            records.append(strict_json(line))
        except ValueError as exc:
            raise AssertionError(f"{path.name}:{lineno}: not JSON ({exc}): {line[:80]!r}") from None
    return records


def assert_corpus_jsonl(out: Path, stdout: str) -> list[tuple[str, str]]:
    """``out`` is a whole corpus JSONL of the documents the summary counts; returns (doc_id, text) pairs."""
    match = re.search(r"^documents: (\d+)$", stdout, re.M)
    assert match, f"no document count in the summary: {stdout[:300]!r}"
    records = jsonl_records(out)
    assert len(records) == int(match.group(1)), f"{out}: {len(records)} lines for {match.group(1)} documents"
    for rec in records:
        assert isinstance(rec, dict) and set(rec) == {"doc_id", "text", "meta"}, rec
        assert isinstance(rec["doc_id"], str) and isinstance(rec["text"], str) and isinstance(rec["meta"], dict), rec
        assert rec["text"].strip(), f"a document with empty text was written: {rec!r}"
    ids = [r["doc_id"] for r in records]
    assert len(set(ids)) == len(ids), f"{out}: duplicate doc_id"
    return [(r["doc_id"], r["text"]) for r in records]


def assert_reads_back(out: Path, docs: list[tuple[str, str]]) -> None:
    """A corpus JSONL written by ``topiclab corpus --out`` reads back as the same documents."""
    again = out.with_name("read-back.jsonl")
    res = invoke(["corpus", str(out), "--format", "jsonl", "--out", str(again)])
    assert res.status == 0, f"the corpus written to {out.name} does not read back: {res.stderr.strip()}"
    back = [(r["doc_id"], r["text"]) for r in jsonl_records(again)]
    assert back == docs, "the corpus read back differs from the one written"


def assert_folder_complete(out: Path, kind: str, required: tuple[str, ...]) -> None:
    """A folder topiclab wrote: its manifest names its kind and lists exactly the files it holds."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest.get("kind") == kind, manifest.get("kind")
    present = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert sorted(manifest["files"]) == present, f"{out}: manifest lists {manifest['files']}, folder holds {present}"
    missing = [name for name in required if name not in present]
    assert not missing, f"{out}: missing {missing}"


# ---------------------------------------------------------------------------------------------
# Inputs

WORDS = ("上海", "浙江", "江苏", "安徽", "长三角", "宁波", "张江", "浦东新区", "苏州工业园区", "经济", "发展", "企业",
         "创新", "科技", "产业", "政策", "区域", "合作", "数字", "园区", "人才", "推动", "高质量", "一体化", "制造业",
         "服务", "市场", "金融", "改革", "生态", "环境", "交通", "城市", "乡村", "振兴", "开放", "贸易", "数据", "平台",
         "研究", "建设", "集成电路", "生物医药", "民营经济")
PUNCT = "，。！？；：、“”‘’（）《》【】…—·,.;:|\"'!?()[]{}<>#*-_/\\"
SPACES = " \t\n\r\u3000\xa0"
CONTROLS = "".join(map(chr, range(32))) + "\x7f\x85\u2028\u2029\ufeff\u200b\ufffd"
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00")
ENCODINGS = ("utf-8", "utf-8", "utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
             "latin-1", "cp1252", "big5")

han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
fluent = st.lists(st.sampled_from(WORDS) | st.sampled_from("，。、；\n") | st.just("\n\n"), max_size=60).map("".join)
# the same, now and then with a line or paragraph separator that is not \n (as in text scraped from the web)
scraped = st.lists(fluent | st.sampled_from(("\u2028", "\u2029", "\x85")), max_size=4).map("".join)
mixed = st.text(st.one_of(han, st.sampled_from(string.ascii_letters + string.digits), st.sampled_from(PUNCT),
                          st.sampled_from(SPACES), st.sampled_from(CONTROLS)), max_size=120)
texts = fluent | mixed
short = st.text(st.sampled_from(string.ascii_letters + "_- 中文\t\ufeff"), max_size=6)
huge = st.builds(lambda piece, n: piece * n, st.sampled_from(("上海张江", "a", "长三角，", '"', "x,y", "\n")),
                 st.integers(5_000, 25_000))


@dataclass(frozen=True)
class Source:
    """A file (``data``) or a folder (``files``: name and bytes, None for a subfolder) to read."""

    name: str
    data: bytes = b""
    files: tuple[tuple[str, bytes | None], ...] | None = None
    columns: tuple[str, ...] = field(default=(), compare=False)  # column names it may hold, for options
    delimiter: str = field(default="", compare=False)  # a table's delimiter, for options
    texts: tuple[str, ...] | None = field(default=None, compare=False)  # the documents' texts, when known

    def __repr__(self) -> str:
        def short_bytes(b: bytes | None) -> str:
            return repr(b) if b is None or len(b) <= 300 else f"{b[:300]!r}...({len(b)} bytes)"

        if self.files is None:
            return f"Source({self.name!r}, {short_bytes(self.data)})"
        return f"Source({self.name!r}, files={[(n, short_bytes(b)) for n, b in self.files]!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # Hypothesis prints examples with this
        printer.text(repr(self))

    def write(self, where: Path) -> Path:
        path = where / self.name
        if self.files is None:
            path.write_bytes(self.data)
            return path
        path.mkdir()
        for name, data in self.files:
            if data is None:
                (path / name).mkdir()
            else:
                (path / name).write_bytes(data)
        return path


@st.composite
def encoded(draw: Any, text: Any = texts) -> bytes:
    """Text in a random encoding, sometimes cut mid-character, spliced with junk or given a stray BOM."""
    data = draw(text).encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    how = draw(st.sampled_from(("as is",) * 4 + ("truncated", "spliced", "bom")))
    if how == "truncated" and data:
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif how == "spliced":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    elif how == "bom":
        data = draw(st.sampled_from(BOMS)) + data
    return data


@st.composite
def newsletters(draw: Any) -> str:
    """A newsletter-shaped text: masthead, table of contents, articles with credits, footer; lines dropped at random."""
    titles = draw(st.lists(st.lists(st.sampled_from(WORDS), min_size=2, max_size=6).map("".join), min_size=1,
                           max_size=4, unique=True))
    section = draw(st.sampled_from(("", "综合观察：", "区域借鉴：")))
    lines = ["长三角观察", "第 1 期", *(section + t if i == 0 else t for i, t in enumerate(titles))]
    for i, title in enumerate(titles):
        if i == 0 and section:
            lines.append(section)
        lines.append(title)
        lines += draw(st.lists(fluent.filter(str.strip), min_size=1, max_size=3))
        lines.append(draw(st.sampled_from(("（作者：张三 上海社科院）", "（执笔：李四）", "", "（王五 浙江大学；本文系课题成果）"))))
    lines += ["主 办：上海创新发展研究所", "联系电话：021-65870916"]
    keep = draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
    if draw(st.booleans()):
        lines = [line for line, k in zip(lines, keep) if k or len(lines) < 4]
    return "\n\n".join(lines) + "\n"


@st.composite
def seed_mutants(draw: Any) -> bytes:
    """The seed newsletter with a slice cut out, repeated or moved, or re-encoded, or truncated."""
    text = seed_path().read_text(encoding="utf-8")
    a = draw(st.integers(0, len(text)))
    b = draw(st.integers(a, min(len(text), a + draw(st.sampled_from((10, 500, 20_000))))))
    how = draw(st.sampled_from(("cut", "repeat", "move", "truncate", "crlf")))
    if how == "cut":
        text = text[:a] + text[b:]
    elif how == "repeat":
        text = text[:b] + text[a:b] + text[b:]
    elif how == "move":
        text = text[a:b] + text[:a] + text[b:]
    elif how == "truncate":
        text = text[:a]
    else:
        text = text.replace("\n", "\r\n")
    return text.encode(draw(st.sampled_from(("utf-8", "gb18030", "utf-16", "utf-8-sig"))), errors="replace")


@st.composite
def text_files(draw: Any) -> Source:
    """A .txt/.md file: plain text, a newsletter, or a damaged seed, in a random encoding."""
    data = draw(st.one_of(encoded(), encoded(newsletters()), seed_mutants()))
    return Source(draw(st.sampled_from(("input.txt", "input.txt", "input.md", "INPUT.TXT", "input"))), data)


def render_cell(value: str, delim: str, mode: str) -> str:
    if mode == "minimal":
        needs = any(c in value for c in (delim, '"', "\n", "\r"))
        return '"' + value.replace('"', '""') + '"' if needs else value
    if mode == "all":
        return '"' + value.replace('"', '""') + '"'
    if mode == "unclosed":
        return '"' + value
    return value  # raw


HEADER_NAMES = ("text", "text", "id", "doc_id", "region", "title", "section", "body", "", "内容", " text", "text ",
                "\ufefftext", "Text", "meta", "region_source", "label")
cells = st.one_of(st.just(""), st.sampled_from(("1", "2", "1", "x", "nan", "NA", "None", "上海", "浙江", "-", " ")),
                  texts, huge)


tidy_cells = st.one_of(st.just(""), st.sampled_from(("1", "2", "1", "上海", "浙江")), fluent, huge)


@st.composite
def tables(draw: Any) -> Source:
    """A CSV/TSV table: random delimiter, quoting and line ends, ragged rows, perhaps no header, BOM, odd encoding.

    Half the tables are tidy (a text column, rows of the header's width, text without control
    characters), so that reading succeeds often enough to check what is written.
    """
    tidy = draw(st.booleans())
    delim = draw(st.sampled_from(",;|\t"))
    width = draw(st.integers(1, 5))
    if tidy:
        header = ["text", *draw(st.lists(st.sampled_from(HEADER_NAMES[2:]), min_size=width - 1, max_size=width - 1,
                                         unique=True).filter(lambda h: "text" not in [x.strip() for x in h]))]
        header = draw(st.permutations(header))
        rows = draw(st.lists(st.lists(tidy_cells, min_size=width, max_size=width), min_size=1, max_size=8))
    else:
        header = draw(st.lists(st.sampled_from(HEADER_NAMES) | short, min_size=width, max_size=width))
        rows = draw(st.lists(st.lists(cells, min_size=max(1, width - 2), max_size=width + 2), min_size=1, max_size=8))
    lines = ([header] if tidy or draw(st.integers(0, 4)) else []) + rows
    modes = st.sampled_from(("minimal",) * 6 + ("all",) + (() if tidy else ("raw", "unclosed")))
    eol = draw(st.sampled_from(("\n", "\n", "\r\n", "\r")))
    body = eol.join(delim.join(render_cell(c, delim, draw(modes)) for c in row) for row in lines)
    body = draw(st.sampled_from(("", "", "", "\ufeff"))) + body + draw(st.sampled_from((eol, "")))
    encodings = ("utf-8",) * 5 + ("gb18030", "utf-16", "utf-8-sig") + (() if tidy else ("big5", "latin-1"))
    data = body.encode(draw(st.sampled_from(encodings)), errors="replace")
    suffix = {",": ".csv", "\t": ".tsv"}.get(delim, ".csv") if tidy or draw(st.integers(0, 4)) else draw(
        st.sampled_from((".csv", ".tsv", ".tab", ".txt", "")))
    return Source("table" + suffix, data, columns=tuple(h.strip().lstrip("\ufeff").strip() for h in header),
                  delimiter=delim)


JSON_KEYS = ("text", "text", "id", "doc_id", "region", "title", "section", "meta", "body", "", "label")
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), texts,
                         st.sampled_from(WORDS))
json_flat = st.lists(json_scalars, max_size=3) | st.dictionaries(st.sampled_from(JSON_KEYS) | short, json_scalars,
                                                                 max_size=3)
json_values = json_scalars | json_flat | st.lists(json_flat, max_size=2) | st.dictionaries(
    st.sampled_from(JSON_KEYS) | short, json_flat, max_size=2)


def dumps(value: Any, ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only)


@st.composite
def jsonl_files(draw: Any) -> Source:
    """JSON lines: table records, corpus records, non-objects, broken lines, deep nesting, blanks.

    Half the files are tidy: every line a table record with a text, or every line a corpus record.
    """
    ascii_only = draw(st.booleans())
    texts_: tuple[str, ...] | None = None
    if draw(st.booleans()):
        ids = st.sampled_from(("a", "b", "1", "甲")) | st.integers(0, 5)
        if draw(st.booleans()):
            line = st.fixed_dictionaries({"text": fluent | scraped}, optional={
                "id": ids, "region": st.sampled_from(("上海", "浙江", "")), "title": fluent, "n": json_values})
        else:
            line = st.fixed_dictionaries({"doc_id": ids, "text": fluent | scraped,
                                          "meta": st.dictionaries(st.sampled_from(JSON_KEYS) | short, json_values,
                                                                  max_size=3)})
        records = draw(st.lists(line | st.none(), min_size=1, max_size=8))  # None: a blank line
        lines = ["" if r is None else dumps(r, ascii_only) for r in records]
        texts_ = tuple(r["text"] for r in records if r is not None and r["text"].strip())
    else:
        record = st.dictionaries(st.sampled_from(JSON_KEYS) | short, fluent | json_values, max_size=5)
        corpus_record = st.fixed_dictionaries({
            "doc_id": st.sampled_from(("a", "b", "1", "a")) | json_values, "text": fluent | json_values,
            "meta": st.dictionaries(st.sampled_from(JSON_KEYS) | short, json_values, max_size=3) | json_values,
        })
        good = st.one_of(record, corpus_record).map(lambda v: dumps(v, ascii_only))
        broken = good.flatmap(lambda s: st.integers(0, max(0, len(s) - 1)).map(lambda i: s[:i]))
        lines = draw(st.lists(st.one_of(
            good, good, good, json_values.map(lambda v: dumps(v, ascii_only)), broken, texts,
            st.sampled_from(("", "   ", "{", "[" * 3000, '{"a":' * 2000, "NaN", "\ufeff{}", "{}", "[]", "null")),
        ), max_size=8))
    body = draw(st.sampled_from(("\n", "\r\n"))).join(lines) + draw(st.sampled_from(("", "\n")))
    data = body.encode(draw(st.sampled_from(("utf-8",) * 5 + ("utf-8-sig", "utf-16", "gb18030"))), errors="replace")
    name = draw(st.sampled_from(("input.jsonl",) * 4 + ("input.ndjson", "input.JSONL", "input.json")))
    return Source(name, data, columns=("text", "id", "doc_id", "region", "title", "meta", "n"), texts=texts_)


FILE_NAMES = ("a.txt", "b.txt", "C.TXT", "中文.txt", "空.txt", ".hidden.txt", "a b.txt", "x.md", "data.csv", "README",
              "sub.txt", "a.txt.bak", "1.txt", "01.txt")
file_contents = st.one_of(
    encoded(), encoded(), st.just(b""), st.just(b"  \n\t"), st.binary(max_size=64), st.sampled_from(BOMS),
    st.sampled_from((b"\xff\xfe\x00\xd8", b"\xef\xbb\xbf\xff", b"\xe4\xb8", "\u3000\u3000\n".encode(), b"\x00\x01")),
)


@st.composite
def folders(draw: Any) -> Source:
    """A folder of .txt files (and others), some empty or undecodable; None makes a subfolder."""
    entries = draw(st.dictionaries(st.sampled_from(FILE_NAMES), file_contents | st.none(), max_size=6))
    return Source("docs", files=tuple(sorted(entries.items())))


@st.composite
def random_files(draw: Any) -> Source:
    """Random bytes under a random suffix, sometimes after a BOM or a Parquet magic number."""
    data = draw(st.binary(max_size=2000))
    data = draw(st.sampled_from((b"",) * 4 + (*BOMS, b"PAR1"))) + data
    suffix = draw(st.sampled_from((".txt", ".csv", ".tsv", ".jsonl", ".parquet", ".md", "", ".bin", ".ndjson")))
    return Source("input" + suffix, data)


sources = st.one_of(random_files(), text_files(), tables(), jsonl_files(), folders())


# ---------------------------------------------------------------------------------------------
# Options

def flag(name: str, value: str) -> str:
    return f"--{name}={value}"  # '=' keeps a value that starts with '-' a value


any_text = st.text(max_size=8)
SEPS = (",", ";", "|", "\t", "tab", "\\t", "TAB", "", '"', "\n", "\r", " ", "ab", ",,", "'")


@st.composite
def reader_options(draw: Any, source: Source) -> list[str]:
    """--format, --text-col, --id-col, --sep, --on-error, --region-col: most examples plausible values, others anything."""
    sane = draw(st.integers(0, 3)) > 0
    cols = list(source.columns) or ["text"]
    names = st.sampled_from(cols) if sane else st.sampled_from(cols) | st.sampled_from(("text", "id", "nope", "")) | any_text
    opts: list[str] = []
    if draw(st.integers(0, 3)) == 0:
        opts.append(flag("format", draw(st.sampled_from(("auto", "csv", "tsv", "jsonl")) if sane
                                        else st.sampled_from(FORMATS) | any_text)))
    if draw(st.booleans()):
        opts.append(flag("text-col", draw(names)))
    if draw(st.integers(0, 2)) == 0:
        opts.append(flag("id-col", draw(names)))
    sep = source.delimiter or ","
    if sane and sep in ";|":  # a CSV of another delimiter needs --sep
        opts.append(flag("sep", sep))
    elif draw(st.integers(0, 2)) == 0:
        opts.append(flag("sep", draw(st.sampled_from((sep, "tab" if sep == "\t" else sep, ",", ";")) if sane
                                     else st.sampled_from(SEPS) | any_text)))
    if draw(st.booleans()):
        opts.append(flag("on-error", draw(st.sampled_from(ON_ERROR) if sane else st.sampled_from(ON_ERROR) | any_text)))
    if draw(st.integers(0, 3)) == 0:
        opts.append(flag("region-col", draw(names)))
    return opts


@st.composite
def region_maps(draw: Any) -> bytes:
    """A region mapping table (doc_id,region or name,region), or something that only looks like one."""
    header = draw(st.sampled_from(("doc_id,region", "name,region", "doc_id\tregion", "region", "", "name,region,x",
                                   "doc_id;region")))
    rows = draw(st.lists(st.tuples(st.sampled_from(("0", "1", "a", "上海张江", "宁波", "")) | short,
                                   st.sampled_from(("上海", "浙江", "", "长三角")) | short), max_size=4))
    sep = "\t" if "\t" in header else ","
    text = "\n".join([header, *(f"{a}{sep}{b}" for a, b in rows)])
    return draw(st.one_of(
        st.just(text.encode()), st.just(("\ufeff" + text).encode("utf-8")), encoded(st.just(text)),
        st.sampled_from(BOMS), st.binary(max_size=40),
    ))


@dataclass(frozen=True)
class Target:
    """Where ``--out`` points: nowhere, a new path, a path in a missing folder, the input, or an existing file."""

    kind: str
    name: str = "out.jsonl"
    overwrite: bool = False

    def place(self, tmp: Path, source: Path) -> Path | None:
        if self.kind == "none":
            return None
        if self.kind == "input":
            return source
        if self.kind == "missing folder":
            return tmp / "no" / "such" / self.name
        out = tmp / self.name
        if self.kind == "foreign file":
            out.write_text("notes of mine\n", encoding="utf-8")
        elif self.kind == "own file":
            out.write_text('{"doc_id": "x", "text": "旧的", "meta": {}}\n', encoding="utf-8")
        return out


OUT_NAMES = ("out.jsonl", "out.jsonl", "o", "corpus.JSONL", ".hidden.jsonl", "中文.jsonl", "a b.jsonl", "a.b.jsonl")
targets = st.builds(Target, st.sampled_from(("none", "fresh", "fresh", "fresh", "missing folder", "input",
                                             "foreign file", "own file")),
                    st.sampled_from(OUT_NAMES), st.booleans())


# ---------------------------------------------------------------------------------------------
# corpus

def reads_as_written(options: list[str]) -> bool:
    """Whether these options read a JSONL table's 'text' field as the texts (the default)."""
    fmt = next((o.split("=", 1)[1] for o in options if o.startswith("--format=")), "auto")
    col = next((o.split("=", 1)[1] for o in options if o.startswith("--text-col=")), "text")
    return fmt in ("auto", "jsonl") and col == "text"


def run_corpus(source: Source, options: list[str], target: Target, region_map: bytes | None = None) -> None:
    """``topiclab corpus`` on ``source``: the contract for exit, stderr, input and ``--out``."""
    with scratch() as tmp:
        path = source.write(tmp)
        inputs = [path]
        argv = ["corpus", str(path), *options]
        if region_map is not None:
            inputs.append(tmp / "map.csv")
            inputs[-1].write_bytes(region_map)
            argv += ["--region-map", str(inputs[-1])]
        out = target.place(tmp, path)
        out_before = snapshot(out) if out is not None and out.exists() else None
        if out is not None:
            argv += ["--out", str(out), *(["--overwrite"] if target.overwrite else [])]
        before = {p: snapshot(p) for p in inputs}
        res = invoke(argv)
        for p in inputs:
            assert_unchanged(p, before[p])
        if out is None or out == path:
            return
        if res.status == 2:
            assert_no_partial_output(out, out_before)
            return
        assert not leftovers(out), f"temporary files left beside {out}: {leftovers(out)}"
        docs = assert_corpus_jsonl(out, res.stdout)
        if source.texts is not None and reads_as_written(options):
            assert [t for _, t in docs] == list(source.texts), "the texts read differ from the texts in the file"
        assert_reads_back(out, docs)


def check_corpus_file(source: Source, target: Target, fmt: str | None) -> None:
    run_corpus(source, [flag("format", fmt)] if fmt else [], target)


@st.composite
def table_cases(draw: Any, make: Any) -> tuple[Source, list[str]]:
    source = draw(make)
    return source, draw(reader_options(source))


def check_corpus_case(case: tuple[Source, list[str]], target: Target) -> None:
    run_corpus(case[0], case[1], target)


def check_corpus_folder(source: Source, on_error: str | None, target: Target) -> None:
    run_corpus(source, [flag("on-error", on_error)] if on_error else [], target)


def check_corpus_options(case: tuple[Source, list[str]], region_map: bytes | None, target: Target) -> None:
    run_corpus(case[0], case[1], target, region_map)


FRESH = Target("fresh")
test_corpus_random_bytes, test_corpus_random_bytes_slow = variants(
    check_corpus_file, fast=40, slow=500, source=random_files(), target=targets, fmt=st.none() | st.sampled_from(FORMATS) | any_text,
    examples=(
        # a .txt holding only a byte-order mark is read as one document with empty text
        {"source": Source("input.txt", b"\xef\xbb\xbf"), "target": FRESH, "fmt": None},
    ))
test_corpus_text, test_corpus_text_slow = variants(
    check_corpus_file, fast=40, slow=500, source=text_files(), target=targets,
    fmt=st.none() | st.sampled_from(("newsletter", "text", "auto")),
    examples=(
        {"source": Source("input.txt", seed_path().read_bytes()), "target": FRESH, "fmt": None},
        # U+2028 (or U+0085) in a text: written raw into the JSONL, split there when read back, rejoined with ','
        {"source": Source("input.txt", "上海\u2028浙江".encode()), "target": FRESH, "fmt": None},
        # whitespace only (an ideographic space): one document with blank text
        {"source": Source("input.txt", "\u3000\n".encode()), "target": FRESH, "fmt": None},
    ))
test_corpus_table, test_corpus_table_slow = variants(
    check_corpus_case, fast=40, slow=500, case=table_cases(tables()), target=targets,
    examples=({"case": (Source("t.csv", "id,text,region\n1,上海张江,\n2,宁波港,浙江\n".encode()), ["--id-col=id"]),
               "target": FRESH},))
test_corpus_jsonl, test_corpus_jsonl_slow = variants(
    check_corpus_case, fast=40, slow=500, case=table_cases(jsonl_files()), target=targets,
    examples=(
        {"case": (Source("t.jsonl", '{"text": "上海张江"}\n{"text": "宁波港", "meta": {"a": [1]}}\n'.encode()), []),
         "target": FRESH},
        # valid JSON lines with a raw U+2028 inside a string: split there and rejoined with ',' (text changed)
        {"case": (Source("t.jsonl", '{"text": "上海\u2028浙江"}\n{"text": "宁波港"}\n'.encode(),
                         texts=("上海\u2028浙江", "宁波港")), []), "target": FRESH},
    ))
test_corpus_folder, test_corpus_folder_slow = variants(
    check_corpus_folder, fast=30, slow=400, source=folders(), on_error=st.none() | st.sampled_from(ON_ERROR),
    target=targets)
test_corpus_options, test_corpus_options_slow = variants(
    check_corpus_options, fast=40, slow=500, case=table_cases(sources), region_map=st.none() | region_maps(),
    target=targets,
    examples=(
        # a region map whose row has more fields than its header: the error message sorts None with str
        {"case": (Source("input.txt", "上海".encode()), []), "region_map": "region\n0,上海".encode(),
         "target": Target("none")},
        # a region map holding only a byte-order mark: IndexError on its first line
        {"case": (Source("input.txt", "上海".encode()), []), "region_map": b"\xef\xbb\xbf", "target": Target("none")},
    ))


# ---------------------------------------------------------------------------------------------
# preprocess

small_sources = st.one_of(
    st.builds(Source, st.just("input.txt"), encoded(fluent)),
    st.builds(Source, st.just("input.txt"), encoded(newsletters())),
    tables().filter(lambda s: len(s.data) < 3000),
    jsonl_files().filter(lambda s: len(s.data) < 3000),
    folders(),
)
aux_files = st.one_of(encoded(st.lists(st.sampled_from(WORDS) | st.sampled_from((" 3", " n", " 100 ns", "\n", " x")),
                                       max_size=12).map("".join)),
                      st.binary(max_size=40), st.sampled_from(BOMS), st.just(b""))


@st.composite
def preprocess_options(draw: Any) -> tuple[list[str], dict[str, bytes]]:
    """Preprocessing options and the user files (--dict, --stopwords, --phrases) they name: most examples
    plausible values, the others anything."""
    sane = draw(st.integers(0, 3)) > 0

    def pick(valid: Any, anything: Any) -> str:
        return str(draw(valid if sane else valid | anything))

    opts: list[str] = []
    files: dict[str, bytes] = {}
    if draw(st.booleans()):
        opts.append(flag("unit", pick(st.sampled_from(UNITS), any_text)))
    if draw(st.integers(0, 3)) == 0:
        opts.append(flag("chunk-size", pick(st.sampled_from((1, 3, 200)), st.sampled_from((-1, 0)) | st.integers())))
    if draw(st.integers(0, 3)) == 0:
        opts.append(flag("min-len", pick(st.sampled_from((1, 2, 5)), st.sampled_from((-1, 0, 10**6)) | st.integers())))
    if draw(st.integers(0, 3)) == 0:
        opts.append(flag("pos", pick(st.sampled_from(("all", "ALL", "n,v", "n,,ns", " all ")),
                                     st.sampled_from(("", ",", "x")) | any_text)))
    if draw(st.integers(0, 7)) == 0:  # jieba itself: slow to start, so rarely
        opts.append(flag("engine", pick(st.sampled_from(("jieba", "rjieba")), st.sampled_from(("pkuseg", "")))))
    if draw(st.integers(0, 3)) == 0:
        opts.append(flag("workers", pick(st.just(1), st.sampled_from((0, -1, 257, 2)))))
    opts += draw(st.lists(st.sampled_from(("--keep-non-han", "--no-phrases", "--no-stopwords", "--no-boilerplate",
                                           "--no-policy-dict")), max_size=3, unique=True))
    phrase_table = "phrase\tparts\tcount\tnpmi\n上海张江\t上海 张江\t3\t0.5\n".encode()
    for option, name in (("dict", "user.dict"), ("stopwords", "stop.txt"), ("phrases", "phrases.tsv")):
        if draw(st.integers(0, 5)) == 0:
            files[name] = draw(aux_files if option != "phrases" else aux_files | st.just(phrase_table))
            opts.append(flag(option, name))
    return opts, files


PREPROCESS_OUTS = (None, None, "units.jsonl", "tokens.jsonl", "a.b.jsonl", "x.phrases.tsv", ".hidden.jsonl", "u")


def preprocess_argv(tmp: Path, case: tuple[Source, list[str]], extra: tuple[list[str], dict[str, bytes]]
                    ) -> tuple[list[Path], list[str]]:
    """Write the source and the user files into ``tmp``; return them (the source first) and the arguments."""
    source, read_opts = case
    options, files = extra
    inputs = [source.write(tmp)]
    for name, data in files.items():
        (tmp / name).write_bytes(data)
        inputs.append(tmp / name)
    options = [re.sub(r"=(user\.dict|stop\.txt|phrases\.tsv)$", lambda m: "=" + str(tmp / m.group(1)), o)
               for o in options]
    return inputs, ["preprocess", str(inputs[0]), "--no-cache", "--quiet", *read_opts, *options]


def check_preprocess(case: tuple[Source, list[str]], extra: tuple[list[str], dict[str, bytes]],
                     out_name: str | None) -> None:
    with scratch() as tmp:
        inputs, argv = preprocess_argv(tmp, case, extra)
        out = tmp / out_name if out_name else None
        if out is not None:
            argv += ["--out", str(out)]
        before = {p: snapshot(p) for p in inputs}
        res = invoke(argv)
        for p in inputs:
            assert_unchanged(p, before[p])
        if out is None:
            return
        phrases = out.with_name(Path(out_name).stem + ".phrases.tsv")  # "phrases go to FILE's stem + .phrases.tsv"
        if res.status == 2:
            assert_no_partial_output(out, None)
            assert_no_partial_output(phrases, None)
            return
        units = jsonl_records(out)
        for rec in units:
            assert isinstance(rec, dict) and set(rec) == {"unit_id", "doc_id", "tokens"}, f"{out.name}: {rec!r}"
            assert isinstance(rec["tokens"], list) and all(isinstance(t, str) for t in rec["tokens"]), rec
        assert phrases.is_file(), f"no phrase table {phrases.name} beside {out.name}; found {sorted(os.listdir(tmp))}"
        assert phrases.read_text(encoding="utf-8").startswith("phrase\tparts\tcount\tnpmi"), phrases.name
        assert not leftovers(out) and not leftovers(phrases)


NEWS = Source("input.txt", "上海张江集成电路产业创新。\n\n浙江宁波民营经济发展。\n\n江苏制造业数字化转型。\n".encode())
test_preprocess, test_preprocess_slow = variants(
    check_preprocess, fast=8, slow=120, case=table_cases(small_sources), extra=preprocess_options(),
    out_name=st.sampled_from(PREPROCESS_OUTS),
    examples=(
        {"case": (NEWS, []), "extra": ([], {}), "out_name": "units.jsonl"},
        # --out NAME.phrases.tsv: the phrase table is written over the units just written
        {"case": (NEWS, []), "extra": ([], {}), "out_name": "x.phrases.tsv"},
        # --out a.b.jsonl: phrases go to a.phrases.tsv, not to the stem a.b + .phrases.tsv the help promises
        {"case": (NEWS, []), "extra": ([], {}), "out_name": "a.b.jsonl"},
        # a tag holding a line break is echoed raw: the one-line error becomes two lines
        {"case": (NEWS, []), "extra": (["--pos=n\nx"], {}), "out_name": None},
    ))


# ---------------------------------------------------------------------------------------------
# fit

def docs(min_words: int) -> Any:
    return st.lists(st.sampled_from(WORDS) | st.sampled_from(("，", "。", "\n\n", "Shanghai ", "2024年", "的"))
                    | st.sampled_from(WORDS), min_size=min_words, max_size=80).map("".join)


@st.composite
def fit_inputs(draw: Any) -> Source:
    """A small corpus of Chinese words: a CSV table, a JSONL table, a folder of .txt files or one text."""
    texts_ = draw(st.lists(docs(draw(st.sampled_from((0, 10, 20)))), min_size=draw(st.sampled_from((0, 2, 8, 8, 15))),
                           max_size=30))
    kind = draw(st.sampled_from(("csv", "jsonl", "dir", "txt")))
    if kind == "csv":
        rows = [f'{i},"{t.replace(chr(34), chr(34) * 2)}",{draw(st.sampled_from(("上海", "浙江", "")))}'
                for i, t in enumerate(texts_)]
        return Source("corpus.csv", ("id,text,region\n" + "\n".join(rows) + "\n").encode(), columns=("id", "text", "region"))
    if kind == "jsonl":
        lines = [json.dumps({"id": str(i), "text": t, "label": i % 3}, ensure_ascii=False) for i, t in enumerate(texts_)]
        return Source("corpus.jsonl", ("\n".join(lines) + "\n").encode(), columns=("id", "text", "label"))
    if kind == "dir":
        return Source("docs", files=tuple((f"{i:03d}.txt", t.encode()) for i, t in enumerate(texts_)))
    return Source("corpus.txt", "\n\n".join(texts_).encode("gb18030"))


SETS = ("model.alpha=-1", "model.alpha=0.1", "model.alpha=nan", "model.alpha=inf", "model.eta=0.01", "run.workers=0",
        "run.workers=1", "run.workers=300", "vectorize.no_above=2", "vectorize.no_above=0", "vectorize.no_above=1",
        "vectorize.no_above=0.01", "vectorize.no_below=0", "vectorize.no_below=1", "vectorize.no_below=1000",
        "vectorize.keep_n=-1", "vectorize.keep_n=3", "model.max_iter=5", "model.max_iter=-1", "model.k=1.5",
        "model.k=true", 'model.seed="1"', "model.seed=-5", "model.n_dims=0", "model.n_dims=2", "model.n_init=1",
        "model.embedding=lsa", "model.embedding=tfidf", "model.embedding=bert", "run.top_n=1", "run.top_n=3",
        "run.heldout=0.5", "run.heldout=1", "preprocess.min_len=0", "preprocess.min_len=1", "preprocess.unit=chunk",
        "preprocess.chunk_size=0", "preprocess.chunk_size=3", 'preprocess.pos=["all"]', 'preprocess.pos="x"',
        'input.sep=";"', "nosuch.key=1", "model.k", "=", "model.=3", 'input.text_col=""', "preprocess.han_only=false",
        "preprocess.stopwords=false", "preprocess.phrases=false", "model.backend=sklearn", "model.name=lda")
SEEDS = (-1, 0, 1, 2**32 - 1, 2**32, 2**64, -(2**63))


VALID_SETS = ("model.alpha=0.1", "model.eta=0.01", "run.workers=1", "vectorize.no_above=1", "vectorize.no_below=1",
              "vectorize.keep_n=3", "model.max_iter=5", "model.n_dims=2", "model.n_init=1", "model.embedding=lsa",
              "model.embedding=tfidf", "run.top_n=3", "run.heldout=0.5", "preprocess.min_len=1",
              "preprocess.unit=chunk", "preprocess.chunk_size=3", 'preprocess.pos=["all"]',
              "preprocess.han_only=false", "preprocess.stopwords=false", "preprocess.phrases=false",
              "model.backend=sklearn", "model.name=lda")


@st.composite
def fit_options(draw: Any, source: Source) -> list[str]:
    """Most examples valid settings only (so runs are written), the others anything."""
    sane = draw(st.integers(0, 3)) > 0

    def pick(valid: Any, anything: Any) -> Any:
        return draw(valid if sane else valid | anything)

    opts = [flag("k", str(pick(st.integers(2, 5), st.sampled_from((-1, 0, 1, 1000, 2**40)) | st.integers(-3, 12)))),
            flag("seed", str(pick(st.integers(0, 2**32 - 1), st.sampled_from(SEEDS) | st.integers(-10, 10**12)))),
            flag("model", pick(st.sampled_from(MODELS), any_text))]
    if draw(st.integers(0, 3)) == 0:
        opts.append(flag("backend", draw(st.sampled_from(LDA_BACKENDS))))
    if draw(st.integers(0, 3)) == 0:
        opts.append(flag("unit", draw(st.sampled_from(UNITS))))
    if draw(st.integers(0, 4)) == 0:
        opts.append(flag("label-col", pick(st.sampled_from(source.columns or ("region",)), st.sampled_from(("nope", "")))))
    for item in draw(st.lists(st.sampled_from(VALID_SETS if sane else SETS), max_size=3)):
        opts.append(flag("set", item))
    return opts


@st.composite
def fit_cases(draw: Any) -> tuple[Source, list[str]]:
    source = draw(fit_inputs())
    return source, draw(fit_options(source))


def check_fit(case: tuple[Source, list[str]], out_kind: str) -> None:
    source, options = case
    with scratch() as tmp:
        path = source.write(tmp)
        out = {"fresh": tmp / "run", "nested": tmp / "a" / "b" / "run", "existing": tmp / "mine"}[out_kind]
        if out_kind == "existing":
            out.mkdir()
            (out / "notes.txt").write_text("mine", encoding="utf-8")
        out_before = snapshot(out) if out.exists() else None
        before = snapshot(path)
        res = invoke(["fit", str(path), "--quiet", "--no-cache", "--out", str(out), *options])
        assert_unchanged(path, before)
        if res.status == 2:
            assert_no_partial_output(out, out_before)
            return
        assert not leftovers(out)
        assert_folder_complete(out, "run", ("topics.csv", "doc_topics.csv", "metrics.json", "config.toml"))
        json.loads((out / "metrics.json").read_text(encoding="utf-8"))


def fit_example(kind: str, options: list[str], out_kind: str = "fresh") -> dict[str, Any]:
    """A corpus of 12 distinct documents as ``kind`` (csv or dir) with ``options``: one that fits."""
    texts_ = ["，".join(WORDS[i:i + 9]) + "。" for i in range(0, 36, 3)]
    if kind == "csv":
        body = "id,text\n" + "".join(f"{i},{t}\n" for i, t in enumerate(texts_))
        source = Source("corpus.csv", body.encode(), columns=("id", "text"))
    else:
        source = Source("docs", files=tuple((f"{i:02d}.txt", t.encode("gb18030")) for i, t in enumerate(texts_)))
    return {"case": (source, options), "out_kind": out_kind}


test_fit, test_fit_slow = variants(
    check_fit, fast=4, slow=40, case=fit_cases(), out_kind=st.sampled_from(("fresh", "fresh", "nested", "existing")),
    examples=(
        fit_example("csv", ["--k=3", "--seed=1", "--model=nmf", "--id-col=id"]),
        fit_example("dir", ["--k=2", f"--seed={2**32 - 1}", "--model=lda", "--set=model.max_iter=5"], "nested"),
        fit_example("csv", ["--k=3", "--seed=7", "--model=kmeans", "--set=model.embedding=lsa"]),
        fit_example("csv", ["--k=3", f"--seed={2**32}", "--model=lda"]),  # refused: seeds end at 2**32 - 1
    ))


# ---------------------------------------------------------------------------------------------
# compare and report, on one run fitted once

@pytest.fixture(scope="module")
def fitted_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default model with k = 3 on the seed corpus: a run folder to copy, never to change."""
    run = tmp_path_factory.mktemp("fitted") / "run"
    res = invoke(["fit", "--quiet", "--no-cache", "--k", "3", "--out", str(run)])
    assert res.status == 0, res.stderr
    return run


DAMAGE_FILES = ("topics.csv", "doc_topics.csv", "unit_topics.csv", "metrics.json", "manifest.json", "config.toml",
                "tokens.jsonl", "model/result.json")


@st.composite
def damages(draw: Any) -> tuple[str, str] | None:
    """Mostly none; sometimes one file of the run deleted, emptied, cut, or replaced by junk."""
    if draw(st.integers(0, 3)):
        return None
    return draw(st.sampled_from(DAMAGE_FILES)), draw(st.sampled_from(("delete", "empty", "half", "junk", "extra line")))


def damage(run: Path, what: tuple[str, str] | None) -> None:
    if what is None:
        return
    name, how = what
    path = run / name
    data = path.read_bytes()
    if how == "delete":
        path.unlink()
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "half":
        path.write_bytes(data[: len(data) // 2])
    elif how == "junk":
        path.write_bytes(b"\x00\xff junk \xe4\xb8")
    else:
        path.write_bytes(data + b"x,y,\"z\n")


def place_folder_out(kind: str, tmp: Path, run: Path, default: str) -> tuple[Path, bool]:
    """``--out`` for compare/report and whether to add ``--overwrite``."""
    if kind == "run itself":
        return run, True
    if kind == "inside run":
        return run / default, False
    if kind == "existing":
        (tmp / "mine").mkdir()
        (tmp / "mine" / "notes.txt").write_text("mine", encoding="utf-8")
        return tmp / "mine", True
    if kind == "nested":
        return tmp / "x" / "y" / default, False
    return tmp / default, False


FOLDER_OUTS = st.sampled_from(("fresh", "fresh", "fresh", "nested", "run itself", "inside run", "existing"))
BY = ("region", "region", "region_source", "section", "title", "doc_id", "dominant_topic", "topic_0", "n_tokens",
      "nope", "", "encoding", "source_file", "authors", "position")


@st.composite
def compare_options(draw: Any) -> list[str]:
    """Half the examples valid settings only (so comparisons are written), half anything."""
    sane = draw(st.booleans())

    def pick(valid: Any, anything: Any) -> str:
        return str(draw(valid if sane else valid | anything))

    return [
        flag("n-boot", pick(st.integers(1, 150), st.sampled_from((-1, 0, 1, 2, 10)))),
        flag("ci", pick(st.floats(0.01, 0.999).map(repr), st.sampled_from(("0", "1", "1.5", "-0.1", "nan", "inf",
                                                                           "1e-300", "0.999999")) | st.floats().map(repr))),
        flag("seed", pick(st.integers(0, 2**32 - 1), st.sampled_from(SEEDS) | st.integers(-10, 10**12))),
        flag("min-docs", pick(st.integers(1, 20), st.sampled_from((-1, 0, 14, 15, 100, 10**18)) | st.integers(-5, 30))),
        *draw(st.lists(st.sampled_from(BY[:3] if sane else BY).map(lambda b: flag("by", b)), max_size=1)),
        *draw(st.lists(st.lists(st.sampled_from(("position", "region", "nope", "n_tokens", "", " ", "section")),
                                max_size=3).map(lambda cs: flag("covariates", ",".join(cs))), max_size=1)),
    ]


def check_compare(fitted_run: Path, options: list[str], out_kind: str, hurt: tuple[str, str] | None) -> None:
    with scratch() as tmp:
        run = tmp / "run"
        shutil.copytree(fitted_run, run)
        damage(run, hurt)
        out, overwrite = place_folder_out(out_kind, tmp, run, "cmp")
        out_before = snapshot(out) if out.exists() else None
        before = snapshot(run)
        res = invoke(["compare", str(run), *options, "--out", str(out), *(["--overwrite"] if overwrite else [])])
        assert_unchanged(run, before, allow_new=out_kind == "inside run")
        if res.status == 2:
            assert_no_partial_output(out, out_before)
            return
        assert not leftovers(out)
        assert_folder_complete(out, "compare", ("prevalence.csv", "differences.csv", "divergence.csv", "effects.csv"))


def check_report(fitted_run: Path, out_kind: str, hurt: tuple[str, str] | None) -> None:
    with scratch() as tmp:
        run = tmp / "run"
        shutil.copytree(fitted_run, run)
        damage(run, hurt)
        out, overwrite = place_folder_out(out_kind, tmp, run, "report")
        out_before = snapshot(out) if out.exists() else None
        before = snapshot(run)
        res = invoke(["report", str(run), "--out", str(out), *(["--overwrite"] if overwrite else [])])
        assert_unchanged(run, before, allow_new=out_kind == "inside run")
        if res.status == 2:
            assert_no_partial_output(out, out_before)
            return
        assert not leftovers(out)
        assert_folder_complete(out, "report", ("report.html", "report.md"))


VALID_COMPARE = ["--n-boot=50", "--ci=0.9", "--seed=3", "--min-docs=2"]
test_compare, test_compare_slow = variants(
    check_compare, fast=3, slow=30, options=compare_options(), out_kind=FOLDER_OUTS, hurt=damages(),
    examples=(
        {"options": VALID_COMPARE, "out_kind": "fresh", "hurt": None},
        # --out RUN --overwrite: the run folder being compared is replaced by the comparison
        {"options": VALID_COMPARE, "out_kind": "run itself", "hurt": None},
        # few resamples: a percentile interval that misses the mean gives the interval plot negative error bars
        {"options": ["--n-boot=1"], "out_kind": "fresh", "hurt": None},
        # a damaged metrics.json or topics.csv: an internal error, not a one-line message
        {"options": VALID_COMPARE, "out_kind": "fresh", "hurt": ("metrics.json", "junk")},
        {"options": VALID_COMPARE, "out_kind": "fresh", "hurt": ("topics.csv", "empty")},
    ))
test_report, test_report_slow = variants(
    check_report, fast=1, slow=10, out_kind=FOLDER_OUTS, hurt=damages(),
    examples=(
        {"out_kind": "fresh", "hurt": None},
        # --out RUN --overwrite: the run folder is replaced by its report
        {"out_kind": "run itself", "hurt": None},
        # a damaged topics.csv: an internal error, not a one-line message
        {"out_kind": "fresh", "hurt": ("topics.csv", "junk")},
    ))


# ---------------------------------------------------------------------------------------------
# The real command, in a subprocess: no traceback reaches the user

@st.composite
def commands(draw: Any) -> tuple[str, tuple[Source, list[str]], tuple[list[str], dict[str, bytes]]]:
    """``corpus`` on any source, or ``preprocess`` on a small one with random preprocessing options."""
    if draw(st.integers(0, 2)):
        return "corpus", draw(table_cases(sources)), ([], {})
    return "preprocess", draw(table_cases(small_sources)), draw(preprocess_options())


def check_subprocess(command: tuple[str, tuple[Source, list[str]], tuple[list[str], dict[str, bytes]]]) -> None:
    """The installed command end to end: what a user sees on stderr, including what libraries print there."""
    name, case, extra = command
    case = (case[0], [o for o in case[1] if "\x00" not in o])  # an argument cannot hold NUL
    extra = ([o for o in extra[0] if "\x00" not in o], extra[1])
    with scratch() as tmp:
        if name == "corpus":
            inputs, args = [case[0].write(tmp)], ["corpus", str(tmp / case[0].name), *case[1]]
        else:
            inputs, args = preprocess_argv(tmp, case, extra)
        out = tmp / "out.jsonl"
        args += ["--out", str(out)]
        before = {p: snapshot(p) for p in inputs}
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOPICLAB_")}
        env["TOPICLAB_CACHE"] = str(tmp / "cache")
        proc = subprocess.run([sys.executable, "-m", "topiclab.cli", *args], capture_output=True, env=env, cwd=tmp,
                              timeout=300, check=False)
        check_streams(proc.returncode, proc.stderr.decode("utf-8", errors="replace"), args)
        for p in inputs:
            assert_unchanged(p, before[p])
        if proc.returncode == 2:
            assert_no_partial_output(out, None)
        elif name == "corpus":
            assert_corpus_jsonl(out, proc.stdout.decode("utf-8"))
        else:
            assert all(set(r) == {"unit_id", "doc_id", "tokens"} for r in jsonl_records(out))


test_subprocess, test_subprocess_slow = variants(
    check_subprocess, fast=1, slow=12, command=commands(),
    examples=(
        {"command": ("corpus", (Source("seed.txt", seed_path().read_bytes()), []), ([], {}))},
        # --engine jieba: jieba's own log lines reach stderr, so an error after segmenting is no longer one line
        {"command": ("preprocess", (NEWS, []), (["--engine=jieba", "--phrases=phrases.tsv"],
                                                 {"phrases.tsv": "上海张江 3 n\n".encode()}))},
    ))
