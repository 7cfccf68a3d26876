"""What repeats across a corpus's documents: lines, sentences, and the shingles of openings and closings.

Used by :mod:`topiclab.preprocess.page_boilerplate` for its ``repeated`` and ``formula`` rules.
Lines and sentences are compared by their key: spaces removed, lower case, and in a line that is
not a sentence (no 。！？) digit runs as ``0``, so a masthead whose date changes, or a counter's
number, is the same line every time, while 全年粮食总产量365万吨 and 412万吨 stay different.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from hashlib import blake2b
from typing import TypeVar

import numpy as np

from topiclab.preprocess.tally import Tally

MAX_REPEATED_CHARS = 200  # longest line or sentence that can count as repeated boilerplate
MIN_SENTENCE_CHARS = 8  # shortest sentence inside a longer line that can count as repeated
EDGE_LINES = 10  # lines at each end of a document where openings, closings and mastheads stand
SHINGLE = 4  # characters a shingle of a sentence
FORMULA_COVER = 0.7  # share of a sentence's shingles that, frequent at the edges, make it a formula
MAX_REPEATED_SHARE = 0.5  # a document with more of its text in long repeated lines is a copy, kept whole
COPY_CHARS = 30  # a repeated line or sentence this long is content met twice (chrome and mastheads are shorter)

_DIGITS = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
_SENTENCE_MARK = re.compile(r"[。！？!?]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
T = TypeVar("T")


def line_key(text: str) -> str:
    """What two lines share when they differ only in spaces and numbers (dates, counts).

    Example:
        >>> line_key("来源：某某日报  时间：2024-01-25") == line_key("来源：某某日报 时间：2023-12-01")
        True
        >>> line_key("全年粮食总产量365万吨。") == line_key("全年粮食总产量412万吨。")
        False
    """
    key = "".join(text.split()).lower()
    return key if _SENTENCE_MARK.search(key) else _DIGITS.sub("0", key)


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


def line_counts(docs: Iterable[Sequence[Line]]) -> Counter[str]:
    """In how many of the documents each short line and each sentence occurs (by key).

    Counts of disjoint sets of documents add up, so batches can be counted apart and summed.

    Example:
        >>> line_counts([[Line.parse("各位代表：")], [Line.parse("各位代表：")]])["各位代表："]
        2
    """
    df: Counter[str] = Counter()
    for lines in docs:
        df.update(line_keys(lines))
    return df


def line_keys(lines: Sequence[Line]) -> set[str]:
    """The keys of one document that :func:`line_counts` counts: its short lines and its sentences."""
    keys = {line.key for line in lines if len(line.key) <= MAX_REPEATED_CHARS}
    keys.update(k for line in lines for k in line.sentence_keys if k)
    return keys


def edge_counts(docs_edges: Iterable[Sequence[Line]]) -> Counter[str]:
    """In how many documents each shingle of the sentences at their edges occurs (``docs_edges``:
    each document's first and last lines left after the whole-line rules).

    Example:
        >>> edge_counts([[Line.parse("受省人民政府委托。")]])["受省人民"]
        1
    """
    shingles: Counter[str] = Counter()
    for lines in docs_edges:
        shingles.update(edge_keys(lines))
    return shingles


def edge_keys(lines: Sequence[Line]) -> set[str]:
    """The shingles of one document's edge lines that :func:`edge_counts` counts."""
    return {g for line in lines for k in line.sentence_keys if k for g in _shingles(k)}


def digests(keys: Iterable[str]) -> np.ndarray:
    """A 64-bit digest of each key (BLAKE2b): the same in every process, so that workers can
    count keys as eight bytes each and the parent add their counts up.

    Example:
        >>> d = digests(["各位代表：", "各位代表：", "谢谢。"])
        >>> d.dtype.name, bool(d[0] == d[1]), bool(d[0] == d[2])
        ('uint64', True, False)
    """
    return np.frombuffer(b"".join(blake2b(k.encode(), digest_size=8).digest() for k in keys), dtype="<u8")


def digest_counts(key_sets: Iterable[set[str]], block: int = 200_000) -> Tally:
    """In how many documents each key's digest occurs, from each document's set of keys (at most
    ``block`` keys digested at a time): eight bytes a distinct key instead of the key itself (at a
    million news documents the sentences counted as strings took 1.2 GB a worker).

    Example:
        >>> tally = digest_counts([{"各位代表："}, {"各位代表：", "谢谢。"}])
        >>> tally.counts_of(digests(["各位代表：", "谢谢。", "正文。"])).tolist()
        [2, 1, 0]
    """
    def blocks() -> Iterator[np.ndarray]:
        pending: list[str] = []
        for keys in key_sets:
            pending.extend(keys)
            if len(pending) >= block:
                yield digests(pending)
                pending = []
        yield digests(pending)

    return Tally.of(blocks(), dtype=np.uint64)


def keys_with(key_sets: Iterable[set[str]], wanted: frozenset[int]) -> Counter[str]:
    """In how many documents each key whose digest is in ``wanted`` occurs, counted exactly."""
    counts: Counter[str] = Counter()
    for keys in key_sets:
        ordered = list(keys)
        hit = [int(d) in wanted for d in digests(ordered).tolist()] if ordered else []
        counts.update(k for k, h in zip(ordered, hit) if h)
    return counts


def threshold(min_docs: int, share: float, n_docs: int) -> int:
    """Documents a line or shingle must occur in to count as repeated: ``max(min_docs, share x n_docs)``.

    Example:
        >>> threshold(3, 0.01, 1000), threshold(3, 0.01, 10)
        (10, 3)
    """
    return max(min_docs, math.ceil(share * n_docs))


def frequent(counts: Counter[str], at_least: int) -> frozenset[str]:
    """The keys counted ``at_least`` times."""
    return frozenset(k for k, c in counts.items() if c >= at_least)


class Repeats:
    """The short lines and sentences that repeat across a corpus's documents (by key), and the
    shingles frequent at the documents' edges (see :func:`line_counts`, :func:`edge_counts`).

    Example:
        >>> bodies = ["集成电路产业集群加快发展。", "生态环境持续改善。", "数字经济核心产业增长。"]
        >>> docs = [[Line.parse("各位代表："), Line.parse(body)] for body in bodies]
        >>> r = Repeats(frequent(line_counts(docs), threshold(3, 0.0, len(docs))))
        >>> r.is_repeated(docs[0][0]), r.is_repeated(docs[0][1])
        (True, False)
    """

    def __init__(self, repeated: frozenset[str], shingles: frozenset[str] = frozenset()) -> None:
        self.df = repeated
        self.shingles = shingles

    @classmethod
    def known(cls, texts: Sequence[str]) -> Repeats:
        """The lines and sentences found repeated in another corpus (a fit's): new texts are
        cleaned with these, as a few new texts repeat nothing of their own."""
        return cls(frozenset(line_key(t) for t in texts))

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

    def strip(self, line: Line, edge: bool) -> tuple[str, str | None, str]:
        """For a line not repeated as a whole: ``(reason, what is left, what was removed)``, reason
        ``"repeated"`` (some sentence is met in
        enough documents) or ``"formula"`` (only formulas) when the line or some of its sentences are
        boilerplate (what is left is None when nothing with Han characters is), else ``("", text, "")``."""
        repeated = [bool(k) and k in self.df for k in line.sentence_keys]
        formula = [bool(k) and edge and not r and self.is_formula(k) for k, r in zip(line.sentence_keys, repeated)]
        gone = [r or f for r, f in zip(repeated, formula)]
        if not any(gone):
            return "", line.text, ""
        rest = "".join(s for s, g in zip(line.sentences, gone) if not g)
        removed = "".join(s for s, g in zip(line.sentences, gone) if g)
        return "repeated" if any(repeated) else "formula", rest if _HAN.search(rest) else None, removed
