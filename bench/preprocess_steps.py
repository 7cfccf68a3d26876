"""Where preprocessing's time goes with worker processes: seconds per team step.

Runs ``topiclab.preprocess.preprocess`` in this process (no cache) on a JSON lines file of
``{"id", "text"}`` records, such as the one ``bench/scale.py N --keep DIR`` leaves in ``DIR``,
and times each step the workers run (counting repeated lines, tagging, counting and joining
phrase pairs, filtering; ``finish`` includes the parent cutting units from each batch as it
arrives). ``other`` is the rest: reading the corpus's digest, merging, the parent's own work.

    python bench/scale.py 100000 --preprocess-only --keep /tmp/scale100k
    python bench/preprocess_steps.py /tmp/scale100k/docs.jsonl --workers 2
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from topiclab.corpus.model import Corpus
from topiclab.preprocess import PreprocessConfig, preprocess, team


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path, help="JSON lines, one {id, text} record a line")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    ids, texts = [], []
    with args.path.open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            ids.append(record["id"])
            texts.append(record["text"])
    seconds: dict[str, float] = defaultdict(float)
    replies = team.Team._replies

    def timed(self, op, *rest):
        start = time.perf_counter()
        yield from replies(self, op, *rest)
        seconds[op] += time.perf_counter() - start

    team.Team._replies = timed  # every step goes through it
    corpus = Corpus(ids, texts)
    del texts
    start = time.perf_counter()
    units = preprocess(corpus, PreprocessConfig(), workers=args.workers)
    total = time.perf_counter() - start
    print(f"{len(ids):,} documents, {units.tokens.n_tokens:,} tokens kept, workers {args.workers}: {total:.1f} s")
    for op, s in seconds.items():
        print(f"  {op:16} {s:7.1f}")
    print(f"  {'other':16} {total - sum(seconds.values()):7.1f}")


if __name__ == "__main__":
    main()
