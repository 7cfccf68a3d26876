"""Write a fit as a run folder, atomically: everything needed to read and repeat the run.

========================  ============================================================
``topics.csv``            ``topic, rank, term, weight, label``: the top 30 terms of each
                          topic; ``label`` a seeded topic's name, else its top 3 terms
``doc_topics.csv``        ``doc_id``, metadata, ``dominant_topic``, ``dominant_label``,
                          ``topic_0`` … (units aggregated to documents, weighted by their
                          token counts)
``unit_topics.csv``       per unit, when units are paragraphs or chunks
``metrics.json``          coherence (npmi, c_v, umass), diversity, perplexity or
                          silhouette, label agreement, sizes, k, seed, model
``config.toml``           the full resolved configuration: ``topiclab fit --config`` on it
                          repeats the run
``manifest.json``         topiclab and dependency versions, segmenter engine, input hash
``timings.json``          seconds per stage (the one file that differs between reruns)
``tokens.jsonl``          the units' tokens, for comparisons and figures
``boilerplate.csv``       ``reason, documents, text``: the boilerplate lines removed before
                          segmentation (page chrome, mastheads, datelines, repeated lines)
``generic_terms.csv``     ``term, share, ridf``: the generic words left out of the vocabulary
``topic_quality.csv``     ``topic, exclusivity, npmi, frex_terms, empty``: each topic's exclusivity
                          and coherence, its top terms by FREX (frequent and exclusive), and
                          whether it holds no words (a sampler emptied it; its terms mean nothing)
``seed_words.csv``        seeded topics only: ``topic, label, word, in_vocabulary, rank,
                          weight``, where each seed word ranks among its topic's terms
``topics_over_time.csv``  ``--model dtm`` only: ``period, topic, rank, term, weight``
``labels.toml``           the researcher's names, merges and exclusions (``topiclab label``), when
                          the config has any
``model/``                ``result.npz``/``result.json``, ``estimator.pkl`` and ``phrases.tsv``
                          (:func:`topiclab.apply.load_model` applies them to new texts)
========================  ============================================================

The folder is built beside its destination and renamed into place at the end, so an existing
folder is never half-overwritten.
"""

from __future__ import annotations

import json
import pickle
import platform
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from topiclab._io import atomic_dir
from topiclab.config import ModelConfig
from topiclab.corpus import Corpus, write_jsonl
from topiclab.csv_out import write_fixed6_csv
from topiclab.curation import write_labels_file
from topiclab.errors import InputError, TopiclabError
from topiclab.models.seeding import seed_ranks
from topiclab.preprocess.output import write_units_jsonl
from topiclab.preprocess.phrases import phrases_to_tsv
from topiclab.preprocess.segment import engine_version
from topiclab.validation import term_counts, topic_quality

if TYPE_CHECKING:  # readers of run folders (compare, report) need none of the fitting code
    from topiclab.pipeline import FitRun

RUN_FORMAT = 1
TOP_BY_PERIOD = 15  # terms a topic a period in topics_over_time.csv
# every package whose version can change a result
_PACKAGES = ("topiclab", "numpy", "scipy", "pandas", "scikit-learn", "gensim", "tomotopy", "jieba", "rjieba",
             "stopwordsiso", "threadpoolctl", "topica")


