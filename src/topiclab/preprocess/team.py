"""Preprocessing in worker processes that keep their share of the corpus from step to step.

With one process, tagging takes about two thirds of the time and the corpus-wide steps
(learning phrases, joining them, filtering) the rest; split only the tagging across workers and
the rest stays serial, so two workers gained a fifth. Here every step runs where the tokens
are: batch ``i`` of the corpus goes to worker ``i % workers`` and stays there. For phrase
learning each worker counts words and pairs in its batches, and the parent adds the workers'
counts up: the totals are those one process finds, and so are the phrases (their order does not
depend on the order of the counts); the workers then join and filter their batches and send back
only the kept words.

Each step is one message to every worker; a worker answers with one reply a batch (in batch
order) and then ``done``. An error in a worker is sent back and raised in the parent.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import chain
from multiprocessing.connection import Connection, wait
from typing import Any

from threadpoolctl import threadpool_limits

from topiclab.preprocess.config import PreprocessConfig
from topiclab.preprocess.filters import Decider, filter_sequences, user_stopwords
from topiclab.preprocess.phrases import Phrase, PhraseJoiner, Sequence2, count_pairs
from topiclab.preprocess.segment import Segmenter
from topiclab.preprocess.tagging import PACK_SEP, Tagger, build_segmenter, norm_options, pack_tagged

_SUMMED = ("count_pairs", "count_words")  # steps whose replies are counts, added up in the worker


def _sum(parts: list[Any]) -> Any:
    """Counters (or tuples of counters) added up, in order."""
    if isinstance(parts[0], tuple):
        return tuple(_sum([p[i] for p in parts]) for i in range(len(parts[0])))
    total: Counter[Any] = Counter()
    for part in parts:
        total.update(part)
    return total


class _Batches:
    """A worker's batches of sequences by kind (``base``, ``joined``): in memory, or for a large
    corpus pickled to ``folder``, one file a batch and kind, so that a worker holds one batch at a
    time instead of its whole share of the corpus (each step reads its batches back in turn)."""

    def __init__(self, folder: str | None) -> None:
        self.folder = folder
        self.memory: dict[tuple[str, int], list[Sequence2]] = {}

    def _path(self, kind: str, idx: int) -> str:
        assert self.folder is not None
        return os.path.join(self.folder, f"{kind}-{idx}.pickle")

    def put(self, kind: str, idx: int, value: list[Sequence2]) -> None:
        if self.folder is None:
            self.memory[kind, idx] = value
            return
        # each sequence as two joined strings and a byte string: a few objects a paragraph, not one a word
        packed = [(PACK_SEP.join(w), PACK_SEP.join(t), bytes(bytearray(j))) for w, t, j in value]
        with open(self._path(kind, idx), "wb") as f:
            pickle.dump(packed, f, protocol=pickle.HIGHEST_PROTOCOL)

    def get(self, kind: str, idx: int) -> list[Sequence2]:
        if self.folder is None:
            return self.memory[kind, idx]
        with open(self._path(kind, idx), "rb") as f:
            packed = pickle.load(f)  # written by this worker a moment ago
        return [(w.split(PACK_SEP), t.split(PACK_SEP), [b == 1 for b in j]) if w else ([], [], [])
                for w, t, j in packed]

    def has(self, kind: str, idx: int) -> bool:
        return (kind, idx) in self.memory if self.folder is None else os.path.exists(self._path(kind, idx))

    def drop(self, kind: str, idx: int) -> None:
        if self.folder is None:
            self.memory.pop((kind, idx), None)
        elif self.has(kind, idx):
            os.remove(self._path(kind, idx))


class _Held:
    """What one worker keeps: its batches' sequences, as tagged and as joined so far."""

    def __init__(self, segmenter: Segmenter, norm: dict[str, Any], config: PreprocessConfig,
                 stop: frozenset[str], spill: str | None = None) -> None:
        self.limits = threadpool_limits(1)  # one BLAS thread a process: the worker processes fill the cores
        self.tagger = Tagger(segmenter, norm)
        self.decide = Decider(config, stop)
        self.store = _Batches(spill)

    def _joined(self, idx: int) -> list[Sequence2]:
        # until phrases are joined, the joined sequences are the tagged ones: stored once
        return self.store.get("joined" if self.store.has("joined", idx) else "base", idx)

    def tag(self, idx: int, texts: Sequence[str], keep_tagged: bool) -> Any:
        docs = self.tagger.tag_batch(texts)
        self.store.put("base", idx, self.decide.sequences(docs))
        return [len(doc) for doc in docs], [pack_tagged(doc) for doc in docs] if keep_tagged else None

    def count_pairs(self, idx: int, _: Any) -> Any:
        return count_pairs(self._joined(idx))

    def join(self, idx: int, phrases: list[Phrase]) -> None:
        joiner = PhraseJoiner(phrases)
        self.store.put("joined", idx, [joiner(s) for s in self._joined(idx)])

    def count_words(self, idx: int, _: Any) -> Counter[str]:
        return Counter(chain.from_iterable(words for words, _, _ in self._joined(idx)))

    def finish(self, idx: int, phrases: list[Phrase]) -> tuple[list[str], Counter[str]]:
        kept, removed = filter_sequences(self.store.get("base", idx), phrases, self.decide)
        self.store.drop("base", idx)
        self.store.drop("joined", idx)
        return [PACK_SEP.join(k) for k in kept], removed


