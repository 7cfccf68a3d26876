"""The report and the pyLDAvis view in a real browser with no CJK font installed: Chinese shows.

Headless Chromium runs with a fontconfig that offers only Latin fonts (matplotlib's DejaVu), so
Chinese without a font of its own is drawn as boxes. Each page is opened three ways:

* as written;
* without its ``@font-face`` rule: boxes, narrower than the 1 em of a CJK glyph (this proves the
  browser has no CJK font to fall back on, so the other checks mean something);
* with the rule pointing at the same font installed (``local()``, the font added to fontconfig):
  the rendering a machine with Noto Sans CJK SC shows.

As written, the page must look like the third, pixel for pixel, where its Chinese is, and not
like the second. The Chinese texts are found by a script the test adds to the page, which also
reports their font and width and the state of the font face (read back with ``--dump-dom``).

Chromium comes from Debian's ``chromium`` package (``.ci/run`` installs it); without it the tests
are skipped.
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from PIL import Image

from topiclab.plots import cjk_font_path
from topiclab.report import write_report
from topiclab.webfont import FAMILY

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
pytestmark = [pytest.mark.slow,  # about 12 s: a report with its pyLDAvis page, six browser runs
              pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH: apt-get install chromium "
                                                          "(.ci/run installs it)")]

FONT_FACE = re.compile(r"@font-face\{[^}]*\}")  # base64 has no braces
# Once the page's fonts are ready: each element whose own text has Chinese, with the box of that text, and
# the state of each font face, put into the DOM for --dump-dom (hidden, so the screenshot is the page's).
MEASURE = """<script>document.fonts.ready.then(() => {
  const out = {faces: [...document.fonts].map(f => [f.family, f.status]), texts: []};
  for (const el of document.querySelectorAll("h1, h2, p, td, th, figcaption, svg text")) {
    const text = el.textContent.trim();
    if (!/[\\u4e00-\\u9fff]/.test(text)) continue;
    const range = document.createRange(); range.selectNodeContents(el);
    const r = range.getBoundingClientRect(), style = getComputedStyle(el);
    out.texts.push({text, family: style.fontFamily, size: parseFloat(style.fontSize), width: r.width,
                    box: [r.left, r.top, r.right, r.bottom]});
  }
  const pre = document.createElement("pre");
  pre.id = "measured"; pre.style.display = "none"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});</script>"""


@pytest.fixture(scope="module")
def pages(seed_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    ldavis = importlib.util.find_spec("pyLDAvis") is not None
    return write_report(seed_run, tmp_path_factory.mktemp("browser") / "report", ldavis=ldavis)


@pytest.fixture(scope="module")
def fontconfigs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``latin``: the DejaVu fonts matplotlib ships, no CJK; ``cjk``: the same plus the CJK font the pages embed.

    Whatever the machine has installed, the browser sees only these.
    """
    root = tmp_path_factory.mktemp("fontconfig")
    latin, cjk = root / "latin", root / "cjk"
    latin.mkdir()
    cjk.mkdir()
    # DejaVu only: matplotlib's folder also holds a last-resort font that has a box for every character
    for font in sorted((Path(matplotlib.get_data_path()) / "fonts" / "ttf").glob("DejaVu*.ttf")):
        (latin / font.name).symlink_to(font)
    (cjk / cjk_font_path().name).symlink_to(cjk_font_path())
    confs = {}
    for name, dirs in (("latin", [latin]), ("cjk", [latin, cjk])):
        conf = root / f"{name}.conf"
        conf.write_text("<?xml version=\"1.0\"?>\n<fontconfig>" + "".join(f"<dir>{d}</dir>" for d in dirs)
                        + f"<cachedir>{root / ('cache-' + name)}</cachedir></fontconfig>\n", encoding="utf-8")
        confs[name] = conf
    return confs


