"""The notebooks run top to bottom on the public API (so CI keeps them working)."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


# what each notebook must show: numbers and findings, so that a change of behaviour fails here
EXPECTED = {
    "01_seed_corpus": ["documents: 23", "长三角重点产业创新链协同攻关机制研究", "n_tokens"],
    "02_lda_choosing_k": ["338 paragraphs, 1576 terms", "'k': 12"],
    "03_clusters_vs_lda": ["matched similarity of topic-term weights", "'nmi'"],
    "04_comparing_regions": ["7 · 协同攻关 创新 技术", "0 of 100 differences significant", "上海  (rest)"],
}


def test_every_notebook_has_expected_outputs():
    assert [p.stem for p in NOTEBOOKS] == sorted(EXPECTED)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TOPICLAB_CACHE", str(tmp_path / "cache"))
    book = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in book.cells if c.cell_type == "code"), "store notebooks with outputs cleared"
    nbclient.NotebookClient(book, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
                            ).execute()
    errors = [o for c in book.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    text = "".join(str(o) for c in book.cells for o in c.get("outputs", []))
    assert "Glyph" not in text, "a figure is missing Chinese glyphs"
    images = sum("image/png" in o.get("data", {}) for c in book.cells for o in c.get("outputs", []))
    assert images >= 1, "the notebook's figures are not displayed"
    shown = "".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                    for c in book.cells for o in c.get("outputs", []))
    for expected in EXPECTED[path.stem]:
        assert expected in shown, f"{path.name} no longer shows {expected!r}"
