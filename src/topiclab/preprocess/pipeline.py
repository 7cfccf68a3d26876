"""Run preprocessing over a corpus: normalise, segment and tag (in parallel), join phrases,
filter, and cut into units, with every removed token counted by reason.

Stages and where they run:

1. per paragraph: normalise, segment and tag;
2. over the whole corpus: learn phrases (or read them), join them;
3. per token: drop punctuation, non-Han tokens, stopwords, boilerplate, user stopwords,
   tokens shorter than ``min_len`` and tags outside the part-of-speech whitelist, in that
   order, each drop counted under its reason;
4. units: documents, paragraphs, or chunks of ``chunk_size`` tokens, each keeping its
   parent ``doc_id``; units left with no tokens are dropped and listed.

Work is split into fixed batches of documents. With several workers every stage runs in
worker processes that each keep their batches from stage to stage (phrase counts are added up
across them: :mod:`topiclab.preprocess.team`); results are identical whatever the number of
workers.
"""

from __future__ import annotations

import gc
import hashlib
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import compress
from operator import not_
from pathlib import Path
from typing import Any

from tqdm import tqdm

from topiclab.cache import Cache, texts_digest
from topiclab.checks import check_int
from topiclab.corpus.model import Corpus, split_paragraphs
from topiclab.errors import InputError
from topiclab.preprocess.config import PreprocessConfig
from topiclab.preprocess.lexicon import (
    boilerplate_stopwords,
    policy_dictionary,
    read_user_dict,
    read_wordlist,
    standard_stopwords,
)
from topiclab.preprocess.normalize import normalize_text
from topiclab.preprocess.phrases import Phrase, PhraseJoiner, Sequence2, SequenceStore, learn_phrases_from, read_phrases
from topiclab.preprocess.segment import Segmenter

REASONS = ("punctuation", "non_han", "stopword", "boilerplate", "user_stopword", "too_short", "pos")
_BATCH_CHARS = 100_000  # characters a batch: large enough to amortise, small enough to spread
_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")
_WORDLIKE = re.compile(r"\w")

Tagged = list[tuple[list[str], list[str]]]  # one (words, tags) pair a paragraph
PACK_SEP = "\0"  # joins a paragraph's words for sending between processes; never inside a token


@dataclass(frozen=True)
class Units:
    """Preprocessed text: token lists by unit, each unit tied to its document.

    ``removed`` counts dropped tokens by reason; ``empty_units`` lists units whose tokens were
    all filtered out (they are not in ``unit_ids``).
    """

    unit_ids: tuple[str, ...]
    doc_ids: tuple[str, ...]
    tokens: tuple[tuple[str, ...], ...]
    removed: dict[str, int]
    empty_units: tuple[str, ...]
    phrases: tuple[Phrase, ...]
    config: PreprocessConfig
    n_documents: int = 0

    def __len__(self) -> int:
        return len(self.unit_ids)

    @property
    def n_tokens(self) -> int:
        """Tokens kept, over all units."""
        return sum(len(t) for t in self.tokens)

    def report(self) -> str:
        """A short human-readable account of what was kept and removed.

        Example:
            >>> print(preprocess(Corpus(["a"], ["长三角一体化发展。"]), PreprocessConfig()).report().splitlines()[0])
            units: 1 (document) from 1 documents
        """
        lines = [
            f"units: {len(self)} ({self.config.unit}) from {self.n_documents} documents",
            f"tokens kept: {self.n_tokens:,}",
            "removed: " + ", ".join(f"{r} {self.removed.get(r, 0):,}" for r in REASONS),
        ]
        if self.empty_units:
            shown = ", ".join(self.empty_units[:5]) + (" ..." if len(self.empty_units) > 5 else "")
            lines.append(f"empty units dropped (all tokens filtered out): {len(self.empty_units)} ({shown})")
        if self.phrases:
            top = ", ".join(p.text for p in self.phrases[:12])
            lines.append(f"phrases: {len(self.phrases)} ({top}{' ...' if len(self.phrases) > 12 else ''})")
        return "\n".join(lines)


