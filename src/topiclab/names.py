"""Names and allowed values shared by the stages and the command line.

Kept in a module that imports nothing, so that ``topiclab --help`` and argument errors answer
without loading NumPy, pandas or the segmenter.
"""

from __future__ import annotations

VERSION = "0.1.0"  # topiclab.__version__; the package metadata says the same (pyproject.toml)

FORMATS = ("auto", "newsletter", "text", "dir", "csv", "tsv", "jsonl", "parquet")
ON_ERROR = ("stop", "skip")  # what a reader does with a bad file of a folder or a bad row of a table
UNITS = ("document", "paragraph", "chunk", "auto")
ENGINES = ("rjieba", "jieba")
MODELS = ("lda", "nmf", "kmeans", "agglomerative", "stm", "dtm")
TIME_BINS = ("year", "quarter", "month", "day")
LDA_BACKENDS = ("tomotopy", "sklearn", "gensim")
GENSIM_ALPHAS = ("asymmetric", "auto")  # document-topic priors gensim learns
MAX_SHARDS = 64  # LDA's shards (threads of tomotopy's partitioned sampler)
CLUSTER_METHODS = ("kmeans", "agglomerative")
EMBEDDINGS = ("word2vec", "lsa", "tfidf", "lsa+word2vec")

# Nouns, place and organisation names, other proper nouns, verbal and adjectival nouns,
# abbreviations (长三角-type j), idioms (l), and verbs: content words. Person names (nr) are
# left out by default: in bylined writing they name authors, not themes.
DEFAULT_POS = ("n", "ng", "ns", "nt", "nz", "vn", "an", "j", "l", "v")
DEFAULT_ENGINE = "rjieba"
DEFAULT_MIN_LEN = 2
DEFAULT_CHUNK_SIZE = 200
# Paragraphs and chunks with fewer tokens than this join their neighbour in the same document
# (headings, datelines, one-line paragraphs): experiments/genre_defaults.
DEFAULT_MIN_UNIT_TOKENS = 10
