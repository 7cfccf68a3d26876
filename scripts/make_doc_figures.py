"""Redraw the figures in docs/figures/ (one of each kind, from the seed corpus) for the README.

    python scripts/make_doc_figures.py

Uses only the public API: the default fit, its region comparison and a small sweep over k.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from topiclab.compare import compare_run
from topiclab.config import FitConfig
from topiclab.pipeline import prepare, run
from topiclab.plots import (
    differences_forest,
    doc_topic_composition,
    metrics_vs_k,
    prevalence_heatmap,
    prevalence_intervals,
    save_figure,
    top_terms_grid,
    topic_labels,
)
from topiclab.runfolder import write_run
from topiclab.select import sweep

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures"
DPI = 72  # small files: these are previews, the commands write full-size figures


def main() -> None:
    config = FitConfig()
    fit = run(config, cache_dir=None)
    topics = fit.result.topics_frame(30)
    labels = topic_labels(topics)
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = write_run(fit, Path(tmp) / "run")
        tables = compare_run(run_dir, Path(tmp) / "cmp", n_boot=2000, seed=0)
    _, summary = sweep(prepare(config, cache_dir=None), config, [4, 6, 8, 10, 12, 15], [1, 2, 3])
    figures = {
        "top_terms": top_terms_grid(topics),
        "composition": doc_topic_composition(fit.doc_topics(), labels),
        "prevalence_heatmap": prevalence_heatmap(tables["prevalence"], labels),
        "prevalence_intervals": prevalence_intervals(tables["prevalence"], labels),
        "differences_forest": differences_forest(tables["differences"], labels),
        "metrics_vs_k": metrics_vs_k(summary),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    for name, fig in figures.items():
        save_figure(fig, OUT, name, dpi=DPI, formats=("png",))
    print(f"wrote {len(figures)} figures to {OUT}")


if __name__ == "__main__":
    main()
