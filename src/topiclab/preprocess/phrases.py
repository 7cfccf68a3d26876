"""Multi-word expressions found in the corpus itself, by normalised PMI of adjacent words.

Chinese writing builds terms from words (科技 成果 转化 → 科技成果转化); a dictionary never
holds all of a corpus's own. Adjacent content words that occur together far more often than
chance are joined, in passes (two passes join three-word terms). Only content words join:
function words and stopwords never start or end a phrase, and no phrase crosses punctuation
or a paragraph. Scores follow Bouma (2009), "Normalized (pointwise) mutual information in
collocation extraction": NPMI(a, b) = ln(p(ab) / (p(a) p(b))) / -ln p(ab), in [-1, 1].

A joined phrase is tagged ``nz`` (a term), so part-of-speech filters keep it. Phrases are
written as a table (``phrase, parts, count, npmi``) a researcher can read and edit, and a
table can be given back to apply exactly those phrases.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import chain, compress, pairwise
from operator import and_
from pathlib import Path
from typing import Any

from topiclab.corpus.encoding import read_text
from topiclab.errors import InputError

Sequence2 = tuple[list[str], list[str], list[bool]]  # words, tags, may-join flags
PHRASE_TAG = "nz"


@dataclass(frozen=True)
class Phrase:
    """A learned phrase: its parts, how often they stood together, and their NPMI."""

    parts: tuple[str, ...]
    count: int
    npmi: float

    @property
    def text(self) -> str:
        """The joined phrase, as it appears in the tokens."""
        return "".join(self.parts)


def learn_phrases(
    sequences: Sequence[Sequence2], *, min_count: int = 5, threshold: float = 0.5, passes: int = 2
) -> list[Phrase]:
    """Learn phrases from token sequences; return them sorted by NPMI, then count, then text.

    Example:
        >>> seq = (["科技", "成果", "转化", "很", "重要"], ["n", "n", "vn", "d", "a"], [True, True, True, False, True])
        >>> [p.text for p in learn_phrases([seq] * 6, min_count=5)]
        ['科技成果转化']
    """
    return learn_phrases_from(SequenceStore(sequences), min_count=min_count, threshold=threshold, passes=passes)


class SequenceStore:
    """Token sequences held in this process, with the three operations phrase learning needs.

    :func:`learn_phrases_from` takes any object with these methods; the preprocessing workers
    offer the same over the batches each of them holds, so phrases are learned where the tokens are.
    """

    def __init__(self, sequences: Sequence[Sequence2]) -> None:
        self.seqs = list(sequences)  # joining builds new lists; the given sequences are never changed

    def pair_counts(self, min_count: int) -> tuple[Counter[str], Counter[tuple[str, str]], int]:
        """Counts of adjacent joinable pairs (at least those seen ``min_count`` times), of the
        joinable words (at least those in these pairs), and the number of joinable words."""
        unigrams, bigrams = count_pairs(self.seqs)
        return unigrams, bigrams, sum(unigrams.values())

    def join(self, phrases: Sequence[Phrase]) -> None:
        """Join ``phrases`` in every sequence held."""
        join = PhraseJoiner(phrases)
        self.seqs = [join(seq) for seq in self.seqs]

    def count_words(self, only: Collection[str]) -> Counter[str]:
        """Counts of the words ``only`` names."""
        counts = Counter(chain.from_iterable(words for words, _, _ in self.seqs))
        return Counter({w: counts[w] for w in only if w in counts})


def learn_phrases_from(store: Any, *, min_count: int = 5, threshold: float = 0.5, passes: int = 2) -> list[Phrase]:
    """:func:`learn_phrases` over a store of sequences (see :class:`SequenceStore`).

    Example:
        >>> seq = (["长江", "三角洲", "地区"], ["ns", "n", "n"], [True, True, True])
        >>> [p.text for p in learn_phrases_from(SequenceStore([seq] * 5), min_count=5)]
        ['长江三角洲地区']
    """
    found: dict[tuple[str, ...], Phrase] = {}
    by_text: dict[str, tuple[str, ...]] = {}  # a joined phrase -> its base words
    for _ in range(passes):
        unigrams, bigrams, total = store.pair_counts(min_count)
        pairs = score_pairs(unigrams, bigrams, min_count, threshold, total)
        if not pairs:
            break
        store.join([Phrase(pair, 0, 0.0) for pair in sorted(pairs)])
        learned = {}
        # counts may arrive in any order: a fixed one, and when two splits join into the same
        # text (恢+刺法, 恢刺+法) the more frequent one is what that text stands for in later passes
        for (a, b), (count, npmi) in sorted(pairs.items(), key=lambda item: (item[1][0], item[0])):
            # only phrases of earlier passes stand in the tokens as joined words
            parts = by_text.get(a, (a,)) + by_text.get(b, (b,))
            found[parts] = Phrase(parts, count, round(npmi, 6))
            learned["".join(parts)] = parts
        by_text.update(learned)
    # keep the longest: a two-word phrase absorbed by a three-word one in the next pass stays
    # listed only if it still occurs on its own
    final_tokens = store.count_words([p.text for p in found.values()]) if found else Counter()
    kept = [p for p in found.values() if final_tokens[p.text] > 0]
    # a total order (two phrases may read the same), so the order counts were added in never shows
    return sorted(kept, key=lambda p: (-p.npmi, -p.count, p.text, p.parts))


def count_pairs(seqs: Sequence[Sequence2], into: tuple[Counter[str], Counter[tuple[str, str]]] | None = None,
                ) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Counts of joinable words and of adjacent joinable pairs in ``seqs`` (added to ``into``
    when given: a running count over many batches holds no counter a batch).

    Example:
        >>> count_pairs([(["科技", "成果", "很"], ["n", "n", "d"], [True, True, False])])[1]
        Counter({('科技', '成果'): 1})
    """
    unigrams, bigrams = into if into is not None else (Counter(), Counter())
    # compress/zip/map run in C: no Python step per token
    unigrams.update(chain.from_iterable(compress(words, flags) for words, _, flags in seqs))
    bigrams.update(chain.from_iterable(
        compress(pairwise(words), map(and_, flags, flags[1:])) for words, _, flags in seqs))
    return unigrams, bigrams


