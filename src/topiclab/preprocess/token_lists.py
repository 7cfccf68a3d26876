"""Token lists held compactly: one table of distinct terms and one array of term ids.

A corpus of a million documents has tens of millions of tokens. As tuples of Python strings each
token costs a pointer and, unless shared, a string object of 60-80 bytes; here it costs 4 bytes
(an ``int32`` id), and the distinct terms are stored once. :class:`TokenLists` behaves as the
tuple of tuples it replaces (indexing, iteration, ``len``, equality, ``repr``), and the counting
code (vocabulary, count matrix, coherence windows) reads its arrays directly.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

import numpy as np

_CHUNK = 1 << 20  # tokens turned back into strings at a time when iterating


class _Ids(dict):  # type: ignore[type-arg,unused-ignore]
    """term -> id, a new term taking the next id; ``map(ids.__getitem__, …)`` runs at C speed."""

    def __missing__(self, term: str) -> int:
        value = self[term] = len(self)
        return value


class TokenListsBuilder:
    """Collects token lists one at a time into a :class:`TokenLists`.

    Example:
        >>> b = TokenListsBuilder()
        >>> b.add(["上海", "江苏"]); b.add(["上海"])
        >>> b.build()
        (('上海', '江苏'), ('上海',))
    """

    def __init__(self) -> None:
        self._index = _Ids()
        self._ids = array("i")
        self._ends = array("q")

    def add(self, tokens: Iterable[str]) -> None:
        """Append one token list."""
        self._ids.extend(map(self._index.__getitem__, tokens))
        self._ends.append(len(self._ids))

    def build(self) -> TokenLists:
        """The lists added so far."""
        offsets = np.zeros(len(self._ends) + 1, dtype=np.int64)
        offsets[1:] = np.frombuffer(self._ends, dtype=np.int64) if len(self._ends) else []
        return TokenLists(tuple(self._index), np.frombuffer(self._ids, dtype=np.int32).copy(), offsets)


class TokenLists(Sequence[tuple[str, ...]]):
    """A sequence of token tuples stored as ``terms`` (distinct, first-seen order), ``ids``
    (``int32``, every token's index into ``terms``) and ``offsets`` (list ``i`` is
    ``ids[offsets[i]:offsets[i + 1]]``).

    Example:
        >>> t = TokenLists.of([["上海", "创新"], [], ["创新"]])
        >>> len(t), t[0], t[-1], t.terms, t.lengths().tolist()
        (3, ('上海', '创新'), ('创新',), ('上海', '创新'), [2, 0, 1])
        >>> t == (("上海", "创新"), (), ("创新",))
        True
    """

    __slots__ = ("ids", "offsets", "terms")

    def __init__(self, terms: Sequence[str], ids: np.ndarray, offsets: np.ndarray) -> None:
        self.terms = tuple(terms)
        self.ids = np.asarray(ids, dtype=np.int32)
        self.offsets = np.asarray(offsets, dtype=np.int64)
        if self.offsets.ndim != 1 or self.offsets.size < 1 or self.offsets[0] != 0 \
                or self.offsets[-1] != self.ids.size:
            raise ValueError("offsets must start at 0 and end at the number of ids")

    @classmethod
    def of(cls, lists: Iterable[Iterable[str]]) -> TokenLists:
        """Token lists from any iterable of iterables of strings (a ``TokenLists`` is returned as is)."""
        if isinstance(lists, TokenLists):
            return lists
        builder = TokenListsBuilder()
        for tokens in lists:
            builder.add(tokens)
        return builder.build()

    def __len__(self) -> int:
        return self.offsets.size - 1

    @overload
    def __getitem__(self, i: int) -> tuple[str, ...]: ...

    @overload
    def __getitem__(self, i: slice) -> TokenLists: ...

    def __getitem__(self, i: int | slice) -> tuple[str, ...] | TokenLists:
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if step != 1:
                return TokenLists.of(self[j] for j in range(start, stop, step))
            stop = max(start, stop)
            lo, hi = int(self.offsets[start]), int(self.offsets[stop])
            return TokenLists(self.terms, self.ids[lo:hi], self.offsets[start : stop + 1] - lo)
        n = len(self)
        if not -n <= i < n:
            raise IndexError("token list index out of range")
        i %= n
        return tuple(map(self.terms.__getitem__, self.ids[self.offsets[i] : self.offsets[i + 1]].tolist()))

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        terms, offsets = self.terms, self.offsets.tolist()
        # the lists of a block are turned into strings together
        for first, end in self.blocks(_CHUNK):
            base = offsets[first]
            words = list(map(terms.__getitem__, self.ids[base : offsets[end]].tolist()))
            for r in range(first, end):
                yield tuple(words[offsets[r] - base : offsets[r + 1] - base])

    def lengths(self) -> np.ndarray:
        """Each list's number of tokens (``int64``)."""
        return np.diff(self.offsets)

    @property
    def n_tokens(self) -> int:
        """Tokens over all lists."""
        return int(self.ids.size)

    def blocks(self, tokens: int = 4 * _CHUNK) -> Iterator[tuple[int, int]]:
        """``(first, end)`` ranges of whole lists holding about ``tokens`` tokens each (at least one
        list): counting a block at a time keeps temporary arrays bounded.

        Example:
            >>> list(TokenLists.of([["a"] * 3, ["b"], ["c"] * 5]).blocks(4))
            [(0, 2), (2, 3)]
        """
        row, n = 0, len(self)
        while row < n:
            end = int(np.searchsorted(self.offsets, self.offsets[row] + tokens, side="right")) - 1
            end = min(n, max(end, row + 1))
            yield row, end
            row = end

    def cells(self, columns: np.ndarray, n_columns: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Count each list's tokens by ``columns[term id]`` (``-1``: not counted), a block of lists at a
        time: ``(rows, cols, counts)`` of each block's non-zero cells (int64), ordered by row, then column.

        Example:
            >>> t = TokenLists.of([["b", "a", "b"], ["c"]])
            >>> [[x.tolist() for x in block] for block in t.cells(np.array([1, 0, -1]), 2)]
            [[[0, 0], [0, 1], [1, 2]]]
        """
        for first, end in self.blocks():
            lo, hi = self.offsets[first], self.offsets[end]
            col = columns[self.ids[lo:hi]].astype(np.int64)
            row = np.repeat(np.arange(first, end, dtype=np.int64), np.diff(self.offsets[first : end + 1]))
            keep = col >= 0
            cells, n = np.unique(row[keep] * n_columns + col[keep], return_counts=True)
            yield cells // n_columns, cells % n_columns, n

    def list_frequencies(self, columns: np.ndarray, n_columns: int) -> np.ndarray:
        """In how many lists each column occurs (``columns`` as in :meth:`cells`), counted a block at
        a time: no array of every cell.

        Example:
            >>> TokenLists.of([["b", "a", "b"], ["b"]]).list_frequencies(np.array([0, 1]), 2).tolist()  # b, a
            [2, 1]
        """
        out = np.zeros(n_columns, dtype=np.int64)
        for _, cols, _ in self.cells(columns, n_columns):
            out += np.bincount(cols, minlength=n_columns)
        return out

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TokenLists):
            if len(self) != len(other) or not np.array_equal(self.offsets, other.offsets):
                return False
            return bool(np.array_equal(np.asarray(self.terms, dtype=object)[self.ids],
                                       np.asarray(other.terms, dtype=object)[other.ids]))
        if isinstance(other, (tuple, list)):
            return len(other) == len(self) and all(tuple(a) == b for a, b in zip(other, self))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable arrays inside: not hashable, as a list

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (TokenLists, (self.terms, self.ids, self.offsets))
