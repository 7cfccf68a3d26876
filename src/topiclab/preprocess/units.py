"""Units of text: token lists by document, paragraph or chunk, each tied to its document.

:func:`make_units` cuts the filtered paragraphs of each document into the configured units;
units left with no tokens are dropped and listed.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from topiclab.preprocess.config import PreprocessConfig
from topiclab.preprocess.phrases import Phrase
from topiclab.preprocess.token_lists import TokenLists, TokenListsBuilder

REASONS = ("punctuation", "non_han", "stopword", "boilerplate", "user_stopword", "too_short", "pos")


@dataclass(frozen=True)
class Units:
    """Preprocessed text: token lists by unit, each unit tied to its document.

    ``removed`` counts dropped tokens by reason; ``empty_units`` lists units whose tokens were
    all filtered out (they are not in ``unit_ids``). ``page_removed`` counts the boilerplate
    lines removed before segmentation by reason, and ``page_lines`` lists them as ``(reason, text,
    documents)`` (see :mod:`topiclab.preprocess.page_boilerplate`). ``tokens`` is held as
    :class:`~topiclab.preprocess.token_lists.TokenLists` (any sequence of token sequences given is
    converted): a tuple of tuples of words to read, four bytes a token in memory.
    """

    unit_ids: tuple[str, ...]
    doc_ids: tuple[str, ...]
    tokens: TokenLists
    removed: dict[str, int]
    empty_units: tuple[str, ...]
    phrases: tuple[Phrase, ...]
    config: PreprocessConfig
    n_documents: int = 0
    page_removed: dict[str, int] = field(default_factory=dict)
    page_lines: tuple[tuple[str, str, int], ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.tokens, TokenLists):
            object.__setattr__(self, "tokens", TokenLists.of(self.tokens))

    def __len__(self) -> int:
        return len(self.unit_ids)

    @property
    def n_tokens(self) -> int:
        """Tokens kept, over all units."""
        return self.tokens.n_tokens

    def report(self) -> str:
        """A short human-readable account of what was kept and removed.

        Example:
            >>> from topiclab.corpus import Corpus
            >>> from topiclab.preprocess import preprocess
            >>> print(preprocess(Corpus(["a"], ["长三角一体化发展。"]), PreprocessConfig()).report().splitlines()[0])
            units: 1 (document) from 1 document
        """
        docs = "1 document" if self.n_documents == 1 else f"{self.n_documents} documents"
        lines = [f"units: {len(self)} ({self.config.unit}) from {docs}"]
        if self.page_removed:
            lines.append("boilerplate lines removed: " + ", ".join(f"{r} {n:,}" for r, n in self.page_removed.items())
                         + f" ({len(self.page_lines):,} distinct)")
        lines += [
            f"tokens kept: {self.n_tokens:,}",
            "removed: " + ", ".join(f"{r} {self.removed.get(r, 0):,}" for r in REASONS),
        ]
        if self.empty_units:
            shown = ", ".join(self.empty_units[:5]) + (" ..." if len(self.empty_units) > 5 else "")
            lines.append(f"empty units dropped (all tokens filtered out): {len(self.empty_units)} ({shown})")
        if self.phrases:
            top = ", ".join(p.text for p in self.phrases[:12])
            lines.append(f"phrases: {len(self.phrases)} ({top}{' ...' if len(self.phrases) > 12 else ''})")
        return "\n".join(lines)


def make_units(
    doc_ids: Sequence[str],
    paras_per_doc: Sequence[int],
    kept_paras: Iterable[list[str]],
    config: PreprocessConfig,
    removed: Counter[str],
    phrases: list[Phrase],
) -> Units:
    """Cut each document's kept paragraphs (``paras_per_doc`` of them, in order) into units.

    ``kept_paras`` is read once, in order: a generator keeps only one document's paragraphs as
    lists at a time.

    Example:
        >>> every = PreprocessConfig(unit="paragraph", min_unit_tokens=1)
        >>> u = make_units(["a"], [2], [["上海"], ["江苏"]], every, Counter(), [])
        >>> u.unit_ids, u.tokens
        (('a#p0', 'a#p1'), (('上海',), ('江苏',)))
        >>> make_units(["a"], [2], [["上海"], ["江苏"]], PreprocessConfig(unit="paragraph"), Counter(), []).tokens
        (('上海', '江苏'),)
    """
    unit_ids: list[str] = []
    parents: list[str] = []
    tokens = TokenListsBuilder()
    empty: list[str] = []

    def emit(uid: str, doc_id: str, toks: list[str]) -> None:
        if toks:
            unit_ids.append(uid)
            parents.append(doc_id)
            tokens.add(toks)
        else:
            empty.append(uid)

    source = iter(kept_paras)
    least = config.min_unit_tokens
    for doc_id, n_paras in zip(doc_ids, paras_per_doc):
        paras = list(itertools.islice(source, n_paras))
        if config.unit == "paragraph":
            empty.extend(f"{doc_id}#p{j}" for j, toks in enumerate(paras) if not toks)
            for j, toks in joined_paragraphs(paras, least):
                emit(f"{doc_id}#p{j}", doc_id, toks)
        elif config.unit == "chunk":
            flat = [w for p in paras for w in p]
            chunks = [flat[i : i + config.chunk_size] for i in range(0, len(flat), config.chunk_size)] or [[]]
            if len(chunks) > 1 and len(chunks[-1]) < least:
                chunks[-2:] = [chunks[-2] + chunks[-1]]
            for j, toks in enumerate(chunks):
                emit(f"{doc_id}#c{j}", doc_id, toks)
        else:
            emit(doc_id, doc_id, [w for p in paras for w in p])
    return Units(
        tuple(unit_ids), tuple(parents), tokens.build(), dict(sorted(removed.items())), tuple(empty),
        tuple(phrases), config, n_documents=len(doc_ids),
    )


def joined_paragraphs(paras: Sequence[list[str]], least: int) -> list[tuple[int, list[str]]]:
    """Paragraphs of one document joined so that each unit has at least ``least`` tokens.

    A short paragraph (a heading, a one-line paragraph) joins the paragraphs after it until the
    unit is long enough; a short rest at the end joins the unit before it. Each unit is numbered
    by its first paragraph; paragraphs with no tokens start nothing.

    Example:
        >>> joined_paragraphs([["标题"], ["上海", "江苏", "浙江"], [], ["安徽"]], 3)
        [(0, ['标题', '上海', '江苏', '浙江', '安徽'])]
        >>> joined_paragraphs([["上海"], ["江苏"]], 1)
        [(0, ['上海']), (1, ['江苏'])]
    """
    out: list[tuple[int, list[str]]] = []
    start = -1
    current: list[str] = []
    for j, toks in enumerate(paras):
        if not toks:
            continue
        if start < 0:
            start, current = j, []
        current = current + toks
        if len(current) >= least:
            out.append((start, current))
            start = -1
    if start >= 0:
        if out:
            out[-1] = (out[-1][0], out[-1][1] + current)
        else:
            out.append((start, current))
    return out
