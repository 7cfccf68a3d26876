"""Read sources into a :class:`Corpus`: newsletter issues, plain text, folders, tables.

Formats, chosen from the path unless ``format`` says otherwise:

==============  ===========================================================================
``newsletter``  a ``.txt`` newsletter issue with a table of contents, split into articles
``text``        a ``.txt`` file as one document
``dir``         a folder of ``.txt`` files, one document a file, the file stem as ``doc_id``
``csv/tsv``     a table; ``text_col`` holds the texts, ``id_col`` the ids (else a ``doc_id``
                column, else row numbers)
``jsonl``       a table, one JSON object a line; or a corpus written by :func:`write_jsonl`
``parquet``     a table (needs ``pyarrow``: ``pip install 'topiclab[parquet]'``)
==============  ===========================================================================

A ``.txt`` file is read as a newsletter when a table of contents is found, else as one text.
Documents whose text is empty are dropped and counted in ``corpus.sources``.

``on_error="stop"`` (the default) refuses the whole source at the first file of a folder that
cannot be decoded, or the first malformed row of a table; ``"skip"`` leaves it out and lists it
in ``SourceInfo.skipped``. A table whose delimiter is not the expected one (a semicolon CSV, a
TSV named ``.csv``) is refused with the delimiter it seems to use; ``sep`` chooses one.
"""

from __future__ import annotations

import io
import json
import math
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topiclab.corpus.encoding import decode_text, detect_encoding, read_bytes, read_text
from topiclab.corpus.model import Corpus, Document, SourceInfo
from topiclab.corpus.newsletter import parse_newsletter
from topiclab.errors import ConfigError, InputError
from topiclab.names import FORMATS, ON_ERROR

if TYPE_CHECKING:  # pandas is imported where a table is read: JSONL and text need none of it
    import pandas as pd

_SUFFIX_FORMAT = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl",
                  ".parquet": "parquet", ".pq": "parquet", ".txt": "auto-text", ".md": "auto-text"}
CORPUS_KEYS = frozenset({"doc_id", "text", "meta"})


def read_source(
    path: Path, *, format: str = "auto", text_col: str = "text", id_col: str | None = None,
    sep: str | None = None, on_error: str = "stop",
) -> Corpus:
    """Read one source into a corpus, without region inference (see :func:`load_corpus`).

    Example:
        >>> from topiclab.corpus import seed_path
        >>> read_source(seed_path()).sources[0].format
        'newsletter'
    """
    path = Path(path)
    if format not in FORMATS:
        raise ConfigError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    if on_error not in ON_ERROR:
        raise ConfigError(f"on_error must be one of {', '.join(ON_ERROR)}, got {on_error!r}")
    if sep is not None and (len(sep) != 1 or sep in '"\r\n'):
        raise ConfigError(f"sep must be one character such as ',', ';', '|' or a tab, got {sep!r}")
    if not path.exists():
        raise InputError(f"{path}: no such file or folder; check the path")
    fmt = format
    if fmt == "auto":
        fmt = "dir" if path.is_dir() else _SUFFIX_FORMAT.get(path.suffix.lower(), "")
        if not fmt:
            raise InputError(
                f"{path}: cannot tell the format from the suffix {path.suffix!r}; "
                f"use --format ({', '.join(FORMATS[1:])})"
            )
    if fmt == "dir":
        return _read_dir(path, on_error)
    if fmt in ("auto-text", "newsletter", "text"):
        return _read_txt(path, fmt)
    if fmt == "parquet":
        return _from_table(_read_parquet(path), path, "parquet", None, text_col, id_col)
    data = read_bytes(path)
    encoding = detect_encoding(data, name=str(path))
    if fmt == "jsonl":
        text = data.decode(encoding)
        del data  # not held while the text is parsed: a gigabyte less for a gigabyte of corpus
        return _read_jsonl(text, path, encoding, text_col, id_col, on_error)
    if fmt not in ("csv", "tsv"):
        raise ConfigError(f"format {fmt!r} does not apply to the file {path}; choose one of {', '.join(FORMATS)}")
    return _read_delimited(data, path, fmt, encoding, sep or ("\t" if fmt == "tsv" else ","), text_col, id_col,
                           on_error)


_DELIMITERS = (",", "\t", ";", "|")


def _named(sep: str) -> str:
    return "a tab" if sep == "\t" else repr(sep)


