"""LDA by collapsed Gibbs sampling with tomotopy (Griffiths & Steyvers 2004).

The sampler runs in ``shards`` threads with tomotopy's partition scheme (documents and words
split into fixed blocks sampled in a fixed rotation), so the chain is reproducible from the seed
and the shard count, on any number of cores; one shard is the plain sequential sampler. Training
runs in blocks of ``BLOCK`` sweeps (the same chain as one call) so that it shows progress and,
without ``max_iter``, stops once the per-word log-likelihood has converged. Priors default to
alpha = 0.1 and eta = 0.01 (tomotopy's defaults); tomotopy re-estimates alpha from the samples every
``optim_interval`` (10) sweeps, so the fitted alpha, the one the proportions are computed
with, is recorded beside the starting one. Each unit is given to
tomotopy as its column ids written as words, each repeated by its count; a sampler of words
takes whole counts, so fractions are cut, with a warning.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import scipy.sparse as sp

from topiclab.errors import ConfigError
from topiclab.models.lda_backend import BackendFit
from topiclab.models.result import Priors, prior_value

EMPTY = "\x00"  # the one word of a unit with none, so that it keeps its row
ALPHA, ETA, SWEEPS, INFER_SWEEPS = 0.1, 0.01, 500, 100
# a seed word's prior pseudo-count in its topic, as a share of the corpus's words (as seededlda's
# ``weight``), and in the other topics as a share of eta: on CSL's disciplines a prior of about 1 %
# of the words recovered them best (experiments/seeded_csl, experiments/research_backends)
SEED_SHARE, SEED_ELSEWHERE = 0.01, 0.01
BLOCK = 10  # sweeps between progress updates and convergence checks
# converged: the per-word log-likelihood of the last WINDOW sweeps gained less than TOL (relative)
# on the WINDOW before, after at least MIN_SWEEPS (bench/lda_convergence.py)
MIN_SWEEPS, WINDOW, TOL = 100, 50, 1e-3
AUTO_SHARD_TOKENS, AUTO_SHARDS = 1_000_000, 4  # shards = 0: one below a million tokens, else four


def auto_shards(n_tokens: float) -> int:
    """The shard count ``shards = 0`` stands for, by the corpus's number of tokens.

    Example:
        >>> auto_shards(200_000), auto_shards(20_000_000)
        (1, 4)
    """
    return 1 if n_tokens < AUTO_SHARD_TOKENS else AUTO_SHARDS


def converged(ll_per_word: list[float], tol: float = TOL) -> bool:
    """Whether a chain whose per-word log-likelihood after each block is ``ll_per_word`` has converged:
    its last ``WINDOW`` sweeps gained less than ``tol`` (relative) on the ``WINDOW`` before.

    Example:
        >>> converged([-9.0] * 5 + [-8.0] * 5), converged([-8.0] * 15)
        (False, True)
        >>> trace = [-9.0] * 5 + [-8.95] * 5
        >>> converged(trace), converged(trace, tol=0.01)
        (False, True)
    """
    blocks = WINDOW // BLOCK
    if len(ll_per_word) * BLOCK < max(MIN_SWEEPS, 2 * WINDOW):
        return False
    last, before = np.mean(ll_per_word[-blocks:]), np.mean(ll_per_word[-2 * blocks:-blocks])
    return bool(last - before < tol * abs(before))


def release_freed_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``; elsewhere nothing).

    tomotopy keeps a document in many small allocations: freed, they stay in the process's heap,
    counted in its memory, until trimmed.

    Example:
        >>> release_freed_memory()
    """
    with contextlib.suppress(OSError, AttributeError):  # AttributeError: not glibc
        ctypes.CDLL(None).malloc_trim(0)


def unit_words(counts: sp.csr_matrix) -> Iterator[list[str]]:
    """Each unit as a bag of column ids written as words, in column order (counts truncated to whole
    numbers), one unit at a time: a large corpus is never held as Python strings all at once.

    Example:
        >>> list(unit_words(sp.csr_matrix([[2.0, 0.0, 1.0], [0.0, 0.0, 0.0]])))
        [['0', '0', '2'], []]
    """
    names = [str(j) for j in range(counts.shape[1])]  # one string a column, shared by its every token
    for a, b in zip(counts.indptr[:-1].tolist(), counts.indptr[1:].tolist()):
        yield [w for j, c in zip(counts.indices[a:b].tolist(), counts.data[a:b].tolist()) for w in [names[j]] * int(c)]


def _warn_fractions(counts: sp.csr_matrix) -> None:
    step = 1 << 22  # a slice at a time: no temporary arrays as long as the matrix's cells
    fractional = sum(int(np.count_nonzero(part != np.floor(part)))
                     for part in (counts.data[i:i + step] for i in range(0, counts.data.size, step)))
    if fractional:
        warnings.warn(f"LDA backend 'tomotopy' samples whole words: {fractional} fractional entries of the matrix "
                      "were cut to whole counts; give counts, or use backend 'sklearn' or 'gensim' for weights",
                      UserWarning, stacklevel=4)


