"""Which region a document is about, inferred from a gazetteer of Chinese place names.

Regions are China's provincial-level divisions by short name (上海, 江苏, 浙江, ...) and a
few multi-province regions (长三角, 京津冀, 粤港澳大湾区, 成渝). The bundled gazetteer
(``topiclab/data/gazetteer.tsv``) maps full and short names of provinces, prefecture-level
cities, Shanghai's and Beijing's districts and well-known zones (张江, 临港, 虹桥, 苏州工业园区,
...) to their region; names that are also common words (大同, 中山, 安康, 朝阳, ...) are
matched only in their full form. Mentions are found longest first, so 浦东新区 is one mention.

Inference order, first that gives an answer wins; the evidence is recorded in
``region_source``:

1. ``mapping``: a per-document override file (``doc_id, region``);
2. ``metadata``: an explicit metadata column (``region`` by default);
3. ``title``: places named in the title (several: the one the text mentions most);
4. ``section``: places named in the section label;
5. ``text``: the region mentioned most in the text, if mentioned at least twice and
   strictly more than any other;
6. ``none``: no answer; ``region`` is left empty.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from topiclab.corpus.encoding import read_text
from topiclab.corpus.model import Corpus
from topiclab.errors import InputError

MIN_TEXT_MENTIONS = 2


def _trie_regex(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, longest first, compiled from a character trie.

    Python's ``re`` tries alternatives one by one; a trie shares prefixes, so matching 800
    place names costs about one pass over the text.
    """
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        end = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return f"(?:{body})?"
        return body

    return emit(trie)


@dataclass(frozen=True)
class Gazetteer:
    """Place names mapped to regions, with a fast longest-match finder.

    Example:
        >>> g = Gazetteer.default()
        >>> g.mentions("闵行区与张江、宁波和长三角")
        ['上海', '上海', '浙江', '长三角']
    """

    names: Mapping[str, str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pattern", re.compile(_trie_regex(self.names)))

    @classmethod
    def default(cls) -> Gazetteer:
        """The bundled gazetteer."""
        return _default_gazetteer()

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str]]) -> Gazetteer:
        """A gazetteer from ``(name, region)`` pairs."""
        return cls(dict(rows))

    def extended(self, extra: Mapping[str, str]) -> Gazetteer:
        """A copy with names added or re-mapped.

        Example:
            >>> Gazetteer.default().extended({"青浦": "长三角"}).mentions("青浦")
            ['长三角']
        """
        return Gazetteer({**self.names, **extra})

    @property
    def regions(self) -> list[str]:
        """Every region a name maps to, sorted."""
        return sorted(set(self.names.values()))

    def mentions(self, text: str) -> list[str]:
        """The region of every place mention in ``text``, in order of appearance."""
        pattern: re.Pattern[str] = self._pattern  # type: ignore[attr-defined]
        return [self.names[m.group(0)] for m in pattern.finditer(text)]


@cache
def _default_gazetteer() -> Gazetteer:
    raw = resources.files("topiclab").joinpath("data/gazetteer.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in raw.splitlines() if line and not line.startswith("#")]
    return Gazetteer.from_rows((name, region) for name, region, _kind in rows[1:])


def infer_region(
    *, title: str | None, section: str | None, text: str, gazetteer: Gazetteer | None = None
) -> tuple[str | None, str]:
    """Infer one document's region from its title, section and text: ``(region, source)``.

    Example:
        >>> infer_region(title="到武汉成都招商，上海能提供什么", section=None, text="上海……上海……武汉")
        ('上海', 'title')
        >>> infer_region(title="支持中小企业", section=None, text="上海市推出……上海")
        ('上海', 'text')
    """
    g = gazetteer or Gazetteer.default()
    counts = Counter(g.mentions(text))
    for source, field in (("title", title), ("section", section)):
        named = g.mentions(field or "")
        if named:
            # several places in a title: the one the article is about is the one it keeps naming
            order = {r: i for i, r in reversed(list(enumerate(named)))}
            return min(order, key=lambda r: (-counts[r], order[r])), source
    ranked = counts.most_common(2)
    if ranked and ranked[0][1] >= MIN_TEXT_MENTIONS and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0], "text"
    return None, "none"


def read_mapping(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Read a region mapping file (CSV or TSV with a header).

    Columns ``doc_id, region`` give per-document overrides; columns ``name, region`` add
    or re-map gazetteer names. Returns ``(by_doc_id, by_name)``.
    """
    text, _ = read_text(path)
    lines = text.split("\n")
    dialect = "excel-tab" if "\t" in lines[0] else "excel"
    rows = list(csv.DictReader(lines, dialect=dialect))
    header = {str(h) for h in (rows[0] if rows else {}) if h is not None}
    for lineno, row in enumerate(rows, 2):
        if None in row:  # csv puts the fields beyond the header under None
            raise InputError(f"{path}:{lineno}: more fields than the header's {len(header)}; quote fields that hold "
                             "a comma, or fix the row")
    if "region" not in header or not header & {"doc_id", "name"}:
        raise InputError(
            f"{path}: a region mapping needs a header with 'region' and 'doc_id' (per document) "
            f"or 'name' (place names); found {sorted(header)}"
        )
    by_doc: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for lineno, row in enumerate(rows, 2):
        region = (row.get("region") or "").strip()
        if not region:
            raise InputError(f"{path}:{lineno}: empty region")
        if (row.get("doc_id") or "").strip():
            by_doc[row["doc_id"].strip()] = region
        if (row.get("name") or "").strip():
            by_name[row["name"].strip()] = region
    return by_doc, by_name


def assign_regions(
    corpus: Corpus,
    *,
    column: str | None = None,
    mapping: Path | None = None,
    gazetteer: Gazetteer | None = None,
) -> Corpus:
    """Return the corpus with ``region`` and ``region_source`` columns filled in.

    ``column`` names an explicit metadata column to trust (default ``region`` when the
    corpus has one); ``mapping`` is a file read by :func:`read_mapping`.

    Example:
        >>> from topiclab.corpus.model import Document
        >>> c = Corpus.from_documents([Document("a", "宁波民营企业……宁波", {"title": "宁波企业"})])
        >>> assign_regions(c).column("region_source")
        ('title',)
    """
    by_doc: dict[str, str] = {}
    g = gazetteer or Gazetteer.default()
    if mapping is not None:
        by_doc, by_name = read_mapping(mapping)
        if by_name:
            g = g.extended(by_name)
    if column is not None and column not in corpus.meta_columns:
        raise InputError(f"region column {column!r} not found; the corpus has {list(corpus.meta_columns)}")
    explicit_name = column or ("region" if "region" in corpus.meta_columns else None)
    explicit = corpus.column(explicit_name) if explicit_name else (None,) * len(corpus)
    titles = _optional(corpus, "title")
    sections = _optional(corpus, "section")
    regions: list[str | None] = []
    sources: list[str] = []
    for i, (doc_id, text) in enumerate(zip(corpus.doc_ids, corpus.texts)):
        given = explicit[i]
        region: str | None
        if doc_id in by_doc:
            region, source = by_doc[doc_id], "mapping"
        elif given is not None and str(given).strip() and str(given) != "nan":
            region, source = str(given).strip(), "metadata"
        else:
            region, source = infer_region(title=titles[i], section=sections[i], text=text, gazetteer=g)
        regions.append(region)
        sources.append(source)
    return corpus.with_columns(region=regions, region_source=sources)


def _optional(corpus: Corpus, name: str) -> Sequence[str | None]:
    if name not in corpus.meta_columns:
        return (None,) * len(corpus)
    return tuple(None if v is None else str(v) for v in corpus.column(name))
