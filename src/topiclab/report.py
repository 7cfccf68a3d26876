"""One page per run folder: an HTML file with everything embedded, and a Markdown twin.

The report reads what ``topiclab fit`` wrote (and every ``compare-*`` folder beside it), draws
the top-terms grid and the document-topic composition, and lays out the corpus summary,
settings, metrics, topics and comparison tables. Images are PNG files under ``figures/`` for the
Markdown page and embedded as data URIs in the HTML page, so the HTML file can be mailed alone. The
HTML page carries its own Chinese font too: the glyphs it uses, cut from the font the figures use
(:mod:`topiclab.webfont`), so Chinese shows on a machine without CJK fonts.
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from topiclab._io import atomic_dir, check_destination
from topiclab.curation import Curation, read_topics, run_curation
from topiclab.runfolder import damaged, require_run_files
from topiclab.webfont import FAMILY, embed_font

REQUIRED = ("topics.csv", "doc_topics.csv", "metrics.json", "manifest.json", "config.toml")
COMPARE_FIGURES = ("prevalence_heatmap", "differences_forest", "prevalence_intervals")


@dataclass
class _Page:
    """Sections collected once, written as HTML and as Markdown."""

    title: str
    blocks: list[tuple[str, Any]] = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.blocks.append(("h2", text))

    def text(self, text: str) -> None:
        self.blocks.append(("p", text))

    def table(self, frame: pd.DataFrame) -> None:
        self.blocks.append(("table", frame))

    def code(self, text: str) -> None:
        self.blocks.append(("pre", text))

    def link(self, href: str, text: str) -> None:
        self.blocks.append(("a", (href, text)))

    def figure(self, path: Path, rel: str, caption: str) -> None:
        self.blocks.append(("img", (path, rel, caption)))

    def html(self) -> str:
        parts = [f"<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>{html.escape(self.title)}"
                 f"</title><style>{_CSS}</style></head><body><h1>{html.escape(self.title)}</h1>"]
        for kind, value in self.blocks:
            if kind == "table":
                assert isinstance(value, pd.DataFrame)
                parts.append(value.to_html(index=False, border=0, float_format=lambda x: f"{x:.3f}"))
            elif kind == "img":
                path, _, caption = value
                data = base64.b64encode(path.read_bytes()).decode("ascii")
                parts.append(f"<figure><img src=\"data:image/png;base64,{data}\" alt=\"{html.escape(caption)}\">"
                             f"<figcaption>{html.escape(caption)}</figcaption></figure>")
            elif kind == "a":
                href, text = value
                parts.append(f"<p><a href=\"{html.escape(href)}\">{html.escape(text)}</a></p>")
            else:
                parts.append(f"<{kind}>{html.escape(str(value))}</{kind}>")
        return embed_font("\n".join(parts) + "\n</body></html>\n")

    def markdown(self) -> str:
        parts = [f"# {self.title}"]
        for kind, value in self.blocks:
            if kind == "h2":
                parts.append(f"## {value}")
            elif kind == "table":
                assert isinstance(value, pd.DataFrame)
                parts.append(markdown_table(value))
            elif kind == "img":
                _, rel, caption = value
                parts.append(f"![{caption}]({rel})")
            elif kind == "a":
                href, text = value
                parts.append(f"[{text}]({href})")
            elif kind == "pre":
                parts.append(f"```toml\n{value}\n```")
            else:
                parts.append(str(value))
        return "\n\n".join(parts) + "\n"


# the embedded font first, so every machine draws the same glyphs; in <pre> a monospace font first for the
# ASCII of the settings, the embedded font for their Chinese
_CSS = (f"body{{font-family:'{FAMILY}','Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;max-width:1100px;"
        "margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;margin:1em 0;font-size:.9em}"
        "td,th{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left}pre{background:#f6f6f6;"
        "padding:1em;overflow:auto;font-size:.85em;font-family:ui-monospace,Menlo,Consolas,'DejaVu Sans Mono',"
        f"'Liberation Mono','{FAMILY}',monospace}}img{{max-width:100%}}figcaption{{color:#666;font-size:.9em}}")


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table (floats to 3 decimals, ``|`` escaped).

    Example:
        >>> print(markdown_table(pd.DataFrame({"topic": [0], "terms": ["长三角 创新链"], "share": [0.12345]})))
        | topic | terms | share |
        | --- | --- | --- |
        | 0 | 长三角 创新链 | 0.123 |
    """
    def cell(v: object) -> str:
        text = f"{v:.3f}" if isinstance(v, float) else ("" if v is None else str(v))
        return text.replace("|", "\\|").replace("\n", " ")

    rows = ["| " + " | ".join(map(str, frame.columns)) + " |", "| " + " | ".join("---" for _ in frame.columns) + " |"]
    rows += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(rows)


