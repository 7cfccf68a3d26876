"""The full configuration of a ``topiclab fit`` run: every setting, including the seed.

It reads and writes TOML (``config.toml`` in every run folder reproduces the run), and takes
overrides of single keys, ``section.key=value``, as ``--set`` does on the command line. Every
setting is checked when a config is made, so Python and the command line get the same one-line
errors.

Paths in a TOML file are relative to the file's own folder (a run folder's ``config.toml`` names
its input relative to the run folder), so ``topiclab fit --config runs/x/config.toml`` works from
any directory and keeps working when the project folder is moved as a whole. Paths given in
Python or on the command line are relative to the current directory, as usual.
"""

from __future__ import annotations

import numbers
import os
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from topiclab.checks import check_choice, check_int, check_number, check_seed
from topiclab.errors import ConfigError, InputError
from topiclab.names import EMBEDDINGS, FORMATS, GENSIM_ALPHAS, LDA_BACKENDS, MAX_SHARDS, MODELS, ON_ERROR, TIME_BINS
from topiclab.preprocess import PreprocessConfig

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


@dataclass(frozen=True)
class InputConfig:
    """Where the corpus comes from; an empty ``path`` means the embedded seed.

    ``sep``: the delimiter of a CSV/TSV table (empty: ``,`` for CSV, tab for TSV). ``on_error``:
    ``stop`` at the first unreadable file of a folder or malformed row of a table, or ``skip``
    it (skipped ones are counted in the summary and listed in the run's manifest).
    """

    path: str = ""
    format: str = "auto"
    text_col: str = "text"
    id_col: str = ""
    label_col: str = ""
    region_col: str = ""
    region_map: str = ""
    sep: str = ""
    on_error: str = "stop"

    def __post_init__(self) -> None:
        check_choice(self.format, "input.format", FORMATS)
        check_choice(self.on_error, "input.on_error", ON_ERROR)
        if len(self.sep) > 1 or self.sep in ('"', "\n", "\r"):
            raise ConfigError(f"input.sep must be one character such as ',', ';', '|' or a tab, got {self.sep!r}")
        if not self.text_col.strip():
            raise ConfigError("input.text_col must name a column, got an empty name")


@dataclass(frozen=True)
class VectorizeConfig:
    """Vocabulary pruning: see :func:`topiclab.vectorize.build_vocabulary` (``keep_n = 0``: no cap).

    ``generic``: leave out the corpus's generic words (:mod:`topiclab.vectorize.generic`: in at
    least ``generic_min_share`` of the contexts, residual IDF at most ``generic_max_ridf``);
    ``keep_terms``: a file of words (one a line) never left out as generic.
    """

    no_below: int = 2
    no_above: float = 0.5
    keep_n: int = 0
    generic: bool = True
    generic_min_share: float = 0.05
    generic_max_ridf: float = 0.2
    keep_terms: str = ""

    def __post_init__(self) -> None:
        check_int(self.no_below, "vectorize.no_below", minimum=1)
        check_number(self.no_above, "vectorize.no_above", low=0, high=1, open_low=True)
        check_int(self.keep_n, "vectorize.keep_n", minimum=0)
        check_number(self.generic_min_share, "vectorize.generic_min_share", low=0, high=1, open_low=True)
        check_number(self.generic_max_ridf, "vectorize.generic_max_ridf", low=-10, high=10)
        if self.keep_terms and Path(self.keep_terms).is_dir():
            raise ConfigError(f"{self.keep_terms}: is a folder; vectorize.keep_terms names a word list, one a line")
        if self.keep_terms and not Path(self.keep_terms).is_file():
            raise ConfigError(f"{self.keep_terms}: no such file; vectorize.keep_terms names a word list, one a line")


