"""Tagged paragraphs as integer codes: the phrase and filter steps as array operations.

After tagging, each token is one int32: a code into a :class:`Lexicon` of the distinct
``(word, tag, may-join)`` triples seen, and a batch of paragraphs is one array of codes with the
paragraphs' start offsets (:class:`Coded`). Counting adjacent pairs, joining phrases and dropping
tokens by reason then run in numpy over whole batches instead of a Python step a token, and a
batch takes four bytes a token instead of three lists of Python objects (at 100,000 news
documents the steps after tagging took 110 s over lists: ``bench/scale.py``).

The results are those of the list-based functions they replace, which stay the reference
(:func:`topiclab.preprocess.phrases.count_pairs`, :class:`~topiclab.preprocess.phrases.PhraseJoiner`,
:func:`topiclab.preprocess.filters.filter_sequences`): the tests compare the two. Codes are local
to a lexicon (a process); only words, counts and kept words leave it, never a code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import pairwise

import numpy as np

from topiclab.preprocess.filters import Decider, Tagged
from topiclab.preprocess.phrases import PHRASE_TAG, Phrase
from topiclab.preprocess.tally import Tally

# a pair of word ids as one int64 (ids are below 2**31), whatever the number of words so far
_PAIR = np.int64(2**31)


@dataclass(frozen=True)
class Coded:
    """A batch of paragraphs: every token's code, in order, and where each paragraph starts
    (``starts[p]`` to ``starts[p + 1]``; one more entry than paragraphs)."""

    codes: np.ndarray
    starts: np.ndarray


class _BaseCodes(dict):  # type: ignore[type-arg,unused-ignore]
    """(word, tag) -> code of a tagged token, whose may-join flag comes from the decider."""

    def __init__(self, lexicon: Lexicon) -> None:
        super().__init__()
        self.lexicon = lexicon

    def __missing__(self, key: tuple[str, str]) -> int:
        word, tag = key
        code = self[key] = self.lexicon.code(word, tag, self.lexicon.decide[key] in ("", "too_short"))
        return code


class Lexicon:
    """The distinct ``(word, tag, may-join)`` triples of one process's tokens, numbered as met.

    Example:
        >>> from topiclab.preprocess.config import PreprocessConfig
        >>> lex = Lexicon(Decider(PreprocessConfig(), frozenset()))
        >>> batch = lex.encode([[(["科技", "成果", "的"], ["n", "n", "uj"])]])
        >>> batch.codes.tolist(), batch.starts.tolist(), lex.texts[2]
        ([0, 1, 2], [0, 3], '的')
    """

    def __init__(self, decide: Decider) -> None:
        self.decide = decide
        self._codes: dict[tuple[str, str, bool], int] = {}
        self._base = _BaseCodes(self)
        self._word_ids: dict[str, int] = {}
        self.words: list[str] = []  # by word id
        self.texts: list[str] = []  # the word of each code
        self.reasons: list[str] = [""]  # by reason id; 0 keeps the token
        # by code: word id, may-join flag, reason id; grown by doubling (codes are added a few a batch)
        self._word = np.zeros(1024, dtype=np.int64)
        self._flag = np.zeros(1024, dtype=bool)
        self._reason = np.zeros(1024, dtype=np.int64)

    def code(self, word: str, tag: str, flag: bool) -> int:
        """The code of a token (numbered now if new)."""
        key = (word, tag, flag)
        code = self._codes.get(key)
        if code is None:
            code = self._codes[key] = len(self.texts)
            if word not in self._word_ids:
                # a pair of word ids is packed into one int64 (see _PAIR)
                assert len(self.words) < _PAIR, "more than 2**31 distinct words in one process"
                self._word_ids[word] = len(self.words)
                self.words.append(word)
            reason = self.decide[word, tag]
            if reason not in self.reasons:
                self.reasons.append(reason)
            if code == len(self._word):
                self._word, self._flag, self._reason = (np.resize(a, 2 * code)
                                                        for a in (self._word, self._flag, self._reason))
            self.texts.append(word)
            self._word[code] = self._word_ids[word]
            self._flag[code] = flag
            self._reason[code] = self.reasons.index(reason)
        return code

    def word_id(self, word: str) -> int | None:
        """The id of ``word``, None if no token of this lexicon is that word."""
        return self._word_ids.get(word)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """By code: word id, may-join flag, reason id (views: codes added later are not in them)."""
        n = len(self.texts)
        return self._word[:n], self._flag[:n], self._reason[:n]

    def encode(self, docs: Iterable[Tagged]) -> Coded:
        """Every paragraph of ``docs`` as codes, in order."""
        lookup = self._base.__getitem__
        codes: list[int] = []
        lengths: list[int] = []
        for doc in docs:
            for words, tags in doc:
                codes.extend(map(lookup, zip(words, tags)))
                lengths.append(len(words))
        starts = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        return Coded(np.array(codes, dtype=np.int32), starts)

    def pair_key(self, a: str, b: str) -> int | None:
        """Two words as the key :func:`pair_counts` counts them under (None if either is unknown here)."""
        i, j = self._word_ids.get(a), self._word_ids.get(b)
        return None if i is None or j is None else int(i * _PAIR + j)

    def pair_of(self, key: int) -> tuple[str, str]:
        """The two words of a pair key."""
        return self.words[key // int(_PAIR)], self.words[key % int(_PAIR)]


def _members(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Whether each of ``keys`` is in ``sorted_keys`` (a binary search each: ``np.isin`` would
    first make the phrases' keys unique again for every batch)."""
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


