"""Redraw the figures in docs/figures/ (one of each kind, from the seed corpus) for the README.

    python scripts/make_doc_figures.py

Uses only the public API: the default fit, its region comparison and a small sweep over k.
"""

from __future__ import annotations

from pathlib import Path

import topiclab
from topiclab.plots import doc_topic_composition, save_figure, top_terms_grid, topic_labels

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures"
DPI = 72  # small files: these are previews, the commands write full-size figures


def main() -> None:
    result = topiclab.fit(cache=False)
    comparison = topiclab.compare(result, by="region", n_boot=2000, seed=0)
    figures = {
        "top_terms": top_terms_grid(result.topics),
        "composition": doc_topic_composition(result.documents, topic_labels(result.topics)),
        "prevalence_heatmap": comparison.plot("heatmap"),
        "prevalence_intervals": comparison.plot("intervals"),
        "differences_forest": comparison.plot("forest"),
        "metrics_vs_k": topiclab.sweep(k=[4, 6, 8, 10, 12, 15], seeds=[1, 2, 3], cache=False).plot(),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    for name, fig in figures.items():
        save_figure(fig, OUT, name, dpi=DPI, formats=("png",))
    print(f"wrote {len(figures)} figures to {OUT}")


if __name__ == "__main__":
    main()
