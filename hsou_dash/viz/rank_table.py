"""The ranking table beside the map, as a plain HTML ``<table>``.

Why not ``st.dataframe``: its grid draws on a canvas from a 1.2 MB script (the grid and Arrow),
which the browser had to load and run before the map beside it appeared — about 0.2 s of every
/map visit (``benchmarks/browser.py``). A real table is also what a screen reader can walk
(caption, column and row headers), prints, and shows numbers in the page's language rather
than the browser's locale. Every text from the data is escaped here; Streamlit's ``st.html``
sanitises the result once more.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import pandas as pd

from hsou_dash.viz.formatting import missing, number

#: CSS of the table (page_frame puts it on every page): a scrolling box with a sticky header,
#: numbers right-aligned in tabular figures, the chosen territory highlighted.
CSS = """
.hsou-rank { max-height: 420px; overflow: auto; border: 1px solid #d5d7de;
  border-radius: 0.5rem; }
.hsou-rank:focus-visible { outline: 2px solid #0050b5; outline-offset: 2px; }
.hsou-rank table { border-collapse: collapse; width: 100%; font-size: 0.875rem; }
.hsou-rank caption { text-align: left; padding: 0.4rem 0.6rem; font-weight: 600; }
.hsou-rank th, .hsou-rank td { padding: 0.25rem 0.6rem; border-top: 1px solid #e6e7eb;
  text-align: left; font-weight: normal; vertical-align: top; }
.hsou-rank thead th { position: sticky; top: 0; background: #f0f2f6; font-weight: 600;
  z-index: 1; }
.hsou-rank .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.hsou-rank tr.sel { background: #e3ecfa; }
.hsou-rank tr.sel th, .hsou-rank tr.sel td { font-weight: 600; }
.hsou-rank .nodata { color: #585a66; font-style: italic; }"""

#: column kinds (``IndicatorView.columns``) shown as numbers
NUMERIC = frozenset({"rank", "year", "count", "number"})


def _num(kind: str) -> str:
    return ' class="num"' if kind in NUMERIC else ""


def cell_text(value: object, kind: str, decimals: int | None, lang: str) -> str | None:
    """The text of one cell (not yet escaped), or ``None`` for a missing value."""
    if missing(value):
        return None
    if kind in ("rank", "year"):
        return str(int(value))
    if kind == "count":
        return number(float(value), 0, lang)
    if kind == "number":
        return number(float(value), 2 if decimals is None else decimals, lang)
    return str(value)


def html(table: pd.DataFrame, columns: Mapping[str, tuple[str, str, int | None]], *,
         caption: str, lang: str, no_data: str, code: str | None = None,
         selected: str | None = None) -> str:
    """``table``'s ``columns`` (name → (label, kind, decimals)) as an HTML table.

    The first ``…_name`` column heads each row; a number that is missing reads ``no_data``
    (never blank, never a made-up value); the row whose ``code`` equals ``selected`` is
    highlighted and marked ``aria-current``. ``caption`` names the table (and its scrolling
    region, which takes the keyboard focus so it can be scrolled without a mouse).
    """
    names = list(columns)
    row_header = next((c for c in names if c.endswith("_name")), None)
    head = "".join(
        f'<th scope="col" data-col="{escape(c)}"{_num(columns[c][1])}>'
        f"{escape(str(columns[c][0]))}</th>" for c in names)
    missing = f'<span class="nodata">{escape(no_data)}</span>'
    codes = table[code].astype(str).tolist() if code and code in table.columns else None
    rows = []
    for i, record in enumerate(table[names].itertuples(index=False, name=None)):
        cells = []
        for c, value in zip(names, record, strict=True):
            _, kind, decimals = columns[c]
            text = cell_text(value, kind, decimals, lang)
            body = missing if text is None and kind in NUMERIC else escape(text or "")
            tag = "th" if c == row_header else "td"
            scope = ' scope="row"' if tag == "th" else ""
            cells.append(f"<{tag}{scope}{_num(kind)}>{body}</{tag}>")
        chosen = selected is not None and codes is not None and codes[i] == str(selected)
        attrs = ' class="sel" aria-current="true"' if chosen else ""
        rows.append(f"<tr{attrs}>{''.join(cells)}</tr>")
    label = escape(caption)
    return (f'<div class="hsou-rank" role="region" aria-label="{label}" tabindex="0">'
            f"<table><caption>{label}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")
