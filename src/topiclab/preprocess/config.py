"""Every setting that changes tokens, in one validated, hashable record."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from topiclab.errors import ConfigError
from topiclab.names import DEFAULT_CHUNK_SIZE, DEFAULT_ENGINE, DEFAULT_MIN_LEN, DEFAULT_POS, UNITS, VERSION
from topiclab.preprocess.lexicon import TAGS, file_digest
from topiclab.preprocess.normalize import check_mode
from topiclab.preprocess.segment import check_engine, engine_version

# unit = "auto": paragraphs for a corpus of fewer documents than this, whole documents from it
# on. In experiments/table_defaults, CSL subsets of 25-100 abstracts had more coherent topics
# by paragraph (as the seed's 23 articles did) and subsets of 200 and more by document.
AUTO_DOCUMENTS_FROM = 200
# Part of every cache key, with topiclab's version: bump when cached results change shape.
CACHE_SCHEMA = 2  # 2: Units moved to topiclab.preprocess.units


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

    def __post_init__(self) -> None:
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
        if self.phrase_min_count < 1 or not -1.0 <= self.phrase_threshold <= 1.0:
            raise ConfigError("phrase_min_count must be >= 1 and phrase_threshold an NPMI in [-1, 1]")
        for name in ("user_dicts", "user_stopwords"):
            object.__setattr__(self, name, tuple(str(p) for p in getattr(self, name)))
        for path in (*self.user_dicts, *self.user_stopwords, *([self.phrase_file] if self.phrase_file else [])):
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

    def for_corpus(self, n_docs: int) -> PreprocessConfig:
        """This config with ``unit = "auto"`` made concrete for a corpus of ``n_docs`` documents.

        Paragraphs below ``AUTO_DOCUMENTS_FROM`` (200) documents, whole documents from there on;
        any other unit is returned unchanged.

        Example:
            >>> auto = PreprocessConfig(unit="auto")
            >>> auto.for_corpus(23).unit, auto.for_corpus(2000).unit
            ('paragraph', 'document')
        """
        if self.unit != "auto":
            return self
        return replace(self, unit="paragraph" if n_docs < AUTO_DOCUMENTS_FROM else "document")

    def tagging_key(self) -> str:
        """Hash of what changes segmentation: engine version, dictionaries, normalisation."""
        parts = {
            "schema": CACHE_SCHEMA,
            "topiclab": _topiclab_version(),
            "engine": engine_version(self.engine),
            "policy_dict": self.policy_dict,
            "user_dicts": [file_digest(p) for p in self.user_dicts],
            "norm": [self.urls, self.emails, self.numbers, self.t2s],
        }
        return _digest(parts)

    def full_key(self) -> str:
        """Hash of every setting and file content that changes the tokens."""
        parts = {
            "tagging": self.tagging_key(),
            "settings": {k: v for k, v in self.to_dict().items() if k not in ("user_dicts", "user_stopwords")},
            "user_stopwords": [file_digest(p) for p in self.user_stopwords],
            "phrase_file": file_digest(self.phrase_file) if self.phrase_file else None,
        }
        return _digest(parts)


def _topiclab_version() -> str:
    return VERSION


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
