"""Units of text: token lists by document, paragraph or chunk, each tied to its document.

:func:`make_units` cuts the filtered paragraphs of each document into the configured units;
units left with no tokens are dropped and listed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from topiclab.preprocess.config import PreprocessConfig
from topiclab.preprocess.phrases import Phrase

REASONS = ("punctuation", "non_han", "stopword", "boilerplate", "user_stopword", "too_short", "pos")


@dataclass(frozen=True)
class Units:
    """Preprocessed text: token lists by unit, each unit tied to its document.

    ``removed`` counts dropped tokens by reason; ``empty_units`` lists units whose tokens were
    all filtered out (they are not in ``unit_ids``).
    """

    unit_ids: tuple[str, ...]
    doc_ids: tuple[str, ...]
    tokens: tuple[tuple[str, ...], ...]
    removed: dict[str, int]
    empty_units: tuple[str, ...]
    phrases: tuple[Phrase, ...]
    config: PreprocessConfig
    n_documents: int = 0

    def __len__(self) -> int:
        return len(self.unit_ids)

    @property
    def n_tokens(self) -> int:
        """Tokens kept, over all units."""
        return sum(len(t) for t in self.tokens)

    def report(self) -> str:
        """A short human-readable account of what was kept and removed.

        Example:
            >>> from topiclab.corpus import Corpus
            >>> from topiclab.preprocess import preprocess
            >>> print(preprocess(Corpus(["a"], ["长三角一体化发展。"]), PreprocessConfig()).report().splitlines()[0])
            units: 1 (document) from 1 document
        """
        docs = "1 document" if self.n_documents == 1 else f"{self.n_documents} documents"
        lines = [
            f"units: {len(self)} ({self.config.unit}) from {docs}",
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
    kept_paras: list[list[str]],
    config: PreprocessConfig,
    removed: Counter[str],
    phrases: list[Phrase],
) -> Units:
    """Cut each document's kept paragraphs (``paras_per_doc`` of them, in order) into units.

    Example:
        >>> u = make_units(["a"], [2], [["上海"], ["江苏"]], PreprocessConfig(unit="paragraph"), Counter(), [])
        >>> u.unit_ids, u.tokens
        (('a#p0', 'a#p1'), (('上海',), ('江苏',)))
    """
    unit_ids: list[str] = []
    parents: list[str] = []
    tokens: list[tuple[str, ...]] = []
    empty: list[str] = []

    def emit(uid: str, doc_id: str, toks: list[str]) -> None:
        if toks:
            unit_ids.append(uid)
            parents.append(doc_id)
            tokens.append(tuple(toks))
        else:
            empty.append(uid)

    pos = 0
    for doc_id, n_paras in zip(doc_ids, paras_per_doc):
        paras = kept_paras[pos : pos + n_paras]
        pos += n_paras
        if config.unit == "paragraph":
            for j, toks in enumerate(paras):
                emit(f"{doc_id}#p{j}", doc_id, toks)
        elif config.unit == "chunk":
            flat = [w for p in paras for w in p]
            chunks = [flat[i : i + config.chunk_size] for i in range(0, len(flat), config.chunk_size)] or [[]]
            for j, toks in enumerate(chunks):
                emit(f"{doc_id}#c{j}", doc_id, toks)
        else:
            emit(doc_id, doc_id, [w for p in paras for w in p])
    return Units(
        tuple(unit_ids), tuple(parents), tuple(tokens), dict(sorted(removed.items())), tuple(empty),
        tuple(phrases), config, n_documents=len(doc_ids),
    )