def _topics_table(topics: pd.DataFrame, doc_topics: pd.DataFrame, curation: Curation, n: int = 10) -> pd.DataFrame:
    top = topics[topics["rank"] <= n].sort_values(["topic", "rank"])
    terms = top.groupby("topic")["term"].apply(lambda t: " ".join(t.astype(str)))
    share = {int(c[6:]): float(doc_topics[c].mean()) for c in doc_topics.columns
             if c.startswith("topic_") and c[6:].isdigit()}
    where = {t: curation.status(t) for t in range(curation.k)}
    return pd.DataFrame({"topic": terms.index, "label": [curation.labels.get(int(t), "") for t in terms.index],
                         "status": [where.get(int(t), "") for t in terms.index],
                         "mean share": [share.get(int(t), float("nan")) for t in terms.index],
                         "top terms": terms.to_numpy()})


def _labels_note(folder: Path, curation: Curation) -> str | None:
    """What a reader should know about a comparison's topics: those excluded, and labels changed since."""
    path = folder / "topic_labels.csv"
    now = list(curation.table()[["topic", "label", "status"]].itertuples(index=False, name=None))
    if not path.is_file():
        plain = not curation.named and not curation.excluded and len(curation.groups) == curation.k
        return None if plain else ("This comparison was written before the run's topics were labelled; rerun "
                                   "topiclab compare with --overwrite to use the labels.")
    written = pd.read_csv(path, dtype={"label": str}, keep_default_na=False)
    parts = []
    excluded = written[written["status"] == "excluded"]
    if len(excluded):
        parts.append("Excluded from this comparison (reported, not compared): "
                     + "; ".join(f"{t} · {label}" for t, label in zip(excluded["topic"], excluded["label"])) + ".")
    merged = written[written["status"] == "merged"].groupby("compared_as")["topic"].apply(
        lambda t: "+".join(map(str, t)))
    if len(merged):
        parts.append("Merged topics, their shares summed: " + ", ".join(f"{m} (as topic {t})" for t, m in
                                                                       merged.items()) + ".")
    if list(written[["topic", "label", "status"]].itertuples(index=False, name=None)) != now:
        parts.append("The run's labels have changed since this comparison was written; rerun topiclab compare "
                     "with --overwrite to use them.")
    return " ".join(parts) or None


def _topic_name(prev: pd.DataFrame, folder: Path) -> list[str]:
    """``"2+4 · 区域经济"``: a compared topic's number (a merge's members) and label."""
    if "label" not in prev.columns:
        return [str(t) for t in prev["topic"]]
    members: dict[int, list[str]] = {}
    if (folder / "topic_labels.csv").is_file():
        written = pd.read_csv(folder / "topic_labels.csv", dtype={"compared_as": "Int64"})
        for t, rep in zip(written["topic"], written["compared_as"]):
            if not pd.isna(rep):
                members.setdefault(int(rep), []).append(str(t))
    return [f"{'+'.join(members.get(int(t), [str(t)]))} · {label}" for t, label in zip(prev["topic"], prev["label"])]


def _compare_section(page: _Page, folder: Path, fig_dir: Path, tmp: Path, curation: Curation) -> None:
    by = folder.name.removeprefix("compare-")
    page.heading(f"Comparison by {by}")
    note = _labels_note(folder, curation)
    if note:
        page.text(note)
    prev_path = folder / "prevalence.csv"
    if prev_path.is_file():
        prev = pd.read_csv(prev_path, dtype={"label": str}, keep_default_na=False)
        cell = prev.assign(v=[f"{m:.2f} [{lo:.2f}, {hi:.2f}]{' *' if s else ''}" for m, lo, hi, s in
                              zip(prev["mean"], prev["ci_low"], prev["ci_high"], prev["small_group"])],
                           name=_topic_name(prev, folder))
        table = cell.pivot(index=["topic", "name"], columns="group", values="v").reset_index(level="name")
        table = table.rename(columns={"name": "topic"}).reset_index(drop=True)
        page.text("Mean topic share by group with its bootstrap interval; * marks groups with too few documents "
                  "to test.")
        page.table(table)
    diff_path = folder / "differences.csv"
    if diff_path.is_file():
        diffs = pd.read_csv(diff_path, dtype={"label": str}, keep_default_na=False)
        sig = diffs[diffs["significant"].astype(str) == "True"]
        page.text(f"Differences with q < 0.05 (Benjamini–Hochberg over {len(diffs)} tests): {len(sig)}.")
        if len(sig):
            shown = ["group_a", "group_b", "topic", *(["label"] if "label" in sig.columns else []), "diff", "ci_low",
                     "ci_high", "p_value", "q_value"]
            page.table(sig[shown])
    div_path = folder / "divergence.csv"
    if div_path.is_file():
        page.text("Jensen–Shannon divergence between groups (bits), against a permutation baseline.")
        page.table(pd.read_csv(div_path))
    terms_path = folder / "distinctive_terms.csv"
    if terms_path.is_file():
        terms = pd.read_csv(terms_path)
        top = terms[terms["rank"] <= 8].groupby("group")["term"].apply(" ".join).reset_index()
        page.text("Most distinctive terms of each group (weighted log-odds, informative Dirichlet prior).")
        page.table(top)
    for name in COMPARE_FIGURES:
        png = folder / f"{name}.png"
        if png.is_file():
            target = fig_dir / f"{folder.name}-{name}.png"
            target.write_bytes(png.read_bytes())
            page.figure(target, target.relative_to(tmp).as_posix(), f"{name.replace('_', ' ')} ({by})")


