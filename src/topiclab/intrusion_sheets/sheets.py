"""Intrusion sheets from a run folder: the items, the coders' tables and printable page, and the key."""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from topiclab._io import atomic_dir, check_destination
from topiclab.checks import check_int, check_seed
from topiclab.compare_runs import load_run_table
from topiclab.config import FitConfig
from topiclab.errors import InputError, TopiclabError
from topiclab.models.result import load_result
from topiclab.pipeline import input_digest, load_input
from topiclab.runfolder import damaged
from topiclab.validation import IntrusionItem, document_intrusion, word_intrusion
from topiclab.webfont import FAMILY, embed_font

# folder kinds of _io.atomic_dir: --overwrite replaces a folder only with one of its kind
SHEETS_KIND, KEY_KIND = "sheets", "key"
KEY_FILE = "answer_key.csv"
TASKS = {"word": ("word_intrusion.csv", "word", "W"), "document": ("document_intrusion.csv", "doc", "D")}


@dataclass(frozen=True)
class Sheets:
    """A set of intrusion items: the coders' tables (``words``, ``documents``), the ``key`` and its ``settings``."""

    words: pd.DataFrame
    documents: pd.DataFrame
    key: pd.DataFrame
    settings: dict[str, Any]

    @property
    def code(self) -> str:
        """The set's code, printed on every sheet (:func:`sheet_code`)."""
        return sheet_code(self.key)


