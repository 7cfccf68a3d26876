"""Boilerplate found from the corpus itself: the lines around a text that are not the text.

Scraped pages carry page chrome (下载 打印 全屏 收藏, 字号 加大 还原 减小), mastheads and
metadata lines (来源：…日报 时间：…), datelines (新华社北京1月5日电（记者 张三）) and formulaic
openings and closings that repeat across documents (各位代表：…请予审议). A topic model fit on
them finds them: they are in every document. Before segmentation each document's lines are
checked, and a line (or part of one) is removed for one of these reasons, in this order:

``pattern``
    it matches a regular expression from the user's ``boilerplate_patterns`` files.
``repeated``
    the line, or a sentence of it, appears (digits and spaces aside) in at least
    ``max(boilerplate_min_docs, boilerplate_min_share x documents)`` documents. Only lines and
    sentences of at most 200 characters count (chrome and formulas are short; a long paragraph
    met twice is a copy, not boilerplate), only in documents of more than one line, and never in a
    document more than half of whose text is repeated (a copy of another, or text made from a
    template: kept whole).
``formula``
    a sentence among the first or last ``EDGE_LINES`` (10) lines of a document (at most a quarter
    of its lines at each end) whose
    four-character shingles are, for at least 80 %, found at the edges of at least
    ``max(boilerplate_min_docs, boilerplate_near_share x documents)`` documents: an opening or a
    closing that repeats with variants (受省人民政府委托 / 受自治区人民政府委托…).
``field``
    a short line (<= 100 characters) that starts with a metadata label and a colon
    (来源： 时间： 发布日期： 作者： 责任编辑： 浏览次数： 索引号： 上一篇： …), or a footer line
    (版权所有, ICP备, 网站标识码, Copyright).
``chrome``
    a short line (<= 40 Han characters) made only of interface words (``data/page_chrome_zh.tsv``),
    at least one of them used only by interfaces; a breadcrumb (首页 > … > …); a menu of three or
    more short items between ``|``.
``dateline``
    the start of a line: agency, place, date and 电/讯/消息 with an optional reporter in brackets
    (新华社北京1月5日电（记者 张三）, 本报讯（记者 李四）, 新浪体育讯 北京时间3月5日消息，).

Lines matching a ``boilerplate_keep`` pattern are never removed. Every removal is counted by
reason, and the distinct removed lines are listed with the number of documents they were
removed from (a run's ``boilerplate.csv``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from topiclab.corpus.encoding import read_text
from topiclab.errors import InputError

LINE_REASONS = ("pattern", "repeated", "formula", "field", "chrome", "dateline")
MAX_REPEATED_CHARS = 200  # longest line or sentence that can count as repeated boilerplate
MIN_SENTENCE_CHARS = 8  # shortest sentence inside a longer line that can count as repeated
MAX_FIELD_CHARS = 100
MAX_CHROME_HAN = 40
EDGE_LINES = 10  # lines at each end of a document where openings, closings and mastheads stand
SHINGLE = 4  # characters a shingle of a sentence
FORMULA_COVER = 0.8  # share of a sentence's shingles that, frequent at the edges, make it a formula
MAX_REPEATED_SHARE = 0.5  # a document with more of its text repeated elsewhere is a copy, kept whole

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in "，！？：；（）"} | {0x3000: 0x20}
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
_NON_HAN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_FIELD = re.compile(
    r"^[\W_]*(?:来源|信息来源|文章来源|稿件来源|稿源|时间|日期|发布时间|发布日期|更新时间|成文日期|作者|责任编辑|编辑|审核|"
    r"校对|记者|通讯员|摄影|浏览次数|浏览量|阅读量|阅读次数|点击数|点击量|点击率|索引号|发文机关|发文字号|文号|主题分类|"
    r"发布机构|主办单位|主办|承办|协办|版权所有|网站标识码|技术支持|备案号|上一篇|下一篇|关键词|标签|字号)\s*[:：]"
)
_FOOTER = re.compile(r"版权所有|ICP备|ICP证|网站标识码|公网安备|Copyright|©", re.IGNORECASE)
_BREADCRUMB = re.compile(r"^\W*(?:当前位置|您的位置|您现在的位置|位置)?\W*首页\s*[>＞»›→]")
_MENU_SPLIT = re.compile(r"\s*[|｜]\s*")
_NUM = r"[0-9一二三四五六七八九十〇零]"
_DATELINE = re.compile(
    r"^\s*[（(]?"
    r"(?:据)?(?:本报|[\u4e00-\u9fff]{1,8}?(?:社|网|报|台|讯))\s*"  # agency: 新华社, 本报, 新浪体育讯
    r"(?:[\u4e00-\u9fff]{1,8}?(?:[（(][\u4e00-\u9fff]{1,6}[）)])?\s*)?"  # place: 北京, 达沃斯（瑞士）
    rf"(?:北京时间|当地时间)?\s*(?:{_NUM}{{1,4}}年)?{_NUM}{{1,3}}月{_NUM}{{1,3}}日\s*"  # date
    r"(?:电|讯|消息|报道)[）)]?"
    r"(?:\s*[（(][^（）()]{0,40}[）)]|[^，。：:（）()]{0,40}?记者[^，。：:]{0,30}?报道\s*[：:])?\s*[：:，,]?"
    r"|^\s*(?:本报|[\u4e00-\u9fff]{1,6}(?:报|社|网|台|体育|新闻|财经|科技|娱乐))讯\s*(?:[（(][^（）()]{0,40}[）)])?"
    r"\s*[：:，,]?"
)


@dataclass(frozen=True)
class PageCleaning:
    """Texts with boilerplate removed, what was removed, and how often.

    ``counts``: lines (or sentences, or datelines) removed, by reason. ``lines``: the distinct
    removed texts (digits and spaces aside; the first seen stands for the rest) as ``(reason, text,
    documents)``, most documents first.
    """

    texts: tuple[str, ...]
    counts: dict[str, int]
    lines: tuple[tuple[str, str, int], ...]

    def summary(self) -> str:
        """One line: what was removed, by reason (empty when nothing was).

        Example:
            >>> PageCleaning((), {"chrome": 3, "repeated": 2}, ()).summary()
            'boilerplate lines removed: chrome 3, repeated 2'
        """
        if not self.counts:
            return ""
        return "boilerplate lines removed: " + ", ".join(f"{r} {n:,}" for r, n in sorted(self.counts.items()))


@dataclass(frozen=True)
class PageRules:
    """The settings of :func:`strip_page_boilerplate` (see the module docstring)."""

    min_docs: int = 3
    min_share: float = 0.01
    near_share: float = 0.2
    patterns: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()


def strip_page_boilerplate(texts: Sequence[str], rules: PageRules | None = None) -> PageCleaning:
    """Remove the lines of each text that are boilerplate (see the module docstring).

    Full-width letters and digits come back half-width (as normalisation would make them);
    line breaks, blank lines included, are kept, so paragraphs stay where they were.

    Example:
        >>> page = "首页 | 新闻 | 政务 | 服务\\n字号：大 中 小 【打印】\\n{}\\n来源：某某日报 时间：2024-0{}-01"
        >>> body = ["长三角生态绿色一体化发展示范区建设取得新进展。", "集成电路产业集群加快发展。",
        ...         "数字经济核心产业增加值增长。"]
        >>> cleaned = strip_page_boilerplate([page.format(b, i) for i, b in enumerate(body)])
        >>> cleaned.texts[0].split()
        ['长三角生态绿色一体化发展示范区建设取得新进展。']
        >>> cleaned.counts
        {'repeated': 9}
        >>> one = strip_page_boilerplate(["【字体：大 中 小】【打印】\\n新华社北京1月5日电（记者 张三）"
        ...                               "示范区建设取得新进展。\\n责任编辑：李四"])
        >>> one.texts, one.counts
        (('\\n示范区建设取得新进展。\\n',), {'field': 1, 'chrome': 1, 'dateline': 1})
    """
    rules = rules or PageRules()
    users = [_compile(p) for p in rules.patterns]
    keeps = [_compile(p) for p in rules.keep]
    docs = [t.translate(_FULLWIDTH).split("\n") for t in texts]
    repeats = _Repeats(docs, rules)
    counts: Counter[str] = Counter()
    removed: dict[tuple[str, str], tuple[str, set[int]]] = {}  # (reason, key) -> (first text, documents)
    out: list[str] = []
    for d, lines in enumerate(docs):
        content = [i for i, line in enumerate(lines) if line.strip()]
        # a document most of whose text is met elsewhere is a copy (or made from a template): kept whole
        by_repeats = len(content) > 1 and repeats.repeated_share([lines[i] for i in content]) <= MAX_REPEATED_SHARE
        edges = set(_edges(content)) if by_repeats else set()
        kept_lines = []
        for i, line in enumerate(lines):
            if not line.strip() or any(k.search(line) for k in keeps):
                kept_lines.append(line)
                continue
            reason, rest = _judge(line, users, repeats if by_repeats else None, i in edges)
            if reason:
                counts[reason] += 1
                text = (line if rest is None else line[: len(line) - len(rest)]).strip()
                removed.setdefault((reason, _key(text)), (text, set()))[1].add(d)
                line = rest or ""
            kept_lines.append(line)
        out.append("\n".join(kept_lines))
    listed = sorted(((r, t, len(ds)) for (r, _), (t, ds) in removed.items() if t), key=lambda x: (-x[2], x[0], x[1]))
    return PageCleaning(tuple(out), {r: counts[r] for r in LINE_REASONS if counts[r]}, tuple(listed))


def _judge(line: str, users: list[re.Pattern[str]], repeats: _Repeats | None,
           edge: bool) -> tuple[str, str | None]:
    """The reason ``line`` is boilerplate ("" if none) and what is left of it (None: nothing)."""
    if any(p.search(line) for p in users):
        return "pattern", None
    if repeats is not None:
        if repeats.is_repeated(line):
            return "repeated", None
        for reason, test in (("repeated", repeats.is_repeated), ("formula", repeats.is_formula if edge else None)):
            if test is None:
                continue
            sentences = _SENTENCE_END.split(line)
            kept = [s for s in sentences if not (_sentence_counts(s) and test(s))]
            if len(kept) < len(sentences):
                rest = "".join(kept)
                return reason, rest if _HAN.search(rest) else None
    stripped = line.strip()
    if len(stripped) <= MAX_FIELD_CHARS and (_FIELD.match(stripped) or _FOOTER.search(stripped)):
        return "field", None
    if _is_chrome(stripped):
        return "chrome", None
    m = _DATELINE.match(line)
    if m and m.end() > 0:
        rest = line[m.end():]
        return "dateline", rest if _HAN.search(rest) else None
    return "", line


class _Repeats:
    """How many documents hold each short line and sentence, and each shingle of the edge sentences."""

    def __init__(self, docs: list[list[str]], rules: PageRules) -> None:
        n = len(docs)
        self.threshold = max(rules.min_docs, math.ceil(rules.min_share * n))
        self.near_threshold = max(rules.min_docs, math.ceil(rules.near_share * n))
        df: Counter[str] = Counter()
        shingles: Counter[str] = Counter()
        for lines in docs:
            keys: set[str] = set()
            grams: set[str] = set()
            content = [line for line in lines if line.strip()]
            edges = _edges(content)
            for line in content:
                key = _key(line)
                if len(key) > MAX_REPEATED_CHARS * 4:
                    continue
                if len(key) <= MAX_REPEATED_CHARS:
                    keys.add(key)
                keys.update(_key(s) for s in _SENTENCE_END.split(line) if _sentence_counts(s))
            for line in edges:
                for s in _SENTENCE_END.split(line):
                    if _sentence_counts(s):
                        grams.update(_shingles(_key(s)))
            df.update(keys)
            shingles.update(grams)
        self.df = {k: c for k, c in df.items() if c >= self.threshold}
        self.shingles = {g for g, c in shingles.items() if c >= self.near_threshold}

    def is_repeated(self, text: str) -> bool:
        return _key(text) in self.df

    def repeated_share(self, lines: list[str]) -> float:
        """The share of the lines' characters in repeated lines and sentences."""
        total = repeated = 0
        for line in lines:
            key = _key(line)
            total += len(key)
            if key in self.df:
                repeated += len(key)
            else:
                repeated += sum(len(k) for s in _SENTENCE_END.split(line) if _sentence_counts(s)
                                and (k := _key(s)) in self.df)
        return repeated / total if total else 0.0

    def is_formula(self, sentence: str) -> bool:
        """Most of the sentence's shingles stand at the edges of many documents: a formula with variants."""
        grams = _shingles(_key(sentence))
        return bool(grams) and sum(g in self.shingles for g in grams) >= FORMULA_COVER * len(grams)


