"""``topiclab label``: name, merge and exclude the topics of a run folder.

The command parses its options and calls :func:`topiclab.curation.label_run`; it prints the
topics as the labels make them. Bad input is one line and exit status 2, as for every command.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from topiclab.errors import ConfigError, InputError

_SEPARATORS = re.compile(r"[,，+\s]+")

_DESCRIPTION = """\
Name, merge and exclude the topics of a run folder. The labels live in RUN/labels.toml (edit it by
hand if you like) and in the [labels] of RUN/config.toml, so `topiclab fit --config RUN/config.toml`
keeps them; topics.csv's label and doc_topics.csv's dominant_label columns follow the names.
compare, report and every figure use the names; a merge counts as one topic (its first number);
excluded topics (boilerplate, background) are reported but left out of comparisons.
With no option: print the labels, and copy a hand-edited labels.toml into config.toml and the tables.
"""


def add_parser(sub: Any) -> None:
    """Register ``topiclab label`` on the ``topiclab`` command's sub-parsers (``sub``).

    Example:
        >>> parser = argparse.ArgumentParser()
        >>> add_parser(parser.add_subparsers())
        >>> parser.parse_args(["label", "runs/x", "--name", "3=营商环境", "--merge", "4,7"]).merge
        ['4,7']
    """
    p = sub.add_parser("label", help="name, merge and exclude a run's topics (compare, report and figures use them)",
                       description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("run_dir", type=Path, metavar="RUN", help="a folder written by topiclab fit")
    p.add_argument("--name", action="append", default=[], metavar="T=NAME",
                   help="call topic T NAME, e.g. --name 3=营商环境 (repeatable)")
    p.add_argument("--merge", action="append", default=[], metavar="T,T[,T]",
                   help="count these topics as one, the first number standing for them, e.g. --merge 4,7 "
                   "(repeatable)")
    p.add_argument("--exclude", action="append", default=[], metavar="T",
                   help="report topic T but leave it out of comparisons, e.g. --exclude 9 (repeatable)")
    p.add_argument("--clear", action="store_true",
                   help="forget the labels so far (the other options then give the new ones)")
    p.set_defaults(func=run_label)


def parse_names(items: list[str]) -> dict[int, str]:
    """``["3=营商环境"]`` as ``{3: "营商环境"}``; one line naming the option otherwise.

    Example:
        >>> parse_names(["3=营商环境", "5 = 科技创新"])
        {3: '营商环境', 5: '科技创新'}
        >>> parse_names(["营商环境"])
        Traceback (most recent call last):
        topiclab.errors.ConfigError: --name '营商环境': expected TOPIC=NAME, e.g. --name 3=营商环境
    """
    out = {}
    for item in items:
        topic, sep, name = item.partition("=")
        if not sep:
            raise ConfigError(f"--name {item!r}: expected TOPIC=NAME, e.g. --name 3=营商环境")
        out[_topic(topic, f"--name {item!r}")] = name.strip()
        if not name.strip():
            raise ConfigError(f"--name {item!r}: the name is empty; give one, e.g. --name 3=营商环境 (to remove "
                              "names, use --clear or edit labels.toml)")
    return out


def parse_merges(items: list[str]) -> list[list[int]]:
    """``["4,7"]`` as ``[[4, 7]]``.

    Example:
        >>> parse_merges(["4,7", "1, 2, 8"])
        [[4, 7], [1, 2, 8]]
        >>> parse_merges(["4"])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        topiclab.errors.ConfigError: --merge '4': expected two or more topic numbers separated by commas, ...
    """
    out = []
    for item in items:
        parts = [p for p in _SEPARATORS.split(item.strip()) if p]
        if len(parts) < 2:
            raise ConfigError(f"--merge {item!r}: expected two or more topic numbers separated by commas, "
                              "e.g. --merge 4,7")
        out.append([_topic(p, f"--merge {item!r}") for p in parts])
    return out


def parse_topics(items: list[str]) -> list[int]:
    """``["9", "10,11"]`` as ``[9, 10, 11]``.

    Example:
        >>> parse_topics(["9", "10,11"])
        [9, 10, 11]
    """
    return [_topic(p, f"--exclude {item!r}") for item in items for p in _SEPARATORS.split(item.strip()) if p]


def _topic(text: str, where: str) -> int:
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        raise ConfigError(f"{where}: {text!r} is not a topic number; topics are numbered 0, 1, 2 … as in topics.csv")
    return int(text)


def run_label(args: argparse.Namespace) -> int:
    """The ``topiclab label`` command: update the run's labels and print its topics."""
    run_dir: Path = args.run_dir
    if not run_dir.exists():
        raise InputError(f"{run_dir}: no such run folder; give a folder written by topiclab fit")
    if not run_dir.is_dir():
        raise InputError(f"{run_dir}: is a file, not a run folder; give a folder written by topiclab fit")
    names, merge, exclude = parse_names(args.name), parse_merges(args.merge), parse_topics(args.exclude)
    from topiclab.curation import LABELS_FILE, label_run, labels_summary

    curation, wrote = label_run(run_dir, names=names, merge=merge, exclude=exclude, clear=args.clear)
    table = labels_summary(run_dir, curation)
    print("topic  label / top terms / status")
    for topic, label, status, terms in zip(table["topic"], table["label"], table["status"], table["top terms"]):
        print(f"{topic:>5}  {label}  ·  {terms}" + (f"  [{status}]" if status else ""))
    if wrote:
        print(f"wrote: {', '.join(str(run_dir / name) for name in wrote)}")
    elif not (run_dir / LABELS_FILE).is_file():
        print(f"no labels yet: add them with --name, --merge, --exclude, or write {run_dir / LABELS_FILE}")
    if wrote and any(p.is_dir() for p in run_dir.glob("compare-*")):
        print(f"next: rerun topiclab compare {run_dir} --overwrite (and topiclab report) to use the labels")
    return 0
