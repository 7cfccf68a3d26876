"""Every setting that changes tokens, in one validated, hashable record."""

from __future__ import annotations

import hashlib
import json
import numbers
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, NoReturn

from topiclab.errors import ConfigError
from topiclab.names import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_ENGINE,
    DEFAULT_MIN_LEN,
    DEFAULT_MIN_UNIT_TOKENS,
    DEFAULT_POS,
    UNITS,
    VERSION,
)
from topiclab.preprocess.lexicon import TAGS, file_digest
from topiclab.preprocess.normalize import check_mode
from topiclab.preprocess.segment import check_engine, engine_version

# unit = "auto": paragraphs for a corpus of fewer documents than this, whole documents from it
# on. In experiments/table_defaults, CSL subsets of 25-100 abstracts had more coherent topics
# by paragraph (as the seed's 23 articles did) and subsets of 200 and more by document.
AUTO_DOCUMENTS_FROM = 200
# ... and paragraphs whatever their number when the median document is this long (characters):
# scraped reports and day pages of 20,000 characters by document mixed every theme in each unit
# (experiments/genre_defaults).
AUTO_LONG_CHARS = 5000
# Part of every cache key, with topiclab's version: bump when cached results change shape.
CACHE_SCHEMA = 6  # 2: Units moved to topiclab.preprocess.units; 3, 4: page boilerplate, unit merging; 5: TokenLists;
# 6: the tagged corpus kept with its page cleaning


