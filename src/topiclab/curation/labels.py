"""Labels of topics as values: the file text, updates, and how they resolve against a run's topics.

See :mod:`topiclab.curation` for the file, and for how comparisons read merges and exclusions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from topiclab.config import LabelsConfig
from topiclab.errors import ConfigError

LABELS_FILE = "labels.toml"
HEADER = """\
# Names, merges and exclusions of this run's topics. Edit this file, or run
#   topiclab label RUN --name 3=营商环境 --merge 4,7 --exclude 9
# [names]  topic = "name": what tables, figures and the report call the topic.
# merge    topics counted as one: their shares are summed into the group's first topic.
# exclude  topics reported but left out of comparisons (boilerplate, background).
# compare and report read this file; `topiclab label RUN` copies it into config.toml's [labels],
# which `topiclab fit --config RUN/config.toml` keeps. topiclab label rewrites this file whole.
"""


def labels_toml(labels: LabelsConfig) -> str:
    """The text of a ``labels.toml`` holding ``labels`` (the header explains the file).

    Example:
        >>> print(labels_toml(LabelsConfig(names={"3": "营商环境"}, merge=[[4, 7]], exclude=[9])).split("\\n\\n")[1])
        merge = [[4, 7]]
        exclude = [9]
    """
    groups = ", ".join("[" + ", ".join(map(str, g)) + "]" for g in labels.merge)
    lines = [HEADER, f"merge = [{groups}]", f"exclude = [{', '.join(map(str, labels.exclude))}]", "", "[names]"]
    lines += [tomli_w.dumps({str(int(t)): labels.names[t]}).strip() for t in sorted(labels.names, key=int)]
    return "\n".join(lines) + "\n"


def updated_labels(
    labels: LabelsConfig, *, names: Mapping[int, str] | None = None, merge: Sequence[Sequence[int]] = (),
    exclude: Sequence[int] = (), clear: bool = False,
) -> LabelsConfig:
    """``labels`` with new names, merges and exclusions (after ``clear``: instead of the old ones).

    A merge that shares a topic with an earlier one joins it (``[4, 7]`` then ``7, 8``: ``[4, 7, 8]``).
    Topic numbers are checked against a run by :meth:`LabelsConfig.check_topics`.

    Example:
        >>> old = LabelsConfig(names={"3": "营商环境"}, merge=[[4, 7]])
        >>> updated_labels(old, names={5: "科创"}, merge=[[7, 8]], exclude=[9, 9])
        LabelsConfig(names={'3': '营商环境', '5': '科创'}, merge=[[4, 7, 8]], exclude=[9])
    """
    base = LabelsConfig() if clear else labels
    groups = [list(g) for g in base.merge]
    for new in merge:
        new = [int(t) for t in new]
        if len(new) < 2 or len(set(new)) < len(new):
            raise ConfigError(f"merge {new}: give two or more different topic numbers, e.g. --merge 4,7")
        joined = [g for g in groups if set(g) & set(new)]
        group = [t for g in [*joined, new] for t in g]
        group = list(dict.fromkeys(group))
        at = groups.index(joined[0]) if joined else len(groups)
        groups = [g for g in groups if g not in joined]
        groups.insert(min(at, len(groups)), group)
    given = {str(int(t)): name.strip() for t, name in (names or {}).items()}
    return normalised(LabelsConfig(names={**base.names, **given}, merge=groups,
                                   exclude=sorted({*base.exclude, *(int(t) for t in exclude)})))


def normalised(labels: LabelsConfig) -> LabelsConfig:
    """The same labels written one way: names by topic number, exclusions sorted and once each.

    Example:
        >>> normalised(LabelsConfig(names={"10": "b", "02": "a"}, exclude=[9, 1, 9]))
        LabelsConfig(names={'2': 'a', '10': 'b'}, merge=[], exclude=[1, 9])
    """
    names = {str(int(t)): labels.names[t] for t in sorted(labels.names, key=int)}
    return LabelsConfig(names=names, merge=[list(g) for g in labels.merge], exclude=sorted(set(labels.exclude)))


def default_labels(topics: pd.DataFrame, k: int, seeded: Sequence[str] = (), n: int = 3) -> dict[int, str]:
    """Each topic's label without a researcher's name: a seeded topic's name, else its top ``n`` terms.

    Example:
        >>> t = pd.DataFrame({"topic": [0, 0, 1], "rank": [1, 2, 1], "term": ["长三角", "创新链", "港口"]})
        >>> default_labels(t, 2, seeded=["", "航运"])
        {0: '长三角 创新链', 1: '航运'}
    """
    top = topics[topics["rank"] <= n].sort_values(["topic", "rank"])
    terms = {int(t): " ".join(g["term"].astype(str)) for t, g in top.groupby("topic")}
    return {t: (seeded[t] if t < len(seeded) and seeded[t] else terms.get(t, f"topic {t}")) for t in range(k)}


@dataclass(frozen=True)
class Curation:
    """A run's labels resolved against its ``k`` topics: what each is called and how it is compared.

    ``groups``: the compared topics, each a tuple of topic numbers (one topic, or a merge whose
    first number stands for it), in order of that number; ``excluded``: the topics left out;
    ``labels``: every topic's label (a merged topic's is its group's); ``named``: the topics
    whose label is a researcher's name. Build one with :func:`resolve_labels`.
    """

    k: int
    groups: tuple[tuple[int, ...], ...]
    excluded: tuple[int, ...]
    labels: dict[int, str]
    named: frozenset[int]

    @property
    def compared(self) -> list[int]:
        """The topic number that stands for each compared topic (a group's first), in order."""
        return [g[0] for g in self.groups]

    def group_of(self, topic: int) -> tuple[int, ...] | None:
        """The compared group ``topic`` is counted in (None: excluded)."""
        return next((g for g in self.groups if topic in g), None)

    def status(self, topic: int) -> str:
        """``""`` (compared alone), ``"merged: 4+7"`` (a merge's first), ``"merged into 4"`` or ``"excluded"``."""
        group = self.group_of(topic)
        if group is None:
            return "excluded"
        if len(group) == 1:
            return ""
        return f"merged: {'+'.join(map(str, group))}" if group[0] == topic else f"merged into {group[0]}"

    def display(self) -> dict[int, str]:
        """``{topic: "4+7 · 营商环境"}`` for the compared topics and ``"9 · … (excluded)"``, for figures."""
        out = {g[0]: f"{'+'.join(map(str, g))} · {self.labels[g[0]]}" for g in self.groups}
        out.update({t: f"{t} · {self.labels[t]} (excluded)" for t in self.excluded})
        return dict(sorted(out.items()))

    def titles(self) -> dict[int, str]:
        """Every topic's title for a figure of all topics: ``"7 · 营商环境 (merged into 4)"``."""
        return {t: f"{t} · {self.labels[t]}" + (f" ({s})" if (s := self.status(t)) else "") for t in range(self.k)}

    def table(self) -> pd.DataFrame:
        """``topic, label, status, compared_as``: every topic, ``compared``, ``merged`` or ``excluded``."""
        rows = []
        for t in range(self.k):
            group = self.group_of(t)
            status = "excluded" if group is None else "merged" if len(group) > 1 else "compared"
            rows.append((t, self.labels[t], status, None if group is None else group[0]))
        out = pd.DataFrame(rows, columns=["topic", "label", "status", "compared_as"])
        out["compared_as"] = out["compared_as"].astype("Int64")
        return out

    def sums(self, values: Any, *, rest: bool = False) -> np.ndarray:
        """Per-topic ``values`` (length k, or k columns) summed by compared group, plus the excluded
        topics' sum as a last entry with ``rest``."""
        v = np.asarray(values, dtype=float)
        parts = [v[..., list(g)].sum(axis=-1) for g in self.groups]
        if rest:
            parts.append(v[..., list(self.excluded)].sum(axis=-1))
        return np.stack(parts, axis=-1)

    def documents(self, frame: pd.DataFrame, *, excluded: str = "drop") -> pd.DataFrame:
        """A document table with a ``topic_N`` column for each compared topic (a merge's members
        summed, not renormalised); excluded topics' columns are dropped, kept (``"keep"``), or
        summed into one last column ``topic_K`` (``"rest"``, K = k, for a composition's remainder).

        Example:
            >>> c = resolve_labels(LabelsConfig(merge=[[0, 2]], exclude=[1]), k=4)
            >>> c.documents(pd.DataFrame({"doc_id": ["a"], "topic_0": [.4], "topic_1": [.2], "topic_2": [.3],
            ...                           "topic_3": [.1]}))
              doc_id  topic_0  topic_3
            0      a      0.7      0.1
        """
        if excluded not in ("drop", "keep", "rest"):
            raise ConfigError(f"excluded must be 'drop', 'keep' or 'rest', got {excluded!r}")
        cols = [f"topic_{t}" for t in range(self.k)]
        out = frame.drop(columns=[c for c in cols if c in frame.columns])
        props = frame[cols].to_numpy(dtype=float)
        summed = self.sums(props, rest=excluded == "rest")
        names = [f"topic_{t}" for t in self.compared] + ([f"topic_{self.k}"] if excluded == "rest" else [])
        parts = {name: summed[:, i] for i, name in enumerate(names)}
        if excluded == "keep":
            parts.update({f"topic_{t}": props[:, t] for t in self.excluded})
        ordered = sorted(parts, key=lambda c: int(c[6:]))
        return pd.concat([out, pd.DataFrame({c: parts[c] for c in ordered}, index=frame.index)], axis=1)


def resolve_labels(
    labels: LabelsConfig, topics: pd.DataFrame | None = None, k: int | None = None, *, seeded: Sequence[str] = (),
    source: str = "labels",
) -> Curation:
    """``labels`` checked against a run's topics (``topic, rank, term[, weight]``) and resolved.

    A merged group without a name is labelled by its members' top terms together (weights
    summed over the members' rows of ``topics``).

    Example:
        >>> t = pd.DataFrame({"topic": [0, 1, 2, 3], "rank": [1] * 4, "term": ["芯片", "港口", "页面", "金融"]})
        >>> c = resolve_labels(LabelsConfig(names={"1": "航运"}, merge=[[0, 1]], exclude=[2]), t)
        >>> c.display()
        {0: '0+1 · 航运', 2: '2 · 页面 (excluded)', 3: '3 · 金融'}
    """
    if k is None:
        k = int(topics["topic"].max()) + 1 if topics is not None and len(topics) else 0
    labels.check_topics(k, source)
    defaults = default_labels(topics, k, seeded) if topics is not None else {t: f"topic {t}" for t in range(k)}
    merged = {g[0]: tuple(g) for g in labels.merge}
    members = {t for g in labels.merge for t in g}
    excluded = tuple(sorted(set(labels.exclude)))
    singles = [(t,) for t in range(k) if t not in members and t not in excluded]
    groups = tuple(sorted([*merged.values(), *singles], key=lambda g: g[0]))
    names = {int(t): n.strip() for t, n in labels.names.items()}
    out, named = dict(defaults), set[int]()
    for g in groups:
        name = next((names[t] for t in g if t in names), None)
        if name is not None:
            named.update(g)
        elif len(g) > 1:  # an unnamed merge: a seeded member's name, else the members' top terms together
            name = next((seeded[t] for t in g if t < len(seeded) and seeded[t]), None) or _merged_terms(topics, g)
        if name:
            out.update(dict.fromkeys(g, name))
    for t in excluded:
        if t in names:
            out[t] = names[t]
            named.add(t)
    return Curation(k, groups, excluded, out, frozenset(named))


def _merged_terms(topics: pd.DataFrame | None, group: Sequence[int], n: int = 3) -> str:
    if topics is None or "weight" not in topics.columns:
        return ""
    rows = topics[topics["topic"].isin(list(group))]
    weight = rows.groupby("term", sort=True)["weight"].sum()
    order = sorted(weight.items(), key=lambda kv: (-float(kv[1]), str(kv[0])))
    return " ".join(str(term) for term, _ in order[:n])