def _sep_hint(header: str, sep: str) -> str:
    """'; the header seems separated by ';': add --sep ';'' when another delimiter fits the header better."""
    counts = {d: header.count(d) for d in _DELIMITERS if d != sep}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] > header.count(sep):
        flag = "--sep tab" if best == "\t" else f"--sep '{best}'"
        return f"; the header seems separated by {_named(best)}, not {_named(sep)}: add {flag}"
    return ""


def _read_delimited(
    data: bytes, path: Path, fmt: str, encoding: str, sep: str, text_col: str, id_col: str | None, on_error: str
) -> Corpus:
    import pandas as pd

    header = data.decode(encoding, errors="replace").lstrip("\ufeff").split("\n", 1)[0]
    skipped: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = pd.read_csv(io.BytesIO(data), sep=sep, encoding=encoding, dtype={text_col: str},
                                on_bad_lines="warn" if on_error == "skip" else "error")
        for w in caught:
            if issubclass(w.category, pd.errors.ParserWarning):
                skipped.extend(f"{path.name}: {line.strip()}" for line in str(w.message).splitlines()
                               if line.strip())
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: no columns in the table; the first line must be a header") from None
    except (pd.errors.ParserError, ValueError) as exc:
        first = str(exc).splitlines()[0].replace("Error tokenizing data. C error: ", "")
        hint = _sep_hint(header, sep) or "; fix the row, or add --on-error skip to skip malformed rows"
        raise InputError(f"{path}: not a readable {fmt.upper()} table ({first}){hint}") from None
    columns = [str(c) for c in frame.columns]
    if text_col not in columns and len(columns) == 1:
        hint = _sep_hint(header, sep)
        if hint:
            raise InputError(f"{path}: read as one column {columns[0]!r}{hint}")
    return _from_table(frame, path, fmt, encoding, text_col, id_col, skipped=tuple(skipped))


def _read_txt(path: Path, fmt: str) -> Corpus:
    text, encoding = read_text(path)
    if fmt in ("auto-text", "newsletter"):
        try:
            issue = parse_newsletter(text, name=str(path))
        except InputError:
            if fmt == "newsletter":
                raise
        else:
            if len(issue.articles) >= 2 or fmt == "newsletter":
                return _newsletter_corpus(issue, path, encoding)
    source = SourceInfo(str(path), "text", encoding, 1, 0)
    return Corpus([path.stem], [text], {"source_file": [path.name], "encoding": [encoding]}, sources=[source])


def _newsletter_corpus(issue: Any, path: Path, encoding: str) -> Corpus:
    width = max(2, len(str(len(issue.articles))))
    docs = []
    for a in issue.articles:
        meta = {"title": a.title, "section": a.section, "authors": a.authors,
                "credit_note": a.credit_note, "position": a.position,
                "source_file": path.name, "encoding": encoding}
        docs.append(Document(f"{path.stem}-{a.position:0{width}d}", a.text, meta))
    n = len(docs)
    return Corpus.from_documents(docs, sources=[SourceInfo(str(path), "newsletter", encoding, n, 0)])


def _read_dir(path: Path, on_error: str = "stop") -> Corpus:
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
    if not files:
        raise InputError(f"{path}: the folder has no .txt files; put one document in each .txt file")
    ids, texts, names, encodings = [], [], [], []
    dropped = 0
    skipped: list[str] = []
    for f in files:
        try:
            data = f.read_bytes()
        except OSError as exc:
            if on_error == "stop":
                raise InputError(f"{f}: cannot be read ({exc.strerror}); fix it, or add --on-error skip to skip "
                                 "unreadable files") from None
            skipped.append(f"{f.name}: cannot be read ({exc.strerror})")
            continue
        if not data.strip():
            dropped += 1
            continue
        try:
            text, encoding = decode_text(data, name=str(f))
        except InputError as exc:
            if on_error == "stop":
                raise InputError(f"{exc}, or add --on-error skip to skip such files") from None
            skipped.append(f"{f.name}: {str(exc).removeprefix(str(f) + ': ').split(';')[0]}")
            continue
        if not text.strip():
            dropped += 1
            continue
        ids.append(f.stem)
        texts.append(text)
        names.append(f.name)
        encodings.append(encoding)
    if not ids:
        what = "were skipped or are empty" if skipped else "are empty"
        raise InputError(f"{path}: all {len(files)} .txt files {what}; give a folder with text in its .txt files")
    found = sorted(set(encodings))
    source = SourceInfo(str(path), "dir", found[0] if len(found) == 1 else "mixed: " + ", ".join(found),
                        len(files), dropped, tuple(skipped))
    return Corpus(ids, texts, {"source_file": names, "encoding": encodings}, sources=[source])


