"""A fitted run applied to new documents; held-out perplexity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from topiclab.apply import load_model
from topiclab.corpus import load_seed
from topiclab.errors import ConfigError, InputError
from topiclab.models import heldout_perplexity


def test_a_loaded_run_puts_its_own_documents_back_in_their_topics(seed_run: Path):
    model = load_model(seed_run)
    seed = load_seed()
    new = model.transform(list(seed.texts), list(seed.doc_ids))
    fitted = pd.read_csv(seed_run / "doc_topics.csv", dtype={"doc_id": str})
    assert list(new["doc_id"]) == list(fitted["doc_id"])
    assert np.allclose(new.filter(like="topic_").sum(axis=1), 1)
    agree = (new["dominant_topic"].to_numpy() == fitted["dominant_topic"].to_numpy()).mean()
    assert agree >= 0.9, agree
    # a new text about the ecology coin lands in the topic whose top term is 生态币
    topics = pd.read_csv(seed_run / "topics.csv")
    eco = int(topics[(topics["rank"] == 1) & (topics["term"] == "生态币")]["topic"].iloc[0])
    text = "长三角示范区推出生态币，居民参与生态环境治理和垃圾分类可获得生态币奖励，推动可持续发展。"
    assert model.transform([text])["dominant_topic"].item() == eco
    with pytest.raises(InputError, match=r"model/estimator\.pkl missing"):
        load_model(seed_run / "nowhere")


def test_documents_without_known_words_get_no_topic_rather_than_topic_0(seed_run: Path):
    model = load_model(seed_run)
    text = "长三角示范区推出生态币，居民参与生态环境治理可获得生态币奖励。"
    out = model.transform([text, "的了吗。", "", "阿巴阿巴咕噜咕噜"], ["eco", "function", "empty", "unknown"])
    assert out["n_terms"].tolist()[1:] == [0, 0, 0] and out["n_terms"].iloc[0] > 3
    assert out["dominant_topic"].isna().tolist() == [False, True, True, True]
    assert out.filter(like="topic_").iloc[1:].isna().all().all()
    assert np.isclose(out.filter(like="topic_").iloc[0].sum(), 1)
    # all documents empty: still one row each, no error
    assert model.transform(["。"]).dominant_topic.isna().all()


def test_heldout_perplexity_prefers_the_planted_number_of_topics():
    rng = np.random.default_rng(0)
    topics = np.kron(np.eye(4), np.ones(10)) / 10  # 4 topics over 40 words, disjoint
    docs = np.vstack([rng.multinomial(60, topics[rng.integers(4)]) for _ in range(200)])
    scores = {k: heldout_perplexity(docs, k, 1, fraction=0.2) for k in (2, 4)}
    assert scores[4] < scores[2] and 9 < scores[4] < 12  # ~10 equally likely words a topic
    with pytest.raises(ConfigError, match="held-out fraction"):
        heldout_perplexity(docs, 4, 1, fraction=0.0)