class TomotopyLDA:
    """The tomotopy adapter (see :class:`topiclab.models.lda_backend.LDABackend`)."""

    name = "tomotopy"

    def __init__(self, model: Any = None) -> None:
        self.model = model

    def fit(self, counts: sp.csr_matrix, *, k: int, alpha: Any, eta: float | None, max_iter: int | None,
            seed: int, seed_topics: dict[int, list[int]] | None = None, shards: int = 1,
            tol: float | None = None, progress: bool = False) -> BackendFit:
        try:
            import tomotopy
        except ImportError:
            raise ConfigError("backend 'tomotopy' needs the tomotopy package; pip install tomotopy") from None
        alpha0 = alpha if alpha is not None else ALPHA
        eta0 = eta if eta is not None else ETA
        _warn_fractions(counts)
        model = tomotopy.LDAModel(k=k, alpha=alpha0, eta=eta0, seed=seed)
        for words in unit_words(counts):
            model.add_doc(words or [EMPTY])
        strength = max(1.0, SEED_SHARE * float(counts.sum()))
        for topic, columns in sorted((seed_topics or {}).items()):
            for j in columns:
                prior = [eta0 * SEED_ELSEWHERE] * k
                prior[topic] = strength
                model.set_word_prior(str(j), prior)
        self.model = model
        self._train(max_iter, shards, TOL if tol is None else tol, progress)
        order = [int(w) if w != EMPTY else -1 for w in model.used_vocabs]
        keep = [i for i, j in enumerate(order) if j >= 0]
        topic_term = np.zeros((k, counts.shape[1]))
        for t in range(k):
            topic_term[t, [order[i] for i in keep]] = np.asarray(model.get_topic_word_dist(t))[keep]
        doc_topic = np.empty((len(model.docs), k), dtype=np.float32)  # row by row: no million small arrays at once
        for i, doc in enumerate(model.docs):
            doc_topic[i] = doc.get_topic_dist()
        fitted = BackendFit(topic_term, doc_topic, self.priors(alpha0, eta0), int(model.global_step))
        # what is read from the training documents is read now, then they are let go: with the
        # sampler's state they took 195 MB at 100,000 documents (26 bytes a token), held until the
        # run was written; without them the model is its topics' word counts
        self.trained_perplexity = float(model.perplexity)
        self.model = tomotopy.LDAModel.loads(model.saves(full=False))
        del model
        release_freed_memory()
        return fitted

    def _train(self, max_iter: int | None, shards: int, tol: float, progress: bool) -> None:
        import tomotopy
        from tqdm import tqdm

        total = max_iter or SWEEPS
        scheme = tomotopy.ParallelScheme.PARTITION
        trace: list[float] = []
        with tqdm(total=total, unit="sweep", desc=f"LDA ({shards} shard{'s' * (shards > 1)})", disable=not progress,
                  file=sys.stderr) as bar, warnings.catch_warnings():
            # tomotopy warns that more than one worker may change the result: not with a fixed partition
            warnings.filterwarnings("ignore", message="The training result may differ", category=RuntimeWarning)
            for done in range(0, total, BLOCK):
                self.model.train(min(BLOCK, total - done), workers=shards, parallel=scheme)
                bar.update(min(BLOCK, total - done))
                trace.append(float(self.model.ll_per_word))
                bar.set_postfix_str(f"log-lik/word {trace[-1]:.4f}", refresh=False)
                if not max_iter and converged(trace, tol):
                    break

    def priors(self, alpha0: Any, eta0: Any) -> Priors:
        """The fitted model's priors, having started from ``alpha0`` and ``eta0``."""
        learned = ("alpha",) if self.model.optim_interval > 0 else ()
        return Priors(prior_value(np.asarray(self.model.alpha, dtype=np.float32)),
                      prior_value(np.float32(self.model.eta)), prior_value(alpha0), prior_value(eta0), learned)

    def infer(self, counts: sp.csr_matrix) -> np.ndarray:
        _warn_fractions(counts)
        docs = [self.model.make_doc(w or [EMPTY]) for w in unit_words(counts)]
        self.model.infer(docs, iterations=INFER_SWEEPS, workers=1)
        return np.array([d.get_topic_dist() for d in docs])

    def perplexity(self, counts: sp.csr_matrix) -> float:
        if len(self.model.docs) == 0 and self.trained_perplexity is not None:
            return self.trained_perplexity  # its documents were dropped after training
        return float(self.model.perplexity)

    trained_perplexity: float | None = None

    def __getstate__(self) -> dict[str, Any]:
        # the topics, priors and word counts only: what inference on new texts needs. With its
        # training documents the model is ~30 bytes a token (200 MB at 100,000 documents, 2 GB at a
        # million) and saving it would copy all of that in memory; the training perplexity, which
        # needs them, is kept as a number
        if self.model is None:
            return {"model": None}
        return {"model": self.model.saves(full=False), "perplexity": self.perplexity(sp.csr_matrix((0, 0)))}

    def __setstate__(self, state: dict[str, Any]) -> None:
        import tomotopy

        blob = state["model"]
        self.model = tomotopy.LDAModel.loads(blob) if blob is not None else None
        self.trained_perplexity = state.get("perplexity")  # absent in pickles that kept the documents
