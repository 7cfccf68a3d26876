"""jieba's part-of-speech HMM for unknown-word runs, vectorised with NumPy.

``jieba.posseg`` segments text along its dictionary's best path, and re-segments each run
of single characters that is not a dictionary word with a hidden Markov model whose states
are (position in word, part of speech) pairs. jieba runs that Viterbi search in pure Python,
one dictionary lookup per state pair, which makes it the slowest part of ``jieba.posseg``.

This module runs the same search on the same model (jieba's own ``prob_start``,
``prob_trans``, ``prob_emit`` and ``char_state_tab`` tables) with NumPy, for many runs at
once: runs of equal length are decoded together, each step gathering every run's allowed
previous and next states as padded index arrays (a character allows about ten of the 256
states) and maximising over the matching transition scores. Scores are added in jieba's
order and ties are broken as jieba breaks them (the larger state tuple wins), so the output
equals jieba's, token for token.
"""

from __future__ import annotations

import importlib.util
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace

import numpy as np

_MIN_FLOAT = -3.14e100  # jieba's score for an unseen emission
_BATCH = 2048


class PossegHMM:
    """Viterbi decoding of jieba's posseg HMM; :meth:`cut` returns ``(word, tag)`` pairs.

    Example:
        >>> hmm = PossegHMM()
        >>> hmm.cut("比超")
        [('比', 'p'), ('超', 'v')]
    """

    @cached_property
    def _model(self) -> tuple:
        posseg = _jieba_posseg_tables()
        states = sorted(posseg.trans_P)  # index order == tuple order, used for tie-breaking
        index = {s: i for i, s in enumerate(states)}
        n = len(states)
        trans = np.full((n, n), -np.inf)
        for a, targets in posseg.trans_P.items():
            for b, p in targets.items():
                trans[index[a], index[b]] = p
        start = np.array([posseg.start_P.get(s, -np.inf) for s in states])
        has_out = np.array([len(posseg.trans_P[s]) > 0 for s in states])
        allowed: dict[str, np.ndarray] = {}
        for ch, st in posseg.char_state_tab_P.items():
            mask = np.zeros(n, dtype=bool)
            mask[[index[s] for s in st]] = True
            allowed[ch] = mask
        # emissions by character: the states that can emit it, and their log-probabilities
        by_char: dict[str, tuple[list[int], list[float]]] = {}
        for s, table in posseg.emit_P.items():
            i = index[s]
            for ch, p in table.items():
                entry = by_char.setdefault(ch, ([], []))
                entry[0].append(i)
                entry[1].append(p)
        return states, trans, trans > -np.inf, start, has_out, allowed, by_char

    @cached_property
    def _emit_cache(self) -> dict[str, np.ndarray]:
        return {}

    def _emit(self, ch: str) -> np.ndarray:
        vec = self._emit_cache.get(ch)
        if vec is None:
            states, *_, by_char = self._model
            vec = np.full(len(states), _MIN_FLOAT)
            idx, probs = by_char.get(ch, ([], []))
            vec[idx] = probs
            self._emit_cache[ch] = vec
        return vec

    def viterbi(self, obs: str) -> list[tuple[str, str]]:
        """The best state sequence for ``obs``: one ``(BMES, tag)`` state a character."""
        return self.viterbi_many([obs])[0]

    def viterbi_many(self, runs: list[str]) -> list[list[tuple[str, str]]]:
        """:meth:`viterbi` for many runs, decoded in batches of equal length."""
        states = self._model[0]
        out: list[list[tuple[str, str]]] = [[] for _ in runs]
        by_len: dict[int, list[int]] = {}
        for i, r in enumerate(runs):
            by_len.setdefault(len(r), []).append(i)
        for length, idx in sorted(by_len.items()):
            for lo in range(0, len(idx), _BATCH):
                part = idx[lo : lo + _BATCH]
                paths = self._decode([runs[i] for i in part], length)
                for i, path in zip(part, paths.tolist()):
                    out[i] = [states[k] for k in path]
        return out

    def _decode(self, runs: list[str], length: int) -> np.ndarray:
        states, trans, reach, start, has_out, allowed, _ = self._model
        n, b = len(states), len(runs)
        chars = sorted(set("".join(runs)))
        code = {ch: i for i, ch in enumerate(chars)}
        codes = np.array([[code[ch] for ch in r] for r in runs], dtype=np.intp)
        every = np.ones(n, dtype=bool)
        allow = np.array([allowed.get(ch, every) for ch in chars])
        emit = np.array([self._emit(ch) for ch in chars])
        reach_f = reach.astype(np.float32)

        member = allow[codes[:, 0]]
        score = np.where(member, start + emit[codes[:, 0]], -np.inf)
        back = []
        for t in range(1, length):
            live = member & has_out
            expect = (live.astype(np.float32) @ reach_f) > 0
            nxt = allow[codes[:, t]] & expect
            empty = ~nxt.any(axis=1)
            if empty.any():
                nxt[empty] = np.where(expect[empty].any(axis=1)[:, None], expect[empty], True)
            # every (run, previous state, next state) triple, flat
            row, i, j = _pairs(live, nxt)
            value = (score[row, i] + trans[i, j]) + emit[codes[row, t], j]
            cell = row * n + j
            best = np.full(b * n, -np.inf)
            np.maximum.at(best, cell, value)
            # among the best, the largest previous state wins, as in jieba's max over (score, state)
            came = np.full(b * n, -1, dtype=np.intp)
            top = value == best[cell]
            np.maximum.at(came, cell[top], i[top])
            score = np.where(nxt, best.reshape(b, n), -np.inf)
            back.append(came.reshape(b, n))
            member = nxt
        final = np.where(member, score, -np.inf)
        winners = member & (final == final.max(axis=1, keepdims=True))
        path = np.empty((b, length), dtype=np.intp)
        path[:, -1] = n - 1 - np.argmax(winners[:, ::-1], axis=1)
        rows = np.arange(b)
        for t in range(length - 1, 0, -1):
            path[:, t - 1] = back[t - 1][rows, path[:, t]]
        return path

    def cut(self, run: str) -> list[tuple[str, str]]:
        """Segment and tag a run of Han characters as ``jieba.posseg`` does."""
        return self.cut_many([run])[0]

    def cut_many(self, runs: list[str]) -> list[list[tuple[str, str]]]:
        """:meth:`cut` for many runs at once."""
        return [_words(run, path) for run, path in zip(runs, self.viterbi_many(runs))]