def build_segmenter(config: PreprocessConfig) -> Segmenter:
    """The segmenter the config describes: engine, policy dictionary, user dictionaries."""
    entries = list(policy_dictionary()) if config.policy_dict else []
    for path in config.user_dicts:
        entries.extend(read_user_dict(path))
    return Segmenter(config.engine, entries)


_WORKER: dict[str, Any] = {}


def _init_worker(segmenter: Segmenter, norm: dict[str, Any], *, single_thread: bool = False) -> None:
    if single_thread:
        # one BLAS thread a process: worker processes already fill the cores
        from threadpoolctl import threadpool_limits

        _WORKER["limits"] = threadpool_limits(1)
    _WORKER["seg"] = segmenter
    _WORKER["norm"] = norm


def _tag_batch(texts: Sequence[str]) -> list[Tagged]:
    seg: Segmenter = _WORKER["seg"]
    norm = _WORKER["norm"]
    paragraphs = [split_paragraphs(t) for t in texts]
    tagged = iter(seg.tag_many([normalize_text(p, **norm) for paras in paragraphs for p in paras]))
    out = []
    for paras in paragraphs:
        doc: Tagged = []
        for _ in paras:
            words, tags = next(tagged)
            keep = [i for i, w in enumerate(words) if not w.isspace()]
            doc.append(([words[i] for i in keep], [tags[i] for i in keep]))
        out.append(doc)
    return out


def pack_tagged(doc: Tagged) -> list[tuple[str, str]]:
    """A tagged document with each paragraph's words and tags joined by NUL (cheap to pickle).

    Example:
        >>> unpack_tagged(pack_tagged([(["长三角"], ["ns"]), ([], [])]))
        [(['长三角'], ['ns']), ([], [])]
    """
    return [(PACK_SEP.join(w), PACK_SEP.join(t)) for w, t in doc]


def unpack_tagged(doc: list[tuple[str, str]]) -> Tagged:
    """The inverse of :func:`pack_tagged`."""
    return [(w.split(PACK_SEP), t.split(PACK_SEP)) if w else ([], []) for w, t in doc]


def _batches(texts: Sequence[str]) -> list[Sequence[str]]:
    """Consecutive texts in batches of about ``_BATCH_CHARS``: the same whatever the worker count."""
    out, begin, size = [], 0, 0
    for i, t in enumerate(texts):
        size += len(t)
        if size >= _BATCH_CHARS:
            out.append(texts[begin : i + 1])
            begin, size = i + 1, 0
    if begin < len(texts):
        out.append(texts[begin:])
    return out


def tag_corpus(
    texts: Sequence[str], config: PreprocessConfig, *, workers: int = 1, progress: bool = False
) -> list[Tagged]:
    """Normalise, segment and tag every paragraph of every text, in ``workers`` processes.

    Example:
        >>> tag_corpus(["长三角。\\n\\n集成电路产业"], PreprocessConfig())[0][1]
        (['集成电路', '产业'], ['nz', 'n'])
    """
    check_int(workers, "workers", minimum=1, maximum=256)
    batches = _batches(texts)
    bar = tqdm(total=len(texts), unit="doc", desc="segmenting", disable=not progress, file=sys.stderr)
    with bar:
        if workers > 1 and len(batches) > 1:
            from topiclab.preprocess.team import Team

            with Team(min(workers, len(batches)), config) as team:
                replies = team.tag(batches, True, lambda i: bar.update(len(batches[i])))
            return [unpack_tagged(doc) for _, docs in replies for doc in docs]
        from threadpoolctl import threadpool_limits

        results: list[Tagged] = []
        # one worker is one core, as each worker process is (and the user's limits come back after)
        with threadpool_limits(1):
            _init_worker(build_segmenter(config), norm_options(config))
            for batch in batches:
                results.extend(_tag_batch(batch))
                bar.update(len(batch))
    return results


def norm_options(config: PreprocessConfig) -> dict[str, Any]:
    """The config's normalisation settings, as keyword arguments of ``normalize_text``."""
    return {"urls": config.urls, "emails": config.emails, "numbers": config.numbers, "t2s": config.t2s}


