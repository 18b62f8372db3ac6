"""Issue 9: place pickers without diacritics, map text alternatives, zoomable maps, wording."""

from __future__ import annotations

import pytest

from hsou_dash.domain import towns, wording
from hsou_dash.text import catalogue, translate_plain, translator
from hsou_dash.viz import alt_text, viewport

ORP = {"4214": "Ústí nad Labem (Ústecký kraj)", "5313": "Ústí nad Orlicí (Pardubický kraj)",
       "6207": "Hustopeče (Jihomoravský kraj)", "4209": "Most (Ústecký kraj)",
       "2112": "Mostiště (Kraj Vysočina)", "7777": "Horní Most (X)"}


# --- rank_places ----------------------------------------------------------------------------

def test_usti_without_diacritics_finds_usti_not_hustopece():
    assert towns.rank_places("usti", ORP)[:2] == ["4214", "5313"]
    assert "6207" not in towns.rank_places("usti", ORP)


@pytest.mark.parametrize("query", ["ÚSTÍ NAD LABEM", "usti nad labem", "  usti   nad labem "])
def test_exact_name_first_whatever_the_case_and_spaces(query):
    assert towns.rank_places(query, ORP)[0] == "4214"


def test_exact_then_prefix_then_word_prefix_then_contains():
    # "most": Most (exact name), Mostiště (prefix), Horní Most (a word starts with it)
    assert towns.rank_places("most", ORP) == ["4209", "2112", "7777"]
    # "stí": only inside words ("Ústí", "Mostiště"), kept in the given order
    assert towns.rank_places("sti", ORP) == ["4214", "5313", "2112"]


def test_every_word_must_match_and_the_qualifier_counts():
    assert towns.rank_places("usti orlici", ORP) == ["5313"]
    assert towns.rank_places("most ustecky", ORP) == ["4209"]
    assert towns.rank_places("nowhere", ORP) == []
    assert towns.rank_places("", ORP) == []


PLACES = {"orp:4205": "Teplice (ORP, Ústecký kraj)", "obec:567442": "Teplice (obec, ORP Teplice)",
          "obec:563218": "Mašťov (obec, ORP Kadaň)", "obec:1": "Lhota (obec, ORP Kolín)",
          "obec:2": "Lhota (obec, ORP Přerov)", "obec:3": "Lhotka (obec, ORP Most)"}


def _kind(key: str) -> str:
    return key.split(":")[0]


def _unique(query: str) -> str | None:
    return towns.unique_place(towns.scored_places(query, PLACES), _kind)


def test_scored_places_gives_the_rank_and_the_exactness():
    assert towns.scored_places("lhota", PLACES) == [(0, "obec:1"), (0, "obec:2")]
    assert towns.scored_places("lhot", PLACES) == [(1, "obec:1"), (1, "obec:2"), (1, "obec:3")]
    assert [k for _, k in towns.scored_places("lhot", PLACES)] == towns.rank_places("lhot", PLACES)


def test_districts_come_first_among_names_that_start_with_the_query():
    places = {"orp:4214": "Ústí nad Labem (ORP, Ústecký kraj)",
              "obec:1": "Ústí (obec, ORP Přerov)", "obec:2": "Ústí (obec, ORP Jihlava)",
              "obec:554804": "Ústí nad Labem (obec, ORP Ústí nad Labem)",
              "obec:3": "Hrádek u Ústí (obec, ORP X)"}
    is_orp = lambda key: key.startswith("orp:")  # noqa: E731
    # without the rule: the exact names (two villages) before the city
    assert towns.rank_places("usti", places)[:2] == ["obec:1", "obec:2"]
    ranked = towns.rank_places("usti", places, is_orp)
    assert ranked == ["orp:4214", "obec:1", "obec:2", "obec:554804", "obec:3"]
    # a word-prefix match of a district does not jump ahead of names starting with the query
    assert towns.rank_places("lab", {"orp:9": "Brandýs nad Labem (ORP, X)",
                                     "obec:5": "Labská (obec, ORP Y)"}, is_orp) == [
        "obec:5", "orp:9"]
    # scores stay what they were: an exact village is still an exact hit (no guessing)
    assert (0, "obec:1") in towns.scored_places("usti", places, is_orp)


@pytest.mark.parametrize(("query", "opens"), [
    ("mastov", "obec:563218"),  # one exact name: open it
    ("lhotka", "obec:3"),       # the only match
    ("teplice", "orp:4205"),    # a district and its seat: the district (first) wins
    ("lhota", None),            # two municipalities of that name: the visitor chooses
    ("lho", None),              # no exact name, several matches
    ("nowhere", None),
    ("", None),
])
def test_a_search_opens_a_place_only_when_the_query_names_one(query, opens):
    assert _unique(query) == opens


# --- alt text -------------------------------------------------------------------------------

