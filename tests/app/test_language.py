"""Every page speaks one language: the English pages show no Czech-only words of ours, the
Czech pages no English ones, and no page shows "None" or "nan" for a gap.

What is scanned is our own text: titles, headings, captions, alerts, widget labels, help,
placeholders and options, table column labels and chart text. Data quoted from the bundle
(instrument cards, table cells, source notes) is Czech by nature and labelled so; it is left out
except for the gap check.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.app.conftest import home_cards, open_page, rank_tables
from tests.conftest import strings

PAGES = {"home": {}, "map": {}, "orp": {}, "town": {"obec": "563218"}, "support": {},
         "compare": {}, "methodology": {}}

#: Czech words of ours that must not show on an English page (names such as "Ústecký kraj"
#: are data and may).
CZECH_ONLY = ["žádný", "žádná", "obcí", "dnes", "Zdroj", "Poskytovatel", "Druh částky",
              "Nejvyšší", "nejnižší", "ukazatel", "Obyvatel", "není HSOÚ", "bez dat",
              "Pořadí", "Vyberte", "území", "Mapa polohy"]
#: English words of ours that must not show on a Czech page.
ENGLISH_ONLY = ["None", "Provider", "today", "Share of", "Source", "Rank ", "not published",
                "allocation", "paid to beneficiaries", "municipalities", "Highest", "(in Czech)",
                "Region"]
GAPS = re.compile(r"(?<![\w.])(None|nan|NaN|<NA>)(?![\w])")
CZECH_DATE = re.compile(r"\b\d{1,2}\. \d{1,2}\. \d{4}\b")

WIDGETS = ("selectbox", "multiselect", "radio", "segmented_control", "pills", "slider",
           "select_slider", "text_input", "checkbox", "toggle", "number_input", "button",
           "expander", "tabs")


def _ours(at) -> list[str]:
    out: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "info", "warning", "error",
                 "success"):
        # quoted register text is labelled "(in Czech)" / "(text zdroje)": data, not ours
        out += [str(el.value) for el in getattr(at, kind)
                if "(in Czech)" not in str(el.value)]
    out += [f"{m.label} {m.value}" for m in at.metric]
    for card in home_cards(at):  # the home page's figures: labels and lines are ours
        out += [card["label"], card["help"], *card["lines"]]
    for el in at.markdown:  # line by line: quoted register fields and retrieval paths are data
        lines = str(el.value).splitlines()
        if len(lines) > 30:  # a document of the bundle (methodology, sources), quoted whole
            continue
        out += [line for line in lines
                if not re.search(r"\(in Czech\)|github|https?:|\.parquet|\.csv", line)]
    for kind in WIDGETS:
        try:
            elements = getattr(at, kind)
        except (AttributeError, KeyError):
            continue
        for el in elements:
            for attr in ("label", "help", "placeholder"):
                value = getattr(el, attr, None)
                if isinstance(value, str):
                    out.append(value)
            if kind in ("selectbox", "multiselect", "radio", "segmented_control", "pills"):
                out += [str(o) for o in (getattr(el, "options", None) or [])[:8]
                        if not str(o)[:1].isupper() or kind != "selectbox"][:8]
    for df in at.dataframe:
        columns = json.loads(df.proto.columns or "{}")
        out += [str(c.get("label", "")) for c in columns.values() if isinstance(c, dict)]
    for el in at.get("html"):  # the map's ranking table: its caption and column labels
        body = getattr(el.proto, "body", "")
        if 'class="hsou-rank"' in body:
            out += re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', body)
    return out


def _charts(at) -> list[str]:
    out: list[str] = []
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        layout = spec.get("layout", {})
        texts = [layout.get("title", {}), layout.get("xaxis", {}).get("title", {}),
                 layout.get("yaxis", {}).get("title", {}), layout.get("annotations", [])]
        out += [s for s in strings(texts) if len(s) < 300 and not s.startswith("#")]
        out += [str(d.get("name", "")) for d in spec.get("data", [])]
    return out


def _cells(at) -> list[str]:
    """Text cells as shown (a missing value is an empty cell; the text "None" is not)."""
    cells = [v for df in at.dataframe for v in df.value.to_numpy().ravel() if isinstance(v, str)]
    return cells + [v for df in rank_tables(at) for v in df.to_numpy().ravel()]


@pytest.fixture(scope="module", params=list(PAGES))
def both(request):
    page = request.param
    return page, open_page(page, **PAGES[page]), open_page(page, lang="en", **PAGES[page])


def _words_of_ours(at, words, after: str = "") -> set[str]:
    """Which of ``words`` our texts and charts on ``at`` show (``after``: what must not
    follow a word for it to count)."""
    assert not at.exception
    shown = "\n".join(_ours(at) + _charts(at))
    return {w for w in words if re.search(rf"(?<!\w){re.escape(w)}{after}", shown)}


def test_english_pages_have_no_czech_words_of_ours(both):
    page, _, en = both
    found = _words_of_ours(en, CZECH_ONLY)
    assert not found, (page, found)
    assert not CZECH_DATE.findall("\n".join(_charts(en))), page


def test_czech_pages_have_no_english_words_of_ours(both):
    page, cs, _ = both
    found = _words_of_ours(cs, ENGLISH_ONLY, after=r"(?!\w)")
    assert not found, (page, found)


def test_no_page_shows_none_for_a_gap(both):
    page, cs, en = both
    for at in (cs, en):
        shown = "\n".join(_ours(at) + _charts(at) + _cells(at))
        assert not GAPS.findall(shown), (page, GAPS.findall(shown)[:5])
