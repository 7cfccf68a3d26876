"""topiclab: topic modeling for Chinese text.

The package follows one data flow, a module a stage::

    sources -> corpus -> preprocess -> vectorize -> models -> evaluate -> compare -> plots

Example:
    >>> import topiclab
    >>> corpus = topiclab.load_seed()
    >>> len(corpus)
    23
"""

from __future__ import annotations

from topiclab.corpus import Corpus, Document, load_corpus, load_seed
from topiclab.errors import ConfigError, InputError, TopiclabError

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Corpus",
    "Document",
    "InputError",
    "TopiclabError",
    "__version__",
    "load_corpus",
    "load_seed",
]
