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
    document more than half of whose text is in repeated lines or sentences of 30 characters or
    more (a copy of another, or text made from a template: kept whole).
``formula``
    a sentence among the first or last ``EDGE_LINES`` (10) lines of a document (at most a quarter
    of them at each end; chrome and metadata lines aside) whose four-character shingles are, for
    at least 70 %, found at the edges of at least ``max(boilerplate_min_docs,
    boilerplate_near_share x documents)`` (10 %) documents: an opening or a closing that repeats
    with variants (受省人民政府委托 / 受自治区人民政府委托…).
``field``
    a short line (<= 100 characters) that is not a sentence (no 。！？) and starts with a metadata
    label and a colon (来源： 时间： 发布日期： 作者： 责任编辑： 浏览次数： 索引号： 上一篇： …), or
    a footer line (版权所有, ICP备, 网站标识码, Copyright). 记者：资金来源是否有保证？ is a question.
``chrome``
    a short line, not a sentence, of at most 40 Han characters made only of interface words
    (``data/page_chrome_zh.tsv``), at least one of them used only by interfaces; a breadcrumb
    (首页 > … > …); a menu of three or more short items between ``|``.
``dateline``
    the start of a line: agency, place, date and 电/讯/消息 with an optional reporter in brackets
    (新华社北京1月5日电（记者 张三）, 本报讯（记者 李四）, 新浪体育讯 北京时间3月5日消息，); or a
    credit in brackets at the end of a line (（新华社北京12月31日电）, （据新华社电）).