def default_run_dir(model: ModelConfig, root: Path = Path("runs")) -> Path:
    """``runs/<UTC time>-<model>-k<k>-s<seed>``.

    Example:
        >>> default_run_dir(ModelConfig(k=8)).name.endswith("-nmf-k8-s1")
        True
    """
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return root / f"{stamp}-{model.name}-k{model.k}-s{model.seed}"


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def write_run(fit: FitRun, out: Path, *, overwrite: bool = False, embed: Corpus | None = None) -> Path:
    """Write ``fit`` to ``out`` (see the module docstring); return ``out``.

    ``embed``: the corpus as read (before regions were inferred), for a fit on data in memory;
    it is written as ``corpus.jsonl`` and the run's ``config.toml`` reads its input from there,
    so rerunning the config repeats the fit.

    Example:
        >>> import tempfile
        >>> from topiclab.config import FitConfig
        >>> from topiclab.pipeline import run
        >>> out = write_run(run(FitConfig().with_overrides(["model.k=3"]), cache_dir=None),
        ...                 Path(tempfile.mkdtemp()) / "run")
        >>> sorted(p.name for p in out.iterdir())[:5]
        ['boilerplate.csv', 'config.toml', 'doc_topics.csv', 'generic_terms.csv', 'manifest.json']
    """
    protect = fit.config.input_files() if embed is None else []
    with atomic_dir(out, overwrite=overwrite, kind="run", protect=protect) as tmp:
        fit.result.topics_frame(30).to_csv(tmp / "topics.csv", index=False, float_format="%.6f", lineterminator="\n")
        write_fixed6_csv(fit.doc_topics(), tmp / "doc_topics.csv")
        if fit.config.preprocess.unit != "document":
            write_fixed6_csv(fit.unit_topics(), tmp / "unit_topics.csv")
        _dump(tmp / "metrics.json", fit.metrics)
        config = fit.config
        if embed is not None:
            write_jsonl(embed, tmp / "corpus.jsonl")
            config = config.with_values({"input.path": str(Path(out) / "corpus.jsonl"), "input.format": "jsonl",
                                         "input.text_col": "text", "input.id_col": "", "input.sep": ""})
        (tmp / "config.toml").write_text(config.to_toml(relative_to=out), encoding="utf-8")
        manifest = {
            "format": RUN_FORMAT, "versions": _versions(), "engine": engine_version(fit.config.preprocess.engine),
            "input_sha256": fit.input_sha256, "n_docs": len(fit.corpus), "units": fit.config.preprocess.unit,
            "skipped": [item for source in fit.corpus.sources for item in source.skipped],
            "boilerplate_lines": fit.units.page_removed, "generic_terms": len(fit.generic),
        }
        _dump(tmp / "manifest.json", manifest)
        _dump(tmp / "timings.json", {k: round(v, 3) for k, v in fit.timings.items()})
        write_units_jsonl(fit.units, tmp / "tokens.jsonl")
        pd.DataFrame(fit.units.page_lines, columns=["reason", "text", "documents"])[["reason", "documents", "text"]] \
            .to_csv(tmp / "boilerplate.csv", index=False, lineterminator="\n")
        pd.DataFrame([(g.term, g.share, g.ridf) for g in fit.generic], columns=["term", "share", "ridf"]) \
            .to_csv(tmp / "generic_terms.csv", index=False, float_format="%.6f", lineterminator="\n")
        tokens = fit.units.tokens
        quality = topic_quality(fit.result.topic_term, fit.result.terms, term_counts(tokens, fit.result.terms),
                                texts=tokens, top_n=fit.config.run.top_n)
        quality["empty"] = quality["topic"].isin(fit.result.empty_topics())  # no words: its terms are term order
        quality.to_csv(tmp / "topic_quality.csv", index=False, float_format="%.6f", lineterminator="\n")
        for name, table in model_tables(fit).items():
            table.to_csv(tmp / f"{name}.csv", index=False, float_format="%.6f", lineterminator="\n")
        fit.result.save(tmp / "model")
        (tmp / "model" / "phrases.tsv").write_text(phrases_to_tsv(fit.units.phrases), encoding="utf-8")
        with (tmp / "model" / "estimator.pkl").open("wb") as fh:
            pickle.dump({"estimator": fit.estimator, "terms": fit.vocabulary.terms}, fh, protocol=4)
        write_labels_file(tmp, config.labels, fit.result.k)  # reads the seeded names saved in model/
    return out


