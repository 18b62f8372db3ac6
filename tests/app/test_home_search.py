"""AppTest of the home page's place search: a query naming one place opens it, otherwise the
matches are listed as links; typed text is echoed as text, never as Markdown."""

from __future__ import annotations

from tests.app.conftest import open_page, param, texts


def _links(at) -> list[str]:
    return [link.proto.label for link in at.get("page_link")]


def _search(query: str):
    at = open_page("home")
    at.text_input(key="home.search").set_value(query).run()
    assert not at.exception
    return at


def test_a_query_naming_one_town_opens_its_profile():
    at = _search("mastov")
    assert param(at, "obec") == "563218"
    assert at.title[0].value == "Mašťov"
    assert "home.search" not in at.session_state or not at.session_state["home.search"]


def test_an_orp_and_its_seat_open_the_orp():
    at = _search("TEPLICE")
    assert param(at, "orp") == "4213" and at.header[0].value == "Teplice"


def test_an_open_query_lists_its_matches_as_links_and_stays_home():
    at = _search("usti")
    links = _links(at)
    # the districts whose names start with it first, then the municipalities (three villages
    # are called just "Ústí")
    assert links[:2] == ["Ústí nad Labem (ORP, Ústecký kraj)",
                         "Ústí nad Orlicí (ORP, Pardubický kraj)"]
    assert "Ústí nad Labem (obec, ORP Ústí nad Labem)" in links
    assert param(at, "obec") is None and param(at, "orp") is None
    shown = texts(at)
    assert "Nalezená místa (" in shown and "Zobrazeno prvních 8" in shown
    assert at.text_input(key="home.search").value == "usti"  # the query stays to refine


def test_a_query_with_no_match_says_so_as_text():
    at = _search("**nic** [x](javascript:alert(1))")
    caption = next(c.value for c in at.caption if "neodpovídá" in c.value)
    assert "\\*\\*nic\\*\\*" in caption and "\\[x\\]" in caption  # escaped, not a link


def test_the_search_in_english():
    at = open_page("home", lang="en")
    at.text_input(key="home.search").set_value("lhota kolin").run()
    assert not at.exception
    assert any("Lhota (" in label and "Kolín" in label for label in _links(at))
    assert "Places found (" in texts(at)