def score_pairs(unigrams: Counter[str], bigrams: Counter[tuple[str, str]], min_count: int,
                threshold: float, total: int | None = None) -> dict[tuple[str, str], tuple[int, float]]:
    """Pairs seen at least ``min_count`` times with NPMI >= ``threshold``: ``{pair: (count, npmi)}``
    (``total``: the number of joinable words, when ``unigrams`` holds only those of the pairs)."""
    total = sum(unigrams.values()) if total is None else total
    if total == 0:
        return {}
    out = {}
    for (a, b), n in bigrams.items():
        if n < min_count:
            continue
        p_ab = n / total
        if p_ab >= 1.0:
            continue
        npmi = math.log(p_ab / (unigrams[a] / total * unigrams[b] / total)) / -math.log(p_ab)
        if npmi >= threshold:
            out[(a, b)] = (n, npmi)
    return out


def apply_phrases(seq: Sequence2, phrases: Sequence[Phrase]) -> Sequence2:
    """Join the given phrases in one left-to-right pass, longest match first.

    For many sequences build a :class:`PhraseJoiner` once and call it on each.

    Example:
        >>> ps = [Phrase(("科技", "成果"), 9, 0.8), Phrase(("科技", "成果", "转化"), 7, 0.7)]
        >>> apply_phrases((["科技", "成果", "转化", "科技", "成果"], ["n", "n", "vn", "n", "n"], [True] * 5), ps)[0]
        ['科技成果转化', '科技成果']
    """
    return PhraseJoiner(phrases)(seq)


class PhraseJoiner:
    """Joins a fixed set of phrases in sequences; the phrase index is built once."""

    def __init__(self, phrases: Sequence[Phrase]) -> None:
        # keyed by the first two words: a common first word alone would start many tries
        index: dict[tuple[str, str], list[tuple[str, ...]]] = {}
        for p in phrases:
            if len(p.parts) >= 2:
                index.setdefault((p.parts[0], p.parts[1]), []).append(p.parts)
        for candidates in index.values():
            candidates.sort(key=lambda parts: (-len(parts), parts))
        self._index = index

    def __call__(self, seq: Sequence2) -> Sequence2:
        index = self._index
        words, tags, flags = seq
        # only positions whose word starts a phrase are looked at; the stretches between
        # matches are copied as slices
        starts = list(compress(range(len(words)), map(index.__contains__, pairwise(words))))
        out_w: list[str] = []
        out_t: list[str] = []
        out_f: list[bool] = []
        done = 0
        for i in starts:
            if i < done or not flags[i]:
                continue
            for parts in index[words[i], words[i + 1]]:
                size = len(parts)
                if tuple(words[i : i + size]) == parts and all(flags[i : i + size]):
                    out_w += words[done:i]
                    out_t += tags[done:i]
                    out_f += flags[done:i]
                    out_w.append("".join(parts))
                    out_t.append(PHRASE_TAG)
                    out_f.append(True)
                    done = i + size
                    break
        if not done:
            return seq
        out_w += words[done:]
        out_t += tags[done:]
        out_f += flags[done:]
        return out_w, out_t, out_f


def phrases_to_tsv(phrases: Sequence[Phrase]) -> str:
    """The phrase table as TSV: ``phrase, parts (space-separated), count, npmi``.

    Example:
        >>> phrases_to_tsv([Phrase(("科技", "成果", "转化"), 12, 0.81)]).splitlines()[1].split("\\t")
        ['科技成果转化', '科技 成果 转化', '12', '0.810000']
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
    writer.writerow(["phrase", "parts", "count", "npmi"])
    for p in phrases:
        writer.writerow([p.text, " ".join(p.parts), p.count, f"{p.npmi:.6f}"])
    return buf.getvalue()


def read_phrases(path: Path | str) -> list[Phrase]:
    """Read a phrase table written by :func:`phrases_to_tsv` (possibly edited by hand).

    Only the ``parts`` column is required; ``count`` and ``npmi`` may be left empty.
    """
    path = Path(path)
    text, _ = read_text(path)
    rows = list(csv.DictReader(text.split("\n"), delimiter="\t"))
    if not rows or "parts" not in rows[0]:
        raise InputError(f"{path}: a phrase table needs a header with a 'parts' column")
    out = []
    for lineno, row in enumerate(rows, 2):
        parts = tuple((row.get("parts") or "").split())
        if len(parts) < 2:
            raise InputError(
                f"{path}:{lineno}: a phrase needs at least two space-separated parts, got {row.get('parts')!r}"
            )
        try:
            count = int(row.get("count") or 0)
            npmi = float(row.get("npmi") or "nan")
        except ValueError:
            raise InputError(f"{path}:{lineno}: count must be a whole number and npmi a number") from None
        out.append(Phrase(parts, count, npmi))
    return out
