"""Run preprocessing over a corpus: normalise, segment and tag (in parallel), join phrases,
filter, and cut into units, with every removed token counted by reason.

Stages and where they run:

0. over the whole corpus: remove boilerplate lines (page chrome, mastheads, datelines, lines
   repeated across documents: :mod:`topiclab.preprocess.page_boilerplate`);
1. per paragraph: normalise, segment and tag;
2. over the whole corpus: learn phrases (or read them), join them;
3. per token: drop punctuation, non-Han tokens, stopwords, boilerplate, user stopwords,
   tokens shorter than ``min_len`` and tags outside the part-of-speech whitelist, in that
   order, each drop counted under its reason;
4. units: documents, paragraphs, or chunks of ``chunk_size`` tokens, each keeping its
   parent ``doc_id``; paragraphs and chunks shorter than ``min_unit_tokens`` join their
   neighbour; units left with no tokens are dropped and listed.

Work is split into fixed batches of documents. With several workers every stage runs in
worker processes that each keep their batches from stage to stage (phrase counts are added up
across them: :mod:`topiclab.preprocess.team`); results are identical whatever the number of
workers.
"""

from __future__ import annotations

import gc
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from threadpoolctl import threadpool_limits
from tqdm import tqdm

from topiclab.cache import Cache, texts_digest
from topiclab.checks import check_int
from topiclab.cluster import map_in_order, scheduler_address
from topiclab.corpus.model import Corpus
from topiclab.errors import InputError
from topiclab.preprocess.config import PreprocessConfig
from topiclab.preprocess.filters import Decider, Tagged, corpus_phrases, filter_sequences, user_stopwords
from topiclab.preprocess.page_boilerplate import PageCleaning, PageRules, read_patterns, strip_page_boilerplate
from topiclab.preprocess.phrases import SequenceStore
from topiclab.preprocess.tagging import (
    PACK_SEP,
    Tagger,
    batches,
    build_segmenter,
    norm_options,
    pack_tagged,
    tag_packed,
    unpack_tagged,
)
from topiclab.preprocess.team import Team, TeamStore
from topiclab.preprocess.units import Units, make_units

# from this many characters (about 15 MB of Chinese text) workers keep their batches on disk
# between steps instead of in memory: at 30,000 documents (39 MB) 1.1 GB instead of 1.8, for a
# fifth more time (bench/scale.py)
SPILL_CHARS = 5_000_000


def tag_corpus(
    texts: Sequence[str], config: PreprocessConfig, *, workers: int = 1, progress: bool = False
) -> list[Tagged]:
    """Normalise, segment and tag every paragraph of every text, in ``workers`` processes, or on
    the Dask cluster :func:`topiclab.cluster.scheduler_address` names (the same result).

    Example:
        >>> tag_corpus(["长三角。\\n\\n集成电路产业"], PreprocessConfig())[0][1]
        (['集成电路', '产业'], ['nz', 'n'])
    """
    check_int(workers, "workers", minimum=1, maximum=256)
    parts = batches(texts)
    bar = tqdm(total=len(texts), unit="doc", desc="segmenting", disable=not progress, file=sys.stderr)
    with bar:
        address = scheduler_address()
        if address is not None and len(parts) > 1:
            packed = map_in_order(tag_packed, parts, address, shared=config, done=lambda i: bar.update(len(parts[i])))
            return [unpack_tagged(doc) for docs in packed for doc in docs]
        if workers > 1 and len(parts) > 1:
            with Team(min(workers, len(parts)), config) as team:
                replies = team.tag(parts, True, lambda i: bar.update(len(parts[i])))
            return [unpack_tagged(doc) for _, docs in replies for doc in docs]
        results: list[Tagged] = []
        # one worker is one core, as each worker process is (and the user's limits come back after)
        with threadpool_limits(1):
            tagger = Tagger(build_segmenter(config), norm_options(config))
            for batch in parts:
                results.extend(tagger.tag_batch(batch))
                bar.update(len(batch))
    return results


def preprocess(
    corpus: Corpus,
    config: PreprocessConfig | None = None,
    *,
    workers: int = 1,
    cache_dir: Path | None = None,
    progress: bool = False,
    known_boilerplate: Sequence[str] | None = None,
) -> Units:
    """Turn a corpus into token lists by unit (see the module docstring).

    ``cache_dir`` keeps segmentation and final results on disk, keyed by the texts and every
    setting and file that changes tokens: an unchanged rerun reads the result back.
    ``known_boilerplate``: the repeated lines a fit found (its ``boilerplate.csv``), removed from
    these texts instead of counting what they repeat (new texts put into a fitted run's topics are
    cleaned as the run's were, one by one, whatever else is in the batch); not cached.

    Example:
        >>> from topiclab.corpus import load_seed
        >>> units = preprocess(load_seed(), PreprocessConfig(unit="paragraph"))
        >>> units.unit_ids[:2]  # the title and headings p0-p2 joined into one unit of 10 tokens or more
        ('000_d5b3804f19d0bc92-01#p0', '000_d5b3804f19d0bc92-01#p3')
        >>> units.tokens[1][:4]
        ('长三角', '集成电路产业', '创新链', '现状')
    """
    config = config or PreprocessConfig()
    check_int(workers, "workers", minimum=1, maximum=256)
    if len(corpus) == 0:
        raise InputError("the corpus has no documents")
    # keyed by the settings as given; the units carry the concrete unit ("auto" resolved)
    cache = Cache(cache_dir if known_boilerplate is None else None)
    corpus_key = texts_digest(corpus.doc_ids, corpus.texts)
    final_key = units_key(config, corpus_key)
    cached = cache.get("units", final_key)
    if isinstance(cached, Units):
        return cached
    tag_key = f"{config.tagging_key()}-{corpus_key}"
    packed = cache.get("tagged", tag_key)
    pages = clean_pages(corpus.texts, config, known_boilerplate)
    with paused_gc():
        units, packed = _tag_and_finish(corpus.doc_ids, pages.texts, config.for_corpus(pages.texts), packed,
                                        workers=workers, progress=progress, keep_tagged=cache.folder is not None)
    units = replace(units, page_removed=pages.counts, page_lines=pages.lines)
    if packed is not None:
        cache.put("tagged", tag_key, packed)
    cache.put("units", final_key, units)
    return units


