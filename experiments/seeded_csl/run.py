"""Seeded LDA on CSL (2000 labelled abstracts): do three seed words a discipline recover the disciplines?

The seed words are chosen by a rule, not by hand, on half of the corpus (the even rows): for each
of the 13 disciplines, the three words that most distinguish its abstracts from the rest
(weighted log-odds with an informative Dirichlet prior, :func:`topiclab.distinctive.seed_words_from_labels`,
words in at least 5 abstracts). They are written to ``seeds.toml`` beside this file, named by
discipline. Then ``topiclab.fit`` with ``config.toml`` (LDA, k = 13, by document) runs on all
2000 abstracts with and without ``seed_words``, seeds 1-3, and the NMI of each document's
dominant topic against its discipline is reported on the other half (the odd rows, whose words
chose no seed), and on all rows.

Writes ``results.csv`` (one row a fit) and prints the means. Needs ``../shared/data/csl``.

    python experiments/seeded_csl/run.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd

import topiclab
from topiclab.distinctive import seed_words_from_labels
from topiclab.evaluate import label_agreement

HERE = Path(__file__).resolve().parent
CSL = HERE.parents[2] / "shared" / "data" / "csl" / "csl_2000.jsonl"
SEEDS_PER_TOPIC = 3


def choose_seeds(result: topiclab.Result, frame: pd.DataFrame) -> dict[str, list[str]]:
    """Three seed words a discipline, from the even rows' tokens."""
    train = frame.iloc[::2]
    return seed_words_from_labels([result.tokens.get(doc_id, []) for doc_id in train["id"]], train["field"].tolist(),
                                  per_label=SEEDS_PER_TOPIC)


def write_seeds(seeds: dict[str, list[str]], path: Path) -> None:
    lines = ["# three seed words a discipline, chosen by experiments/seeded_csl/run.py on the even rows"]
    lines += [f'{name} = [{", ".join(json.dumps(w, ensure_ascii=False) for w in words)}]' for name, words in
              seeds.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    if not CSL.is_file():
        sys.exit(f"{CSL} not found")
    records = [json.loads(line) for line in CSL.read_text(encoding="utf-8").splitlines()]
    frame = pd.DataFrame({"id": [r["id"] for r in records],
                          "text": [r["title"] + "\n" + r["abstract"] for r in records],
                          "field": [r["field"] for r in records]})
    common = {"config": HERE / "config.toml", "cache": False}  # LDA, k = 13, by document, ids in "id"
    base = topiclab.fit(frame, seed=1, **common)
    seeds = choose_seeds(base, frame)
    seed_file = HERE / "seeds.toml"
    write_seeds(seeds, seed_file)
    odd = set(frame["id"].iloc[1::2])
    # how far three words reach: held-out abstracts holding a seed word of their own discipline
    held_ids = frame["id"].iloc[1::2]
    reach = [bool(set(base.tokens.get(i, [])) & set(seeds.get(f, [])))
             for i, f in zip(held_ids, frame["field"].iloc[1::2])]
    print(f"held-out abstracts holding a seed word of their discipline: {sum(reach) / len(reach):.3f}")
    rows = []
    for seeded in (False, True):
        for seed in (1, 2, 3):
            t = time.perf_counter()
            extra = {"seed_words": str(seed_file)} if seeded else {}
            result = topiclab.fit(frame, seed=seed, **common, **extra)
            seconds = time.perf_counter() - t
            docs = result.documents
            held = docs[docs["doc_id"].isin(odd)]
            rows.append({
                "seeded": seeded, "seed": seed, "seconds": round(seconds, 1), "npmi": result.metrics["npmi"],
                "nmi_heldout": round(label_agreement(held["field"].tolist(),
                                                     held["dominant_topic"].tolist())["nmi"], 4),
                "nmi_all": round(label_agreement(docs["field"].tolist(), docs["dominant_topic"].tolist())["nmi"], 4),
                "label_match_heldout": round(float((held["dominant_label"] == held["field"]).mean()), 4)
                if seeded else None,
            })
            print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    table.to_csv(HERE / "results.csv", index=False)
    means = table.groupby("seeded")[["nmi_heldout", "nmi_all", "npmi", "label_match_heldout", "seconds"]].mean()
    print(means.round(4).to_string())
    gain = means.loc[True, "nmi_heldout"] - means.loc[False, "nmi_heldout"]
    print(f"seeded - unseeded NMI on the held-out half: {gain:+.4f} (target >= +0.10)")


if __name__ == "__main__":
    main()