def write_report(run_dir: Path, out: Path | None = None, *, overwrite: bool = False, ldavis: bool = False) -> Path:
    """Write ``report.html`` (self-contained) and ``report.md`` (+ ``figures/``) for a run folder.

    ``out`` defaults to ``RUN_DIR/report``; it is written atomically and an existing one is
    replaced only with ``overwrite``. ``ldavis`` adds ``ldavis.html``, the pyLDAvis view (the
    ``vis`` extra), linked from the report.

    Example:
        >>> write_report(Path("no/such/run"))
        Traceback (most recent call last):
        topiclab.errors.InputError: no/such/run: no such run folder; give a folder written by topiclab fit
    """
    from topiclab.plots import doc_topic_composition, save_figure, top_terms_grid

    run_dir = require_run_files(run_dir, REQUIRED)
    out = Path(out) if out is not None else run_dir / "report"
    check_destination(out, overwrite=overwrite, protect=[run_dir], kind="report")  # before any work
    with damaged(run_dir):
        topics = read_topics(run_dir)
        doc_topics = pd.read_csv(run_dir / "doc_topics.csv", dtype={"doc_id": str})
        metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
        manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
        page = _Page(f"topiclab report: {run_dir.resolve().name}")
        with atomic_dir(out, overwrite=overwrite, kind="report", protect=[run_dir]) as tmp:
            fig_dir = tmp / "figures"
            fig_dir.mkdir()
            page.heading("Corpus")
            page.text(f"{metrics['n_docs']} documents, {metrics['n_units']} units ({manifest.get('units', '?')}), "
                      f"{metrics['n_terms']} terms in the vocabulary. Segmenter: {manifest.get('engine', '?')}. "
                      f"Input SHA-256: {manifest.get('input_sha256', '?')}.")
            removed = manifest.get("boilerplate_lines") or {}
            if removed:
                page.text("Boilerplate lines removed before segmentation: "
                          + ", ".join(f"{reason} {n:,}" for reason, n in removed.items())
                          + " (every distinct line in the run's boilerplate.csv).")
            generic = run_dir / "generic_terms.csv"
            if generic.is_file() and manifest.get("generic_terms"):
                words = pd.read_csv(generic)["term"].astype(str).tolist()
                page.text(f"Generic words left out of the vocabulary: {len(words)} ({' '.join(words[:20])}"
                          f"{' …' if len(words) > 20 else ''}; all in generic_terms.csv).")
            if "region" in doc_topics.columns:
                counts = doc_topics["region"].fillna("(none)").value_counts().sort_index()
                page.table(pd.DataFrame({"region": counts.index, "documents": counts.to_numpy()}))
            page.heading("Settings")
            page.code((run_dir / "config.toml").read_text(encoding="utf-8").strip())
            page.heading("Metrics")
            page.table(pd.DataFrame({"metric": list(metrics), "value": [str(v) for v in metrics.values()]}))
            page.heading("Topics")
            curation = run_curation(run_dir)
            if curation.excluded:
                page.text("Excluded from comparisons (labels.toml; reported here, left out of every comparison): "
                          + "; ".join(f"{t} · {curation.labels[t]}" for t in curation.excluded) + ".")
            page.table(_topics_table(topics, doc_topics, curation))
            composition = curation.documents(doc_topics, excluded="keep")  # merges summed, excluded shown
            for name, fig, caption in (
                ("top_terms", top_terms_grid(topics, labels=curation.titles()), "top terms per topic"),
                ("composition", doc_topic_composition(composition, curation.display()), "document-topic composition"),
            ):
                save_figure(fig, fig_dir, name)
                page.figure(fig_dir / f"{name}.png", f"figures/{name}.png", caption)
            if ldavis:
                from topiclab.ldavis import export_ldavis

                export_ldavis(run_dir, tmp / "ldavis.html")
                page.link("ldavis.html", "Interactive view of the topics (pyLDAvis; topic numbers as above)")
            for folder in sorted(p for p in run_dir.glob("compare-*") if p.is_dir() and not p.name.startswith(".")):
                _compare_section(page, folder, fig_dir, tmp, curation)
            (tmp / "report.html").write_text(page.html(), encoding="utf-8")
            (tmp / "report.md").write_text(page.markdown(), encoding="utf-8")
    return out
