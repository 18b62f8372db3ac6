"""A profile's indicator table as short lines, for phones.

The ORP and town profiles compare a place with its kraj and Czechia in a table of ten columns;
at 390 px a grid shows the indicator's name and hides the values off to the right (a swipe
selects a cell instead of scrolling). The same rows as a list — the name, then the values
and the rank on one wrapped line — keep every number on screen at any width. The page shows
this list on narrow screens and the table on wide ones (``page_frame`` CSS).
"""

from __future__ import annotations

import pandas as pd

from hsou_dash.escape import md


def compact_markdown(table: pd.DataFrame, values: list[tuple[str, str]], *,
                     rank: tuple[str, str] | None = None) -> str:
    """A Markdown list, one item per row of ``table`` (columns ``indicator``, ``year`` and
    those named): "**Podíl nezaměstnaných osob** (2020)" and under it
    "Most **7,09 %** · Ústecký kraj 5,46 % · Česko 4,02 % · pořadí v kraji 1. z 16".

    ``values`` are (column, label) pairs, the first one in bold (the place's own value);
    ``rank`` is an optional (column, label). Labels and cells come from data and the
    catalogue: every one is escaped for Markdown here.
    """
    items = []
    for _, row in table.iterrows():
        parts = []
        for i, (col, label) in enumerate(values):
            cell = md(row[col]) if pd.notna(row[col]) else ""
            parts.append(f"{md(label)} **{cell}**" if i == 0 else f"{md(label)} {cell}")
        if rank is not None and pd.notna(row[rank[0]]):
            parts.append(f"{md(rank[1])} {md(row[rank[0]])}")
        head = f"**{md(row['indicator'])}** ({md(row['year'])})"
        items.append(f"- {head}  \n  " + " · ".join(parts))
    return "\n".join(items)
