"""Covariate effects on topic prevalence by the method of composition (Treier & Jackman 2008).

What R's ``stm::estimateEffect`` does, for a model fitted with covariates
(:class:`~topiclab.models.stm.STM`): for each of ``n_sims`` draws of every unit's topic
proportions from the model's posterior, regress each topic's proportion on the design the model
was fitted with, and draw the coefficients from that regression's sampling distribution; the
pooled draws carry both the regression's uncertainty and the topic model's. Intervals are the
draws' quantiles.

Effects are reported on the proportion scale, as a researcher reads them:

* a categorical covariate: each level against the reference level (other covariates held);
* a linear covariate: the change in proportion per unit (per year for a year);
* a smooth ``s(x)``: the change from the smallest to the largest value of ``x``;

and :func:`predicted_prevalence` gives the expected proportion at each level or along a grid
of values, with intervals (the curves stm's ``plot.estimateEffect`` draws).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from topiclab.comparisons import check_settings
from topiclab.errors import ConfigError
from topiclab.models.formula import Design

EFFECT_COLUMNS = ["topic", "term", "reference", "estimate", "ci_low", "ci_high"]
GRID = 25


def by_document(draws: np.ndarray, design: Design, doc_ids: Any, lengths: Any) -> tuple[np.ndarray, Design]:
    """Unit draws (sims x units x topics) and the units' design as documents: each document's
    proportions the length-weighted mean of its units', its design row its first unit's (the
    covariates are the document's). A paragraph is not an independent observation of its
    document's region: effects are regressions over documents, or their intervals would count
    every paragraph as new evidence. Documents in order of first appearance.

    Example:
        >>> from topiclab.models.formula import design_matrix
        >>> d = design_matrix("~ region", pd.DataFrame({"region": ["上海", "上海", "江苏"]}))
        >>> draws = np.array([[[0.2, 0.8], [0.6, 0.4], [0.5, 0.5]]])
        >>> doc_draws, doc_design = by_document(draws, d, ["a", "a", "b"], [1, 3, 2])
        >>> doc_draws.round(2).tolist(), doc_design.matrix.ravel().tolist()
        ([[[0.5, 0.5], [0.5, 0.5]]], [0.0, 1.0])
    """
    docs = pd.Index(pd.unique(pd.Series(list(doc_ids), dtype=str)))
    codes = docs.get_indexer(pd.Series(list(doc_ids), dtype=str))
    w = np.asarray(lengths, dtype=float)
    w = np.where(w > 0, w, 1.0)  # a unit of no words still counts, lightly
    sums = np.zeros((len(docs), draws.shape[0], draws.shape[2]))
    np.add.at(sums, codes, (draws * w[None, :, None]).transpose(1, 0, 2))
    sums = sums.transpose(1, 0, 2)
    totals = np.bincount(codes, weights=w, minlength=len(docs))
    first = np.unique(codes, return_index=True)[1]
    matrix = design.matrix[first]
    means = {c: float(v) for c, v in zip(design.columns, matrix.mean(axis=0))}
    return sums / totals[None, :, None], replace(design, matrix=matrix, means=means)


def composed_coefficients(draws: np.ndarray, x: np.ndarray, seed: int = 0) -> np.ndarray:
    """Coefficient draws (sims x coefficients x topics) of the regression of each draw on ``x``.

    ``draws``: sims x rows x topics proportions; ``x``: rows x coefficients (with its intercept).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> g = np.repeat([0.0, 1.0], 50)
        >>> theta = np.stack([0.2 + 0.3 * g + rng.normal(0, .05, 100), 0.8 - 0.3 * g], axis=1)
        >>> x = np.column_stack([np.ones(100), g])
        >>> b = composed_coefficients(np.repeat(theta[None], 20, axis=0), x)
        >>> b.shape, round(float(b[:, 1, 0].mean()), 1)
        ((20, 2, 2), 0.3)
    """
    n, p = x.shape
    if n <= p:
        raise ConfigError(f"the regression has {p} coefficients for {n} rows; use fewer covariates")
    xtx_inv = np.linalg.pinv(x.T @ x)
    chol = np.linalg.cholesky(xtx_inv + 1e-12 * np.eye(p))
    rng = np.random.default_rng(seed)
    out = np.empty((draws.shape[0], p, draws.shape[2]))
    for s, theta in enumerate(draws):
        beta = xtx_inv @ (x.T @ theta)
        resid = theta - x @ beta
        sigma = np.sqrt((resid**2).sum(axis=0) / (n - p))
        out[s] = beta + (chol @ rng.standard_normal((p, theta.shape[1]))) * sigma
    return out


def _interval(values: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lo, hi = np.quantile(values, [(1 - ci) / 2, 1 - (1 - ci) / 2], axis=0)
    return values.mean(axis=0), lo, hi


def _contrasts(design: Design, reference: dict[str, str] | None = None) -> list[tuple[str, str, np.ndarray]]:
    """(term, reference, contrast vector over [intercept, design columns]) for each effect reported.

    ``reference``: a categorical column's level the others are compared with, if not the fit's.
    """
    p = len(design.columns) + 1
    out = []
    for term in design.terms:
        cols = design.term_columns(term.column)
        if term.kind == "categorical":
            levels = design.levels[term.column]
            ref = (reference or {}).get(term.column, levels[0])
            if ref not in levels:
                raise ConfigError(f"reference {ref!r} is not a value of {term.column!r}; values: {', '.join(levels)}")
            # the fit's reference level has no column: its effect is 0
            where = {lv: (cols[i - 1] + 1 if i else None) for i, lv in enumerate(levels)}
            for level in levels:
                if level == ref:
                    continue
                vec = np.zeros(p)
                if where[level] is not None:
                    vec[where[level]] += 1.0
                if where[ref] is not None:
                    vec[where[ref]] -= 1.0
                out.append((f"{term.column}={level}", ref, vec))
        elif term.kind == "linear":
            vec = np.zeros(p)
            vec[cols[0] + 1] = 1.0
            out.append((term.column, "per unit", vec))
        else:
            lo, hi = design.knots[term.column][2]
            rows = design.rows(pd.DataFrame({term.column: [lo, hi]}))
            vec = np.concatenate([[0.0], rows[1] - rows[0]])
            out.append((f"{term.column}: {_num(hi)} vs {_num(lo)}", f"{term.column}={_num(lo)}", vec))
    return out


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.4g}"


def effects_from_draws(draws: np.ndarray, design: Design, *, ci: float = 0.95, seed: int = 0,
                       reference: dict[str, str] | None = None) -> pd.DataFrame:
    """The effect of every covariate of ``design`` on every topic, with intervals (see the module docstring).

    ``draws``: sims x units x topics, posterior draws of the units the design describes.
    Returns ``topic, term, reference, estimate, ci_low, ci_high``.

    Example:
        >>> from topiclab.models.formula import design_matrix
        >>> meta = pd.DataFrame({"region": ["上海", "浙江"] * 50, "year": np.arange(100) % 10 + 2010})
        >>> d = design_matrix("~ region + year", meta)
        >>> is_zj = (meta["region"] == "浙江").to_numpy()
        >>> theta = np.stack([0.3 + 0.2 * is_zj, 0.7 - 0.2 * is_zj], axis=1)
        >>> noise = np.random.default_rng(1).normal(0, 0.02, (10, 100, 1))
        >>> e = effects_from_draws(theta[None] + np.concatenate([noise, -noise], axis=2), d)
        >>> row = e.query("topic == 0 and term == 'region=浙江'").iloc[0]
        >>> round(float(row["estimate"]), 2), row["reference"], bool(row["ci_low"] < 0.2 < row["ci_high"])
        (0.2, '上海', True)
    """
    check_settings(n_boot=max(len(draws), 10), ci=ci, seed=seed)
    x = np.column_stack([np.ones(len(design.matrix)), design.matrix])
    coef = composed_coefficients(draws, x, seed)
    rows: list[tuple[Any, ...]] = []
    for term, ref, vec in _contrasts(design, reference):
        est, lo, hi = _interval(np.einsum("p,spk->sk", vec, coef), ci)
        rows.extend((t, term, ref, est[t], lo[t], hi[t]) for t in range(coef.shape[2]))
    frame = pd.DataFrame(rows, columns=EFFECT_COLUMNS)
    return frame.sort_values(["topic"], kind="stable").reset_index(drop=True)


def predicted_prevalence(draws: np.ndarray, design: Design, *, ci: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Expected topic proportions at each level of a categorical covariate and along a grid of a
    numeric one (the others at their means), with intervals.

    Returns ``topic, covariate, value, mean, ci_low, ci_high``.

    Example:
        >>> from topiclab.models.formula import design_matrix
        >>> meta = pd.DataFrame({"year": np.arange(100) % 10 + 2010})
        >>> t0 = 0.1 + 0.05 * (meta["year"].to_numpy() - 2010)
        >>> theta = np.stack([t0, 1 - t0], axis=1)[None].repeat(5, axis=0)
        >>> p = predicted_prevalence(theta, design_matrix("~ year", meta))
        >>> p.query("topic == 0")["mean"].round(2).iloc[[0, -1]].tolist()
        [0.1, 0.55]
    """
    x = np.column_stack([np.ones(len(design.matrix)), design.matrix])
    coef = composed_coefficients(draws, x, seed)
    rows: list[tuple[Any, ...]] = []
    for term in design.terms:
        if term.kind == "categorical":
            values: list[Any] = list(design.levels[term.column])
        else:
            lo, hi = design.knots[term.column][2] if term.kind == "smooth" else _range(design, term.column)
            values = [float(v) for v in np.linspace(lo, hi, GRID)]
        grid = np.column_stack([np.ones(len(values)), design.rows(pd.DataFrame({term.column: values}))])
        mean, low, high = _interval(np.einsum("vp,spk->svk", grid, coef), ci)
        for t in range(coef.shape[2]):
            rows.extend((t, term.column, v, mean[i, t], low[i, t], high[i, t]) for i, v in enumerate(values))
    return pd.DataFrame(rows, columns=["topic", "covariate", "value", "mean", "ci_low", "ci_high"])


def _range(design: Design, column: str) -> tuple[float, float]:
    j = design.term_columns(column)[0]
    return float(design.matrix[:, j].min()), float(design.matrix[:, j].max())


def model_effect_tables(estimator: Any, *, n_sims: int = 100, ci: float = 0.95, seed: int = 0,
                        reference: dict[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """``effects`` and ``effects_predicted`` of a model fitted with covariates (an STM with a
    prevalence formula), composed over ``n_sims`` posterior draws; ``{}`` for any other model.

    Example:
        >>> model_effect_tables(object())
        {}
    """
    design = getattr(estimator, "design_", None)
    if design is None or not hasattr(estimator, "theta_draws"):
        return {}
    check_settings(n_boot=n_sims, ci=ci, seed=seed)
    draws = estimator.theta_draws(n_sims, seed)
    return {"effects": effects_from_draws(draws, design, ci=ci, seed=seed, reference=reference),
            "effects_predicted": predicted_prevalence(draws, design, ci=ci, seed=seed)}
