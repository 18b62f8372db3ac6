"""AppTest of /map: renders, reads its URL, widgets change the output, bad input is handled."""

from __future__ import annotations

from tests.app.conftest import open_page, rank_table, shown_number, texts


def _table(at):
    return rank_table(at)


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
    assert "Zdroj" in shown and "k 31.\u00a012.\u00a02020" in shown  # source and its date


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


# --- municipal layer (level=obec) -----------------------------------------------------------

def test_switching_to_municipalities_shows_354_obce_with_counts_and_flags():
    at = open_page("map")
    assert not at.segmented_control(key="map.level").disabled
    at.segmented_control(key="map.level").set_value("obec").run()
    assert not at.exception
    table = _table(at)
    assert len(table) == 354
    assert {"obec_name", "orp_name", "numerator", "denominator", "flag_short"} \
        <= set(table.columns)
    flagged = table[table["flag_short"] != ""]
    assert len(flagged) > 0 and (flagged["denominator"].map(shown_number) < 100).all()
    assert "obec" in str(at.query_params.get("level"))
    assert any("méně než 100 osob" in c.value for c in at.caption)


def test_municipal_url_selects_the_town_and_links_to_its_profile():
    at = open_page("map", region="CZ042", orp="4204", level="obec", obec="563218",
                   indicator="distraint_share")
    assert not at.exception
    assert at.segmented_control(key="map.level").value == "obec"
    assert at.selectbox(key="map.obec").value == "563218"
    labels = [str(link.proto.label) for link in at.get("page_link")]
    assert any("Mašťov" in label for label in labels)
    assert not at.get("plotly_chart")  # the chart is drawn only when asked (Plotly's bundle)
    at.segmented_control(key="map.show").set_value("chart").run()
    assert at.get("plotly_chart")  # bars of the obce of ORP Kadaň


def test_whole_czechia_stays_at_orp_level():
    at = open_page("map", region="CZ", level="obec")
    assert not at.exception
    level = at.segmented_control(key="map.level")
    assert level.value == "orp" and level.disabled
    assert len(_table(at)) == 206
    assert any("jen v rámci jednoho kraje" in i.value for i in at.info)


def test_indicator_without_municipal_values_falls_back_to_orp():
    at = open_page("map", level="obec", indicator="distraint_share_mz2024", obec="999999")
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    assert "distraint_share_mz2024" in notices and "999999" in notices
    assert at.segmented_control(key="map.level").value == "orp"


def test_presentation_mode_from_the_url_and_back():
    at = open_page("map", present="1")
    assert not at.exception
    assert at.toggle(key="map.present").value is True
    assert not at.caption or "Kliknutím" not in " ".join(c.value for c in at.caption)
    at.toggle(key="map.present").set_value(False).run()
    assert "present" not in at.query_params
    assert any("Kliknutím" in c.value for c in at.caption)  # the intro is back


def test_map_options_are_drawn_when_opened_and_outlive_their_widgets():
    at = open_page("map", k="7")
    assert not at.slider and at.expander[0].label == "Nastavení mapy"  # closed: not drawn
    assert at.session_state["map.k"] == 7
    at.session_state["map.options"] = True  # the visitor opens the options
    at.run()
    assert at.slider(key="map.k.w").value == 7
    at.slider(key="map.k.w").set_value(4).run()
    at.radio(key="map.tiles.w").set_value("osm").run()
    assert str(at.query_params.get("k")) in ("4", "['4']")
    at.session_state["map.options"] = False  # closed again: the choices stay
    at.run()
    at.selectbox(key="map.indicator").set_value("ageing_index").run()
    assert not at.exception and not at.slider
    assert (at.session_state["map.k"], at.session_state["map.tiles"]) == (4, "osm")
    assert str(at.query_params.get("k")) in ("4", "['4']")
    at.session_state["map.options"] = True
    at.run()
    assert at.slider(key="map.k.w").value == 4 and at.radio(key="map.tiles.w").value == "osm"
