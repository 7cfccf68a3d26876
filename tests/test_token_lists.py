"""Token lists held as a term table and an id array behave as the tuples they replace, and the
counting done from their arrays (vocabulary, count matrix, coherence windows, term counts) equals
the counting done token by token."""

from __future__ import annotations

import pickle
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from topiclab import evaluate
from topiclab.compare_runs import tokens_by_document
from topiclab.document_tokens import DocumentTokens
from topiclab.preprocess import PreprocessConfig, preprocess
from topiclab.preprocess.token_lists import TokenLists
from topiclab.preprocess.units import Units
from topiclab.validation import term_counts
from topiclab.vectorize import build_vocabulary, count_matrix, generic_terms

WORDS = st.sampled_from(["上海", "江苏", "浙江", "安徽", "创新", "产业", "芯片", "港口"])
LISTS = st.lists(st.lists(WORDS, max_size=12), max_size=25)


@settings(max_examples=60, deadline=None)
@given(LISTS, st.integers(-30, 30), st.integers(-30, 30))
def test_behaves_as_a_tuple_of_tuples(lists, a, b):
    plain = tuple(tuple(x) for x in lists)
    held = TokenLists.of(lists)
    assert len(held) == len(plain) and tuple(held) == plain and held == plain and held == list(plain)
    assert held[a:b] == plain[a:b] and held[::2] == plain[::2]
    if -len(plain) <= a < len(plain):
        assert held[a] == plain[a]
    else:
        with pytest.raises(IndexError):
            held[a]
    assert held.lengths().tolist() == [len(x) for x in plain] and held.n_tokens == sum(map(len, plain))
    assert pickle.loads(pickle.dumps(held)) == held and repr(held) == repr(plain)


def test_lists_of_different_contents_are_unequal():
    assert TokenLists.of([["上海"], ["江苏"]]) != TokenLists.of([["江苏"], ["上海"]])
    assert TokenLists.of([["上海", "江苏"]]) != TokenLists.of([["上海"], ["江苏"]])
    assert TokenLists.of([["上海"]]) != (("江苏",),)


@settings(max_examples=60, deadline=None)
@given(LISTS)
def test_vocabulary_and_count_matrix_are_those_counted_token_by_token(lists):
    held = TokenLists.of(lists)
    try:
        vocab = build_vocabulary(lists, no_below=1, no_above=1.0)
    except Exception as exc:  # no term at all: both ways refuse alike
        with pytest.raises(type(exc), match="vocabulary is empty"):
            build_vocabulary(held, no_below=1, no_above=1.0)
        return
    assert build_vocabulary(held, no_below=1, no_above=1.0) == vocab
    plain, fast = count_matrix(lists, vocab), count_matrix(held, vocab)
    assert fast.shape == plain.shape and fast.dtype == plain.dtype and fast.indices.dtype == plain.indices.dtype
    assert np.array_equal(fast.indptr, plain.indptr) and np.array_equal(fast.indices, plain.indices)
    assert np.array_equal(fast.data, plain.data)
    counts = Counter(w for x in lists for w in x)
    assert term_counts(held, vocab.terms).tolist() == [counts[t] for t in vocab.terms]


@pytest.mark.parametrize("window", [None, 3, 110])
def test_coherence_counts_added_up_over_blocks_equal_one_pass(monkeypatch, window):
    rng = np.random.default_rng(0)
    words = ["上海", "江苏", "浙江", "安徽", "创新", "产业"]
    lists = [[words[i] for i in rng.integers(0, 6, rng.integers(0, 40))] for _ in range(60)]
    whole = evaluate.cooccurrence(lists, words[:4], window)
    monkeypatch.setattr(evaluate, "_BLOCK_TOKENS", 16 * 7)  # windowed blocks of 7 tokens: many small blocks
    parts = evaluate.cooccurrence(TokenLists.of(lists), words[:4], window)
    assert np.array_equal(parts[0], whole[0]) and np.array_equal(parts[1], whole[1]) and parts[2] == whole[2]


def test_units_hold_their_tokens_as_token_lists(seed):
    units = preprocess(seed, PreprocessConfig(unit="paragraph"))
    assert isinstance(units.tokens, TokenLists) and units.tokens.ids.dtype == np.int32
    assert units.n_tokens == sum(len(t) for t in units.tokens) > 1000
    # units built from plain tuples hold the same lists, as TokenLists
    again = Units(units.unit_ids, units.doc_ids, tuple(units.tokens), units.removed, units.empty_units,
                  units.phrases, units.config, n_documents=units.n_documents)
    assert isinstance(again.tokens, TokenLists) and again == units


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["记者", "表示", "农业", "粮食", "芯片", "制造", "港口"]),
                         min_size=0, max_size=90), min_size=1, max_size=30),
       st.sampled_from([5, 20, 40]), st.sampled_from([frozenset(), frozenset({"记者"})]))
def test_generic_terms_from_arrays_are_those_from_lists(docs, context, keep):
    for share, ridf, least in ((0.05, 0.2, 1), (0.3, 1.0, 2)):
        settings_ = {"min_share": share, "max_ridf": ridf, "context": context, "min_contexts": least, "keep": keep}
        assert generic_terms(TokenLists.of(docs), **settings_) == generic_terms(docs, **settings_)


def test_units_gathered_by_document_are_each_documents_tokens_in_order(seed):
    from topiclab.pipeline import units_by_document

    units = preprocess(seed, PreprocessConfig(unit="paragraph"))
    gathered: dict[str, list[str]] = {}
    for doc_id, toks in zip(units.doc_ids, units.tokens):
        gathered.setdefault(doc_id, []).extend(toks)
    assert units_by_document(units) == list(gathered.values()) and len(gathered) > 10
    # units of one document apart from each other (not as preprocess makes them) are gathered too
    order = [*range(0, len(units), 2), *range(1, len(units), 2)]
    shuffled = Units(tuple(units.unit_ids[i] for i in order), tuple(units.doc_ids[i] for i in order),
                     tuple(units.tokens[i] for i in order), units.removed, units.empty_units, units.phrases,
                     units.config, n_documents=units.n_documents)
    again: dict[str, list[str]] = {}
    for doc_id, toks in zip(shuffled.doc_ids, shuffled.tokens):
        again.setdefault(doc_id, []).extend(toks)
    assert units_by_document(shuffled) == list(again.values())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.lists(st.sampled_from(["上海", "宁波", "张江"]),
                                                                          max_size=4)), max_size=12))
def test_document_tokens_read_as_the_dict_of_lists_they_replace(units: list[tuple[str, list[str]]]):
    """Units of a document together or apart (in a table sorted otherwise), empty ones, pickled."""
    doc_ids, lists = [d for d, _ in units], [t for _, t in units]
    expected = tokens_by_document(doc_ids, lists)
    tokens = DocumentTokens(doc_ids, TokenLists.of(lists))
    assert dict(tokens) == expected and list(tokens) == list(expected)  # first-seen order
    assert tokens.lengths([*expected, "unknown"]).tolist() == [len(t) for t in expected.values()] + [0]
    assert tokens.get("unknown") is None and dict(pickle.loads(pickle.dumps(tokens))) == expected
