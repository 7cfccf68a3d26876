"""Tagging: texts to paragraphs of ``(words, tags)``, with jieba's dictionary and semantics.

The corpus is cut into fixed batches of consecutive texts (:func:`batches`), the same whatever
the number of workers, so that results never depend on it. Tagged documents travel between
processes packed (:func:`pack_tagged`): each paragraph's words joined by NUL, cheap to pickle.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Sequence
from itertools import compress
from operator import not_
from typing import Any

from topiclab.corpus.model import split_paragraphs
from topiclab.preprocess.config import PreprocessConfig
from topiclab.preprocess.filters import Tagged
from topiclab.preprocess.lexicon import policy_dictionary, read_user_dict
from topiclab.preprocess.normalize import normalize_text
from topiclab.preprocess.segment import Segmenter

BATCH_CHARS = 100_000  # characters a batch: large enough to amortise, small enough to spread
PACK_SEP = "\0"  # joins a paragraph's words for sending between processes; never inside a token


def build_segmenter(config: PreprocessConfig) -> Segmenter:
    """The segmenter the config describes: engine, policy dictionary, user dictionaries."""
    entries = list(policy_dictionary()) if config.policy_dict else []
    for path in config.user_dicts:
        entries.extend(read_user_dict(path))
    return Segmenter(config.engine, entries)


class Tagger:
    """Normalises, segments and tags batches of texts; one in each process that tags.

    Example:
        >>> Tagger(build_segmenter(PreprocessConfig()), norm_options(PreprocessConfig())).tag_batch(["集成电路产业"])
        [[(['集成电路', '产业'], ['nz', 'n'])]]
    """

    def __init__(self, segmenter: Segmenter, norm: dict[str, Any]) -> None:
        self.segmenter = segmenter
        self.norm = norm

    def tag_batch(self, texts: Sequence[str]) -> list[Tagged]:
        """Each text's paragraphs as ``(words, tags)``, whitespace tokens left out."""
        paragraphs = [split_paragraphs(t) for t in texts]
        tagged = iter(self.segmenter.tag_many([normalize_text(p, **self.norm) for paras in paragraphs
                                               for p in paras]))
        out = []
        for paras in paragraphs:
            doc: Tagged = []
            for _ in paras:
                words, tags = next(tagged)
                space = list(map(str.isspace, words))  # in C; most paragraphs have no space token
                if any(space):
                    words, tags = list(compress(words, map(not_, space))), list(compress(tags, map(not_, space)))
                doc.append((words, tags))
            out.append(doc)
        return out


_TAGGERS: dict[str, Tagger] = {}  # a cluster worker's taggers, by settings: the dictionary is loaded once


def tag_packed(config: PreprocessConfig, texts: Sequence[str]) -> list[list[tuple[str, str]]]:
    """One batch tagged and packed (:func:`pack_tagged`), as a cluster worker runs it.

    Example:
        >>> [unpack_tagged(doc) for doc in tag_packed(PreprocessConfig(), ["集成电路产业"])]
        [[(['集成电路', '产业'], ['nz', 'n'])]]
    """
    key = config.tagging_key()
    if key not in _TAGGERS:
        _TAGGERS[key] = Tagger(build_segmenter(config), norm_options(config))
    return [pack_tagged(doc) for doc in _TAGGERS[key].tag_batch(texts)]


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


def compress_tagged(docs: Sequence[Tagged]) -> bytes:
    """Tagged documents packed, pickled and compressed into one bytes object: the tagged corpus
    kept for the cache costs about a byte a character and no Python object a paragraph (the
    process that gathers it from the workers holds every batch until it is written).

    Example:
        >>> expand_tagged(compress_tagged([[(["长三角"], ["ns"])]]))
        [[(['长三角'], ['ns'])]]
    """
    return zlib.compress(pickle.dumps([pack_tagged(doc) for doc in docs], protocol=pickle.HIGHEST_PROTOCOL), 1)


def expand_tagged(blob: bytes) -> list[Tagged]:
    """The inverse of :func:`compress_tagged`."""
    return [unpack_tagged(doc) for doc in pickle.loads(zlib.decompress(blob))]


def batches(texts: Sequence[str]) -> list[Sequence[str]]:
    """Consecutive texts in batches of about ``BATCH_CHARS`` characters: the same whatever the worker count.

    Example:
        >>> [len(b) for b in batches(["x" * 60_000] * 3)]
        [2, 1]
    """
    out, begin, size = [], 0, 0
    for i, t in enumerate(texts):
        size += len(t)
        if size >= BATCH_CHARS:
            out.append(texts[begin : i + 1])
            begin, size = i + 1, 0
    if begin < len(texts):
        out.append(texts[begin:])
    return out


def norm_options(config: PreprocessConfig) -> dict[str, Any]:
    """The config's normalisation settings, as keyword arguments of ``normalize_text``."""
    return {"urls": config.urls, "emails": config.emails, "numbers": config.numbers, "t2s": config.t2s}


