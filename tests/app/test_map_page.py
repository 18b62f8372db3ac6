"""AppTest of /map: renders, reads its URL, widgets change the output, bad input is handled."""

from __future__ import annotations

from tests.app.conftest import open_page, texts


def _table(at):
    return at.dataframe[0].value


def test_default_view_is_ustecky_kraj_unemployment():
    at = open_page("map")
    assert not at.exception
    table = _table(at)
    assert len(table) == 16
    assert at.selectbox(key="map.region").value == "CZ042"
    assert at.selectbox(key="map.indicator").value == "unemployment_share"
    assert at.selectbox(key="map.year").value == 2020
    shown = texts(at)
    assert "ČÚZK" in shown and "RÚIAN" in shown  # boundary attribution
    assert "Zdroj" in shown and "31.12.2020" in shown  # source and reference date


def test_url_state_is_read():
    at = open_page("map", indicator="distraint_share", year="2019", region="CZ", orp="4213")
    assert not at.exception
    assert len(_table(at)) == 206
    assert at.selectbox(key="map.year").value == 2019
    assert at.selectbox(key="map.orp").value == "4213"
    assert at.query_params["indicator"] == ["distraint_share"] or \
        at.query_params["indicator"] == "distraint_share"


def test_changing_indicator_changes_table_and_url():
    at = open_page("map")
    before = _table(at)["value"].tolist()
    at.selectbox(key="map.indicator").set_value("ageing_index").run()
    assert not at.exception
    after = _table(at)["value"].tolist()
    assert before != after
    assert "ageing_index" in str(at.query_params.get("indicator"))


def test_year_picker_offers_only_years_with_data():
    at = open_page("map", indicator="distraint_share")
    assert at.selectbox(key="map.year").options == ["2022", "2021", "2019", "2017", "2016"]


def test_changing_region_resets_foreign_orp():
    at = open_page("map", orp="4213")
    assert at.selectbox(key="map.orp").value == "4213"
    at.selectbox(key="map.region").set_value("CZ080").run()
    assert not at.exception
    assert at.selectbox(key="map.orp").value is None


def test_bad_parameters_give_notices_not_tracebacks():
    at = open_page("map", region="XX", indicator="nope", year="abc", orp="99999", k="42")
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    assert "XX" in notices and "nope" in notices and "99999" in notices and "k=42" in notices
    assert len(_table(at)) == 16  # default view


def test_english():
    at = open_page("map", lang="en")
    assert not at.exception
    assert at.title[0].value == "Indicator map by ORP"
    assert "Boundaries" in texts(at)