def _open(page: str, fontconfig: Path, window: tuple[int, int], tmp: Path) -> tuple[dict, np.ndarray]:
    """Open ``page`` in headless Chromium: what MEASURE found, and a grey-scale screenshot of the window."""
    work = Path(tempfile.mkdtemp(dir=tmp))
    (work / "page.html").write_text(page.replace("</body>", MEASURE + "</body>", 1), encoding="utf-8")
    shot = work / "shot.png"
    res = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={work / 'profile'}",
         "--hide-scrollbars", "--force-device-scale-factor=1", f"--window-size={window[0]},{window[1]}",
         "--virtual-time-budget=10000", f"--screenshot={shot}", "--dump-dom", (work / "page.html").as_uri()],
        env={**os.environ, "FONTCONFIG_FILE": str(fontconfig), "HOME": str(work)},
        capture_output=True, text=True, timeout=120, check=False)
    found = re.search(r'<pre id="measured"[^>]*>(.*?)</pre>', res.stdout, re.S)
    assert res.returncode == 0 and found and shot.is_file(), res.stderr[-3000:]
    return json.loads(html.unescape(found.group(1))), np.asarray(Image.open(shot).convert("L"), dtype=np.int16)


def _full_width(texts: list[dict]) -> list[bool]:
    """For texts of Chinese only: is each glyph 1 em wide, as Noto Sans CJK's are (advances rounded to pixels)?"""
    only = [t for t in texts if re.fullmatch(r"[\u4e00-\u9fff]+", t["text"])]
    assert only, "no text of Chinese only on the page"
    return [abs(t["width"] / len(t["text"]) - t["size"]) <= 0.5 for t in only]


def _check_page(page: str, fontconfigs: dict[str, Path], tmp: Path, window: tuple[int, int]) -> dict:
    """The checks of the module docstring; returns what MEASURE found on the page as written."""
    assert len(FONT_FACE.findall(page)) == 1
    local = FONT_FACE.sub(lambda m: re.sub(r"src:[^;}]*", 'src:local("NotoSansCJKsc-Regular")', m.group(0)), page)
    variants = ((page, "latin"), (FONT_FACE.sub("", page), "latin"), (local, "cjk"))
    with ThreadPoolExecutor(len(variants)) as pool:  # side by side: each browser spends most of its time starting
        (got, shot), (bare, shot_bare), (installed, shot_installed) = pool.map(
            lambda v: _open(v[0], fontconfigs[v[1]], window, tmp), variants)

    assert bare["faces"] == [] and not any(_full_width(bare["texts"]))  # no CJK font to fall back on: boxes
    assert [FAMILY, "loaded"] in got["faces"]
    assert all(t["family"].startswith(FAMILY) for t in got["texts"])
    assert all(_full_width(got["texts"]))
    assert got["texts"] == installed["texts"]  # the same layout as with the font installed
    in_view = [t for t in got["texts"] if t["box"][2] <= window[0] and t["box"][3] <= window[1]]
    assert in_view
    for t in in_view:
        box = _pixels(t["box"])
        assert np.array_equal(shot[box], shot_installed[box]), t["text"]  # the installed font's glyphs ...
    boxes = np.array([t["box"] for t in in_view])
    box = _pixels([*boxes[:, :2].min(axis=0), *boxes[:, 2:].max(axis=0)])
    assert np.mean(shot[box] != shot_bare[box]) > 0.05  # ... not the boxes
    return got


def _pixels(box: list[float]) -> tuple[slice, slice]:
    """The screenshot's rows and columns under a text box ``[left, top, right, bottom]``."""
    left, top = (max(int(np.floor(v)), 0) for v in box[:2])
    right, bottom = (int(np.ceil(v)) for v in box[2:])
    return slice(top, bottom), slice(left, right)


def test_report_shows_chinese_from_its_embedded_font(pages: Path, tmp_path: Path, fontconfigs: dict[str, Path]):
    page = (pages / "report.html").read_text(encoding="utf-8")
    got = _check_page(page, fontconfigs, tmp_path, (1400, 7000))  # tall: the whole page, figures included
    assert {"上海", "长三角"} <= {t["text"] for t in got["texts"]}  # the region table


def test_ldavis_terms_drawn_by_d3_show_from_the_embedded_font(pages: Path, tmp_path: Path,
                                                              fontconfigs: dict[str, Path]):
    pytest.importorskip("pyLDAvis")
    got = _check_page((pages / "ldavis.html").read_text(encoding="utf-8"), fontconfigs, tmp_path, (1400, 900))
    assert len(got["texts"]) >= 30  # the 30 bar labels of the term chart
