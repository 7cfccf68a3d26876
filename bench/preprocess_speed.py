"""The whole ``topiclab preprocess`` process, timed from outside: start-up, reading, segmenting,
phrases, filtering and writing included.

1. One worker on ~10 MB of real Chinese text (People's Daily 1998-01 news, 5.5 MB, then product
   reviews up to 10 MB), against ``jieba.posseg``'s rate on a 0.5 MB sample of the same text
   measured in the same run.
2. One worker against two on ~20 MB (the same sources, news repeated to reach 20 MB), best of
   three runs each.
3. A cold run (empty cache) against a warm rerun (unchanged input and settings), best of three
   each.
4. The ceiling of step 2 on this machine: a pure Python loop in one process, then in two at
   once (best of three each); two cores that slow each other down cap any two-worker speed-up.

    python bench/preprocess_speed.py
"""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import mb_of, news_texts, review_texts, take_mb

from topiclab.preprocess import DEFAULT_POS, Segmenter, policy_dictionary


def write_jsonl(texts: list[str], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i, t in enumerate(texts):
            fh.write(json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False) + "\n")


def run(path: Path, out: Path, *extra: str) -> float:
    cmd = [sys.executable, "-m", "topiclab.cli", "preprocess", str(path), "--id-col", "id", "--quiet",
           "--out", str(out), "--overwrite", *extra]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t


def posseg_rate(texts: list[str]) -> float:
    seg = Segmenter("jieba", policy_dictionary())
    seg.tag("的是了吗")
    keep = frozenset(DEFAULT_POS)
    t = time.perf_counter()
    for words, tags in seg.tag_many(texts):
        _ = [w for w, p in zip(words, tags) if p in keep]
    return mb_of(texts) / (time.perf_counter() - t)


def _loop(_: int = 0) -> float:
    t = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - t


def two_process_ceiling() -> tuple[float, float]:
    """Seconds of the same loop alone and (the slower of) two at once, best of three each."""
    alone = min(_loop() for _ in range(3))
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pair = min(max(pool.map(_loop, [0, 1])) for _ in range(3))
    return alone, pair


def main() -> None:
    news, reviews = news_texts(), review_texts()
    ten = news + take_mb(reviews, 10 - mb_of(news))
    twenty = ten + take_mb(news * 3, 20 - mb_of(ten))
    ref = posseg_rate(take_mb(news, 0.5))
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        f10, f20 = d / "ten.jsonl", d / "twenty.jsonl"
        write_jsonl(ten, f10)
        write_jsonl(twenty, f20)
        t1 = run(f10, d / "o.jsonl", "--no-cache")
        rate = mb_of(ten) / t1
        print(f"1. whole process, 1 worker, {mb_of(ten):.1f} MB: {t1:.1f} s = {rate:.2f} MB/s; "
              f"jieba.posseg {ref:.3f} MB/s; ratio {rate / ref:.1f}x")
        # alternated, best of three each: single runs of the same command varied by a quarter here
        times: dict[str, list[float]] = {"1": [], "2": []}
        for _ in range(3):
            for workers in times:
                times[workers].append(run(f20, d / "o.jsonl", "--no-cache", "--workers", workers))
        w1, w2 = min(times["1"]), min(times["2"])
        print(f"2. {mb_of(twenty):.1f} MB: 1 worker {w1:.1f} s, 2 workers {w2:.1f} s (best of 3 each); "
              f"speed-up {w1 / w2:.2f}x")
        colds, warms = [], []
        for i in range(3):
            cache = d / f"cache{i}"
            colds.append(run(f10, d / "o.jsonl", "--cache-dir", str(cache)))
            warms.append(run(f10, d / "o.jsonl", "--cache-dir", str(cache)))
        cold, warm = min(colds), min(warms)
        print(f"3. {mb_of(ten):.1f} MB: cold cache {cold:.1f} s, warm cache {warm:.2f} s (best of 3 each); "
              f"{cold / warm:.1f}x faster")
    alone, pair = two_process_ceiling()
    print(f"4. a pure Python loop: {alone:.2f} s alone, {pair:.2f} s with two at once; "
          f"two workers can be at most {2 * alone / pair:.2f}x one")


if __name__ == "__main__":
    main()
