"""What repeats across a corpus's documents: lines, sentences, and the shingles of openings and closings.

Used by :mod:`topiclab.preprocess.page_boilerplate` for its ``repeated`` and ``formula`` rules.
Lines and sentences are compared by their key (spaces removed, digit runs as ``0``, lower case),
so a masthead whose date changes, or a counter's number, is the same line every time.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

MAX_REPEATED_CHARS = 200  # longest line or sentence that can count as repeated boilerplate
MIN_SENTENCE_CHARS = 8  # shortest sentence inside a longer line that can count as repeated
EDGE_LINES = 10  # lines at each end of a document where openings, closings and mastheads stand
SHINGLE = 4  # characters a shingle of a sentence
FORMULA_COVER = 0.8  # share of a sentence's shingles that, frequent at the edges, make it a formula
MAX_REPEATED_SHARE = 0.5  # a document with more of its text in long repeated lines is a copy, kept whole
COPY_CHARS = 30  # a repeated line or sentence this long is content met twice (chrome and mastheads are shorter)

_DIGITS = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
T = TypeVar("T")


def line_key(text: str) -> str:
    """What two lines share when they differ only in spaces and numbers (dates, counts).

    Example:
        >>> line_key("来源：某某日报  时间：2024-01-25") == line_key("来源：某某日报 时间：2023-12-01")
        True
    """
    return _DIGITS.sub("0", "".join(text.split())).lower()


@dataclass(frozen=True)
class Line:
    """A line of a document, its key, and its sentences with their keys ("" for a sentence too
    short or too long to count as repeated)."""

    text: str
    key: str
    sentences: tuple[str, ...]
    sentence_keys: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Line:
        """Example:
        >>> Line.parse("各位代表：现在向大会报告工作。谢谢。").sentence_keys
        ('各位代表：现在向大会报告工作。', '')
        """
        key = line_key(text)
        if len(key) > MAX_REPEATED_CHARS * 4:  # a long paragraph: content, never boilerplate
            return cls(text, key, (text,), ("",))
        parts = tuple(p for p in _SENTENCE_END.split(text) if p) if _SENTENCE_END.search(text) else (text,)
        keys = (key,) if len(parts) == 1 else tuple(line_key(p) for p in parts)
        return cls(text, key, parts, tuple(k if MIN_SENTENCE_CHARS <= len(k) <= MAX_REPEATED_CHARS else ""
                                           for k in keys))


def edges(items: Sequence[T]) -> list[T]:
    """The first and last ``EDGE_LINES`` items, at most a quarter of them at each end.

    Example:
        >>> edges(list(range(8)))
        [0, 1, 6, 7]
    """
    n = min(EDGE_LINES, math.ceil(len(items) / 4))
    return [*items[:n], *items[len(items) - n :]]


def _shingles(key: str) -> list[str]:
    return [key[i : i + SHINGLE] for i in range(len(key) - SHINGLE + 1)]


class Repeats:
    """In how many documents each short line and sentence occurs, and each shingle of the
    sentences at the documents' edges; the thresholds that make them boilerplate.

    Example:
        >>> bodies = ["集成电路产业集群加快发展。", "生态环境持续改善。", "数字经济核心产业增长。"]
        >>> docs = [[Line.parse("各位代表："), Line.parse(body)] for body in bodies]
        >>> r = Repeats(docs, min_docs=3, min_share=0.0, near_share=1.0)
        >>> r.is_repeated(docs[0][0]), r.is_repeated(docs[0][1])
        (True, False)
    """

    def __init__(self, docs: Sequence[Sequence[Line]], *, min_docs: int, min_share: float,
                 near_share: float) -> None:
        self.threshold = max(min_docs, math.ceil(min_share * len(docs)))
        self.near_threshold = max(min_docs, math.ceil(near_share * len(docs)))
        df: Counter[str] = Counter()
        shingles: Counter[str] = Counter()
        for lines in docs:
            keys = {line.key for line in lines if len(line.key) <= MAX_REPEATED_CHARS}
            keys.update(k for line in lines for k in line.sentence_keys if k)
            df.update(keys)
            shingles.update({g for line in edges(lines) for k in line.sentence_keys if k for g in _shingles(k)})
        self.df = {k for k, c in df.items() if c >= self.threshold}
        self.shingles = {g for g, c in shingles.items() if c >= self.near_threshold}

    def is_repeated(self, line: Line) -> bool:
        """Whether the whole line is met in enough documents."""
        return line.key in self.df

    def repeated_share(self, lines: Sequence[Line]) -> float:
        """The share of the lines' characters in repeated lines and sentences of ``COPY_CHARS`` or more:
        above ``MAX_REPEATED_SHARE`` the document is a copy of others, not their boilerplate."""
        total = repeated = 0
        for line in lines:
            total += len(line.key)
            if line.key in self.df:
                repeated += len(line.key) if len(line.key) >= COPY_CHARS else 0
            else:
                repeated += sum(len(k) for k in line.sentence_keys if len(k) >= COPY_CHARS and k in self.df)
        return repeated / total if total else 0.0

    def is_formula(self, key: str) -> bool:
        """Most of the sentence's shingles stand at the edges of many documents: a formula with variants."""
        grams = _shingles(key)
        return bool(grams) and sum(g in self.shingles for g in grams) >= FORMULA_COVER * len(grams)

    def strip(self, line: Line, edge: bool) -> tuple[str, str | None]:
        """``("repeated" or "formula", what is left)`` when the line or some of its sentences are
        boilerplate (what is left is None when nothing with Han characters is), else ``("", text)``."""
        if self.is_repeated(line):
            return "repeated", None
        for reason, test in (("repeated", self.df.__contains__), ("formula", self.is_formula)):
            if reason == "formula" and not edge:
                break
            kept = [s for s, k in zip(line.sentences, line.sentence_keys) if not (k and test(k))]
            if len(kept) < len(line.sentences):
                rest = "".join(kept)
                return reason, rest if _HAN.search(rest) else None
        return "", line.text