@dataclass(frozen=True)
class ModelConfig:
    """The model and its settings; ``alpha = eta = 0`` means the backend's default prior.

    The default, NMF (k = 10), was the most coherent model on seven of eight corpora of different
    genres and lengths in ``experiments/genre_defaults`` (the seed, CSL abstracts, news articles,
    headlines, section pages and scraped reports; k-means clusters on product reviews) and
    recovered the labelled news categories best. ``backend`` applies to LDA only.
    ``shards``: LDA (tomotopy) samples in this many shards of the corpus, one thread each, and
    gives the same bytes for a seed and a shard count on any machine, whatever ``--workers``;
    0 (auto): 1 below a million tokens (as one sampler), else 4 (``models.lda_tomotopy``). A run's
    ``config.toml`` records the count used. ``tol``: without ``max_iter``, LDA (tomotopy) stops when
    its per-word log-likelihood gained less than this (relative) over 50 sweeps; 0: 0.001. Looser
    stops sooner: on 100,000 documents NPMI barely moved after 100 sweeps, but on CSL's 2,000
    abstracts 0.01 lost 0.026 of NMI against 500 sweeps (``bench/lda_sweeps.py``,
    ``bench/lda_convergence.py``).
    ``embedding``, ``n_dims`` and ``n_init`` apply to the clusters (``kmeans``,
    ``agglomerative``; see :class:`topiclab.models.TfidfClusters`): word vectors
    learned from the corpus recovered CSL's disciplines best (``experiments/csl_recovery``).
    """

    name: str = "nmf"
    backend: str = "tomotopy"
    k: int = 10
    seed: int = 1
    max_iter: int = 0
    alpha: float | str = 0.0  # gensim also learns one: "asymmetric" or "auto"
    eta: float = 0.0
    n_dims: int = 100
    n_init: int = 10
    embedding: str = "lsa+word2vec"
    prevalence: str = ""
    seed_words: str = ""
    time_col: str = ""
    time_bin: str = "year"
    shards: int = 0
    tol: float = 0.0

    def __post_init__(self) -> None:
        check_choice(self.name, "model.name", MODELS)
        check_int(self.shards, "model.shards", minimum=0, maximum=MAX_SHARDS)
        if self.shards > 1 and (self.name != "lda" or self.backend != "tomotopy"):
            raise ConfigError(f"model.shards {self.shards} applies to LDA with backend tomotopy (a sharded "
                              "sampler); leave it out or set it to 1")
        check_choice(self.time_bin, "model.time_bin", TIME_BINS)
        if self.prevalence and self.name != "stm":
            raise ConfigError(f"model.prevalence (a covariate formula) applies to model stm, not {self.name}; "
                              "add --model stm")
        if self.seed_words and self.name != "lda":
            raise ConfigError(f"model.seed_words applies to model lda, not {self.name}; add --model lda")
        if self.seed_words and Path(self.seed_words).is_dir():
            raise ConfigError(f"{self.seed_words}: is a folder; model.seed_words names a TOML file of "
                              'name = ["词", ...] lines')
        if self.seed_words and not Path(self.seed_words).is_file():
            raise ConfigError(f"{self.seed_words}: no such file; model.seed_words names a TOML file of "
                              'name = ["词", ...] lines')
        if self.name == "lda" and self.backend == "topica":
            raise ConfigError("model.backend 'topica' is recorded for stm and dtm runs; LDA's backends are "
                              f"{', '.join(LDA_BACKENDS)}")
        if self.name == "stm" and not self.prevalence.strip():
            # without covariates an STM is a correlated topic model: nothing the covariates would add
            raise ConfigError("model stm needs a prevalence formula over metadata columns: add --prevalence "
                              "'~ region' (or '~ region + s(year)'); without covariates use --model lda")
        if self.time_col and self.name != "dtm":
            raise ConfigError(f"model.time_col applies to model dtm, not {self.name}; for prevalence over time use "
                              "`topiclab compare RUN --time-col COLUMN`, or add --model dtm")
        if self.time_bin != "year" and self.name != "dtm":
            raise ConfigError(f"model.time_bin applies to model dtm, not {self.name}; for prevalence over time use "
                              "`topiclab compare RUN --time-col COLUMN --bin BIN`")
        if self.name == "dtm" and not self.time_col:
            raise ConfigError("model dtm needs the metadata column of each document's date: add --time-col COLUMN")
        check_choice(self.backend, "model.backend", (*LDA_BACKENDS, "topica"))
        check_choice(self.embedding, "model.embedding", EMBEDDINGS)
        check_int(self.k, "model.k", minimum=2)
        check_seed(self.seed, "model.seed")
        check_int(self.max_iter, "model.max_iter", minimum=0)
        check_number(self.tol, "model.tol", low=0)
        if self.tol and (self.name != "lda" or self.backend != "tomotopy"):
            raise ConfigError(f"model.tol {self.tol} applies to LDA with backend tomotopy (the sampler's stopping "
                              "rule); leave it out")
        if isinstance(self.alpha, str):
            if self.alpha not in GENSIM_ALPHAS or self.name != "lda" or self.backend != "gensim":
                raise ConfigError(f"model.alpha {self.alpha!r}: a learned prior needs model lda with backend gensim "
                                  f"and one of {', '.join(GENSIM_ALPHAS)}; otherwise give a number")
        else:
            check_number(self.alpha, "model.alpha", low=0)
        if self.name != "lda" and self.backend not in ("tomotopy", "sklearn", "topica"):
            # "tomotopy" is the setting's default, "sklearn" what a non-LDA run records; gensim would be ignored
            raise ConfigError(f"model.backend {self.backend!r} applies to LDA only; {self.name} is fitted by "
                              "scikit-learn (leave --backend out)")
        check_number(self.eta, "model.eta", low=0)
        check_int(self.n_dims, "model.n_dims", minimum=1)
        check_int(self.n_init, "model.n_init", minimum=1)

    def params(self) -> dict[str, Any]:
        """The settings that apply to this model, as estimator keyword arguments."""
        out: dict[str, Any] = {}
        if self.name == "lda":
            if self.max_iter:
                out["max_iter"] = self.max_iter
            if self.shards > 1:
                out["shards"] = self.shards
            if self.tol:
                out["tol"] = self.tol
            if self.alpha:
                out["alpha"] = self.alpha
            if self.eta:
                out["eta"] = self.eta
        elif self.name == "nmf":
            out["max_iter"] = self.max_iter or 400
        elif self.name in ("stm", "dtm"):
            if self.name == "stm":
                out["prevalence"] = self.prevalence
            if self.max_iter:
                out["max_iter"] = self.max_iter
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

    def __post_init__(self) -> None:
        check_int(self.workers, "run.workers", minimum=1, maximum=256)
        check_int(self.top_n, "run.top_n", minimum=2)
        check_number(self.heldout, "run.heldout", low=0, high=1, open_high=True)