class _Decider(dict):  # type: ignore[type-arg,unused-ignore]
    """(word, tag) -> reason for removal, or "" to keep; computed once per distinct pair."""

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

    def __init__(self, decide: _Decider) -> None:
        super().__init__()
        self.decide = decide

    def __missing__(self, key: tuple[str, str]) -> bool:
        value = self[key] = self.decide[key] in ("", "too_short")
        return value


def preprocess(
    corpus: Corpus,
    config: PreprocessConfig | None = None,
    *,
    workers: int = 1,
    cache_dir: Path | None = None,
    progress: bool = False,
) -> Units:
    """Turn a corpus into token lists by unit (see the module docstring).

    ``cache_dir`` keeps segmentation and final results on disk, keyed by the texts and every
    setting and file that changes tokens: an unchanged rerun reads the result back.

    Example:
        >>> from topiclab.corpus import load_seed
        >>> units = preprocess(load_seed(), PreprocessConfig(unit="paragraph"))
        >>> units.unit_ids[1], units.tokens[1]
        ('000_d5b3804f19d0bc92-01#p1', ('集成电路产业',))
    """
    config = config or PreprocessConfig()
    check_int(workers, "workers", minimum=1, maximum=256)
    if len(corpus) == 0:
        raise InputError("the corpus has no documents")
    # keyed by the settings as given; the units carry the concrete unit ("auto" resolved)
    cache = Cache(cache_dir)
    corpus_key = texts_digest(corpus.doc_ids, corpus.texts)
    final_key = _units_key(config, corpus_key)
    cached = cache.get("units", final_key)
    if isinstance(cached, Units):
        return cached
    tag_key = f"{config.tagging_key()}-{corpus_key}"
    packed = cache.get("tagged", tag_key)
    with paused_gc():
        units, packed = _tag_and_finish(corpus, config.for_corpus(len(corpus)), packed, workers=workers,
                                        progress=progress, keep_tagged=cache.folder is not None)
    if packed is not None:
        cache.put("tagged", tag_key, packed)
    cache.put("units", final_key, units)
    return units


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the block (it is restored after).

    Preprocessing builds millions of token lists and no reference cycles; the collector would
    rescan all of them every few thousand allocations, which took a quarter of the time.

    Example:
        >>> import gc
        >>> with paused_gc():
        ...     gc.isenabled()
        False
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _tag_and_finish(
    corpus: Corpus, config: PreprocessConfig, packed: list[list[tuple[str, str]]] | None, *,
    workers: int, progress: bool, keep_tagged: bool,
) -> tuple[Units, list[list[tuple[str, str]]] | None]:
    """Units from the cached tagged corpus ``packed``, or by tagging it; also the tagged corpus
    (packed) to cache when it was tagged here and ``keep_tagged``."""
    if packed is not None:
        return _finish(corpus.doc_ids, [unpack_tagged(doc) for doc in packed], config), None
    if workers > 1 and len(_batches(corpus.texts)) > 1:
        return _preprocess_in_team(corpus, config, workers, progress, keep_tagged=keep_tagged)
    tagged = tag_corpus(corpus.texts, config, workers=1, progress=progress)
    packed = [pack_tagged(doc) for doc in tagged] if keep_tagged else None
    return _finish(corpus.doc_ids, tagged, config), packed


def _preprocess_in_team(
    corpus: Corpus, config: PreprocessConfig, workers: int, progress: bool, *, keep_tagged: bool
) -> tuple[Units, list[list[tuple[str, str]]] | None]:
    """:func:`preprocess` with every step in worker processes (:mod:`topiclab.preprocess.team`):
    the same units as one process; also the packed tagged corpus when ``keep_tagged``."""
    from topiclab.preprocess.team import Team, TeamStore

    batches = _batches(corpus.texts)
    bar = tqdm(total=len(corpus), unit="doc", desc="segmenting", disable=not progress, file=sys.stderr)
    with bar, Team(min(workers, len(batches)), config) as team:
        tagged = team.tag(batches, keep_tagged, lambda i: bar.update(len(batches[i])))
        phrases = corpus_phrases(config, TeamStore(team))
        finished = team.ask("finish", phrases)
    removed: Counter[str] = Counter()
    for _, part in finished:
        removed.update(part)
    kept = [k.split(PACK_SEP) if k else [] for part, _ in finished for k in part]
    paras_per_doc = [n for counts, _ in tagged for n in counts]
    packed = [doc for _, docs in tagged for doc in docs] if keep_tagged else None
    return _make_units(corpus.doc_ids, paras_per_doc, kept, config, removed, phrases), packed


