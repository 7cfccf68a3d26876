"""Run preprocessing over a corpus: normalise, segment and tag (in parallel), join phrases,
filter, and cut into units, with every removed token counted by reason.

Stages and where they run:

1. per paragraph, in worker processes: normalise, segment and tag;
2. over the whole corpus: learn phrases (or read them), join them;
3. per token: drop punctuation, non-Han tokens, stopwords, boilerplate, user stopwords,
   tokens shorter than ``min_len`` and tags outside the part-of-speech whitelist, in that
   order, each drop counted under its reason;
4. units: documents, paragraphs, or chunks of ``chunk_size`` tokens, each keeping its
   parent ``doc_id``; units left with no tokens are dropped and listed.

Work is split into fixed batches of documents, so results are identical whatever the
number of workers.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import not_
from pathlib import Path
from typing import Any

from tqdm import tqdm

from topiclab.cache import Cache, texts_digest
from topiclab.corpus.model import Corpus, split_paragraphs
from topiclab.errors import ConfigError, InputError
from topiclab.preprocess.config import PreprocessConfig
from topiclab.preprocess.lexicon import (
    boilerplate_stopwords,
    policy_dictionary,
    read_user_dict,
    read_wordlist,
    standard_stopwords,
)
from topiclab.preprocess.normalize import normalize_text
from topiclab.preprocess.phrases import Phrase, PhraseJoiner, learn_phrases, read_phrases
from topiclab.preprocess.segment import Segmenter

REASONS = ("punctuation", "non_han", "stopword", "boilerplate", "user_stopword", "too_short", "pos")
_BATCH_CHARS = 100_000  # characters a batch: large enough to amortise, small enough to spread
_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")
_WORDLIKE = re.compile(r"\w")

Tagged = list[tuple[list[str], list[str]]]  # one (words, tags) pair a paragraph


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


def _init_pool_worker(segmenter: Segmenter, norm: dict[str, Any]) -> None:
    _init_worker(segmenter, norm, single_thread=True)


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


def _tag_batch_packed(texts: Sequence[str]) -> list[list[tuple[str, str]]]:
    """:func:`_tag_batch` with each paragraph's words and tags joined by NUL: two strings to send
    back to the parent instead of two per token, so unpickling in the parent stays cheap."""
    return [[("\0".join(w), "\0".join(t)) for w, t in doc] for doc in _tag_batch(texts)]


def _unpack(doc: list[tuple[str, str]]) -> list[tuple[list[str], list[str]]]:
    return [(w.split("\0"), t.split("\0")) if w else ([], []) for w, t in doc]


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
    if workers < 1:
        raise ConfigError(f"workers must be at least 1, got {workers}")
    seg = build_segmenter(config)
    norm = {"urls": config.urls, "emails": config.emails, "numbers": config.numbers, "t2s": config.t2s}
    batches = _batches(texts)
    bar = tqdm(total=len(texts), unit="doc", desc="segmenting", disable=not progress, file=sys.stderr)
    results: list[Tagged] = []
    with bar:
        if workers == 1 or len(batches) == 1:
            from threadpoolctl import threadpool_limits

            # one worker is one core, as each pool worker is (and the user's limits come back after)
            with threadpool_limits(1):
                _init_worker(seg, norm)
                for batch in batches:
                    results.extend(_tag_batch(batch))
                    bar.update(len(batch))
        else:
            ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
            with ctx.Pool(workers, initializer=_init_pool_worker, initargs=(seg, norm)) as pool:
                for batch, packed in zip(batches, pool.imap(_tag_batch_packed, batches)):
                    results.extend(map(_unpack, packed))
                    bar.update(len(batch))
    return results


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
    if len(corpus) == 0:
        raise InputError("the corpus has no documents")
    cache = Cache(cache_dir)
    corpus_key = texts_digest(corpus.doc_ids, corpus.texts)
    final_key = _units_key(config, corpus_key)
    cached = cache.get("units", final_key)
    if isinstance(cached, Units):
        return cached
    tag_key = f"{config.tagging_key()}-{corpus_key}"
    tagged = cache.get("tagged", tag_key)
    if tagged is None:
        tagged = tag_corpus(corpus.texts, config, workers=workers, progress=progress)
        cache.put("tagged", tag_key, tagged)
    units = _finish(corpus.doc_ids, tagged, config)
    cache.put("units", final_key, units)
    return units


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
    user_stop = frozenset().union(*(read_wordlist(p) for p in config.user_stopwords))
    decide = _Decider(config, user_stop)
    seqs = [(words, tags, decide.may_join(words, tags)) for doc in tagged for words, tags in doc]
    phrases: list[Phrase] = []
    if config.phrase_file:
        # phrases a researcher chose apply wherever their parts stand together
        phrases = read_phrases(config.phrase_file)
        join = PhraseJoiner(phrases)
        seqs = [join((w, t, [True] * len(w))) for w, t, _ in seqs]
    elif config.phrases:
        phrases = learn_phrases(seqs, min_count=config.phrase_min_count, threshold=config.phrase_threshold)
        join = PhraseJoiner(phrases)
        seqs = [join(s) for s in seqs]
    removed: Counter[str] = Counter()
    kept_paras: list[list[str]] = []
    for words, tags, _ in seqs:
        reasons = list(map(decide.__getitem__, zip(words, tags)))
        removed.update(reasons)
        kept_paras.append(list(compress(words, map(not_, reasons))))
    removed.pop("", None)
    return _make_units(doc_ids, tagged, kept_paras, config, removed, phrases)


def _make_units(
    doc_ids: Sequence[str],
    tagged: list[Tagged],
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
    for doc_id, doc in zip(doc_ids, tagged):
        paras = kept_paras[pos : pos + len(doc)]
        pos += len(doc)
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
