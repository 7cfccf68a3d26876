"""Figures from tables (no fitting here): each function takes a DataFrame, returns a Figure."""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt


def metrics_vs_k(summary: Any, metrics: tuple[str, ...] = ("npmi", "c_v", "diversity", "stability")) -> Any:
    """One panel a metric against k, from a sweep's summary table.

    Example:
        >>> import pandas as pd
        >>> fig = metrics_vs_k(pd.DataFrame({"k": [5, 10], "npmi": [0.1, 0.05], "c_v": [0.5, 0.6],
        ...                                  "diversity": [0.9, 0.8], "stability": [0.7, 0.6]}))
        >>> len(fig.axes)
        4
    """
    shown = [m for m in metrics if m in summary.columns]
    fig, axes = plt.subplots(1, len(shown), figsize=(3.2 * len(shown), 3.0), squeeze=False)
    for ax, name in zip(axes[0], shown):
        ax.plot(summary["k"], summary[name], marker="o")
        ax.set_xlabel("k (topics)")
        ax.set_title(name)
        ax.grid(alpha=0.3)
    fig.suptitle("Topic quality against k (mean over seeds)")
    fig.tight_layout()
    return fig
