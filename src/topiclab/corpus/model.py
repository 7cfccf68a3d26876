"""The corpus: immutable documents with metadata, stored column by column.

A :class:`Corpus` keeps ids, texts and metadata columns in plain tuples, so a
100k-row table costs little more than its strings; :class:`Document` records are
made on access. Texts are kept exactly as decoded (normalisation belongs to
preprocessing); paragraphs are separated by a blank line (``"\\n\\n"``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    import pandas as pd

PARAGRAPH_SEP = "\n\n"
_BLANK_LINE = re.compile(r"\n[ \t\u3000]*\n")
_SPACE = " \n\r\u3000"


@dataclass(frozen=True)
class Document:
    """One text with its id and metadata; immutable.

    Example:
        >>> doc = Document("a1", "第一段。\\n\\n第二段。", {"region": "上海"})
        >>> doc.paragraphs()
        ['第一段。', '第二段。']
        >>> doc.meta["region"]
        '上海'
    """

    doc_id: str
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A read-only view of a private copy: callers cannot mutate a document.
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    def paragraphs(self) -> list[str]:
        """The text split at blank lines, each paragraph stripped, empty ones dropped.

        A text with no blank line but several lines is split at line breaks, which is
        how most plain-text exports mark paragraphs.

        Example:
            >>> Document("x", "甲\\n乙").paragraphs()
            ['甲', '乙']
        """
        return split_paragraphs(self.text)


def split_paragraphs(text: str) -> list[str]:
    """Split a text into paragraphs: at blank lines, else at single line breaks.

    Example:
        >>> split_paragraphs("一。\\n\\n二。\\n续。")
        ['一。', '二。\\n续。']
    """
    parts = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    # tabs are kept: a leading tab is an empty first cell of a table row
    return [q for p in parts if (q := p.strip(_SPACE))]


@dataclass(frozen=True)
class SourceInfo:
    """Where a corpus came from: the file, its format and detected encoding, and what was dropped."""

    path: str
    format: str
    encoding: str | None
    n_read: int
    n_empty_dropped: int
    skipped: tuple[str, ...] = ()  # "name: why" for each file or row skipped with on_error="skip"


class Corpus(Sequence[Document]):
    """An immutable sequence of documents whose metadata is available as a DataFrame.

    Build one with :func:`topiclab.load_corpus` or :meth:`Corpus.from_documents`.

    Example:
        >>> c = Corpus.from_documents([Document("a", "长三角", {"region": "长三角"})])
        >>> len(c), c[0].doc_id, list(c.metadata().columns)
        (1, 'a', ['region'])
    """

    __slots__ = ("_columns", "_ids", "_index", "_texts", "sources")

    def __init__(
        self,
        doc_ids: Iterable[str],
        texts: Iterable[str],
        meta: Mapping[str, Sequence[Any]] | None = None,
        *,
        sources: Sequence[SourceInfo] = (),
    ) -> None:
        self._ids: tuple[str, ...] = tuple(doc_ids)
        self._texts: tuple[str, ...] = tuple(texts)
        if len(self._ids) != len(self._texts):
            raise ValueError(f"{len(self._ids)} ids but {len(self._texts)} texts")
        self._columns: dict[str, tuple[Any, ...]] = {}
        for name, values in (meta or {}).items():
            column = tuple(values)
            if len(column) != len(self._ids):
                raise ValueError(f"metadata column {name!r} has {len(column)} values for {len(self._ids)} documents")
            self._columns[str(name)] = column
        self._index: dict[str, int] | None = None
        self.sources: tuple[SourceInfo, ...] = tuple(sources)

    @classmethod
    def from_documents(cls, documents: Iterable[Document], *, sources: Sequence[SourceInfo] = ()) -> Corpus:
        """Build a corpus from documents; a key missing from some documents becomes ``None`` there.

        Example:
            >>> Corpus.from_documents([Document("a", "x", {"k": 1}), Document("b", "y")]).column("k")
            (1, None)
        """
        docs = list(documents)
        names: dict[str, None] = {}
        for doc in docs:
            names.update(dict.fromkeys(doc.meta))
        meta = {name: [doc.meta.get(name) for doc in docs] for name in names}
        return cls((d.doc_id for d in docs), (d.text for d in docs), meta, sources=sources)

    @overload
    def __getitem__(self, i: int) -> Document: ...
    @overload
    def __getitem__(self, i: slice) -> Corpus: ...
    def __getitem__(self, i: int | slice) -> Document | Corpus:
        if isinstance(i, slice):
            return Corpus(
                self._ids[i], self._texts[i], {k: v[i] for k, v in self._columns.items()}, sources=self.sources
            )
        meta = {k: v[i] for k, v in self._columns.items() if v[i] is not None}
        return Document(self._ids[i], self._texts[i], meta)

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[Document]:
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        return f"Corpus({len(self)} documents, metadata {list(self._columns)})"

    @property
    def doc_ids(self) -> tuple[str, ...]:
        """The document ids, in corpus order."""
        return self._ids

    @property
    def texts(self) -> tuple[str, ...]:
        """The texts, in corpus order, exactly as decoded."""
        return self._texts

    @property
    def meta_columns(self) -> tuple[str, ...]:
        """The names of the metadata columns."""
        return tuple(self._columns)

    def column(self, name: str) -> tuple[Any, ...]:
        """One metadata column's values, in corpus order (``None`` where missing)."""
        try:
            return self._columns[name]
        except KeyError:
            raise KeyError(f"no metadata column {name!r}; the corpus has {list(self._columns)}") from None

    def get(self, doc_id: str) -> Document:
        """The document with this id.

        Example:
            >>> Corpus(["a"], ["文本"]).get("a").text
            '文本'
        """
        if self._index is None:
            self._index = {d: i for i, d in enumerate(self._ids)}
        return self[self._index[doc_id]]

    def metadata(self) -> pd.DataFrame:
        """Metadata as a DataFrame indexed by ``doc_id`` (one row a document, one column a key).

        Example:
            >>> Corpus(["a", "b"], ["x", "y"], {"region": ["上海", "浙江"]}).metadata()["region"].tolist()
            ['上海', '浙江']
        """
        import pandas as pd  # on demand: reading and tokenising a corpus need no DataFrame

        frame = pd.DataFrame({k: list(v) for k, v in self._columns.items()}, index=list(self._ids))
        frame.index.name = "doc_id"
        return frame

    def with_columns(self, **columns: Sequence[Any]) -> Corpus:
        """A new corpus with metadata columns added or replaced; this one is unchanged.

        Example:
            >>> Corpus(["a"], ["x"]).with_columns(region=["上海"]).column("region")
            ('上海',)
        """
        meta: dict[str, Sequence[Any]] = dict(self._columns)
        meta.update(columns)
        return Corpus(self._ids, self._texts, meta, sources=self.sources)

    def n_chars(self) -> int:
        """Total characters over all texts."""
        return sum(len(t) for t in self._texts)
