"""Compare topic prevalence between groups of documents (regions by default), with uncertainty.

Every function takes a table with one row a document: a grouping column, topic proportion
columns ``topic_0`` … and, for length weighting, a ``n_tokens`` column. Resampling is over
documents, so when a model was fit on paragraphs a document's paragraphs stay together (a
cluster bootstrap). All randomness comes from one explicit seed.

* :func:`prevalence`: mean proportion of each topic in each group, with percentile bootstrap
  intervals (Efron & Tibshirani 1993), length-weighted or not;
* :func:`differences`: each pair of groups and each group against the rest: difference in
  prevalence, bootstrap interval, two-sided permutation p-value, and Benjamini–Hochberg
  q-values over all tests (Benjamini & Hochberg 1995);
* :func:`distinctive_terms` and :func:`distinctive_terms_by_topic` (in
  :mod:`topiclab.distinctive`): weighted log-odds ratios with an informative Dirichlet prior,
  with z-scores (Monroe, Colaresi & Quinn 2008, "Fightin' Words"), by group and by topic x group;
* :func:`divergence`: Jensen–Shannon divergence between groups' mean topic distributions,
  against a permutation baseline;
* :func:`effects`: a regression of each topic's proportion on group (and covariates), as R's
  stm ``estimateEffect`` does it (Roberts, Stewart & Tingley 2019): by the method of
  composition, each simulation draws document-topic proportions from the model's posterior,
  fits ordinary least squares, and draws coefficients from their sampling distribution, so the
  intervals carry the model's uncertainty as well as the regression's. For LDA the posterior
  of a document's proportions is approximated by Dirichlet(alpha + n_tokens x proportions);
  NMF and clusters have no posterior, and only the regression's uncertainty enters.

Groups with fewer than ``min_docs`` documents are flagged (``small_group``) in every table and
are never marked significant.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import false_discovery_control

from topiclab.checks import check_int, check_number, check_seed
from topiclab.errors import ConfigError

REST = "(rest)"


def topic_columns(frame: pd.DataFrame) -> list[str]:
    """The ``topic_<i>`` columns, in topic order."""
    cols = [c for c in frame.columns if c.startswith("topic_") and c[6:].isdigit()]
    return sorted(cols, key=lambda c: int(c[6:]))


def check_settings(*, n_boot: int = 2000, ci: float = 0.95, seed: int = 0, min_docs: int = 5,
                   alpha: float = 0.05) -> None:
    """Refuse, with one line, settings no comparison can use (shared by every function here).

    Example:
        >>> check_settings(n_boot=0)
        Traceback (most recent call last):
        topiclab.errors.ConfigError: n_boot must be a whole number >= 1, got 0
    """
    check_int(n_boot, "n_boot", minimum=1)
    check_number(ci, "ci", low=0, high=1, open_low=True, open_high=True)
    check_seed(seed)
    check_int(min_docs, "min_docs", minimum=1)
    check_number(alpha, "alpha", low=0, high=1, open_low=True, open_high=True)


def _groups(frame: pd.DataFrame, by: str) -> list[str]:
    if by not in frame.columns:
        columns = [c for c in frame.columns if not c.startswith("topic_")]
        raise ConfigError(f"no column {by!r} to group by; columns are {columns}")
    groups = sorted(frame[by].dropna().astype(str).unique())
    if len(groups) < 2:
        raise ConfigError(f"column {by!r} has {len(groups)} group(s); a comparison needs at least two")
    return groups


def _arrays(frame: pd.DataFrame, by: str, weighted: bool) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Groups (sorted), each document's group label, topic proportions and weights."""
    groups = _groups(frame, by)
    labels = frame[by].astype(str).to_numpy()
    return groups, labels, frame[topic_columns(frame)].to_numpy(dtype=float), _weights(frame, weighted)


def _weights(frame: pd.DataFrame, weighted: bool) -> np.ndarray:
    if not weighted:
        return np.ones(len(frame))
    if "n_tokens" not in frame.columns:
        raise ConfigError("length weighting needs an n_tokens column (tokens a document)")
    return frame["n_tokens"].to_numpy(dtype=float)


