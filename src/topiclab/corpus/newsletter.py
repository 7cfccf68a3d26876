"""Split a newsletter issue (plain text extracted from a PDF) into its articles.

The issue opens with a masthead and a table of contents (TOC), then the articles, each
starting with its title (sometimes under a section label such as ``综合观察：``) and most
ending with an author credit in parentheses, then a footer of ``label：value`` lines.

How the split is found:

1. The footer is the run of short ``label：value`` lines at the end of the file.
2. The body starts where a line of the opening block repeats an earlier one (the first
   TOC entry printed again as the first article's title); the TOC is the opening lines
   that name a later line, the masthead the lines before it.
3. Each TOC entry is matched, in order, to the first later body line that reads the same
   once spacing and punctuation are ignored, or has the same characters in another order
   (two words swapped), or is at least 85% similar. Taking the first match after the
   previous article is what skips a title that recurs inside its article as a sub-heading.
4. Within an article, the PDF's line structure is repaired: a line that stops mid-sentence
   (no closing punctuation, a full-width line, not a heading) is joined to the next, with
   no space between Han characters; headings and real paragraph ends stay breaks. Rows of a
   tab-separated table stay rows, a row continued on the next page is joined back.
5. The closing parenthetical of the last paragraph, ``（作者：…）``, ``（执笔：…）`` or a bare
   ``（姓名 单位；…）``, becomes the ``authors`` metadata (names and affiliations as printed);
   a grant note inside it (``本文系…``) becomes ``credit_note``. Nested parentheses are kept.

Nothing is lost: :meth:`NewsletterIssue.check_accounting` verifies that the masthead and TOC,
the section labels, the article texts and credits, and the footer hold every non-space
character of the file once, in order.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from dataclasses import dataclass

from topiclab.corpus.model import PARAGRAPH_SEP
from topiclab.errors import InputError

_SECTION_LINE = re.compile(r"^\s*([\u4e00-\u9fff]{2,8})[：:]\s*$")
_FOOTER_LINE = re.compile(r"^[\u4e00-\u9fff][\u4e00-\u9fff \u3000]{0,7}[：:]\s*\S")
_HEADING_MARK = re.compile(
    r"^(（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、"
    r"|\d{1,2}[.、．](?!\d)|（\d{1,2}）|\(\d{1,2}\)|第[一二三四五六七八九十]+[部分章节、，])"
)
_CLOSERS = "”’」』》"
_TERMINAL = "。！？!?；;…：:）)"
_CREDIT_LABEL = re.compile(r"^(作者|执笔|撰稿|文|整理)\s*[：:/]\s*")
_BARE_CREDIT = re.compile(r"^[\u4e00-\u9fff]{2,4}[\s\u3000，,、]")
_CREDIT_NOTE = re.compile(r"[\s\u3000]*本文(系|为|是)")
# A full-width PDF line of Han text holds about 36 characters; a line that long which
# stops mid-sentence was cut by the page, a shorter one is a heading or a paragraph end.
_FULL_LINE = 32
_TITLE_MAX = 60
_MATCH_MIN = 0.85


@dataclass(frozen=True)
class Article:
    """One article of an issue: where it lies in the file and what it says.

    ``start``/``end`` are character offsets into the decoded file; consecutive articles'
    spans touch, and the front matter and footer complete the file.
    """

    position: int
    title: str
    toc_title: str
    section: str | None
    section_label: str | None
    text: str
    authors: str | None
    credit_note: str | None
    credit: str | None
    start: int
    end: int


@dataclass(frozen=True)
class NewsletterIssue:
    """A parsed issue: front matter (masthead + TOC), articles, footer."""

    source: str
    front_end: int
    footer_start: int
    articles: tuple[Article, ...]
    toc: tuple[str, ...]

    @property
    def front_matter(self) -> str:
        """The masthead and table of contents, as in the file."""
        return self.source[: self.front_end]

    @property
    def footer(self) -> str:
        """The closing ``label：value`` lines, as in the file."""
        return self.source[self.footer_start :]

    def check_accounting(self) -> None:
        """Raise ``AssertionError`` unless front matter, articles and footer hold every character once.

        Whitespace is ignored: repairing the PDF's line breaks only removes line breaks.
        """
        spans = [(0, self.front_end)] + [(a.start, a.end) for a in self.articles]
        spans.append((self.footer_start, len(self.source)))
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end == start, f"spans do not tile the file at offset {end} / {start}"
        pieces = [self.front_matter]
        for a in self.articles:
            pieces += [a.section_label or "", a.text, a.credit or ""]
        pieces.append(self.footer)
        assert _squash("".join(pieces)) == _squash(self.source), "article texts do not account for the file"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


def _lines(source: str) -> list[_Line]:
    out, pos = [], 0
    for raw in source.split("\n"):
        if raw.strip():
            out.append(_Line(pos, pos + len(raw), raw.rstrip()))
        pos += len(raw) + 1
    return out


def title_key(text: str) -> str:
    """A title reduced to letters, digits and Han characters, for comparison.

    Example:
        >>> title_key("长三角小微制造业如何“走出去”？")
        '长三角小微制造业如何走出去'
    """
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if ch.isalnum())


def title_similarity(a: str, b: str) -> float:
    """How alike two titles are, 0 to 1: 1 when equal ignoring spacing and punctuation,
    0.95 when the same characters stand in another order, else difflib's ratio.

    Example:
        >>> title_similarity("加快落实改革创新试点", "加快落实创新改革试点")
        0.95
    """
    ka, kb = title_key(a), title_key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    if sorted(ka) == sorted(kb):
        return 0.95
    return difflib.SequenceMatcher(None, ka, kb, autojunk=False).ratio()


def parse_newsletter(source: str, *, name: str = "<text>") -> NewsletterIssue:
    """Split the text of a newsletter issue into articles.

    Raises :class:`InputError` when no table of contents can be found.

    Example:
        >>> from topiclab.corpus import seed_path
        >>> from topiclab.corpus.encoding import read_text
        >>> issue = parse_newsletter(read_text(seed_path())[0])
        >>> len(issue.articles), issue.articles[0].section
        (23, '综合观察')
    """
    lines = _lines(source)
    footer_at = _footer_start(lines)
    body_lines = lines[:footer_at]
    labels = {m.group(1) for ln in body_lines if (m := _SECTION_LINE.match(ln.text))}
    body_at = _body_start(body_lines, labels)
    if body_at is None:
        raise InputError(f"{name}: no table of contents found (no opening line is repeated as a title)")
    toc_at = _toc_start(body_lines, body_at, labels)
    toc = [_strip_label(ln.text, labels)[1] for ln in body_lines[toc_at:body_at]]
    toc = [t for t in toc if t]

    starts = _match_titles(toc, body_lines, body_at)
    footer_start = lines[footer_at].start if footer_at < len(lines) else len(source)
    articles = []
    section: str | None = None
    for pos, (entry, idx) in enumerate(starts, 1):
        nxt = starts[pos][1] if pos < len(starts) else len(body_lines)
        first, label = idx, None
        prev = body_lines[idx - 1] if idx > body_at else None
        if prev is not None and (m := _SECTION_LINE.match(prev.text)):
            first, label, section = idx - 1, prev.text.strip(), m.group(1)
        # the next article may claim its section label line as its first
        end_idx = nxt - 1 if nxt < len(body_lines) and nxt - 1 > idx and _SECTION_LINE.match(
            body_lines[nxt - 1].text) else nxt
        span_start = body_lines[first].start
        span_end = body_lines[end_idx].start if end_idx < len(body_lines) else footer_start
        title = body_lines[idx].text.strip()
        paragraphs = _repair([ln.text for ln in body_lines[idx + 1 : end_idx]])
        paragraphs, credit, authors = _take_credit(paragraphs)
        note = None
        if authors and (m := _CREDIT_NOTE.search(authors)):
            note = authors[m.start() :].strip()
            authors = authors[: m.start()].strip() or None
        text = PARAGRAPH_SEP.join([title, *paragraphs])
        articles.append(
            Article(pos, title, entry, section, label, text, authors, note, credit, span_start, span_end)
        )
    front_end = articles[0].start if articles else footer_start
    return NewsletterIssue(source, front_end, footer_start, tuple(articles), tuple(toc))


def _footer_start(lines: list[_Line]) -> int:
    i = len(lines)
    while i > 0 and _FOOTER_LINE.match(lines[i - 1].text) and "。" not in lines[i - 1].text \
            and len(lines[i - 1].text) <= 40:
        i -= 1
    return i if len(lines) - i >= 2 else len(lines)


def _strip_label(text: str, labels: set[str]) -> tuple[str | None, str]:
    head, sep, rest = text.strip().partition("：")
    if not sep:
        head, sep, rest = text.strip().partition(":")
    if sep and head in labels:
        return head, rest.strip()
    return None, text.strip()


def _is_body_like(text: str) -> bool:
    return len(text) > _TITLE_MAX or "。" in text


def _body_start(lines: list[_Line], labels: set[str]) -> int | None:
    """Index of the first article's first line: where an opening line repeats an earlier one."""
    seen: dict[str, int] = {}
    for i, ln in enumerate(lines):
        if _is_body_like(ln.text):
            return None
        key = title_key(_strip_label(ln.text, labels)[1])
        if key and key in seen:
            prev = lines[i - 1].text if i else ""
            return i - 1 if _SECTION_LINE.match(prev) else i
        if key:
            seen.setdefault(key, i)
    return None


