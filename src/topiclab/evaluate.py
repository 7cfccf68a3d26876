"""Evaluation metrics as plain functions on arrays and token lists, each after its paper.

Coherence follows Röder, Both & Hinneburg (2015), "Exploring the space of topic coherence
measures", with the exact conventions of gensim's ``CoherenceModel`` (same values to 1e-4):

* ``npmi`` (C_NPMI, Bouma 2009): mean NPMI over all pairs of a topic's top words, counts from
  boolean sliding windows of 10 tokens;
* ``c_v``: mean cosine between each top word's NPMI context vector and the whole topic's,
  windows of 110 tokens;
* ``umass`` (Mimno et al. 2011): mean of log((D(w_i, w_j) + eps) / D(w_j)) over ordered pairs,
  counts from whole documents.

A window keeps every token position; a text shorter than the window is one window; an
empty text still counts as one; and, as in gensim, a word is dropped from a sliding window
when a copy of it leaves, even if another copy is still inside (see ``_window_rows``). All
co-occurrence counts come from one sparse window x word matrix, so the cost grows with the
corpus, not with the number of word pairs.

Other metrics: topic diversity (Dieng, Ruiz & Blei 2020), purity, and NMI / ARI against labels
(scikit-learn).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from topiclab.preprocess.token_lists import TokenLists

EPSILON = 1e-12
_BLOCK_TOKENS = 1 << 22  # tokens of whole texts counted at a time (bounds the temporary arrays)
WINDOWS = {"npmi": 10, "c_v": 110, "umass": None}


def cooccurrence(
    texts: Sequence[Sequence[str]], words: Sequence[str], window: int | None
) -> tuple[np.ndarray, np.ndarray, int]:
    """Boolean (co-)occurrence counts of ``words`` over windows of ``texts``.

    Returns ``(occ, co, n_windows)``: windows containing each word, windows containing each
    pair (``co`` is words x words, its diagonal equal to ``occ``), and the number of windows.
    ``window=None`` makes each text one window (boolean document counts).

    Example:
        >>> occ, co, n = cooccurrence([["a", "b", "c", "a"]], ["a", "c"], window=2)
        >>> occ.tolist(), int(co[0, 1]), n
        ([2, 2], 1, 3)
    """
    index = {w: i for i, w in enumerate(words)}
    lists = TokenLists.of(texts)
    # term id -> position in ``words`` (-1: not one of them), looked up in C
    wanted = np.fromiter(map(index.get, lists.terms, itertools.repeat(-1)), dtype=np.int64, count=len(lists.terms))
    occ = np.zeros(len(words), dtype=np.int64)
    co = np.zeros((len(words), len(words)), dtype=np.int64)
    total = 0
    # windows never cross texts, so blocks of whole texts add up exactly; a sliding window repeats
    # each occurrence in up to ``window`` rows, so its blocks are smaller
    for first, end in lists.blocks(_BLOCK_TOKENS if window is None else _BLOCK_TOKENS // 16):
        part = lists[first:end]
        b_occ, b_co, n = _block_cooccurrence(wanted[part.ids], part.lengths(), len(words), window)
        occ += b_occ
        co += b_co
        total += n
    return occ, co, total


def _block_cooccurrence(
    ids: np.ndarray, lengths: np.ndarray, n_words: int, window: int | None
) -> tuple[np.ndarray, np.ndarray, int]:
    if window is None:
        keep = ids >= 0
        return _counts(np.repeat(np.arange(lengths.size), lengths)[keep], ids[keep], lengths.size, n_words)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    n_win = np.maximum(1, lengths - window + 1)
    base = np.concatenate(([0], np.cumsum(n_win)[:-1]))
    pos = np.flatnonzero(ids >= 0)
    text = np.searchsorted(starts, pos, side="right") - 1
    rows, cols = _window_rows(ids[pos], pos - starts[text], text, n_win, base, window, n_words)
    return _counts(rows, cols, int(n_win.sum()), n_words)


def _counts(rows: np.ndarray, cols: np.ndarray, total: int, n_words: int) -> tuple[np.ndarray, np.ndarray, int]:
    incidence = sp.csr_matrix((np.ones(rows.size, dtype=np.float64), (rows, cols)), shape=(total, n_words))
    incidence.sum_duplicates()
    incidence.data[:] = 1.0
    co = np.asarray((incidence.T @ incidence).todense()).round().astype(np.int64)
    return np.diag(co).copy(), co, total


def _window_rows(
    word: np.ndarray, q: np.ndarray, text: np.ndarray, n_win: np.ndarray, base: np.ndarray, window: int, n_words: int
) -> tuple[np.ndarray, np.ndarray]:
    """(window row, word) incidence pairs, with gensim's sliding-window convention.

    gensim slides a window by removing the token that leaves it and adding the one that enters,
    so a word that leaves while another copy of it is still inside is dropped until it enters
    again. An occurrence at position ``q`` thus holds its word from window ``max(0, q-w+1)``
    until the first occurrence at or after that window leaves, not necessarily until ``q`` does.
    """
    if q.size == 0:
        return q, word
    group = text * n_words + word
    order = np.lexsort((q, group))
    group, q, word, text = group[order], q[order], word[order], text[order]
    enter = np.maximum(0, q - window + 1)
    # the first occurrence of the same word in the same text at or after `enter`
    key = group * (q.max() + 2) + enter
    first = np.searchsorted(group * (q.max() + 2) + q, key, side="left")
    leave = np.minimum(q[first] + 1, n_win[text])
    count = leave - enter
    start = np.repeat(base[text] + enter, count)
    rows = start + np.arange(start.size) - np.repeat(np.cumsum(count) - count, count)
    return rows, np.repeat(word, count)


def _npmi_matrix(occ: np.ndarray, co: np.ndarray, n: int) -> np.ndarray:
    p = occ / n
    p_ab = co / n
    with np.errstate(divide="ignore", invalid="ignore"):
        numerator = np.log((p_ab + EPSILON) / np.outer(p, p))
        return numerator / -np.log(p_ab + EPSILON)


def coherence(
    topics: Sequence[Sequence[str]], texts: Sequence[Sequence[str]], measure: str = "npmi",
    *, window: int | None = -1,
) -> np.ndarray:
    """Per-topic coherence of each topic's words over ``texts`` (mean over topics: ``.mean()``).

    ``window=-1`` uses the measure's standard window (10 for npmi, 110 for c_v, documents for umass).

    Example:
        >>> texts = [["上海", "创新"], ["上海", "创新"], ["江苏", "产业"]]
        >>> coherence([["上海", "创新"]], texts, "npmi").round(3).tolist()
        [1.0]
    """
    if measure not in WINDOWS:
        raise ValueError(f"unknown coherence measure {measure!r}; choose one of {', '.join(WINDOWS)}")
    win = WINDOWS[measure] if window == -1 else window
    words = sorted({w for t in topics for w in t})
    occ, co, n = cooccurrence(texts, words, win)
    idx = {w: i for i, w in enumerate(words)}
    out = []
    if measure == "umass":
        for topic in topics:
            pos = np.array([idx[w] for w in topic])
            later, earlier = np.tril_indices(len(pos), k=-1)  # pairs (w_i, w_j) with j < i, as gensim's one_pre
            joint, single = co[pos[later], pos[earlier]], occ[pos[earlier]]
            with np.errstate(divide="ignore"):
                vals = np.where(single > 0, np.log((joint / n + EPSILON) / (single / n)), 0.0)
            out.append(float(vals.mean()))
        return np.asarray(out)
    npmi = _npmi_matrix(occ, co, n)
    for topic in topics:
        pos = np.array([idx[w] for w in topic])
        sub = npmi[np.ix_(pos, pos)]
        if measure == "npmi":
            off = ~np.eye(len(pos), dtype=bool)
            out.append(float(sub[off].mean()))
        else:
            whole = sub.sum(axis=0)
            cos = (sub @ whole) / (np.sqrt((sub**2).sum(axis=1)) * np.sqrt((whole**2).sum()))
            out.append(float(cos.mean()))
    return np.asarray(out)


def topic_diversity(topics: Sequence[Sequence[str]], top_n: int = 25) -> float:
    """Share of unique words among all topics' top ``top_n`` words (Dieng et al. 2020).

    Example:
        >>> topic_diversity([["a", "b"], ["a", "c"]], top_n=2)
        0.75
    """
    words = [w for t in topics for w in list(t)[:top_n]]
    return len(set(words)) / len(words) if words else 0.0


def purity(labels_true: Sequence[object], labels_pred: Sequence[int] | np.ndarray) -> float:
    """Share of units whose cluster's majority label is their own label.

    Example:
        >>> purity(["a", "a", "b", "b"], [0, 0, 0, 1])
        0.75
    """
    import pandas as pd

    table = pd.crosstab(pd.Series(list(labels_pred), name="pred"), pd.Series(list(labels_true), name="true"))
    return float(table.max(axis=1).sum() / table.values.sum())


def label_agreement(labels_true: Sequence[object], labels_pred: Sequence[int] | np.ndarray) -> dict[str, float]:
    """NMI, ARI and purity of predicted clusters (or dominant topics) against known labels.

    Example:
        >>> label_agreement(["a", "a", "b", "b"], [1, 1, 0, 0])["nmi"]
        1.0
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return {
        "nmi": float(normalized_mutual_info_score(labels_true, labels_pred)),
        "ari": float(adjusted_rand_score(labels_true, labels_pred)),
        "purity": purity(labels_true, labels_pred),
    }
