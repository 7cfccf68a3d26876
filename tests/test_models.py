"""Models recover planted topics, follow scikit-learn's contract, and reject bad settings."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.pipeline import make_pipeline

from topiclab.errors import ConfigError
from topiclab.models import LDA, NMF, Priors, TfidfClusters, fit_model, load_result
from topiclab.vectorize import build_vocabulary, count_matrix, fit_tfidf, from_gensim, to_gensim

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


def test_a_fitted_tomotopy_model_keeps_its_topics_not_its_training_documents(planted):
    """Once trained, the estimator (in memory and in a run folder) is the size of its topics, not of
    its corpus: inference and the training perplexity are those of the fitted model."""
    import tomotopy

    counts, _, _ = planted
    fitted = LDA(3, random_state=5).fit(counts)
    blob = pickle.dumps(fitted)
    again = pickle.loads(blob)
    assert len(again.model_.model.docs) == 0 and len(fitted.model_.model.docs) == 0
    with_documents = tomotopy.LDAModel(k=3, seed=5)
    for row in np.asarray(counts.todense() if hasattr(counts, "todense") else counts):
        with_documents.add_doc([str(j) for j, c in enumerate(row) for _ in range(int(c))] or ["x"])
    assert len(blob) < len(with_documents.saves(full=True)) / 4
    assert np.array_equal(again.transform(counts[:5]), fitted.transform(counts[:5]))
    assert again.perplexity(counts, fitted_on=True) == fitted.perplexity(counts, fitted_on=True) > 1


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
        ({"model": "kmeans", "k": 3, "embedding": "bert"}, "unknown embedding 'bert'; choose one of word2vec, lsa, tfidf, lsa\\+word2vec"),
        ({"model": "kmeans", "k": 3, "n_dims": 0}, "n_dims must be a whole number >= 1 for the lsa\\+word2vec embedding"),
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
    assert list(frame.columns) == ["topic", "rank", "term", "weight", "label"] and len(frame) == 15
    # an unnamed topic is labelled by its top terms, the same label on each of its rows
    first = frame[frame["topic"] == 0]
    assert first["label"].nunique() == 1 and first["term"].iloc[0] in first["label"].iloc[0]


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


@pytest.mark.parametrize("embedding", ["word2vec", "lsa", "tfidf", "lsa+word2vec"])
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
    assert np.array_equal(a.embedding_.word_vectors, b.embedding_.word_vectors)
    assert np.array_equal(a.labels_, b.labels_)
    assert not np.array_equal(a.embedding_.word_vectors, c.embedding_.word_vectors)



def test_each_lda_backend_records_the_priors_it_used(planted, tmp_path):
    counts, vocab, _ = planted
    sk = fit_model(counts, vocab.terms, model="lda", backend="sklearn", k=4, seed=1)
    assert sk.priors == Priors(alpha=0.25, eta=0.25, alpha_initial=0.25, eta_initial=0.25)  # 1/k, fixed
    sk3 = LDA(3, backend="sklearn", alpha=0.2, eta=0.05, max_iter=5, random_state=1).fit(counts)
    assert (sk3.priors_.alpha, sk3.priors_.eta) == (0.2, 0.05)
    gs = fit_model(counts, vocab.terms, model="lda", backend="gensim", k=3, seed=1)
    assert gs.priors == Priors(1 / 3, 1 / 3, 1 / 3, 1 / 3)
    auto = fit_model(counts, vocab.terms, model="lda", backend="gensim", k=3, seed=1, alpha="auto")
    assert isinstance(auto.priors.alpha, tuple) and len(auto.priors.alpha) == 3  # learned, one value a topic
    assert auto.priors.alpha != (1 / 3,) * 3 and auto.priors.alpha_initial == 1 / 3 and auto.priors.learned == ("alpha",)
    asym = LDA(3, backend="gensim", alpha="asymmetric", random_state=1).fit(counts).priors_
    assert asym.alpha == asym.alpha_initial and asym.alpha[0] > asym.alpha[1] > asym.alpha[2] and asym.learned == ()
    tt = fit_model(counts, vocab.terms, model="lda", k=3, seed=1)
    # tomotopy starts from its defaults, 0.1 and 0.01, and re-estimates alpha every 10 sweeps
    assert (tt.priors.alpha_initial, tt.priors.eta_initial, tt.priors.eta, tt.priors.learned) == (0.1, 0.01, 0.01,
                                                                                                   ("alpha",))
    assert tt.priors.alpha != 0.1 and tt.priors.alpha_vector(3).shape == (3,)
    given = LDA(3, alpha=0.5, eta=0.02, max_iter=50, random_state=1).fit(counts).priors_
    assert (given.alpha_initial, given.eta_initial) == (0.5, 0.02)
    for result in (sk, auto, tt):
        result.save(tmp_path / result.backend)
        assert load_result(tmp_path / result.backend).priors == result.priors  # result.json carries them
    assert fit_model(counts, vocab.terms, model="nmf", k=3).priors is None


@pytest.mark.parametrize(("model", "backend", "used"), [("lda", "gensim", "gensim"), ("nmf", "tomotopy", "sklearn"),
                                                        ("agglomerative", "tomotopy", "sklearn")])
def test_the_result_names_the_library_that_fitted_it(planted, model, backend, used):
    counts, vocab, _ = planted
    assert fit_model(counts, vocab.terms, model=model, k=3, backend=backend).backend == used


def test_new_units_get_the_same_proportions_alone_or_in_a_batch_and_after_pickling(planted):
    counts, _, _ = planted
    for est in (LDA(3, random_state=1), LDA(3, backend="sklearn", random_state=1),
                LDA(3, backend="gensim", alpha="auto", random_state=1), TfidfClusters(3, n_dims=10, random_state=1)):
        est.fit(counts)
        batch = est.transform(counts[:6])
        alone = np.vstack([est.transform(counts[i:i + 1]) for i in range(6)])
        assert np.allclose(batch, alone, atol=1e-12) and np.array_equal(est.transform(counts[:6]), batch)
        assert np.array_equal(pickle.loads(pickle.dumps(est)).transform(counts[:6]), batch)


def test_input_is_checked_the_scikit_learn_way(planted):
    counts, _, _ = planted
    est = NMF(3, random_state=0).fit(counts)
    assert est.n_features_in_ == counts.shape[1] and est.get_feature_names_out().tolist() == ["nmf0", "nmf1", "nmf2"]
    with pytest.raises(ConfigError, match=f"X has 2 features, but NMF is expecting {counts.shape[1]} features"):
        est.transform(np.ones((1, 2)))
    with pytest.raises(ConfigError, match=r"^Expected 2D array, got 1D array instead; Reshape your data"):
        est.transform(np.ones(counts.shape[1]))
    with pytest.raises(ConfigError, match=r"^Input X contains NaN\.$"):
        LDA(2).fit(np.array([[1.0, np.nan], [2.0, 1.0]]))
    with pytest.raises(ConfigError, match=r"^Negative values in data passed to TfidfClusters: a document-term matrix"):
        TfidfClusters(2).fit(np.array([[1.0, -1.0], [2.0, 1.0]]))
    with pytest.raises(ConfigError, match=r"^Found array with 1 sample\(s\) \(shape=\(1, 3\)\) while a minimum of 2"):
        LDA(2).fit(np.ones((1, 3)))
    with pytest.raises(NotFittedError):
        LDA(2).perplexity(counts)
    with pytest.raises(ConfigError, match="max_iter must be a whole number >= 1, got 0"):
        LDA(2, max_iter=0).fit(counts)
    with pytest.raises(ConfigError, match="alpha must be a number > 0, got -1"):
        LDA(2, alpha=-1).fit(counts)


def test_fractional_weights(planted):
    counts, _, _ = planted
    weights = fit_tfidf(counts).transform(counts)
    assert np.array_equal(NMF(3, random_state=0).fit(weights.multiply(0.1)).components_.shape, (3, counts.shape[1]))
    assert fit_tfidf(counts.multiply(0.1)).transform(counts.multiply(0.1)).min() >= 0  # no negative sublinear tf
    with pytest.warns(UserWarning, match="samples whole words: .* fractional entries of the matrix were cut"):
        LDA(3, max_iter=20).fit(counts.multiply(1.5))