def _toc_start(lines: list[_Line], body_at: int, labels: set[str]) -> int:
    """The first opening line that names a title printed again in the body."""
    body = [title_key(ln.text) for ln in lines[body_at:] if not _is_body_like(ln.text)]
    for i in range(body_at):
        key = title_key(_strip_label(lines[i].text, labels)[1])
        if key and any(title_similarity(key, b) >= _MATCH_MIN for b in body):
            return i
    return body_at


def _match_titles(toc: list[str], lines: list[_Line], body_at: int) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    pos = body_at
    for entry in toc:
        for i in range(pos, len(lines)):
            text = lines[i].text
            if _is_body_like(text) or _SECTION_LINE.match(text):
                continue
            if title_similarity(entry, text) >= _MATCH_MIN:
                found.append((entry, i))
                pos = i + 1
                break
    return found


def _is_heading(text: str) -> bool:
    return len(text) <= _TITLE_MAX and bool(_HEADING_MARK.match(text.strip()))


def _ends_sentence(text: str) -> bool:
    core = text.rstrip().rstrip(_CLOSERS)
    return not core or core[-1] in _TERMINAL


def _continues(prev: str, nxt: str) -> bool:
    """Whether ``nxt`` continues the paragraph that ``prev`` left unfinished."""
    if _ends_sentence(prev) or _is_heading(prev) or _is_heading(nxt):
        return False
    return prev.rstrip()[-1] in "，、" or len(prev.strip()) >= _FULL_LINE


