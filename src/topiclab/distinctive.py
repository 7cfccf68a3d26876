"""Terms that distinguish one group's writing from the rest's, overall and within each topic.

Weighted log-odds ratios with an informative Dirichlet prior and their z-scores (Monroe,
Colaresi & Quinn 2008, "Fightin' Words", section 3.5): the prior is the pooled term
distribution scaled to ``prior_size`` pseudo-counts, so rare terms are shrunk towards "not
distinctive" instead of topping the list on two mentions.

Within a topic, each token is shared among topics in proportion to
``theta[d, t] * phi[t, w]`` (its posterior topic responsibility given the document's
proportions and the topic-term weights), and the group comparison runs on those expected counts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from topiclab.errors import ConfigError

COLUMNS = ["group", "rank", "term", "log_odds", "z", "small_group"]


def _count_matrix(
    tokens: Sequence[Sequence[str]], vocab: Sequence[str] | None = None
) -> tuple[sparse.csr_matrix, list[str]]:
    """Document x term counts; tokens outside a given ``vocab`` are dropped."""
    if vocab is None:
        vocab = sorted({t for toks in tokens for t in toks})
    index = {t: i for i, t in enumerate(vocab)}
    rows, cols = [], []
    for d, toks in enumerate(tokens):
        ids = [index[t] for t in toks if t in index]
        cols += ids
        rows += [d] * len(ids)
    data = np.ones(len(cols))
    counts = sparse.coo_matrix((data, (rows, cols)), shape=(len(tokens), len(vocab))).tocsr()
    counts.sum_duplicates()
    return counts, list(vocab)


def _group_index(groups: Sequence[str]) -> tuple[list[str], np.ndarray]:
    labels = [str(g) for g in groups]
    names = sorted(set(labels))
    if len(names) < 2:
        raise ConfigError("distinctive terms need at least two groups")
    pos = {g: i for i, g in enumerate(names)}
    return names, np.array([pos[g] for g in labels], dtype=np.int64)


def _log_odds_rows(
    by_group: np.ndarray, vocab: Sequence[str], names: Sequence[str], small: np.ndarray, top_n: int,
    prior_size: float,
) -> list[tuple[str, int, str, float, float, bool]]:
    """Top ``top_n`` terms by z for each group (rows of ``by_group``, G x V) against the rest."""
    y_all = by_group.sum(axis=0)
    keep = y_all > 0
    if not keep.any():
        return []
    y_all, by_group = y_all[keep], by_group[:, keep]
    terms = np.asarray(vocab, dtype=object)[keep]
    prior = prior_size * y_all / y_all.sum()
    a0 = prior.sum()
    rows = []
    for g, name in enumerate(names):
        y_i = by_group[g]
        y_j = y_all - y_i
        n_i, n_j = y_i.sum(), y_j.sum()
        # a side holding nothing but one term gives an infinite log-odds: kept as inf, not warned about
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = (np.log((y_i + prior) / (n_i + a0 - y_i - prior))
                     - np.log((y_j + prior) / (n_j + a0 - y_j - prior)))
            z = delta / np.sqrt(1.0 / (y_i + prior) + 1.0 / (y_j + prior))
        order = np.lexsort((terms.astype(str), -z))[:top_n]
        rows += [(name, r + 1, str(terms[j]), float(delta[j]), float(z[j]), bool(small[g]))
                 for r, j in enumerate(order)]
    return rows


def distinctive_terms(
    tokens: Sequence[Sequence[str]], groups: Sequence[str], *, top_n: int = 20, prior_size: float = 1000.0,
    min_docs: int = 5,
) -> pd.DataFrame:
    """Terms that distinguish each group from the rest: weighted log-odds with an informative prior.

    One entry of ``tokens`` and ``groups`` per document. Returns ``group, rank, term, log_odds, z,
    small_group`` for the ``top_n`` terms of each group by z (ties by term).

    Example:
        >>> toks = [["芯片", "芯片", "产业"], ["芯片", "产业"], ["生态", "生态", "产业"], ["生态", "产业"]]
        >>> d = distinctive_terms(toks, ["上海", "上海", "浙江", "浙江"], top_n=1, min_docs=1)
        >>> d[["group", "term"]].values.tolist()
        [['上海', '芯片'], ['浙江', '生态']]
    """
    names, gidx = _group_index(groups)
    counts, vocab = _count_matrix(tokens)
    member = sparse.csr_matrix((np.ones(len(gidx)), (gidx, np.arange(len(gidx)))), shape=(len(names), len(gidx)))
    by_group = np.asarray((member @ counts).todense())
    small = np.bincount(gidx, minlength=len(names)) < min_docs
    return pd.DataFrame(_log_odds_rows(by_group, vocab, names, small, top_n, prior_size), columns=COLUMNS)


def distinctive_terms_by_topic(
    tokens: Sequence[Sequence[str]], groups: Sequence[str], doc_topic: np.ndarray, topic_term: np.ndarray,
    terms: Sequence[str], *, top_n: int = 10, prior_size: float = 1000.0, min_docs: int = 5,
) -> pd.DataFrame:
    """Within each topic, the terms that distinguish each group's use of it from the rest's.

    ``doc_topic`` (documents x k) and ``topic_term`` (k x V over ``terms``) come from the fitted
    model; tokens outside ``terms`` are ignored. Returns ``topic`` and the columns of
    :func:`distinctive_terms`.

    Example:
        >>> toks = [["芯片", "人才"], ["芯片", "人才"], ["人才", "生态"], ["人才", "生态"]]
        >>> theta = np.array([[.9, .1], [.9, .1], [.1, .9], [.1, .9]])
        >>> phi = np.array([[.5, .4, .1], [.1, .4, .5]])  # topic 0: 芯片, topic 1: 生态
        >>> d = distinctive_terms_by_topic(toks, list("aabb"), theta, phi, ["芯片", "人才", "生态"],
        ...                                top_n=1, min_docs=1)
        >>> d.query("topic == 0")[["group", "term"]].values.tolist()
        [['a', '芯片'], ['b', '生态']]
    """
    names, gidx = _group_index(groups)
    counts, vocab = _count_matrix(tokens, list(terms))
    coo = counts.tocoo()
    theta = np.asarray(doc_topic, dtype=float)[coo.row]  # nnz x k
    phi = np.asarray(topic_term, dtype=float)[:, coo.col].T  # nnz x k
    if theta.shape[1] != phi.shape[1]:
        raise ConfigError(f"doc_topic has {theta.shape[1]} topics but topic_term has {phi.shape[1]}")
    joint = theta * phi
    total = joint.sum(axis=1, keepdims=True)
    resp = np.divide(joint, total, out=np.zeros_like(joint), where=total > 0) * coo.data[:, None]
    small = np.bincount(gidx, minlength=len(names)) < min_docs
    frames = []
    for t in range(resp.shape[1]):
        by_group = sparse.coo_matrix((resp[:, t], (gidx[coo.row], coo.col)), shape=(len(names), len(vocab)))
        rows = _log_odds_rows(np.asarray(by_group.todense()), vocab, names, small, top_n, prior_size)
        frames.append(pd.DataFrame(rows, columns=COLUMNS).assign(topic=t))
    out = pd.concat(frames, ignore_index=True)
    return out[["topic", *COLUMNS]]


def seed_words_from_labels(
    tokens: Sequence[Sequence[str]], labels: Sequence[str], *, per_label: int = 3, min_docs: int = 5,
) -> dict[str, list[str]]:
    """Seed words for each label of a labelled sample: the ``per_label`` words that most distinguish
    its documents (:func:`distinctive_terms`, by z), each word given to the one label it
    distinguishes most. A rule, not a hand's choice: the seeds of ``--seed-words`` reproducibly.

    Example:
        >>> toks = [["芯片", "晶圆", "产业"], ["芯片", "晶圆"], ["生态", "森林", "产业"], ["生态", "森林"]]
        >>> seed_words_from_labels(toks, ["科技", "科技", "生态", "生态"], per_label=2, min_docs=1)
        {'生态': ['森林', '生态'], '科技': ['晶圆', '芯片']}
    """
    table = distinctive_terms(tokens, labels, top_n=max(20, 4 * per_label), min_docs=min_docs)
    seeds: dict[str, list[str]] = {}
    taken: set[str] = set()
    for group, term in table.sort_values(["z", "group"], ascending=[False, True], kind="stable")[
            ["group", "term"]].itertuples(index=False):
        words = seeds.setdefault(group, [])
        if term not in taken and len(words) < per_label:
            words.append(term)
            taken.add(term)
    return dict(sorted(seeds.items()))
