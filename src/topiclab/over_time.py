"""Topic prevalence over time: a bootstrap band a (group, period) and a trend a topic.

A time column of dates (``2024-01-05``, ``2024/1/5``, ``2024年1月5日``, ``19980105``, pandas
datetimes) or years (``2024``) is binned into periods (:func:`parse_periods`): ``year`` ("2024"),
``quarter`` ("2024Q1"), ``month`` ("2024-01") or ``day`` ("2024-01-05"). Rows with an empty time
are left out and counted (``time_coverage``); so are documents with no words left to model.

* :func:`prevalence_over_time`: each topic's mean share in each (group, period), length-weighted or
  not as :func:`topiclab.comparisons.prevalence`, with a percentile bootstrap band from resampling
  the documents of that (group, period) (Efron & Tibshirani 1993).
* :func:`trends`: each topic's linear trend, the weighted least-squares slope of document shares on
  time, in share per period of the bin. Its standard error comes from the same resamples: documents
  are the unit, each period keeping its number of documents. A period can also move as a whole (a
  news day has its own events), which resampling documents does not see; so the period means'
  scatter around the line is measured in units of their bootstrap variance (``dispersion``, a Birge
  ratio, as quasi-likelihood's dispersion, McCullagh & Nelder 1989), and where it exceeds 1 the
  standard error is multiplied by its square root and the interval uses Student's t with (periods - 2)
  degrees of freedom, else the normal. With fewer than seven periods the dispersion itself is too
  uncertain to trust below 1, so it is taken as at least 1 and t is used always. ``direction`` is
  ``rising`` / ``falling`` when the interval excludes zero, else ``flat`` (``undetermined`` with one
  period). An interval holds at its level for its own topic: of 20 flat topics about one shows a
  direction by chance at 95%, so the table also has Benjamini–Hochberg q-values over all its rows
  (Benjamini & Hochberg 1995) and ``significant``.
"""

from __future__ import annotations

import datetime
import numbers
import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import false_discovery_control

from topiclab.checks import check_choice
from topiclab.comparisons import check_settings, topic_columns
from topiclab.errors import ConfigError
from topiclab.names import TIME_BINS

FREQ = {"year": "Y", "quarter": "Q", "month": "M", "day": "D"}
ALL = "all"  # the group of every document when there is no grouping column
FEW_DF = 5  # residual degrees of freedom (periods - 2) below which a trend is judged on t with dispersion >= 1
_PRECISION = ("year", "quarter", "month", "day")
_PATTERNS = (  # (pattern, precision), tried in order on the normalised text
    (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"),
     "day"),  # a time of day after the date is allowed and ignored
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), "day"),
    (re.compile(r"(\d{4})[-/.](\d{1,2})"), "month"),
    (re.compile(r"(\d{4})-?[Qq]([1-4])"), "quarter"),
    (re.compile(r"(\d{4})"), "year"),
)
_CHUNK = 4_000_000  # resampled document slots held at once (bounds memory for a period of many documents)