def _inner_pairs(batch: Coded, flags: np.ndarray | None) -> np.ndarray:
    """Positions ``i`` where tokens ``i`` and ``i + 1`` are in one paragraph (and both may join,
    when ``flags`` is given)."""
    n = len(batch.codes)
    if n < 2:
        return np.zeros(0, dtype=np.int64)
    both = flags[:-1] & flags[1:] if flags is not None else np.ones(n - 1, dtype=bool)
    cuts = batch.starts[1:-1]
    both[cuts[(cuts > 0) & (cuts < n)] - 1] = False
    return np.flatnonzero(both)


@dataclass(frozen=True)
class PairCounts:
    """Joinable words and adjacent joinable pairs counted over batches (see :func:`pair_counts`)."""

    words: np.ndarray  # count by word id
    pairs: Tally  # by pair key


def pair_counts(lexicon: Lexicon, batches: Iterable[Coded]) -> PairCounts:
    """Counts of joinable words and of adjacent joinable pairs in ``batches`` (as
    :func:`topiclab.preprocess.phrases.count_pairs`, by id and pair key).

    Example:
        >>> from topiclab.preprocess.config import PreprocessConfig
        >>> lex = Lexicon(Decider(PreprocessConfig(), frozenset()))
        >>> counted = pair_counts(lex, [lex.encode([[(["科技", "成果", "很"], ["n", "n", "d"])]])])
        >>> [lex.pair_of(int(k)) for k in counted.pairs.at_least(1)], counted.words.tolist()
        ([('科技', '成果')], [1, 1, 0])
    """
    words: np.ndarray = np.zeros(0, dtype=np.int64)

    def pair_keys(batch: Coded) -> np.ndarray:
        nonlocal words
        word, flag, _ = lexicon.arrays()
        w, f = word[batch.codes], flag[batch.codes]
        seen = np.bincount(w[f], minlength=len(lexicon.words))
        seen[: len(words)] += words
        words = seen
        at = _inner_pairs(batch, f)
        return w[at] * _PAIR + w[at + 1]

    pairs = Tally.of(map(pair_keys, batches))
    return PairCounts(words, pairs)


def join_pairs(lexicon: Lexicon, batch: Coded, pairs: np.ndarray) -> Coded:
    """Join the two-word phrases whose pair keys are ``pairs`` (sorted) wherever both words may
    join, left to right: :class:`~topiclab.preprocess.phrases.PhraseJoiner` with two-word phrases.
    The joined token is the phrase's text, tagged ``nz``, and may join again."""
    word, flag, _ = lexicon.arrays()
    w = word[batch.codes]
    at = _inner_pairs(batch, flag[batch.codes])
    at = at[_members(w[at] * _PAIR + w[at + 1], pairs)]
    if len(at) == 0:
        return batch
    # in a run of consecutive matches i, i+1, i+2 ... the joiner takes i, skips i+1 (its first
    # word is taken), takes i+2: every other one from the run's start
    new_run = np.ones(len(at), dtype=bool)
    new_run[1:] = at[1:] != at[:-1] + 1
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(at)), 0))
    at = at[(np.arange(len(at)) - run_start) % 2 == 0]
    return _replace(batch, at, np.full(len(at), 2), _joined_codes(lexicon, batch.codes, at, 2))


