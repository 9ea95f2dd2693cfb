"""A self-contained HTML report: the documents of calc and breakeven, with charts inline.

One file a person can email to a CFO: the styles are in the page, the charts
are inline SVG, and nothing is fetched from anywhere. Every text from a deal
file is escaped, so a name holding markup shows as text. The layout is the
same documents the terminal and markdown show, as HTML tables.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Final

from computelease.render.document import Document, Emphasis, Figures, Grid, Preformatted

STYLE: Final = """
body { font: 15px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       color: #1b1b1b; max-width: 1040px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1em; margin: 1.4em 0 0.4em; }
p.sub { margin: 0; color: #555; }
table { border-collapse: collapse; margin: 0.3em 0 1em; }
th, td { padding: 0.2em 0.8em 0.2em 0; text-align: left; vertical-align: top; }
th { border-bottom: 1px solid #999; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.assumed { color: #8a5a00; } td.fail { color: #b00020; font-weight: bold; }
pre { font-size: 12px; background: #f6f6f6; padding: 0.6em; overflow-x: auto; }
figure { margin: 1.5em 0; } figure svg { max-width: 100%; height: auto; }
details { color: #555; font-size: 0.9em; }
"""


def page(title: str, documents: Sequence[Document], charts: Sequence[tuple[str, str]]) -> str:
    """The report: ``documents`` in order, then each chart (caption, SVG text) inline."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>",
    ]
    for n, doc in enumerate(documents):
        parts.append(_document(doc, top=n == 0))
    if charts:
        parts.append("<h2>Charts</h2>")
        for caption, svg in charts:
            parts.append(f"<figure>{_inline(svg)}<figcaption>{_e(caption)}</figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _inline(svg: str) -> str:
    """An SVG file's text as an element of the page: from ``<svg`` on, without its prologue."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else ""


def _document(doc: Document, *, top: bool) -> str:
    out: list[str] = []
    if doc.title is not None:
        tag = "h1" if top else "h2"
        out.append(f"<{tag}>{_e(doc.title)}</{tag}>")
        out.extend(f'<p class="sub">{_e(line)}</p>' for line in doc.subtitle)
        if doc.banner:
            out.append(f"<p><strong>{_e(doc.banner)}</strong></p>")
    for section in doc.sections:
        if isinstance(section, Figures):
            heads = ("Figure", "Value", "Basis") if section.basis else ("Figure", "Value")
            rows = [line if section.basis else line[:2] for line in section.lines]
            out.append(_table(section.title, heads, rows, frozenset(), basis=section.basis))
        elif isinstance(section, Grid):
            out.append(_table(section.title, section.columns, section.rows, section.right))
        elif isinstance(section, Preformatted):
            out.append(f"<pre>{_e(chr(10).join(section.lines))}</pre>")
        elif isinstance(section, Emphasis):
            out.append(f"<p><strong>{_e(section.text)}</strong></p>")
    if doc.notes:
        out.append("<h3>Notes</h3><ul>" + "".join(f"<li>{_e(n)}</li>" for n in doc.notes) + "</ul>")
    if doc.conventions:
        items = "".join(f"<li>{_e(c)}</li>" for c in doc.conventions)
        out.append(f"<details><summary>Conventions</summary><ul>{items}</ul></details>")
    return "\n".join(out)


def _table(
    title: str,
    heads: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: frozenset[int],
    *,
    basis: bool = False,
) -> str:
    def cell(i: int, text: str, tag: str) -> str:
        classes = ["num"] if i in right else []
        if tag == "td" and basis and i == 2 and "assumed" in text:
            classes.append("assumed")
        if tag == "td" and re.search(r"\bFAIL\b", text):
            classes.append("fail")
        attr = f' class="{" ".join(classes)}"' if classes else ""
        return f"<{tag}{attr}>{_e(text)}</{tag}>"

    head = "".join(cell(i, h, "th") for i, h in enumerate(heads))
    body = "".join(
        "<tr>" + "".join(cell(i, c, "td") for i, c in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<h3>{_e(title)}</h3><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