def clean_pages(texts: Sequence[str], config: PreprocessConfig, known: Sequence[str] | None = None) -> PageCleaning:
    """The texts with boilerplate lines removed as ``config`` says (with ``page_boilerplate`` off,
    only the lines the user's ``boilerplate_patterns`` name); ``known``: repeated lines found
    before (see :func:`preprocess`).

    Example:
        >>> clean_pages(["【打印本页】\\n长三角一体化。", "长三角一体化。"], PreprocessConfig()).counts
        {'chrome': 1}
    """
    if not config.page_boilerplate and not config.boilerplate_patterns:
        return PageCleaning(tuple(texts), {}, ())
    rules = PageRules(config.boilerplate_min_docs, config.boilerplate_min_share, config.boilerplate_near_share,
                      tuple(p for path in config.boilerplate_patterns for p in read_patterns(path)),
                      tuple(p for path in config.boilerplate_keep for p in read_patterns(path)),
                      None if known is None else tuple(known), builtin=config.page_boilerplate)
    return strip_page_boilerplate(texts, rules)


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
    doc_ids: Sequence[str], texts: Sequence[str], config: PreprocessConfig,
    packed: list[list[tuple[str, str]]] | None, *, workers: int, progress: bool, keep_tagged: bool,
) -> tuple[Units, list[list[tuple[str, str]]] | None]:
    """Units from the cached tagged corpus ``packed``, or by tagging ``texts``; also the tagged
    corpus (packed) to cache when it was tagged here and ``keep_tagged``."""
    if packed is not None:
        return _finish(doc_ids, [unpack_tagged(doc) for doc in packed], config), None
    if workers > 1 and len(batches(texts)) > 1 and scheduler_address() is None:
        return _preprocess_in_team(doc_ids, texts, config, workers, progress, keep_tagged=keep_tagged)
    tagged = tag_corpus(texts, config, workers=1, progress=progress)  # on the cluster when there is one
    packed = [pack_tagged(doc) for doc in tagged] if keep_tagged else None
    return _finish(doc_ids, tagged, config), packed


def _preprocess_in_team(
    doc_ids: Sequence[str], texts: Sequence[str], config: PreprocessConfig, workers: int, progress: bool, *,
    keep_tagged: bool,
) -> tuple[Units, list[list[tuple[str, str]]] | None]:
    """:func:`preprocess` with every step in worker processes (:mod:`topiclab.preprocess.team`):
    the same units as one process; also the packed tagged corpus when ``keep_tagged``."""
    parts = batches(texts)
    bar = tqdm(total=len(texts), unit="doc", desc="segmenting", disable=not progress, file=sys.stderr)
    spill = sum(len(t) for t in texts) > SPILL_CHARS
    with bar, Team(min(workers, len(parts)), config, spill=spill) as team:
        tagged = team.tag(parts, keep_tagged, lambda i: bar.update(len(parts[i])))
        phrases = corpus_phrases(config, TeamStore(team))
        finished = team.ask("finish", phrases)
    removed: Counter[str] = Counter()
    for _, part in finished:
        removed.update(part)
    kept = (k.split(PACK_SEP) if k else [] for part, _ in finished for k in part)  # split as units are cut
    paras_per_doc = [n for counts, _ in tagged for n in counts]
    packed = [doc for _, docs in tagged for doc in docs] if keep_tagged else None
    return make_units(doc_ids, paras_per_doc, kept, config, removed, phrases), packed


def units_key(config: PreprocessConfig, corpus_key: str) -> str:
    """The cache key of a corpus's final units under ``config`` (``corpus_key``: its texts' digest)."""
    return f"{config.full_key()}-{corpus_key}"


def _finish(doc_ids: Sequence[str], tagged: list[Tagged], config: PreprocessConfig) -> Units:
    decide = Decider(config, user_stopwords(config))
    seqs = decide.sequences(tagged)
    phrases = corpus_phrases(config, SequenceStore(seqs))
    kept_paras, removed = filter_sequences(seqs, phrases, decide)
    return make_units(doc_ids, [len(doc) for doc in tagged], kept_paras, config, removed, phrases)