def _jieba_posseg_tables() -> SimpleNamespace:
    """jieba's posseg model tables, read from its data modules.

    Importing ``jieba.posseg`` would also build a word-tag table from jieba's whole dictionary
    (~0.5 s) that this module does not use, so the four table modules are loaded directly.
    """
    import jieba

    folder = Path(jieba.__file__).parent / "posseg"
    tables = {}
    for name, attr in (("char_state_tab", "P"), ("prob_start", "P"), ("prob_trans", "P"), ("prob_emit", "P")):
        spec = importlib.util.spec_from_file_location(f"topiclab._jieba_{name}", folder / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        tables[name] = getattr(module, attr)
    return SimpleNamespace(char_state_tab_P=tables["char_state_tab"], start_P=tables["prob_start"],
                           trans_P=tables["prob_trans"], emit_P=tables["prob_emit"])


def _pairs(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each row, every (left column, right column) pair of True cells: (row, left, right)."""
    lr, lc = np.nonzero(left)
    rr, rc = np.nonzero(right)
    n_left = np.bincount(lr, minlength=left.shape[0])
    n_right = np.bincount(rr, minlength=left.shape[0])
    per_row = n_left * n_right
    row = np.repeat(np.arange(left.shape[0]), per_row)
    offset = np.arange(row.size) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    k = n_right[row]
    li = np.repeat(np.cumsum(n_left) - n_left, per_row) + offset // k
    ri = np.repeat(np.cumsum(n_right) - n_right, per_row) + offset % k
    return row, lc[li], rc[ri]


def _words(run: str, pos_list: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    begin, nexti = 0, 0
    for i, (mark, tag) in enumerate(pos_list):
        if mark == "B":
            begin = i
        elif mark == "E":
            out.append((run[begin : i + 1], tag))
            nexti = i + 1
        elif mark == "S":
            out.append((run[i], tag))
            nexti = i + 1
    if nexti < len(run):
        out.append((run[nexti:], pos_list[nexti][1]))
    return out