@dataclass(frozen=True)
class LabelsConfig:
    """The researcher's curation of the topics (``topiclab label``), kept with the run's settings.

    ``names``: topic number (as text, TOML's keys are text) to a name; ``merge``: groups of topic
    numbers read as one topic (the group's first number and name); ``exclude``: topics reported
    but left out of comparisons (boilerplate, background). A run folder's ``labels.toml`` holds
    the same three keys and, when present, is what :meth:`FitConfig.from_toml` reads for the run.

    Example:
        >>> LabelsConfig(names={"3": "营商环境"}, merge=[[4, 7]], exclude=[9]).exclude
        [9]
        >>> LabelsConfig(names={"3": " "})
        Traceback (most recent call last):
        topiclab.errors.ConfigError: labels.names: topic 3 has an empty name; give it a name or leave it out of [names]
    """

    names: dict = field(default_factory=dict)
    merge: list = field(default_factory=list)
    exclude: list = field(default_factory=list)

    def __post_init__(self) -> None:
        for key, value in self.names.items():
            if not (str(key).isascii() and str(key).isdigit()):
                raise ConfigError(f"labels.names: {key!r} is not a topic number; write topic = \"name\", "
                                  'e.g. 3 = "营商环境"')
            if not isinstance(value, str):
                raise ConfigError(f"labels.names: the name of topic {key} must be text in quotes, got {value!r}")
            if not value.strip():
                raise ConfigError(f"labels.names: topic {key} has an empty name; give it a name or leave it out "
                                  "of [names]")
            if "\n" in value or "\r" in value:
                raise ConfigError(f"labels.names: the name of topic {key} holds a line break; give a one-line name")
        for group in self.merge:
            if (not isinstance(group, list) or len(group) < 2
                    or not all(isinstance(t, int) and not isinstance(t, bool) and t >= 0 for t in group)):
                raise ConfigError(f"labels.merge: expected lists of two or more topic numbers, e.g. merge = [[4, 7]], "
                                  f"got {group!r}")
        if not all(isinstance(t, int) and not isinstance(t, bool) and t >= 0 for t in self.exclude):
            raise ConfigError(f"labels.exclude: expected a list of topic numbers, e.g. exclude = [9], "
                              f"got {self.exclude!r}")

    def __bool__(self) -> bool:
        return bool(self.names or self.merge or self.exclude)

    def check_topics(self, k: int, source: str = "labels") -> None:
        """Refuse, with one line naming ``source``, labels that do not fit a run of ``k`` topics.

        Example:
            >>> LabelsConfig(merge=[[4, 7]], exclude=[7]).check_topics(10)
            Traceback (most recent call last):
            topiclab.errors.ConfigError: labels: topic 7 is both merged ([4, 7]) and excluded; keep it in one of them
        """
        numbers = [int(t) for t in self.names] + [t for group in self.merge for t in group] + list(self.exclude)
        for t in numbers:
            if t >= k:
                raise ConfigError(f"{source}: topic {t} is not a topic of this run (it has topics 0 to {k - 1}); "
                                  f"give numbers from 0 to {k - 1}")
        seen: dict[int, list[int]] = {}
        for group in self.merge:
            if len(set(group)) < len(group):
                raise ConfigError(f"{source}: merge {group} lists a topic twice; list each topic once")
            for t in group:
                if t in seen:
                    raise ConfigError(f"{source}: topic {t} is in two merges ({seen[t]} and {group}); merge them "
                                      "as one, e.g. merge = [[4, 7, 8]]")
                seen[t] = group
        for t in self.exclude:
            if t in seen:
                raise ConfigError(f"{source}: topic {t} is both merged ({seen[t]}) and excluded; keep it in one "
                                  "of them")
        merged_away = sum(len(group) - 1 for group in self.merge)
        left = k - merged_away - len(set(self.exclude))
        if left < 2:  # one topic holds every document whole: there is no share to compare
            raise ConfigError(f"{source}: merges and exclusions leave {max(left, 0)} topic{'s' * (left != 1)}; "
                              "leave at least two topics to compare")

    @classmethod
    def from_toml(cls, path: Path | str) -> LabelsConfig:
        """Read a ``labels.toml``: ``[names]``, ``merge`` and ``exclude``; anything else is an error.

        Example:
            >>> import tempfile
            >>> p = Path(tempfile.mkdtemp()) / "labels.toml"
            >>> _ = p.write_text('exclude = [9]\\n[names]\\n3 = "营商环境"\\n', encoding="utf-8")
            >>> LabelsConfig.from_toml(p)
            LabelsConfig(names={'3': '营商环境'}, merge=[], exclude=[9])
        """
        path = Path(path)
        remedy = "correct it, or delete it to use the [labels] of config.toml"
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(f"{path}: no such labels file; write one with topiclab label") from None
        except UnicodeDecodeError:
            raise InputError(f"{path}: not a UTF-8 text file; {remedy}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc}); {remedy}") from None
        unknown = sorted(set(data) - {"names", "merge", "exclude"})
        if unknown:
            raise ConfigError(f"{path}: unknown key(s) {', '.join(unknown)}; a labels file holds [names], merge "
                              "and exclude")
        for key, kind in (("names", dict), ("merge", list), ("exclude", list)):
            if not isinstance(data.get(key, kind()), kind):
                example = {"names": '[names] 3 = "营商环境"', "merge": "merge = [[4, 7]]", "exclude": "exclude = [9]"}
                raise ConfigError(f"{path}: {key} must be written as {example[key]}, got {data[key]!r}")
        try:
            return cls(**data)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from None


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
    labels: LabelsConfig = field(default_factory=LabelsConfig)

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: asdict(getattr(self, f.name)) for f in fields(self)}
        data["preprocess"] = self.preprocess.to_dict()
        if data["preprocess"]["pos"] is None:
            data["preprocess"]["pos"] = ["all"]
        data["preprocess"]["phrase_file"] = data["preprocess"]["phrase_file"] or ""
        return data

    def to_toml(self, relative_to: Path | str | None = None) -> str:
        """The configuration as TOML text; with ``relative_to``, file paths relative to that folder.

        Write a config with ``relative_to`` set to the folder it goes in: :meth:`from_toml` reads
        paths relative to the file's folder.

        Example:
            >>> c = FitConfig(input=InputConfig(path="/data/reports.csv"))
            >>> [line for line in c.to_toml(relative_to="/data/runs/r1").splitlines() if line.startswith("path")]
            ['path = "../../reports.csv"']
        """
        data = self.to_dict()
        if relative_to is not None:
            base = os.path.abspath(relative_to)
            _map_paths(data, lambda p: p if p.startswith("<") else Path(os.path.relpath(os.path.abspath(p), base))
                       .as_posix())
        return tomli_w.dumps(data)

    def input_files(self) -> list[Path]:
        """Every file this config reads: the input, the region map, dictionaries, stopwords, phrases.

        Example:
            >>> FitConfig(input=InputConfig(path="a.csv")).input_files()
            [PosixPath('a.csv')]
        """
        out: list[Path] = []

        def keep(p: str) -> str:
            out.append(Path(p))
            return p

        _map_paths(self.to_dict(), keep)
        return out

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
        """Read a config file; unknown sections and keys are errors.

        A ``labels.toml`` beside a ``config.toml`` (a run folder's, perhaps edited by hand)
        gives the ``[labels]``: rerunning the run keeps the topics' names, merges and exclusions.
        """
        path = Path(path)
        if path.is_dir() and (path / "config.toml").is_file():
            path = path / "config.toml"  # a run folder stands for its config
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(f"{path}: no such config file; give a config.toml, e.g. from a run folder") from None
        except IsADirectoryError:
            raise InputError(f"{path}: is a folder without a config.toml; give a config file") from None
        except UnicodeDecodeError:
            raise InputError(f"{path}: not a UTF-8 text file; give a config.toml") from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{path}: not valid TOML ({exc})") from None
        for section in data.values():
            if not isinstance(section, dict):
                raise InputError(f"{path}: expected [sections] of settings at the top level; "
                                 "see a run folder's config.toml")
        base = path.parent
        _map_paths(data, lambda p: p if p.startswith("<") else os.path.abspath(os.path.join(base, p)))
        labels_file = base / "labels.toml"
        if path.name == "config.toml" and labels_file.is_file():
            # a run folder's labels.toml is the file a researcher edits; config.toml's [labels] mirrors it
            data["labels"] = asdict(LabelsConfig.from_toml(labels_file))
        config = cls.from_dict(_as_written(data), source=str(path))
        config.labels.check_topics(config.model.k, str(labels_file if labels_file.is_file() else path))
        return config

    def with_values(self, values: Mapping[str, Any] | None = None, *, source: str = "settings",
                    **settings: Any) -> FitConfig:
        """A copy with settings changed by name, validated: ``"section.key"`` or a bare key that
        names one setting (``k``, ``unit``, ``no_below`` …; ``model`` stands for ``model.name``).
        Changing the model without naming a backend takes the new model's default backend.

        Example:
            >>> c = FitConfig().with_values({"model.k": 5}, unit="document", model="lda")
            >>> c.model.k, c.preprocess.unit, c.model.name
            (5, 'document', 'lda')
        """
        data = self.to_dict()
        owners: dict[str, list[str]] = {}
        for section, keys in data.items():
            for key in keys:
                owners.setdefault(key, []).append(section)
        given_values = {**(values or {}), **settings}
        names = {k for k in given_values if k in ("model", "name", "model.name")}
        backends = {k for k in given_values if k in ("backend", "model.backend")}
        if names and not backends and given_values[names.pop()] != self.model.name:
            # another model: the backend recorded for the old one (sklearn for NMF) does not carry over
            data["model"]["backend"] = ModelConfig().backend
        for given, value in given_values.items():
            section, dot, name = given.partition(".")
            if not dot:
                name = "name" if given == "model" else given
                found = owners.get(name, [])
                if len(found) != 1:
                    valid = ", ".join(sorted(owners))
                    what = f"is in {' and '.join(found)}: write section.{name}" if found else "no such setting"
                    raise ConfigError(f"{source}: {given!r}: {what}; valid names: {valid}")
                section = found[0]
            if section not in data or name not in data[section]:
                valid = ", ".join(f"{s}.{k}" for s in data for k in data[s])
                raise ConfigError(f"{source} {given!r}: no such setting; valid keys: {valid}")
            if isinstance(value, Path):
                value = str(value)
            elif isinstance(value, tuple):
                value = list(value)
            data[section][name] = value
        return FitConfig.from_dict(data, source=source)

    def with_overrides(self, sets: list[str]) -> FitConfig:
        """Apply ``section.key=value`` overrides (values parsed as TOML, else taken as text), as ``--set`` does."""
        values: dict[str, Any] = {}
        for item in sets:
            key, sep, raw = item.partition("=")
            if not sep or "." not in key:
                raise ConfigError(f"--set {item!r}: expected section.key=value, e.g. model.k=10")
            values[key.strip()] = _parse_value(raw.strip())
        return self.with_values(values, source="--set")


