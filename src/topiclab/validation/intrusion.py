"""Intrusion tests of topics and the scoring of coders' answers, as functions on arrays.

* Word intrusion (Chang, Boyd-Graber, Gerrish, Wang & Blei 2009, "Reading tea leaves: how humans
  interpret topic models"): a topic's top words plus one intruder, a word in the lower half of
  this topic and among the top words of another; the model precision of a topic is the share of
  coders who pick the intruder.
* Document intrusion, the same design on documents: a topic's top documents plus one in which the
  topic is nearly absent, scored by precision and by a log odds that mirrors Chang et al.'s topic
  log odds (0 when the intruder is found, lower the more of the topic the model sees in the
  document picked instead).
* Agreement between coders: Fleiss' kappa (Fleiss 1971) over the options of each item.

Every draw has its own generator, seeded by the seed, the task and the topic: the same seed
gives the same items, whatever else changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from topiclab.errors import InputError


@dataclass(frozen=True)
class IntrusionItem:
    """One test item: ``options`` (term or document indices, in the order shown) of which the one at
    ``intruder`` (0-based) does not belong to ``topic``."""

    topic: int
    options: tuple[int, ...]
    intruder: int


def _shuffled(rng: np.random.Generator, topic: int, members: list[int], intruder: int) -> IntrusionItem:
    options = [*members, intruder]
    order = rng.permutation(len(options))
    shown = tuple(int(options[i]) for i in order)
    return IntrusionItem(topic, shown, shown.index(intruder))


def word_intrusion(topic_term: np.ndarray, *, n_words: int = 5, n_high: int = 10, seed: int = 0
                   ) -> list[IntrusionItem]:
    """One word-intrusion item a topic (Chang et al. 2009): its ``n_words`` most probable terms and an
    intruder drawn from the terms in the lower half of this topic that are among the ``n_high`` most
    probable of another topic (when there are none, the lower-half terms ranked highest elsewhere).

    Topic t's draw uses its own generator, seeded ``(seed, 0, t)``: the same seed gives the same items.

    Example:
        >>> beta = np.array([[.5, .3, .1, .05, .05], [.05, .05, .1, .3, .5]])
        >>> item = word_intrusion(beta, n_words=2, n_high=2, seed=1)[0]
        >>> item.options[item.intruder] in (3, 4), sorted(item.options)[:2]
        (True, [0, 1])
    """
    beta = np.asarray(topic_term, dtype=np.float64)
    k, v = beta.shape
    if k < 2:
        raise InputError("word intrusion needs at least 2 topics: an intruder comes from another topic")
    if v < 2 * n_words + 1:
        raise InputError(f"{v} terms are too few for {n_words} top words and an intruder from the lower half; "
                         "give fewer --n-words")
    order = np.argsort(-beta, axis=1, kind="stable")
    rank = np.empty_like(order)
    rank[np.arange(k)[:, None], order] = np.arange(v)
    items = []
    for t in range(k):
        top = [int(j) for j in order[t, :n_words]]
        low = np.flatnonzero((rank[t] >= n_words) & (beta[t] <= np.median(beta[t])))
        elsewhere = np.delete(rank, t, axis=0)[:, low].min(axis=0)
        pool = low[elsewhere < n_high]
        if pool.size == 0:  # the lower-half terms that rank highest in another topic
            pool = low[np.lexsort((low, elsewhere))][:n_high]
        rng = np.random.default_rng([seed, 0, t])
        items.append(_shuffled(rng, t, top, int(rng.choice(np.sort(pool)))))
    return items


def document_intrusion(doc_topic: np.ndarray, *, n_docs: int = 3, seed: int = 0) -> list[IntrusionItem]:
    """One document-intrusion item a topic: its ``n_docs`` documents of highest share and an intruder
    drawn from the documents in the lowest quarter of that share whose dominant topic is another.
    Rows with a missing share (a document with no words left) are never shown.

    Topic t's draw uses its own generator, seeded ``(seed, 1, t)``.

    Example:
        >>> theta = np.array([[.9, .1], [.8, .2], [.7, .3], [.1, .9], [.2, .8], [.3, .7], [.05, .95], [.6, .4]])
        >>> item = document_intrusion(theta, n_docs=2, seed=1)[0]
        >>> intruder = item.options[item.intruder]
        >>> sorted(o for o in item.options if o != intruder), intruder in (3, 6)
        ([0, 1], True)
    """
    theta = np.asarray(doc_topic, dtype=np.float64)
    k = theta.shape[1]
    valid = np.flatnonzero(~np.isnan(theta).any(axis=1))
    quarter = valid.size // 4
    if k < 2:
        raise InputError("document intrusion needs at least 2 topics: the intruder belongs to another topic")
    if quarter < 1 or valid.size - quarter < n_docs:
        raise InputError(f"{valid.size} documents are too few for {n_docs} top documents and an intruder from "
                         "the lowest quarter; give fewer --n-docs")
    dominant = np.nan_to_num(theta, nan=-1.0).argmax(axis=1)
    items = []
    for t in range(k):
        ranked = valid[np.argsort(-theta[valid, t], kind="stable")]
        top = [int(i) for i in ranked[:n_docs]]
        tail = ranked[valid.size - quarter:]
        pool = tail[dominant[tail] != t] if (dominant[tail] != t).any() else tail
        rng = np.random.default_rng([seed, 1, t])
        items.append(_shuffled(rng, t, top, int(rng.choice(np.sort(pool)))))
    return items


def fleiss_kappa(counts: np.ndarray) -> float:
    """Fleiss' kappa (1971) of an items x options table of how many coders chose each option
    (items with fewer than two coders are left out; the number of coders may vary by item).

    Example:
        >>> fleiss_kappa(np.array([[2, 0], [0, 2], [2, 0]]))
        1.0
        >>> round(fleiss_kappa(np.array([[1, 1], [1, 1]])), 3)
        -1.0
    """
    table = np.asarray(counts, dtype=np.float64)
    n = table.sum(axis=1)
    table, n = table[n >= 2], n[n >= 2]
    if table.size == 0:
        return float("nan")
    agree = ((table**2).sum(axis=1) - n) / (n * (n - 1))
    p = table.sum(axis=0) / n.sum()
    expected = float((p**2).sum())
    return float("nan") if expected == 1 else float((agree.mean() - expected) / (1 - expected))


def log_odds(intruder_share: float, chosen_shares: Sequence[float]) -> float:
    """Mean over coders of log(share of the topic in the intruder) - log(share in the document chosen):
    0 when every coder found the intruder, more negative the more the model put the topic in the
    documents chosen instead (Chang et al.'s topic log odds, on documents). NaN with a zero share.

    Example:
        >>> log_odds(0.05, [0.05, 0.05]), round(log_odds(0.05, [0.05, 0.5]), 4)
        (0.0, -1.1513)
    """
    shares = np.asarray(chosen_shares, dtype=np.float64)
    if shares.size == 0 or intruder_share <= 0 or (shares <= 0).any():
        return float("nan")
    return float(np.mean(np.log(intruder_share) - np.log(shares)))


def score_items(key: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    """One row an item: ``task, item, topic, intruder`` (the intruder as shown), ``coders`` (who
    answered it), ``precision`` (share of them who chose the intruder; Chang et al.'s model
    precision) and, for documents, ``log_odds`` (:func:`log_odds` on the items' topic weights).

    ``key``: one row an option (``task, item, topic, option, shown, intruder, weight``);
    ``answers``: one row an answer (``task, item, coder, choice``, the option number chosen).

    Example:
        >>> key = pd.DataFrame({"task": ["document"] * 3, "item": ["D01"] * 3, "topic": [0] * 3, "option": [1, 2, 3],
        ...                     "shown": ["a", "b", "c"], "intruder": [False, True, False], "weight": [.6, .05, .5]})
        >>> answers = pd.DataFrame({"task": "document", "item": "D01", "coder": ["x", "y"], "choice": [2, 1]})
        >>> score_items(key, answers)[["coders", "precision", "log_odds"]].round(4).values.tolist()
        [[2.0, 0.5, -1.2425]]
    """
    rows = []
    for (task, item), options in key.groupby(["task", "item"], sort=False):
        weights = dict(zip(options["option"], options["weight"]))
        truth = int(options.loc[options["intruder"].astype(bool), "option"].iloc[0])
        chosen = answers.loc[(answers["task"] == task) & (answers["item"] == item), "choice"].astype(int).tolist()
        rows.append({
            "task": task, "item": item, "topic": int(options["topic"].iloc[0]),
            "intruder": options.loc[options["option"] == truth, "shown"].iloc[0], "coders": len(chosen),
            "precision": float(np.mean([c == truth for c in chosen])) if chosen else float("nan"),
            "log_odds": log_odds(weights[truth], [weights[c] for c in chosen]) if task == "document" else float("nan"),
        })
    return pd.DataFrame(rows)


def agreement(key: pd.DataFrame, answers: pd.DataFrame, task: str) -> float:
    """Fleiss' kappa between the coders of ``task``'s items (NaN with fewer than two coders on any item).

    Example:
        >>> key = pd.DataFrame({"task": "word", "item": ["W01", "W01", "W02", "W02"], "option": [1, 2, 1, 2]})
        >>> answers = pd.DataFrame({"task": "word", "item": ["W01", "W01", "W02", "W02"], "coder": ["x", "y"] * 2,
        ...                         "choice": [1, 1, 2, 2]})
        >>> agreement(key, answers, "word")
        1.0
    """
    options = key[key["task"] == task]
    items = list(dict.fromkeys(options["item"]))
    table = np.zeros((len(items), int(options["option"].max()) if len(options) else 0))
    index = {item: i for i, item in enumerate(items)}
    for item, choice in answers.loc[answers["task"] == task, ["item", "choice"]].itertuples(index=False):
        table[index[item], int(choice) - 1] += 1
    return fleiss_kappa(table)