def _join(prev: str, nxt: str) -> str:
    a, b = prev.rstrip(), nxt.strip()
    sep = " " if a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum() else ""
    return a + sep + b


def _repair(raw_lines: list[str]) -> list[str]:
    """Join lines cut by the PDF's layout into paragraphs; keep table rows as rows."""
    paras: list[str] = []
    table: list[str] = []
    for raw in raw_lines:
        if "\t" in raw:
            row = raw.rstrip()
            if table and row.startswith("\t") and not _ends_sentence(table[-1]):
                table[-1] = table[-1].rstrip() + row.strip()
            else:
                table.append(row)
            continue
        if table:
            paras.append("\n".join(table))
            table = []
        line = raw.strip()
        if paras and "\t" not in paras[-1] and _continues(paras[-1], line):
            paras[-1] = _join(paras[-1], line)
        else:
            paras.append(line)
    if table:
        paras.append("\n".join(table))
    return paras


def _closing_parenthetical(text: str) -> int | None:
    """Start index of the balanced （…） that ends ``text``, or None."""
    if not text.endswith(("）", ")")):
        return None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        ch = text[i]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            depth -= 1
            if depth == 0:
                return i
    return None


def _take_credit(paragraphs: list[str]) -> tuple[list[str], str | None, str | None]:
    """Split the author credit off the last paragraph: (paragraphs, credit as printed, authors)."""
    if not paragraphs:
        return paragraphs, None, None
    last = paragraphs[-1]
    at = _closing_parenthetical(last)
    if at is None:
        return paragraphs, None, None
    credit = last[at:]
    inner = credit[1:-1].strip()
    label = _CREDIT_LABEL.match(inner)
    if label:
        authors = inner[label.end() :].strip()
    elif _BARE_CREDIT.match(inner) and "。" not in inner:
        authors = inner
    else:
        return paragraphs, None, None
    rest = last[:at].rstrip()
    return ([*paragraphs[:-1], rest] if rest else paragraphs[:-1]), credit, authors