# Settings added after config files were first written, with the value that reproduces a file
# written before them: a run's config.toml reruns as it ran, not with today's defaults. A file is
# one topiclab wrote when its [preprocess] section holds every key topiclab wrote then.
_SINCE = {
    ("preprocess", "min_unit_tokens"): 1, ("preprocess", "page_boilerplate"): False,
    ("vectorize", "generic"): False,
}
_WRITTEN_BEFORE = frozenset(
    "engine policy_dict user_dicts stopwords boilerplate user_stopwords pos min_len han_only urls emails numbers "
    "t2s phrases phrase_min_count phrase_threshold phrase_file unit chunk_size".split()
)


def _as_written(data: dict[str, Any]) -> dict[str, Any]:
    """A config file's sections, with the settings it predates set as they were when it was written.

    Example:
        >>> old = {"preprocess": dict.fromkeys(_WRITTEN_BEFORE, 0), "vectorize": {"no_below": 2}}
        >>> _as_written(old)["vectorize"], _as_written(old)["preprocess"]["min_unit_tokens"]
        ({'no_below': 2, 'generic': False}, 1)
        >>> _as_written({"preprocess": {"unit": "paragraph"}})  # written by hand: today's defaults apply
        {'preprocess': {'unit': 'paragraph'}}
    """
    out = {name: dict(section) if isinstance(section, dict) else section for name, section in data.items()}
    written = out.get("preprocess")
    if not isinstance(written, dict) or not set(written) >= _WRITTEN_BEFORE:
        return out
    for (section, key), then in _SINCE.items():
        part = out.get(section)
        if isinstance(part, dict) and key not in part:
            part[key] = then
    return out


