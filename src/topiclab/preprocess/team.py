"""Preprocessing in worker processes that keep their share of the corpus from step to step.

With one process, tagging takes about two thirds of the time and the corpus-wide steps
(removing boilerplate lines, learning phrases, joining them, filtering) the rest; split only the
tagging across workers and the rest stays serial, so two workers gained a fifth. Here every step
runs where the texts are: batch ``i`` of the corpus goes to worker ``i % workers`` and stays
there. Repeated lines are counted the same way: each worker counts eight-byte digests of its
keys, only digests frequent enough in some worker travel to the parent, then their counts, and
the keys of the digests frequent in all are counted again exactly. Each worker cleans its batches
just before tagging them, so the parent never holds a cleaned copy of the corpus. For phrase
learning each worker counts words and pairs in its batches, and the parent adds the workers'
counts up: the totals are those one process finds, and so are the phrases (their order does not
depend on the order of the counts); the workers then join and filter their batches and send back
only the kept words. A worker holds its tagged batches as integer codes
(:mod:`topiclab.preprocess.coded`): four bytes a token, counted, joined and filtered in arrays.

Each step is one message to every worker; a worker answers with one reply a batch (in batch
order) and then ``done``. An error in a worker is sent back and raised in the parent.
"""

from __future__ import annotations

import contextlib
import gc
import math
import multiprocessing
import os
import pickle
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from topiclab.preprocess.coded import (
    Coded,
    Joiner,
    Lexicon,
    PairCounts,
    frequent_pairs,
    joining,
    kept_words,
    pair_counts,
    word_counts,
)
from topiclab.preprocess.config import PreprocessConfig
from topiclab.preprocess.filters import Decider, user_stopwords
from topiclab.preprocess.page_boilerplate import Page, PageCleaner, parse_pages
from topiclab.preprocess.page_repeats import Repeats, digest_counts, frequent, keys_with
from topiclab.preprocess.phrases import Phrase
from topiclab.preprocess.segment import Segmenter
from topiclab.preprocess.tagging import PACK_SEP, Tagger, build_segmenter, compress_tagged, norm_options
from topiclab.preprocess.tally import Tally

# steps over all of a worker's batches at once: counts summed in the worker, one reply a worker
_PER_WORKER = ("page_counts", "counts_of", "keys_of", "count_pairs", "pair_counts_of", "count_words")


