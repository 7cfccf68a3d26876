"""topiclab: topic modeling for Chinese text.

The package follows one data flow, a module a stage::

    sources -> corpus -> preprocess -> vectorize -> models -> evaluate -> compare -> plots

One call a job: :func:`fit` (a DataFrame, a Series, a list of texts, a path or a Corpus),
:func:`compare` (groups of a fit, with uncertainty), :func:`sweep` (every k x seed) and
:func:`load` (a run folder). The names are imported when first used, so that ``import
topiclab`` and the ``topiclab`` command start without loading the numerical stack.

Example:
    >>> import topiclab
    >>> result = topiclab.fit(k=4)              # the embedded seed corpus: 23 articles
    >>> comparison = topiclab.compare(result, by="region", n_boot=200)
    >>> result.document_table().shape[0], sorted(comparison.prevalence["group"].unique())
    (23, ['上海', '江苏', '浙江', '长三角'])
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from topiclab.errors import ConfigError, InputError, TopiclabError
from topiclab.names import VERSION

if TYPE_CHECKING:
    from topiclab.api import Result, compare, fit, load, sweep
    from topiclab.config import FitConfig
    from topiclab.corpus import Corpus, Document, load_corpus, load_seed

__version__ = VERSION

_LAZY = {"Corpus": "topiclab.corpus", "Document": "topiclab.corpus", "load_corpus": "topiclab.corpus",
         "load_seed": "topiclab.corpus", "fit": "topiclab.api", "compare": "topiclab.api", "sweep": "topiclab.api",
         "load": "topiclab.api", "Result": "topiclab.api", "FitConfig": "topiclab.config"}

__all__ = [
    "ConfigError",
    "Corpus",
    "Document",
    "FitConfig",
    "InputError",
    "Result",
    "TopiclabError",
    "__version__",
    "compare",
    "fit",
    "load",
    "load_corpus",
    "load_seed",
    "sweep",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'topiclab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