def _serve(conn: Connection, *args: Any) -> None:
    # the worker holds millions of token lists and makes no reference cycles: the cyclic
    # collector would rescan them all every few thousand allocations (a quarter of the time)
    gc.disable()
    held = _Held(*args)
    while True:
        message = conn.recv()
        if message is None:
            break
        op, work, shared = message
        try:
            if op in _SUMMED and work:
                # counts are summed here first: one reply a worker, so the parent adds a few
                # counters instead of one a batch
                parts = [getattr(held, op)(idx, shared) for idx, _ in work]
                conn.send(("ok", work[0][0], _sum(parts)))
                parts.clear()
            for idx, arg in work if op not in _SUMMED else ():
                if op == "tag":
                    conn.send(("ok", idx, held.tag(idx, arg, shared)))
                else:
                    conn.send(("ok", idx, getattr(held, op)(idx, shared)))
        except BaseException as exc:  # sent to the parent, which raises it
            conn.send(("error", -1, exc))
        conn.send(("done", -1, None))


class Team:
    """``workers`` processes, each holding the batches ``i`` with ``i % workers`` equal to its number.

    Use as a context manager; :meth:`ask` runs one step on every batch and returns the replies
    in batch order.

    Example:
        >>> with Team(2, PreprocessConfig()) as team:
        ...     paragraphs = team.tag([["长三角一体化"], ["集成电路", "芯片"]], False, lambda i: None)
        ...     words = TeamStore(team).count_words()
        >>> paragraphs, words["集成电路"]
        ([([1], None), ([1, 1], None)], 1)
    """

    def __init__(self, workers: int, config: PreprocessConfig, *, spill: bool = False) -> None:
        ctx: Any = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        self.workers = workers
        self.batches: list[int] = []
        self._conns: list[Connection] = []
        self._procs = []
        # a large corpus: the workers keep their batches on disk, in a folder removed on exit
        self.spill = tempfile.mkdtemp(prefix="topiclab-batches-") if spill else None
        # dictionaries and stopword files are read once, here: a bad file fails before any worker starts
        settings = (build_segmenter(config), norm_options(config), config, user_stopwords(config), self.spill)
        for _ in range(workers):
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(target=_serve, daemon=True, args=(theirs, *settings))
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

    def tag(self, batches: Sequence[Sequence[str]], keep_tagged: bool, on_batch: Callable[[int], None]) -> list[Any]:
        """Tag every batch (batch ``i`` stays with worker ``i % workers``)."""
        self.batches = list(range(len(batches)))
        per_worker = [[(i, batches[i]) for i in self.batches[w :: self.workers]] for w in range(self.workers)]
        return self._run("tag", per_worker, keep_tagged, on_batch)

    def ask(self, op: str, shared: Any = None) -> list[Any]:
        """Run ``op`` (a method of the workers' state) on every batch; replies in batch order
        (for the counting steps, one summed reply a worker, in worker order)."""
        per_worker = [[(i, None) for i in self.batches[w :: self.workers]] for w in range(self.workers)]
        return self._run(op, per_worker, shared, None)

    def _run(self, op: str, per_worker: list[list[tuple[int, Any]]], shared: Any,
             on_batch: Callable[[int], None] | None) -> list[Any]:
        for conn, work in zip(self._conns, per_worker):
            conn.send((op, work, shared))
        replies: dict[int, Any] = {}
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
                    replies[idx] = value
                    if on_batch is not None:
                        on_batch(idx)
                elif kind == "error":
                    error = value
                else:
                    pending.remove(conn)
        if error is not None:
            raise error
        return [replies[i] for i in sorted(replies)]


class TeamStore:
    """The sequences the team holds, as phrase learning sees them (see ``SequenceStore``)."""

    def __init__(self, team: Team) -> None:
        self.team = team

    def count_pairs(self) -> tuple[Counter[str], Counter[tuple[str, str]]]:
        unigrams: Counter[str] = Counter()
        bigrams: Counter[tuple[str, str]] = Counter()
        for uni, bi in self.team.ask("count_pairs"):  # one reply a worker
            unigrams.update(uni)
            bigrams.update(bi)
        return unigrams, bigrams

    def join(self, phrases: Sequence[Phrase]) -> None:
        self.team.ask("join", list(phrases))

    def count_words(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for part in self.team.ask("count_words"):
            total.update(part)
        return total