def _parse_one(value: Any) -> tuple[pd.Timestamp, str] | None:
    """(first moment, precision) of one non-empty time value, or None when it is not a date or year."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, datetime.date | np.datetime64):
        stamp = pd.Timestamp(value)
        return (stamp.tz_localize(None) if stamp.tzinfo else stamp), "day"
    if isinstance(value, numbers.Real):
        if not float(value).is_integer():
            return None
        value = str(int(float(value)))
    if not isinstance(value, str):
        return None
    text = re.sub(r"\s*[年月]\s*", "-", unicodedata.normalize("NFKC", value).strip())
    text = re.sub(r"[日号](?=\s|$)", "", text).rstrip("-")
    for pattern, precision in _PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            parts = [int(g) for g in m.groups()]
            year, month, day = [*parts, 1, 1][:3] if precision != "quarter" else (parts[0], 3 * parts[1] - 2, 1)
            try:
                return pd.Timestamp(year, month, day), precision
            except ValueError:  # 2024-02-30, or a year pandas cannot hold
                return None
    return None


def parse_periods(values: Any, bin: str = "year", *, name: str = "time") -> pd.Series:
    """Each value's period at ``bin`` (a Series of pandas Periods; NaT where the time is empty).

    Example:
        >>> p = parse_periods(pd.Series(["2024-01-05", "2024/4/1", "2024年12月31日", None]), "quarter")
        >>> [str(v) for v in p]
        ['2024Q1', '2024Q2', '2024Q4', 'NaT']
        >>> parse_periods(pd.Series([1998, 1999]), "month", name="year")
        Traceback (most recent call last):
        topiclab.errors.ConfigError: time column 'year': 2 value(s) give no month, e.g. 1998 (a year); bin by year
    """
    check_choice(bin, "bin", TIME_BINS)
    s = pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(s):
        stamps = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) is not None else s
        return pd.Series(pd.DatetimeIndex(stamps).to_period(FREQ[bin]), index=s.index, name=s.name)
    values_ = s.astype(object)  # shown as 1998, not np.int64(1998)
    empty = s.isna().to_numpy() | np.array([isinstance(v, str) and not v.strip() for v in values_], dtype=bool)
    parsed = {v: _parse_one(v) for v in pd.unique(values_[~empty])}
    bad = [v for v in values_[~empty] if parsed[v] is None]
    if bad:
        raise ConfigError(f"time column {name!r}: {len(bad)} value(s) are neither dates nor years, e.g. {bad[0]!r}; "
                          "write dates as 2024-01-05, 2024/1/5 or 2024年1月5日, or years as 2024 (rows with an empty "
                          f"time are left out: {int(empty.sum())} here)")
    found = {v: p for v, p in parsed.items() if p is not None}
    coarse = [v for v in values_[~empty] if _PRECISION.index(found[v][1]) < _PRECISION.index(bin)]
    if coarse:
        precision = found[coarse[0]][1]
        raise ConfigError(f"time column {name!r}: {len(coarse)} value(s) give no {bin}, e.g. {coarse[0]!r} "
                          f"(a {precision}); bin by {precision}")
    stamps = [pd.NaT if e else found[v][0] for v, e in zip(values_, empty)]
    return pd.Series(pd.DatetimeIndex(stamps).to_period(FREQ[bin]), index=s.index, name=s.name)


def _resample_counts(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """How often each of ``n`` documents is drawn in each of ``size`` resamples (size x n)."""
    idx = rng.integers(0, n, (size, n)) + n * np.arange(size)[:, None]
    return np.bincount(idx.ravel(), minlength=size * n).reshape(size, n).astype(float)


def _group_tables(props: np.ndarray, w: np.ndarray, codes: np.ndarray, x: np.ndarray, n_boot: int, ci: float,
                  rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Period means, bands and the slope (with its bootstrap draws' spread and the dispersion) of one group.

    ``codes`` give each document's period (0 .. P-1, in time order), ``x`` each period's position.
    """
    n_periods, k = len(x), props.shape[1]
    q = [(1 - ci) / 2, 1 - (1 - ci) / 2]
    out = {name: np.full((n_periods, k), np.nan) for name in ("mean", "lo", "hi", "var")}
    out["n"] = np.bincount(codes, minlength=n_periods)
    sw, swx, swxx = np.zeros(n_boot), np.zeros(n_boot), np.zeros(n_boot)
    sy, sxy = np.zeros((n_boot, k)), np.zeros((n_boot, k))
    for p in range(n_periods):
        rows = codes == p
        pw, wp, n = props[rows] * w[rows, None], w[rows], int(rows.sum())
        out["mean"][p] = pw.sum(axis=0) / wp.sum()
        step = max(1, _CHUNK // n)
        draws = []
        for start in range(0, n_boot, step):
            counts = _resample_counts(n, min(step, n_boot - start), rng)
            draws.append((counts @ wp, counts @ pw))
        wb, sb = np.concatenate([d[0] for d in draws]), np.vstack([d[1] for d in draws])
        means = sb / wb[:, None]
        if n > 1:  # one document resampled is itself every time: no band, not a zero-width one
            out["lo"][p], out["hi"][p] = np.quantile(means, q, axis=0)
        out["var"][p] = means.var(axis=0, ddof=int(n_boot > 1))
        sw, swx, swxx = sw + wb, swx + wb * x[p], swxx + wb * x[p] ** 2
        sy, sxy = sy + sb, sxy + sb * x[p]
    total_w = np.array([w[codes == p].sum() for p in range(n_periods)])
    out["slope"], out["intercept"] = _wls(out["mean"] * total_w[:, None], total_w, x)
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = (sxy - swx[:, None] * sy / sw[:, None]) / (swxx - swx**2 / sw)[:, None]
    out["se"] = boot.std(axis=0, ddof=int(n_boot > 1))
    resid = out["mean"] - out["intercept"] - np.outer(x, out["slope"])
    used = out["var"] > 0
    out["df"] = used.sum(axis=0) - 2
    with np.errstate(invalid="ignore", divide="ignore"):
        chi2 = np.where(used, resid**2 / np.where(used, out["var"], 1.0), 0.0).sum(axis=0)
        out["dispersion"] = np.where(out["df"] > 0, chi2 / np.maximum(out["df"], 1), np.nan)
    return out


def _wls(sums: np.ndarray, weights: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Slope and intercept of period means on ``x``, each period weighted by its documents' total weight."""
    sw, swx, swxx = weights.sum(), weights @ x, weights @ x**2
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (x @ sums - swx * sums.sum(axis=0) / sw) / (swxx - swx**2 / sw)
    return slope, (sums.sum(axis=0) - slope * swx) / sw


def _compute(frame: pd.DataFrame, time_col: str, *, by: str | None, bin: str, weighted: bool, n_boot: int,
             ci: float, seed: int, alpha: float) -> dict[str, pd.DataFrame]:
    check_settings(n_boot=n_boot, ci=ci, seed=seed, alpha=alpha)
    check_choice(bin, "bin", TIME_BINS)
    for col, what in ((time_col, "time"), (by, "group")):
        if col is not None and col not in frame.columns:
            columns = [c for c in frame.columns if not c.startswith("topic_")]
            raise ConfigError(f"no {what} column {col!r}; columns are {columns}")
    topics = topic_columns(frame)
    if not topics:
        raise ConfigError("no topic_0, topic_1 … columns: give a table of documents' topic proportions")
    periods = parse_periods(frame[time_col], bin, name=time_col)
    props = frame[topics].to_numpy(dtype=float)
    if weighted and "n_tokens" not in frame.columns:
        raise ConfigError("length weighting needs an n_tokens column (tokens a document); or weighted=False")
    w = frame["n_tokens"].to_numpy(dtype=float) if weighted else np.ones(len(frame))
    group_col = frame[by] if by is not None else pd.Series(ALL, index=frame.index)
    labels, has_group = group_col.astype(str).to_numpy(), group_col.notna().to_numpy()
    dated = periods.notna().to_numpy()
    modelled = np.isfinite(props).all(axis=1) & (w > 0)  # a document with no words has no proportions
    keep = dated & modelled & has_group
    ordinals = np.where(dated, pd.PeriodIndex(periods).asi8, 0)
    if len(np.unique(ordinals[keep])) < 2:
        raise ConfigError(f"time column {time_col!r} gives {len(np.unique(ordinals[keep]))} {bin}(s) with documents "
                          f"({int((~dated).sum())} rows have no time); over time needs at least two: a finer bin")
    rng = np.random.default_rng(seed)
    prev, trend, cover = [], [], []
    for g in np.unique(labels[has_group]).tolist():
        rows = keep & (labels == g)
        here = np.unique(ordinals[rows])
        names = [str(pd.Period(ordinal=int(o), freq=FREQ[bin])) for o in here]
        cover.append((g, int(rows.sum()), int((has_group & (labels == g) & ~dated).sum()),
                      int((has_group & (labels == g) & dated & ~modelled).sum()), len(here),
                      names[0] if names else "", names[-1] if names else ""))
        if not rows.any():
            continue
        st = _group_tables(props[rows], w[rows], np.searchsorted(here, ordinals[rows]),
                           here - here.mean(), n_boot, ci, rng)  # centred: no cancellation in the sums
        n_p, k = st["mean"].shape
        prev.append(pd.DataFrame({"group": g, "period": np.repeat(names, k), "topic": np.tile(np.arange(k), n_p),
                                  "mean": st["mean"].ravel(), "ci_low": st["lo"].ravel(), "ci_high": st["hi"].ravel(),
                                  "n_docs": np.repeat(st["n"], k)}))
        mean = (props[rows] * w[rows, None]).sum(axis=0) / w[rows].sum()
        trend.append(_trend_rows(g, st, mean, ci, bin, int(rows.sum())))
    trends_ = pd.concat(trend, ignore_index=True)
    tested = trends_["p_value"].notna().to_numpy()
    if tested.any():
        trends_.loc[tested, "q_value"] = false_discovery_control(trends_.loc[tested, "p_value"].to_numpy())
    trends_["significant"] = (trends_["q_value"] < alpha).to_numpy()
    coverage = pd.DataFrame(cover, columns=["group", "n_docs", "n_undated", "n_no_words", "n_periods",
                                            "first_period", "last_period"])
    return {"prevalence_over_time": pd.concat(prev, ignore_index=True), "trends": trends_, "time_coverage": coverage}


def _trend_rows(group: str, st: dict[str, np.ndarray], mean: np.ndarray, ci: float, bin: str,
                n_docs: int) -> pd.DataFrame:
    """One row a topic: slope, interval (widened by the dispersion where above 1), p-value, direction."""
    disp, df, slope = st["dispersion"], np.maximum(st["df"], 1), st["slope"]
    # widened where periods move together beyond sampling noise, and judged on Student's t where
    # so few periods leave the dispersion itself uncertain (three periods: one residual df)
    wide = (np.isfinite(disp) & (disp > 1)) | (df < FEW_DF)
    se = st["se"] * np.sqrt(np.where(wide, np.fmax(disp, 1.0), 1.0))
    level = 1 - (1 - ci) / 2
    crit = np.where(wide, stats.t.ppf(level, df), stats.norm.ppf(level))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.abs(slope) / se
        p = np.where(wide, 2 * stats.t.sf(z, df), 2 * stats.norm.sf(z))
    p = np.where(np.isfinite(slope) & (slope == 0) & (se == 0), 1.0, p)  # no change and no noise: nothing to test
    lo, hi = slope - crit * se, slope + crit * se
    direction = np.select([lo > 0, hi < 0], ["rising", "falling"], "flat").astype(object)
    direction[~np.isfinite(slope)] = "undetermined"
    return pd.DataFrame({"group": group, "topic": np.arange(len(slope)), "mean": mean, "slope": slope, "ci_low": lo,
                         "ci_high": hi, "per": bin, "p_value": p, "q_value": np.nan, "significant": False,
                         "direction": direction, "dispersion": disp, "n_periods": len(st["n"]), "n_docs": n_docs})


def over_time_tables(
    frame: pd.DataFrame, time_col: str, *, by: str | None = None, bin: str = "year", weighted: bool = True,
    n_boot: int = 2000, ci: float = 0.95, seed: int = 0, alpha: float = 0.05,
) -> dict[str, pd.DataFrame]:
    """Prevalence over time, trends and time coverage from one set of resamples.

    ``frame``: one row a document with ``time_col``, ``topic_0`` … and (when ``weighted``)
    ``n_tokens``; ``by``: a grouping column (group ``"all"`` without one). Returns
    ``prevalence_over_time`` (see :func:`prevalence_over_time`), ``trends`` (see :func:`trends`) and
    ``time_coverage`` (``group, n_docs, n_undated, n_no_words, n_periods, first_period, last_period``:
    the documents used, and those left out for having no time or no words).

    Example:
        >>> f = pd.DataFrame({"date": ["2024-01-05", "2024-02-01", "", "2024-02-20"],
        ...                   "topic_0": [.2, .6, .5, .8], "topic_1": [.8, .4, .5, .2]})
        >>> t = over_time_tables(f, "date", bin="month", weighted=False, n_boot=100)
        >>> print(t["time_coverage"].to_string(index=False))
        group  n_docs  n_undated  n_no_words  n_periods first_period last_period
          all       3          1           0          2      2024-01     2024-02
    """
    return _compute(frame, time_col, by=by, bin=bin, weighted=weighted, n_boot=n_boot, ci=ci, seed=seed, alpha=alpha)


def prevalence_over_time(
    frame: pd.DataFrame, time_col: str, *, by: str | None = None, bin: str = "year", weighted: bool = True,
    n_boot: int = 2000, ci: float = 0.95, seed: int = 0,
) -> pd.DataFrame:
    """Mean topic share in each (group, period), with a bootstrap band over that period's documents.

    Returns ``group, period, topic, mean, ci_low, ci_high, n_docs``, periods in time order within
    each group (sorted). A period of one document has no band (NaN).

    Example:
        >>> f = pd.DataFrame({"year": [2020, 2020, 2021, 2021], "topic_0": [.2, .4, .6, .8],
        ...                   "topic_1": [.8, .6, .4, .2]})
        >>> p = prevalence_over_time(f, "year", weighted=False, n_boot=100)
        >>> p.query("topic == 0")[["period", "mean"]].round(2).values.tolist()
        [['2020', 0.3], ['2021', 0.7]]
    """
    return _compute(frame, time_col, by=by, bin=bin, weighted=weighted, n_boot=n_boot, ci=ci, seed=seed,
                    alpha=0.05)["prevalence_over_time"]


def trends(
    frame: pd.DataFrame, time_col: str, *, by: str | None = None, bin: str = "year", weighted: bool = True,
    n_boot: int = 2000, ci: float = 0.95, seed: int = 0, alpha: float = 0.05,
) -> pd.DataFrame:
    """Each topic's linear trend in each group, in share per period of ``bin`` (column ``per``).

    Returns ``group, topic, mean, slope, ci_low, ci_high, per, p_value, q_value, significant,
    direction, dispersion, n_periods, n_docs`` (see the module's notes for the interval and q-values).

    Example:
        >>> years = [y for y in range(2015, 2023) for _ in range(6)]
        >>> share = [0.1 + 0.05 * (y - 2015) + 0.01 * (i % 3 - 1) for i, y in enumerate(years)]
        >>> f = pd.DataFrame({"year": years, "topic_0": share, "topic_1": [1 - s for s in share]})
        >>> t = trends(f, "year", weighted=False, n_boot=200)
        >>> t[["topic", "direction"]].values.tolist(), round(float(t["slope"].iloc[0]), 3)
        ([[0, 'rising'], [1, 'falling']], 0.05)
    """
    return _compute(frame, time_col, by=by, bin=bin, weighted=weighted, n_boot=n_boot, ci=ci, seed=seed,
                    alpha=alpha)["trends"]
