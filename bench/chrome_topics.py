"""Does a run's topics hold page chrome? The check of the scraped-pages figure, on a run folder.

Counts the topics whose top 10 terms hold two or more of ``bench/scraped_pages.CHROME_WORDS``
(page chrome, mastheads, datelines, the formulas of government work reports) and prints them
with the run's NPMI. Build the pages and fit them with topiclab's defaults first:

    python bench/scraped_pages.py                        # writes bench/.data/scraped_pages.csv
    topiclab fit bench/.data/scraped_pages.csv --out runs/pages
    python bench/chrome_topics.py runs/pages
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scraped_pages import CHROME_WORDS


def chrome_topics(run: Path, top_n: int = 10) -> list[tuple[int, list[str]]]:
    """``(topic, its chrome words)`` for every topic with two or more chrome words in its top terms."""
    topics = pd.read_csv(run / "topics.csv")
    out = []
    for topic, rows in topics[topics["rank"] <= top_n].groupby("topic"):
        chrome = [str(t) for t in rows.sort_values("rank")["term"] if str(t) in CHROME_WORDS]
        if len(chrome) >= 2:
            out.append((int(topic), chrome))
    return out


def main(run: Path) -> None:
    metrics = json.loads((run / "metrics.json").read_text(encoding="utf-8"))
    found = chrome_topics(run)
    print(f"{run}: {metrics['model']} k={metrics['k']}, npmi {metrics['npmi']:.4f}; "
          f"topics with two or more chrome words in their top 10: {len(found)}")
    for topic, words in found:
        print(f"  topic {topic}: {' '.join(words)}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python bench/chrome_topics.py RUN_FOLDER")
    main(Path(sys.argv[1]))
