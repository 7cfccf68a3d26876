"""Errors that topiclab reports to users.

Every failure caused by the user's input or settings is a :class:`TopiclabError`
whose message is one line naming what was wrong and what to do. The CLI prints
it and exits with status 2; library users can catch it. Both kinds are also ``ValueError``s,
as scikit-learn's ``InvalidParameterError`` is, so code that catches bad values keeps working.
"""

from __future__ import annotations


class TopiclabError(Exception):
    """Base class for errors caused by input or settings, not by a bug.

    Example:
        >>> try:
        ...     raise InputError("corpus.csv: no column 'text'; use --text-col")
        ... except TopiclabError as err:
        ...     print(err)
        corpus.csv: no column 'text'; use --text-col
    """


class InputError(TopiclabError, ValueError):
    """A source file is missing, unreadable or malformed."""


class ConfigError(TopiclabError, ValueError):
    """A setting or option has a value that is not allowed.

    Example:
        >>> isinstance(ConfigError("k must be >= 2"), ValueError)
        True
    """
