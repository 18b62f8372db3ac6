"""Issue 8 in the views: palettes by indicator direction, trend gaps and break markers in the
figure spec, number/date/source formatting, the Czech-Excel CSV variant, display names."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest

from hsou_dash.data import geometry
from hsou_dash.data.loaders import orp_display_geometry
from hsou_dash.domain import series, sources
from hsou_dash.domain.catalogue import indicator_name
from hsou_dash.domain.profile import series as orp_series
from hsou_dash.text import translator
from hsou_dash.viz import charts, compare_view, export, formatting, indicator_view, palettes

TEPLICE = "4213"
BLUES_DARKEST = "#08306b"


@pytest.fixture(scope="module")
def uk_geo(bundle_dir, tmp_path_factory):
    geo = orp_display_geometry(bundle_dir, geometry.REGIONAL, tmp_path_factory.mktemp("g"))
    return geo[geo["kraj_code"] == "CZ042"]


def _view(bundle, geo, indicator: str, year: int, lang: str = "cs"):
    return indicator_view.build(bundle, geo, None, region="CZ042", indicator=indicator,
                                year=year, scheme="quantiles", k=5, tiles="none",
                                selected=None, tr=translator(lang), lang=lang)


def _legend(fmap) -> str:
    """The legend markup as the map's script carries it (a JSON string literal)."""
    html = fmap.get_root().render()
    return json.loads(re.search(r"d\.innerHTML = (\".*?\");", html).group(1))


def _luminance(hex_color: str) -> float:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# --- palettes by indicator kind -----------------------------------------------------------

@pytest.mark.parametrize("way", ["higher_worse", "lower_worse", "neutral"])
def test_every_number_of_classes_the_slider_offers_has_its_colours(way):
    from hsou_dash.domain.classify import MAX_K, MIN_K

    for k in range(1, MAX_K + 1):  # k = 6 used to raise IndexError (a stop past 1.0)
        colors = palettes.for_direction(k, way)
        assert len(colors) == len(set(colors)) == k, (k, colors)
    assert MIN_K >= 1


def test_population_gets_the_neutral_palette(bundle):
    colors = palettes.for_indicator(bundle.catalog, "population", 5)
    assert colors == palettes.for_direction(5, "neutral")
    assert colors[-1] == BLUES_DARKEST  # darkest = most inhabitants, in blue, not red
    assert not set(colors) & set(palettes.sequential_colors(5, True))


def test_unemployment_gets_the_worse_palette_darkest_at_the_top_class(bundle):
    colors = palettes.for_indicator(bundle.catalog, "unemployment_share", 5)
    assert colors == palettes.sequential_colors(5, higher_is_worse=True)
    lum = [_luminance(c) for c in colors]
    assert lum == sorted(lum, reverse=True)  # ascending classes get darker
    assert colors[-1] != colors[0] and _luminance(colors[-1]) < 100


def test_higher_better_reverses_the_worse_palette(bundle):
    colors = palettes.for_indicator(bundle.catalog, "total_increase_per_1000", 5)
    assert colors == palettes.sequential_colors(5, True)[::-1]


def test_every_count_is_neutral_on_the_map(bundle):
    for ind in ("population", "deaths", "persons_in_distraint", "municipal_tax_revenue"):
        assert palettes.for_indicator(bundle.catalog, ind, 4) == \
            palettes.for_direction(4, "neutral"), ind


def test_population_map_legend_says_higher_value_not_worse(bundle, uk_geo):
    legend = _legend(_view(bundle, uk_geo, "population", 2020).map)
    assert "vyšší hodnota" in legend and "horší" not in legend
    legend_en = _legend(_view(bundle, uk_geo, "population", 2020, "en").map)
    assert "higher value" in legend_en and "worse" not in legend_en
    assert "horší" in _legend(_view(bundle, uk_geo, "unemployment_share", 2020).map)


# --- trend gaps and break markers -----------------------------------------------------------

def _distraint_trend(bundle, lang="cs"):
    s = orp_series(bundle.orp_values, "orp_code", TEPLICE, "distraint_share")
    years = s.index.tolist()
    return years, charts.trend(
        {"Teplice": s}, title="Podíl osob v exekuci (15+)", unit="%", source="Zdroj: x",
        decimals=2, lang=lang, breaks=charts.break_marks("distraint_share", years,
                                                         translator(lang)),
        missing_label="bez dat")


