"""topiclab: topic modeling for Chinese text.

The package follows one data flow, a module a stage::

    sources -> corpus -> preprocess -> vectorize -> models -> evaluate -> compare -> plots

The names below are imported when first used, so that ``import topiclab`` and the
``topiclab`` command start without loading the numerical stack.

Example:
    >>> import topiclab
    >>> corpus = topiclab.load_seed()
    >>> len(corpus)
    23
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from topiclab.errors import ConfigError, InputError, TopiclabError

if TYPE_CHECKING:
    from topiclab.corpus import Corpus, Document, load_corpus, load_seed

__version__ = "0.1.0"

_LAZY = {"Corpus": "topiclab.corpus", "Document": "topiclab.corpus", "load_corpus": "topiclab.corpus",
         "load_seed": "topiclab.corpus"}

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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'topiclab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