class _Batches:
    """A worker's coded batches by kind: ``base`` as tagged (read again only by the last step)
    and ``joined`` (phrases joined so far, read and written by each pass of phrase learning).
    The kinds ``on_disk`` are kept in ``folder``, one file a batch and kind."""

    def __init__(self, folder: str | None, on_disk: Collection[str] = ()) -> None:
        self.folder = folder
        self.on_disk = frozenset(on_disk) if folder is not None else frozenset()
        self.memory: dict[tuple[str, int], Coded] = {}

    def _path(self, kind: str, idx: int) -> str:
        assert self.folder is not None
        return os.path.join(self.folder, f"{kind}-{idx}.pickle")

    def put(self, kind: str, idx: int, value: Coded) -> None:
        if kind not in self.on_disk:
            self.memory[kind, idx] = value
            return
        with open(self._path(kind, idx), "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)

    def get(self, kind: str, idx: int) -> Coded:
        if kind not in self.on_disk:
            return self.memory[kind, idx]
        with open(self._path(kind, idx), "rb") as f:
            return pickle.load(f)  # written by this worker a moment ago

    def has(self, kind: str, idx: int) -> bool:
        return (kind, idx) in self.memory if kind not in self.on_disk else os.path.exists(self._path(kind, idx))

    def drop(self, kind: str, idx: int) -> None:
        if kind not in self.on_disk:
            self.memory.pop((kind, idx), None)
        elif self.has(kind, idx):
            os.remove(self._path(kind, idx))


class _Held:
    """What one worker keeps: its batches' texts, their pages while boilerplate is counted, and
    their tokens as codes (:mod:`topiclab.preprocess.coded`), as tagged and as joined so far."""

    def __init__(self, segmenter: Segmenter, norm: dict[str, Any], config: PreprocessConfig,
                 stop: frozenset[str], folder: str | None, codes_on_disk: bool,
                 texts: dict[int, Sequence[str]] | None, cleaner: PageCleaner | None) -> None:
        self.limits = threadpool_limits(1)  # one BLAS thread a process: the worker processes fill the cores
        self.tagger = Tagger(segmenter, norm)
        self.decide = Decider(config, stop)
        self.folder = folder
        # with the texts on disk the tagged batches go there too; the joined ones only when asked
        self.store = _Batches(folder, ("base", "joined") if codes_on_disk else ("base",) if texts is None else ())
        self.texts = texts
        self.cleaner = cleaner
        self.pages: dict[int, list[Page]] = {}
        self.counted: Tally | None = None  # this worker's counts of lines or shingles, between two steps
        self.lexicon = Lexicon(self.decide)  # the codes of this worker's tokens
        self.pairs: PairCounts | None = None  # this worker's counts of pairs, between two steps
        self._made: dict[str, tuple[list[Phrase], Any]] = {}

    def _texts(self, idx: int) -> Sequence[str]:
        if self.texts is not None:
            return self.texts[idx]
        assert self.folder is not None
        with open(_texts_path(self.folder, idx), "rb") as f:
            return pickle.load(f)  # written by the parent before this worker started

    def _pages(self, idx: int) -> list[Page]:
        # parsed pages are kept from step to step, except for a large corpus: parsed again each time
        pages = self.pages.get(idx)
        if pages is None:
            pages = parse_pages(self._texts(idx))
            if self.texts is not None:
                self.pages[idx] = pages
        return pages

    def _page_keys(self, idxs: list[int], step: str, repeated: frozenset[str]) -> Iterator[set[str]]:
        assert self.cleaner is not None
        return self.cleaner.keys(step, (page for i in idxs for page in self._pages(i)), repeated)

    def page_counts(self, idxs: list[int], shared: tuple[str, frozenset[str], int]) -> np.ndarray:
        # counted by digest, kept for counts_of; only digests counted often enough here travel
        step, repeated, at_least = shared
        self.counted = digest_counts(self._page_keys(idxs, step, repeated))
        return self.counted.at_least(at_least)

    def counts_of(self, _: list[int], wanted: np.ndarray) -> np.ndarray:
        counted, self.counted = self.counted, None
        assert counted is not None, "counts_of follows page_counts"
        return counted.counts_of(wanted)

    def keys_of(self, idxs: list[int], shared: tuple[str, frozenset[str], frozenset[int]]) -> Counter[str]:
        step, repeated, wanted = shared
        return keys_with(self._page_keys(idxs, step, repeated), wanted)

    def _joined(self, idx: int) -> Coded:
        # until phrases are joined, the joined batches are the tagged ones: stored once
        return self.store.get("joined" if self.store.has("joined", idx) else "base", idx)

    def tag(self, idx: int, shared: tuple[bool, Repeats | None]) -> Any:
        keep_tagged, repeats = shared
        texts, part = self._texts(idx), None
        if self.cleaner is not None:
            assert repeats is not None, "a team that cleans pages tags with the repeats it counted (Team.repeats)"
            part = self.cleaner.strip(self._pages(idx), repeats)
            self.pages.pop(idx, None)
            texts, part = part.texts, replace(part, texts=[])
        if self.texts is not None:
            del self.texts[idx]
        else:
            assert self.folder is not None
            os.remove(_texts_path(self.folder, idx))  # tagged: its codes are stored now
        docs = self.tagger.tag_batch(texts)
        self.store.put("base", idx, self.lexicon.encode(docs))
        return ([len(doc) for doc in docs], compress_tagged(docs) if keep_tagged else None,
                part, [len(t) for t in texts])

    def count_pairs(self, idxs: list[int], at_least: int) -> tuple[list[tuple[str, str]], int]:
        counted = self.pairs = pair_counts(self.lexicon, (self._joined(i) for i in idxs))
        return [self.lexicon.pair_of(k) for k in counted.pairs.at_least(at_least).tolist()], int(counted.words.sum())

    def pair_counts_of(self, _: list[int], pairs: set[tuple[str, str]]
                       ) -> tuple[Counter[str], Counter[tuple[str, str]]]:
        counted, self.pairs = self.pairs, None
        assert counted is not None, "pair_counts_of follows count_pairs"
        return frequent_pairs(self.lexicon, counted, pairs)

    def _once(self, op: str, phrases: list[Phrase], make: Callable[[], Any]) -> Any:
        # one message's phrases serve all of its batches: their keys or joiner are made once
        made = self._made.get(op)
        if made is None or made[0] is not phrases:
            made = self._made[op] = phrases, make()
        return made[1]

    def join(self, idx: int, phrases: list[Phrase]) -> None:
        join = self._once("join", phrases, lambda: joining(self.lexicon, phrases))
        self.store.put("joined", idx, join(self._joined(idx)))

    def count_words(self, idxs: list[int], only: set[str]) -> Counter[str]:
        return word_counts(self.lexicon, (self._joined(i) for i in idxs), only)

    def finish(self, idx: int, phrases: list[Phrase]) -> tuple[list[str], Counter[str]]:
        joiner = self._once("finish", phrases,
                            lambda: Joiner(self.lexicon, phrases, bool(self.decide.config.phrase_file)))
        kept, removed = kept_words(self.lexicon, joiner(self.store.get("base", idx)))
        self.store.drop("base", idx)
        self.store.drop("joined", idx)
        return [PACK_SEP.join(k) for k in kept], removed


def _texts_path(folder: str, idx: int) -> str:
    return os.path.join(folder, f"texts-{idx}.pickle")


def _serve(conn: Connection, *args: Any) -> None:
    # tagging and cutting make millions of short-lived lists and no reference cycles: the cyclic
    # collector would rescan its memo tables and lexicon every few thousand allocations
    gc.disable()
    held = _Held(*args)
    while True:
        message = conn.recv()
        if message is None:
            break
        op, work, shared = message
        try:
            if op in _PER_WORKER and work:
                conn.send(("ok", work[0][0], getattr(held, op)([idx for idx, _ in work], shared)))
            for idx, _ in work if op not in _PER_WORKER else ():
                conn.send(("ok", idx, getattr(held, op)(idx, shared)))
        except BaseException as exc:  # sent to the parent, which raises it
            conn.send(("error", -1, exc))
        conn.send(("done", -1, None))


class Team:
    """``workers`` processes, each holding the batches ``i`` with ``i % workers`` equal to its number.

    Use as a context manager; :meth:`ask` runs one step on every batch and returns the replies
    in batch order.

    Example:
        >>> with Team(2, PreprocessConfig(), [["长三角一体化"], ["集成电路", "芯片"]]) as team:
        ...     paragraphs = team.tag(False, lambda i: None)
        ...     words = TeamStore(team).count_words(["集成电路"])
        >>> [counts for counts, *_ in paragraphs], words["集成电路"]
        ([[1], [1, 1]], 1)
    """

    def __init__(self, workers: int, config: PreprocessConfig, batches: Sequence[Sequence[str]], *,
                 spill: bool = False, codes_on_disk: bool = False, cleaner: PageCleaner | None = None) -> None:
        ctx: Any = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        self.workers = workers
        self.batches = list(range(len(batches)))
        self.n_docs = sum(len(b) for b in batches)
        self.cleaner = cleaner
        self._conns: list[Connection] = []
        self._procs = []
        # dictionaries and stopword files are read once, here: a bad file fails before any worker
        # starts (and before the folder below is made)
        segmenter, stop = build_segmenter(config), user_stopwords(config)
        # a large corpus: the workers read their texts (``spill``) and keep their coded batches
        # (``codes_on_disk``) on disk, in a folder removed on exit
        self.spill = tempfile.mkdtemp(prefix="topiclab-batches-") if spill or codes_on_disk else None
        settings = (segmenter, norm_options(config), config, stop, self.spill, codes_on_disk)
        if spill and self.spill is not None:
            for i, batch in enumerate(batches):
                with open(_texts_path(self.spill, i), "wb") as f:
                    pickle.dump(list(batch), f, protocol=pickle.HIGHEST_PROTOCOL)
        for w in range(workers):
            mine, theirs = ctx.Pipe()
            # each worker's texts go with it (forked: shared with this process until touched); for
            # a large corpus they are read from disk a batch at a time instead: a forked worker
            # that reads a text writes its reference count, which copies the page it is on, so
            # by the end each worker would hold a private copy of its share of the corpus
            texts = None if spill else {i: batches[i] for i in self.batches[w :: workers]}
            proc = ctx.Process(target=_serve, daemon=True, args=(theirs, *settings, texts, cleaner))
            proc.start()
            theirs.close()
            self._conns.append(mine)
            self._procs.append(proc)

    def __enter__(self) -> Team:
        return self

    def __exit__(self, *exc: Any) -> None:
        for conn in self._conns:
            with contextlib.suppress(OSError):  # a worker that already died
                conn.send(None)
        for proc in self._procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
        if self.spill is not None:
            shutil.rmtree(self.spill, ignore_errors=True)

    def repeats(self) -> Repeats | None:
        """The corpus's repeated lines and edge shingles, counted by the workers (see
        :meth:`~topiclab.preprocess.page_boilerplate.PageCleaner.find_repeats`); None without page cleaning."""
        return None if self.cleaner is None else self.cleaner.find_repeats(self.n_docs, self._frequent)

    def _frequent(self, step: str, repeated: frozenset[str], at_least: int) -> frozenset[str]:
        # a key counted at_least times in all is counted at_least / workers times by some worker.
        # Workers count digests (eight bytes a key); the digests frequent in all are looked up
        # as keys again and counted exactly, so a digest shared by two keys changes nothing
        candidates = np.unique(np.concatenate(
            self.ask("page_counts", (step, repeated, math.ceil(at_least / self.workers)))))
        totals = np.sum(self.ask("counts_of", candidates), axis=0)
        hot = frozenset(candidates[totals >= at_least].tolist())
        exact: Counter[str] = Counter()
        for part in self.ask("keys_of", (step, repeated, hot)) if hot else ():
            exact.update(part)
        return frequent(exact, at_least)

    def tag(self, keep_tagged: bool, on_batch: Callable[[int], None], repeats: Repeats | None = None) -> list[Any]:
        """Clean (with ``repeats``, when the team cleans pages) and tag every batch; replies in
        batch order: paragraphs a document, the tagged documents compressed (when ``keep_tagged``),
        the batch's page cleaning (its texts left out) and the cleaned texts' lengths."""
        per_worker = [[(i, None) for i in self.batches[w :: self.workers]] for w in range(self.workers)]
        return self._run("tag", per_worker, (keep_tagged, repeats), on_batch)

    def ask(self, op: str, shared: Any = None) -> list[Any]:
        """Run ``op`` (a method of the workers' state) on every batch; replies in batch order
        (for the counting steps, one summed reply a worker, in worker order)."""
        per_worker = [[(i, None) for i in self.batches[w :: self.workers]] for w in range(self.workers)]
        return self._run(op, per_worker, shared, None)

    def stream(self, op: str, shared: Any = None) -> Iterator[Any]:
        """:meth:`ask` for a step with one reply a batch, each reply given as soon as it and
        those before it have arrived: the caller uses a batch while the workers go on, and
        never holds every reply at once."""
        per_worker = [[(i, None) for i in self.batches[w :: self.workers]] for w in range(self.workers)]
        waiting: dict[int, Any] = {}
        upcoming = iter(self.batches)
        following = next(upcoming, None)
        for idx, value in self._replies(op, per_worker, shared, None):
            waiting[idx] = value
            while following is not None and following in waiting:
                yield waiting.pop(following)
                following = next(upcoming, None)

    def _run(self, op: str, per_worker: list[list[tuple[int, Any]]], shared: Any,
             on_batch: Callable[[int], None] | None) -> list[Any]:
        replies = dict(self._replies(op, per_worker, shared, on_batch))
        return [replies[i] for i in sorted(replies)]

    def _replies(self, op: str, per_worker: list[list[tuple[int, Any]]], shared: Any,
                 on_batch: Callable[[int], None] | None) -> Iterator[tuple[int, Any]]:
        for conn, work in zip(self._conns, per_worker):
            conn.send((op, work, shared))
        error: BaseException | None = None
        pending = list(self._conns)
        while pending:
            for ready in wait(pending):
                conn = self._conns[self._conns.index(ready)]  # type: ignore[arg-type]
                try:
                    kind, idx, value = conn.recv()
                except EOFError:
                    raise RuntimeError("a preprocessing worker stopped unexpectedly; "
                                       "rerun with --workers 1 to see why") from None
                if kind == "ok":
                    if on_batch is not None:
                        on_batch(idx)
                    yield idx, value
                elif kind == "error":
                    error = value
                else:
                    pending.remove(conn)
        if error is not None:
            raise error


class TeamStore:
    """The batches the team holds, as phrase learning sees them (see ``SequenceStore``)."""

    def __init__(self, team: Team) -> None:
        self.team = team

    def pair_counts(self, min_count: int) -> tuple[Counter[str], Counter[tuple[str, str]], int]:
        # a pair seen min_count times in all is seen min_count / workers times by some worker:
        # only those pairs travel, then their exact counts and their words' (not every pair held)
        replies = self.team.ask("count_pairs", math.ceil(min_count / self.team.workers))
        candidates = set().union(*(pairs for pairs, _ in replies))
        unigrams: Counter[str] = Counter()
        bigrams: Counter[tuple[str, str]] = Counter()
        for uni, bi in self.team.ask("pair_counts_of", candidates):
            unigrams.update(uni)
            bigrams.update(bi)
        return unigrams, bigrams, sum(total for _, total in replies)

    def join(self, phrases: Sequence[Phrase]) -> None:
        self.team.ask("join", list(phrases))

    def count_words(self, only: Collection[str]) -> Counter[str]:
        total: Counter[str] = Counter()
        for part in self.team.ask("count_words", set(only)):
            total.update(part)
        return total