def test_trend_keeps_missing_years_as_gaps(bundle):
    years, fig = _distraint_trend(bundle)
    assert years == [2016, 2017, 2019, 2021, 2022]
    spec = json.loads(fig.to_json())
    trace = spec["data"][0]
    assert trace["x"] == list(range(2016, 2023))
    y = dict(zip(trace["x"], trace["y"], strict=True))
    assert y[2018] is None and y[2020] is None
    assert all(y[yr] is not None for yr in years)
    assert trace["connectgaps"] is False
    assert "bez dat: 2018, 2020" in spec["layout"]["annotations"][-1]["text"]


def test_trend_marks_the_census_break_between_2020_and_2021(bundle):
    _, fig = _distraint_trend(bundle)
    spec = json.loads(fig.to_json())
    shapes = [s for s in spec["layout"]["shapes"] if s["x0"] == 2020.5]
    assert shapes and shapes[0]["x1"] == 2020.5 and shapes[0]["line"]["dash"] == "dash"
    marks = [a for a in spec["layout"]["annotations"] if a.get("x") == 2020.5]
    assert marks and "Sčítání 2021" in marks[0]["text"]
    assert "Sčítání 2021" in marks[0]["hovertext"] or "Sčítání" in marks[0]["hovertext"]


def test_trend_hover_uses_decimals_unit_and_separators(bundle):
    _, fig = _distraint_trend(bundle)
    spec = json.loads(fig.to_json())
    assert "%{y:,.2f}\u00a0%" in spec["data"][0]["hovertemplate"]
    assert spec["layout"]["separators"] == ",\u202f"
    _, fig_en = _distraint_trend(bundle, "en")
    assert json.loads(fig_en.to_json())["layout"]["separators"] == ".,"


def test_population_trend_breaks_are_the_declared_ones():
    marks = charts.break_marks("population", range(2015, 2026), translator("cs"))
    assert [(m.year, m.label) for m in marks] == [(2021, "Sčítání 2021"),
                                                  (2022, "dočasná ochrana")]
    assert "Sčítání 2021" in marks[0].text


# --- formatting -----------------------------------------------------------------------------

def test_plotly_separators():
    assert formatting.plotly_separators("cs") == ",\u202f"
    assert formatting.plotly_separators("en") == ".,"
    for fig in (charts.ranked_bars(pd.DataFrame({"orp_code": ["1"], "n": ["a"], "v": [1.5],
                                                 "t": ["1,5"]}), label="n", value="v",
                                   text="t", title="x", hsou=None),):
        assert fig.layout.separators == ",\u202f"


@pytest.mark.parametrize(("value", "indicator", "unit", "lang", "expected"), [
    (13.9, "distraint_share", "% of pop 15+", "cs", "13,90\u00a0%"),
    (5.1, "unemployment_share", "%", "cs", "5,10\u00a0%"),
    (5.1, "unemployment_share", "%", "en", "5.10\u00a0%"),
    (0.36, "dwellings_completed_per_1000", "dwellings per 1000 inhabitants", "cs",
     "0,36\u00a0bytů na 1000 obyv."),
    (118.04, "ageing_index", "index", "cs", "118,0"),
    (12345.0, "population", "persons", "cs", "12\u00a0345\u00a0osob"),
    (18132.4, "municipal_tax_revenue_per_capita", "CZK per inhabitant", "cs",
     "18\u00a0132\u00a0Kč/obyv."),
    (-1.41, "total_increase_per_1000", "per 1000", "cs", "\u22121,4\u00a0‰"),
    (float("nan"), "distraint_share", "%", "cs", "bez dat"),
])
def test_indicator_value_has_fixed_decimals(value, indicator, unit, lang, expected):
    assert formatting.indicator_value(value, indicator, unit, lang, "bez dat") == expected


def test_one_date_style():
    assert formatting.date("31.12.2020", "cs") == "31.\u00a012.\u00a02020"
    assert formatting.ref_phrase(["2020"], "cs") == "za rok 2020"
    assert formatting.ref_phrase(["31.12.2020"], "en") == "as of 31 Dec 2020"


