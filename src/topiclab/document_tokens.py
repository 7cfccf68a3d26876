"""Each document's tokens, read like a dict of lists but held as the units' token arrays.

A fit's result offers every document's tokens (comparisons count the words of groups of
documents). As a dict of lists of strings that is about 8 bytes a token plus a list a document
(a gigabyte at a million documents) built whether or not anyone reads it; here a document's
list is made when it is asked for, from 4-byte term ids.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from topiclab.preprocess.token_lists import TokenLists


class DocumentTokens(Mapping[str, list[str]]):
    """Documents' tokens (their units' joined in order), documents in first-seen order.

    Example:
        >>> tokens = DocumentTokens(["a", "b", "a"], TokenLists.of([["上海"], ["宁波"], ["张江"]]))
        >>> dict(tokens), tokens.lengths(["b", "a", "x"]).tolist()
        ({'a': ['上海', '张江'], 'b': ['宁波']}, [1, 2, 0])
    """

    def __init__(self, doc_ids: Sequence[str], tokens: TokenLists) -> None:
        codes: dict[str, int] = {}
        unit_doc = np.fromiter((codes.setdefault(d, len(codes)) for d in doc_ids), dtype=np.int64, count=len(doc_ids))
        if unit_doc.size and np.any(np.diff(unit_doc) < 0):  # a document's units apart: put them together
            order = np.argsort(unit_doc, kind="stable")
            offsets = tokens.offsets
            ids = np.concatenate([tokens.ids[offsets[u]:offsets[u + 1]] for u in order.tolist()] or [tokens.ids[:0]])
            tokens = TokenLists(tokens.terms, ids, np.concatenate([[0], np.cumsum(tokens.lengths()[order])]))
            unit_doc = unit_doc[order]
        starts = np.flatnonzero(np.r_[True, unit_doc[1:] != unit_doc[:-1]]) if unit_doc.size else unit_doc
        self._row = codes
        self._docs = TokenLists(tokens.terms, tokens.ids, tokens.offsets[[*starts.tolist(), len(unit_doc)]])

    @property
    def lists(self) -> TokenLists:
        """The documents' token lists, in the order of iteration."""
        return self._docs

    def __getitem__(self, doc_id: str) -> list[str]:
        return list(self._docs[self._row[doc_id]])

    def __iter__(self) -> Iterator[str]:
        return iter(self._row)

    def __len__(self) -> int:
        return len(self._row)

    def lengths(self, doc_ids: Sequence[str]) -> np.ndarray:
        """The number of tokens of each of ``doc_ids`` (0 for a document with none or unknown)."""
        n = self._docs.lengths()
        return np.array([n[self._row[d]] if d in self._row else 0 for d in doc_ids], dtype=np.int64)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuilt, (list(self._row), self._docs))


def _rebuilt(doc_ids: list[str], docs: TokenLists) -> DocumentTokens:
    return DocumentTokens(doc_ids, docs)
