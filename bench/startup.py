"""How fast ``topiclab`` answers when it has no real work: help, argument errors, missing files.

Each command runs as a fresh process (``python -m topiclab.cli`` via the installed entry point
when it is on PATH), best of ``--repeat`` runs, and is checked for its exit status. The goal is
<= 0.5 s for each: heavy imports (NumPy, pandas, scikit-learn, the segmenter) happen only where
a command's work needs them.

    python bench/startup.py              # best of 7
    python bench/startup.py --repeat 15
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 0.5
CASES = [
    (["--help"], 0),
    (["fit", "--help"], 0),
    (["compare", "--help"], 0),
    (["fit", "--k", "x"], 2),
    (["fit", "--seed"], 2),
    (["fit", "/no/such/corpus.csv"], 2),
    (["corpus", "/no/such/corpus.csv"], 2),
    (["sweep", "/no/such/corpus.csv", "--out", "sweep"], 2),
    (["compare", "/no/such/run"], 2),
    (["report", "/no/such/run"], 2),
    (["fit", "--config", "/no/such/config.toml"], 2),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    exe = shutil.which("topiclab")
    base = [exe] if exe else [sys.executable, "-m", "topiclab.cli"]
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'command':45} {'best s':>7} {'median s':>9}  status")
        for argv, expected in CASES:
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                res = subprocess.run([*base, *argv], capture_output=True, text=True, cwd=Path(tmp), check=False)
                times.append(time.perf_counter() - t)
                if res.returncode != expected or "Traceback" in res.stderr:
                    print(f"{' '.join(argv)}: exit {res.returncode}, expected {expected}: {res.stderr.strip()}")
                    return 1
            times.sort()
            worst = max(worst, times[0])
            print(f"{'topiclab ' + ' '.join(argv):45} {times[0]:7.3f} {times[len(times) // 2]:9.3f}  {expected}")
    print(f"slowest best-of-{args.repeat}: {worst:.3f} s (goal <= {GOAL} s): {'met' if worst <= GOAL else 'NOT met'}")
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
