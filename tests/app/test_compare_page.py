"""AppTest of /compare: scatter, side-by-side table with percentiles, similar ORP, URL state."""

from __future__ import annotations

import json

from tests.app.conftest import open_page, param, texts


def _scatter(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def _plotted(at) -> int:
    """Number of ORP points in the scatter (the 'selected' ring trace not counted).

    Plotly may ship x/y as typed binary arrays, so the points are counted by their hover data.
    """
    return sum(len(tr["customdata"]) for tr in _scatter(at)["data"][:2])


def test_default_view_ustecky_kraj_with_usti_as_focus():
    at = open_page("compare")
    assert not at.exception
    assert at.selectbox(key="compare.orp").value == "4214"
    assert at.selectbox(key="compare.region").value == "CZ042"
    assert _plotted(at) == 16  # every ORP of Ústecký kraj has both default values
    names = [tr.get("name") for tr in _scatter(at)["data"]]
    assert names == ["není HSOÚ", "HSOÚ", "vybraná ORP"]  # HSOÚ marked, focus highlighted
    shown = texts(at)
    assert "ČÚZK" in shown and "Zdroj" in shown
    # side by side: focus + its two most similar ORP, each value with its percentile
    assert at.multiselect(key="compare.orps").value == ["4214", "4107", "4206"]
    table = at.dataframe[0].value
    une = table[table["indicator"] == "Podíl nezaměstnaných osob"].iloc[0]
    assert une["4214"] == "5,58\u00a0% · P88"
    # five most similar ORP listed after the focus itself
    similar = at.dataframe[1].value
    assert len(similar) == 6 and similar["orp_name"].iloc[0] == "Ústí nad Labem"
    assert similar["distance"].iloc[0] == 0 and similar["distance"].is_monotonic_increasing
    assert "Praha, Plzeň, Brno" in shown  # excluded for a missing input, and said so


def test_link_from_profile_opens_that_orp_in_its_kraj():
    at = open_page("compare", orp="8111")  # Karviná, Moravskoslezský kraj
    assert not at.exception
    assert at.selectbox(key="compare.orp").value == "8111"
    assert at.selectbox(key="compare.region").value == "CZ080"
    assert at.multiselect(key="compare.orps").value[0] == "8111"
    assert at.dataframe[1].value["orp_name"].iloc[0] == "Karviná"
    assert param(at, "orp") == "8111"


def test_changing_axis_indicator_changes_chart_and_url():
    at = open_page("compare")
    before = _scatter(at)["data"][1]["y"]
    at.selectbox(key="compare.y").set_value("ageing_index").run()
    assert not at.exception
    assert _scatter(at)["data"][1]["y"] != before
    assert param(at, "y") == "ageing_index" and param(at, "yyear") == "2020"
    assert "Index stáří (2020)" in _scatter(at)["layout"]["yaxis"]["title"]["text"]


def test_region_czechia_plots_all_orp_and_size_toggle():
    at = open_page("compare", region="CZ", y="ageing_index", size="pop")
    assert not at.exception
    assert _plotted(at) == 206
    assert at.toggle(key="compare.size").value is True
    sizes = _scatter(at)["data"][0]["marker"]["size"]
    assert isinstance(sizes, list) and max(sizes) == 40  # Praha, the largest ORP
    at.toggle(key="compare.size").set_value(False).run()
    assert _scatter(at)["data"][0]["marker"]["size"] == 10
    assert param(at, "size") is None


def test_comparison_set_from_url_and_widget():
    at = open_page("compare", orps="4213,8111")
    assert not at.exception
    assert list(at.dataframe[0].value.columns) == ["indicator", "year", "4213", "8111", "cz",
                                                  "source"]
    at.multiselect(key="compare.orps").select("4202").run()
    assert not at.exception
    assert "4202" in at.dataframe[0].value.columns
    assert param(at, "orps") == "4213,8111,4202"


def test_changing_focus_changes_similar_orp():
    at = open_page("compare")
    before = at.dataframe[1].value["orp_name"].tolist()
    at.selectbox(key="compare.orp").set_value("4213").run()
    assert not at.exception
    after = at.dataframe[1].value["orp_name"].tolist()
    assert after[0] == "Teplice" and after != before


def test_orp_without_all_inputs_is_explained():
    at = open_page("compare", orp="1000")  # Praha: no 2020 dwellings value
    assert not at.exception
    assert any("Praha" in i.value for i in at.info)


def test_bad_parameters_give_notices():
    at = open_page("compare", orp="12", x="nope", xyear="1990", size="huge",
                   orps="4213,9999,4214,4215,4216,4202,4201")
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    assert "12" in notices and "nope" in notices and "1990" in notices
    assert "size=huge" in notices and "9999" in notices and "nejvýše 5" in notices
    assert at.selectbox(key="compare.orp").value == "4214"
    assert len(at.multiselect(key="compare.orps").value) == 5


def test_english():
    at = open_page("compare", lang="en")
    assert not at.exception
    assert at.title[0].value == "Compare ORP"
    assert "Boundaries" in texts(at)
    assert [tr.get("name") for tr in _scatter(at)["data"]][:2] == ["not HSOÚ", "HSOÚ"]
