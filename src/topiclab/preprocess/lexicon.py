"""Dictionaries and word lists: the bundled ones and users' own, read strictly.

* **Policy dictionary** (``topiclab/data/policy_dict.tsv``): 382 terms of Chinese policy and
  economics writing (长三角一体化, 专精特新, 营商环境, 一网通办, 科技成果转化, ...) that jieba's
  default dictionary splits; see ``scripts/build_policy_dict.py`` for the groups and the check.
* **User dictionaries** in jieba's format, one entry a line: ``word [freq] [tag]``.
* **Stopwords**: stopwords-iso's Chinese list (794 entries, MIT licence, through the
  ``stopwordsiso`` package), plus topiclab's policy-boilerplate list
  (``topiclab/data/boilerplate_zh.txt``: 推动, 加强, 进一步, ...), plus users' lists (one word a
  line, ``#`` starts a comment).

A malformed line is an error naming the file and line, never skipped silently.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from topiclab.corpus.encoding import read_text
from topiclab.errors import InputError

# jieba's part-of-speech tags (ICTCLAS-style): those of its dictionary, those its HMM can
# give an unknown word (bg en in jn ln qe qg w yg), and eng for Latin words.
TAGS = frozenset(
    """a ad ag an b bg c d df dg e en eng f g h i in j jn k l ln m mg mq n ng nr nrfg nrt ns nt nz o p q qe qg
    r rg rr rz s t tg u ud ug uj ul uv uz v vd vg vi vn vq w x y yg z zg""".split()
)
DEFAULT_USER_TAG = "nz"
_ENTRY = re.compile(r"^(?P<word>\S+)(?:\s+(?P<freq>\d+))?(?:\s+(?P<tag>[a-z]+))?$")


@dataclass(frozen=True)
class DictEntry:
    """A dictionary word with its frequency (``None``: let the segmenter suggest one) and tag."""

    word: str
    freq: int | None
    tag: str


def read_user_dict(path: Path | str) -> list[DictEntry]:
    """Read a jieba-format user dictionary: ``word [freq] [tag]`` a line.

    A word without a tag gets ``nz`` (jieba would give ``x``, which every part-of-speech
    filter drops: a term a user adds should survive filtering).

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "user.txt"
        >>> _ = p.write_text("数字孪生 5 n\\n新质生产力\\n", encoding="utf-8")
        >>> read_user_dict(p)
        [DictEntry(word='数字孪生', freq=5, tag='n'), DictEntry(word='新质生产力', freq=None, tag='nz')]
    """
    path = Path(path)
    entries = []
    for lineno, line in numbered_lines(path):
        m = _ENTRY.match(line)
        if not m:
            raise InputError(f"{path}:{lineno}: malformed dictionary line {line!r}; expected 'word [freq] [tag]'")
        tag = m.group("tag") or DEFAULT_USER_TAG
        if tag not in TAGS:
            raise InputError(
                f"{path}:{lineno}: unknown part-of-speech tag {tag!r}; valid tags: {' '.join(sorted(TAGS))}"
            )
        freq = int(m.group("freq")) if m.group("freq") else None
        entries.append(DictEntry(m.group("word"), freq, tag))
    return entries


@cache
def policy_dictionary() -> tuple[DictEntry, ...]:
    """The bundled policy-term dictionary.

    Example:
        >>> "专精特新" in {e.word for e in policy_dictionary()}
        True
    """
    raw = resources.files("topiclab").joinpath("data/policy_dict.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in raw.splitlines() if line and not line.startswith("#")]
    return tuple(DictEntry(word, None, tag) for word, tag, _group in rows[1:])


def numbered_lines(path: Path) -> list[tuple[int, str]]:
    """``(line number, line)`` for each line of a text file with something on it, stripped;
    lines starting with ``#`` are comments and left out.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "list.txt"
        >>> _ = p.write_text("# mine\\n\\n 研究 \\n", encoding="utf-8")
        >>> numbered_lines(p)
        [(3, '研究')]
    """
    text, _ = read_text(path)
    lines = ((n, line.strip()) for n, line in enumerate(text.split("\n"), 1))
    return [(n, line) for n, line in lines if line and not line.startswith("#")]


def read_wordlist(path: Path | str) -> frozenset[str]:
    """Read a stopword list: one word a line, ``#`` comments and blank lines ignored.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "stop.txt"
        >>> _ = p.write_text("# mine\\n研究\\n表明\\n", encoding="utf-8")
        >>> sorted(read_wordlist(p))
        ['研究', '表明']
    """
    path = Path(path)
    text, _ = read_text(path)
    return _parse_wordlist(text, str(path))


def _parse_wordlist(text: str, name: str) -> frozenset[str]:
    words = set()
    for lineno, line in enumerate(text.split("\n"), 1):
        word = line.split("#", 1)[0].strip()
        if not word:
            continue
        if any(ch.isspace() for ch in word):
            raise InputError(f"{name}:{lineno}: {word!r} is more than one word; put one word a line")
        words.add(word)
    return frozenset(words)


@cache
def standard_stopwords() -> frozenset[str]:
    """stopwords-iso's Chinese list (function words and punctuation)."""
    import stopwordsiso

    return frozenset(stopwordsiso.stopwords("zh"))


@cache
def boilerplate_stopwords() -> frozenset[str]:
    """topiclab's policy-boilerplate list (推动, 加强, 进一步, 坚持, 着力, ...).

    Example:
        >>> {"推动", "加强", "进一步"} <= boilerplate_stopwords()
        True
    """
    raw = resources.files("topiclab").joinpath("data/boilerplate_zh.txt").read_text(encoding="utf-8")
    return _parse_wordlist(raw, "boilerplate_zh.txt")


def file_digest(path: Path | str) -> str:
    """SHA-256 of a file's bytes: part of every cache key that the file's content can change."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