def _units_key(config: PreprocessConfig, corpus_key: str) -> str:
    """The cache key of a corpus's final units under ``config``."""
    return f"{config.full_key()}-{corpus_key}"


def preprocess_file(
    path: Path,
    load: Callable[[], Corpus],
    config: PreprocessConfig,
    *,
    read_options: str = "",
    workers: int = 1,
    cache_dir: Path | None = None,
    progress: bool = False,
) -> Units:
    """:func:`preprocess` of the corpus ``load()`` reads from the file ``path``, with a shortcut:
    an unchanged file read with unchanged ``read_options`` is recognised by its bytes, and its
    cached result is returned without reading it as a corpus again.

    Example:
        >>> from topiclab.corpus import load_seed, seed_path
        >>> len(preprocess_file(seed_path(), load_seed, PreprocessConfig()))
        23
    """
    check_int(workers, "workers", minimum=1, maximum=256)
    cache = Cache(cache_dir)
    source_key = ""
    if cache_dir is not None and path.is_file():
        h = hashlib.sha256(path.read_bytes())
        h.update(f"\0{read_options}\0{config.full_key()}".encode())
        source_key = h.hexdigest()
        corpus_key = cache.get("source", source_key)
        cached = cache.get("units", _units_key(config, corpus_key)) if corpus_key else None
        if isinstance(cached, Units):
            return cached
    corpus = load()
    units = preprocess(corpus, config, workers=workers, cache_dir=cache_dir, progress=progress)
    if source_key:
        cache.put("source", source_key, texts_digest(corpus.doc_ids, corpus.texts))
    return units


def _finish(doc_ids: Sequence[str], tagged: list[Tagged], config: PreprocessConfig) -> Units:
    decide = _Decider(config, user_stopwords(config))
    seqs = decide.sequences(tagged)
    phrases = corpus_phrases(config, SequenceStore(seqs))
    kept_paras, removed = filter_sequences(seqs, phrases, decide)
    return _make_units(doc_ids, [len(doc) for doc in tagged], kept_paras, config, removed, phrases)


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
    seqs: list[Sequence2], phrases: list[Phrase], decide: _Decider
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


def _make_units(
    doc_ids: Sequence[str],
    paras_per_doc: Sequence[int],
    kept_paras: list[list[str]],
    config: PreprocessConfig,
    removed: Counter[str],
    phrases: list[Phrase],
) -> Units:
    unit_ids: list[str] = []
    parents: list[str] = []
    tokens: list[tuple[str, ...]] = []
    empty: list[str] = []

    def emit(uid: str, doc_id: str, toks: list[str]) -> None:
        if toks:
            unit_ids.append(uid)
            parents.append(doc_id)
            tokens.append(tuple(toks))
        else:
            empty.append(uid)

    pos = 0
    for doc_id, n_paras in zip(doc_ids, paras_per_doc):
        paras = kept_paras[pos : pos + n_paras]
        pos += n_paras
        if config.unit == "paragraph":
            for j, toks in enumerate(paras):
                emit(f"{doc_id}#p{j}", doc_id, toks)
        elif config.unit == "chunk":
            flat = [w for p in paras for w in p]
            chunks = [flat[i : i + config.chunk_size] for i in range(0, len(flat), config.chunk_size)] or [[]]
            for j, toks in enumerate(chunks):
                emit(f"{doc_id}#c{j}", doc_id, toks)
        else:
            emit(doc_id, doc_id, [w for p in paras for w in p])
    return Units(
        tuple(unit_ids), tuple(parents), tuple(tokens), dict(sorted(removed.items())), tuple(empty),
        tuple(phrases), config, n_documents=len(doc_ids),
    )
