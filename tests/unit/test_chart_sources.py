"""Charts built outside ``viz/charts.py`` carry their source and date as visible text, and the
support catalogue reads as cards on a phone.

A figure's hover text is not enough: a screenshot, a projector or the PNG export shows only
what is drawn. Expectations come from outside the code under test: the bundle's catalogue
CSV (who publishes an indicator, the year of its data), a fixed day, and a hostile name.
"""

from __future__ import annotations

import csv
import re
from datetime import date

import pandas as pd
import pytest

from hsou_dash.data.loaders import load_support
from hsou_dash.domain import support
from hsou_dash.domain.sources import source_info
from hsou_dash.text import translator
from hsou_dash.viz import compare_view, support_charts, support_view

DAY = date(2026, 11, 27)
#: the day as each language writes it (the app's one date style)
DAY_TEXT = {"cs": "27. 11. 2026", "en": "27 Nov 2026"}
SOURCE_WORD = {"cs": "Zdroj", "en": "Source"}


@pytest.fixture(scope="module")
def tables(bundle_dir):
    return load_support(bundle_dir)


@pytest.fixture(scope="module")
def table(tables):
    return support.instruments_table(tables.instruments, DAY)


def _notes(fig) -> list[str]:
    """Annotations drawn under the plot area (paper y ≤ 0 and shifted down)."""
    return [a.text for a in fig.layout.annotations
            if a.yref == "paper" and a.y is not None and a.y <= 0 and (a.yshift or 0) < 0]


def _plain(text: str) -> str:
    return text.replace("<br>", " ").replace("\u00a0", " ")


def _support_figures(tables, table, lang):
    tr = translator(lang)
    kinds = support.allocation_kinds(table, tables.by_territory)
    alloc, _ = support_view.allocations(table, kinds, tr, lang, DAY)
    timeline, _ = support_view.timeline(table, DAY, tr, lang)
    matrix = support_view.matrix(table, tr, lang, DAY)
    return {"allocation": alloc, "timeline": timeline, "matrix": matrix}


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_support_charts_print_their_source_and_day(tables, table, lang):
    for name, fig in _support_figures(tables, table, lang).items():
        notes = [_plain(n) for n in _notes(fig)]
        assert len(notes) == 1, (name, notes)
        assert notes[0].startswith(SOURCE_WORD[lang]), (name, notes)
        assert DAY_TEXT[lang] in notes[0], (name, notes)
        # the figure grew for the note instead of squeezing it into the axis labels
        assert fig.layout.margin.b >= 24 + support_charts.charts.SOURCE_LINE_PX, name
        _clears_the_axis_title(fig)


def _clears_the_axis_title(fig) -> None:
    """A note under a chart with an x-axis title at the bottom starts below that title
    (tick labels ~24 px, the title ~20 px more)."""
    note = next(a for a in fig.layout.annotations if a.y == 0 and (a.yshift or 0) < 0)
    titled = fig.layout.xaxis.title.text and fig.layout.xaxis.side != "top"
    assert -note.yshift >= (44 if titled else 24), (fig.layout.title.text, note.yshift)


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_per_inhabitant_chart_names_the_register_and_the_population(bundle, tables, table,
                                                                    lang):
    rows = support.per_inhabitant(tables.by_territory, bundle.orp, bundle.orp_values)
    years = sorted(rows["pop_year"].dropna().astype(int).unique())
    pop = source_info(bundle.catalog, bundle.orp_values, "population", years)
    _, fig, _ = support_view.territories(rows, table, translator(lang), lang, pop, DAY)
    note = _plain(_notes(fig)[0])
    assert note.startswith(SOURCE_WORD[lang]) and DAY_TEXT[lang] in note
    # every population year used as a divisor is dated in the note (31 Dec of that year)
    assert years and all(f"{y}" in note.split(" · ", 1)[1] for y in years), (years, note)
    _clears_the_axis_title(fig)


def test_the_timeline_source_sits_below_its_legend(tables, table):
    fig = _support_figures(tables, table, "cs")["timeline"]
    note = next(a for a in fig.layout.annotations if a.text.startswith("Zdroj"))
    legend_top = fig.layout.legend.y  # paper units, the legend hangs below it
    plot_px = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    # one entry a line at any screen width (a horizontal legend wrapped into ten rows on a
    # phone and ran over the note): its height is known
    assert fig.layout.legend.orientation == "v"
    entries = len({tr.legendgroup for tr in fig.data if tr.showlegend})
    legend_bottom_px = -legend_top * plot_px + entries * support_charts.LEGEND_ROW_PX
    assert entries >= 8 and -note.yshift >= legend_bottom_px, (note.yshift, legend_bottom_px)
    assert fig.layout.margin.b >= -note.yshift + 14  # and inside the figure


