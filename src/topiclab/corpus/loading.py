"""Load a corpus: a source read into documents, with each document's region; the embedded seed."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from topiclab.corpus.model import Corpus
from topiclab.corpus.readers import read_source
from topiclab.corpus.regions import assign_regions

SEED_NAME = "000_d5b3804f19d0bc92.txt"


def seed_path() -> Path:
    """Path of the embedded seed corpus: one issue of 《长三角观察》 (2024-01), 23 articles.

    It ships inside the installed package; in a source checkout it is ``seeds/``.

    Example:
        >>> seed_path().name
        '000_d5b3804f19d0bc92.txt'
    """
    packaged = Path(str(resources.files("topiclab") / "_seeds" / SEED_NAME))
    if packaged.is_file():
        return packaged
    # an editable install imports from src/, where the wheel's _seeds folder does not exist
    return Path(__file__).resolve().parents[3] / "seeds" / SEED_NAME


def load_corpus(
    path: Path | str,
    *,
    format: str = "auto",
    text_col: str = "text",
    id_col: str | None = None,
    region_col: str | None = None,
    region_map: Path | str | None = None,
    regions: bool = True,
    sep: str | None = None,
    on_error: str = "stop",
) -> Corpus:
    """Read a source and infer each document's region (see :mod:`topiclab.corpus.regions`).

    ``regions=False`` skips region inference (for steps that do not use it, e.g. tokenising).
    ``sep`` and ``on_error``: see :func:`read_source`.

    Example:
        >>> corpus = load_corpus(seed_path())
        >>> corpus.get(corpus.doc_ids[21]).meta["region"]
        '浙江'
    """
    corpus = read_source(Path(path), format=format, text_col=text_col, id_col=id_col, sep=sep, on_error=on_error)
    if not regions:
        return corpus
    return assign_regions(corpus, column=region_col, mapping=Path(region_map) if region_map else None)


def load_seed() -> Corpus:
    """The embedded seed corpus, split into articles, with regions.

    Example:
        >>> load_seed()[0].meta["section"]
        '综合观察'
    """
    return load_corpus(seed_path())
