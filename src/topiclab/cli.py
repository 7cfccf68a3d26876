"""The ``topiclab`` command: parses arguments and calls the importable pipeline.

Each sub-command is a function ``_cmd_NAME(args)``; errors from bad input or settings
(:class:`~topiclab.errors.TopiclabError`) are printed as one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from topiclab import __version__
from topiclab.errors import TopiclabError

if TYPE_CHECKING:
    from topiclab.corpus import Corpus

EXIT_USAGE = 2

_DESCRIPTION = """\
Topic modeling for Chinese text.

Start with `topiclab fit`: with no input it reads the embedded seed corpus (one issue
of 《长三角观察》, 23 articles). Give it your own corpus as a newsletter .txt, a folder of
.txt files, or a CSV/TSV/JSONL/Parquet table with a text column.
"""


def _add_source_args(p: argparse.ArgumentParser, *, optional_input: bool) -> None:
    from topiclab.corpus import FORMATS

    if optional_input:
        p.add_argument("input", nargs="?", type=Path, help="corpus file or folder (default: the embedded seed)")
    else:
        p.add_argument("input", type=Path, help="a .txt newsletter or text, a folder of .txt files, or a table")
    p.add_argument("--format", default="auto", choices=FORMATS, help="how to read INPUT (default: from its suffix)")
    p.add_argument("--text-col", default="text", metavar="C", help="table column holding the text (default: text)")
    p.add_argument("--id-col", default=None, metavar="C",
                   help="table column holding document ids (default: row numbers)")
    p.add_argument("--region-col", default=None, metavar="C",
                   help="metadata column with each document's region (default: 'region' if present)")
    p.add_argument("--region-map", default=None, type=Path, metavar="FILE",
                   help="CSV/TSV with doc_id,region (per document) or name,region (extra place names)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``topiclab`` command.

    Example:
        >>> build_parser().parse_args(["corpus", "a.csv", "--text-col", "body"]).text_col
        'body'
    """
    parser = argparse.ArgumentParser(
        prog="topiclab", description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"topiclab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "corpus",
        help="read a corpus, print a summary and optionally write it as JSON lines",
        description="Read INPUT into documents with metadata and regions; print a summary; "
        "with --out write one JSON object a line: {doc_id, text, meta}.",
    )
    _add_source_args(p, optional_input=False)
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help="write the corpus here (JSON lines)")
    p.set_defaults(func=_cmd_corpus)

    p = sub.add_parser(
        "fit",
        help="fit topics on a corpus (default: the embedded seed)",
        description="Read INPUT (default: the embedded seed corpus) and fit a topic model.",
    )
    _add_source_args(p, optional_input=True)
    p.set_defaults(func=_cmd_fit)
    return parser


def _load(args: argparse.Namespace) -> Corpus:
    # imported here so that `topiclab --help` answers without loading pandas
    from topiclab.corpus import load_corpus, seed_path

    return load_corpus(
        args.input if args.input is not None else seed_path(),
        format=args.format,
        text_col=args.text_col,
        id_col=args.id_col,
        region_col=args.region_col,
        region_map=args.region_map,
    )


def _cmd_corpus(args: argparse.Namespace) -> int:
    from topiclab.corpus import summarize, write_jsonl

    corpus = _load(args)
    print(summarize(corpus))
    if args.out is not None:
        write_jsonl(corpus, args.out)
        print(f"wrote: {args.out}")
    return 0


def _cmd_fit(args: argparse.Namespace) -> int:
    from topiclab.corpus import summarize

    corpus = _load(args)
    print(summarize(corpus))
    print("topiclab fit: the corpus is built; topic models are not part of this version yet.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``topiclab`` command; return its exit status.

    Example:
        >>> main(["corpus", "no/such/file.csv"])
        2
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except TopiclabError as err:
        print(f"topiclab: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("topiclab: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
