"""Municipalities: name search, obec → ORP → kraj roll-up, small-number flag, municipal layer."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from hsou_dash import config
from hsou_dash.data import geometry, loaders
from hsou_dash.domain import towns
from hsou_dash.domain.aggregate import aggregate, base_counts, base_of
from hsou_dash.text import translator
from hsou_dash.viz import indicator_view

MASTOV, DUBI, STETI = "563218", "567507", "565709"


@pytest.fixture(scope="module")
def index(bundle):
    return towns.search_index(bundle.obce)


# --- name search --------------------------------------------------------------------------

def test_fold_drops_diacritics_and_case():
    assert towns.fold("Mašťov") == "mastov"
    assert towns.fold("  ÚSTÍ nad   Labem ") == "usti nad labem"
    assert towns.fold("Brandýs nad Labem-Stará Boleslav") == "brandys nad labem stara boleslav"


@pytest.mark.parametrize("query", ["mastov", "Mašťov", "MASTOV", "mašť", "astov"])
def test_search_finds_mastov_with_or_without_diacritics(index, query):
    found = towns.search(index, query)
    assert MASTOV in found["obec_code"].tolist()
    if towns.fold(query) == "mastov":
        assert found["obec_code"].iloc[0] == MASTOV  # exact name comes first


def test_partial_names_and_preferred_kraj(index):
    assert STETI in towns.search(index, "stet")["obec_code"].tolist()
    top = towns.search(index, "dub", limit=3, prefer_kraj="CZ042")["obec_code"].tolist()
    assert DUBI in top  # Dubí (Teplice) ahead of the many Dub… elsewhere
    assert towns.search(index, "   ").empty
    assert towns.search(index, "qxqxqx").empty


def test_same_name_towns_are_told_apart_by_orp_and_okres(index):
    found = towns.search(index, "Lhota", limit=200)
    exact = found[found["obec_name"] == "Lhota"]
    assert len(exact) >= 2
    assert (exact["same_name"] == len(exact)).all()
    places = list(zip(exact["orp_name"], exact["okres"], strict=True))
    assert len(set(places)) == len(places)  # every Lhota has its own ORP/okres label
    # a second word may name the ORP or okres and picks one of them
    narrowed = towns.search(index, "lhota kladno")
    assert narrowed["obec_name"].iloc[0] == "Lhota" and narrowed["orp_name"].iloc[0] == "Kladno"


def test_same_name_in_synthetic_table():
    synthetic = pd.DataFrame({
        "obec_code": ["100001", "100002", "100003"],
        "obec_name": ["Nová Ves", "Nová Ves", "Nové Město"],
        "orp_code": ["1001", "1002", "1001"], "orp_name": ["Alfa", "Beta", "Alfa"],
        "okres": ["Okres A", "Okres B", "Okres A"], "kraj_code": ["CZ001"] * 3,
        "kraj_name": ["Kraj"] * 3,
    })
    found = towns.search(towns.search_index(synthetic), "nova ves")
    assert found["obec_code"].tolist() == ["100001", "100002"]
    assert found["same_name"].tolist() == [2, 2]
    assert towns.search(towns.search_index(synthetic), "nova ves beta")["obec_code"].tolist() \
        == ["100002"]


# --- roll-up ------------------------------------------------------------------------------

def test_membership_of_mastov(bundle):
    m = towns.membership(bundle.obce, bundle.orp, MASTOV)
    assert (m.obec_name, m.orp_code, m.orp_name, m.okres) == ("Mašťov", "4204", "Kadaň",
                                                            "Chomutov")
    assert (m.kraj_code, m.kraj_name, m.is_hsou) == ("CZ042", "Ústecký kraj", True)
    assert towns.membership(bundle.obce, bundle.orp, "999999") is None
    assert towns.membership(bundle.obce, bundle.orp, "abc") is None
    assert towns.membership(bundle.obce, bundle.orp, None) is None


def test_obce_roll_up_to_their_orp_and_kraj(bundle):
    m = towns.membership(bundle.obce, bundle.orp, MASTOV)
    lv = towns.levels(m, bundle.orp, bundle.orp_values, bundle.obce, bundle.obec_values)
    assert [lvl.name for lvl in lv.compare] == ["orp", "kraj", "cz"]
    assert len(lv.compare[2].members) == 206 and len(lv.kraj.members) == 16
    in_orp, in_kraj = lv.rank_within
    assert MASTOV in in_orp.members and len(in_kraj.members) == 354
    assert set(in_orp.members) <= set(in_kraj.members)
    # counts: the obce of Kadaň sum to Kadaň, the ORP of the kraj to the kraj
    obce_sum = aggregate(bundle.obec_values, "obec_code", in_orp.members, "population", 2020)
    orp_own = aggregate(bundle.orp_values, "orp_code", ["4204"], "population", 2020)
    assert obce_sum.complete and obce_sum.value == orp_own.value
    kraj_from_obce = aggregate(bundle.obec_values, "obec_code", in_kraj.members, "population",
                               2020)
    kraj_from_orp = aggregate(bundle.orp_values, "orp_code", lv.kraj.members, "population", 2020)
    assert kraj_from_obce.value == kraj_from_orp.value
    # ratios: recomputed from summed counts, not averaged
    rate = aggregate(bundle.obec_values, "obec_code", in_orp.members, "unemployment_share", 2020)
    published = bundle.orp_values.query(
        "orp_code == '4204' and indicator_id == 'unemployment_share' and year == 2020")["value"]
    assert rate.value == pytest.approx(float(published.iloc[0]), abs=0.01)


# --- small numbers ------------------------------------------------------------------------

def test_small_number_flag_threshold():
    # README: values on fewer than 100 persons are flagged as unreliable
    assert towns.is_unreliable(99) and towns.is_unreliable(0)
    assert not towns.is_unreliable(100) and not towns.is_unreliable(5000)
    assert not towns.is_unreliable(math.nan) and not towns.is_unreliable(None)


def test_counts_flag_small_denominators_synthetic():
    synthetic = pd.DataFrame({
        "obec_code": ["A", "A", "B", "B", "C"],
        "indicator_id": ["persons_in_distraint", "pop_15plus"] * 2 + ["pop_15plus"],
        "year": [2022] * 5,
        "value": [10.0, 50.0, 30.0, 400.0, math.nan],
    })
    out = towns.counts(synthetic, "obec_code", ["A", "B", "C"], "distraint_share", 2022)
    assert out["unreliable"].tolist() == [True, False, False]  # C: unknown, not flagged
    assert out.loc["A", "numerator"] == 10 and out.loc["B", "denominator"] == 400
    plain = towns.counts(synthetic, "obec_code", ["A"], "persons_in_distraint", 2022)
    assert not plain["unreliable"].any() and plain["denominator"].isna().all()
    assert base_of("population") == (None, None)
    assert base_of("average_age") == (None, "population")


def test_counts_behind_a_real_rate(bundle):
    # Mašťov's ageing index 2020 rests on 78 children aged 0–14: flagged
    num, den = base_counts(bundle.obec_values, "obec_code", [MASTOV], "ageing_index",
                           2020).loc[MASTOV]
    assert (num, den) == (127.0, 78.0) and towns.is_unreliable(den)
    num, den = base_counts(bundle.obec_values, "obec_code", [MASTOV], "distraint_share",
                           2022).loc[MASTOV]
    assert den == 479.0 and not towns.is_unreliable(den)


def test_featured_towns(bundle, bundle_dir):
    feat = towns.featured(loaders.load_towns(bundle_dir), bundle.obce)
    assert feat.columns.tolist() == towns.FEATURED_COLUMNS
    assert dict(zip(feat["obec_code"], feat["orp_name"], strict=True)) == {
        DUBI: "Teplice", MASTOV: "Kadaň", STETI: "Litoměřice"}


# --- municipal layer ----------------------------------------------------------------------

def test_municipal_layer_of_ustecky_kraj_is_small(bundle, bundle_dir):
    geo = loaders.obec_display_geometry(bundle_dir, geometry.LOCAL, config.cache_dir())
    orp = loaders.orp_display_geometry(bundle_dir, geometry.REGIONAL, config.cache_dir())
    orp = orp[orp["kraj_code"] == "CZ042"]
    view = indicator_view.build_obec(
        bundle, bundle.obec_values, geo, orp, orp.dissolve(), region="CZ042",
        indicator="unemployment_share", year=2020, scheme="fisher_jenks", k=5, tiles="none",
        selected=MASTOV, tr=translator("cs"), lang="cs")
    html = view.map.get_root().render()
    assert len(html.encode()) < 250_000
    assert MASTOV in html and "/app/static/leaflet/leaflet.js" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/app/static/") for a in assets)  # nothing from a CDN
    assert len(view.table) == 354 and view.level == "obec"
    assert view.unreliable == int(view.table["unreliable"].sum()) > 0
    flagged = view.table[view.table["unreliable"]]
    assert (flagged["denominator"] < 100).all() and (flagged["flag"] != "").all()
    assert view.bars is not None  # the obce of Mašťov's ORP
    assert b"unreliable" in view.csv.splitlines()[0]


def test_national_obec_file_has_the_municipal_indicator_set(bundle, bundle_dir):
    """The map offers the municipal layer from the Ústecký file's indicator set without
    reading the national file; both files must carry the same set for that to hold."""
    national = loaders.load_obec_values_cz(bundle_dir)
    assert set(national["indicator_id"]) == set(bundle.obec_values["indicator_id"])
    assert national["obec_code"].nunique() == 6258


def test_locator_marks_the_town_and_falls_back_to_its_orp(bundle, bundle_dir):
    from hsou_dash.viz import town_view

    m = towns.membership(bundle.obce, bundle.orp, MASTOV)
    obce = loaders.obec_display_geometry(bundle_dir, geometry.LOCAL, config.cache_dir())
    orp = loaders.orp_display_geometry(bundle_dir, geometry.REGIONAL, config.cache_dir())
    orp = orp[orp["kraj_code"] == "CZ042"]
    html = town_view.locator(bundle, m, obce, orp, translator("cs")).get_root().render()
    assert MASTOV in html and "Ma\\u0161\\u0165ov" in html  # in the legend and tooltips
    assert len(html.encode()) < 120_000
    # without municipal polygons: the ORP within its kraj, still attributed
    fallback = town_view.locator(bundle, m, None, orp, translator("cs")).get_root().render()
    assert "4204" in fallback and "\\u010c\\u00daZK" in fallback


def test_count_trends_compare_as_an_index(bundle):
    """Persons in distraint: town, ORP and kraj lines all start at 100 (first year)."""
    from hsou_dash.text import translator
    from hsou_dash.viz import town_view

    m = towns.membership(bundle.obce, bundle.orp, "563218")  # Mašťov
    fig = town_view.trend(bundle, m, bundle.obec_values, "persons_in_distraint",
                          translator("cs"), "cs")
    assert len(fig.data) == 3
    assert all(trace.y[0] == pytest.approx(100.0) for trace in fig.data)
    assert town_view.index_series(pd.Series({2016: 0.0, 2017: 5.0})).empty  # no base, no index
