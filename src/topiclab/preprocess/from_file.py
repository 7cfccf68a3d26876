"""Preprocessing a file with a shortcut: an unchanged file is recognised by its bytes.

``topiclab preprocess`` on a file it has seen, read with the same options and settings, returns
the cached units without parsing the file into a corpus again (a rerun on 10 MB takes about half
a second).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from topiclab.cache import Cache, texts_digest
from topiclab.checks import check_int
from topiclab.corpus.model import Corpus
from topiclab.preprocess.config import PreprocessConfig
from topiclab.preprocess.pipeline import preprocess, units_key
from topiclab.preprocess.units import Units


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
        cached = cache.get("units", units_key(config, corpus_key)) if corpus_key else None
        if isinstance(cached, Units):
            return cached
    corpus = load()
    units = preprocess(corpus, config, workers=workers, cache_dir=cache_dir, progress=progress)
    if source_key:
        cache.put("source", source_key, texts_digest(corpus.doc_ids, corpus.texts))
    return units
