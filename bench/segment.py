"""Part-of-speech-filtered segmentation: speed per worker and agreement with jieba.posseg.

For each corpus (the seed, CSL, People's Daily news), in one process:

* ``rjieba`` (topiclab's default engine) from a fresh engine, first pass ("cold": every
  unknown-word run decoded for the first time) and second pass ("warm");
* ``jieba`` (``jieba.posseg``) on the same text (on news, a 0.5 MB sample: it is slow);
* agreement: share of Han tokens the engines have in common, and documents whose token and
  tag sequences are identical.

Each pass tags texts in batches of 256 (as the pipeline does) and keeps the default parts of
speech, with the bundled policy dictionary.

    python bench/segment.py
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import csl_texts, mb_of, news_texts, seed_texts, take_mb

from topiclab.preprocess import DEFAULT_POS, Segmenter, policy_dictionary

HAN = re.compile(r"^[\u4e00-\u9fff]+$")
KEEP = frozenset(DEFAULT_POS)


def filtered(seg: Segmenter, texts: list[str], batch: int = 256) -> tuple[float, list[tuple[list[str], list[str]]]]:
    t = time.perf_counter()
    out = []
    for i in range(0, len(texts), batch):
        for words, tags in seg.tag_many(texts[i : i + batch]):
            out.append((words, tags))
            _ = [w for w, p in zip(words, tags) if p in KEEP]
    return time.perf_counter() - t, out


def agreement(a: list, b: list) -> tuple[float, int]:
    ca: Counter[str] = Counter()
    cb: Counter[str] = Counter()
    same = 0
    for (wa, ta), (wb, tb) in zip(a, b):
        ca.update(w for w in wa if HAN.match(w))
        cb.update(w for w in wb if HAN.match(w))
        same += (wa, ta) == (wb, tb)
    return sum((ca & cb).values()) / max(sum(ca.values()), sum(cb.values())), same


def main() -> None:
    corpora = {"seed": seed_texts(), "csl": csl_texts(), "news": news_texts()}
    print(f"{'corpus':6} {'MB':>6} {'cold MB/s':>10} {'warm MB/s':>10} {'posseg MB/s':>12} "
          f"{'x cold':>7} {'x warm':>7} {'han agree':>10} {'identical docs':>15}")
    for name, texts in corpora.items():
        dictionary = policy_dictionary()
        fast = Segmenter("rjieba", dictionary)
        fast.tag("的是了吗")  # load dictionary and HMM: start-up is measured by bench/preprocess_speed.py
        cold, out_fast = filtered(fast, texts)
        warm, _ = filtered(fast, texts)
        sample = texts if name != "news" else take_mb(texts, 0.5)
        ref = Segmenter("jieba", dictionary)
        ref.tag("的是了吗")
        t_ref, out_ref = filtered(ref, sample)
        mb, mb_ref = mb_of(texts), mb_of(sample)
        share, same = agreement(out_fast[: len(sample)], out_ref)
        ref_rate = mb_ref / t_ref
        print(f"{name:6} {mb:6.2f} {mb / cold:10.2f} {mb / warm:10.2f} {ref_rate:12.3f} "
              f"{mb / cold / ref_rate:7.1f} {mb / warm / ref_rate:7.1f} {share:10.5f} {same:>7}/{len(sample)}")


if __name__ == "__main__":
    main()
