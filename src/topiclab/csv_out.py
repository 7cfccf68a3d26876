"""Tables written as CSV with six decimals, fast and byte for byte as ``to_csv(float_format="%.6f")``.

pandas formats each float with a Python ``%`` call: at a million documents of 50 topic
proportions that is 50 million calls, a minute and a half of a fit. Proportions lie in [0, 1], so
here they are rounded to millionths in numpy and their eight characters built as bytes; a value
whose rounding the product ``x * 1e6`` cannot settle (its fraction within 1e-6 of one half, where
the exact binary value decides), any value outside [0, 1], and NaN go through ``%`` as before.
Rows are written in blocks, so the text of the whole table is never held at once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ROWS = 20_000  # rows a block: a block's text is at most a few tens of MB at 50 topics
_DIGITS = np.array([10**i for i in range(5, -1, -1)], dtype=np.int64)


def _fixed6_bytes(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each value's eight characters (uint8, one row a value) and where they are not right (to be
    redone with ``%``)."""
    with np.errstate(invalid="ignore", over="ignore"):  # huge values and NaN go through % below
        scaled = x * 1e6
        fast = (x >= 0) & (x <= 1) & ~np.signbit(x) & (np.abs(scaled - np.floor(scaled) - 0.5) > 1e-6)
    micro = np.rint(np.where(fast, scaled, 0)).astype(np.int64)
    chars = np.empty((x.size, 8), dtype=np.uint8)
    chars[:, 0] = 48 + micro // 1_000_000
    chars[:, 1] = ord(".")
    chars[:, 2:] = 48 + (micro[:, None] // _DIGITS) % 10
    return chars, ~fast


def _percent(value: float) -> str:
    return "" if np.isnan(value) else f"{value:.6f}"  # as pandas' float_format="%.6f" writes it


def fixed6(values: np.ndarray) -> np.ndarray:
    """Each value as ``"%.6f" % value`` would write it (NaN as the empty string, as pandas does).

    Example:
        >>> fixed6(np.array([0.25, 1.0, 0.1234565, -0.0, 2.5, np.nan])).tolist()  # 0.1234565 is 0.12345649999…
        ['0.250000', '1.000000', '0.123456', '-0.000000', '2.500000', '']
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    chars, slow = _fixed6_bytes(x)
    out = chars.view("S8").ravel().astype("U8").astype(object)
    for i in np.flatnonzero(slow):
        out[i] = _percent(x[i])
    return out.reshape(np.shape(values))


def _rows(block: np.ndarray) -> list[str]:
    """Each row of a float block as its values in six decimals joined by commas."""
    n, m = block.shape
    if m == 0:
        return [""] * n
    chars, slow = _fixed6_bytes(block.ravel())
    line = np.full((n, m, 9), ord(","), dtype=np.uint8)
    line[:, :, :8] = chars.reshape(n, m, 8)
    rows = line.reshape(n, m * 9)[:, :-1].copy().view(f"S{m * 9 - 1}").ravel().astype(f"U{m * 9 - 1}").tolist()
    for r in np.unique(np.flatnonzero(slow) // m):
        rows[r] = ",".join(_percent(v) for v in block[r])
    return rows


def write_fixed6_csv(frame: pd.DataFrame, path: Path | str) -> None:
    """``frame.to_csv(path, index=False, float_format="%.6f", lineterminator="\\n")``, the same bytes.

    The float columns at the end of the table (topic proportions) are formatted in numpy a block
    of ``ROWS`` rows at a time; the columns before them are written by pandas, with a marker where
    each row's numbers go. A table whose text holds the marker is written by pandas alone.

    Example:
        >>> import tempfile
        >>> out = Path(tempfile.mkdtemp()) / "t.csv"
        >>> write_fixed6_csv(pd.DataFrame({"id": ["a", "b"], "p": [0.5, 1 / 3]}), out)
        >>> out.read_text()
        'id,p\\na,0.500000\\nb,0.333333\\n'
    """
    columns = list(frame.columns)
    tail = len(columns)
    while tail > 0 and pd.api.types.is_float_dtype(frame.iloc[:, tail - 1]):
        tail -= 1
    head = frame.iloc[:, :tail]
    text_columns = [c for c in range(tail) if not pd.api.types.is_numeric_dtype(head.iloc[:, c])]
    marked = any(head.iloc[:, c].astype(str).str.contains(_MARK, regex=False).any() for c in text_columns) or \
        any(_MARK in str(c) for c in columns)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        if tail == len(columns) or marked or len(frame) == 0:
            frame.to_csv(fh, index=False, float_format="%.6f", lineterminator="\n")
            return
        fh.write(frame.iloc[:0].to_csv(index=False, lineterminator="\n"))
        for start in range(0, len(frame), ROWS):
            block = frame.iloc[start:start + ROWS]
            numbers = _rows(block.iloc[:, tail:].to_numpy(dtype=np.float64))
            if tail:
                text = block.iloc[:, :tail].assign(**{_MARK: _MARK}).to_csv(index=False, header=False,
                                                                          float_format="%.6f", lineterminator="\n")
                fronts = text.split(_MARK + "\n")[:-1]
            else:
                fronts = [""] * len(block)
            fh.write("".join(f"{f}{n}\n" for f, n in zip(fronts, numbers)))


_MARK = "\x01"
