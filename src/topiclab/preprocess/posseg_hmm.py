"""jieba's part-of-speech HMM for unknown-word runs, vectorised with NumPy.

``jieba.posseg`` segments text along its dictionary's best path, and re-segments each run
of single characters that is not a dictionary word with a hidden Markov model whose states
are (position in word, part of speech) pairs. jieba runs that Viterbi search in pure Python,
one dictionary lookup per state pair, which makes it the slowest part of ``jieba.posseg``.

This module runs the same search on the same model (jieba's own ``prob_start``,
``prob_trans``, ``prob_emit`` and ``char_state_tab`` tables) with NumPy: each step takes
the allowed previous and current states as index arrays and maximises over a dense slice
of the transition matrix. Scores are added in jieba's order and ties are broken as jieba
breaks them (the larger state tuple wins), so the output equals jieba's, token for token.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

_MIN_FLOAT = -3.14e100  # jieba's score for an unseen emission


class PossegHMM:
    """Viterbi decoding of jieba's posseg HMM; :meth:`cut` returns ``(word, tag)`` pairs.

    Example:
        >>> hmm = PossegHMM()
        >>> hmm.cut("比超")
        [('比', 'p'), ('超', 'v')]
    """

    @cached_property
    def _model(self) -> tuple:
        import jieba.posseg as posseg  # its tables load on import (~0.3 s), so only when needed

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
        states, trans, reach, start, has_out, allowed, _ = self._model
        every = np.ones(len(states), dtype=bool)
        cur = np.flatnonzero(allowed.get(obs[0], every))
        score = start[cur] + self._emit(obs[0])[cur]
        back: list[tuple[np.ndarray, np.ndarray]] = []
        for ch in obs[1:]:
            live = has_out[cur]
            # reversed so that argmax, which takes the first maximum, takes the largest state
            prev, prev_score = cur[live][::-1], score[live][::-1]
            expect = reach[prev].any(axis=0)
            nxt = np.flatnonzero(allowed.get(ch, every) & expect)
            if nxt.size == 0:
                nxt = np.flatnonzero(expect if expect.any() else every)
            cand = (prev_score[:, None] + trans[prev[:, None], nxt]) + self._emit(ch)[nxt]
            best = cand.argmax(axis=0)
            score = cand[best, np.arange(nxt.size)]
            back.append((nxt, prev[best]))
            cur = nxt
        last = cur[::-1][np.argmax(score[::-1])]
        path = [int(last)]
        for nxt, came_from in reversed(back):
            path.append(int(came_from[np.searchsorted(nxt, path[-1])]))
        return [states[i] for i in reversed(path)]

    def cut(self, run: str) -> list[tuple[str, str]]:
        """Segment and tag a run of Han characters as ``jieba.posseg`` does."""
        pos_list = self.viterbi(run)
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
