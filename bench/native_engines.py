"""Native engines on PyPI against ``jieba.posseg``: are any fast *and* the same?

The segmentation target asks for ``jieba.posseg``'s tokens (>= 99.5 % of Han tokens) at
>= 8 MB/s. topiclab's default engine is a hybrid (jieba-rs for the dictionary path, jieba's
own part-of-speech HMM for unknown runs, ``bench/segment.py``). This script measures, on the
same texts and with jieba's own dictionary, the native engines that could replace it:

* ``rjieba.tag`` (jieba-rs; HMM on): the whole sentence in Rust;
* ``jieba_fast_dat.posseg`` (C++ with pybind11), when installed
  (``pip install jieba-fast-dat``; not a topiclab dependency).

For each: MB/s (second pass, warm) and the share of Han tokens in common with
``jieba.posseg``, plus documents whose (word, tag) sequences are identical.

    python bench/native_engines.py
"""

from __future__ import annotations

import importlib.util
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import csl_texts, mb_of, news_texts, seed_texts, take_mb

HAN = re.compile(r"^[\u4e00-\u9fff]+$")
Tagger = Callable[[str], list[tuple[str, str]]]


def engines() -> dict[str, Tagger]:
    import jieba.posseg
    import rjieba

    out: dict[str, Tagger] = {
        "jieba.posseg": lambda t: [(p.word, p.flag) for p in jieba.posseg.lcut(t)],
        "rjieba.tag": lambda t: rjieba.tag(t, True),
    }
    if importlib.util.find_spec("jieba_fast_dat") is not None:
        import jieba_fast_dat.posseg

        out["jieba_fast_dat"] = lambda t: [(p.word, p.flag) for p in jieba_fast_dat.posseg.lcut(t)]
    else:
        print("jieba_fast_dat not installed: skipped (pip install jieba-fast-dat)")
    return out


def han_agreement(a: list[list[tuple[str, str]]], b: list[list[tuple[str, str]]]) -> float:
    ca = Counter(w for doc in a for w, _ in doc if HAN.match(w))
    cb = Counter(w for doc in b for w, _ in doc if HAN.match(w))
    return sum((ca & cb).values()) / max(sum(ca.values()), sum(cb.values()))


def main() -> None:
    taggers = engines()
    corpora = {"seed": seed_texts(), "csl": csl_texts(), "news": take_mb(news_texts(), 0.5)}
    print(f"{'corpus':6} {'engine':15} {'MB/s':>7} {'han agree':>10} {'identical docs':>15}")
    for name, texts in corpora.items():
        outputs = {}
        for engine, tag in taggers.items():
            tag("的是了吗")  # load the dictionary and model
            _ = [tag(t) for t in texts]
            start = time.perf_counter()
            outputs[engine] = [tag(t) for t in texts]
            rate = mb_of(texts) / (time.perf_counter() - start)
            ref = outputs["jieba.posseg"]
            same = sum(x == y for x, y in zip(outputs[engine], ref))
            print(f"{name:6} {engine:15} {rate:7.2f} {han_agreement(outputs[engine], ref):10.5f} "
                  f"{same:>7}/{len(texts)}", flush=True)


if __name__ == "__main__":
    main()
