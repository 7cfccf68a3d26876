"""The figure of a covariate model's effects: expected topic prevalence by covariate, with intervals.

One panel a topic; a categorical covariate's levels as points with their intervals, a numeric
one's curve with its band (the picture of R ``stm``'s ``plot.estimateEffect``). Drawn from the
``effects_predicted`` table of :func:`topiclab.model_effects.predicted_prevalence`.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from topiclab.plots import chinese

COLUMNS = 4


def predicted_prevalence_plot(predicted: pd.DataFrame, covariate: str, labels: dict[int, str] | None = None, *,
                              ci: float = 0.95) -> Any:
    """Expected prevalence of each topic against ``covariate`` (a Figure).

    Example:
        >>> p = pd.DataFrame({"topic": [0, 0, 1, 1], "covariate": "region", "value": ["上海", "浙江"] * 2,
        ...                   "mean": [.6, .3, .4, .7], "ci_low": [.5, .2, .3, .6], "ci_high": [.7, .4, .5, .8]})
        >>> fig = predicted_prevalence_plot(p, "region", {0: "营商环境"})
        >>> fig.axes[0].get_title(), len(fig.axes)
        ('营商环境', 2)
    """
    rows = predicted[predicted["covariate"] == covariate]
    topics = sorted(rows["topic"].unique())
    ncols = min(COLUMNS, max(len(topics), 1))
    nrows = max(1, -(-len(topics) // ncols))
    numeric = pd.to_numeric(rows["value"], errors="coerce").notna().all()
    with chinese():
        fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.6 * nrows + 0.6), squeeze=False,
                                 sharey=True)
        for ax, topic in zip(axes.ravel(), topics):
            part = rows[rows["topic"] == topic]
            if numeric:
                x = part["value"].astype(float).to_numpy()
                ax.fill_between(x, part["ci_low"], part["ci_high"], color="#9ecae1", alpha=0.6, linewidth=0)
                ax.plot(x, part["mean"], color="#08519c")
            else:
                y = np.arange(len(part))
                # the mean of the draws may sit a rounding error outside their quantiles
                arms = [np.clip(part["mean"] - part["ci_low"], 0, None),
                        np.clip(part["ci_high"] - part["mean"], 0, None)]
                ax.errorbar(part["mean"], y, xerr=arms, fmt="o", color="#08519c", capsize=3)
                ax.set_yticks(y, part["value"].astype(str))
                ax.invert_yaxis()
            ax.set_title((labels or {}).get(int(topic), f"topic {topic}"), fontsize=9)
            ax.grid(alpha=0.3)
        for ax in axes.ravel()[len(topics):]:
            ax.set_visible(False)
        fig.suptitle(f"Expected topic prevalence by {covariate} (model's effects, {ci:.0%} intervals, "
                     "method of composition)", fontsize=10)
        fig.tight_layout()
    return fig