def _joined_codes(lexicon: Lexicon, codes: np.ndarray, at: np.ndarray, size: int) -> np.ndarray:
    distinct, where = np.unique(codes[at] * _PAIR + codes[at + 1], return_inverse=True)
    texts = lexicon.texts
    made = [lexicon.code(texts[k // int(_PAIR)] + texts[k % int(_PAIR)], PHRASE_TAG, True) for k in distinct.tolist()]
    return np.asarray(made, dtype=np.int32)[where]


def _replace(batch: Coded, at: np.ndarray, sizes: np.ndarray, codes: np.ndarray) -> Coded:
    """``batch`` with the ``sizes[j]`` tokens from ``at[j]`` replaced by the one token ``codes[j]``."""
    out = batch.codes.copy()
    out[at] = codes
    # positions dropped: at[j] + 1 ... at[j] + sizes[j] - 1
    extra = sizes - 1
    first = np.repeat(at + 1, extra)
    offset = np.arange(int(extra.sum())) - np.repeat(np.cumsum(extra) - extra, extra)
    dropped = first + offset
    keep = np.ones(len(out), dtype=bool)
    keep[dropped] = False
    starts = batch.starts - np.searchsorted(dropped, batch.starts, side="left")
    return Coded(out[keep], starts)


class Joiner:
    """Joins a fixed set of phrases (of any length) in coded batches, longest match first, left
    to right: :class:`~topiclab.preprocess.phrases.PhraseJoiner` over codes.

    ``any_word``: join wherever the parts stand together (a researcher's phrase file), not only
    where every part may join."""

    def __init__(self, lexicon: Lexicon, phrases: Sequence[Phrase], any_word: bool = False) -> None:
        self.lexicon = lexicon
        self.any_word = any_word
        index: dict[int, list[tuple[tuple[int, ...], str]]] = {}
        for p in phrases:
            ids = [lexicon.word_id(w) for w in p.parts]
            if len(ids) < 2 or None in ids:  # a part no token here is: the phrase never occurs here
                continue
            parts = tuple(i for i in ids if i is not None)
            index.setdefault(parts[0] * int(_PAIR) + parts[1], []).append((parts, p.text))
        for candidates in index.values():
            # as PhraseJoiner: longest first, then by the parts' words
            candidates.sort(key=lambda c: (-len(c[0]), [lexicon.words[i] for i in c[0]]))
        self._index = index
        self._keys = np.array(sorted(index), dtype=np.int64)
        self._made: dict[str, int] = {}  # a phrase's code, once it has been joined

    def __call__(self, batch: Coded) -> Coded:
        if len(self._keys) == 0:
            return batch
        word, flag, _ = self.lexicon.arrays()
        w = word[batch.codes]
        at = _inner_pairs(batch, None)
        keys = w[at] * _PAIR + w[at + 1]
        hit = _members(keys, self._keys)
        at, keys = at[hit], keys[hit]
        # how many tokens from each candidate on may join, up to the end of its paragraph: a
        # phrase of ``size`` parts fits where that is at least ``size``
        stop = batch.starts[np.searchsorted(batch.starts, at, side="right")]
        if not self.any_word:
            blocked = np.append(np.flatnonzero(~flag[batch.codes]), len(w))
            stop = np.minimum(stop, blocked[np.searchsorted(blocked, at)])
        words = w.tolist()
        taken: list[int] = []
        sizes: list[int] = []
        made: list[int] = []
        done = 0
        for i, key, room in zip(at.tolist(), keys.tolist(), (stop - at).tolist()):
            if i < done or room < 2:
                continue
            for parts, text in self._index[key]:
                size = len(parts)
                # the key holds the first two parts
                if size <= room and (size == 2 or tuple(words[i : i + size]) == parts):
                    taken.append(i)
                    sizes.append(size)
                    made.append(self._code(text))
                    done = i + size
                    break
        if not taken:
            return batch
        return _replace(batch, np.array(taken, dtype=np.int64), np.array(sizes, dtype=np.int64),
                        np.array(made, dtype=np.int32))

    def _code(self, text: str) -> int:
        code = self._made.get(text)
        if code is None:
            code = self._made[text] = self.lexicon.code(text, PHRASE_TAG, True)
        return code


def word_counts(lexicon: Lexicon, batches: Iterable[Coded], only: Collection[str]) -> Counter[str]:
    """How often each word ``only`` names stands as a token in ``batches``."""
    counts = np.zeros(0, dtype=np.int64)
    for batch in batches:
        word, _, _ = lexicon.arrays()
        seen = np.bincount(word[batch.codes], minlength=len(lexicon.words))
        seen[: len(counts)] += counts
        counts = seen
    ids = {w: lexicon.word_id(w) for w in only}
    return Counter({w: int(counts[i]) for w, i in ids.items() if i is not None and i < len(counts) and counts[i]})


def kept_words(lexicon: Lexicon, batch: Coded) -> tuple[list[list[str]], Counter[str]]:
    """Each paragraph's words the decider keeps, and the dropped tokens counted by reason (in the
    order the reasons first occur, as :func:`topiclab.preprocess.filters.filter_sequences` counts)."""
    _, _, reason = lexicon.arrays()
    r = reason[batch.codes]
    keep = r == 0
    words = list(map(lexicon.texts.__getitem__, batch.codes[keep].tolist()))
    bounds = np.concatenate(([0], np.cumsum(keep)))[batch.starts].tolist()
    paragraphs = [words[a:b] for a, b in pairwise(bounds)]
    removed: Counter[str] = Counter()
    distinct, first = np.unique(r, return_index=True)
    n = np.bincount(r, minlength=len(lexicon.reasons))
    for rid in distinct[np.argsort(first)].tolist():
        if rid:
            removed[lexicon.reasons[rid]] = int(n[rid])
    return paragraphs, removed


def pair_keys(lexicon: Lexicon, phrases: Iterable[Phrase]) -> np.ndarray:
    """The sorted pair keys of the two-word ``phrases`` whose words are both in ``lexicon``."""
    keys = (lexicon.pair_key(*p.parts) for p in phrases if len(p.parts) == 2)
    return np.array(sorted({k for k in keys if k is not None}), dtype=np.int64)


def joining(lexicon: Lexicon, phrases: Sequence[Phrase]) -> Callable[[Coded], Coded]:
    """A function that joins ``phrases`` in a batch as
    :class:`~topiclab.preprocess.phrases.PhraseJoiner` joins them; made once for many batches."""
    if all(len(p.parts) == 2 for p in phrases):  # a pass of phrase learning: in arrays alone
        return partial(join_pairs, lexicon, pairs=pair_keys(lexicon, phrases))
    return Joiner(lexicon, phrases)


class CodedStore:
    """Coded batches held in this process, as phrase learning sees them (the operations of
    :class:`~topiclab.preprocess.phrases.SequenceStore`), and their kept words once phrases are known.

    Example:
        >>> from topiclab.preprocess.config import PreprocessConfig
        >>> from topiclab.preprocess.phrases import learn_phrases_from
        >>> lex = Lexicon(Decider(PreprocessConfig(), frozenset()))
        >>> store = CodedStore(lex, [lex.encode([[(["长江", "三角洲", "地区"], ["ns", "n", "n"])]] * 5)])
        >>> [p.text for p in learn_phrases_from(store, min_count=5)]
        ['长江三角洲地区']
    """

    def __init__(self, lexicon: Lexicon, batches: list[Coded]) -> None:
        self.lexicon = lexicon
        self.base = batches
        self.joined = batches  # until phrases are joined, the tagged batches themselves

    def pair_counts(self, min_count: int) -> tuple[Counter[str], Counter[tuple[str, str]], int]:
        """Counts of the pairs seen at least ``min_count`` times, of their words, and the number
        of joinable words."""
        counted = pair_counts(self.lexicon, self.joined)
        pairs = [self.lexicon.pair_of(k) for k in counted.pairs.at_least(min_count).tolist()]
        return (*frequent_pairs(self.lexicon, counted, pairs), int(counted.words.sum()))

    def join(self, phrases: Sequence[Phrase]) -> None:
        """Join ``phrases`` in every batch held (the tagged batches are kept as they are)."""
        join = joining(self.lexicon, phrases)
        self.joined = [join(b) for b in self.joined]

    def count_words(self, only: Collection[str]) -> Counter[str]:
        """Counts of the words ``only`` names, as joined so far."""
        return word_counts(self.lexicon, self.joined, only)

    def finish(self, phrases: Sequence[Phrase], any_word: bool) -> tuple[list[list[str]], Counter[str]]:
        """The kept words of every paragraph after joining ``phrases`` in the tagged batches (see
        :class:`Joiner` for ``any_word``), and the dropped tokens counted by reason."""
        joiner = Joiner(self.lexicon, phrases, any_word)
        paragraphs: list[list[str]] = []
        removed: Counter[str] = Counter()
        for batch in self.base:
            kept, dropped = kept_words(self.lexicon, joiner(batch))
            paragraphs.extend(kept)
            removed.update(dropped)
        return paragraphs, removed


def frequent_pairs(lexicon: Lexicon, counted: PairCounts, pairs: Collection[tuple[str, str]]
                   ) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """The counts (of :func:`pair_counts`) of ``pairs`` and of their words, those counted here."""
    unigrams: Counter[str] = Counter()
    for w in sorted({w for pair in pairs for w in pair}):
        i = lexicon.word_id(w)
        if i is not None and i < len(counted.words) and counted.words[i]:
            unigrams[w] = int(counted.words[i])
    known = [(pair, key) for pair in sorted(pairs) if (key := lexicon.pair_key(*pair)) is not None]
    n = counted.pairs.counts_of(np.array([key for _, key in known], dtype=np.int64)).tolist()
    return unigrams, Counter({pair: c for (pair, _), c in zip(known, n) if c})
