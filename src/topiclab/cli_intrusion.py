"""``topiclab intrusion`` and ``topiclab intrusion-score``: intrusion tests of a run's topics for human coders.

Registered on the ``topiclab`` parser by :func:`add_parser`; each command parses its arguments and
calls one function of :mod:`topiclab.intrusion_sheets`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from topiclab._io import check_destination, require_path
from topiclab.errors import InputError


def add_parser(sub: Any) -> None:
    """Add the ``intrusion`` and ``intrusion-score`` commands to the sub-parsers ``sub``.

    Example:
        >>> parser = argparse.ArgumentParser()
        >>> add_parser(parser.add_subparsers())
        >>> parser.parse_args(["intrusion", "runs/a", "--out", "sheets"]).n_words
        5
    """
    p = sub.add_parser(
        "intrusion",
        help="write word- and document-intrusion sheets of a run's topics for human coders, and their key",
        description="Write into --out the sheets for coders: word_intrusion.csv (each topic's top words and one "
        "intruder, a word low in this topic and high in another; Chang et al. 2009), document_intrusion.csv "
        "(excerpts of each topic's top documents and one where the topic is nearly absent), both with an empty "
        "'answer' column, and sheets.html to print. The answer key goes into a separate folder (--key, default "
        "OUT-key): keep it from the coders, and score their filled-in sheets with topiclab intrusion-score.",
    )
    p.add_argument("run_dir", type=Path, help="a folder written by topiclab fit")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the coders' sheets (required)")
    p.add_argument("--key", type=Path, default=None, metavar="DIR", help="folder for the answer key (default: OUT-key)")
    p.add_argument("--n-words", type=int, default=5, metavar="N", help="top words a topic (default: %(default)s)")
    p.add_argument("--n-docs", type=int, default=3, metavar="N", help="top documents a topic (default: %(default)s)")
    p.add_argument("--chars", type=int, default=300, metavar="N",
                   help="characters of each document shown (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0, metavar="S",
                   help="random seed: the same seed writes the same sheets (default: %(default)s)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace --out and --key in one step if they are folders topiclab wrote")
    p.set_defaults(func=_cmd_intrusion)

    p = sub.add_parser(
        "intrusion-score",
        help="score filled-in intrusion sheets against their key",
        description="Read the answer key and one filled-in sheet a coder (word_intrusion.csv or "
        "document_intrusion.csv, renamed per coder; 'answer' holds the intruder's number, or for words the "
        "word), and print each topic's model precision (the share of coders who found the intruder), for "
        "documents the log odds (0 best), and Fleiss' kappa between coders.",
    )
    p.add_argument("key", type=Path, help="the key folder topiclab intrusion wrote (or its answer_key.csv)")
    p.add_argument("sheets", type=Path, nargs="+", metavar="SHEET.csv", help="filled-in sheets, one file a coder")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="also write scores.csv (one row an item) and summary.csv (one row a task) here")
    p.add_argument("--overwrite", action="store_true", help="replace --out if it is a folder topiclab wrote")
    p.set_defaults(func=_cmd_score)


def _cmd_intrusion(args: argparse.Namespace) -> int:
    require_path(args.run_dir, "run folder")
    if not args.run_dir.is_dir():
        raise InputError(f"{args.run_dir}: is a file, not a run folder; give a folder written by topiclab fit")
    from topiclab.intrusion_sheets import build_sheets, default_key_dir, write_sheets

    key = args.key or default_key_dir(args.out)
    check_destination(args.out, overwrite=args.overwrite, protect=[args.run_dir, key])
    try:
        check_destination(key, overwrite=args.overwrite, protect=[args.run_dir, args.out])
    except InputError as err:  # the key's folder is chosen with --key
        raise InputError(str(err).replace("--out", "--key")) from None
    sheets = build_sheets(args.run_dir, n_words=args.n_words, n_docs=args.n_docs, seed=args.seed, chars=args.chars)
    out, key = write_sheets(sheets, args.out, key, overwrite=args.overwrite)
    print(f"{len(sheets.words)} word items, {len(sheets.documents)} document items (set {sheets.code}); "
          f"document texts from the run's {sheets.settings['texts']}")
    if sheets.settings["empty_topics"]:
        print(f"no items for topics with no words: {', '.join(map(str, sheets.settings['empty_topics']))}")
    print(f"wrote: {out} (for the coders) and {key} (the answer key: keep it apart)")
    print(f"next: topiclab intrusion-score {key} CODER1.csv CODER2.csv ...")
    return 0


def _cmd_score(args: argparse.Namespace) -> int:
    for path in (args.key, *args.sheets):
        require_path(path)
    if args.out is not None:
        check_destination(args.out, overwrite=args.overwrite, protect=[args.key, *args.sheets])
    from topiclab.intrusion_sheets import score_sheets, write_scores

    items, summary = score_sheets(args.key, list(args.sheets))
    shown = items.assign(precision=items["precision"].round(3), log_odds=items["log_odds"].round(3))
    print(shown.to_string(index=False))
    for row in summary.to_dict("records"):
        odds = f", log odds {row['log_odds']:.3f}" if row["task"] == "document" else ""
        kappa = f", Fleiss' kappa {row['kappa']:.3f}" if int(row["coders"]) > 1 else ""
        print(f"{row['task']} intrusion: {row['answered']} of {row['items']} items answered by {row['coders']} "
              f"coder(s); mean precision {row['precision']:.3f}{odds}{kappa}")
    if args.out is not None:
        write_scores(items, summary, args.out, overwrite=args.overwrite, protect=[args.key, *args.sheets])
        print(f"wrote: {args.out}")
    return 0