@dataclass(frozen=True)
class PreprocessConfig:
    """Settings of :func:`topiclab.preprocess.preprocess`; validated on creation.

    Example:
        >>> PreprocessConfig(unit="paragraph").unit
        'paragraph'
        >>> PreprocessConfig(engine="thulac")
        Traceback (most recent call last):
        ...
        topiclab.errors.ConfigError: unknown engine 'thulac'; choose one of rjieba, jieba
    """

    engine: str = DEFAULT_ENGINE
    policy_dict: bool = True
    user_dicts: tuple[str, ...] = ()
    stopwords: bool = True
    boilerplate: bool = True
    user_stopwords: tuple[str, ...] = ()
    pos: tuple[str, ...] | None = DEFAULT_POS
    min_len: int = DEFAULT_MIN_LEN
    han_only: bool = True
    urls: str = "remove"
    emails: str = "remove"
    numbers: str = "remove"
    t2s: bool = False
    phrases: bool = True
    phrase_min_count: int = 5
    phrase_threshold: float = 0.5
    phrase_file: str | None = None
    unit: str = "document"
    chunk_size: int = DEFAULT_CHUNK_SIZE
    min_unit_tokens: int = DEFAULT_MIN_UNIT_TOKENS
    page_boilerplate: bool = True
    boilerplate_min_docs: int = 3
    boilerplate_min_share: float = 0.01
    boilerplate_near_share: float = 0.1
    boilerplate_patterns: tuple[str, ...] = ()
    boilerplate_keep: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_types(self)
        check_engine(self.engine)
        for name in ("urls", "emails", "numbers"):
            check_mode(name, getattr(self, name))
        if self.unit not in UNITS:
            raise ConfigError(f"unknown unit {self.unit!r}; choose one of {', '.join(UNITS)}")
        if self.pos is not None:
            object.__setattr__(self, "pos", tuple(self.pos))
            bad = sorted(set(self.pos) - TAGS)
            if bad:
                raise ConfigError(
                    f"unknown part-of-speech tag(s) {', '.join(map(repr, bad))}; valid tags: {' '.join(sorted(TAGS))}"
                )
        if self.min_len < 1:
            raise ConfigError(f"min_len must be at least 1, got {self.min_len}")
        if self.chunk_size < 1:
            raise ConfigError(f"chunk_size must be at least 1, got {self.chunk_size}")
        if self.min_unit_tokens < 1:
            raise ConfigError(f"min_unit_tokens must be at least 1, got {self.min_unit_tokens}")
        if self.boilerplate_min_docs < 2:
            raise ConfigError(f"boilerplate_min_docs must be at least 2 (a line in one document repeats nothing), "
                              f"got {self.boilerplate_min_docs}")
        for name in ("boilerplate_min_share", "boilerplate_near_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(f"{name} must be a share of documents from 0 to 1, got {getattr(self, name)}")
        if self.phrase_min_count < 1 or not -1.0 <= self.phrase_threshold <= 1.0:
            raise ConfigError("phrase_min_count must be >= 1 and phrase_threshold an NPMI in [-1, 1]")
        for path in (*self.user_dicts, *self.user_stopwords, *self.boilerplate_patterns, *self.boilerplate_keep,
                     *([self.phrase_file] if self.phrase_file else [])):
            if Path(path).is_dir():
                raise ConfigError(f"{path}: is a folder; give a file")
            if not Path(path).is_file():
                raise ConfigError(f"{path}: no such file; check the path")

    @classmethod
    def field_names(cls) -> list[str]:
        """Names of the settings, for ``--set key=value`` style overrides."""
        return [f.name for f in fields(cls)]

    def updated(self, **changes: Any) -> PreprocessConfig:
        """A copy with some settings changed (validated again).

        Example:
            >>> PreprocessConfig().updated(min_len=1).min_len
            1
        """
        unknown = sorted(set(changes) - set(self.field_names()))
        if unknown:
            raise ConfigError(f"unknown preprocess setting(s) {', '.join(unknown)}; "
                              f"valid: {', '.join(self.field_names())}")
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain JSON/TOML-ready values."""
        data = asdict(self)
        for k, v in data.items():
            if isinstance(v, tuple):
                data[k] = list(v)
        return data

    def for_corpus(self, texts: Sequence[str]) -> PreprocessConfig:
        """This config with ``unit = "auto"`` made concrete for a corpus of these texts.

        Paragraphs when the corpus has fewer than ``AUTO_DOCUMENTS_FROM`` (200) documents or its
        median document is at least ``AUTO_LONG_CHARS`` (5,000) characters long (a long report
        covers many themes: its paragraphs are what topics can tell apart); whole documents
        otherwise. Any other unit is returned unchanged.

        Example:
            >>> auto = PreprocessConfig(unit="auto")
            >>> auto.for_corpus(["短文"] * 23).unit, auto.for_corpus(["短文"] * 2000).unit
            ('paragraph', 'document')
            >>> auto.for_corpus(["长" * 6000] * 2000).unit
            'paragraph'
        """
        return self.for_lengths([len(t) for t in texts])

    def for_lengths(self, lengths: Sequence[int]) -> PreprocessConfig:
        """:meth:`for_corpus` from the texts' lengths in characters."""
        if self.unit != "auto":
            return self
        lengths = sorted(lengths)
        median = lengths[len(lengths) // 2] if lengths else 0
        by_paragraph = len(lengths) < AUTO_DOCUMENTS_FROM or median >= AUTO_LONG_CHARS
        return replace(self, unit="paragraph" if by_paragraph else "document")

    def tagging_key(self) -> str:
        """Hash of what changes segmentation: engine version, dictionaries, normalisation."""
        parts = {
            "schema": CACHE_SCHEMA,
            "topiclab": _topiclab_version(),
            "engine": engine_version(self.engine),
            "policy_dict": self.policy_dict,
            "user_dicts": [file_digest(p) for p in self.user_dicts],
            "norm": [self.urls, self.emails, self.numbers, self.t2s],
            "page": [self.page_boilerplate, self.boilerplate_min_docs, self.boilerplate_min_share,
                     self.boilerplate_near_share,
                     [file_digest(p) for p in self.boilerplate_patterns],
                     [file_digest(p) for p in self.boilerplate_keep]],
        }
        return _digest(parts)

    def full_key(self) -> str:
        """Hash of every setting and file content that changes the tokens."""
        parts = {
            "tagging": self.tagging_key(),
            "settings": {k: v for k, v in self.to_dict().items()
                         if k not in ("user_dicts", "user_stopwords", "boilerplate_patterns", "boilerplate_keep")},
            "user_stopwords": [file_digest(p) for p in self.user_stopwords],
            "phrase_file": file_digest(self.phrase_file) if self.phrase_file else None,
        }
        return _digest(parts)


_BOOLS = ("policy_dict", "stopwords", "boilerplate", "han_only", "t2s", "phrases", "page_boilerplate")
_INTS = ("min_len", "phrase_min_count", "chunk_size", "min_unit_tokens", "boilerplate_min_docs")
_FLOATS = ("phrase_threshold", "boilerplate_min_share", "boilerplate_near_share")
_PATHS = ("user_dicts", "user_stopwords", "boilerplate_patterns", "boilerplate_keep")


def _check_types(config: PreprocessConfig) -> None:
    """Refuse a setting of the wrong kind (``--set preprocess.page_boilerplate=abc``) in one line;
    a single path where a list of files is expected is taken as a list of one."""
    def refuse(name: str, what: str) -> NoReturn:
        raise ConfigError(f"preprocess.{name} must be {what}, got {getattr(config, name)!r}")

    for name in _BOOLS:
        if not isinstance(getattr(config, name), bool):
            refuse(name, "true or false")
    for name in _INTS:
        value = getattr(config, name)
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            refuse(name, "a whole number")
        object.__setattr__(config, name, int(value))
    for name in _FLOATS:
        value = getattr(config, name)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            refuse(name, "a number")
        object.__setattr__(config, name, float(value))
    for name in _PATHS:
        value = getattr(config, name)
        if isinstance(value, str | Path):
            value = (value,)
        if not isinstance(value, list | tuple) or not all(isinstance(v, str | Path) for v in value):
            refuse(name, "a list of files")
        object.__setattr__(config, name, tuple(str(v) for v in value))
    for name in ("engine", "unit", "urls", "emails", "numbers"):
        if not isinstance(getattr(config, name), str):
            refuse(name, "text")
    if config.phrase_file is not None and not isinstance(config.phrase_file, str | Path):
        refuse("phrase_file", "a file")


def _topiclab_version() -> str:
    return VERSION


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
