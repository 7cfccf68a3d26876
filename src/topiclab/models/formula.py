"""Covariate formulas of the kind R's ``stm`` takes: ``~ region + s(year) + share``.

A formula is a sum of terms over metadata columns:

* a column of text (or ``factor(x)`` / ``C(x)`` for a numeric one) is categorical: one 0/1
  column a level, the first level in sorted order (or the one given as ``reference``) left out;
* a numeric column enters as it is (a linear term);
* ``s(x)`` or ``s(x, df=5)`` is a smooth: a cubic B-spline basis of ``x`` with ``df`` columns
  (stm's default ``min(10, distinct values - 1)``), built by :func:`topica.s`, the same basis as
  R's ``stm::s``.

:func:`parse_formula` reads the text into :class:`Term` values; :func:`design_matrix` turns a
metadata table into the numeric design (no intercept column: the models add their own) and
records, in the returned :class:`Design`, the levels and spline knots, so that the same design
can be built for new rows (:meth:`Design.rows`) when effects are predicted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from topiclab.errors import ConfigError

_TERM = re.compile(r"^(?:(?P<fn>s|factor|C)\(\s*(?P<arg>[^,()]+?)\s*(?:,\s*df\s*=\s*(?P<df>\d+)\s*)?\)"
                   r"|(?P<col>[^()+~]+))$")


@dataclass(frozen=True)
class Term:
    """One term of a formula: a column and how it enters (``categorical``, ``linear`` or ``smooth``)."""

    column: str
    kind: str = "auto"
    df: int | None = None


def parse_formula(text: str) -> tuple[Term, ...]:
    """The terms of a formula such as ``"~ region + s(year)"``.

    Example:
        >>> parse_formula("~ region + s(year, df=4) + factor(grade)")
        (Term(column='region', kind='auto', df=None), Term(column='year', kind='smooth', df=4), \
Term(column='grade', kind='categorical', df=None))
    """
    body = text.strip()
    if not body.startswith("~"):
        raise ConfigError(f"prevalence formula {text!r} must start with '~', e.g. \"~ region + s(year)\"")
    parts = [p.strip() for p in body[1:].split("+")]
    if not any(parts):
        raise ConfigError(f"prevalence formula {text!r} names no covariate; e.g. \"~ region + s(year)\"")
    terms: list[Term] = []
    for part in parts:
        m = _TERM.match(part)
        if any(op in part for op in ("*", ":", "^", "|")):
            raise ConfigError(f"prevalence formula {text!r}: {part!r} is an interaction, which is not supported; "
                              "give main effects joined by +, e.g. \"~ region + year\"")
        if not part or m is None:
            raise ConfigError(f"prevalence formula {text!r}: cannot read the term {part!r}; terms are a column, "
                              "s(column), s(column, df=N) or factor(column), joined by +")
        if m["fn"] == "s":
            df = int(m["df"]) if m["df"] else None
            if df is not None and df < 1:
                raise ConfigError(f"prevalence formula {text!r}: s({m['arg']}, df={df}) needs df >= 1")
            term = Term(m["arg"].strip(), "smooth", df)
        elif m["fn"]:
            term = Term(m["arg"].strip(), "categorical")
        else:
            term = Term(m["col"].strip())
        if any(t.column == term.column for t in terms):
            raise ConfigError(f"prevalence formula {text!r} names {term.column!r} twice; give each column once")
        terms.append(term)
    return tuple(terms)


@dataclass(frozen=True)
class Design:
    """A design matrix built from a formula, with what is needed to build it again for new rows.

    ``matrix``: rows x columns (no intercept); ``columns``: their names (``region=上海``,
    ``year``, ``s(year)1`` …); ``terms``: the formula's terms with their kind settled;
    ``levels``: each categorical column's levels (the first is the reference); ``knots``: each
    smooth's ``(df, interior knots, boundary knots)``; ``means``: each column's mean, where other
    covariates are held when one is varied.
    """

    matrix: np.ndarray
    columns: tuple[str, ...]
    terms: tuple[Term, ...]
    levels: dict[str, tuple[str, ...]]
    knots: dict[str, tuple[int, tuple[float, ...], tuple[float, float]]]
    means: dict[str, float]

    def term_columns(self, column: str) -> list[int]:
        """Indices of the design columns one metadata column produced."""
        prefix = (f"{column}=", f"s({column})")
        return [i for i, c in enumerate(self.columns) if c == column or c.startswith(prefix)]

    def rows(self, values: pd.DataFrame) -> np.ndarray:
        """The design of new rows: the formula's columns of ``values`` (others at their means).

        Example:
            >>> meta = pd.DataFrame({"region": ["上海", "江苏", "浙江", "上海"], "year": [2019, 2020, 2021, 2022]})
            >>> d = design_matrix("~ region + year", meta)
            >>> d.columns, d.rows(pd.DataFrame({"region": ["江苏"], "year": [2030]})).tolist()
            (('region=江苏', 'region=浙江', 'year'), [[1.0, 0.0, 2030.0]])
        """
        out = np.tile(np.array([self.means[c] for c in self.columns]), (len(values), 1))
        for term in self.terms:
            if term.column not in values.columns:
                continue
            idx = self.term_columns(term.column)
            out[:, idx] = _term_block(term, values[term.column], self.levels.get(term.column),
                                      self.knots.get(term.column))[0]
        return out


def design_matrix(formula: str, meta: pd.DataFrame, *, reference: dict[str, str] | None = None) -> Design:
    """The design of ``formula`` over the metadata table ``meta`` (one row a document or unit).

    ``reference``: the level left out of a categorical column (default: the first in sorted order).

    Example:
        >>> meta = pd.DataFrame({"region": ["上海", "江苏", "上海", "浙江"], "year": [2019, 2020, 2021, 2022]})
        >>> d = design_matrix("~ region + year", meta, reference={"region": "江苏"})
        >>> d.columns, d.matrix[:, 0].tolist()
        (('region=上海', 'region=浙江', 'year'), [1.0, 0.0, 1.0, 0.0])
    """
    terms = parse_formula(formula)
    blocks, names, settled = [], [], []
    levels: dict[str, tuple[str, ...]] = {}
    knots: dict[str, tuple[int, tuple[float, ...], tuple[float, float]]] = {}
    for term in terms:
        if term.column not in meta.columns:
            shown = [c for c in meta.columns if not str(c).startswith("topic_")]
            raise ConfigError(f"prevalence formula {formula!r}: no metadata column {term.column!r}; columns are "
                              f"{shown}")
        col = meta[term.column]
        if col.isna().any():
            raise ConfigError(f"prevalence formula: column {term.column!r} is empty for {int(col.isna().sum())} "
                              "documents; fill it in or leave the column out of the formula")
        kind = term.kind
        if kind == "auto":
            kind = "linear" if _numeric(col) else "categorical"
        if kind in ("linear", "smooth") and not _numeric(col):
            raise ConfigError(f"prevalence formula: s({term.column}) needs a numeric column; {term.column!r} holds "
                              f"text such as {str(col.iloc[0])!r}")
        term = Term(term.column, kind, term.df)
        if kind == "smooth":
            distinct = int(col.nunique())
            if distinct < 3:
                raise ConfigError(f"prevalence formula: s({term.column}) needs at least three distinct values; "
                                  f"{term.column!r} has {distinct}: give it as a linear term, {term.column}")
            if term.df is not None and term.df >= distinct:
                raise ConfigError(f"prevalence formula: s({term.column}, df={term.df}) has more columns than "
                                  f"{term.column!r} has distinct values ({distinct}); give df={distinct - 1} or less")
        if kind == "categorical":
            found = sorted({str(v) for v in col})
            ref = (reference or {}).get(term.column, found[0])
            if ref not in found:
                raise ConfigError(f"reference {ref!r} is not a value of {term.column!r}; values: {', '.join(found)}")
            if len(found) < 2:
                raise ConfigError(f"prevalence formula: column {term.column!r} has one value only ({found[0]!r}); "
                                  "leave it out of the formula")
            levels[term.column] = (ref, *(v for v in found if v != ref))
        block, cols, spline = _term_block(term, col, levels.get(term.column), None)
        if spline is not None:
            knots[term.column] = spline
        blocks.append(block)
        names.extend(cols)
        settled.append(term)
    matrix = np.column_stack(blocks).astype(float)
    return Design(matrix, tuple(names), tuple(settled), levels, knots,
                  {c: float(v) for c, v in zip(names, matrix.mean(axis=0))})


def _numeric(col: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col))


def _term_block(term: Term, col: pd.Series, levels: tuple[str, ...] | None,
                spline: tuple[int, tuple[float, ...], tuple[float, float]] | None) -> tuple[np.ndarray, list[str], Any]:
    """A term's design columns, their names and (for a smooth) its ``(df, knots, boundary)``."""
    if term.kind == "categorical":
        assert levels is not None
        values = col.astype(str).to_numpy()
        unknown = sorted(set(values) - set(levels))
        if unknown:
            raise ConfigError(f"{term.column!r} value {unknown[0]!r} was not in the fit; known: {', '.join(levels)}")
        return (np.column_stack([(values == lv).astype(float) for lv in levels[1:]]),
                [f"{term.column}={lv}" for lv in levels[1:]], None)
    x = col.to_numpy(dtype=float)
    if term.kind == "linear":
        return x[:, None], [term.column], None
    from topica.design import bs, s  # R's bs() and stm's s(), column for column

    if spline is None:
        basis, _ = s(x, term.df, name=term.column)
        df = np.asarray(basis).shape[1]
        knots, boundary = _knots(x, df)
        spline = (df, knots, boundary)
    df, knots, boundary = spline
    basis, _ = bs(x, knots=list(knots), boundary_knots=list(boundary), degree=3)
    basis = np.asarray(basis, dtype=float)
    return basis, [f"s({term.column}){i + 1}" for i in range(basis.shape[1])], spline


def _knots(x: np.ndarray, df: int) -> tuple[tuple[float, ...], tuple[float, float]]:
    """Interior knots at the quantiles of ``x`` (as R's ``bs``), for a cubic basis of ``df`` columns."""
    n_inner = max(df - 3, 0)
    inner = np.quantile(x, np.linspace(0, 1, n_inner + 2)[1:-1]) if n_inner else np.array([])
    return tuple(float(v) for v in inner), (float(x.min()), float(x.max()))