def test_a_chart_without_a_source_gets_no_empty_note():
    rows = pd.DataFrame({"label": ["A"], "amount": [1e9], "amount_text": ["1"], "kind": ["k"],
                         "source": ["u"]})
    fig = support_charts.allocation_bars(rows, title="t", axis="a")
    assert _notes(fig) == []


def test_the_source_of_a_hostile_register_is_escaped():
    rows = pd.DataFrame({"label": ["A"], "amount": [1e9], "amount_text": ["1"], "kind": ["k"],
                         "source": ["u"]})
    fig = support_charts.allocation_bars(rows, title="t", axis="a",
                                         source="<b onmouseover=x>Zdroj</b>")
    assert "<b " not in _notes(fig)[0] and "&lt;b" in _notes(fig)[0]


def _catalogue(bundle_dir) -> dict[str, dict]:
    with open(bundle_dir / "indicators" / "indicators_catalog.csv", encoding="utf-8") as f:
        return {r["indicator_id"]: r for r in csv.DictReader(f)}


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_percentile_dots_print_the_sources_of_what_they_draw(bundle, bundle_dir, lang):
    view = compare_view.comparison_view(bundle, ["4213", "4209"], translator(lang), lang)
    notes = [_plain(n) for n in _notes(view.chart)]
    assert len(notes) == 1, notes
    note = notes[0]
    assert note.startswith(SOURCE_WORD[lang])
    _clears_the_axis_title(view.chart)
    cat = _catalogue(bundle_dir)
    # the distraint share is drawn (a rate): its publisher, as the catalogue names it,
    # and the year of its data are in the note
    year = str(view.export.loc[view.export["indicator_id"] == "distraint_share",
                               "year"].iloc[0])
    assert any(f"({year})" in y for y in view.chart.layout.yaxis.categoryarray)
    publisher = cat["distraint_share"]["source"].split(" via ")[0]
    assert publisher in note and year in note, (publisher, year, note)
    # unemployment: ÚP ČR/MPSV, per the catalogue's own words
    assert cat["unemployment_share"]["source"].split(" via ")[0] in note


def test_percentile_dots_without_rows_carry_no_note():
    rows = pd.DataFrame(columns=["label", "orp_code", "percentile", "value_text"])
    fig = compare_view.compare_charts.percentile_dots(rows, names={}, title="t",
                                                      axis_title="a", source="")
    assert _notes(fig) == []


# ----------------------------------------------------------------------------- phone cards

@pytest.mark.parametrize("lang", ["cs", "en"])
def test_one_card_per_instrument_with_the_fields_a_reader_compares(tables, table, lang):
    tr = translator(lang)
    cards = support_view.catalogue_cards(table, tr, lang)
    assert len(cards) == len(tables.instruments) == 11
    raw = tables.instruments.set_index("instrument_id")
    for card, (_, row) in zip(cards, table.iterrows(), strict=True):
        lines = card.split("  \n")
        name = raw.at[row["instrument_id"], f"name_{lang}"]
        # the name leads (bold); Markdown escapes are only backslashes before specials
        assert lines[0].replace("\\", "").strip("*") == name
        labels = [ln.split(":")[0] for ln in lines[1:6]]
        assert labels == [tr.plain(f"support.col_{c}") for c in
                          ("provider", "level", "eligibility", "period", "allocation")]
        assert raw.at[row["instrument_id"], "provider"].split(" ")[0] in lines[1]
    # a published allocation is shown as published, an unpublished one never as zero
    allocated = table["allocation_czk"].notna().to_numpy()
    amounts = [c.split("  \n")[5] for c in cards]
    unpublished = tr.plain("support.not_published")
    assert all((unpublished in a) != pub for a, pub in zip(amounts, allocated, strict=True))


def test_cards_escape_register_text(table):
    hostile = table.head(1).copy()
    hostile["name_cs"] = "[klik](javascript:alert(1)) <img src=x onerror=alert(1)>"
    hostile["provider"] = "**tučně** :red[x]"
    hostile["url"] = "javascript:alert(1)"
    card = support_view.catalogue_cards(hostile, translator("cs"), "cs")[0]
    # every Markdown/HTML special from data is backslash-escaped: no live link, tag or style
    assert not re.search(r"(?<!\\)\]\(", card), card
    assert not re.search(r"(?<!\\)<img", card), card
    assert "\\*\\*tučně" in card and "\\[klik\\]" in card
    # a non-http source gives no link line at all
    assert card.split("  \n")[-1].startswith("Alokace")
