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
worker processes that each keep their batches from stage to stage (the counts of repeated lines
and of phrase pairs are added up across them: :mod:`topiclab.preprocess.team`); results are
identical whatever the number of workers.
"""

from __future__ import annotations

import gc
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from threadpoolctl import threadpool_limits
from tqdm import tqdm

from topiclab.cache import Cache, texts_digest
from topiclab.checks import check_int
from topiclab.cluster import map_in_order, scheduler_address
from topiclab.corpus.model import Corpus
from topiclab.errors import InputError
from topiclab.preprocess.coded import CodedStore, Lexicon
from topiclab.preprocess.config import PreprocessConfig
from topiclab.preprocess.filters import Decider, Tagged, corpus_phrases, user_stopwords
from topiclab.preprocess.page_boilerplate import (
    PageCleaner,
    PageCleaning,
    PageRules,
    merge_parts,
    read_patterns,
    strip_page_boilerplate,
)
from topiclab.preprocess.tagging import (
    PACK_SEP,
    Tagger,
    batches,
    build_segmenter,
    compress_tagged,
    expand_tagged,
    norm_options,
    tag_packed,
    unpack_tagged,
)
from topiclab.preprocess.team import Team, TeamStore
from topiclab.preprocess.units import Units, make_units

# from this many characters (about 15 MB of Chinese text) workers read their texts from disk a
# batch at a time, parse a batch's pages again for each counting step and keep their tagged
# batches on disk until the last step, instead of holding them (a forked worker that reads the
# parent's texts copies them: bench/scale.py)
SPILL_CHARS = 5_000_000
# from this many characters (about 450 MB of Chinese text, 350,000 news articles) the batches
# that phrase learning reads and writes in each pass go to disk too
CODES_ON_DISK_CHARS = 150_000_000
# up to this many characters (about 150 MB of Chinese text, 115,000 news articles) the tagged
# corpus is cached, so that a rerun with other filters does not segment again: compressed it
# takes about two bytes a character, and reading it back runs the later steps in one process
KEEP_TAGGED_CHARS = 50_000_000
CODED_DOCS = 1000  # documents a coded batch in one process (any size gives the same result)


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
            with Team(min(workers, len(parts)), config, parts) as team:
                replies = team.tag(True, lambda i: bar.update(len(parts[i])))
            return [doc for _, blob, *_ in replies for doc in expand_tagged(blob)]
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

    ``cache_dir`` keeps segmentation (of corpora up to ``KEEP_TAGGED_CHARS`` characters) and
    final results on disk, keyed by the texts and every setting and file that changes tokens: an
    unchanged rerun reads the result back.
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
    cached_tags = cache.get("tagged", tag_key)
    chars = sum(map(len, corpus.texts))
    keep_tagged = cache.folder is not None and chars <= KEEP_TAGGED_CHARS
    with paused_gc():
        if isinstance(cached_tags, TaggedCorpus):
            tagged = cached_tags
            units = _finish(corpus.doc_ids, tagged.documents(), config.for_lengths(tagged.lengths))
        elif workers > 1 and len(batches(corpus.texts)) > 1 and scheduler_address() is None:
            cleaner = page_cleaner(config, known_boilerplate)
            units, tagged = _preprocess_in_team(corpus.doc_ids, corpus.texts, config, cleaner, workers=workers,
                                                progress=progress, keep_tagged=keep_tagged, chars=chars)
        else:
            pages = clean_pages(corpus.texts, config, known_boilerplate)
            docs = tag_corpus(pages.texts, config, workers=1, progress=progress)  # on the cluster when there is one
            lengths = [len(t) for t in pages.texts]
            blobs = [compress_tagged(docs[i : i + 1000]) for i in range(0, len(docs), 1000)] if keep_tagged else []
            tagged = TaggedCorpus(blobs, pages.counts, pages.lines, lengths)
            del pages
            units = _finish(corpus.doc_ids, docs, config.for_lengths(lengths))
        if tagged is not cached_tags and keep_tagged:
            cache.put("tagged", tag_key, tagged)
    units = replace(units, page_removed=tagged.counts, page_lines=tagged.lines)
    cache.put("units", final_key, units)
    return units


@dataclass(frozen=True)
class TaggedCorpus:
    """What segmentation made of a corpus, as cached: its documents' paragraphs tagged, in
    compressed blocks (:func:`~topiclab.preprocess.tagging.compress_tagged`), the boilerplate
    removed before (counts by reason, distinct lines) and the cleaned texts' lengths in characters."""

    blobs: list[bytes]
    counts: dict[str, int]
    lines: tuple[tuple[str, str, int], ...]
    lengths: list[int]

    def documents(self) -> list[Tagged]:
        """The tagged documents, in order."""
        return [doc for blob in self.blobs for doc in expand_tagged(blob)]


