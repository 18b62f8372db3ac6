"""The home page's headline figures as one block of HTML cards.

Why not ``st.metric``: four metrics with a dozen captions are some thirty Streamlit elements,
each with its own React widget code; the browser drew them all before it revealed the map
below them, ~0.08 s of every home visit on a 2-core machine (``benchmarks/browser.py``). One
``st.html`` element shows the same figures, lays them out as a grid that wraps on a phone, and
keeps each figure's source and caveats inside its own card. Every text is escaped here (it may
come from the bundle); Streamlit's ``st.html`` sanitises the result once more.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

#: CSS of the cards (page_frame puts it on every page): the look of Streamlit's bordered
#: metrics, in a grid of equal columns that wraps below ~15 rem per card.
CSS = """
.hsou-cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
  gap: 1rem; margin: 0 0 1rem 0; }
.hsou-card { border: 1px solid #d5d7de; border-radius: 0.5rem; padding: 0.75rem 1rem; }
.hsou-card p { margin: 0 0 0.25rem 0; }
.hsou-card .hsou-card-label { font-size: 0.875rem; color: #31333f; }
.hsou-card .hsou-card-value { font-size: 2.25rem; line-height: 1.2; color: #31333f;
  margin-bottom: 0.5rem; font-variant-numeric: tabular-nums; }
.hsou-card .hsou-card-line { font-size: 0.875rem; color: #585a66; }
.hsou-card .hsou-card-line.warn { color: #8a4500; }
.hsou-card details, .hsou-card details p { font-size: 0.875rem; color: #585a66; }
.hsou-card details { margin-top: 0.25rem; }
.hsou-card summary { cursor: pointer; color: #0050b5; }
.hsou-card summary:focus-visible { outline: 2px solid #0050b5; outline-offset: 2px; }"""


@dataclass(frozen=True)
class Line:
    """One line under a figure's value; ``strong`` is appended in bold ("of which HSOÚ: 14"),
    ``warn`` marks a caveat the reader must not miss."""

    text: str
    strong: str | None = None
    warn: bool = False


@dataclass(frozen=True)
class Card:
    """One headline figure: plain texts (escaped when drawn), its lines, an optional
    explanation behind a disclosure."""

    label: str
    value: str
    lines: tuple[Line, ...] = ()
    help: str | None = None


def _line(line: Line) -> str:
    cls = "hsou-card-line warn" if line.warn else "hsou-card-line"
    strong = f"<strong>{escape(line.strong)}</strong>" if line.strong is not None else ""
    return f'<p class="{cls}">{escape(line.text)}{strong}</p>'


def html(cards: list[Card], *, label: str, help_label: str) -> str:
    """``cards`` as a list of figures named ``label``; a card's ``help`` opens under a
    ``help_label`` disclosure (a keyboard reaches it, unlike a hover tooltip)."""
    items = []
    for card in cards:
        parts = [f'<p class="hsou-card-label">{escape(card.label)}</p>',
                 f'<p class="hsou-card-value">{escape(card.value)}</p>',
                 *(_line(line) for line in card.lines)]
        if card.help:
            parts.append(f"<details><summary>{escape(help_label)}</summary>"
                         f"<p>{escape(card.help)}</p></details>")
        items.append(f'<div class="hsou-card" role="listitem">{"".join(parts)}</div>')
    return (f'<div class="hsou-cards" role="list" aria-label="{escape(label)}">'
            f'{"".join(items)}</div>')
