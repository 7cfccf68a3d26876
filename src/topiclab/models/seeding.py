"""Seeded topics: the researcher's theory as a few words a topic (Jagarlamudi, Daumé & Udupa 2012).

A seed file is TOML, one seeded topic a line, in the order the topics are numbered:

.. code-block:: toml

    营商环境 = ["营商环境", "市场主体", "审批"]
    科技创新 = ["科技创新", "研发", "实验室"]

Each seed word is drawn into its topic by a word prior of the LDA fit (tomotopy's
``set_word_prior``: a strong prior in its topic, almost none in the others); the rest of each
topic's words, and any topics beyond the seeded ones, are learned as usual. Seeded topics come
first (topic 0 is the first line) and carry their names.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from topiclab.errors import ConfigError, InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

EXAMPLE = 'name = ["词", "词", ...]'
_BARE_KEY = re.compile(r'^(\s*)([^\s="\'#\[\]]+)(\s*=)', re.MULTILINE)


def parse_seed_words(text: str, source: str = "seed words") -> dict[str, tuple[str, ...]]:
    """Seeded topics by name, in the file's order, from the text of a seed file.

    Example:
        >>> parse_seed_words('营商环境 = ["营商环境", "审批"]\\n科技创新 = ["研发"]')
        {'营商环境': ('营商环境', '审批'), '科技创新': ('研发',)}
    """
    try:
        # TOML 1.0 keys are ASCII unless quoted; a researcher writes 营商环境 = [...] bare
        data = tomllib.loads(_BARE_KEY.sub(lambda m: f'{m[1]}"{m[2]}"{m[3]}', text))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: not valid TOML ({exc}); write one topic a line: {EXAMPLE}") from None
    if not data:
        raise InputError(f"{source}: no seeded topic; write one topic a line: {EXAMPLE}")
    out: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for name, words in data.items():
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise InputError(f"{source}: topic {name!r} must be a list of words in quotes: {EXAMPLE}")
        cleaned = tuple(dict.fromkeys(w.strip() for w in words if w.strip()))
        if not cleaned:
            raise InputError(f"{source}: topic {name!r} has no seed word; give it at least one")
        for w in cleaned:
            if w in owner:
                raise InputError(f"{source}: seed word {w!r} is in both {owner[w]!r} and {name!r}; give a word to "
                                 "one topic")
            owner[w] = name
        out[name] = cleaned
    return out


def read_seed_words(path: Path | str) -> dict[str, tuple[str, ...]]:
    """The seeded topics of a seed file (see the module docstring)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such seed-word file; write one topic a line: {EXAMPLE}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save the seed-word file as UTF-8") from None
    return parse_seed_words(text, str(path))


def seed_columns(
    seeds: dict[str, tuple[str, ...]], terms: Sequence[str], k: int
) -> tuple[dict[int, list[int]], dict[str, list[str]]]:
    """Each seeded topic's seed words as vocabulary columns, and the words not in the vocabulary.

    Example:
        >>> cols, missing = seed_columns({"港口": ("港口", "航运", "码头")}, ["芯片", "港口", "航运"], k=3)
        >>> cols, missing
        ({0: [1, 2]}, {'港口': ['码头']})
    """
    if len(seeds) > k:
        raise ConfigError(f"{len(seeds)} seeded topics need k >= {len(seeds)}; choose --k {len(seeds)} or more "
                          "(topics beyond the seeded ones are learned freely)")
    index = {t: j for j, t in enumerate(terms)}
    columns: dict[int, list[int]] = {}
    missing: dict[str, list[str]] = {}
    for topic, (name, words) in enumerate(seeds.items()):
        found = [index[w] for w in words if w in index]
        lost = [w for w in words if w not in index]
        if lost:
            missing[name] = lost
        if not found:
            raise ConfigError(f"seeded topic {name!r}: none of its seed words ({', '.join(words)}) is in the "
                              "vocabulary; check their segmentation with topiclab preprocess, add them to a --dict "
                              "file, or lower --set vectorize.no_below")
        columns[topic] = found
    return columns, missing


def seed_ranks(topic_term: np.ndarray, terms: Sequence[str], seeds: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Where each seed word ranks among its topic's terms (1 = the topic's top term).

    Returns ``topic, label, word, in_vocabulary, rank, weight`` (rank and weight empty for a word
    not in the vocabulary): a seed word far down its topic says the data do not support it.

    Example:
        >>> seed_ranks(np.array([[.1, .6, .3], [.5, .2, .3]]), ["芯片", "港口", "航运"], {"港口": ("航运", "码头")})
           topic label word  in_vocabulary  rank  weight
        0      0    港口   航运           True     2     0.3
        1      0    港口   码头          False  <NA>     NaN
    """
    index = {t: j for j, t in enumerate(terms)}
    order = np.argsort(-np.asarray(topic_term), axis=1, kind="stable")
    rank = np.empty_like(order)
    rows = np.arange(order.shape[1])
    for t in range(order.shape[0]):
        rank[t, order[t]] = rows + 1
    out = []
    for topic, (name, words) in enumerate(seeds.items()):
        for w in words:
            j = index.get(w)
            out.append((topic, name, w, j is not None, None if j is None else int(rank[topic, j]),
                        np.nan if j is None else float(topic_term[topic, j])))
    frame = pd.DataFrame(out, columns=["topic", "label", "word", "in_vocabulary", "rank", "weight"])
    frame["rank"] = frame["rank"].astype("Int64")
    return frame
