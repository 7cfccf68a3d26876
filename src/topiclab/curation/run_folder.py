"""A run folder's labels: read them (``labels.toml``, else ``config.toml``'s ``[labels]``), update
them, and keep ``config.toml`` and the ``label`` columns of the tables in step, each file atomically.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import tomli_w

from topiclab._io import MANIFEST, atomic_file, read_manifest
from topiclab.config import LabelsConfig
from topiclab.curation.labels import (
    LABELS_FILE,
    Curation,
    default_labels,
    labels_toml,
    normalised,
    resolve_labels,
    updated_labels,
)
from topiclab.errors import ConfigError, InputError, TopiclabError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


# topiclab.runfolder checks run folders the same way, but it imports this package (write_labels_file)
def _run_folder(run_dir: Path | str, names: Sequence[str]) -> Path:
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise InputError(f"{run_dir}: no such run folder; give a folder written by topiclab fit")
    missing = [name for name in names if not (run_dir / name).is_file()]
    if missing:
        raise InputError(f"{run_dir}: not a complete run folder; missing {', '.join(missing)} (rerun topiclab fit)")
    return run_dir


@contextmanager
def _reading(run_dir: Path) -> Iterator[None]:
    try:
        yield
    except TopiclabError:
        raise
    except (ValueError, KeyError, TypeError, IndexError) as exc:  # a table or TOML file that no longer parses
        why = str(exc).splitlines()[0] if str(exc) else ""
        raise InputError(f"{run_dir}: a file of the run folder is damaged or was edited ({type(exc).__name__}: "
                         f"{why}); rerun topiclab fit to write it again") from None


def seeded_names(model_dir: Path) -> list[str]:
    """The seeded topics' names a fit recorded (``model/result.json``), empty when none.

    Example:
        >>> seeded_names(Path("no/such/model"))
        []
    """
    try:
        names = json.loads((Path(model_dir) / "result.json").read_text(encoding="utf-8")).get("names") or []
    except (OSError, ValueError, AttributeError):
        return []
    return [str(n) for n in names] if isinstance(names, list) else []


def read_labels(run_dir: Path | str) -> LabelsConfig:
    """The labels of a run folder: its ``labels.toml`` when there is one, else its config's ``[labels]``.

    Example:
        >>> read_labels("no/such/run")
        LabelsConfig(names={}, merge=[], exclude=[])
    """
    run_dir = Path(run_dir)
    if (run_dir / LABELS_FILE).is_file():
        return LabelsConfig.from_toml(run_dir / LABELS_FILE)
    return _mirror(run_dir)


def _mirror(run_dir: Path) -> LabelsConfig:
    """The ``[labels]`` section of the run's ``config.toml`` (read alone: the input need not exist)."""
    path = run_dir / "config.toml"
    if not path.is_file():
        return LabelsConfig()
    section = tomllib.loads(path.read_text(encoding="utf-8")).get("labels", {})
    if not isinstance(section, dict) or set(section) - {"names", "merge", "exclude"}:
        raise ConfigError(f"{path}: [labels] holds names, merge and exclude only; correct it or rerun topiclab label")
    try:
        return LabelsConfig(**section)
    except (ConfigError, TypeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


def run_k(run_dir: Path) -> int:
    """The number of topics of a run folder (its ``doc_topics.csv`` columns ``topic_0`` …)."""
    header = pd.read_csv(Path(run_dir) / "doc_topics.csv", nrows=0).columns
    return sum(1 for c in header if c.startswith("topic_") and c[6:].isdigit())


def read_topics(run_dir: Path) -> pd.DataFrame:
    """A run folder's ``topics.csv`` with every term as text (a term ``2024`` or ``NA`` stays one)."""
    return pd.read_csv(Path(run_dir) / "topics.csv", dtype={"term": str, "label": str}, keep_default_na=False)


def run_curation(run_dir: Path | str, labels: LabelsConfig | None = None) -> Curation:
    """The labels of a run folder (``labels``, else :func:`read_labels`) resolved against its topics.

    Example:
        >>> run_curation("no/such/run")
        Traceback (most recent call last):
        topiclab.errors.InputError: no/such/run: no such run folder; give a folder written by topiclab fit
    """
    run_dir = _run_folder(run_dir, ("topics.csv", "doc_topics.csv"))
    with _reading(run_dir):
        file = run_dir / LABELS_FILE
        labels = read_labels(run_dir) if labels is None else labels
        return resolve_labels(labels, read_topics(run_dir), run_k(run_dir), seeded=seeded_names(run_dir / "model"),
                              source=str(file) if file.is_file() else "labels")


def label_run(
    run_dir: Path | str, *, names: Mapping[int, str] | None = None, merge: Sequence[Sequence[int]] = (),
    exclude: Sequence[int] = (), clear: bool = False,
) -> tuple[Curation, list[str]]:
    """Add names, merges and exclusions to a run folder's labels (after ``clear``: replace them).

    Writes ``labels.toml``, the ``[labels]`` of ``config.toml`` and the ``label`` and
    ``dominant_label`` columns of ``topics.csv`` and ``doc_topics.csv``, each file atomically.
    With nothing to add, a hand-edited ``labels.toml`` is checked and copied into the rest.
    Returns the resolved labels and the names of the files written.

    Example:
        >>> label_run("no/such/run", exclude=[9])
        Traceback (most recent call last):
        topiclab.errors.InputError: no/such/run: no such run folder; give a folder written by topiclab fit
    """
    run_dir = _run_folder(run_dir, ("topics.csv", "doc_topics.csv", "config.toml", "manifest.json"))
    changes = bool(names or merge or exclude or clear)
    file = run_dir / LABELS_FILE
    with _reading(run_dir):
        topics, k, seeded = read_topics(run_dir), run_k(run_dir), seeded_names(run_dir / "model")
        current = LabelsConfig() if clear else read_labels(run_dir)
        current.check_topics(k, str(file) if file.is_file() else str(run_dir / "config.toml"))
        new = updated_labels(current, names=names, merge=merge, exclude=exclude) if changes else current
        curation = resolve_labels(new, topics, k, seeded=seeded)
        wrote = []
        if changes or (new and not file.is_file()):  # a hand-edited file is kept as its author wrote it
            with atomic_file(file) as fh:
                fh.write(labels_toml(new))
            _list_in_manifest(run_dir, LABELS_FILE)
            wrote.append(LABELS_FILE)
        wrote += _write_tables(run_dir, curation, default_labels(topics, k, seeded))
        if _write_mirror(run_dir, normalised(new)):
            wrote.append("config.toml")
    return curation, wrote


def write_labels_file(folder: Path | str, labels: LabelsConfig, k: int) -> None:
    """Give a run folder being written (``model/`` and the tables already in it) the fit config's labels:
    ``labels.toml`` and the ``label`` columns. Nothing happens for empty labels.

    Example:
        >>> write_labels_file("no/such/run", LabelsConfig(), 10)  # no labels: nothing to write
    """
    if not labels:
        return
    folder, labels = Path(folder), normalised(labels)
    topics, seeded = read_topics(folder), seeded_names(Path(folder) / "model")
    curation = resolve_labels(labels, topics, k, seeded=seeded)
    with atomic_file(folder / LABELS_FILE) as fh:
        fh.write(labels_toml(labels))
    _write_tables(folder, curation, default_labels(topics, k, seeded))


def _write_tables(folder: Path, curation: Curation, defaults: dict[int, str]) -> list[str]:
    """Rewrite the ``label`` column of topics.csv and ``dominant_label`` of doc_topics.csv where they
    exist and differ; every other byte of the files stays as it was."""
    label = {t: curation.labels[t] if t in curation.named else defaults[t] for t in range(curation.k)}
    wrote = []
    for name, column, key in (("topics.csv", "label", "topic"), ("doc_topics.csv", "dominant_label", "dominant_topic")):
        path = folder / name
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        if column not in table.columns:
            continue
        new = [label[int(float(t))] if t.strip() else "" for t in table[key]]
        if new != table[column].tolist():
            table[column] = new
            with atomic_file(path) as fh:
                table.to_csv(fh, index=False, lineterminator="\n")
            wrote.append(name)
    return wrote


def _write_mirror(run_dir: Path, labels: LabelsConfig) -> bool:
    """Put ``labels`` in config.toml's ``[labels]``, the rest of the file unchanged; False if it held them."""
    path = run_dir / "config.toml"
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    wanted = {"names": dict(labels.names), "merge": labels.merge, "exclude": labels.exclude}
    held = data.get("labels")
    if held == wanted or (held is None and not labels):  # a config from before [labels] stays as it is
        return False
    data["labels"] = wanted
    new = tomli_w.dumps(data)
    with atomic_file(path) as fh:
        fh.write(new)
    return True


def _list_in_manifest(run_dir: Path, name: str) -> None:
    # the manifest lists a run's files: --overwrite replaces only a folder holding nothing else
    manifest = read_manifest(run_dir)
    if manifest is None or not isinstance(manifest.get("files"), list) or name in manifest["files"]:
        return
    manifest["files"] = sorted({*manifest["files"], name})
    with atomic_file(run_dir / MANIFEST) as fh:
        fh.write(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def labels_summary(run_dir: Path | str, curation: Curation, n: int = 5) -> pd.DataFrame:
    """``topic, label, status, top terms``: a run's topics as its labels make them, to print.

    Example:
        >>> labels_summary("no/such/run", resolve_labels(LabelsConfig(), k=2))
        Traceback (most recent call last):
        topiclab.errors.InputError: no/such/run: no such run folder; give a folder written by topiclab fit
    """
    run_dir = _run_folder(run_dir, ("topics.csv",))
    with _reading(run_dir):
        topics = read_topics(run_dir)
        top = topics[topics["rank"] <= n].sort_values(["topic", "rank"])
        terms = {int(t): " ".join(g["term"]) for t, g in top.groupby("topic")}
    return pd.DataFrame({"topic": range(curation.k), "label": [curation.labels[t] for t in range(curation.k)],
                         "status": [curation.status(t) for t in range(curation.k)],
                         "top terms": [terms.get(t, "") for t in range(curation.k)]})
