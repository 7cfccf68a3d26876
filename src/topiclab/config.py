"""The full configuration of a ``topiclab fit`` run: every setting, including the seed.

It reads and writes TOML (``config.toml`` in every run folder reproduces the run), and takes
overrides of single keys, ``section.key=value``, as ``--set`` does on the command line.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from topiclab.errors import ConfigError, InputError
from topiclab.preprocess import PreprocessConfig

# allowed values, here so that the command line can offer them without importing the models
MODELS = ("lda", "nmf", "kmeans", "agglomerative")
LDA_BACKENDS = ("tomotopy", "sklearn", "gensim")
CLUSTER_METHODS = ("kmeans", "agglomerative")
EMBEDDINGS = ("word2vec", "lsa", "tfidf")

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


@dataclass(frozen=True)
class InputConfig:
    """Where the corpus comes from; an empty ``path`` means the embedded seed."""

    path: str = ""
    format: str = "auto"
    text_col: str = "text"
    id_col: str = ""
    label_col: str = ""
    region_col: str = ""
    region_map: str = ""


@dataclass(frozen=True)
class VectorizeConfig:
    """Vocabulary pruning: see :func:`topiclab.vectorize.build_vocabulary` (``keep_n = 0``: no cap)."""

    no_below: int = 2
    no_above: float = 0.5
    keep_n: int = 0


@dataclass(frozen=True)
class ModelConfig:
    """The model and its settings; ``alpha = eta = 0`` means the backend's default prior.

    The defaults (NMF, k = 10, with unit "auto": paragraphs below 200 documents, whole
    documents from 200 on) gave the most coherent and stable topics on the seed corpus
    (``experiments/seed_defaults``) and on a table of 2000 abstracts
    (``experiments/table_defaults``); ``backend`` applies to LDA only.
    ``embedding``, ``n_dims`` and ``n_init`` apply to the clusters (``kmeans``,
    ``agglomerative``; see :class:`topiclab.models.TfidfClusters`): word vectors
    learned from the corpus recovered CSL's disciplines best (``experiments/csl_recovery``).
    """

    name: str = "nmf"
    backend: str = "tomotopy"
    k: int = 10
    seed: int = 1
    max_iter: int = 0
    alpha: float = 0.0
    eta: float = 0.0
    n_dims: int = 100
    n_init: int = 10
    embedding: str = "word2vec"

    def params(self) -> dict[str, Any]:
        """The settings that apply to this model, as estimator keyword arguments."""
        out: dict[str, Any] = {}
        if self.name == "lda":
            if self.max_iter:
                out["max_iter"] = self.max_iter
            if self.alpha:
                out["alpha"] = self.alpha
            if self.eta:
                out["eta"] = self.eta
        elif self.name == "nmf":
            out["max_iter"] = self.max_iter or 400
        else:
            out["embedding"] = self.embedding
            out["n_dims"] = self.n_dims
            out["n_init"] = self.n_init
        return out


@dataclass(frozen=True)
class RunConfig:
    """How the run is carried out.

    ``top_n``: the number of top words coherence scores. ``heldout``: for LDA, the fraction of
    documents held out to report ``perplexity_heldout`` (a second fit on the rest; 0 = off).
    """

    workers: int = 1
    top_n: int = 10
    heldout: float = 0.0


@dataclass(frozen=True)
class FitConfig:
    """All settings of a fit.

    Example:
        >>> c = FitConfig().with_overrides(["model.k=5", "preprocess.unit=paragraph"])
        >>> c.model.k, c.preprocess.unit
        (5, 'paragraph')
    """

    input: InputConfig = field(default_factory=InputConfig)
    preprocess: PreprocessConfig = field(default_factory=lambda: PreprocessConfig(unit="auto"))
    vectorize: VectorizeConfig = field(default_factory=VectorizeConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    run: RunConfig = field(default_factory=RunConfig)

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: asdict(getattr(self, f.name)) for f in fields(self)}
        data["preprocess"] = self.preprocess.to_dict()
        if data["preprocess"]["pos"] is None:
            data["preprocess"]["pos"] = ["all"]
        data["preprocess"]["phrase_file"] = data["preprocess"]["phrase_file"] or ""
        return data

    def to_toml(self) -> str:
        """The configuration as TOML text."""
        return tomli_w.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "config") -> FitConfig:
        sections = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(sections))
        if unknown:
            raise ConfigError(f"{source}: unknown section(s) {', '.join(unknown)}; valid: {', '.join(sections)}")
        parts: dict[str, Any] = {}
        for name, value in data.items():
            parts[name] = _section(name, value, source)
        return cls(**parts)

    @classmethod
    def from_toml(cls, path: Path | str) -> FitConfig:
        """Read a config file; unknown sections and keys are errors."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(f"{path}: no such config file") from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{path}: not valid TOML ({exc})") from None
        return cls.from_dict(data, source=str(path))

    def with_overrides(self, sets: list[str]) -> FitConfig:
        """Apply ``section.key=value`` overrides (values parsed as TOML, else taken as text)."""
        data = self.to_dict()
        for item in sets:
            key, sep, raw = item.partition("=")
            section, dot, name = key.strip().partition(".")
            if not sep or not dot:
                raise ConfigError(f"--set {item!r}: expected section.key=value, e.g. model.k=10")
            if section not in data or name not in data[section]:
                valid = ", ".join(f"{s}.{k}" for s in data for k in data[s])
                raise ConfigError(f"--set {key.strip()!r}: no such setting; valid keys: {valid}")
            data[section][name] = _parse_value(raw.strip())
        return FitConfig.from_dict(data, source="--set")


def _parse_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


_SECTION_TYPES = {"input": InputConfig, "vectorize": VectorizeConfig, "model": ModelConfig, "run": RunConfig}


def _section(name: str, value: dict[str, Any], source: str) -> Any:
    if name == "preprocess":
        value = dict(value)
        if value.get("pos") in (["all"], "all"):
            value["pos"] = None
        for key in ("user_dicts", "user_stopwords", "pos"):
            if isinstance(value.get(key), list):
                value[key] = tuple(value[key])
        if value.get("phrase_file") == "":
            value["phrase_file"] = None
        try:
            return PreprocessConfig().updated(**value)
        except TypeError as exc:
            raise ConfigError(f"{source}: [preprocess] {exc}") from None
    cls = _SECTION_TYPES[name]
    valid = {f.name: f for f in fields(cls)}
    unknown = sorted(set(value) - set(valid))
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) in [{name}]: {', '.join(unknown)}; valid: {', '.join(valid)}")
    default = cls()
    for key, v in value.items():
        expected = type(getattr(default, key))
        if expected is float and isinstance(v, int) and not isinstance(v, bool):
            value = {**value, key: float(v)}
        elif not isinstance(v, expected) or (expected is int and isinstance(v, bool)):
            raise ConfigError(f"{source}: [{name}] {key} must be {expected.__name__}, got {v!r}")
    return replace(default, **value)
