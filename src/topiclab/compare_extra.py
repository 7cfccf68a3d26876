"""The tables and figures a comparison adds for some runs: a covariate model's own effects, and
prevalence over time.

* A run fitted with covariates (``--model stm --prevalence "~ region + s(year)"``): ``effects.csv``
  holds the model's effects of every covariate of its formula, by the method of composition over
  its posterior (:mod:`topiclab.model_effects`), instead of the model-free regression other runs
  get; ``effects_predicted.csv`` the expected prevalence by covariate, drawn as
  ``effects_COVARIATE.png``.
* ``--time-col``: ``prevalence_over_time.csv``, ``trends.csv`` and ``time_coverage.csv``
  (:mod:`topiclab.over_time`), by the grouping column, drawn as ``prevalence_over_time.png``.

Both follow the run's curation: merged topics' draws are summed before the regression, excluded
topics are left out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from topiclab.curation import Curation
from topiclab.effect_plots import predicted_prevalence_plot
from topiclab.model_effects import effects_from_draws, predicted_prevalence
from topiclab.models.formula import Design
from topiclab.time_plots import prevalence_over_time_figure

MAX_DRAW_VALUES = 50_000_000  # draws x units x topics held at once (400 MB of float64)


def draws_for(estimator: Any, n_sims: int, seed: int) -> tuple[np.ndarray, Design] | None:
    """Posterior draws of a covariate model's units (sims x units x topics) and its design; None for
    other models. Fewer draws (at least 25, stm's default) on a corpus too large for ``n_sims``.

    Example:
        >>> draws_for(object(), 100, 0) is None
        True
    """
    design = getattr(estimator, "design_", None)
    if design is None or not hasattr(estimator, "theta_draws"):
        return None
    units, k = estimator.eta_mean_.shape[0], estimator.eta_mean_.shape[1] + 1
    n = max(25, min(n_sims, MAX_DRAW_VALUES // max(units * k, 1)))
    return estimator.theta_draws(n, seed), design


def model_effect_tables(draws: np.ndarray, design: Design, curation: Curation, *, by: str, reference: str | None,
                        ci: float, seed: int) -> dict[str, pd.DataFrame]:
    """``effects`` and ``effects_predicted`` of the curated topics (topics by position, as the other
    tables before they are numbered; the excluded topics' remainder last)."""
    curated = curation.sums(draws, rest=bool(curation.excluded))
    refs = {by: reference} if reference is not None and by in design.levels else None
    return {"effects": effects_from_draws(curated, design, ci=ci, seed=seed, reference=refs),
            "effects_predicted": predicted_prevalence(curated, design, ci=ci, seed=seed)}


def extra_figures(tables: dict[str, pd.DataFrame], labels: dict[int, str] | None, ci: float) -> dict[str, Any]:
    """The figures of the tables above that ``tables`` holds, by file name.

    Example:
        >>> extra_figures({}, None, 0.95)
        {}
    """
    out: dict[str, Any] = {}
    predicted = tables.get("effects_predicted")
    if predicted is not None:
        for covariate in dict.fromkeys(predicted["covariate"]):
            out[f"effects_{covariate}"] = predicted_prevalence_plot(predicted, covariate, labels, ci=ci)
    if "prevalence_over_time" in tables:
        out["prevalence_over_time"] = prevalence_over_time_figure(tables["prevalence_over_time"], labels,
                                                                  trends=tables.get("trends"), ci=ci)
    return out
