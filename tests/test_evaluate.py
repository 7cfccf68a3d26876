"""Coherence equals gensim's CoherenceModel; other metrics on known values."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.corpora import Dictionary
from gensim.models import CoherenceModel

from topiclab.evaluate import coherence, cooccurrence, label_agreement, purity, topic_diversity
from topiclab.models import fit_model
from topiclab.preprocess import PreprocessConfig, preprocess
from topiclab.select import matched_similarity, topic_stability
from topiclab.vectorize import build_vocabulary, count_matrix


@pytest.fixture(scope="module")
def seed_topics(seed):
    units = preprocess(seed, PreprocessConfig(unit="paragraph"))
    texts = [list(t) for t in units.tokens] + [[]]
    vocab = build_vocabulary(texts, no_below=2, no_above=0.5)
    result = fit_model(count_matrix(texts, vocab), vocab.terms, model="nmf", k=6, seed=0)
    return result.top_terms(10), texts


@pytest.mark.parametrize(("ours", "theirs"), [("npmi", "c_npmi"), ("c_v", "c_v"), ("umass", "u_mass")])
def test_coherence_matches_gensim(seed_topics, ours, theirs):
    topics, texts = seed_topics
    expected = CoherenceModel(topics=topics, texts=texts, dictionary=Dictionary(texts), coherence=theirs)
    assert np.allclose(coherence(topics, texts, ours), expected.get_coherence_per_topic(), atol=1e-4)


def test_window_counts_follow_gensim_convention():
    # "a" leaves the window [a a b] -> [a b c] once, and gensim then drops it though a copy remains
    occ, co, n = cooccurrence([["a", "a", "b", "c"]], ["a", "c"], window=3)
    assert n == 2 and occ.tolist() == [1, 1] and co[0, 1] == 0


def test_diversity_purity_agreement_and_stability():
    assert topic_diversity([["a", "b"], ["b", "c"]], top_n=2) == 0.75
    assert purity(["x", "x", "y"], [0, 0, 0]) == pytest.approx(2 / 3)
    assert label_agreement(["x", "x", "y", "y"], [0, 0, 1, 1]) == {"nmi": 1.0, "ari": 1.0, "purity": 1.0}
    a = np.array([[0.9, 0.1, 0.0], [0.0, 0.2, 0.8]])
    assert matched_similarity(a, a[::-1]) == pytest.approx(1.0)
    assert topic_stability([a, a[::-1], a + 0.01]) > 0.99