def _read_parquet(path: Path) -> pd.DataFrame:
    read_bytes(path)
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise InputError(f"{path}: reading Parquet needs pyarrow; pip install 'topiclab[parquet]'") from None
    import pandas as pd

    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        raise InputError(f"{path}: not a readable Parquet file ({type(exc).__name__})") from None


def _read_jsonl(
    text: str, path: Path, encoding: str, text_col: str, id_col: str | None, on_error: str = "stop"
) -> Corpus:
    skipped: list[str] = []
    records: list[Any] = []
    try:  # blocks of lines parsed at C speed (no copy of the whole file); line by line only to report what is wrong
        for block in _line_blocks(text):
            records.extend(json.loads("[" + ",".join(block) + "]"))
        if not all(isinstance(r, dict) for r in records):
            raise ValueError
    except (ValueError, RecursionError):
        records, skipped = _jsonl_records(text, path, on_error)
    if not records:
        raise InputError(f"{path}: no JSON object in the file; give one JSON object a line")
    if all(set(r) >= CORPUS_KEYS and isinstance(r["meta"], dict) for r in records):
        return _corpus_records(records, path, encoding, tuple(skipped))
    keys = dict.fromkeys(str(k) for r in records for k in r)
    columns = {k: [r.get(k) for r in records] for k in keys}
    return _from_columns(columns, len(records), path, "jsonl", encoding, text_col, id_col, tuple(skipped))


def _line_blocks(text: str, size: int = 10_000) -> Iterator[list[str]]:
    """The non-blank lines of ``text``, ``size`` at a time, cut at \\n only (str.splitlines would
    also cut at U+2028 and other separators inside a text); never all lines at once."""
    block: list[str] = []
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end]
        if line.strip():
            block.append(line)
            if len(block) == size:
                yield block
                block = []
        start = end + 1
    if block:
        yield block


def _jsonl_records(text: str, path: Path, on_error: str) -> tuple[list[dict], list[str]]:
    records, skipped = [], []
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            why = f"not valid JSON ({getattr(exc, 'msg', 'nested too deeply')})"
        else:
            if isinstance(obj, dict):
                records.append(obj)
                continue
            why = f"expected a JSON object, found {type(obj).__name__}"
        if on_error == "stop":
            raise InputError(f"{path}:{lineno}: {why}; one JSON object a line (or add --on-error skip "
                             "to skip bad lines)")
        skipped.append(f"{path.name}:{lineno}: {why}")
    return records, skipped


def _corpus_records(records: list[dict], path: Path, encoding: str, skipped: tuple[str, ...] = ()) -> Corpus:
    docs = [Document(str(r["doc_id"]), str(r["text"] or ""), r["meta"]) for r in records]
    kept = [d for d in docs if d.text.strip()]
    if not kept:
        raise InputError(f"{path}: all {len(docs)} documents have empty text")
    _check_unique((d.doc_id for d in kept), path, "doc_id")
    info = SourceInfo(str(path), "corpus-jsonl", encoding, len(docs), len(docs) - len(kept), skipped)
    return Corpus.from_documents(kept, sources=[info])


def _from_table(
    frame: pd.DataFrame, path: Path, fmt: str, encoding: str | None, text_col: str, id_col: str | None,
    skipped: tuple[str, ...] = (),
) -> Corpus:
    columns = {str(c): _py_values(frame[c]) for c in frame.columns}
    return _from_columns(columns, len(frame), path, fmt, encoding, text_col, id_col, skipped)


