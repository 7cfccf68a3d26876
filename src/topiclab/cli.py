"""The ``topiclab`` command: parses arguments and calls the importable pipeline.

Each sub-command is a function ``_cmd_NAME(args)``; errors from bad input or settings
(:class:`~topiclab.errors.TopiclabError`) are printed as one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from topiclab._io import check_destination, check_file_destination, require_path
from topiclab.cli_intrusion import add_parser as add_intrusion_parsers
from topiclab.cli_label import add_parser as add_label_parser
from topiclab.cluster import client as cluster_client
from topiclab.cluster import use_scheduler
from topiclab.errors import ConfigError, InputError, TopiclabError
from topiclab.names import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_ENGINE,
    DEFAULT_MIN_LEN,
    DEFAULT_MIN_UNIT_TOKENS,
    DEFAULT_POS,
    ENGINES,
    FORMATS,
    LDA_BACKENDS,
    MODELS,
    ON_ERROR,
    TIME_BINS,
    UNITS,
    VERSION,
)

if TYPE_CHECKING:
    from topiclab.corpus import Corpus

EXIT_USAGE = 2

_DESCRIPTION = """\
Topic modeling for Chinese text.

Start with `topiclab fit`: with no input it reads the embedded seed corpus (one issue
of 《长三角观察》, 23 articles). Give it your own corpus as a newsletter .txt, a folder of
.txt files, or a CSV/TSV/JSONL/Parquet table with a text column.
"""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: the problem and where to read more, no usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}; see '{self.prog} --help'\n")


def _add_source_args(p: argparse.ArgumentParser, *, optional_input: bool) -> None:
    if optional_input:
        p.add_argument("input", nargs="?", type=Path, help="corpus file or folder (default: the embedded seed)")
    else:
        p.add_argument("input", type=Path, help="a .txt newsletter or text, a folder of .txt files, or a table")
    p.add_argument("--format", default="auto", choices=FORMATS, help="how to read INPUT (default: from its suffix)")
    p.add_argument("--text-col", default="text", metavar="C", help="table column holding the text (default: text)")
    p.add_argument("--id-col", default=None, metavar="C",
                   help="table column holding document ids (default: row numbers)")
    p.add_argument("--sep", default=None, metavar="CHAR",
                   help="delimiter of a CSV/TSV table: one character, or 'tab' (default: ',' for .csv, tab for .tsv)")
    p.add_argument("--on-error", default="stop", choices=ON_ERROR,
                   help="a folder's undecodable file or a table's malformed row: stop at the first (default) or "
                   "skip it (skipped ones are counted and listed)")
    p.add_argument("--region-col", default=None, metavar="C",
                   help="metadata column with each document's region (default: 'region' if present)")
    p.add_argument("--region-map", default=None, type=Path, metavar="FILE",
                   help="CSV/TSV with doc_id,region (per document) or name,region (extra place names)")


def _sep(args: argparse.Namespace) -> str | None:
    sep = args.sep
    return "\t" if sep in ("tab", "\\t", "TAB") else sep


def _add_preprocess_args(p: argparse.ArgumentParser) -> None:
    """The preprocessing options, one group shared by every command that preprocesses.

    Options left out are None, so that a ``--config`` file's values stand; the help states the
    default that applies then (the same for every command).
    """
    g = p.add_argument_group("preprocessing (defaults as for topiclab.fit)")
    g.add_argument("--unit", default=None, choices=UNITS,
                   help="what a unit of text is (default: auto, paragraphs below 200 documents or when the median "
                   "document has 5,000 characters or more, else documents)")
    g.add_argument("--chunk-size", type=int, default=None, metavar="N",
                   help=f"tokens a chunk with --unit chunk (default: {DEFAULT_CHUNK_SIZE})")
    g.add_argument("--min-unit-tokens", type=int, default=None, metavar="N",
                   help="with paragraph or chunk units, one with fewer tokens joins its neighbour in the same "
                   f"document (default: {DEFAULT_MIN_UNIT_TOKENS}; 1 keeps every paragraph)")
    g.add_argument("--no-page-boilerplate", dest="page_boilerplate", action="store_const", const=False,
                   default=None, help="keep the lines of scraped pages that are not text: page chrome, metadata "
                   "lines, datelines, lines repeated across documents (default: removed before segmentation and "
                   "counted; a run lists them in boilerplate.csv)")
    g.add_argument("--boilerplate-pattern", dest="boilerplate_patterns", action="append", default=None,
                   metavar="FILE", help="file of regular expressions, one a line: lines of the text matching one "
                   "are removed before segmentation, even with --no-page-boilerplate (repeatable; default: none)")
    g.add_argument("--boilerplate-keep", dest="boilerplate_keep", action="append", default=None, metavar="FILE",
                   help="file of regular expressions, one a line: lines matching one are never removed as "
                   "boilerplate (repeatable; default: none)")
    g.add_argument("--engine", default=None, choices=ENGINES,
                   help=f"segmenter: rjieba (fast, jieba.posseg's output) or jieba, the reference (default: "
                   f"{DEFAULT_ENGINE})")
    g.add_argument("--dict", dest="user_dicts", action="append", default=None, metavar="FILE",
                   help="user dictionary in jieba's format 'word [freq] [tag]' (repeatable; default: none)")
    g.add_argument("--no-policy-dict", dest="policy_dict", action="store_const", const=False, default=None,
                   help="do not use the bundled dictionary of 382 policy terms (default: used)")
    g.add_argument("--stopwords", dest="user_stopwords", action="append", default=None, metavar="FILE",
                   help="extra stopword list, one word a line (repeatable; default: none)")
    g.add_argument("--no-stopwords", dest="stopwords", action="store_const", const=False, default=None,
                   help="keep function words (default: stopwords-iso's Chinese list removes them)")
    g.add_argument("--no-boilerplate", dest="boilerplate", action="store_const", const=False, default=None,
                   help="keep the policy-boilerplate word list's words such as 推动, 加强, 进一步 (default: removed; "
                   "for the lines of scraped pages see --no-page-boilerplate)")
    g.add_argument("--pos", default=None, metavar="TAGS",
                   help=f"comma-separated part-of-speech tags to keep, or 'all' (default: {','.join(DEFAULT_POS)})")
    g.add_argument("--min-len", type=int, default=None, metavar="N",
                   help=f"shortest token kept, in characters (default: {DEFAULT_MIN_LEN})")
    g.add_argument("--keep-non-han", dest="han_only", action="store_const", const=False, default=None,
                   help="keep tokens with Latin letters or digits (default: removed)")
    g.add_argument("--no-phrases", dest="phrases", action="store_const", const=False, default=None,
                   help="do not join phrases found in the corpus (default: joined)")
    g.add_argument("--phrases", dest="phrase_file", default=None, metavar="FILE",
                   help="apply exactly the phrases of this table, as a run's model/phrases.tsv (default: learn them)")
    g.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes; results are the same for any number (default: 1)")
    g.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="a Dask scheduler (tcp://host:8786) whose workers segment the batches and fit a sweep's runs; "
                   "the same results as one process; needs the dask extra (default: $TOPICLAB_SCHEDULER, or none)")
    g.add_argument("--cache-dir", type=Path, default=None, metavar="DIR",
                   help="preprocessing cache (default: $TOPICLAB_CACHE or ~/.cache/topiclab)")
    g.add_argument("--no-cache", action="store_true", help="neither read nor write the cache (default: use it)")
    g.add_argument("--quiet", action="store_true", help="no progress bar (default: a bar on a terminal)")


_PREPROCESS_KEYS = ("unit", "chunk_size", "min_unit_tokens", "page_boilerplate", "boilerplate_patterns",
                    "boilerplate_keep", "engine", "user_dicts", "policy_dict", "user_stopwords", "stopwords",
                    "boilerplate", "pos", "min_len", "han_only", "phrases", "phrase_file")


def _preprocess_values(args: argparse.Namespace) -> dict[str, Any]:
    """The preprocessing options given on the command line, as settings."""
    values = {key: getattr(args, key) for key in _PREPROCESS_KEYS if getattr(args, key, None) is not None}
    if "pos" in values:
        pos = values["pos"].strip()
        values["pos"] = "all" if pos.lower() == "all" else [t.strip() for t in pos.split(",") if t.strip()]
    return values


def _preprocess_config(args: argparse.Namespace) -> Any:
    from topiclab.config import FitConfig

    values = {f"preprocess.{k}": v for k, v in _preprocess_values(args).items()}
    return FitConfig().with_values(values, source="--set").preprocess


def _cache_dir(args: argparse.Namespace) -> Path | None:
    from topiclab.cache import default_cache_dir

    return None if args.no_cache else (args.cache_dir or default_cache_dir())


def _workers(args: argparse.Namespace) -> int:
    return 1 if args.workers is None else int(args.workers)  # 0 is an error to report, not "the default"


def _cache(args: argparse.Namespace) -> bool | Path:
    return False if args.no_cache else (args.cache_dir or True)


def _progress(args: argparse.Namespace) -> bool:
    return not getattr(args, "quiet", False) and sys.stderr.isatty()


def _add_fit_args(p: argparse.ArgumentParser, *, single: bool = True) -> None:
    g = p.add_argument_group("model")
    g.add_argument("--config", type=Path, default=None, metavar="FILE", help="a config.toml (e.g. from a run folder)")
    g.add_argument("--model", choices=MODELS, default=None,
                   help="nmf (the default: the most coherent across eight genres, experiments/genre_defaults), "
                   "lda (with --seed-words for seeded topics), kmeans, agglomerative, stm (covariates in the fit: "
                   "--prevalence) or dtm (topics whose words change over time: --time-col)")
    g.add_argument("--backend", choices=LDA_BACKENDS, default=None,
                   help="LDA implementation: tomotopy (Gibbs sampling, the default), sklearn or gensim")
    if single:
        g.add_argument("--k", type=int, default=None, metavar="N", help="number of topics or clusters (default: 10)")
        g.add_argument("--seed", type=int, default=None, metavar="S",
                       help="random seed, 0 to 4294967295 (default: 1)")
    g.add_argument("--label-col", default=None, metavar="C", help="metadata column of known labels (NMI, ARI, purity)")
    g.add_argument("--shards", type=int, default=None, metavar="N",
                   help="LDA (tomotopy) samples in N fixed shards, one thread each: the same result for a seed and N "
                   "on any machine, whatever --workers (default: 0, auto: 1 below a million tokens, else 4)")
    g.add_argument("--prevalence", default=None, metavar="FORMULA",
                   help='with --model stm: the covariates of topic prevalence, e.g. "~ region + s(year)" (columns; '
                   "s(x) a smooth; text columns categorical); compare then reports the model's own effects")
    g.add_argument("--seed-words", default=None, type=Path, metavar="FILE",
                   help='with --model lda: a TOML file of seeded topics, one a line: 营商环境 = ["营商环境", "审批"]; '
                   "seeded topics come first and carry their names, --k beyond them adds free topics")
    g.add_argument("--time-col", default=None, metavar="C",
                   help="with --model dtm: metadata column of each document's date or year (the time slices)")
    g.add_argument("--time-bin", default=None, choices=TIME_BINS,
                   help="with --model dtm: the length of a time slice (default: year)")

    v = p.add_argument_group("vocabulary")
    v.add_argument("--no-generic", dest="generic", action="store_const", const=False, default=None,
                   help="keep the corpus's generic words (default: words spread evenly over the documents and about no "
                   "topic, by residual IDF, are left out of the vocabulary and listed in generic_terms.csv)")
    v.add_argument("--keep-terms", default=None, metavar="FILE",
                   help="words (one a line) never left out as generic (default: none; place names never are)")
    g.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                   help="override one setting, e.g. --set model.max_iter=100 (repeatable)")
    g.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="run folder to create (default: runs/<time>-<model>-k<k>-s<seed>)" if single else
                   "folder to create for the sweep's tables and figure (required)")
    g.add_argument("--overwrite", action="store_true",
                   help="replace --out in one step if it is a folder topiclab wrote and holds nothing else")


def _fit_config(args: argparse.Namespace) -> Any:
    from topiclab.config import FitConfig

    config = FitConfig.from_toml(args.config) if args.config else FitConfig()
    flags = {
        "input.path": str(args.input) if args.input is not None else None,
        "input.format": args.format if args.format != "auto" else None,
        "input.text_col": args.text_col if args.text_col != "text" else None,
        "input.id_col": args.id_col, "input.label_col": args.label_col, "input.sep": _sep(args),
        "input.on_error": args.on_error if args.on_error != "stop" else None,
        "input.region_col": args.region_col, "input.region_map": str(args.region_map) if args.region_map else None,
        "model.name": args.model, "model.backend": args.backend, "model.prevalence": args.prevalence,
        "model.seed_words": str(args.seed_words) if args.seed_words else None, "model.time_col": args.time_col,
        "model.time_bin": args.time_bin, "model.shards": args.shards,
        "model.k": getattr(args, "k", None), "model.seed": getattr(args, "seed", None),
        "run.workers": args.workers, "vectorize.generic": args.generic,
        "vectorize.keep_terms": str(args.keep_terms) if args.keep_terms else None,
        **{f"preprocess.{k}": v for k, v in _preprocess_values(args).items()},
    }
    config = config.with_values({key: value for key, value in flags.items() if value is not None}, source="--set")
    return config.with_overrides(list(args.sets))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``topiclab`` command.

    Example:
        >>> build_parser().parse_args(["corpus", "a.csv", "--text-col", "body"]).text_col
        'body'
    """
    parser = _Parser(
        prog="topiclab", description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"topiclab {VERSION}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser(
        "corpus",
        help="read a corpus, print a summary and optionally write it as JSON lines",
        description="Read INPUT into documents with metadata and regions; print a summary; "
        "with --out write one JSON object a line: {doc_id, text, meta}.",
    )
    _add_source_args(p, optional_input=False)
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help="write the corpus here (JSON lines)")
    p.add_argument("--overwrite", action="store_true", help="replace --out if topiclab wrote it")
    p.set_defaults(func=_cmd_corpus)

    p = sub.add_parser(
        "preprocess",
        help="segment, tag and filter a corpus into token lists",
        description="Normalise, segment and tag INPUT with jieba's dictionary and semantics (fast engine by "
        "default), join phrases found in the corpus, filter stopwords, boilerplate and parts of speech, and "
        "cut into units. Prints what was removed and the phrases found.",
    )
    _add_source_args(p, optional_input=False)
    _add_preprocess_args(p)
    p.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="write units as JSON lines {unit_id, doc_id, tokens}; phrases go beside it, FILE's stem + "
                   ".phrases.tsv (tokens.jsonl: tokens.phrases.tsv)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace --out (and its phrase table) if topiclab wrote them")
    p.set_defaults(func=_cmd_preprocess)

    p = sub.add_parser(
        "fit",
        help="fit topics on a corpus (default: the embedded seed) and write a run folder",
        description="Read INPUT (default: the embedded seed corpus), preprocess it, fit a topic model and write "
        "a run folder: topics.csv, doc_topics.csv, metrics.json, config.toml (rerunning it repeats the run), "
        "manifest.json, the model and the tokens. Settings come from the defaults, then --config, then the "
        "options below, then --set.",
    )
    _add_source_args(p, optional_input=True)
    _add_fit_args(p)
    _add_preprocess_args(p)
    p.set_defaults(func=_cmd_fit)
    p = sub.add_parser(
        "sweep",
        help="fit every k x seed and compare coherence, exclusivity, diversity and stability",
        description="Preprocess INPUT once, fit the configured model for every k and seed (in parallel with "
        "--workers), and write runs.csv (every fit), summary.csv (means by k, exclusivity, the coherence-"
        "exclusivity frontier as stm's searchK, and stability across seeds: topics matched by the Hungarian "
        "algorithm), metrics_vs_k.png/.svg, coherence_exclusivity.png/.svg and config.toml into --out.",
    )
    _add_source_args(p, optional_input=True)
    _add_fit_args(p, single=False)
    _add_preprocess_args(p)
    p.add_argument("--k", dest="k_range", default="5:30:5", metavar="RANGE",
                   help="k values: start:stop:step or a list, e.g. 5:30:5 or 5,10,20 (default: %(default)s)")
    p.add_argument("--seeds", default="1,2,3", metavar="LIST", help="seeds, e.g. 1,2,3 (default: %(default)s)")
    p.set_defaults(func=_cmd_sweep)

    p = sub.add_parser(
        "compare",
        help="compare topic prevalence between groups (regions by default) with uncertainty",
        description="Read a run folder and write prevalence.csv (means by group with bootstrap intervals), "
        "differences.csv (pairs and group-vs-rest: difference, interval, permutation p, BH q), "
        "distinctive_terms.csv and distinctive_terms_by_topic.csv (weighted log-odds, informative Dirichlet "
        "prior), divergence.csv (Jensen-Shannon against a permutation baseline), effects.csv (regression on "
        "group and covariates, with the model's posterior uncertainty for LDA; for an STM run, the model's own "
        "effects of its formula by the method of composition, and effects_predicted.csv) and topic_labels.csv "
        "(names, merges, exclusions from topiclab label). Groups under --min-docs documents are flagged and "
        "never marked significant. --time-col adds prevalence over time.",
    )
    p.add_argument("run_dir", type=Path, help="a folder written by topiclab fit")
    p.add_argument("--by", default="region", metavar="COLUMN", help="metadata column to group by (default: region)")
    p.add_argument("--ci", type=float, default=0.95, help="interval level (default: %(default)s)")
    p.add_argument("--n-boot", type=int, default=2000, metavar="N",
                   help="resamples and permutations (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: %(default)s)")
    p.add_argument("--min-docs", type=int, default=5, metavar="N",
                   help="groups with fewer documents are flagged (default: %(default)s)")
    p.add_argument("--reference", default=None, metavar="GROUP",
                   help="compare every group with this one (default: every pair; effects against the first group)")
    p.add_argument("--covariates", default="", metavar="COLS",
                   help="extra metadata columns for effects.csv, comma-separated (numeric as is, others as dummies); "
                   "a run fitted with --model stm reports its own formula's effects instead")
    p.add_argument("--time-col", default=None, metavar="C",
                   help="metadata column of dates or years: also write prevalence_over_time.csv (bootstrap bands), "
                   "trends.csv (slope with interval: rising, falling or flat) and the figure, for the corpus and by "
                   "--by")
    p.add_argument("--bin", dest="time_bin", default="year", choices=TIME_BINS,
                   help="period of --time-col: year, quarter, month or day (default: %(default)s)")
    p.add_argument("--out", type=Path, default=None, metavar="DIR", help="default: RUN_DIR/compare-COLUMN")
    p.add_argument("--overwrite", action="store_true",
                   help="replace --out in one step if it is a folder topiclab wrote and holds nothing else")
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser(
        "report",
        help="write one HTML page (and a Markdown twin) describing a run folder",
        description="Write report.html (self-contained: figures embedded) and report.md with figures/ for a run "
        "folder: corpus summary, settings, metrics, topics with top terms, top-terms and composition figures, "
        "and the tables and figures of every compare-* folder in it.",
    )
    p.add_argument("run_dir", type=Path, help="a folder written by topiclab fit")
    p.add_argument("--out", type=Path, default=None, metavar="DIR", help="default: RUN_DIR/report")
    p.add_argument("--ldavis", action="store_true",
                   help="also write ldavis.html, the pyLDAvis view (needs: pip install 'topiclab[vis]')")
    p.add_argument("--overwrite", action="store_true",
                   help="replace --out in one step if it is a folder topiclab wrote and holds nothing else")
    p.set_defaults(func=_cmd_report)
    add_intrusion_parsers(sub)  # intrusion, intrusion-score
    add_label_parser(sub)  # label: names, merges, exclusions
    return parser


