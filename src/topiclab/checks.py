"""Checks of single settings, shared by every command and function so that each rule is stated once.

A rule broken raises :class:`~topiclab.errors.ConfigError` with one line that names the setting,
the value given and what is allowed. The library checks; the CLI only maps options onto it.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from topiclab.errors import ConfigError

SEED_LIMIT = 2**32  # what NumPy, scikit-learn and tomotopy all accept as a seed: 0 <= seed < 2**32


def check_seed(value: Any, name: str = "seed") -> int:
    """``value`` as a seed, a whole number with ``0 <= seed < 2**32``.

    Example:
        >>> check_seed(3)
        3
        >>> check_seed(-1)
        Traceback (most recent call last):
        topiclab.errors.ConfigError: seed must be a whole number from 0 to 4294967295, got -1
    """
    return check_int(value, name, minimum=0, maximum=SEED_LIMIT - 1)


def check_int(value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an ``int`` within ``[minimum, maximum]`` (either bound may be open).

    Example:
        >>> check_int(5, "k", minimum=2)
        5
        >>> check_int(1.5, "k", minimum=2)
        Traceback (most recent call last):
        topiclab.errors.ConfigError: k must be a whole number >= 2, got 1.5
    """
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if ok and (minimum is None or value >= minimum) and (maximum is None or value <= maximum):
        return int(value)
    raise ConfigError(f"{name} must be {_allowed(True, minimum, maximum)}, got {value!r}")


def check_number(
    value: Any, name: str, *, low: float | None = None, high: float | None = None, open_low: bool = False,
    open_high: bool = False,
) -> float:
    """``value`` as a finite ``float`` within the bounds (closed unless ``open_low``/``open_high``).

    Example:
        >>> check_number(0.95, "ci", low=0, high=1, open_low=True, open_high=True)
        0.95
        >>> check_number(1.5, "ci", low=0, high=1, open_low=True, open_high=True)
        Traceback (most recent call last):
        topiclab.errors.ConfigError: ci must be a number in (0, 1), got 1.5
    """
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if ok and not (low is not None and (value < low or (open_low and value == low))) and not (
        high is not None and (value > high or (open_high and value == high))
    ):
        return float(value)
    raise ConfigError(f"{name} must be {_allowed(False, low, high, open_low, open_high)}, got {value!r}")


def _allowed(whole: bool, low: float | None, high: float | None, open_low: bool = False,
             open_high: bool = False) -> str:
    """What the bounds allow, in words: "a whole number from 1 to 256", "a number in (0, 1]" …"""
    noun = "a whole number" if whole else "a number"
    low, high = (v if v is None or not whole else int(v) for v in (low, high))  # 4294967295, not 4.29497e+09
    if low is not None and high is not None:
        if whole:
            return f"{noun} from {low} to {high}"
        return f"{noun} in {'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}"
    if low is not None:
        return f"{noun} {'>' if open_low else '>='} {low if whole else f'{low:g}'}"
    if high is not None:
        return f"{noun} {'<' if open_high else '<='} {high if whole else f'{high:g}'}"
    return noun if whole else "a finite number"


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of ``choices``.

    Example:
        >>> check_choice("csv", "format", ("csv", "tsv"))
        'csv'
        >>> check_choice("xls", "format", ("csv", "tsv"))
        Traceback (most recent call last):
        topiclab.errors.ConfigError: format must be one of csv, tsv, got 'xls'
    """
    if isinstance(value, str) and value in choices:
        return value
    raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
