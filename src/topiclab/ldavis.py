"""Interactive view of a run with pyLDAvis (the ``vis`` extra), topics numbered as topiclab numbers them.

pyLDAvis sorts topics by size and numbers them from 1 by default, so its "topic 3" is rarely
topiclab's topic 3. Here topics keep their order (``sort_topics=False``) and their numbers
(``start_index=0``). One limit of pyLDAvis's page with zero-based numbers: topic 0 is selected
by hovering or clicking its circle, not by typing 0 in the "Selected Topic" box (0 means "none"
there).

The page is written with d3, the LDAvis script and its stylesheet inlined from the installed
pyLDAvis package, so it opens without a network connection. Its Chinese terms are SVG text that d3
draws from the page's JSON data; the page embeds their glyphs as a web font
(:mod:`topiclab.webfont`) and styles the SVG text with it, so they show on a machine without CJK
fonts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from topiclab._io import atomic_file
from topiclab.errors import ConfigError
from topiclab.webfont import FAMILY, embed_font

_PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>{title}</title>
<style>{css}</style>
<style>body,svg text{{font-family:"{family}",sans-serif}}</style>
<script>{d3}</script>
<script>{ldavis}</script>
</head><body>
<div id="ldavis_topiclab" style="background-color:white;"></div>
<script>new LDAvis("#ldavis_topiclab", {data});</script>
</body></html>
"""


def _pyldavis() -> Any:
    try:
        import pyLDAvis
    except ImportError:
        raise ConfigError("the pyLDAvis view needs the vis extra: pip install 'topiclab[vis]'") from None
    return pyLDAvis


def prepare_ldavis(run_dir: Path, *, lambda_step: float = 0.01, top_terms: int = 30) -> Any:
    """pyLDAvis ``PreparedData`` for a run folder, topics in topiclab's order and numbering.

    Example:
        >>> prepare_ldavis(Path("no/such/run"))
        Traceback (most recent call last):
        topiclab.errors.InputError: no/such/run: no such run folder; give a folder written by topiclab fit
    """
    from topiclab.models.result import load_result
    from topiclab.runfolder import read_run_tokens, require_run_files

    run_dir = require_run_files(run_dir, ("tokens.jsonl", "model/result.json", "model/result.npz"))
    result = load_result(run_dir / "model")
    pyldavis = _pyldavis()
    index = {t: i for i, t in enumerate(result.terms)}
    by_unit = {unit_id: [index[t] for t in tokens if t in index] for unit_id, _, tokens in read_run_tokens(run_dir)}
    lengths = np.array([len(by_unit.get(u, [])) for u in result.unit_ids], dtype=float)
    ids = [i for v in by_unit.values() for i in v]
    counts = np.bincount(np.asarray(ids, dtype=np.int64), minlength=len(result.terms)).astype(float)
    keep = lengths > 0
    theta = result.doc_topic[keep]
    theta = theta / theta.sum(axis=1, keepdims=True)
    phi = result.topic_term / result.topic_term.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore"):  # NMF and cluster topics give terms zero weight: log 0 = -inf is meant
        return pyldavis.prepare(phi, theta, lengths[keep], list(result.terms), np.maximum(counts, 1e-12),
                                R=top_terms, lambda_step=lambda_step, sort_topics=False, start_index=0, n_jobs=1)


def export_ldavis(run_dir: Path, out: Path) -> Path:
    """Write the pyLDAvis page of a run folder to ``out`` (one HTML file that works offline).

    Example:
        >>> export_ldavis(Path("no/such/run"), Path("view.html"))
        Traceback (most recent call last):
        topiclab.errors.InputError: no/such/run: no such run folder; give a folder written by topiclab fit
    """
    data = prepare_ldavis(run_dir)
    from pyLDAvis import urls

    def read(path: str) -> str:
        return Path(path).read_text(encoding="utf-8").replace("</script", "<\\/script")

    page = _PAGE.format(title=f"topiclab · {Path(run_dir).resolve().name}", css=read(urls.LDAVIS_CSS_LOCAL),
                        family=FAMILY, d3=read(urls.D3_LOCAL), ldavis=read(urls.LDAVIS_LOCAL),
                        data=data.to_json().replace("</", "<\\/"))
    page = embed_font(page)  # after the data is in: the font holds the glyphs of its terms
    with atomic_file(Path(out)) as fh:
        fh.write(page)
    return Path(out)