def _load(args: argparse.Namespace, *, regions: bool = True) -> Corpus:
    from topiclab.corpus import load_corpus, seed_path

    return load_corpus(
        args.input if args.input is not None else seed_path(),
        format=args.format,
        text_col=args.text_col,
        id_col=args.id_col,
        region_col=args.region_col,
        region_map=args.region_map,
        regions=regions,
        sep=_sep(args),
        on_error=args.on_error,
    )


def _inputs(args: argparse.Namespace) -> list[Path]:
    """The files a command reads, checked to exist before any heavy import or long work."""
    paths = [p for p in (args.input, getattr(args, "region_map", None), getattr(args, "config", None)) if p]
    paths += [Path(f) for f in (*(getattr(args, "user_dicts", None) or ()),
                                *(getattr(args, "user_stopwords", None) or ()))]
    if getattr(args, "phrase_file", None):
        paths.append(Path(args.phrase_file))
    for path in paths:
        require_path(path)
    return paths


def _cmd_corpus(args: argparse.Namespace) -> int:
    inputs = _inputs(args)
    if args.out is not None:
        check_file_destination(args.out, overwrite=args.overwrite, protect=inputs)
    from topiclab.corpus import summarize, write_jsonl

    corpus = _load(args)
    print(summarize(corpus))
    if args.out is not None:
        write_jsonl(corpus, args.out)
        print(f"wrote: {args.out}")
    return 0


