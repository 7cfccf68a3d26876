"""Chinese on any machine's browser: the glyphs a finished page uses, embedded in it as a web font.

A page topiclab writes (``report.html``, ``ldavis.html``) may be opened where no CJK font is
installed, and there Chinese shows as empty boxes. :func:`embed_font` takes the finished page,
collects every character it can show, cuts the Noto Sans CJK SC font that the ``mplfonts``
dependency ships (the figures' font, :func:`topiclab.plots.cjk_font_path`) down to those
characters plus printable ASCII with fontTools' subsetter, and adds the result as an
``@font-face`` rule named :data:`FAMILY` whose source is a base64 ``data:`` URI. The pages' CSS
names :data:`FAMILY` first.

Choices:

* WOFF (zlib, in the standard library): a compressed font every browser since 2012 reads. For
  the seed run's report: 61.6 kB (82 kB as base64, beside 1 MB of figures); WOFF2 would be 9 %
  smaller but needs the ``brotli`` package, which topiclab does not depend on; the bare OpenType
  file would be 22 % larger.
* CFF subroutines are flattened (smaller once compressed) and hints are kept (hinting
  rasterizers, as on Windows, use them to draw Chinese crisply at text sizes); the name table
  keeps the copyright and the SIL Open Font License entries, which the license asks every copy
  to carry.
* The same page gives the same bytes: characters are sorted and the font's ``head`` times are
  kept from the source file (fontTools would otherwise stamp the time of saving).
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from topiclab.plots import cjk_font_path

FAMILY = "topiclab-cjk"
ASCII = "".join(map(chr, range(0x20, 0x7F)))
_JSON_ESCAPES = re.compile(r"(?:\\u[0-9a-fA-F]{4})+")
_CHARSET = re.compile(r'<meta charset="?utf-8"?\s*/?>', re.IGNORECASE)


def page_characters(page: str) -> str:
    """Every character ``page`` can show, sorted: its source with character references and ``\\uXXXX`` decoded.

    A superset of the page's text (markup, styles and scripts are ASCII, which the font keeps
    anyway); the ``\\uXXXX`` escapes are those of JSON data a script renders, such as pyLDAvis's.

    Example:
        >>> "".join(c for c in page_characters('<p title="长">三角 &amp; &#x521b;</p><script>"\\\\u65b0"</script>')
        ...         if ord(c) > 127)
        '三创新角长'
    """
    text = html.unescape(page)
    text = _JSON_ESCAPES.sub(lambda m: json.loads(f'"{m.group(0)}"'), text)
    return "".join(sorted(set(text)))


def subset_font(chars: str, font: Path | None = None) -> bytes:
    """A WOFF font with the glyphs of ``chars`` and of printable ASCII, cut from ``font`` (default: the CJK font).

    Example:
        >>> woff = subset_font("长三角")
        >>> woff[:4], woff == subset_font("角三长")  # same characters, same bytes
        (b'wOFF', True)
        >>> sorted(chr(c) for c in TTFont(io.BytesIO(woff)).getBestCmap() if c > 127)
        ['三', '角', '长']
    """
    options = subset.Options()
    options.flavor = "woff"
    options.desubroutinize = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # 0: copyright, 13-14: license, asked to travel with the font
    face = TTFont(font or cjk_font_path(), lazy=True, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(chars) | set(ASCII))))
    subsetter.subset(face)
    out = io.BytesIO()
    face.flavor = "woff"
    face.save(out)
    return out.getvalue()


def font_face(chars: str) -> str:
    """The CSS ``@font-face`` rule of :data:`FAMILY`, its font (:func:`subset_font`) inlined as a data URI.

    Example:
        >>> font_face("长三角").startswith('@font-face{font-family:"topiclab-cjk";src:url(data:font/woff;base64,')
        True
    """
    data = base64.b64encode(subset_font(chars)).decode("ascii")
    return f'@font-face{{font-family:"{FAMILY}";src:url(data:font/woff;base64,{data}) format("woff")}}'


def embed_font(page: str) -> str:
    """``page`` with the ``@font-face`` rule of :data:`FAMILY` for its own characters, after its charset.

    The rule goes right after ``<meta charset="utf-8">``, which has to stay in the first 1024
    bytes, where browsers look for it. The page's styles still have to name :data:`FAMILY`.

    Example:
        >>> page = embed_font('<head><meta charset="utf-8"><style>p{font-family:topiclab-cjk}</style></head><p>长三角')
        >>> page.startswith('<head><meta charset="utf-8"><style>@font-face{font-family:"topiclab-cjk";src:url(data:')
        True
        >>> embed_font("<p>长三角</p>")
        Traceback (most recent call last):
        ValueError: page has no <meta charset="utf-8"> to put the font after
    """
    charset = _CHARSET.search(page)
    if charset is None:
        raise ValueError('page has no <meta charset="utf-8"> to put the font after')
    rule = f"<style>{font_face(page_characters(page))}</style>"
    return page[:charset.end()] + rule + page[charset.end():]
