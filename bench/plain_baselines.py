"""Plain pipelines a researcher without topiclab would write, scored by NMI against news categories.

(a) jieba + a small token filter + gensim Dictionary/LdaModel, each document labelled by its dominant topic;
(b) the same tokens + scikit-learn TF-IDF + KMeans. Both run on ``labelled_news()`` with k = number of
categories; ``python bench/plain_baselines.py`` prints the mean NMI over seeds 1, 2 and 3.
"""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path

import jieba
from gensim.corpora import Dictionary
from gensim.models import LdaModel
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

from labelled_news import labelled_news

_HAN = re.compile(r"^[\u4e00-\u9fff]+$")


def tokens(text: str) -> list[str]:
    """jieba words of two or more characters, all Han."""
    return [w for w in jieba.lcut(text) if len(w) > 1 and _HAN.match(w)]


def _identity(doc: list[str]) -> list[str]:
    return doc


def plain_lda_labels(texts: list[str], k: int, seed: int) -> list[int]:
    """The dominant LDA topic of each text (gensim, passes=10); a text with no kept token gets topic 0."""
    docs = [tokens(t) for t in texts]
    dictionary = Dictionary(docs)
    dictionary.filter_extremes(no_below=2, no_above=0.5)
    bows = [dictionary.doc2bow(d) for d in docs]
    lda = LdaModel(bows, num_topics=k, id2word=dictionary, passes=10, random_state=seed)
    out = []
    for bow in bows:
        dist = lda.get_document_topics(bow, minimum_probability=0.0)
        out.append(max(dist, key=lambda p: p[1])[0] if bow else 0)
    return out


def plain_kmeans_labels(texts: list[str], k: int, seed: int) -> list[int]:
    """KMeans clusters (n_init=10) of the texts' TF-IDF vectors over the same jieba tokens."""
    vectorizer = TfidfVectorizer(analyzer=_identity, min_df=2, max_df=0.5)
    x = vectorizer.fit_transform([tokens(t) for t in texts])
    return [int(c) for c in KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(x)]


if __name__ == "__main__":
    jieba.setLogLevel(60)
    texts, labels = labelled_news()
    k = len(set(labels))
    print(f"{len(texts)} texts, k = {k}")
    for name, fn in (("plain LDA", plain_lda_labels), ("plain TF-IDF+KMeans", plain_kmeans_labels)):
        scores = [normalized_mutual_info_score(labels, fn(texts, k, seed)) for seed in (1, 2, 3)]
        print(f"{name:20} NMI mean {statistics.mean(scores):.3f}  ({', '.join(f'{s:.3f}' for s in scores)})")