def model_tables(fit: FitRun) -> dict[str, pd.DataFrame]:
    """The tables only some models have: ``seed_words`` (where each seed word ranks in its topic),
    ``topics_over_time`` (a dynamic model's top terms in each period).

    Example:
        >>> from topiclab.config import FitConfig
        >>> from topiclab.pipeline import run
        >>> model_tables(run(FitConfig().with_overrides(["model.k=3"]), cache_dir=None))
        {}
    """
    out: dict[str, pd.DataFrame] = {}
    if fit.seeds:
        out["seed_words"] = seed_ranks(fit.result.topic_term, fit.result.terms, fit.seeds)
    by_period = getattr(fit.estimator, "topic_term_by_period_", None)
    if by_period is not None:
        terms = fit.result.terms
        rows: list[tuple[str, int, int, str, float]] = []
        for period, topic_term in zip(fit.estimator.periods_, by_period):
            order = np.argsort(-topic_term, axis=1, kind="stable")[:, :TOP_BY_PERIOD]
            rows.extend((period, t, r + 1, terms[j], float(topic_term[t, j]))
                        for t in range(len(order)) for r, j in enumerate(order[t]))
        out["topics_over_time"] = pd.DataFrame(rows, columns=["period", "topic", "rank", "term", "weight"])
    return out


def input_changed(config_path: Path | str, fit: FitRun) -> str | None:
    """A note when ``fit`` read other documents than the run whose ``config.toml`` it repeats, else None.

    Compares the input hash of the run folder's manifest (beside ``config_path``) with the new fit's.

    Example:
        >>> input_changed("no/such/config.toml", None) is None  # no manifest beside it: nothing to compare
        True
    """
    path = Path(config_path)
    folder = path if path.is_dir() else path.parent
    try:
        before = json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("input_sha256")
    except (OSError, ValueError, AttributeError):
        return None
    if not before or before == fit.input_sha256:
        return None
    return (f"the input differs from the one {folder} was fit on (its documents' SHA-256 changed), so the "
            "results differ from that run's")


def _dump(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def require_run_files(run_dir: Path | str, names: Sequence[str]) -> Path:
    """``run_dir`` as a Path, after checking it is a folder holding every file in ``names``.

    Example:
        >>> require_run_files("no/such/run", ["topics.csv"])
        Traceback (most recent call last):
        topiclab.errors.InputError: no/such/run: no such run folder; give a folder written by topiclab fit
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise InputError(f"{run_dir}: no such run folder; give a folder written by topiclab fit")
    missing = [name for name in names if not (run_dir / name).is_file()]
    if missing:
        raise InputError(f"{run_dir}: not a complete run folder; missing {', '.join(missing)} (rerun topiclab fit)")
    return run_dir


@contextmanager
def damaged(run_dir: Path | str) -> Iterator[None]:
    """Turn a failure to parse a run folder's files into one line naming the folder.

    A run folder's files are topiclab's own; one that no longer parses was cut short, damaged or
    edited by hand, and the remedy is to write it again.

    Example:
        >>> with damaged("runs/x"):  # doctest: +ELLIPSIS
        ...     json.loads("{")
        Traceback (most recent call last):
        topiclab.errors.InputError: runs/x: a file of the run folder is damaged or was edited (JSONDecodeError: ...
    """
    try:
        yield
    except TopiclabError:
        raise
    except (ValueError, KeyError, TypeError, IndexError, EOFError, pickle.UnpicklingError, zipfile.BadZipFile,
            AttributeError) as exc:
        why = str(exc).splitlines()[0] if str(exc) else ""
        raise InputError(f"{run_dir}: a file of the run folder is damaged or was edited ({type(exc).__name__}: "
                         f"{why}); rerun topiclab fit to write it again") from None


def read_run_tokens(run_dir: Path) -> list[tuple[str, str, list[str]]]:
    """``(unit_id, doc_id, tokens)`` for every unit of a run folder's ``tokens.jsonl``, in order.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "tokens.jsonl").write_text('{"unit_id": "a#p0", "doc_id": "a", "tokens": ["长三角"]}\\n',
        ...                                          encoding="utf-8")
        >>> read_run_tokens(folder)
        [('a#p0', 'a', ['长三角'])]
    """
    text = (Path(run_dir) / "tokens.jsonl").read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if line]  # \n only: a token may hold U+2028
    return [(r["unit_id"], r["doc_id"], r["tokens"]) for r in map(json.loads, lines)]