_PATH_KEYS = (("input", "path"), ("input", "region_map"), ("preprocess", "user_dicts"),
              ("preprocess", "user_stopwords"), ("preprocess", "phrase_file"), ("preprocess", "boilerplate_patterns"),
              ("preprocess", "boilerplate_keep"), ("vectorize", "keep_terms"), ("model", "seed_words"))


def _map_paths(data: dict[str, Any], fn: Any) -> None:
    """Replace every non-empty file path in a config's sections by ``fn(path)``, in place."""
    for section, key in _PATH_KEYS:
        part = data.get(section)
        if not isinstance(part, dict):
            continue
        value = part.get(key)
        if isinstance(value, str) and value:
            part[key] = fn(value)
        elif isinstance(value, list | tuple):
            part[key] = [fn(v) if isinstance(v, str) and v else v for v in value]


def _parse_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


_SECTION_TYPES = {"input": InputConfig, "vectorize": VectorizeConfig, "model": ModelConfig, "run": RunConfig,
                  "labels": LabelsConfig}


def _section(name: str, value: dict[str, Any], source: str) -> Any:
    if name == "preprocess":
        value = dict(value)
        if value.get("pos") in (["all"], "all"):
            value["pos"] = None
        if value.get("phrase_file") == "":
            value["phrase_file"] = None
        try:
            return PreprocessConfig().updated(**value)
        except TypeError as exc:
            raise ConfigError(f"{source}: [preprocess] {exc}") from None
        except ConfigError as exc:
            raise _sourced(exc, source) from None
    cls = _SECTION_TYPES[name]
    valid = {f.name: f for f in fields(cls)}
    unknown = sorted(set(value) - set(valid))
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) in [{name}]: {', '.join(unknown)}; valid: {', '.join(valid)}")
    default = cls()
    for key, v in value.items():
        expected = type(getattr(default, key))
        if isinstance(v, bool) or expected is bool:
            ok = isinstance(v, bool) and expected is bool
        elif expected is int:
            ok = isinstance(v, numbers.Integral)  # NumPy integers too, as pandas users hold them
            v = int(v) if ok else v
        elif expected is float:
            ok = isinstance(v, numbers.Real) or ((name, key) == ("model", "alpha") and isinstance(v, str))
            v = float(v) if ok and not isinstance(v, str) else v
        else:
            ok = isinstance(v, expected)
        if not ok:
            what = {"int": "a whole number", "float": "a number", "bool": "true or false", "str": "text"}.get(
                expected.__name__, expected.__name__)
            raise ConfigError(f"{source}: {name}.{key} must be {what}, got {v!r}")
        value = {**value, key: v}
    try:
        return replace(default, **value)
    except ConfigError as exc:
        raise _sourced(exc, source) from None


def _sourced(exc: ConfigError, source: str) -> ConfigError:
    # a setting from a file names the file; one from --set or a flag is named by its key already
    return exc if source == "--set" else ConfigError(f"{source}: {exc}")