Lines matching a ``boilerplate_keep`` pattern are never removed. Every removal is counted by
reason, and the distinct removed lines are listed with the number of documents they were
removed from (a run's ``boilerplate.csv``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from topiclab.errors import InputError
from topiclab.preprocess.lexicon import numbered_lines
from topiclab.preprocess.normalize import half_width
from topiclab.preprocess.page_repeats import (
    MAX_REPEATED_SHARE,
    Line,
    Repeats,
    edge_keys,
    edges,
    frequent,
    line_key,
    line_keys,
    threshold,
)

LINE_REASONS = ("pattern", "repeated", "formula", "field", "chrome", "dateline")
REPEATED_REASONS = ("repeated", "formula")  # the reasons that depend on the corpus, not on the line alone
MAX_FIELD_CHARS = 100  # a metadata or chrome line is short
MAX_CHROME_HAN = 40

_NON_HAN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_FIELD = re.compile(
    r"^[\W_]*(?:来源|信息来源|文章来源|稿件来源|稿源|时间|日期|发布时间|发布日期|更新时间|成文日期|作者|责任编辑|编辑|审核|"
    r"校对|记者|通讯员|摄影|浏览次数|浏览量|阅读量|阅读次数|点击数|点击量|点击率|索引号|发文机关|发文字号|文号|主题分类|"
    r"发布机构|主办单位|主办|承办|协办|版权所有|网站标识码|技术支持|备案号|上一篇|下一篇|关键词|标签|字号)\s*[:：]"
)
_FOOTER = re.compile(r"版权所有|ICP备|ICP证|网站标识码|公网安备|Copyright|©", re.IGNORECASE)
_SENTENCE = re.compile(r"[。！？!?]|\.\s*$")  # a field or footer line is not a sentence
_BREADCRUMB = re.compile(r"^\W*(?:当前位置|您的位置|您现在的位置|位置)?\W*首页\s*[>＞»›→]")
_MENU_SPLIT = re.compile(r"\s*[|｜]\s*")
_NUM = r"[0-9一二三四五六七八九十〇零]"
_DATELINE = re.compile(
    r"^\s*[（(]?"
    r"(?:据)?(?:本报|[\u4e00-\u9fff]{1,8}?(?:社|网|报|台|讯))\s*"  # agency: 新华社, 本报, 新浪体育讯
    r"(?:[\u4e00-\u9fff]{1,8}?(?:[（(][\u4e00-\u9fff]{1,6}[）)])?\s*)?"  # place: 北京, 达沃斯（瑞士）
    rf"(?:北京时间|当地时间)?\s*(?:{_NUM}{{1,4}}年)?{_NUM}{{1,3}}月{_NUM}{{1,3}}日\s*"  # date
    r"(?:电(?![视话报影力网脑子器站池动价量厂])|讯|消息(?=[\s，,：:]))[）)]?"
    r"(?:\s*[（(][^（）()]{0,40}[）)]|[^，。：:（）()]{0,40}?记者[^，。：:]{0,30}?报道\s*[：:])?\s*[：:，,]?"
    r"|^\s*(?:本报|[\u4e00-\u9fff]{1,6}(?:报|社|网|台|体育|新闻|财经|科技|娱乐))讯\s*(?:[（(][^（）()]{0,40}[）)])?"
    r"\s*[：:，,]?"
)
# a credit at the end of a line: （新华社北京12月31日电） （据新华社电） （本报记者 张三）
_TRAILING_CREDIT = re.compile(
    r"[（(]\s*(?:据)?(?:新华社|中新社|中新网|本报|人民网|新华网|央视网|央广网)[^（）()]{0,24}[）)]\s*$"
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


@dataclass(frozen=True)
class PageRules:
    """The settings of :func:`strip_page_boilerplate` (see the module docstring)."""

    min_docs: int = 3
    min_share: float = 0.01
    near_share: float = 0.1
    patterns: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    known: tuple[str, ...] | None = None  # repeated lines found in a fit: used instead of counting these texts
    builtin: bool = True  # False: only the user's patterns remove lines (page_boilerplate off)


def strip_page_boilerplate(texts: Sequence[str], rules: PageRules | None = None) -> PageCleaning:
    """Remove the lines of each text that are boilerplate (see the module docstring).

    Full-width letters and digits come back half-width (as normalisation would make them);
    line breaks, blank lines included, are kept, so paragraphs stay where they were. (The same
    steps run batch by batch in preprocessing's worker processes: :class:`PageCleaner`.)

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
    cleaner = PageCleaner(rules or PageRules())
    pages = parse_pages(texts)
    repeats = cleaner.find_repeats(len(pages), lambda step, repeated, at_least: frequent(
        cleaner.counts(step, pages, repeated), at_least))
    return merge_parts([cleaner.strip(pages, repeats)])


@dataclass
class Page:
    """A document's lines as split, its non-blank lines parsed, and (once judged) whether it is a
    copy, each line's whole-line verdict and which lines stand at its edges."""

    lines: list[str]
    content: list[Line]
    judged: tuple[bool, list[tuple[str, str | None, str]], set[int]] | None = None


def parse_pages(texts: Sequence[str]) -> list[Page]:
    """Each text, half-width, split into lines and its non-blank lines parsed.

    Example:
        >>> [line.text for line in parse_pages(["来源：某某日报\\n\\n正文。"])[0].content]
        ['来源：某某日报', '正文。']
    """
    out = []
    for text in texts:
        lines = half_width(text).split("\n")
        out.append(Page(lines, [Line.parse(line) for line in lines if line.strip()]))
    return out


@dataclass(frozen=True)
class PagePart:
    """A batch of texts cleaned: the texts, lines removed by reason, and the distinct removed
    texts as ``(reason, key) -> (first text, documents)`` in the order first met."""

    texts: list[str]
    counts: Counter[str]
    removed: dict[tuple[str, str], tuple[str, int]]


def merge_parts(parts: Sequence[PagePart]) -> PageCleaning:
    """The cleaning of a corpus from its batches' in order: the same as cleaning it in one batch.

    Example:
        >>> cleaner = PageCleaner(PageRules())
        >>> part = cleaner.strip(parse_pages(["责任编辑：李四\\n正文。"]), Repeats(frozenset()))
        >>> merge_parts([part, part]).lines
        (('field', '责任编辑：李四', 2),)
    """
    counts: Counter[str] = Counter()
    removed: dict[tuple[str, str], tuple[str, int]] = {}
    for part in parts:
        counts.update(part.counts)
        for key, (text, n) in part.removed.items():
            first, before = removed.get(key, (text, 0))
            removed[key] = first, before + n
    listed = sorted(((r, t, n) for (r, _), (t, n) in removed.items() if t), key=lambda x: (-x[2], x[0], x[1]))
    return PageCleaning(tuple(t for part in parts for t in part.texts),
                        {r: counts[r] for r in LINE_REASONS if counts[r]}, tuple(listed))


class PageCleaner:
    """The steps of :func:`strip_page_boilerplate` on batches of parsed pages: find the corpus's
    repeated lines and edge shingles (:meth:`find_repeats`, from counts that add up across
    batches: :meth:`counts`), then :meth:`strip` each batch."""

    def __init__(self, rules: PageRules) -> None:
        self.rules = rules
        self.users = [_compile(p) for p in rules.patterns]
        self.keeps = [_compile(p) for p in rules.keep]

    def find_repeats(self, n_docs: int, frequent_keys: Callable[[str, frozenset[str], int], frozenset[str]]) -> Repeats:
        """The repeated lines and edge shingles of a corpus of ``n_docs`` pages.

        ``frequent_keys(step, repeated, at_least)`` gives the keys that :meth:`counts` counts
        ``at_least`` times over the whole corpus (in one process, or added up across workers).
        Nothing is counted with known lines or with the built-in rules off.
        """
        if not self.rules.builtin or self.rules.known is not None:
            return Repeats.known(self.rules.known or ())
        rules = self.rules
        repeated = frequent_keys("lines", frozenset(), threshold(rules.min_docs, rules.min_share, n_docs))
        return Repeats(repeated, frequent_keys("edges", repeated, threshold(rules.min_docs, rules.near_share, n_docs)))

    def counts(self, step: str, pages: Iterable[Page], repeated: frozenset[str]) -> Counter[str]:
        """In how many of these pages each short line and sentence occurs (``step`` ``"lines"``),
        or each shingle at their edges, copies aside, given the ``repeated`` lines (``"edges"``)."""
        counts: Counter[str] = Counter()
        for keys in self.keys(step, pages, repeated):
            counts.update(keys)
        return counts

    def keys(self, step: str, pages: Iterable[Page], repeated: frozenset[str]) -> Iterator[set[str]]:
        """Each page's keys that :meth:`counts` counts, a set a page (none for a copy's edges)."""
        if step == "lines":
            yield from (line_keys(page.content) for page in pages)
            return
        repeats = Repeats(repeated)
        for page in pages:
            copy, _, edge = self._judge(page, repeats)
            if not copy:
                yield edge_keys([page.content[i] for i in edge])

    def _judge(self, page: Page, repeats: Repeats) -> tuple[bool, list[tuple[str, str | None, str]], set[int]]:
        # first the rules that take whole lines; openings and closings are then looked for at the
        # edges of the rest (a footer of ten chrome lines does not push the closing out of sight)
        if page.judged is None:
            content, builtin = page.content, self.rules.builtin
            # a document most of whose text is met elsewhere is a copy (or made from a template): kept whole
            copy = not builtin or len(content) < 2 or repeats.repeated_share(content) > MAX_REPEATED_SHARE
            verdicts = [_keep if any(k.search(line.text) for k in self.keeps) else
                        _whole_line(line, self.users, None if copy else repeats, builtin) for line in content]
            # the edges: the lines that are text by their form (repeated openings are counted at the edges too)
            left = [i for i, v in enumerate(verdicts) if v[0] in ("", "keep", "repeated")]
            page.judged = copy, verdicts, set() if copy else set(edges(left))
        return page.judged

    def strip(self, pages: Sequence[Page], repeats: Repeats) -> PagePart:
        """These pages cleaned with the corpus's ``repeats`` (its frequent edge shingles included)."""
        counts: Counter[str] = Counter()
        removed: dict[tuple[str, str], tuple[str, set[int]]] = {}  # (reason, key) -> (first text, documents)
        out: list[str] = []
        for d, page in enumerate(pages):
            copy, verdicts, at_edge = self._judge(page, repeats)
            verdict = iter(enumerate(zip(page.content, verdicts)))
            kept_lines = []
            for text in page.lines:
                if not text.strip():
                    kept_lines.append(text)
                    continue
                i, (line, (reason, rest, gone)) = next(verdict)
                if reason == "keep":
                    kept_lines.append(text)
                    continue
                if not reason and self.rules.builtin:
                    reason, rest, gone = _part_of_line(line, None if copy else repeats, i in at_edge)
                if reason:
                    counts[reason] += 1
                    gone = gone.strip()
                    removed.setdefault((reason, line_key(gone)), (gone, set()))[1].add(d)
                    text = rest or ""
                kept_lines.append(text)
            out.append("\n".join(kept_lines))
        return PagePart(out, counts, {key: (text, len(docs)) for key, (text, docs) in removed.items()})


_keep: tuple[str, str | None, str] = ("keep", None, "")  # a line a keep pattern protects


def _whole_line(line: Line, users: list[re.Pattern[str]], repeats: Repeats | None,
                builtin: bool = True) -> tuple[str, str | None, str]:
    """``(reason, None, text)`` when the whole line is boilerplate by a user's pattern, repetition,
    or its form (field, chrome; these only when ``builtin``); ``("", text, "")`` otherwise."""
    text = line.text
    if any(p.search(text) for p in users):
        return "pattern", None, text
    if not builtin:
        return "", text, ""
    if repeats is not None and repeats.is_repeated(line):
        return "repeated", None, text
    stripped = text.strip()
    if len(stripped) <= MAX_FIELD_CHARS and not _SENTENCE.search(stripped):
        if _FIELD.match(stripped) or _FOOTER.search(stripped):
            return "field", None, text
        if _is_chrome(stripped):
            return "chrome", None, text
    return "", text, ""


def _part_of_line(line: Line, repeats: Repeats | None, edge: bool) -> tuple[str, str | None, str]:
    """The reason part of the line is boilerplate ("" if none), what is left (None: nothing with
    Han characters) and what was removed: repeated or formulaic sentences, a dateline, a credit."""
    text = line.text
    if repeats is not None:
        reason, rest, gone = repeats.strip(line, edge)
        if reason:
            return reason, rest, gone
    m = _DATELINE.match(text)
    if m and m.end() > 0:
        rest = text[m.end():]
        return "dateline", rest if _HAN.search(rest) else None, text[: m.end()]
    m = _TRAILING_CREDIT.search(text)
    if m:
        rest = text[: m.start()]
        return "dateline", rest if _HAN.search(rest) else None, m.group()
    return "", text, ""


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
    out = []
    for lineno, pattern in numbered_lines(path):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InputError(f"{path}:{lineno}: {pattern!r} is not a valid regular expression ({exc}); "
                             "fix it or escape special characters with \\") from None
        out.append(pattern)
    return tuple(out)