def _boot_means(p: np.ndarray, w: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap means (n_boot x k): documents drawn with replacement, as multinomial counts."""
    n = len(p)
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    return (counts @ (p * w[:, None])) / (counts @ w)[:, None]


def prevalence(
    frame: pd.DataFrame, by: str = "region", *, weighted: bool = True, n_boot: int = 2000, ci: float = 0.95,
    seed: int = 0, min_docs: int = 5,
) -> pd.DataFrame:
    """Mean topic proportion by group with bootstrap intervals.

    Returns ``group, topic, n_docs, mean, ci_low, ci_high, weighted, small_group``. A group of one
    document has no interval (NaN): resampling it gives the same document back every time.

    Example:
        >>> f = pd.DataFrame({"region": ["上海"] * 3 + ["江苏"] * 3, "topic_0": [.9, .8, .7, .1, .2, .3],
        ...                   "topic_1": [.1, .2, .3, .9, .8, .7]})
        >>> row = prevalence(f, weighted=False, n_boot=200, min_docs=2).iloc[0]
        >>> row["group"], round(float(row["mean"]), 3)
        ('上海', 0.8)
    """
    check_settings(n_boot=n_boot, ci=ci, seed=seed, min_docs=min_docs)
    groups = _groups(frame, by)
    topics = topic_columns(frame)
    rng = np.random.default_rng(seed)
    w_all = _weights(frame, weighted)
    alpha = (1 - ci) / 2
    rows = []
    for g in groups:
        mask = frame[by].astype(str).to_numpy() == g
        p, w = frame.loc[mask, topics].to_numpy(dtype=float), w_all[mask]
        mean = (p * w[:, None]).sum(axis=0) / w.sum()
        boots = _boot_means(p, w, n_boot, rng)
        lo, hi = np.quantile(boots, [alpha, 1 - alpha], axis=0)
        if mask.sum() < 2:  # resampling one document always gives it back: no interval, not a zero-width one
            lo, hi = np.full_like(lo, np.nan), np.full_like(hi, np.nan)
        for t in range(len(topics)):
            rows.append((g, t, int(mask.sum()), mean[t], lo[t], hi[t], weighted, bool(mask.sum() < min_docs)))
    return pd.DataFrame(rows, columns=["group", "topic", "n_docs", "mean", "ci_low", "ci_high", "weighted",
                                       "small_group"])


def differences(
    frame: pd.DataFrame, by: str = "region", *, weighted: bool = True, n_boot: int = 2000, n_perm: int = 2000,
    ci: float = 0.95, seed: int = 0, min_docs: int = 5, alpha: float = 0.05, reference: str | None = None,
) -> pd.DataFrame:
    """Differences in prevalence for each pair of groups and each group against the rest.

    With ``reference``, the pairs are each other group against that one (``group_b``), and each
    group against the rest as before.

    Returns ``group_a, group_b, topic, diff, ci_low, ci_high, p_value, q_value, significant,
    small_group``. q-values (Benjamini–Hochberg) are over every test whose groups both have at
    least ``min_docs`` documents; tests involving a smaller group get no q-value and are never
    significant.

    Example:
        >>> f = pd.DataFrame({"region": ["a"] * 10 + ["b"] * 10, "topic_0": [.8] * 10 + [.2] * 10,
        ...                   "topic_1": [.2] * 10 + [.8] * 10})
        >>> d = differences(f, weighted=False, n_boot=200, n_perm=200)
        >>> r = d.query("group_a == 'a' and group_b == 'b' and topic == 0").iloc[0]
        >>> round(float(r["diff"]), 2), bool(r["significant"])
        (0.6, True)
    """
    check_settings(n_boot=n_boot, ci=ci, seed=seed, min_docs=min_docs, alpha=alpha)
    check_int(n_perm, "n_perm", minimum=1)
    groups, labels, props, w_all = _arrays(frame, by, weighted)
    n_topics = props.shape[1]
    rng = np.random.default_rng(seed)
    q_lo, q_hi = (1 - ci) / 2, 1 - (1 - ci) / 2
    if reference is None:
        pairs = [(a, b) for a, b in itertools.combinations(groups, 2)]
    else:
        if reference not in groups:
            raise ConfigError(f"reference group {reference!r} is not a value of {by!r}; groups: {', '.join(groups)}")
        pairs = [(g, reference) for g in groups if g != reference]
    pairs += [(g, REST) for g in groups]
    rows = []
    for a, b in pairs:
        in_a = labels == a
        in_b = ~in_a if b == REST else labels == b
        keep = in_a | in_b
        p, w, side = props[keep], w_all[keep], in_a[keep]
        obs = _mean(p[side], w[side]) - _mean(p[~side], w[~side])
        boot = _boot_means(p[side], w[side], n_boot, rng) - _boot_means(p[~side], w[~side], n_boot, rng)
        lo, hi = np.quantile(boot, [q_lo, q_hi], axis=0)
        if side.sum() < 2 or (~side).sum() < 2:  # a side of one document has no sampling distribution
            lo, hi = np.full_like(lo, np.nan), np.full_like(hi, np.nan)
        perm = _perm_diffs(p, w, side, n_perm, rng)
        pval = (1 + (np.abs(perm) >= np.abs(obs) - 1e-12).sum(axis=0)) / (1 + n_perm)
        small = bool(side.sum() < min_docs or (~side).sum() < min_docs)
        for t in range(n_topics):
            rows.append([a, b, t, obs[t], lo[t], hi[t], pval[t], np.nan, False, small])
    out = pd.DataFrame(rows, columns=["group_a", "group_b", "topic", "diff", "ci_low", "ci_high", "p_value",
                                      "q_value", "significant", "small_group"])
    tested = ~out["small_group"]
    if tested.any():
        out.loc[tested, "q_value"] = false_discovery_control(out.loc[tested, "p_value"].to_numpy())
        out.loc[tested, "significant"] = out.loc[tested, "q_value"] < alpha
    return out


def _mean(p: np.ndarray, w: np.ndarray) -> np.ndarray:
    return (p * w[:, None]).sum(axis=0) / w.sum()


def _perm_means(
    p: np.ndarray, w: np.ndarray, side: np.ndarray, n_perm: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted means of the two sides under random relabelling: two (n_perm x k) arrays."""
    n, n_a = len(p), int(side.sum())
    order = np.argsort(rng.random((n_perm, n)), axis=1)
    member = np.zeros((n_perm, n))
    np.put_along_axis(member, order[:, :n_a], 1.0, axis=1)
    pw = p * w[:, None]
    rest = 1.0 - member
    return (member @ pw) / (member @ w)[:, None], (rest @ pw) / (rest @ w)[:, None]


def _perm_diffs(p: np.ndarray, w: np.ndarray, side: np.ndarray, n_perm: int, rng: np.random.Generator) -> np.ndarray:
    """Differences of weighted means under random relabelling (n_perm x k)."""
    mean_a, mean_b = _perm_means(p, w, side, n_perm, rng)
    return mean_a - mean_b


def _jsd(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Jensen–Shannon divergence in bits between rows of ``p`` and ``q`` (or two vectors)."""
    m = (p + q) / 2

    def kl(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(a > 0, a * np.log2(a / b), 0.0)
        return np.asarray(terms.sum(axis=-1))

    return np.asarray(0.5 * kl(p, m) + 0.5 * kl(q, m))


def divergence(
    frame: pd.DataFrame, by: str = "region", *, weighted: bool = True, n_perm: int = 2000, seed: int = 0,
    min_docs: int = 5,
) -> pd.DataFrame:
    """Jensen–Shannon divergence (bits) between each pair of groups' mean topic distributions.

    Returns ``group_a, group_b, jsd, perm_mean, p_value, small_group``: the permutation baseline is
    the divergence after shuffling group labels among the two groups' documents.

    Example:
        >>> f = pd.DataFrame({"region": ["a"] * 4 + ["b"] * 4, "topic_0": [.9] * 4 + [.1] * 4,
        ...                   "topic_1": [.1] * 4 + [.9] * 4})
        >>> r = divergence(f, weighted=False, n_perm=200, min_docs=2).iloc[0]
        >>> round(float(r["jsd"]), 3), bool(r["p_value"] < 0.05)
        (0.531, True)
    """
    check_settings(seed=seed, min_docs=min_docs)
    check_int(n_perm, "n_perm", minimum=1)
    groups, labels, props, w_all = _arrays(frame, by, weighted)
    rng = np.random.default_rng(seed)
    rows = []
    for a, b in itertools.combinations(groups, 2):
        keep = (labels == a) | (labels == b)
        p, w, side = props[keep], w_all[keep], labels[keep] == a
        obs = float(_jsd(_mean(p[side], w[side]), _mean(p[~side], w[~side])))
        perm = _jsd(*_perm_means(p, w, side, n_perm, rng))
        small = bool(side.sum() < min_docs or (~side).sum() < min_docs)
        rows.append((a, b, obs, float(perm.mean()), float((1 + (perm >= obs - 1e-12).sum()) / (1 + n_perm)), small))
    return pd.DataFrame(rows, columns=["group_a", "group_b", "jsd", "perm_mean", "p_value", "small_group"])


def effects(
    frame: pd.DataFrame, by: str = "region", *, covariates: Sequence[str] = (), alpha: float | np.ndarray | None = None,
    n_sims: int = 500, ci: float = 0.95, seed: int = 0, reference: str | None = None,
) -> pd.DataFrame:
    """Effect of each group (against ``reference``, default the first in sorted order) on each topic's proportion.

    ``alpha``: the LDA document-topic prior (a number, or one value a topic), to draw proportions
    from their posterior (needs ``n_tokens``); ``None`` keeps the estimated proportions fixed. Returns ``topic, term,
    reference, estimate, ci_low, ci_high``, one row a topic and coefficient.

    Example:
        >>> f = pd.DataFrame({"region": ["a"] * 20 + ["b"] * 20, "topic_0": [0.2] * 20 + [0.6] * 20,
        ...                   "topic_1": [0.8] * 20 + [0.4] * 20})
        >>> r = effects(f, n_sims=200).query("topic == 0 and term == 'b'").iloc[0]
        >>> round(float(r["estimate"]), 3), r["reference"]
        (0.4, 'a')
    """
    check_settings(n_boot=n_sims, ci=ci, seed=seed)
    groups = _groups(frame, by)
    if reference is not None:
        if reference not in groups:
            raise ConfigError(f"reference group {reference!r} is not a value of {by!r}; groups: {', '.join(groups)}")
        groups = [reference, *(g for g in groups if g != reference)]
    topics = topic_columns(frame)
    labels = frame[by].astype(str)
    design = pd.get_dummies(pd.Categorical(labels, categories=groups), drop_first=True, dtype=float)
    for c in covariates:
        if c not in frame.columns:
            raise ConfigError(f"no covariate column {c!r}")
        col = frame[c]
        extra = (col.astype(float).to_frame(c) if pd.api.types.is_numeric_dtype(col)
                 else pd.get_dummies(col.astype(str), prefix=c, drop_first=True, dtype=float))
        design = pd.concat([design.reset_index(drop=True), extra.reset_index(drop=True)], axis=1)
    x = np.column_stack([np.ones(len(frame)), design.to_numpy(dtype=float)])
    if x.shape[0] <= x.shape[1]:  # no residual left: every interval would have width zero
        raise ConfigError(f"the regression on {by!r}{' and ' + ', '.join(covariates) if covariates else ''} has "
                          f"{x.shape[1]} coefficients for {x.shape[0]} documents; leave out covariates with (nearly) "
                          "a value a document")
    names = ["(intercept)", *design.columns]
    xtx_inv = np.linalg.pinv(x.T @ x)
    props = frame[topics].to_numpy(dtype=float)
    conc = None
    if alpha is not None:
        if "n_tokens" not in frame.columns:
            raise ConfigError("posterior draws need an n_tokens column")
        conc = alpha + frame["n_tokens"].to_numpy(dtype=float)[:, None] * props
    rng = np.random.default_rng(seed)
    n, p = x.shape
    draws = np.empty((n_sims, p, len(topics)))
    for s in range(n_sims):
        theta = props if conc is None else np.vstack([rng.dirichlet(c) for c in np.maximum(conc, 1e-6)])
        beta = xtx_inv @ x.T @ theta
        resid = theta - x @ beta
        sigma2 = (resid**2).sum(axis=0) / max(n - p, 1)
        chol = np.linalg.cholesky(xtx_inv + 1e-12 * np.eye(p))
        draws[s] = beta + (chol @ rng.standard_normal((p, len(topics)))) * np.sqrt(sigma2)
    lo, hi = np.quantile(draws, [(1 - ci) / 2, 1 - (1 - ci) / 2], axis=0)
    est = draws.mean(axis=0)
    rows = [(t, names[j], groups[0], est[j, t], lo[j, t], hi[j, t]) for t in range(len(topics)) for j in range(p)]
    return pd.DataFrame(rows, columns=["topic", "term", "reference", "estimate", "ci_low", "ci_high"])