def _cmd_preprocess(args: argparse.Namespace) -> int:
    inputs = _inputs(args)
    phrases = None
    if args.out is not None:
        phrases = args.out.with_name(args.out.stem + ".phrases.tsv")
        for target in (args.out, phrases):
            check_file_destination(target, overwrite=args.overwrite, protect=inputs)
    from topiclab.corpus import seed_path
    from topiclab.preprocess import preprocess_file
    from topiclab.preprocess.output import write_phrases_tsv, write_units_jsonl

    config = _preprocess_config(args)
    path = args.input if args.input is not None else seed_path()
    options = json.dumps([args.format, args.text_col, args.id_col, _sep(args), args.on_error])
    units = preprocess_file(path, lambda: _load(args, regions=False),  # tokens.jsonl carries no region
                            config, read_options=options, workers=_workers(args), cache_dir=_cache_dir(args),
                            progress=_progress(args))
    print(units.report())
    if args.out is not None and phrases is not None:
        write_units_jsonl(units, args.out)
        write_phrases_tsv(units, phrases)
        print(f"wrote: {args.out}, {phrases}")
    return 0


def _cmd_fit(args: argparse.Namespace) -> int:
    inputs = _inputs(args)
    config = _fit_config(args)
    if args.out is not None:  # before any work; the writer checks again just before it replaces
        check_destination(args.out, overwrite=args.overwrite, protect=[*inputs, *config.input_files()], kind="run")
    from topiclab.api import fit
    from topiclab.runfolder import default_run_dir, input_changed

    result = fit(config=config, progress=_progress(args), cache=_cache(args))
    out = result.save(args.out or default_run_dir(result.config.model), overwrite=args.overwrite)
    m = result.metrics
    print(f"{m['model']} k={m['k']} seed={m['seed']}: {m['n_docs']} documents, {m['n_units']} units, "
          f"{m['n_terms']} terms")
    assert result.run is not None
    run = result.run
    if run.units.page_removed:
        print("boilerplate lines removed: " + ", ".join(f"{r} {n:,}" for r, n in run.units.page_removed.items())
              + " (listed in boilerplate.csv)")
    if run.generic:
        shown = " ".join(g.term for g in run.generic[:10]) + (" ..." if len(run.generic) > 10 else "")
        print(f"generic words left out: {len(run.generic)} ({shown}; listed in generic_terms.csv)")
    print(f"coherence: npmi {m['npmi']:.4f}, c_v {m['c_v']:.4f}, umass {m['umass']:.4f}; "
          f"diversity {m['diversity']:.3f}")
    label = result.config.input.label_col
    if label:
        print(f"agreement with {label}: nmi {m[f'nmi_{label}']:.4f}, ari {m[f'ari_{label}']:.4f}, "
              f"purity {m[f'purity_{label}']:.4f}")
    seeded = list(run.seeds)
    empty = set(run.result.empty_topics())
    for t, words in enumerate(result.top_terms(8)):
        name = f" [{seeded[t]}]" if t < len(seeded) else ""
        print(f"  topic {t}{name}: {'(empty: no words)' if t in empty else ' '.join(words)}")
    if empty:
        print(f"note: {len(empty)} topic(s) hold no words ({', '.join(map(str, sorted(empty)))}): the sampler emptied "
              f"them; a smaller --k (about {m['k'] - len(empty)}) suits this corpus")
    if run.seeds_missing:
        lost = "; ".join(f"{name}: {' '.join(words)}" for name, words in run.seeds_missing.items())
        print(f"seed words not in the vocabulary (ranks of the others in seed_words.csv): {lost}")
    for source in run.corpus.sources:
        if source.skipped:
            print(f"skipped: {len(source.skipped)} unreadable file(s) or row(s) of {source.path} "
                  f"(listed in {out / 'manifest.json'})")
    print(f"wrote: {out}")
    print(f"next: topiclab compare {out} --by region  ·  topiclab report {out}")
    if args.config is not None:
        note = input_changed(args.config, result.run)
        if note:
            print(f"topiclab: note: {note}", file=sys.stderr)
    return 0


