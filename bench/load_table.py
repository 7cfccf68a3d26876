"""Loading speed and memory for large tables: time and peak RSS against row count.

Generates CSV tables of Chinese text (paragraphs of the seed, reshuffled, ~150 characters a
row, with three metadata columns) at several sizes, then loads each in a fresh process with
``topiclab.load_corpus`` (reading, empty-row check, region inference) and reports wall time
and the peak resident memory above the interpreter's baseline.

    python bench/load_table.py                 # 25k, 50k, 100k rows
    python bench/load_table.py --rows 100000   # one size
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path


def make_table(path: Path, rows: int, seed: int = 0) -> None:
    import pandas as pd

    from topiclab.corpus import load_seed

    paragraphs = [p for d in load_seed() for p in d.paragraphs() if len(p) > 20]
    rng = random.Random(seed)
    texts = [rng.choice(paragraphs)[:300] for _ in range(rows)]
    frame = pd.DataFrame(
        {
            "id": [f"doc{i:07d}" for i in range(rows)],
            "text": texts,
            "year": [2015 + i % 10 for i in range(rows)],
            "outlet": [rng.choice(["解放日报", "新华日报", "浙江日报"]) for _ in range(rows)],
        }
    )
    frame.to_csv(path, index=False)


def measure(path: Path) -> dict[str, float]:
    """Run in a child process: load the table, report seconds and peak RSS."""
    code = f"""
import json, resource, time
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
import pandas, topiclab.corpus
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
c = topiclab.corpus.load_corpus({str(path)!r}, id_col="id")
sec = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"docs": len(c), "seconds": sec, "peak_mb": peak / 1024, "import_mb": before / 1024,
                  "load_mb": (peak - before) / 1024}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="*", default=[25_000, 50_000, 100_000])
    args = parser.parse_args()
    print(f"{'rows':>8} {'file MB':>8} {'seconds':>8} {'rows/s':>9} {'load MB':>8} {'MB/file MB':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            path = Path(tmp) / f"t{rows}.csv"
            make_table(path, rows)
            size = path.stat().st_size / 2**20
            r = measure(path)
            print(f"{rows:>8} {size:>8.1f} {r['seconds']:>8.2f} {rows / r['seconds']:>9.0f} "
                  f"{r['load_mb']:>8.1f} {r['load_mb'] / size:>10.2f}")


if __name__ == "__main__":
    main()