def page_cleaner(config: PreprocessConfig, known: Sequence[str] | None = None) -> PageCleaner | None:
    """The boilerplate remover ``config`` asks for (with ``page_boilerplate`` off, one for the
    user's ``boilerplate_patterns`` only; None when there are none); ``known``: repeated lines
    found before (see :func:`preprocess`).

    Example:
        >>> page_cleaner(PreprocessConfig(page_boilerplate=False)) is None
        True
    """
    if not config.page_boilerplate and not config.boilerplate_patterns:
        return None
    return PageCleaner(PageRules(
        config.boilerplate_min_docs, config.boilerplate_min_share, config.boilerplate_near_share,
        tuple(p for path in config.boilerplate_patterns for p in read_patterns(path)),
        tuple(p for path in config.boilerplate_keep for p in read_patterns(path)),
        None if known is None else tuple(known), builtin=config.page_boilerplate))


def clean_pages(texts: Sequence[str], config: PreprocessConfig, known: Sequence[str] | None = None) -> PageCleaning:
    """The texts with boilerplate lines removed as ``config`` says (with ``page_boilerplate`` off,
    only the lines the user's ``boilerplate_patterns`` name); ``known``: repeated lines found
    before (see :func:`preprocess`).

    Example:
        >>> clean_pages(["【打印本页】\\n长三角一体化。", "长三角一体化。"], PreprocessConfig()).counts
        {'chrome': 1}
    """
    cleaner = page_cleaner(config, known)
    if cleaner is None:
        return PageCleaning(tuple(texts), {}, ())
    return strip_page_boilerplate(texts, cleaner.rules)


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


def _preprocess_in_team(
    doc_ids: Sequence[str], texts: Sequence[str], config: PreprocessConfig, cleaner: PageCleaner | None, *,
    workers: int, progress: bool, keep_tagged: bool, chars: int,
) -> tuple[Units, TaggedCorpus]:
    """:func:`preprocess` with every step in worker processes (:mod:`topiclab.preprocess.team`):
    the same units as one process, and the tagged corpus (packed only when ``keep_tagged``);
    ``chars``: the corpus's length, which decides what the workers keep on disk."""
    parts = batches(texts)
    bar = tqdm(total=len(texts), unit="doc", desc="segmenting", disable=not progress, file=sys.stderr)
    removed: Counter[str] = Counter()

    def kept(batches: Iterator[tuple[list[str], Counter[str]]]) -> Iterator[list[str]]:
        for part, counts in batches:
            removed.update(counts)  # complete once the last batch's paragraphs are read
            yield from (k.split(PACK_SEP) if k else [] for k in part)  # split as units are cut

    with bar, Team(min(workers, len(parts)), config, parts, spill=chars > SPILL_CHARS,
                   codes_on_disk=chars > CODES_ON_DISK_CHARS, cleaner=cleaner) as team:
        replies = team.tag(keep_tagged, lambda i: bar.update(len(parts[i])), team.repeats())
        phrases = corpus_phrases(config, TeamStore(team))
        paras_per_doc = [n for counts, *_ in replies for n in counts]
        pages = merge_parts([part for _, _, part, _ in replies if part is not None])
        lengths = [n for *_, part_lengths in replies for n in part_lengths]
        tagged = TaggedCorpus([blob for _, blob, *_ in replies] if keep_tagged else [], pages.counts, pages.lines,
                              lengths)
        del replies
        # the units are cut from each batch's kept words as it arrives, while the workers go on
        finishing = team.stream("finish", phrases)
        units = make_units(doc_ids, paras_per_doc, kept(finishing), config.for_lengths(lengths), removed, phrases)
        for _ in finishing:  # the workers' last word (or their error) is read before they are sent away
            pass
    return units, tagged


def units_key(config: PreprocessConfig, corpus_key: str) -> str:
    """The cache key of a corpus's final units under ``config`` (``corpus_key``: its texts' digest)."""
    return f"{config.full_key()}-{corpus_key}"


def _finish(doc_ids: Sequence[str], tagged: list[Tagged], config: PreprocessConfig) -> Units:
    lexicon = Lexicon(Decider(config, user_stopwords(config)))
    store = CodedStore(lexicon, [lexicon.encode(tagged[i : i + CODED_DOCS]) for i in range(0, len(tagged), CODED_DOCS)])
    phrases = corpus_phrases(config, store)
    kept_paras, removed = store.finish(phrases, any_word=bool(config.phrase_file))
    return make_units(doc_ids, [len(doc) for doc in tagged], kept_paras, config, removed, phrases)


