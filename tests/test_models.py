"""Models recover planted topics, follow scikit-learn's contract, and reject bad settings."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.pipeline import make_pipeline

from topiclab.errors import ConfigError
from topiclab.models import LDA, NMF, TfidfClusters, fit_model, load_result
from topiclab.vectorize import build_vocabulary, count_matrix, from_gensim, to_gensim

THEMES = {
    "chips": ["集成电路", "芯片", "晶圆", "封装", "设计", "制造"],
    "ecology": ["生态", "环境", "治理", "碳排放", "绿色", "污染"],
    "finance": ["金融", "贷款", "银行", "融资", "债券", "信贷"],
}


def planted_corpus(n_per: int = 40, seed: int = 0) -> tuple[list[list[str]], list[str]]:
    rng = np.random.default_rng(seed)
    docs, labels = [], []
    for name, words in THEMES.items():
        for _ in range(n_per):
            docs.append(list(rng.choice(words, size=25)) + list(rng.choice(["发展", "工作"], size=3)))
            labels.append(name)
    return docs, labels


@pytest.fixture(scope="module")
def planted():
    docs, labels = planted_corpus()
    vocab = build_vocabulary(docs, no_below=2, no_above=0.9)
    return count_matrix(docs, vocab), vocab, labels


@pytest.mark.parametrize(
    ("model", "backend"),
    [("lda", "tomotopy"), ("lda", "sklearn"), ("lda", "gensim"), ("nmf", "tomotopy"), ("kmeans", "tomotopy"),
     ("agglomerative", "tomotopy")],
)
def test_each_model_recovers_planted_topics(planted, model, backend):
    counts, vocab, labels = planted
    result = fit_model(counts, vocab.terms, model=model, k=3, seed=1, backend=backend)
    assert np.allclose(result.topic_term.sum(axis=1), 1) and np.allclose(result.doc_topic.sum(axis=1), 1)
    top = [set(t) for t in result.top_terms(6)]
    assert all(set(words) in top for words in THEMES.values())
    # every planted theme is some topic's majority
    dominant = result.dominant_topic()
    for name in THEMES:
        members = dominant[[i for i, lab in enumerate(labels) if lab == name]]
        assert np.bincount(members).max() / len(members) > 0.9


def test_same_seed_same_result_and_pickle_round_trip(planted):
    counts, _, _ = planted
    a = LDA(3, random_state=5).fit(counts)
    b = LDA(3, random_state=5).fit(counts)
    assert np.array_equal(a.components_, b.components_)
    again = pickle.loads(pickle.dumps(a))
    assert np.allclose(again.transform(counts[:5]), a.transform(counts[:5]))


def test_estimators_work_in_a_sklearn_pipeline():
    docs, _ = planted_corpus()
    pipe = make_pipeline(CountVectorizer(analyzer=lambda d: d), NMF(3, random_state=0)).fit(docs)
    assert pipe.transform(docs[:2]).shape == (2, 3)


def test_unfitted_model_raises():
    with pytest.raises(NotFittedError):
        TfidfClusters(3).transform(np.ones((2, 3)))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": "lda", "k": 1}, "k must be a whole number >= 2"),
        ({"model": "nmf", "k": 500}, "k=500 is more than the 120 units"),
        ({"model": "lsa", "k": 3}, "unknown model 'lsa'; choose one of lda, nmf, kmeans, agglomerative"),
        ({"model": "kmeans", "k": 3, "embedding": "bert"}, "unknown embedding 'bert'; choose one of word2vec, lsa, tfidf"),
        ({"model": "kmeans", "k": 3, "n_dims": 0}, "n_dims must be a whole number >= 1 for the word2vec embedding"),
        ({"model": "lda", "k": 3, "backend": "mallet"}, "unknown LDA backend 'mallet'; choose one of tomotopy, sklearn, gensim"),
        ({"model": "lda", "k": 3, "backend": "sklearn", "alpha": "auto"}, "alpha='auto' needs backend='gensim'"),
    ],
)
def test_bad_settings(planted, kwargs, message):
    counts, vocab, _ = planted
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        fit_model(counts, vocab.terms, **kwargs)


def test_result_save_load_and_topics_frame(planted, tmp_path):
    counts, vocab, _ = planted
    result = fit_model(counts, vocab.terms, model="nmf", k=3, seed=0)
    result.save(tmp_path)
    back = load_result(tmp_path)
    assert np.array_equal(back.topic_term, result.topic_term) and back.terms == result.terms
    frame = result.topics_frame(5)
    assert list(frame.columns) == ["topic", "rank", "term", "weight"] and len(frame) == 15


def test_vocabulary_pruning_and_gensim_round_trip():
    docs = [["上海", "创新", "产业"], ["上海", "创新"], ["上海", "江苏"], ["浙江"]]
    vocab = build_vocabulary(docs, no_below=2, no_above=0.6)
    assert vocab.terms == ("创新",)  # 上海 is in 3 of 4 units: more than 60%
    with pytest.raises(ConfigError, match="the vocabulary is empty: of 5 terms over 4 units, 5 are in fewer than no_below=5"):
        build_vocabulary(docs, no_below=5)
    vocab = build_vocabulary(docs, no_below=1, no_above=1.0, keep_n=3)
    counts = count_matrix(docs, vocab)
    v2, m2 = from_gensim(*to_gensim(vocab, counts))
    assert v2.terms == vocab.terms and (m2 != counts).nnz == 0


@pytest.mark.parametrize("embedding", ["word2vec", "lsa", "tfidf"])
def test_clusters_on_each_embedding_recover_themes_and_place_new_units(planted, embedding):
    counts, _, labels = planted
    est = TfidfClusters(3, embedding=embedding, n_dims=20, random_state=1).fit(counts)
    for name in THEMES:
        members = est.labels_[[i for i, lab in enumerate(labels) if lab == name]]
        assert np.bincount(members).max() == len(members)
    # a single new unit is weighted with the idf learned in fit, and lands with its theme
    assert est.transform(counts[:1]).argmax() == est.labels_[0]
    assert est.transform(counts[-1:]).argmax() == est.labels_[-1]


def test_word2vec_clusters_are_reproducible_and_seed_dependent(planted):
    counts, _, _ = planted
    a = TfidfClusters(3, random_state=4).fit(counts)
    b = TfidfClusters(3, random_state=4).fit(counts)
    c = TfidfClusters(3, random_state=5).fit(counts)
    assert np.array_equal(a.word_vectors_, b.word_vectors_) and np.array_equal(a.labels_, b.labels_)
    assert not np.array_equal(a.word_vectors_, c.word_vectors_)