def test_source_text_names_publisher_dataset_and_date(bundle):
    info = sources.source_info(bundle.catalog, bundle.orp_values, "population", [2021])
    text = formatting.source_text(info, "cs")
    assert text == ("Zdroj: ČSÚ – DataStat OBY02AT02 Počet obyvatel k 1. 1.; "
                    "k 31.\u00a012.\u00a02021")
    assert "github" not in text and formatting.retrieval(info)  # the path is one click away


# --- CSV: the Czech-Excel variant -----------------------------------------------------------

def test_czech_excel_csv_of_the_map_parses_with_czech_settings(bundle, uk_geo):
    view = _view(bundle, uk_geo, "unemployment_share", 2020)
    data = export.csv_bytes(view.export, fmt=export.CZECH_EXCEL, headers=view.headers)
    assert data.startswith("\ufeff".encode())
    back = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")
    assert len(back) == 16
    assert list(back.columns[:5]) == ["Ukazatel (kód)", "Rok", "Pořadí", "Kód ORP", "ORP"]
    value = back["Hodnota (%)"]
    assert value.dtype == float and value.between(0, 100).all()
    assert back.loc[back["Kód ORP"] == int(TEPLICE), "Hodnota (%)"].iloc[0] == \
        pytest.approx(view.table.set_index("orp_code").at[TEPLICE, "value"])
    machine = pd.read_csv(io.BytesIO(export.csv_bytes(view.export)), encoding="utf-8-sig")
    assert list(machine.columns[:3]) == ["indicator_id", "year", "rank"]


def test_both_csv_variants_neutralise_formulas():
    df = pd.DataFrame({"name": ["=HYPERLINK(\"http://x\")", "@SUM(A1)"], "value": [-1.5, 2.25]})
    headers = {"name": "+Název", "value": "Hodnota"}
    cz = export.csv_bytes(df, fmt=export.CZECH_EXCEL, headers=headers).decode("utf-8-sig")
    lines = cz.splitlines()
    assert lines[0] == "'+Název;Hodnota"
    assert lines[1].startswith("\"'=HYPERLINK(") and lines[1].endswith(";-1,5")
    assert lines[2] == "'@SUM(A1);2,25"
    plain = export.csv_bytes(df, headers=headers).decode("utf-8-sig").splitlines()
    assert plain[0] == "name,value" and plain[2] == "'@SUM(A1),2.25"


def test_compare_table_download_has_headers_and_czech_numbers(bundle):
    cmp = compare_view.comparison_view(bundle, [TEPLICE, "4214"], translator("cs"), "cs")
    data = export.csv_bytes(cmp.export, fmt=export.CZECH_EXCEL, headers=cmp.headers)
    back = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")
    assert {"Kód ORP", "Ukazatel (kód)", "Hodnota", "Percentil v Česku"} <= set(back.columns)
    assert back["Hodnota"].dtype == float


# --- names and notes ------------------------------------------------------------------------

def test_distraint_share_names_its_base_in_both_languages(bundle):
    assert indicator_name(bundle.catalog, "distraint_share", "cs") == \
        "Podíl osob v exekuci (15+)"
    assert "15+" in indicator_name(bundle.catalog, "distraint_share", "en")
    assert "15+" in indicator_name(bundle.catalog, "distraint_share_mz2024", "cs")
    assert indicator_name(bundle.catalog, "population", "cs") == "Počet obyvatel"


def test_year_picker_notes():
    years = [2015, 2019, 2020, 2021, 2022, 2023]
    keys = [n.text_key for n in series.picker_notes("population", 2021, years)]
    assert "trust.break.census_2021" in keys
    assert series.picker_notes("population", 2015, years) == []
    keys = [n.text_key for n in series.picker_notes("distraint_share", 2022,
                                                     [2016, 2017, 2019, 2021, 2022])]
    assert "map.caveat_distraint_2022" in keys


def test_old_caveats_live_in_the_series_declarations():
    """domain/caveats.py is gone: its rules are declarations read by series.value_notes."""
    def keys(ind, year):
        return [n.text_key for n in series.value_notes(ind, year)]

    assert keys("distraint_share", 2022) == ["trust.caveat.distraint_2022_denominator",
                                             "map.caveat_distraint_2022"]
    assert "map.caveat_distraint_2022" in keys("persons_in_distraint", 2022)
    assert keys("total_increase_per_1000", 2020) == ["map.caveat_end_year"]
    assert keys("distraint_share_mz2024", 2024) == ["map.caveat_mz2024"]
    assert keys("unemployment_share", 2020) == []
