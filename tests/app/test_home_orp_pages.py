"""AppTest of / and /orp."""

from __future__ import annotations

from tests.app.conftest import card_values, home_cards, open_page, texts


def test_home_headline_for_ustecky_kraj():
    at = open_page("home")
    assert not at.exception
    metrics = card_values(at)
    assert metrics["ORP v území"] == "16"
    assert "5,46" in metrics["Podíl nezaměstnaných osob (2020)"]
    assert home_cards(at)[0]["lines"] == ["z toho HSOÚ: 14"]
    shown = texts(at)
    assert "ČÚZK" in shown and "73 ORP" in shown


def test_home_region_switch_changes_figures():
    at = open_page("home")
    at.selectbox(key="home.region").set_value("CZ").run()
    assert not at.exception
    assert card_values(at)["ORP v území"] == "206"
    assert at.query_params["region"] in ("CZ", ["CZ"])


def test_home_bad_region():
    at = open_page("home", region="Mars")
    assert not at.exception and "Mars" in at.info[0].value


def test_orp_profile_by_link():
    at = open_page("orp", orp="4213")
    assert not at.exception
    assert at.header[0].value == "Teplice"
    table = at.dataframe[0].value
    une = table[table["indicator"] == "Podíl nezaměstnaných osob"].iloc[0]
    assert une["value"] == "4,74\u00a0%" and une["kraj"] == "5,46\u00a0%"
    assert une["rank_kraj"] == "13. z 16"
    assert "Hospodářsky a sociálně ohrožené území" in texts(at)
    obce = at.dataframe[1].value
    assert "Dubí" in set(obce["obec_name"]) and obce["profile"].str.startswith("/town?obec=").all()


def test_orp_profile_pick_changes_content_and_url():
    at = open_page("orp", orp="4213")
    at.selectbox(key="orp.code").set_value("4211").run()  # Roudnice nad Labem: not HSOÚ
    assert not at.exception
    assert at.header[0].value == "Roudnice nad Labem"
    assert "Není HSOÚ" in texts(at)
    assert at.query_params["orp"] in ("4211", ["4211"])


def test_orp_trend_and_caveat():
    at = open_page("orp", orp="4204")
    assert at.selectbox(key="orp.trend").value == "distraint_share"
    assert any("2022" in w.value for w in at.warning)  # the 2022 distraint caveat


def test_orp_unknown_code_gives_notice_and_default():
    at = open_page("orp", orp="99x")
    assert not at.exception
    assert "99x" in at.info[0].value
    assert at.header[0].value == "Ústí nad Labem"


def test_orp_outside_ustecky_kraj_works():
    at = open_page("orp", orp="8111", lang="en")  # Karviná, Moravskoslezský kraj
    assert not at.exception
    assert at.header[0].value == "Karviná"
    assert len(at.dataframe[1].value) > 0  # municipalities listed from the national obec file


def test_language_switch_changes_every_text_and_the_url():
    at = open_page("home")
    assert at.title[0].value == "Hospodářsky a sociálně ohrožená území"
    at.segmented_control(key="lang_switch").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Economically and socially threatened areas"
    assert at.query_params.get("lang") in ("en", ["en"])


def test_home_offers_the_conference_towns():
    at = open_page("home")
    links = {el.proto.label: el.proto.page for el in at.get("page_link")}
    for town in ("Dubí", "Mašťov", "Štětí"):
        assert any(label.startswith(town) for label in links), links


def test_orp_profile_lists_support_that_applies_here():
    at = open_page("orp", orp="4213")  # Teplice: HSOÚ, structurally affected kraj, ITI
    assert "Podpora, která se týká tohoto místa" in [s.value for s in at.subheader]
    names = " ".join(at.dataframe[2].value["name"])
    assert "Spravedlivá transformace" in names and "hospodářsky a sociálně ohrožených" in names
