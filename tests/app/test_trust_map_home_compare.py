"""AppTest of issue 8 on /map, / and /compare: the map legend of a count, publisher-first
source lines, the dated HSOÚ share, year-picker notes at a series break, coverage notes and
both CSV variants."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd

from tests.app.conftest import home_cards, open_downloads, open_page, rank_table


def _legend(at) -> str:
    """The map's legend markup, from the folium script handed to the component."""
    comp = [e for e in at.get("component_instance") if "script" in e.proto.json_args][0]
    script = json.loads(comp.proto.json_args)["script"]
    return json.loads(re.search(r"d\.innerHTML = (\".*?\");", script).group(1))


def _captions(at) -> list[str]:
    return [c.value for c in at.caption]


def _source_lines(at) -> list[str]:
    return [c for c in _captions(at) if c.startswith("Zdroj:")]


def test_population_map_legend_reads_higher_value_not_worse():
    at = open_page("map", indicator="population", year="2020")
    assert not at.exception
    legend = _legend(at)
    assert "vyšší hodnota" in legend and "horší" not in legend
    assert "#08306b" in at.get("component_instance")[0].proto.json_args  # Blues, not red


def test_unemployment_map_legend_says_worse():
    at = open_page("map")
    assert "horší" in _legend(at)


def test_map_source_line_is_publisher_first_with_the_hsou_list_by_mmr():
    at = open_page("map", indicator="population", year="2021")
    assert not at.exception
    lines = _source_lines(at)
    assert lines and lines[0].startswith("Zdroj: ČSÚ – DataStat OBY02AT02")
    assert "k 31.\u00a012.\u00a02021" in lines[0]
    assert not any("github:" in c for c in _captions(at))
    assert any(c.startswith("Seznam HSOÚ: MMR") for c in _captions(at))
    assert at.get("popover")  # "Jak jsme data získali", one click away


def test_map_year_picker_notes_the_census_break():
    at = open_page("map", indicator="population", year="2021")
    notes = " ".join(w.value for w in at.warning)
    assert "K roku 2021" in notes and "Sčítání 2021" in notes
    at = open_page("map", indicator="population", year="2015")
    assert not any("Sčítání 2021" in w.value for w in at.warning)


def test_map_region_line_says_what_czechia_leaves_out():
    at = open_page("map", indicator="municipal_tax_revenue_per_capita", year="2019")
    assert not at.exception
    line = [c for c in _captions(at) if c.startswith("Ústecký kraj celkem")][0]
    assert "Česko:" in line and "bez 10 obcí (1\u00a0549 obyvatel)" in line


def test_map_offers_czech_excel_and_machine_csv(downloads):
    at = open_page("map")
    assert not at.get("download_button")  # behind "Stáhnout" until it is opened
    open_downloads(at)
    buttons = {b.proto.label: b for b in at.get("download_button")}
    assert {x for x in buttons if x.startswith("CSV")} == {"CSV pro Excel (CZ)",
                                                          "CSV (strojově čitelné)"}
    excel = downloads[Path(buttons["CSV pro Excel (CZ)"].proto.url).stem]
    back = pd.read_csv(io.BytesIO(excel), sep=";", decimal=",", encoding="utf-8-sig")
    assert len(back) == 16 and "Pořadí" in back.columns and "Hodnota (%)" in back.columns
    assert back["Hodnota (%)"].dtype == float
    machine = downloads[Path(buttons["CSV (strojově čitelné)"].proto.url).stem]
    plain = pd.read_csv(io.BytesIO(machine), encoding="utf-8-sig")
    assert list(plain.columns[:3]) == ["indicator_id", "year", "rank"]
    assert (plain["value"].to_numpy() == back["Hodnota (%)"].to_numpy()).all()


def test_map_values_have_fixed_decimals_in_the_page_language():
    for lang, pattern in (("cs", r"\d+,\d\d"), ("en", r"\d+\.\d\d")):
        at = open_page("map", indicator="distraint_share", year="2022", lang=lang)
        values = rank_table(at)["value"]
        assert len(values) == 16 and all(re.fullmatch(pattern, v) for v in values), values


def test_home_shows_the_2020_hsou_share_and_publisher_first_sources():
    at = open_page("home")
    assert not at.exception
    cards = {c["label"]: c for c in home_cards(at)}
    share = cards["Podíl obyvatel v HSOÚ (2020)"]
    assert re.fullmatch(r"\d+,\d\u00a0%", share["value"])
    assert "čtvrtina obyvatel Česka" in share["help"]  # behind its disclosure
    assert "Podíl osob v exekuci (15+) (2022)" in cards
    lines = [line for c in cards.values() for line in c["lines"]]
    assert any(c.startswith("Zdroj: ČSÚ – ") for c in share["lines"])
    assert any(c.startswith("Zdroj: Exekutorská komora ČR – Mapa exekucí") for c in lines)
    assert not any("github:" in c for c in [*_captions(at), *lines])
    assert any(c.startswith("Seznam HSOÚ: MMR") for c in _captions(at))
    current = [c for c in share["lines"] if c.startswith("Podíl obyvatel v HSOÚ (20")]
    assert current and "(2020)" not in current[0]  # the newer share carries its own year
    # the 2022 distraint caveats are warnings in their own card
    assert any(c.startswith("!") for c in cards["Podíl osob v exekuci (15+) (2022)"]["lines"])


def test_compare_sources_czechia_column_and_coverage():
    at = open_page("compare")
    assert not at.exception
    table = at.dataframe[0].value
    assert "cz" in table.columns
    une = table[table["indicator"] == "Podíl nezaměstnaných osob"].iloc[0]
    assert une["source"].startswith("ÚP ČR/MPSV – ") and "github" not in une["source"]
    assert une["cz"] == "3,94\u00a0%"
    assert any("bez 10 obcí" in c for c in _captions(at))
    sources = [c for c in _captions(at) if c.startswith("Zdroje vstupů")][0]
    assert "ČSÚ" in sources and "github:" not in sources
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["separators"] == ",\u202f"
    note = spec["layout"]["annotations"][-1]["text"]
    assert "Zdroj: ÚP ČR/MPSV" in note and "github" not in note
    distance = json.loads(at.dataframe[1].proto.columns)["distance"]
    assert distance["type_config"]["format"] == "localized"


def test_compare_year_notes_next_to_the_pickers():
    at = open_page("compare", y="distraint_share", yyear="2022")
    notes = " ".join(w.value for w in at.warning)
    assert "Svislá osa, rok 2022" in notes and "nevěrohodné" in notes
