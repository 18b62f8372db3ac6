"""AppTest of presenter mode from the address: present=1, contrast=1, indicators=…, bad values."""

from __future__ import annotations

from tests.app.conftest import open_page, param, texts

LIST = "unemployment_share,distraint_share,ageing_index"


def _button(at, key):
    return next(b for b in at.button if b.key == key)


def test_present_link_opens_presenter_mode_and_keeps_it_in_the_url():
    at = open_page("map", region="CZ042", indicator="distraint_share", present="1",
                   indicators=LIST, contrast="1")
    assert not at.exception
    assert at.session_state["map.present"] is True
    assert at.session_state["map.indicators"] == tuple(LIST.split(","))
    assert param(at, "present") == "1" and param(at, "contrast") == "1"
    assert param(at, "indicators") == LIST
    # the slide's title names the indicator, its year and the region
    assert any("Ústecký kraj" in t.value and "(20" in t.value for t in at.title)
    assert {b.key for b in at.button} >= {"present_prev", "present_next", "map_present_exit"}


def test_next_and_previous_step_through_the_list_and_go_round():
    at = open_page("map", region="CZ042", indicator="unemployment_share", present="1",
                   indicators=LIST)
    _button(at, "present_next").click().run()
    assert at.selectbox(key="map.indicator").value == "distraint_share"
    assert param(at, "indicator") == "distraint_share"
    _button(at, "present_next").click().run()
    _button(at, "present_next").click().run()  # past the last: back to the first
    assert at.selectbox(key="map.indicator").value == "unemployment_share"
    _button(at, "present_prev").click().run()
    assert param(at, "indicator") == "ageing_index"


def test_exit_clears_present_from_the_url():
    at = open_page("map", region="CZ042", present="1", indicators=LIST)
    _button(at, "map_present_exit").click().run()
    assert not at.exception
    assert param(at, "present") is None
    assert at.session_state["map.present"] is False
    assert param(at, "indicators") == LIST  # the prepared list stays for the next time


def test_bad_presenter_values_give_notices_not_errors():
    at = open_page("map", present="maybe", contrast="2", indicators="unemployment_share,nope,"
                   "<b>x</b>")
    assert not at.exception
    shown = " ".join(i.value for i in at.info)
    assert "present=maybe" in shown and "contrast=2" in shown
    assert "nope" in shown and "<b>x</b>" not in shown and "\\<b\\>" in shown  # escaped
    assert at.session_state["map.present"] is False
    assert param(at, "indicators") == "unemployment_share"


def test_without_present_there_is_no_presenter_bar():
    at = open_page("map", indicators=LIST)
    assert not at.exception
    assert "present_next" not in {b.key for b in at.button}
    assert param(at, "present") is None


def test_profiles_in_presenter_mode():
    at = open_page("orp", orp="4213", present="1")
    assert not at.exception
    assert at.title[0].value == "Teplice" and param(at, "present") == "1"
    at = open_page("town", obec="567507", present="1", indicators="nope")
    assert not at.exception
    assert param(at, "present") == "1" and param(at, "indicators") is None
    assert "nope" not in texts(at)  # a profile has no indicators to step through
