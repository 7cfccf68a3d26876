"""Segmentation and part-of-speech tagging with jieba's dictionary and ``jieba.posseg`` semantics.

Two engines, the same output:

``rjieba`` (default)
    The dictionary's best path from jieba-rs (``rjieba``, Rust), then jieba's own
    part-of-speech HMM, vectorised (:mod:`topiclab.preprocess.posseg_hmm`), on each run of
    single characters that is not a dictionary word: exactly what ``jieba.posseg`` does, at
    native speed for the dictionary part. Unknown runs are decoded once and remembered.
``jieba``
    ``jieba.posseg`` itself: the reference, slow (pure Python).

``rjieba.tag`` alone is fast but is not ``jieba.posseg``: it re-segments unknown words
with jieba's plain-segmentation HMM, so about 2.5% of tokens differ from ``jieba.posseg``
on the seed; the hybrid agrees token for token (``bench/segment.py`` measures it).

Dictionary entries reach both engines identically: each word's frequency is fixed first
(given, or the smallest that keeps the word whole, as jieba's ``suggest_freq`` computes it)
and the same ``(word, freq, tag)`` is added to each engine.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import numpy as np

from topiclab.errors import ConfigError
from topiclab.names import ENGINES
from topiclab.preprocess.lexicon import DictEntry
from topiclab.preprocess.posseg_hmm import PossegHMM

_HAN = re.compile("([\u4e00-\u9fd5]+)")  # jieba's own Han range
_INTERNAL = re.compile(r"^[a-zA-Z0-9+#&._]+$")  # non-Han characters jieba keeps inside a block
_SKIP_DETAIL = re.compile(r"([.0-9]+|[a-zA-Z0-9]+)")
_NUM = re.compile(r"^[.0-9]+$")
_ENG = re.compile(r"^[a-zA-Z0-9]+$")
_MAX_REMEMBERED = 500_000
_SEP = "\x00"


def check_engine(engine: str) -> None:
    """Refuse an unknown engine, listing the valid ones."""
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


def engine_version(engine: str) -> str:
    """Engine name with the versions of the packages behind it, for cache keys and manifests.

    Example:
        >>> engine_version("jieba").startswith("jieba=")
        True
    """
    check_engine(engine)
    if engine == "jieba":
        return f"jieba={version('jieba')}"
    return f"rjieba={version('rjieba')}+posseg-hmm(jieba={version('jieba')})"


@dataclass(frozen=True)
class Segmenter:
    """Segment and tag text; build once, call :meth:`tag` many times.

    Example:
        >>> from topiclab.preprocess.lexicon import policy_dictionary
        >>> seg = Segmenter("rjieba", policy_dictionary())
        >>> seg.tag("推动江苏专精特新企业发展")
        (['推动', '江苏', '专精特新', '企业', '发展'], ['v', 'ns', 'nz', 'n', 'vn'])
    """

    engine: str = "rjieba"
    entries: Sequence[DictEntry] = ()

    def __post_init__(self) -> None:
        check_engine(self.engine)
        object.__setattr__(self, "entries", tuple(self.entries))
        object.__setattr__(self, "_impl", None)

    def _build(self) -> Any:
        import rjieba

        base = rjieba.Jieba()
        resolved = []
        for e in self.entries:
            freq = e.freq if e.freq is not None else base.suggest_freq(e.word)
            base.add_word(e.word, freq, e.tag)
            resolved.append((e.word, freq, e.tag))
        if self.engine == "rjieba":
            return _HybridTagger(base)
        return _JiebaTagger(resolved)

    def tag(self, text: str) -> tuple[list[str], list[str]]:
        """Segment ``text``: parallel lists of words and their part-of-speech tags."""
        return self.tag_many([text])[0]

    def tag_many(self, texts: Sequence[str]) -> list[tuple[list[str], list[str]]]:
        """:meth:`tag` for many texts; faster than one call a text (work is batched).

        Example:
            >>> Segmenter().tag_many(["集成电路", "长三角"])
            [(['集成电路'], ['nz']), (['长三角'], ['ns'])]
        """
        impl = self._impl  # type: ignore[attr-defined]
        if impl is None:
            impl = self._build()
            object.__setattr__(self, "_impl", impl)
        return impl.tag_many(texts)  # type: ignore[no-any-return,unused-ignore]

    def __getstate__(self) -> dict[str, Any]:
        # worker processes rebuild the engine from the settings instead of pickling it
        return {"engine": self.engine, "entries": self.entries}

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "engine", state["engine"])
        object.__setattr__(self, "entries", state["entries"])
        object.__setattr__(self, "_impl", None)


class _JiebaTagger:
    def __init__(self, entries: list[tuple[str, int, str]]) -> None:
        import jieba
        import jieba.posseg

        tokenizer = jieba.Tokenizer()
        # jieba logs four lines to stderr while it loads its dictionary; quiet them for the load
        # only, so that a user's own setting of jieba's logger is left as it was
        quiet = logging.getLogger("jieba")
        level = quiet.level
        quiet.setLevel(logging.WARNING)
        try:
            tokenizer.initialize()
        finally:
            quiet.setLevel(level)
        for word, freq, tag in entries:
            tokenizer.add_word(word, freq, tag)
        self._pos = jieba.posseg.POSTokenizer(tokenizer)

    def tag_many(self, texts: Sequence[str]) -> list[tuple[list[str], list[str]]]:
        out = []
        for text in texts:
            pairs = self._pos.lcut(text)
            out.append(([p.word for p in pairs], [p.flag for p in pairs]))
        return out


class _Memo(dict):  # type: ignore[type-arg,unused-ignore]
    """A dict that computes a missing value once; ``map(memo.__getitem__, …)`` runs at C speed."""

    def __init__(self, compute: Any) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key: str) -> Any:
        if len(self) > _MAX_REMEMBERED:
            self.clear()
        value = self[key] = self._compute(key)
        return value


class _HybridTagger:
    def __init__(self, jieba_rs: Any) -> None:
        self._rs = jieba_rs
        self._hmm = PossegHMM()
        self._bufferable = _Memo(self._is_bufferable)
        self._tag_of = _Memo(self._dict_tag)
        self._unknown: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def _is_bufferable(self, word: str) -> bool:
        # jieba.posseg gathers the single-character steps of the dictionary path into a run;
        # jieba-rs (like jieba.cut without HMM) has already glued ASCII steps into one token
        if len(word) == 1:
            return bool(_HAN.match(word) or _INTERNAL.match(word))
        return bool(_INTERNAL.match(word)) and not self._rs.has_word(word)

    def _dict_tag(self, word: str) -> str:
        if _INTERNAL.match(word) and not self._rs.has_word(word):
            # a lone character is looked up in the dictionary (x when absent); a longer run is
            # classified as jieba.posseg classifies unknown runs
            if len(word) == 1:
                return "x"
            return "m" if _NUM.match(word) else "eng" if _ENG.match(word) else "x"
        pairs = self._rs.tag(word, False)
        return pairs[0][1] if len(pairs) == 1 else "x"

    def _cut_unknown(self, runs: list[str]) -> None:
        """Decode new unknown runs (all at once) and remember them."""
        blocks = {b for run in runs if not self._rs.has_word(run) for b in _HAN.findall(run)}
        decoded = dict(zip(sorted(blocks), self._hmm.cut_many(sorted(blocks))))
        for run in runs:
            if self._rs.has_word(run):  # a dictionary word made of single steps: jieba keeps the characters
                chars = list(run)
                self._unknown[run] = (tuple(chars), tuple(map(self._tag_of.__getitem__, chars)))
                continue
            words: list[str] = []
            tags: list[str] = []
            for block in _HAN.split(run):
                if not block:
                    continue
                if _HAN.match(block):
                    for w, t in decoded[block]:
                        words.append(w)
                        tags.append(t)
                    continue
                for piece in _SKIP_DETAIL.split(block):
                    if piece:
                        words.append(piece)
                        tags.append("m" if _NUM.match(piece) else "eng" if _ENG.match(piece) else "x")
            self._unknown[run] = (tuple(words), tuple(tags))

    def tag_many(self, texts: Sequence[str]) -> list[tuple[list[str], list[str]]]:
        # one jieba-rs call for all texts, joined by NUL, which jieba never joins to a neighbour
        toks = self._rs.cut(_SEP.join(t.replace(_SEP, " ") for t in texts), False)
        flags = np.fromiter(map(self._bufferable.__getitem__, toks), dtype=np.int8, count=len(toks))
        edges = np.diff(np.concatenate(([0], flags, [0])))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        # a run of several tokens, or one glued ASCII token such as "667m2", which
        # jieba.posseg splits by pattern (667 | m2)
        multi = ((ends - starts) >= 2) | np.fromiter((len(toks[i]) > 1 for i in starts), dtype=bool, count=len(starts))
        spans = list(zip(starts[multi].tolist(), ends[multi].tolist()))
        runs = ["".join(toks[s:e]) for s, e in spans]
        if len(self._unknown) > _MAX_REMEMBERED:
            self._unknown.clear()
        new = sorted({r for r in runs if r not in self._unknown})
        if new:
            self._cut_unknown(new)
        tags = list(map(self._tag_of.__getitem__, toks))
        words: list[str] = []
        out_tags: list[str] = []
        pos = 0
        for (s, e), run in zip(spans, runs):
            w, t = self._unknown[run]
            words += toks[pos:s]
            out_tags += tags[pos:s]
            words += w
            out_tags += t
            pos = e
        words += toks[pos:]
        out_tags += tags[pos:]
        out = []
        begin = 0
        for _ in range(len(texts) - 1):
            end = words.index(_SEP, begin)
            out.append((words[begin:end], out_tags[begin:end]))
            begin = end + 1
        out.append((words[begin:], out_tags[begin:]))
        return out
