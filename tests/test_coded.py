"""The coded steps (pairs counted, phrases joined, tokens filtered over integer arrays) give
exactly what the list-based functions they replaced give, on random paragraphs: runs of one
repeated pair, empty paragraphs, words that may not join, punctuation and stopwords."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from topiclab.preprocess import PreprocessConfig
from topiclab.preprocess.coded import CodedStore, Joiner, Lexicon, join_pairs, kept_words, pair_counts, pair_keys
from topiclab.preprocess.filters import Decider, filter_sequences
from topiclab.preprocess.phrases import Phrase, PhraseJoiner, SequenceStore, count_pairs, learn_phrases_from

# content words (n, v), a stopword, punctuation, a one-character word, a word outside the tags
# kept, and a word that is also what two others join into (芯片 + 产业; a user stopword in one test)
TOKENS = [("长江", "ns"), ("三角洲", "n"), ("地区", "n"), ("创新", "vn"), ("芯片", "n"), ("的", "uj"),
          ("，", "x"), ("港", "n"), ("很", "d"), ("产业", "n"), ("芯片产业", "n")]
TOKEN = st.sampled_from(TOKENS)
PARAGRAPH = st.lists(TOKEN, max_size=14)
DOCS = st.lists(st.lists(PARAGRAPH, min_size=1, max_size=4), min_size=1, max_size=6)
WORDS = [w for w, _ in TOKENS]
PHRASES = st.lists(st.lists(st.sampled_from(WORDS), min_size=2, max_size=4), max_size=8)


def tagged(docs):
    return [[([w for w, _ in para], [t for _, t in para]) for para in doc] for doc in docs]


def coded(docs, config=None, user_stop=frozenset()):
    decide = Decider(config or PreprocessConfig(), user_stop)
    lexicon = Lexicon(decide)
    return decide, lexicon, [lexicon.encode(tagged(docs[:2])), lexicon.encode(tagged(docs[2:]))]


def as_lists(lexicon, batches):
    """Each paragraph's (words, tags) decoded from the codes."""
    out = []
    for batch in batches:
        codes = batch.codes.tolist()
        for a, b in zip(batch.starts[:-1].tolist(), batch.starts[1:].tolist()):
            out.append([lexicon.texts[c] for c in codes[a:b]])
    return out


@settings(max_examples=80, deadline=None)
@given(DOCS)
def test_pairs_and_words_are_counted_as_the_lists_count_them(docs):
    decide, lexicon, batches = coded(docs)
    unigrams, bigrams = count_pairs(decide.sequences(tagged(docs)))
    counted = pair_counts(lexicon, batches)
    pairs = counted.pairs
    assert {lexicon.pair_of(k): n for k, n in zip(pairs.keys.tolist(), pairs.counts.tolist())} == dict(bigrams)
    assert {lexicon.words[i]: n for i, n in enumerate(counted.words.tolist()) if n} == dict(unigrams)


@settings(max_examples=80, deadline=None)
@given(DOCS, st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(WORDS)), max_size=6))
def test_two_word_phrases_join_as_the_list_joiner_joins_them(docs, pairs):
    """Including runs such as 长江 长江 长江 with the phrase 长江长江: the first two join, not the last two."""
    decide, lexicon, batches = coded(docs)
    phrases = [Phrase(p, 0, 0.0) for p in pairs]
    join = PhraseJoiner(phrases)
    expected = [join(seq) for seq in decide.sequences(tagged(docs))]
    joined = [join_pairs(lexicon, b, pair_keys(lexicon, phrases)) for b in batches]
    assert as_lists(lexicon, joined) == [words for words, _, _ in expected]
    # a joined word may join again in the next pass, as the list joiner's flags say
    _, flag, _ = lexicon.arrays()
    flags = [flag[b.codes].tolist() for b in joined]
    assert [f for fs, b in zip(flags, joined) for f in _split(fs, b)] == [f for _, _, f in expected]


