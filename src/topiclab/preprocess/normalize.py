"""Text normalisation before segmentation.

* Full-width letters, digits and symbols (ＡＢＣ１２３％, U+FF01–FF5E) become half-width, the
  ideographic space a plain space; the full-width forms Chinese uses as its own punctuation
  (，！？：；（）) and its native marks (。、“”) are kept.
* Unicode NFC composition: safe for Chinese (NFKC would also rewrite punctuation and
  compatibility ideographs, so it is not used).
* URLs, e-mail addresses and numbers are replaced by a space (default) or kept; a number
  inside a name such as ``PM2.5`` or ``G60`` is part of the name, not a number.
* LaTeX-style sub- and superscripts left by PDF extraction (``PM_{2.5}``, ``m^{3}``) are
  flattened (``PM2.5``), so no brace or underscore reaches the tokens.
* Traditional to simplified Chinese, optionally, with OpenCC (``pip install 'topiclab[opencc]'``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from topiclab.errors import ConfigError

# Full-width forms of ASCII letters, digits and symbols; the forms Chinese uses as its own
# punctuation (，！？：；（）) are left alone.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in "，！？：；（）"} | {0x3000: 0x20}
_FULLWIDTH_RUN = re.compile("[" + re.escape("".join(map(chr, _FULLWIDTH))) + "]+")
_URL = re.compile(r"(?:https?://|www\.)[^\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER = re.compile(r"(?<![A-Za-z0-9.])[-+]?\d+(?:[.,]\d+)*%?(?![A-Za-z])")
_LATEX_SCRIPT = re.compile(r"[_^]\{([^{}]*)\}")
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+\*?")

PATTERN_MODES = ("remove", "keep")


def check_mode(name: str, mode: str) -> None:
    """Refuse an unknown URL / e-mail / number mode, listing the valid ones."""
    if mode not in PATTERN_MODES:
        raise ConfigError(f"unknown {name} mode {mode!r}; choose one of {', '.join(PATTERN_MODES)}")


def normalize_text(
    text: str, *, urls: str = "remove", emails: str = "remove", numbers: str = "remove", t2s: bool = False
) -> str:
    """Normalise one text for segmentation (see the module docstring).

    Example:
        >>> normalize_text("ＰＭ_{2.5}浓度下降３０％，详见 https://example.cn/a 。")
        'PM2.5浓度下降 ，详见   。'
        >>> normalize_text("PM_{2.5}", numbers="keep")
        'PM2.5'
    """
    for name, mode in (("urls", urls), ("emails", emails), ("numbers", numbers)):
        check_mode(name, mode)
    text = unicodedata.normalize("NFC", half_width(text))
    text = _LATEX_COMMAND.sub(" ", _LATEX_SCRIPT.sub(r"\1", text))
    if urls == "remove":
        text = _URL.sub(" ", text)
    if emails == "remove":
        text = _EMAIL.sub(" ", text)
    if numbers == "remove":
        text = _NUMBER.sub(" ", text)
    if t2s:
        text = _opencc().convert(text)
    return text


def half_width(text: str) -> str:
    """Full-width letters, digits and symbols as half-width, the ideographic space as a space;
    Chinese punctuation (，！？：；（）。、“”) kept.

    Example:
        >>> half_width("ＰＭ２．５浓度下降３０％，详见附件")
        'PM2.5浓度下降30%，详见附件'
    """
    # only the full-width runs are translated: str.translate walks every character through a dict
    return _FULLWIDTH_RUN.sub(lambda m: m.group().translate(_FULLWIDTH), text)


@cache
def _opencc() -> Any:
    try:
        import opencc
    except ImportError:
        raise ConfigError("traditional-to-simplified conversion needs OpenCC; pip install 'topiclab[opencc]'") from None
    return opencc.OpenCC("t2s")