def sheet_code(key: pd.DataFrame) -> str:
    """``S`` and the first 8 hex digits of the SHA-256 of ``key`` as CSV (the letter keeps a spreadsheet
    from reading a code such as 01234567 or 1e234567 as a number).

    Example:
        >>> sheet_code(pd.DataFrame({"item": ["W01"]}))
        'Se25f1bf1'
    """
    return "S" + hashlib.sha256(csv_text(key).encode("utf-8")).hexdigest()[:8]


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as topiclab writes CSV (no index, 6 decimals, ``\\n`` line ends).

    Example:
        >>> csv_text(pd.DataFrame({"item": ["W01"], "weight": [1 / 3]}))
        'item,weight\\nW01,0.333333\\n'
    """
    return str(frame.to_csv(index=False, float_format="%.6f", lineterminator="\n"))


def default_key_dir(out: Path | str) -> Path:
    """Where the key goes when not told: beside ``out``, named ``OUT-key``.

    Example:
        >>> default_key_dir("sheets/round1").as_posix()
        'sheets/round1-key'
    """
    out = Path(out)
    return out.with_name(out.name + "-key")


def _run_texts(folder: Path, config: FitConfig, tokens: dict[str, list[str]]) -> tuple[dict[str, str], str]:
    """Each document's text from the run's input, or its tokens when the input is gone or changed."""
    try:
        corpus = load_input(config)
        recorded = json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("input_sha256")
        if input_digest(corpus) == recorded:
            return dict(zip(corpus.doc_ids, corpus.texts)), "corpus"
    except (TopiclabError, OSError, ValueError):
        pass
    return {d: " ".join(t) for d, t in tokens.items()}, "tokens"


def _excerpt(text: str, chars: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= chars else flat[:chars] + "…"


def _table(shown: list[list[str]], task: str, code: str) -> pd.DataFrame:
    _, column, prefix = TASKS[task]
    return pd.DataFrame([{"sheet": code, "item": f"{prefix}{n + 1:02d}",
                          **{f"{column}_{j + 1}": s for j, s in enumerate(options)}, "answer": ""}
                         for n, options in enumerate(shown)])


def _shuffle(items: list[IntrusionItem], seed: list[int]) -> list[IntrusionItem]:
    return [items[i] for i in np.random.default_rng(seed).permutation(len(items))]


def build_sheets(run_dir: Path | str, *, n_words: int = 5, n_docs: int = 3, seed: int = 0,
                 chars: int = 300) -> Sheets:
    """The word- and document-intrusion items of a run folder, the same for the same ``seed``.

    Example:
        >>> build_sheets("no/such/run")
        Traceback (most recent call last):
        topiclab.errors.InputError: no/such/run: no such run folder; give a folder written by topiclab fit
    """
    check_int(n_words, "n_words", minimum=2, maximum=50)
    check_int(n_docs, "n_docs", minimum=2, maximum=50)
    check_int(chars, "chars", minimum=20)
    check_seed(seed)
    folder = Path(run_dir)
    documents, tokens = load_run_table(folder)
    with damaged(folder):
        result = load_result(folder / "model")
        config = FitConfig.from_toml(folder / "config.toml")
        theta = documents[[f"topic_{t}" for t in range(result.k)]].to_numpy(dtype=np.float64)
    texts, source = _run_texts(folder, config, tokens)
    doc_ids = documents["doc_id"].astype(str).tolist()
    # items in a shuffled order, so that neighbouring items are not neighbouring topics; a topic with
    # no words (emptied by the sampler) has no top words or documents to test, so it gets no item
    empty = set(result.empty_topics())
    words = _shuffle([it for it in word_intrusion(result.topic_term, n_words=n_words, seed=seed)
                      if it.topic not in empty], [seed, 2])
    docs = _shuffle([it for it in document_intrusion(theta, n_docs=n_docs, seed=seed) if it.topic not in empty],
                    [seed, 3])
    key_rows = []
    for task, items in (("word", words), ("document", docs)):
        for n, item in enumerate(items):
            for j, o in enumerate(item.options):
                shown, weight = ((result.terms[o], result.topic_term[item.topic, o]) if task == "word"
                                 else (doc_ids[o], theta[o, item.topic]))
                key_rows.append({"task": task, "item": f"{TASKS[task][2]}{n + 1:02d}", "topic": item.topic,
                                 "option": j + 1, "shown": shown, "intruder": j == item.intruder,
                                 "weight": float(weight)})
    key = pd.DataFrame(key_rows)
    code = sheet_code(key)
    word_table = _table([[result.terms[o] for o in it.options] for it in words], "word", code)
    doc_table = _table([[_excerpt(texts.get(doc_ids[o], ""), chars) for o in it.options] for it in docs],
                       "document", code)
    settings = {"run": str(folder), "seed": seed, "n_words": n_words, "n_docs": n_docs, "chars": chars,
                "texts": source, "sheet": code, "k": result.k, "empty_topics": sorted(empty)}
    return Sheets(word_table, doc_table, key, settings)


_CSS = (f"body{{font-family:'{FAMILY}','Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;max-width:900px;"
        "margin:2em auto;padding:0 1em;line-height:1.5;color:#222}.item{border:1px solid #999;border-radius:4px;"
        "padding:.5em 1em;margin:.8em 0;break-inside:avoid;page-break-inside:avoid}.item h3{margin:.2em 0;"
        "font-size:1em}.words label{display:inline-block;min-width:7em;margin:.2em 1em .2em 0}.doc{display:block;"
        "margin:.4em 0}.meta{color:#555}h2.documents{break-before:page;page-break-before:always}"
        "h2,p.intro{break-after:avoid;page-break-after:avoid}"
        "@media print{body{margin:0;max-width:none;font-size:10.5pt}@page{margin:15mm}}")


def sheets_html(sheets: Sheets) -> str:
    """The printable page of ``sheets``: instructions, one block an item, a box before every option,
    and the Chinese font for its characters embedded (:func:`topiclab.webfont.embed_font`).

    Example:
        >>> words = pd.DataFrame({"sheet": "S0", "item": ["W01"], "word_1": ["芯片"], "word_2": ["港口"], "answer": ""})
        >>> docs = pd.DataFrame({"sheet": "S0", "item": ["D01"], "doc_1": ["上海…"], "doc_2": ["宁波…"], "answer": ""})
        >>> page = sheets_html(Sheets(words, docs, pd.DataFrame(), {}))
        >>> page.count('type="checkbox"'), "港口" in page, "@font-face" in page
        (4, True, True)
    """
    def block(row: pd.Series, column: str) -> str:
        options = [row[c] for c in row.index if c.startswith(column + "_")]
        boxes = "".join(f'<label class="{"doc" if column == "doc" else ""}"><input type="checkbox"> {j + 1}. '
                        f"{html.escape(str(o))}</label>" for j, o in enumerate(options))
        return f'<div class="item"><h3>{row["item"]}</h3><div class="{column}s">{boxes}</div></div>'

    words = "".join(block(r, "word") for _, r in sheets.words.iterrows())
    docs = "".join(block(r, "doc") for _, r in sheets.documents.iterrows())
    page = ('<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>主题入侵测试 · Intrusion test '
            f'{sheets.code}</title><style>{_CSS}</style></head><body><h1>主题入侵测试 · Intrusion test</h1>'
            f'<p class="meta">Sheet {sheets.code} · 编码员 Coder: ________________ · 日期 Date: __________</p>'
            '<h2>词语入侵 · Word intrusion</h2><p class="intro">每组词中有一个词与其余的词不属于同一主题，请勾选它。'
            "In each item one word does not belong with the others: tick it (in word_intrusion.csv, write its "
            "number or the word in <b>answer</b>).</p>" + words +
            '<h2 class="documents">文档入侵 · Document intrusion</h2>'
            '<p class="intro">每组文段中有一段的主题与其余各段不同，请勾选它。'
            "In each item one text is about something else than the others: tick it (in document_intrusion.csv, "
            "write its number in <b>answer</b>).</p>" + docs + "</body></html>\n")
    return embed_font(page)


def write_sheets(sheets: Sheets, out: Path | str, key_dir: Path | str | None = None, *,
                 overwrite: bool = False) -> tuple[Path, Path]:
    """Write the coders' folder ``out`` and the key's folder (default ``OUT-key``); return both paths.

    The key is written first: a failure leaves no sheets without their key.

    Example:
        >>> write_sheets(Sheets(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), {"run": "r"}), "s", "s/key")
        Traceback (most recent call last):
        topiclab.errors.InputError: s/key: the key must be kept apart from the sheets in s; give --key another folder
    """
    out = Path(out)
    key_dir = default_key_dir(out) if key_dir is None else Path(key_dir)
    if out.resolve() == key_dir.resolve() or key_dir.resolve() in out.resolve().parents \
            or out.resolve() in key_dir.resolve().parents:
        raise InputError(f"{key_dir}: the key must be kept apart from the sheets in {out}; give --key another folder")
    run = Path(sheets.settings["run"])
    check_destination(out, overwrite=overwrite, protect=[run, key_dir], kind=SHEETS_KIND)
    check_destination(key_dir, overwrite=overwrite, protect=[run, out], kind=KEY_KIND)
    page = sheets_html(sheets)
    with atomic_dir(key_dir, overwrite=overwrite, kind=KEY_KIND, protect=[run, out]) as tmp:
        (tmp / KEY_FILE).write_text(csv_text(sheets.key), encoding="utf-8")
        (tmp / "manifest.json").write_text(json.dumps({"intrusion_key": sheets.settings}, ensure_ascii=False,
                                                      indent=2, sort_keys=True) + "\n", encoding="utf-8")
    with atomic_dir(out, overwrite=overwrite, kind=SHEETS_KIND, protect=[run, key_dir]) as tmp:
        for task, (name, _, _) in TASKS.items():
            table = sheets.words if task == "word" else sheets.documents
            # a byte-order mark, so that Excel opens the Chinese as UTF-8
            (tmp / name).write_text("\ufeff" + csv_text(table), encoding="utf-8")
        (tmp / "sheets.html").write_text(page, encoding="utf-8")
    return out, key_dir

