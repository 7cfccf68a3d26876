"""FREX, exclusivity, intrusion items and their scoring, on arrays with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from topica.coherence import exclusivity as topica_exclusivity
from topica.inspect import frex as topica_frex

import topiclab
from topiclab.errors import InputError
from topiclab.select import frontier
from topiclab.validation import (
    agreement,
    document_intrusion,
    exclusivity,
    fleiss_kappa,
    frex_scores,
    frex_terms,
    log_odds,
    score_items,
    term_counts,
    topic_quality,
    word_intrusion,
)

# two topics, three words: by frequency topic 0 ranks the words 1, 2, 3, by exclusivity (0.44, 0.78, 0.38) 2, 1, 3
BETA = np.array([[0.4, 0.35, 0.25], [0.5, 0.1, 0.4]])


def test_frex_and_exclusivity_by_hand():
    # FREX, w = 0.5: 1 / (0.5 / F + 0.5 / E) with F, E the ranks / 3; word 0 in topic 0: F = 1, E = 2/3 -> 0.8
    assert frex_scores(BETA) == pytest.approx(np.array([[0.8, 0.8, 1 / 3], [0.8, 1 / 3, 0.8]]))
    # weight 0.3 on frequency for word 0 of topic 0: 1 / (0.3 / 1 + 0.7 / (2/3)) = 1 / 1.35
    assert frex_scores(BETA, w=0.3)[0, 0] == pytest.approx(1 / 1.35)
    # exclusivity (weight 0.7 on exclusivity) over the top 2 words: 1 / (0.7/(2/3) + 0.3/1) + 1 / (0.7/1 + 0.3/(2/3))
    assert exclusivity(BETA, n=2) == pytest.approx([20 / 27 + 20 / 23] * 2)
    # a tie in FREX goes to the more probable word
    assert frex_terms(BETA, ["上海", "芯片", "港口"], n=2) == [["上海", "芯片"], ["上海", "港口"]]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_frex_and_exclusivity_equal_stms_as_topica_computes_them(seed: int):
    rng = np.random.default_rng(seed)
    beta = rng.dirichlet(np.full(60, 0.2), size=5)
    beta[:, :8] = beta[:, 8:16]  # ties, which stm averages
    beta /= beta.sum(axis=1, keepdims=True)
    counts = rng.integers(0, 40, 60)
    vocab = [f"w{i}" for i in range(60)]
    for w, c in ((0.5, None), (0.3, None), (0.5, counts)):
        ours = frex_scores(beta, w=w, term_counts=c)
        theirs = topica_frex(beta, vocab, w=w, n=60, word_counts=c)
        for t in range(5):
            assert dict(theirs[t]) == pytest.approx(dict(zip(vocab, ours[t])), abs=1e-12)
    assert exclusivity(beta) == pytest.approx(topica_exclusivity(beta), abs=1e-12)


def test_a_word_no_topic_uses_is_equally_exclusive_everywhere():
    beta = np.array([[0.6, 0.4, 0.0, 0.0], [0.0, 0.5, 0.5, 0.0]])  # word 3: zero in both topics (NMF)
    scores = frex_scores(beta, term_counts=[5, 5, 5, 0])
    assert np.isfinite(scores).all() and np.isfinite(exclusivity(beta)).all()
    assert frex_terms(beta, list("abcd"), n=1) == [["a"], ["c"]]


def test_topic_quality_has_one_row_a_topic_with_its_coherence():
    texts = [["上海", "芯片"], ["上海", "芯片"], ["港口", "航运"], ["港口", "航运"]]
    terms = ["上海", "芯片", "港口", "航运"]
    beta = np.array([[0.45, 0.45, 0.05, 0.05], [0.05, 0.05, 0.45, 0.45]])
    table = topic_quality(beta, terms, term_counts(texts, terms), texts=texts, top_n=2, n_frex=2)
    assert table.columns.tolist() == ["topic", "exclusivity", "npmi", "frex_terms"]
    assert table["npmi"].tolist() == pytest.approx([1.0, 1.0], abs=1e-6)
    assert table["frex_terms"].tolist() == ["上海 芯片", "港口 航运"]


def planted(k: int = 4, v: int = 40, seed: int = 0) -> np.ndarray:
    """k topics, each with its own block of v/k words, plus a little of everything."""
    rng = np.random.default_rng(seed)
    beta = rng.uniform(0.001, 0.01, (k, v))
    for t in range(k):
        beta[t, t * v // k:(t + 1) * v // k] += rng.uniform(0.5, 1.0, v // k)
    return beta / beta.sum(axis=1, keepdims=True)


def test_word_intruders_are_low_in_their_topic_and_high_in_another():
    beta = planted()
    order = np.argsort(-beta, axis=1, kind="stable")
    for item in word_intrusion(beta, n_words=5, n_high=10, seed=7):
        intruder = item.options[item.intruder]
        others = [o for o in item.options if o != intruder]
        assert sorted(others) == sorted(order[item.topic, :5].tolist())
        assert beta[item.topic, intruder] <= np.median(beta[item.topic])
        assert any(intruder in order[t, :10] for t in range(len(beta)) if t != item.topic)


def test_items_are_the_same_for_a_seed_and_shuffled():
    beta, theta = planted(k=5), np.random.default_rng(1).dirichlet(np.ones(5) * 0.3, size=60)
    assert word_intrusion(beta, seed=3) == word_intrusion(beta, seed=3)
    assert document_intrusion(theta, seed=3) == document_intrusion(theta, seed=3)
    draws = [word_intrusion(beta, seed=s) for s in range(10)]
    assert len({tuple(i.options for i in d) for d in draws}) > 1
    assert len({i.intruder for d in draws for i in d}) > 3  # the intruder is not always in one place


def test_document_intruders_are_where_the_topic_is_nearly_absent():
    theta = np.random.default_rng(2).dirichlet(np.ones(4) * 0.3, size=40)
    theta[5] = np.nan  # a document with no words left is never shown
    for item in document_intrusion(theta, n_docs=3, seed=1):
        share = theta[:, item.topic]
        intruder = item.options[item.intruder]
        tops = sorted(o for o in item.options if o != intruder)
        assert tops == sorted(np.argsort(-np.nan_to_num(share, nan=-1), kind="stable")[:3].tolist())
        assert share[intruder] <= np.nanquantile(share, 0.25) + 1e-12
        assert np.nanargmax(theta[intruder]) != item.topic and 5 not in item.options
    with pytest.raises(InputError, match=r"^6 documents are too few for 6 top documents"):
        document_intrusion(theta[:7], n_docs=6)
    with pytest.raises(InputError, match="word intrusion needs at least 2 topics"):
        word_intrusion(planted()[:1])


def test_fleiss_kappa_of_the_textbook_example():
    # Fleiss (1971) as worked on Wikipedia: 10 items, 14 raters, 5 categories, kappa 0.210
    table = np.array([[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
                      [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]])
    assert fleiss_kappa(table) == pytest.approx(0.2099, abs=1e-4)
    assert np.isnan(fleiss_kappa(np.array([[1, 0], [0, 1]])))  # one coder an item: no agreement to measure


def key_and_answers(n_items: int = 8, n_options: int = 4, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, n_options + 1, n_items)
    rows = [{"task": "document", "item": f"D{i:02d}", "topic": i, "option": o, "shown": f"d{i}-{o}",
             "intruder": o == truth[i], "weight": 0.02 if o == truth[i] else 0.5}
            for i in range(n_items) for o in range(1, n_options + 1)]
    return pd.DataFrame(rows), truth


def test_a_perfect_sheet_scores_1_and_a_random_one_lower():
    key, truth = key_and_answers()
    perfect = pd.DataFrame({"task": "document", "item": [f"D{i:02d}" for i in range(8)] * 2,
                            "coder": ["a"] * 8 + ["b"] * 8, "choice": [*truth, *truth]})
    scores = score_items(key, perfect)
    assert (scores["precision"] == 1).all() and (scores["log_odds"] == 0).all() and (scores["coders"] == 2).all()
    assert agreement(key, perfect, "document") == pytest.approx(1.0)
    guesses = perfect.assign(choice=np.random.default_rng(5).integers(1, 5, 16))
    scores = score_items(key, guesses)
    assert scores["precision"].mean() < 0.6 and (scores["log_odds"] <= 0).all() and scores["log_odds"].min() < 0
    assert log_odds(0.0, [0.5]) != log_odds(0.0, [0.5])  # a zero share has no log odds (NaN)


def test_frontier_keeps_the_k_no_other_beats_on_both():
    assert frontier([0.1, 0.2, 0.05, 0.2, np.nan], [9.0, 8.0, 8.5, 7.0, 10.0]).tolist() == [
        True, True, False, False, False]
    assert frontier([0.1, 0.1], [5.0, 5.0]).tolist() == [True, True]  # equal points do not dominate each other


def test_a_sweep_adds_exclusivity_the_frontier_and_its_figure(tmp_path):
    texts = ["集成电路芯片设计产业"] * 5 + ["港口物流航运枢纽建设"] * 5 + ["生态环境绿色治理"] * 5
    sweep = topiclab.sweep(texts, k=[2, 3], seeds=[1, 2], cache=False)
    assert sweep.runs["exclusivity"].between(0, 10).all() and sweep.summary["frontier"].any()
    out = sweep.save(tmp_path / "sweep")
    assert (out / "coherence_exclusivity.png").stat().st_size > 10_000 and (out / "coherence_exclusivity.svg").is_file()
    assert {"exclusivity", "frontier"} <= set(pd.read_csv(out / "summary.csv").columns)