def _edges(lines: list[Any]) -> list[Any]:
    """The first and last lines, where openings, closings and mastheads stand."""
    n = min(EDGE_LINES, math.ceil(len(lines) / 4))
    return lines[:n] + lines[len(lines) - n :]


def _shingles(key: str) -> list[str]:
    return [key[i : i + SHINGLE] for i in range(len(key) - SHINGLE + 1)]


def _is_chrome(line: str) -> bool:
    han = _NON_HAN.sub("", line)
    if not han or len(han) > MAX_CHROME_HAN:
        return False
    if _BREADCRUMB.match(line):
        return True
    items = [i for i in _MENU_SPLIT.split(line) if i]
    if len(items) >= 3 and all(len(_NON_HAN.sub("", i)) <= 6 for i in items):
        return True
    strong, pattern = _chrome_words()
    found = pattern.findall(han)
    return bool(found) and any(w in strong for w in found) and len(pattern.sub("", han)) <= 1


@cache
def _chrome_words() -> tuple[frozenset[str], re.Pattern[str]]:
    raw = resources.files("topiclab").joinpath("data/page_chrome_zh.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in raw.splitlines() if line and not line.startswith("#")][1:]
    words = sorted((w for w, _ in rows), key=lambda w: (-len(w), w))  # longest first: 打印本页 before 打印
    return frozenset(w for w, kind in rows if kind == "strong"), re.compile("|".join(map(re.escape, words)))


def _key(text: str) -> str:
    """What two lines share when they differ only in spaces and numbers (dates, counts)."""
    return _DIGITS.sub("0", _SPACE.sub("", text)).lower()


def _sentence_counts(sentence: str) -> bool:
    return MIN_SENTENCE_CHARS <= len(_key(sentence)) <= MAX_REPEATED_CHARS


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise InputError(f"boilerplate pattern {pattern!r} is not a valid regular expression ({exc}); "
                         "fix it or escape special characters with \\") from None


def read_patterns(path: Path | str) -> tuple[str, ...]:
    """Regular expressions from a file, one a line; blank lines and lines starting with ``#`` are skipped.

    Each is checked: an invalid one is an error naming the file and line.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "patterns.txt"
        >>> _ = p.write_text("# site footer\\n^本网站由.*维护$\\n", encoding="utf-8")
        >>> read_patterns(p)
        ('^本网站由.*维护$',)
    """
    path = Path(path)
    text, _ = read_text(path)
    out = []
    for lineno, line in enumerate(text.split("\n"), 1):
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InputError(f"{path}:{lineno}: {pattern!r} is not a valid regular expression ({exc}); "
                             "fix it or escape special characters with \\") from None
        out.append(pattern)
    return tuple(out)