def _draw_offscreen() -> None:
    # the command only writes files: no window, no display needed
    import matplotlib

    matplotlib.use("Agg")


def _cmd_sweep(args: argparse.Namespace) -> int:
    inputs = _inputs(args)
    if args.out is None:
        raise ConfigError("sweep needs --out DIR, the folder to write its tables and figure into")
    check_destination(args.out, overwrite=args.overwrite, protect=inputs, kind="sweep")
    from topiclab.select import parse_k_range, parse_seeds

    ks, seeds = parse_k_range(args.k_range), parse_seeds(args.seeds)
    args.k = args.seed = None  # the grid's, set by topiclab.sweep (which checks it first)
    config = _fit_config(args)
    _draw_offscreen()
    from topiclab.api import sweep

    result = sweep(config=config, k=ks, seeds=seeds, workers=_workers(args), progress=_progress(args),
                   cache=_cache(args))
    result.save(args.out, overwrite=args.overwrite)
    print(result.summary.to_string(index=False))
    print(f"wrote: {args.out}")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    _require_run_dir(args.run_dir)
    from topiclab.comparisons import check_settings

    check_settings(n_boot=args.n_boot, ci=args.ci, seed=args.seed, min_docs=args.min_docs)
    out = args.out or args.run_dir / f"compare-{args.by}"
    check_destination(out, overwrite=args.overwrite, protect=[args.run_dir], kind="compare")
    _draw_offscreen()
    from topiclab.api import compare

    covariates = [c.strip() for c in args.covariates.split(",") if c.strip()]
    comparison = compare(args.run_dir, args.by, ci=args.ci, n_boot=args.n_boot, seed=args.seed,
                         min_docs=args.min_docs, covariates=covariates, reference=args.reference,
                         time_col=args.time_col, time_bin=args.time_bin)
    for note in comparison.notes:
        print(f"topiclab: note: {note}", file=sys.stderr)
    comparison.save(out, overwrite=args.overwrite)
    prev = comparison.prevalence
    print(f"groups: {', '.join(f'{g} ({n})' for g, n in prev.groupby('group')['n_docs'].first().items())}")
    sig = comparison.differences[comparison.differences["significant"]]
    print(f"significant differences (q < 0.05): {len(sig)} of {len(comparison.differences)} tests")
    print(f"wrote: {out}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    _require_run_dir(args.run_dir)
    check_destination(args.out or args.run_dir / "report", overwrite=args.overwrite, protect=[args.run_dir],
                      kind="report")
    _draw_offscreen()
    from topiclab.report import write_report

    out = write_report(args.run_dir, args.out, overwrite=args.overwrite, ldavis=args.ldavis)
    print(f"wrote: {out / 'report.html'} and {out / 'report.md'}")
    return 0


def _require_run_dir(path: Path) -> None:
    require_path(path, "run folder")
    if not path.is_dir():
        raise InputError(f"{path}: is a file, not a run folder; give a folder written by topiclab fit")


def _crash_report(exc: BaseException) -> str:
    """Write the traceback of an unexpected error to a log file; return its path."""
    import tempfile
    import traceback

    fd, path = tempfile.mkstemp(prefix="topiclab-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f"topiclab {VERSION}, python {sys.version.split()[0]}, argv {sys.argv!r}\n")
        fh.write("".join(traceback.format_exception(exc)))
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``topiclab`` command; return its exit status.

    Bad input or settings: one line on stderr and status 2. An unexpected error (a bug): one
    line naming a log file that holds the traceback, and status 1 (``TOPICLAB_DEBUG=1`` raises
    it instead). Ctrl-C: status 130. Nothing half-written is left in any case.

    Example:
        >>> main(["corpus", "no/such/file.csv"])
        2
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        address = getattr(args, "scheduler", None)
        if address is not None:
            cluster_client(address)  # before any work: an unreachable scheduler is said at once
        with use_scheduler(address):
            return int(args.func(args))
    except TopiclabError as err:
        print(f"topiclab: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("topiclab: interrupted; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except MemoryError:
        print("topiclab: error: out of memory; try fewer --workers, a smaller corpus or --unit document",
              file=sys.stderr)
        return 1
    except OSError as err:  # the system refused: a full disk, a permission, a file that vanished
        where = f"{err.filename}: " if err.filename else ""
        print(f"topiclab: error: {where}{err.strerror or err}; nothing was written", file=sys.stderr)
        return EXIT_USAGE
    except Exception as err:
        if os.environ.get("TOPICLAB_DEBUG"):
            raise
        log = _crash_report(err)
        print(f"topiclab: internal error ({type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}); "
              f"this is a bug in topiclab: please report it with {log}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
