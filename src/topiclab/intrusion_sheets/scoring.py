"""Scoring filled-in intrusion sheets against their key: model precision, log odds, agreement."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from topiclab._io import atomic_dir
from topiclab.errors import InputError
from topiclab.intrusion_sheets.sheets import KEY_FILE, TASKS, csv_text, sheet_code
from topiclab.validation import agreement, score_items

SCORES_KIND = "report"  # scores are a report on the coders' sheets


def read_key(path: Path | str) -> pd.DataFrame:
    """The answer key in ``path`` (a key folder, or its ``answer_key.csv``).

    Example:
        >>> read_key("no/such-key")
        Traceback (most recent call last):
        topiclab.errors.InputError: no/such-key: no such answer key; give the OUT-key folder topiclab intrusion wrote
    """
    path = Path(path)
    file = path / KEY_FILE if path.is_dir() else path
    if not file.is_file():
        raise InputError(f"{path}: no such answer key; give the OUT-key folder topiclab intrusion wrote")
    try:
        key = pd.read_csv(file, dtype={"task": str, "item": str, "shown": str}, keep_default_na=False)
        key["intruder"] = key["intruder"].astype(str).map({"True": True, "False": False})
        key = key.astype({"topic": int, "option": int, "weight": float})
        if key.empty or key["intruder"].isna().any() or not set(key["task"]) <= set(TASKS):
            raise ValueError("unexpected values")
    except (ValueError, KeyError, pd.errors.ParserError, UnicodeDecodeError):
        raise InputError(f"{file}: not an answer key topiclab intrusion wrote (or it was edited); write the "
                         "sheets again") from None
    return key


def _read_sheet(path: Path) -> pd.DataFrame:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on a Chinese system saves CSV as GB 18030 (GBK)
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError(f"{path}: not a readable CSV ({str(exc).splitlines()[0]}); save the sheet as CSV") \
                from None
    raise InputError(f"{path}: neither UTF-8 nor GB 18030 text; save the sheet as CSV UTF-8")


def read_answers(paths: list[Path | str], key: pd.DataFrame) -> pd.DataFrame:
    """Every answer in the filled-in sheets ``paths`` (one file a coder, named by the file), checked
    against ``key``: one row an answer, ``task, item, coder, choice``; blank answers are left out.

    Example:
        >>> read_answers(["no/such.csv"], pd.DataFrame())
        Traceback (most recent call last):
        topiclab.errors.InputError: no/such.csv: no such sheet; check the path
    """
    seen: set[Path] = set()
    for path in map(Path, paths):
        if not path.is_file():
            raise InputError(f"{path}: no such sheet; check the path")
        if path.resolve() in seen:
            raise InputError(f"{path}: given twice; give each coder's sheet once")
        seen.add(path.resolve())
    code = sheet_code(key)
    options = key.groupby("item", sort=False)["shown"].agg(list).to_dict()
    task_of = dict(zip(key["item"], key["task"]))
    rows = []
    stems = [Path(p).stem for p in paths]
    for path in map(Path, paths):
        coder = path.stem if stems.count(path.stem) == 1 else str(path)
        sheet = _read_sheet(path)
        for column in ("sheet", "item", "answer"):
            if column not in sheet.columns:
                raise InputError(f"{path}: no '{column}' column; fill in the sheet topiclab intrusion wrote, "
                                 "keeping its columns")
        other = sorted(set(sheet["sheet"].str.strip()) - {code, ""})
        if other:
            raise InputError(f"{path}: a sheet of set {other[0]}, but the key is for set {code}; score it with "
                             "the key written with it")
        for item, answer in zip(sheet["item"].str.strip(), sheet["answer"].str.strip()):
            if item not in options:
                raise InputError(f"{path}: item {item!r} is not in the answer key; keep the sheet's item column "
                                 "as it was written")
            if not answer:
                continue
            shown = options[item]
            number = answer[:-2] if answer.endswith(".0") else answer  # 3.0: a number column a script wrote
            choice = int(number) if number.isdigit() else (
                shown.index(answer) + 1 if task_of[item] == "word" and answer in shown else 0)
            if not 1 <= choice <= len(shown):
                what = " or the word itself" if task_of[item] == "word" else ""
                raise InputError(f"{path}: item {item} has answer {answer!r}; write the number of the intruder, "
                                 f"1 to {len(shown)}{what}")
            rows.append({"task": task_of[item], "item": item, "coder": coder, "choice": choice})
        dupes = sheet["item"].str.strip()
        if dupes.duplicated().any():
            raise InputError(f"{path}: item {dupes[dupes.duplicated()].iloc[0]} appears twice; keep one row an item")
    return pd.DataFrame(rows, columns=["task", "item", "coder", "choice"])


def score_sheets(key_path: Path | str, paths: list[Path | str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score filled-in sheets against their key: ``(items, summary)``.

    ``items``: one row an item (:func:`topiclab.validation.score_items`: topic, coders, precision,
    log odds for documents); ``summary``: one row a task, ``items, answered, coders, precision``
    (mean over answered items), ``log_odds`` and ``kappa`` (Fleiss', between coders). A task that
    no sheet answers is left out.

    Example:
        >>> score_sheets("no/such-key", ["ann.csv"])
        Traceback (most recent call last):
        topiclab.errors.InputError: no/such-key: no such answer key; give the OUT-key folder topiclab intrusion wrote
    """
    key = read_key(key_path)
    answers = read_answers(paths, key)
    if answers.empty:
        raise InputError("no answers in the sheets: every answer cell is blank; fill in the 'answer' column")
    items = score_items(key[key["task"].isin(answers["task"])], answers)  # a task no sheet answers is left out
    items = items.sort_values(["task", "topic"], key=lambda c: c.map(list(TASKS).index) if c.name == "task" else c,
                              kind="stable", ignore_index=True)
    rows = []
    for task in TASKS:
        part = items[items["task"] == task]
        if part.empty:
            continue
        given = answers[answers["task"] == task]
        rows.append({"task": task, "items": len(part), "answered": int((part["coders"] > 0).sum()),
                     "coders": given["coder"].nunique(), "precision": part["precision"].mean(),
                     "log_odds": part["log_odds"].mean() if task == "document" else float("nan"),
                     "kappa": agreement(key, given, task)})
    return items, pd.DataFrame(rows)


def write_scores(items: pd.DataFrame, summary: pd.DataFrame, out: Path | str, *, overwrite: bool = False,
                 protect: list[Path | str] | None = None) -> Path:
    """Write ``scores.csv`` (one row an item) and ``summary.csv`` (one row a task) into the folder ``out``.

    Example:
        >>> import tempfile
        >>> out = write_scores(pd.DataFrame({"item": ["W01"]}), pd.DataFrame({"task": ["word"]}),
        ...                    Path(tempfile.mkdtemp()) / "scores")
        >>> sorted(p.name for p in out.iterdir())
        ['manifest.json', 'scores.csv', 'summary.csv']
    """
    out = Path(out)
    with atomic_dir(out, overwrite=overwrite, kind=SCORES_KIND, protect=protect or []) as tmp:
        (tmp / "scores.csv").write_text(csv_text(items), encoding="utf-8")
        (tmp / "summary.csv").write_text(csv_text(summary), encoding="utf-8")
    return out
