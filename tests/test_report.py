"""Reports, figures and the pyLDAvis view of a run folder."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest
from fontTools.ttLib import TTFont

from topiclab.errors import InputError
from topiclab.plots import cjk_font_path
from topiclab.report import write_report
from topiclab.webfont import FAMILY

EMBEDDED = re.compile(r'<style>@font-face\{font-family:"topiclab-cjk";src:url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\) '
                      r'format\("woff"\)\}</style>')


def _embedded_font(page: str) -> tuple[TTFont, int]:
    """The one font a page embeds, and its size in bytes."""
    (data,) = EMBEDDED.findall(page)
    raw = base64.b64decode(data)
    return TTFont(io.BytesIO(raw)), len(raw)


def test_report_has_corpus_settings_metrics_topics_figures_and_comparison(seed_run: Path, tmp_path: Path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = write_report(seed_run, tmp_path / "rep")
    assert not [w for w in caught if "Glyph" in str(w.message)]
    md = (out / "report.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    topics = pd.read_csv(seed_run / "topics.csv")
    first = " ".join(topics[(topics["topic"] == 0) & (topics["rank"] <= 3)]["term"])
    for text in ("## Corpus", "23 documents", "| 上海 | 14 |", "## Settings", 'name = "nmf"', "## Metrics", "npmi",
                 "## Topics", first, "## Comparison by region", "Jensen–Shannon"):
        assert text in md, text
    assert first in html and html.count("data:image/png;base64,") == 5  # 2 run figures + 3 comparison figures
    for ref in ("figures/top_terms.png", "figures/composition.png", "figures/compare-region-prevalence_heatmap.png"):
        assert f"]({ref})" in md and (out / ref).stat().st_size > 10_000


def test_report_bad_input_and_no_half_overwrite(seed_run: Path, tmp_path: Path):
    run = tmp_path / "run"
    shutil.copytree(seed_run, run)
    out = write_report(run)  # the default: inside the run folder
    assert out == run / "report"
    with pytest.raises(InputError, match="already exists"):
        write_report(run)
    before = (out / "report.md").read_bytes()
    (run / "topics.csv").unlink()
    res = subprocess.run([sys.executable, "-m", "topiclab.cli", "report", str(run), "--overwrite"],
                         capture_output=True, text=True, check=False)
    assert res.returncode == 2 and "missing topics.csv" in res.stderr and "Traceback" not in res.stderr
    assert (out / "report.md").read_bytes() == before  # the old report is intact


def test_ldavis_keeps_topiclab_numbers_and_works_offline(seed_run: Path, tmp_path: Path):
    pytest.importorskip("pyLDAvis")
    from topiclab.ldavis import export_ldavis, prepare_ldavis

    data = prepare_ldavis(seed_run)
    assert list(data.topic_coordinates["topics"]) == list(range(10))
    topics = pd.read_csv(seed_run / "topics.csv")
    info = data.topic_info
    for t in range(10):
        # at lambda = 1 pyLDAvis ranks a topic's terms by p(term | topic): topiclab's own order
        ours = topics[topics["topic"] == t].sort_values("rank")["term"].head(5).tolist()
        theirs = info[info["Category"] == f"Topic{t}"].sort_values("logprob", ascending=False)["Term"].head(5).tolist()
        assert theirs == ours, t
    page = export_ldavis(seed_run, tmp_path / "v.html").read_text(encoding="utf-8")
    assert "<script src=" not in page and "<link" not in page and "new LDAvis(" in page  # nothing fetched
    assert page == export_ldavis(seed_run, tmp_path / "w.html").read_text(encoding="utf-8")


def test_report_html_embeds_the_glyphs_it_shows_small_and_byte_identical(seed_run: Path, tmp_path: Path):
    out = write_report(seed_run, tmp_path / "rep")
    page = (out / "report.html").read_text(encoding="utf-8")
    font, size = _embedded_font(page)
    assert size < 100_000, size  # 61.6 kB for the seed (82 kB as base64), next to 1 MB of figures
    glyphs = set(map(chr, font.getBestCmap()))
    shown = set(EMBEDDED.sub("", page)) - {"\n"}
    assert shown <= glyphs, shown - glyphs
    assert {chr(c) for c in range(0x20, 0x7F)} <= glyphs  # digits and punctuation from the same font
    assert f"body{{font-family:'{FAMILY}'," in page  # used first
    assert b'<meta charset="utf-8">' in (out / "report.html").read_bytes()[:1024]  # where browsers look for it
    assert "@font-face" not in (out / "report.md").read_text(encoding="utf-8")  # figures carry their own glyphs
    # the font's timestamps are the source file's, not the time of the build ...
    assert font["head"].modified == TTFont(cjk_font_path(), lazy=True)["head"].modified
    # ... and another process (other hash seed: other set orders) embeds the same bytes
    bare = tmp_path / "bare.html"
    bare.write_text(EMBEDDED.sub("", page), encoding="utf-8")
    code = ("import sys, pathlib; from topiclab.webfont import embed_font; p = pathlib.Path(sys.argv[1]); "
            "sys.stdout.buffer.write(embed_font(p.read_text(encoding='utf-8')).encode('utf-8'))")
    res = subprocess.run([sys.executable, "-c", code, str(bare)], capture_output=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert res.stdout == (out / "report.html").read_bytes()


def test_ldavis_embeds_the_glyphs_of_every_term_it_can_show(seed_run: Path, tmp_path: Path):
    pytest.importorskip("pyLDAvis")
    from topiclab.ldavis import export_ldavis, prepare_ldavis

    page = export_ldavis(seed_run, tmp_path / "v.html").read_text(encoding="utf-8")
    font, _ = _embedded_font(page)
    terms = set("".join(prepare_ldavis(seed_run).topic_info["Term"]))
    assert terms <= set(map(chr, font.getBestCmap()))
    assert f'svg text{{font-family:"{FAMILY}"' in page  # the terms are SVG text drawn by d3
    assert '<meta charset="utf-8">' in page[:1024]