def _split(values, batch):
    return [values[a:b] for a, b in zip(batch.starts[:-1].tolist(), batch.starts[1:].tolist())]


@pytest.fixture(scope="module")
def phrase_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("phrases") / "phrases.tsv"
    path.write_text("phrase\tparts\n长江三角洲\t长江 三角洲\n", encoding="utf-8")
    return path


@settings(max_examples=80, deadline=None)
@given(docs=DOCS, parts=PHRASES, from_file=st.booleans())
def test_phrases_of_any_length_join_and_filter_as_the_lists_do(phrase_file, docs, parts, from_file):
    """Longest match first, left to right; from a phrase file wherever the parts stand together."""
    config = PreprocessConfig(phrase_file=phrase_file) if from_file else PreprocessConfig()
    decide, lexicon, batches = coded(docs, config)
    phrases = [Phrase(tuple(p), 0, 0.0) for p in parts]
    kept, removed = filter_sequences(decide.sequences(tagged(docs)), phrases, decide)
    joiner = Joiner(lexicon, phrases, any_word=from_file)
    got: list[list[str]] = []
    counts: Counter[str] = Counter()
    for b in batches:
        words, dropped = kept_words(lexicon, joiner(b))
        got.extend(words)
        counts.update(dropped)
    assert got == kept
    assert list(counts.items()) == list(removed.items())  # the same counts, in the same order


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(PARAGRAPH, min_size=1, max_size=3), min_size=1, max_size=8), st.booleans())
def test_phrases_learned_from_codes_are_those_learned_from_lists(docs, compound_stopped):
    """Also when a word may not join (a user stopword) but the same text, joined from two words, may."""
    decide, lexicon, batches = coded(docs * 3, user_stop=frozenset({"芯片产业"} if compound_stopped else ()))
    store = CodedStore(lexicon, batches)
    expected = learn_phrases_from(SequenceStore(decide.sequences(tagged(docs * 3))), min_count=3, threshold=0.0)
    assert learn_phrases_from(store, min_count=3, threshold=0.0) == expected
    kept, _ = store.finish(expected, any_word=False)
    assert kept == filter_sequences(decide.sequences(tagged(docs * 3)), expected, decide)[0]


def test_a_three_word_term_is_learned_in_two_passes_and_joined_in_the_kept_words():
    docs = [[[("长江", "ns"), ("三角洲", "n"), ("地区", "n"), ("的", "uj"), ("芯片", "n")]]] * 6
    _, lexicon, batches = coded(docs)
    store = CodedStore(lexicon, batches)
    phrases = learn_phrases_from(store, min_count=5, threshold=0.5)
    assert [p.text for p in phrases] == ["长江三角洲地区"]
    kept, removed = store.finish(phrases, any_word=False)
    assert kept == [["长江三角洲地区", "芯片"]] * 6 and removed == Counter({"stopword": 6})


def test_in_a_run_of_one_pair_every_other_is_joined_from_the_left():
    _, lexicon, batches = coded([[[("长江", "ns")] * 5 + [("芯片", "n")]]])
    phrases = [Phrase(("长江", "长江"), 0, 0.0)]
    joined = join_pairs(lexicon, batches[0], pair_keys(lexicon, phrases))
    assert as_lists(lexicon, [joined]) == [["长江长江", "长江长江", "长江", "芯片"]]


def test_reasons_are_counted_in_the_order_each_batch_first_meets_them():
    """As the lists count them: the caller adds batches' counts in order, so the order shows."""
    lexicon = Lexicon(Decider(PreprocessConfig(), frozenset()))
    first = lexicon.encode(tagged([[[("的", "uj"), ("，", "x")]]]))
    second = lexicon.encode(tagged([[[("港", "n")], [("，", "x"), ("的", "uj")]]]))
    assert [list(kept_words(lexicon, b)[1]) for b in (first, second)] == [["stopword", "punctuation"],
                                                                          ["too_short", "punctuation", "stopword"]]