def test_extremes_sentence_in_czech_and_english():
    rows = [("Most", 7.09), ("Roudnice nad Labem", 3.37), ("Louny", 5.0), ("Bílina", None)]
    fmt = {7.09: "7,09 %", 3.37: "3,37 %"}.get
    cs = alt_text.extremes(rows, title="Podíl nezaměstnaných osob (2020)", fmt=fmt,
                           tr=translator("cs"), area="Ústecký kraj")
    assert "Nejvyšší hodnotu má Most (7,09 %), nejnižší Roudnice nad Labem (3,37 %)." in cs
    assert "Bez údajů: 1." in cs and "4 území (Ústecký kraj)" in cs
    en = alt_text.extremes(rows, title="Share", fmt=fmt, tr=translator("en"))
    assert "Highest: Most (7,09 %); lowest: Roudnice nad Labem (3,37 %)." in en


def test_extremes_ties_empty_and_all_missing():
    tr = translator("cs")
    tie = alt_text.extremes([("A", 1.0), ("B", 1.0), ("C", 0.5)], title="x", fmt=str, tr=tr)
    assert "A a B (1.0)" in tie
    same = alt_text.extremes([("A", 2.0), ("B", 2.0)], title="x", fmt=str, tr=tr)
    assert "stejnou hodnotu 2.0" in same
    assert "Žádné území" in alt_text.extremes([("A", None)], title="x", fmt=str, tr=tr)
    assert alt_text.extremes([], title="x", fmt=str, tr=tr) == "Žádné území nemá hodnotu."


def test_for_table_uses_the_display_text():
    import pandas as pd

    table = pd.DataFrame({"orp_name": ["Most", "Louny"], "value": [7.09, 3.5],
                          "value_text": ["7,09 %", "3,50 %"]})
    text = alt_text.for_table(table, title="t", area="Ústecký kraj", tr=translator("cs"))
    assert "Most (7,09 %)" in text and "Louny (3,50 %)" in text


def test_hsou_status_and_locator():
    tr = translator("cs")
    text = alt_text.hsou_status(["A", "B", "C"], [True, False, True], area="Kraj", tr=tr)
    assert text == "Mapa HSOÚ (Kraj): HSOÚ je 2 z 3 ORP. Mimo HSOÚ: B."
    many = alt_text.hsou_status([str(i) for i in range(9)], [False] * 9, area="K", tr=tr)
    assert "Mimo HSOÚ" not in many  # too many to list: the count says it
    loc = alt_text.locator("Mašťov", "ORP Kadaň", translator("en"), hsou=False)
    assert loc.startswith("Locator map: Mašťov (ORP Kadaň).") and "does not lie" in loc


def test_names_are_verbatim_for_the_caller_to_escape():
    text = alt_text.locator("[x](http://e.vil)", "y", translator("cs"))
    assert "[x](http://e.vil)" in text


# --- zoomable maps --------------------------------------------------------------------------

def test_map_template_allows_zoom():
    source = viewport.zoomable_source()
    assert "user-scalable" not in source and "maximum-scale" not in source
    assert 'name="viewport"' in source


def test_base_map_renders_a_zoomable_viewport():
    from hsou_dash.viz import maps

    m = maps.base_map([[50.0, 13.0], [51.0, 14.0]])
    html = m.get_root().render()
    assert 'name="viewport"' in html and "user-scalable=no" not in html


# --- wording --------------------------------------------------------------------------------

def test_amount_kind_and_period_in_czech():
    def plain(key):
        return translate_plain("cs", key)

    assert wording.amount_kind('call allocation ("téměř 2,4 mld.")', "cs", plain) == \
        "alokace výzvy („téměř 2,4 mld.“)"
    assert wording.amount_kind("paid to beneficiaries", "cs", plain) == "vyplaceno příjemcům"
    assert wording.amount_kind("something new", "cs", plain) == "something new"
    assert wording.amount_kind(None, "cs", plain) == ""
    assert wording.amount_kind("call allocation", "en", plain) == "call allocation"
    assert wording.period("to 06/2025", "cs", plain) == "do 06/2025"
    assert wording.period("2021–2027", "cs", plain) == "2021–2027"


def test_count_suffix_in_english():
    def plain(key):
        return translate_plain("en", key)

    name = "Ústecko-chomutovská aglomerace (22 obcí)"
    assert wording.count_suffix(name, "en", plain) == \
        "Ústecko-chomutovská aglomerace (22 municipalities)"
    assert wording.count_suffix(name, "cs", plain) == name


def test_feminine_none_and_page_titles():
    cs = catalogue()["cs"]
    assert cs["common.none"] == "— žádná —"
    titles = [cs[f"page_title.{p}"] for p in
              ("home", "map", "orp", "town", "support", "compare", "methodology")]
    assert len(set(titles)) == 7 and all(t.endswith("– HSOÚ") for t in titles)
    assert "ohrožené oblasti" not in cs["map.intro"]


def test_pno_is_not_left_unexplained_in_english():
    assert wording.indicator_name("Share of unemployed persons (PNO, 15–64)", "en") == \
        "Share of unemployed persons (aged 15–64)"
    assert wording.indicator_name("Podíl nezaměstnaných osob", "cs") == \
        "Podíl nezaměstnaných osob"
