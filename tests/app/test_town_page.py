"""AppTest of /town: featured towns, search, unknown codes, a town outside Ústecký kraj."""

from __future__ import annotations

import pytest

from tests.app.conftest import open_page, texts

FEATURED = {"567507": ("Dubí", "Teplice"), "563218": ("Mašťov", "Kadaň"),
            "565709": ("Štětí", "Litoměřice")}


def _links(at) -> list[str]:
    return [str(link.proto.label) for link in at.get("page_link")]


@pytest.mark.parametrize("code", list(FEATURED))
def test_featured_town_profile(code):
    name, orp = FEATURED[code]
    at = open_page("town", obec=code)
    assert not at.exception
    assert at.title[0].value == name
    shown = texts(at)
    assert f"ORP {orp}" in shown and code in shown and "Ústecký kraj" in shown
    assert "HSOÚ" in shown
    # population with its publisher-first source and the date in the one style
    assert "Zdroj: ČSÚ" in shown and "31.\u00a012.\u00a02025" in shown
    assert "km²" in " ".join(str(m.value) for m in at.metric)
    table = at.dataframe[0].value
    assert len(table) >= 20
    assert {"orp", "kraj", "cz", "rank_orp", "rank_kraj", "counts"} <= set(table.columns)
    distraint = table[table["indicator"] == "Podíl osob v exekuci (15+)"].iloc[0]
    assert "/" in distraint["counts"] and " z " in distraint["rank_orp"]
    assert "ČÚZK" in shown  # locator map attribution
    links = _links(at)
    assert any(orp in label for label in links)  # link to its ORP profile
    assert at.query_params["obec"] in (code, [code])
    assert at.selectbox(key="town.trend").value == "distraint_share"


def test_featured_towns_are_offered():
    at = open_page("town")
    assert not at.exception
    links = " ".join(_links(at))
    for name, orp in FEATURED.values():
        assert name in links and orp in links


def test_small_numbers_are_flagged():
    at = open_page("town", obec="563218")
    table = at.dataframe[0].value
    ageing = table[table["indicator"].str.startswith("Index stáří")].iloc[0]
    assert "⚠" in ageing["value"] and ageing["flag"]  # 78 children aged 0–14
    assert any("méně než 100 osob" in c.value for c in at.caption)


@pytest.mark.parametrize("bad", ["999999", "12", "abc"])
def test_unknown_code_gives_a_notice(bad):
    at = open_page("town", obec=bad)
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    assert bad in notices
    assert at.title[0].value == "Profil obce"
    assert not at.dataframe


def test_search_without_diacritics_opens_the_town():
    at = open_page("town")
    at.text_input(key="town.q").set_value("mastov").run()
    assert not at.exception
    pick = at.selectbox(key="town.pick")
    assert pick.options == ["Mašťov – ORP Kadaň, okres Chomutov"]
    pick.set_value("563218").run()
    assert not at.exception
    assert at.title[0].value == "Mašťov"
    assert at.query_params["obec"] in ("563218", ["563218"])


def test_trend_picker_changes_chart():
    at = open_page("town", obec="567507")
    before = at.get("plotly_chart")[0].proto.spec
    at.selectbox(key="town.trend").set_value("population").run()
    assert not at.exception
    assert at.get("plotly_chart")[0].proto.spec != before
    assert any("2021" in c.value for c in at.caption)  # census break explained


def test_town_outside_ustecky_kraj_and_english():
    at = open_page("town", obec="500011", lang="en")  # Želechovice nad Dřevnicí, Zlínský kraj
    assert not at.exception
    assert at.title[0].value == "Želechovice nad Dřevnicí"
    shown = texts(at)
    assert "ORP Zlín" in shown and "Zlínský kraj" in shown and "not an HSOÚ" in shown
    assert len(at.dataframe[0].value) >= 20
    assert "Boundaries" in shown