def _from_columns(
    columns: dict[str, list[Any]], n_read: int, path: Path, fmt: str, encoding: str | None, text_col: str,
    id_col: str | None, skipped: tuple[str, ...] = (), *, row_ids: list[str] | None = None,
    flags: tuple[str, str] = ("--text-col", "--id-col"),
) -> Corpus:
    """A corpus from equal-length columns (missing values as None): texts, ids, metadata.

    Ids come from ``id_col``, else a column named ``doc_id`` (the name topiclab's own tables give
    them), else ``row_ids`` (a DataFrame's index), else row numbers.
    """
    columns = {c.lstrip("\ufeff").strip(): v for c, v in columns.items()}
    cols = list(columns)
    given_id_col = id_col
    if id_col is None and "doc_id" in columns and text_col != "doc_id":
        id_col = "doc_id"
    if text_col not in columns:
        raise InputError(f"{path}: no text column {text_col!r}; columns are {cols}; choose one with {flags[0]}")
    if id_col is not None and id_col not in columns:
        raise InputError(f"{path}: no id column {id_col!r}; columns are {cols}; choose one with {flags[1]}")
    texts = columns[text_col]
    keep = [i for i, t in enumerate(texts) if t is not None and str(t).strip()]
    if not keep:
        if n_read == 0:
            raise InputError(f"{path}: the table has a header but no rows; give a table with texts in it")
        raise InputError(f"{path}: all {n_read} texts in column {text_col!r} are empty")
    if id_col:
        all_ids = [str(v) for v in columns[id_col]]
    else:
        all_ids = row_ids if row_ids is not None else [str(i) for i in range(n_read)]
    ids = [all_ids[i] for i in keep]
    if id_col == "doc_id" and given_id_col is None:
        blank = next((n for n, i in enumerate(keep) if _missing(columns["doc_id"][i])), None)
        if blank is not None:
            raise InputError(f"{path}: the column doc_id is read as the ids and row {keep[blank] + 1} has none; "
                             f"fill it, rename the column, or name another id column with {flags[1]}")
        try:
            _check_unique(ids, path, "doc_id")
        except InputError as exc:
            raise InputError(f"{exc}; the column doc_id is read as the ids: rename it, or name another id column "
                             f"with {flags[1]}") from None
    _check_unique(ids, path, id_col or ("index label" if row_ids is not None else "row number"))
    meta = {c: [v[i] for i in keep] for c, v in columns.items() if c not in (text_col, id_col)}
    info = SourceInfo(str(path), fmt, encoding, n_read, n_read - len(keep), skipped)
    return Corpus(ids, [str(texts[i]) for i in keep], meta, sources=[info])


def corpus_from_data(data: Any, *, text_col: str = "text", id_col: str | None = None) -> Corpus:
    """A corpus from data in memory: a DataFrame, a Series or a list of texts.

    A DataFrame's ``text_col`` holds the texts and every other column is metadata; ids come from
    ``id_col`` or, without one, from the index (as text). A Series's index gives the ids; a list's
    ids are the positions ``"0"``, ``"1"``, .... Empty texts are dropped and counted, as from a file.

    Example:
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"body": ["上海张江", ""], "year": [2023, 2024]}, index=["a", "b"])
        >>> c = corpus_from_data(frame, text_col="body")
        >>> c.doc_ids, c.column("year"), c.sources[0].n_empty_dropped
        (('a',), (2023,), 1)
    """
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        columns = {str(c): _py_values(data[c]) for c in data.columns}
        ids = None if id_col else [str(v) for v in data.index]
        return _from_columns(columns, len(data), Path("<DataFrame>"), "frame", None, text_col, id_col, row_ids=ids,
                             flags=("text_col=", "id_col="))
    if isinstance(data, pd.Series):
        return _from_columns({"text": _py_values(data)}, len(data), Path("<Series>"), "series", None, "text", None,
                             row_ids=[str(v) for v in data.index])
    if isinstance(data, list | tuple):
        bad = next((i for i, t in enumerate(data) if not isinstance(t, str)), None)
        if bad is not None:
            raise InputError(f"item {bad} of the list is {data[bad]!r}, not a text; give strings (use '' for none)")
        return _from_columns({"text": list(data)}, len(data), Path("<list>"), "list", None, "text", None)
    raise InputError(f"cannot read a {type(data).__name__} as a corpus; give a DataFrame, a Series, a list of "
                     "texts, a path or a Corpus")


def _py_values(series: pd.Series) -> list[Any]:
    import pandas as pd

    values = series.astype(object).tolist()
    return [None if (isinstance(v, float) and math.isnan(v)) or v is pd.NA else v for v in values]


def _missing(value: Any) -> bool:
    """An empty cell: None, NaN or blank text."""
    return value is None or (isinstance(value, float) and value != value) or not str(value).strip()


def _check_unique(ids: Iterable[str], path: Path, what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise InputError(f"{path}: {what} value {i!r} occurs more than once; ids must be unique")
        seen.add(i)
