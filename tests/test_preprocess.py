"""Preprocessing: jieba semantics, dictionaries, stopwords, filters, phrases, units, cache."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from topiclab.corpus import Corpus
from topiclab.errors import ConfigError, InputError
from topiclab.preprocess import (
    PreprocessConfig,
    Segmenter,
    boilerplate_stopwords,
    normalize_text,
    policy_dictionary,
    preprocess,
    read_phrases,
    read_user_dict,
    standard_stopwords,
)
from topiclab.preprocess.output import write_phrases_tsv


@pytest.fixture(scope="module")
def seed_units(seed):
    return preprocess(seed, PreprocessConfig())


def test_key_terms_are_single_tokens_on_the_seed(seed_units):
    counts = Counter(w for toks in seed_units.tokens for w in toks)
    for term in ("专精特新", "长三角", "集成电路", "科技成果转化", "营商环境"):
        assert counts[term] >= 5, term
    assert counts["专精"] == counts["营商"] == 0


def test_top_tokens_hold_no_function_word_or_boilerplate(seed_units):
    counts = Counter(w for toks in seed_units.tokens for w in toks)
    top = [w for w, _ in counts.most_common(30)]
    banned = standard_stopwords() | boilerplate_stopwords()
    assert not set(top) & banned
    assert {"企业", "创新", "产业", "数字经济"} <= set(top)


PINNED = [
    ("推动江苏专精特新企业发展进入快车道", ("江苏", "专精特新", "企业", "进入", "快车道")),
    ("长三角地区集中了 C9 高校中的 5 所顶尖研究型大学", ("长三角", "地区", "集中", "高校", "顶尖", "研究型", "大学")),
    ("上海科技成果转化创新改革试点推进“十项举措”具体包括：", ("上海", "科技成果转化", "创新", "改革", "试点")),
    ("PM_{2.5}浓度持续下降，营商环境进一步优化。", ("浓度", "下降", "营商环境")),
    ("深化一网通办改革，打造集成电路产业集群。", ("一网通办", "改革", "集成电路", "产业集群")),
]


@pytest.mark.parametrize(("text", "expected"), PINNED)
def test_pinned_sentences(text, expected):
    units = preprocess(Corpus(["s"], [text]), PreprocessConfig(phrases=False))
    assert units.tokens == (expected,)


def test_engines_agree_with_jieba_posseg_token_for_token(seed):
    fast, ref = Segmenter("rjieba", policy_dictionary()), Segmenter("jieba", policy_dictionary())
    for text in seed.texts[:6]:
        assert fast.tag(text) == ref.tag(text)


def test_user_dictionary_applies_identically_to_both_engines(tmp_path: Path):
    d = tmp_path / "user.txt"
    d.write_text("数字孪生 n\n链长制\n", encoding="utf-8")
    entries = read_user_dict(d)
    text = "推进数字孪生城市建设，落实链长制。"
    for engine in ("rjieba", "jieba"):
        words, tags = Segmenter(engine, entries).tag(text)
        assert "数字孪生" in words and "链长制" in words
        assert tags[words.index("链长制")] == "nz"  # an untagged user word is kept by the POS filter


def test_normalisation_keeps_latex_fragments_out_of_tokens():
    assert normalize_text("ＰＭ_{2.5}和ＡＢＣ") == "PM2.5和ABC"
    text = "PM_{2.5}浓度下降，见 https://x.cn/p?q=1 和 a@b.cn"
    assert preprocess(Corpus(["a"], [text]), PreprocessConfig()).tokens == (("浓度", "下降"),)
    loose = preprocess(Corpus(["a"], [text]), PreprocessConfig(han_only=False, pos=None, min_len=1))
    assert not any(set(t) & set("_{}@/:?=") for t in loose.tokens[0])


def test_paragraph_units_keep_their_document(seed):
    units = preprocess(seed, PreprocessConfig(unit="paragraph"))
    assert len(units) > 300 and set(units.doc_ids) == set(seed.doc_ids)
    assert all(u.startswith(d + "#p") for u, d in zip(units.unit_ids, units.doc_ids))
    # headings and one-line paragraphs joined their neighbour: no unit under min_unit_tokens (10)
    assert min(map(len, units.tokens)) >= 10
    chunks = preprocess(seed, PreprocessConfig(unit="chunk", chunk_size=100))
    assert set(map(len, chunks.tokens)) <= set(range(10, 110)) and set(chunks.doc_ids) == set(seed.doc_ids)
    assert sum(len(t) == 100 for t in chunks.tokens) > len(chunks) / 2


def test_removed_tokens_and_empty_units_are_counted():
    corpus = Corpus(["a", "b"], ["集成电路产业发展。", "的了吗？\n\n进一步加强！"])
    units = preprocess(corpus, PreprocessConfig(phrases=False))
    assert units.unit_ids == ("a",) and units.empty_units == ("b",)
    assert units.removed["stopword"] >= 2 and units.removed["boilerplate"] >= 2 and units.removed["punctuation"] >= 3
    assert "empty units dropped (all tokens filtered out): 1 (b)" in units.report()


def test_boilerplate_can_be_turned_off_and_user_stopwords_added(tmp_path: Path):
    corpus = Corpus(["a"], ["推动集成电路产业发展"])
    assert "推动" not in preprocess(corpus, PreprocessConfig(phrases=False)).tokens[0]
    assert "推动" in preprocess(corpus, PreprocessConfig(phrases=False, boilerplate=False)).tokens[0]
    stop = tmp_path / "stop.txt"
    stop.write_text("产业\n", encoding="utf-8")
    units = preprocess(corpus, PreprocessConfig(phrases=False, user_stopwords=(str(stop),)))
    assert units.tokens[0] == ("集成电路",) and units.removed["user_stopword"] == 1


def test_phrases_found_written_and_applied_from_a_file(tmp_path: Path):
    text = "科技 成果 转化。数字 孪生 城市。"
    corpus = Corpus([f"d{i}" for i in range(8)], [text.replace(" ", "")] * 8)
    config = PreprocessConfig(policy_dict=False, phrase_min_count=5)
    units = preprocess(corpus, config)
    assert "科技成果转化" in units.tokens[0]
    out = tmp_path / "p.tsv"
    write_phrases_tsv(units, out)
    phrases = read_phrases(out)
    assert "科技成果转化" in {p.text for p in phrases}
    out.write_text("phrase\tparts\tcount\tnpmi\n数字孪生\t数字 孪生\t\t\n", encoding="utf-8")
    again = preprocess(corpus, PreprocessConfig(policy_dict=False, phrase_file=str(out)))
    assert "数字孪生" in again.tokens[0] and "科技成果转化" not in again.tokens[0]


def test_same_result_with_one_or_two_workers(seed):
    one = preprocess(seed, PreprocessConfig(unit="paragraph"), workers=1)
    two = preprocess(seed, PreprocessConfig(unit="paragraph"), workers=2)
    assert one == two


@pytest.fixture(scope="module")
def five_seeds(seed):
    """The seed five times over (~340k characters): several batches, so workers share the work."""
    ids = [f"{i}-{d}" for i in range(5) for d in seed.doc_ids]
    return Corpus(ids, [t for _ in range(5) for t in seed.texts])


@pytest.mark.parametrize("settings", [{}, {"phrases": False, "unit": "paragraph"}, {"phrase_file": "file"}])
def test_workers_holding_batches_give_the_one_process_result(five_seeds, tmp_path, settings):
    if settings.get("phrase_file"):
        table = tmp_path / "phrases.tsv"
        table.write_text("phrase\tparts\tcount\tnpmi\n科技创新\t科技 创新\t\t\n", encoding="utf-8")
        settings = {"phrase_file": str(table)}
    config = PreprocessConfig(**settings)
    one = preprocess(five_seeds, config, workers=1)
    assert one.phrases or not config.phrases
    for workers in (2, 3):  # 3: batches split unevenly
        other = preprocess(five_seeds, config, workers=workers)
        # a phrase read from a table without scores has npmi NaN, which equals nothing: compare as text
        assert replace(other, phrases=()) == replace(one, phrases=()) and repr(other.phrases) == repr(one.phrases)


def test_workers_keeping_batches_on_disk_give_the_same_units_and_leave_nothing(five_seeds, tmp_path, monkeypatch):
    """A large corpus is held on disk between steps: the units are the same, and the folder goes."""
    import tempfile

    from topiclab.preprocess import pipeline

    one = preprocess(five_seeds, PreprocessConfig(), workers=1)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(pipeline, "SPILL_CHARS", 0)  # texts and tagged batches on disk, joined ones in memory
    assert preprocess(five_seeds, PreprocessConfig(), workers=2) == one
    monkeypatch.setattr(pipeline, "CODES_ON_DISK_CHARS", 0)  # both on disk
    assert preprocess(five_seeds, PreprocessConfig(), workers=2) == one
    assert not list(tmp_path.glob("topiclab-batches-*"))


def test_a_pair_seen_just_min_count_times_across_workers_is_counted_exactly():
    """Workers send only pairs they saw min_count / workers times, then the exact counts of
    those: a pair seen 3 times by one worker and twice by the other (5, the minimum) counts 5."""
    from topiclab.preprocess import tag_corpus
    from topiclab.preprocess.filters import Decider, user_stopwords
    from topiclab.preprocess.phrases import SequenceStore
    from topiclab.preprocess.team import Team, TeamStore

    config, text = PreprocessConfig(), "集成电路产业链协同创新。"
    with Team(2, config, [[text] * 3, [text] * 2]) as team:
        team.tag(False, lambda i: None)
        unigrams, bigrams, total = TeamStore(team).pair_counts(5)
    seqs = Decider(config, user_stopwords(config)).sequences(tag_corpus([text] * 5, config))
    one_uni, one_bi, one_total = SequenceStore(seqs).pair_counts(5)
    frequent = {pair: n for pair, n in one_bi.items() if n >= 5}
    assert frequent and {pair: n for pair, n in bigrams.items() if n >= 5} == frequent
    assert total == one_total and all(unigrams[w] == one_uni[w] for pair in frequent for w in pair)


def test_tag_corpus_in_workers_equals_one_process(five_seeds):
    from topiclab.preprocess import tag_corpus

    texts = list(five_seeds.texts)
    assert tag_corpus(texts, PreprocessConfig(), workers=2) == tag_corpus(texts, PreprocessConfig())


def test_tagged_corpus_cached_by_workers_serves_a_later_change_of_filters(five_seeds, tmp_path):
    cache = tmp_path / "cache"
    preprocess(five_seeds, PreprocessConfig(), workers=2, cache_dir=cache)
    changed = PreprocessConfig(min_len=3)
    assert preprocess(five_seeds, changed, workers=2, cache_dir=cache) == preprocess(five_seeds, changed)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_large_corpus_caches_its_units_but_not_its_tagged_copy(five_seeds, tmp_path, monkeypatch, workers):
    from topiclab.preprocess import pipeline

    monkeypatch.setattr(pipeline, "KEEP_TAGGED_CHARS", 100_000)  # five seeds: about 340,000 characters
    cache = tmp_path / "cache"
    units = preprocess(five_seeds, PreprocessConfig(), workers=workers, cache_dir=cache)
    assert [p.name.split("-")[0] for p in cache.glob("*.pkl")] == ["units"]
    assert units == preprocess(five_seeds, PreprocessConfig())


def test_an_error_in_a_worker_is_raised_in_the_caller(five_seeds, monkeypatch):
    def broken(self, texts):
        raise ValueError("cannot segment this batch")

    monkeypatch.setattr(Segmenter, "tag_many", broken)  # the worker processes are forked with it
    with pytest.raises(ValueError, match="cannot segment this batch"):
        preprocess(five_seeds, PreprocessConfig(), workers=2)


def test_an_error_in_the_last_step_of_a_worker_is_raised_while_units_are_cut(five_seeds, monkeypatch):
    """Units are cut from each batch as it arrives: a worker failing in the last step still
    raises its error in the caller (no hang waiting for the batch that never comes)."""
    from topiclab.preprocess import team

    def broken(lexicon, batch):
        raise ValueError("cannot filter this batch")

    monkeypatch.setattr(team, "kept_words", broken)
    with pytest.raises(ValueError, match="cannot filter this batch"):
        preprocess(five_seeds, PreprocessConfig(), workers=2)


def test_a_stream_of_replies_comes_in_batch_order_from_uneven_workers():
    from topiclab.preprocess.team import Team

    batches = [["集成电路产业集群加快发展。"] * (1 + i % 3) for i in range(7)]  # 1, 2 or 3 paragraphs a batch
    with Team(3, PreprocessConfig(), batches) as team:
        team.tag(False, lambda i: None)
        kept = [len(part) for part, _ in team.stream("finish", [])]
    assert kept == [1, 2, 3, 1, 2, 3, 1]


def test_a_cache_hit_segments_nothing_and_a_changed_stopword_file_is_not_served_stale(tmp_path: Path, seed,
                                                                                       monkeypatch):
    stop = tmp_path / "stop.txt"
    stop.write_text("企业\n", encoding="utf-8")
    config = PreprocessConfig(user_stopwords=(str(stop),))
    cache = tmp_path / "cache"
    cold = preprocess(seed, config, cache_dir=cache)

    def no_segmenting(self, texts):
        raise AssertionError("a cache hit must not segment again")

    with monkeypatch.context() as patch:
        patch.setattr(Segmenter, "tag_many", no_segmenting)
        assert preprocess(seed, config, cache_dir=cache) == cold
    stop.write_text("创新\n", encoding="utf-8")
    changed = preprocess(seed, config, cache_dir=cache)
    assert "企业" in changed.tokens[0] and "创新" not in {w for t in changed.tokens for w in t}


def test_the_cache_tells_corpora_apart_under_the_same_settings(tmp_path: Path):
    cache = tmp_path / "cache"
    a = preprocess(Corpus(["a"], ["集成电路产业协同攻关"]), PreprocessConfig(), cache_dir=cache)
    b = preprocess(Corpus(["a"], ["营商环境持续优化"]), PreprocessConfig(), cache_dir=cache)
    assert a.tokens == (("集成电路", "产业", "协同攻关"),) and b.tokens == (("营商环境",),)


def test_an_unchanged_file_is_recognised_by_its_bytes_and_a_changed_one_is_not(tmp_path: Path):
    from topiclab.corpus import load_corpus
    from topiclab.preprocess import preprocess_file

    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "a", "text": "集成电路产业协同攻关"}\n', encoding="utf-8")
    cache = tmp_path / "cache"
    loads = []

    def load():
        loads.append(1)
        return load_corpus(path, id_col="id", regions=False)

    first = preprocess_file(path, load, PreprocessConfig(), read_options="id", cache_dir=cache)
    again = preprocess_file(path, load, PreprocessConfig(), read_options="id", cache_dir=cache)
    assert again == first and len(loads) == 1  # the second call never read the corpus
    other = preprocess_file(path, load, PreprocessConfig(), read_options="text", cache_dir=cache)
    assert other == first and len(loads) == 2  # other reading options: read again
    path.write_text('{"id": "a", "text": "营商环境持续优化"}\n', encoding="utf-8")
    changed = preprocess_file(path, load, PreprocessConfig(), read_options="id", cache_dir=cache)
    assert "营商环境" in changed.tokens[0] and len(loads) == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"engine": "thulac"}, "unknown engine 'thulac'; choose one of rjieba, jieba"),
        ({"pos": ("n", "zz")}, "unknown part-of-speech tag(s) 'zz'; valid tags: a ad"),
        ({"unit": "sentence"}, "unknown unit 'sentence'; choose one of document, paragraph, chunk"),
        ({"numbers": "mask"}, "unknown numbers mode 'mask'; choose one of remove, keep"),
        ({"user_dicts": ("missing.txt",)}, "missing.txt: no such file"),
    ],
)
def test_bad_settings_list_the_valid_values(kwargs, message):
    with pytest.raises(ConfigError) as info:
        PreprocessConfig(**kwargs)
    assert message in str(info.value)


def test_malformed_dictionary_and_stopword_lines_name_file_and_line(tmp_path: Path):
    d = tmp_path / "d.txt"
    d.write_text("好词 3 n\n坏 词 行 x y\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"d.txt:2: malformed dictionary line"):
        read_user_dict(d)
    d.write_text("好词 3 qq\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"d.txt:1: unknown part-of-speech tag 'qq'"):
        read_user_dict(d)
    s = tmp_path / "s.txt"
    s.write_text("一个\n两 个\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"s.txt:2: '两 个' is more than one word"):
        preprocess(Corpus(["a"], ["文本"]), PreprocessConfig(user_stopwords=(str(s),)))


def test_bundled_dictionary_entries_each_change_segmentation():
    plain = Segmenter("rjieba")
    entries = policy_dictionary()
    assert len(entries) >= 300
    assert all(len(plain.tag(e.word)[0]) > 1 for e in entries)


@pytest.mark.parametrize(("first", "second"), [(6, 9), (9, 6)])
def test_a_phrase_joined_from_two_splits_stands_for_the_more_frequent_one(first, second):
    """恢+刺法 and 恢刺+法 both join into 恢刺法; a longer phrase built on it in the next pass
    takes the split seen more often, whatever order the counts arrived in."""
    from topiclab.preprocess.phrases import learn_phrases

    one = (["恢", "刺法", "临床", "研究"], ["n"] * 4, [True] * 4)
    two = (["恢刺", "法", "临床", "文献"], ["n"] * 4, [True] * 4)
    noise = [(["资料", "分析", "方法", "结果"], ["n"] * 4, [True] * 4)] * 20
    parts = {p.parts[:2] for p in learn_phrases([one] * first + [two] * second + noise, min_count=5)
             if p.text.startswith("恢刺法")}
    assert parts == ({("恢刺", "法")} if second > first else {("恢", "刺法")})


@pytest.mark.parametrize("settings", [{}, {"phrase_min_count": 3, "phrase_threshold": 0.3, "unit": "paragraph"}])
def test_the_coded_steps_give_the_units_of_the_list_based_functions(five_seeds, monkeypatch, settings):
    """Phrases learned, joined and filtered over integer codes (in batches of 7 documents here)
    give exactly what the list-based reference functions give over the same tagged documents."""
    from topiclab.preprocess import pipeline, tag_corpus
    from topiclab.preprocess.filters import Decider, corpus_phrases, filter_sequences, user_stopwords
    from topiclab.preprocess.phrases import SequenceStore
    from topiclab.preprocess.units import make_units

    config = PreprocessConfig(**settings)
    tagged = tag_corpus(list(five_seeds.texts), config)
    decide = Decider(config, user_stopwords(config))
    seqs = decide.sequences(tagged)
    phrases = corpus_phrases(config, SequenceStore(seqs))
    kept, removed = filter_sequences(seqs, phrases, decide)
    expected = make_units(five_seeds.doc_ids, [len(doc) for doc in tagged], kept, config, removed, phrases)
    monkeypatch.setattr(pipeline, "CODED_DOCS", 7)
    assert pipeline._finish(five_seeds.doc_ids, tagged, config) == expected
    assert len(expected.phrases) > 10 and expected.removed["stopword"] > 0
