"""Seeded topics on labelled news: three seed words a category, NMI through ``dominant_label``.

A stand-in for the held-out check of labelled news with three seed words a category. The corpora are
``bench/labelled_news.py``'s THUCNews samples (10 categories): section pages (1,000 pages of 15
headlines of one category) and the headlines themselves (1,000, about 19 characters each). The three
seed words of a category are chosen by rule on the even documents (the words that most distinguish the
category, weighted log-odds, each word to one category), written to ``seeds_CORPUS.toml`` beside this
file; seeded LDA (k = 10, each topic seeded, named by its category) runs on every document, seeds 1-3,
and each document's ``dominant_label`` is scored against its category on the odd documents (NMI, and
the share whose label is their category). Unseeded LDA is the baseline. Writes ``results.csv``.

    python experiments/seeded_news/run.py            # about 3 minutes
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

import topiclab
from topiclab.distinctive import seed_words_from_labels
from topiclab.evaluate import label_agreement

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "bench"))

from labelled_news import labelled_news, section_pages  # noqa: E402

SEEDS_PER_TOPIC = 3


def choose_seeds(tokens: dict[str, list[str]], frame: pd.DataFrame) -> dict[str, list[str]]:
    """Three words a category from the even documents, each word to the category it distinguishes most."""
    train = frame.iloc[::2]
    return seed_words_from_labels([tokens.get(i, []) for i in train["id"]], train["label"].tolist(),
                                  per_label=SEEDS_PER_TOPIC)


def run_corpus(name: str, texts: list[str], labels: list[str]) -> list[dict]:
    frame = pd.DataFrame({"id": [f"{name}{i:04d}" for i in range(len(texts))], "text": texts, "label": labels})
    common = {"config": HERE / "config.toml", "k": len(set(labels)), "cache": False}  # LDA, ids in "id"
    seeds = choose_seeds(topiclab.fit(frame, seed=1, **common).tokens, frame)
    seed_file = HERE / f"seeds_{name}.toml"
    seed_file.write_text("".join(f"{c} = {json.dumps(w, ensure_ascii=False)}\n" for c, w in seeds.items()),
                         encoding="utf-8")
    odd = set(frame["id"].iloc[1::2])
    rows = []
    for seeded in (False, True):
        for seed in (1, 2, 3):
            result = topiclab.fit(frame, seed=seed, **common, **({"seed_words": str(seed_file)} if seeded else {}))
            held = result.documents[result.documents["doc_id"].isin(odd)]
            rows.append({"corpus": name, "seeded": seeded, "seed": seed,
                         "nmi_heldout": round(label_agreement(held["label"].tolist(),
                                                              held["dominant_label"].tolist())["nmi"], 4),
                         "label_is_category": round(float((held["dominant_label"] == held["label"]).mean()), 4)
                         if seeded else None})
            print(rows[-1], flush=True)
    return rows


def main() -> None:
    rows = run_corpus("sections", *section_pages()) + run_corpus("titles", *labelled_news())
    table = pd.DataFrame(rows)
    table.to_csv(HERE / "results.csv", index=False)
    print(table.groupby(["corpus", "seeded"])[["nmi_heldout", "label_is_category"]].mean().round(4).to_string())


if __name__ == "__main__":
    main()
