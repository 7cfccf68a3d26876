"""Which tokens stay: each (word, tag) pair gets a reason for removal, or none, computed once.

Reasons, checked in this order: punctuation, non-Han characters, stopwords (stopwords-iso),
policy boilerplate, the user's stopwords, tokens shorter than ``min_len``, and tags outside the
part-of-speech whitelist. Phrases are joined first: a phrase may be made of content words of
any length (see :class:`Decider.may_join`).
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import compress
from operator import not_
from typing import Any

from topiclab.preprocess.config import PreprocessConfig
from topiclab.preprocess.lexicon import boilerplate_stopwords, read_wordlist, standard_stopwords
from topiclab.preprocess.phrases import Phrase, PhraseJoiner, Sequence2, learn_phrases_from, read_phrases

_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")
_WORDLIKE = re.compile(r"\w")

Tagged = list[tuple[list[str], list[str]]]  # one (words, tags) pair a paragraph


class Decider(dict):  # type: ignore[type-arg,unused-ignore]
    """(word, tag) -> reason for removal, or "" to keep; computed once per distinct pair.

    Example:
        >>> decide = Decider(PreprocessConfig(), frozenset())
        >>> decide["集成电路", "nz"], decide["的", "uj"], decide["，", "x"]
        ('', 'stopword', 'punctuation')
    """

    def __init__(self, config: PreprocessConfig, user_stop: frozenset[str]) -> None:
        super().__init__()
        self.config = config
        self.std = standard_stopwords() if config.stopwords else frozenset()
        self.boiler = boilerplate_stopwords() if config.boilerplate else frozenset()
        self.user = user_stop
        self.pos = frozenset(config.pos) if config.pos is not None else None
        self._joinable = _Joinable(self)

    def __missing__(self, key: tuple[str, str]) -> str:
        word, tag = key
        c = self.config
        if not _WORDLIKE.search(word):
            reason = "punctuation"
        elif c.han_only and not _HAN.match(word):
            reason = "non_han"
        elif word in self.std:
            reason = "stopword"
        elif word in self.boiler:
            reason = "boilerplate"
        elif word in self.user:
            reason = "user_stopword"
        elif len(word) < c.min_len:
            reason = "too_short"
        elif self.pos is not None and tag not in self.pos:
            reason = "pos"
        else:
            reason = ""
        self[key] = reason
        return reason

    def sequences(self, docs: list[Tagged]) -> list[Sequence2]:
        """Every paragraph of ``docs`` as ``(words, tags, may-join flags)``, in order."""
        return [(words, tags, self.may_join(words, tags)) for doc in docs for words, tags in doc]

    def may_join(self, words: list[str], tags: list[str]) -> list[bool]:
        """Whether each token may be part of a phrase: a content word, whatever its length."""
        return list(map(self._joinable.__getitem__, zip(words, tags)))


class _Joinable(dict):  # type: ignore[type-arg,unused-ignore]
    """(word, tag) -> whether it may be part of a phrase, from the decider's reason (cached)."""

    def __init__(self, decide: Decider) -> None:
        super().__init__()
        self.decide = decide

    def __missing__(self, key: tuple[str, str]) -> bool:
        value = self[key] = self.decide[key] in ("", "too_short")
        return value


def user_stopwords(config: PreprocessConfig) -> frozenset[str]:
    """The words of every user stopword file the config names."""
    return frozenset().union(*(read_wordlist(p) for p in config.user_stopwords))


def corpus_phrases(config: PreprocessConfig, store: Any) -> list[Phrase]:
    """The phrases to join: read from the config's phrase file, learned from ``store``, or none."""
    if config.phrase_file:
        return read_phrases(config.phrase_file)
    if config.phrases:
        return learn_phrases_from(store, min_count=config.phrase_min_count, threshold=config.phrase_threshold)
    return []


def filter_sequences(
    seqs: list[Sequence2], phrases: list[Phrase], decide: Decider
) -> tuple[list[list[str]], Counter[str]]:
    """Join ``phrases``, then drop tokens by reason: the kept words of each sequence, and the counts."""
    if phrases:
        join = PhraseJoiner(phrases)
        if decide.config.phrase_file:
            # phrases a researcher chose apply wherever their parts stand together
            seqs = [join((w, t, [True] * len(w))) for w, t, _ in seqs]
        else:
            seqs = [join(s) for s in seqs]
    removed: Counter[str] = Counter()
    kept_paras: list[list[str]] = []
    for words, tags, _ in seqs:
        reasons = list(map(decide.__getitem__, zip(words, tags)))
        removed.update(reasons)
        kept_paras.append(list(compress(words, map(not_, reasons))))
    removed.pop("", None)
    return kept_paras, removed


