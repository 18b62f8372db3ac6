"""Support instruments: period parsing, categories, coverage rules, per-inhabitant figures."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from hsou_dash.data.loaders import load_obec_values_cz, load_support
from hsou_dash.domain import support
from hsou_dash.text import catalogue, translator
from hsou_dash.viz import support_charts, support_view

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def tables(bundle_dir):
    return load_support(bundle_dir)


@pytest.fixture(scope="module")
def table(tables):
    return support.instruments_table(tables.instruments, TODAY).set_index("instrument_id",
                                                                          drop=False)


@pytest.fixture(scope="module")
def obec_values(bundle_dir):
    return load_obec_values_cz(bundle_dir)


@pytest.fixture(scope="module")
def coverages(bundle, table, obec_values):
    return {i: support.coverage(i, bundle.orp, bundle.obce, obec_values) for i in table.index}


# ----------------------------------------------------------------------------- periods

@pytest.mark.parametrize("text, start, end, open_ended", [
    ("2021–2027", date(2021, 1, 1), date(2027, 12, 31), False),
    ("žádosti 2. 5. – 5. 6. 2023; realizace do 30. 11. 2024", date(2023, 5, 2),
     date(2024, 11, 30), False),
    ("uzávěrka 5. 6. 2023", None, date(2023, 6, 5), False),
    ("vyhlášena 31. 5. 2023", date(2023, 5, 31), None, False),
    ("2021+", date(2021, 1, 1), None, True),
    ("KPSVL od ledna 2015 (ESIF: OPZ, IROP, OP VVV); Index sociálního vyloučení od 2016",
     date(2015, 1, 1), None, True),
    ("od usnesení vlády č. 826 z 19. 10. 2015; Strategický rámec 2017 (usn. 3/2017)",
     date(2015, 10, 19), None, True),
    ("2021–2027 (a 2014–2020)", date(2014, 1, 1), date(2027, 12, 31), False),
    ("to 06/2025", None, date(2025, 6, 30), False),
    ("2023", date(2023, 1, 1), date(2023, 12, 31), False),
])
def test_parse_period(text, start, end, open_ended):
    p = support.parse_period(text)
    assert (p.start, p.end, p.open_ended) == (start, end, open_ended)


@pytest.mark.parametrize("text", ["", None, float("nan"), "průběžně", "viz výzva", "31. 2. 2023"])
def test_unreadable_period_stays_unknown(text):
    p = support.parse_period(text)
    assert not p.known and p.start is None and p.end is None
    assert support.period_status(p, TODAY) == "unknown"


def test_event_kind_comes_from_the_word_before_each_date():
    p = support.parse_period("2021–2027 (ISg schválena 20. 6. 2022, akční plán 12. 9. 2022)")
    assert [(e.kind, e.day) for e in p.events] == [("approved", date(2022, 6, 20)),
                                                    ("milestone", date(2022, 9, 12))]


def test_another_documents_period_is_context_not_the_instruments():
    p = support.parse_period("každoročně; program 2025 vyhlášen 18. 12. 2024 (č.j. "
                             "MV-153807-2/OPK-2024) dle Strategie prevence kriminality 2022–2027")
    assert [s.kind for s in p.spans] == ["context"]
    assert p.start == date(2024, 12, 18) and p.end is None and p.open_ended


def test_period_status():
    p = support.parse_period
    assert support.period_status(p("2021–2027"), TODAY) == "running"
    assert support.period_status(p("uzávěrka 5. 6. 2023"), TODAY) == "ended"
    assert support.period_status(p("2028–2034"), TODAY) == "upcoming"
    assert support.period_status(p("2021+"), TODAY) == "ongoing"
    assert support.period_status(p("vyhlášena 14. 4. 2025"), TODAY) == "started_end_unknown"


def test_every_period_of_the_register_is_read(table):
    assert table["period_parsed"].map(lambda p: p.known).all()
    assert table.at["opst", "start"] == date(2021, 1, 1)
    assert table.at["opst", "end"] == date(2027, 12, 31)
    assert table.at["mmr_117D7624_hsou", "start"] == date(2025, 4, 14)
    assert table.at["mmr_117D7624_hsou", "end"] is None  # not published: not guessed


# ----------------------------------------------------------------------------- catalogue

def test_missing_allocations_stay_missing_not_zero(tables, table):
    raw = tables.instruments.set_index("instrument_id")
    blank = raw["allocation_czk"].isna()
    assert blank.sum() == 6
    assert table.loc[blank[blank].index, "allocation_czk"].isna().all()
    assert (table["allocation_czk"].fillna(-1) != 0).all()
    assert table.at["opst", "allocation_czk"] == 41e9
    assert table.at["opst_call23_uk", "allocation_czk"] == 60e6


def test_catalogue_csv_keeps_blanks_for_unpublished_allocations(table):
    tr = translator("cs")
    shown, csv = support_view.catalogue(table.reset_index(drop=True), pd.Series(dtype=object),
                                        tr, "cs")
    assert (shown.set_index(table.index)["allocation"]["restart"]) == "nezveřejněno"
    export = pd.read_csv(pd.io.common.BytesIO(csv), encoding="utf-8-sig", dtype=str,
                         keep_default_na=False).set_index("instrument_id")
    assert export.at["restart", "allocation_czk"] == ""
    assert export.at["restart", "allocation_published"] == "False"
    assert export.at["opst", "allocation_czk"] == "41000000000"


@pytest.mark.parametrize("text, category", [
    ("yes (exclusive to HSOÚ)", "exclusive"),
    ("yes (priority/bonus points, not exclusive)", "priority"),
    ("yes (emphasis, not exclusive)", "priority"),
    ("indirect (kraj-level)", "indirect"),
    ("indirect", "indirect"),
    ("not HSOÚ-specific", "not_specific"),
    ("yes", "exclusive"),
    ("maybe", "unclear"),
    (None, "unclear"),
])
def test_eligibility_category(text, category):
    assert support.eligibility_category(text) == category


def test_register_categories(table):
    assert set(table["level_cat"]) == {"EU", "national", "regional"}
    assert table["eligibility"].value_counts().to_dict() == {
        "indirect": 5, "exclusive": 2, "priority": 2, "not_specific": 2}


def test_providers_and_filters(table):
    t = table.reset_index(drop=True)
    assert support.providers_of("Ministerstvo životního prostředí / SFŽP") == ("MŽP", "SFŽP")
    assert support.providers_of("Neznámý úřad") == ("Neznámý úřad",)
    mv = support.filter_instruments(t, support.Filters(providers=("MV",)))
    assert mv["instrument_id"].tolist() == ["mv_ppk"]
    eu = support.filter_instruments(t, support.Filters(levels=("EU",)))
    assert set(eu["instrument_id"]) == {"opst", "opst_call23_uk", "iti_ucha", "clld_mas"}
    both = support.filter_instruments(t, support.Filters(levels=("EU",),
                                                         eligibility=("indirect",)))
    assert len(both) == 4
    assert len(support.filter_instruments(t, support.Filters())) == 11


def test_allocation_kind_comes_from_the_territory_table(tables, table):
    kinds = support.allocation_kinds(table.reset_index(drop=True), tables.by_territory)
    assert kinds["iti_ucha"].startswith("indicative support")
    assert kinds["opst"].startswith("allocation (total programme")
    assert kinds["restart"] is None  # no allocation in the register


def test_every_instrument_has_text_in_both_languages(table):
    for lang in ("cs", "en"):
        keys = catalogue()[lang]
        for iid in table.index:
            for part in ("desc", "short", "rule"):
                assert f"support.{part}.{iid}" in keys, (lang, part, iid)
    cs = {k for k in catalogue()["cs"] if k.startswith("support.")}
    en = {k for k in catalogue()["en"] if k.startswith("support.")}
    assert cs == en


def test_matrix_has_a_known_cell_for_every_instrument(table):
    m = support.eligibility_matrix(table.reset_index(drop=True))
    assert list(m.columns) == list(support.TERRITORY_TYPES)
    assert (m != "unknown").all().all()
    assert m.at["mmr_117D7624_hsou", "hsou"] == "target"
    assert m.at["opst", "structural"] == "target"
    assert m.at["iti_ucha", "iti"] == "target"
    assert m.at["clld_mas", "rural"] == "target"
    new = pd.DataFrame({"instrument_id": ["new"], "eligibility": ["priority"]})
    assert support.eligibility_matrix(new).loc["new"].tolist() == [
        "priority", "unknown", "unknown", "unknown"]


# ----------------------------------------------------------------------------- coverage

def _orp(cov, status):
    return set(cov.orp[cov.orp == status].index)


def test_hsou_programme_covers_hsou_plus_bilina_not_roudnice(bundle, coverages):
    cov = coverages["mmr_117D7624_hsou"]
    hsou = set(bundle.orp.loc[bundle.orp["is_hsou"], "orp_code"])
    assert _orp(cov, "all") == hsou | {"4201"}
    assert cov.orp["4211"] == "none"  # Roudnice nad Labem
    assert cov.orp["1000"] == "none"
    dubi = "567507"  # obec in ORP Teplice (HSOÚ)
    assert cov.obec[dubi] == "yes"


@pytest.mark.parametrize("iid", ["restart", "opst"])
def test_coal_region_instruments_cover_three_kraje(bundle, coverages, iid):
    expected = set(bundle.orp.loc[bundle.orp["kraj_code"].isin(["CZ041", "CZ042", "CZ080"]),
                                  "orp_code"])
    assert _orp(coverages[iid], "all") == expected
    assert len(expected) == 45
    assert set(coverages[iid].orp.unique()) == {"all", "none"}


def test_iti_covers_the_agglomerations_orp(coverages):
    cov = coverages["iti_ucha"]
    assert _orp(cov, "all") == {"4203"}  # Chomutov: 25 of its 25 obce
    assert _orp(cov, "part") == {"4201", "4202", "4204", "4205", "4206", "4207", "4208",
                                 "4209", "4213", "4214", "4216"}
    assert cov.orp["4210"] == "none"
    assert set(cov.obec[cov.obec != "no"].unique()) == {"yes", "unknown"}


def test_call_with_unpublished_annex_is_uncertain_in_usti_region(bundle, coverages):
    cov = coverages["opst_call23_uk"]
    assert _orp(cov, "unknown") == set(bundle.orp.loc[bundle.orp["kraj_code"] == "CZ042",
                                                      "orp_code"])
    assert not _orp(cov, "all")


def test_other_rules(bundle, coverages):
    assert set(coverages["mv_ppk"].orp) == {"all"}
    assert set(coverages["asz_kpsvl"].orp) == {"unknown"}
    rsk = _orp(coverages["rsk_hsou_studies"], "all")
    assert {"4211", "4201"} <= rsk  # every ÚK ORP
    assert set(bundle.orp.loc[bundle.orp["is_hsou"], "orp_code"]) <= rsk
    clld = coverages["clld_mas"]
    assert "all" not in set(clld.orp)  # MAS membership is not in the data
    assert clld.obec["554782"] == "no"  # Praha: far above 25 000 inhabitants


def test_size_rule_on_synthetic_municipalities():
    """Synthetic: 5 obce around the 3 001–10 000 bounds of mmr_prr_3001_10000 (year 2022)."""
    orp = pd.DataFrame({"orp_code": ["0001", "0002", "0003"], "is_hsou": [False] * 3,
                        "structurally_affected": [False] * 3, "kraj_code": ["X"] * 3,
                        "iti_metro_agglomeration": [None] * 3})
    obce = pd.DataFrame({"obec_code": ["a", "b", "c", "d", "e"],
                         "orp_code": ["0001", "0001", "0002", "0002", "0003"]})
    values = pd.DataFrame({"obec_code": ["a", "b", "c", "d", "a"],
                           "indicator_id": ["population"] * 5,
                           "year": [2022, 2022, 2022, 2022, 2021],
                           "value": [3000.0, 3001.0, 10000.0, 10001.0, 5000.0]})
    cov = support.coverage("mmr_prr_3001_10000", orp, obce, values)
    assert cov.obec.to_dict() == {"a": "no", "b": "yes", "c": "yes", "d": "no", "e": "unknown"}
    assert cov.orp.to_dict() == {"0001": "part", "0002": "part", "0003": "unknown"}
    unknown_rule = support.coverage("not_in_rules", orp, obce, values)
    assert set(unknown_rule.orp) == {"unknown"} and set(unknown_rule.obec) == {"unknown"}


def test_applies_here(coverages):
    here = support.applies_here(coverages, orp_code="4214")
    assert "opst" in set(here["instrument_id"])
    assert here["status"].iloc[0] == "all"  # certain ones first
    praha = support.applies_here(coverages, orp_code="1000")
    assert set(praha["instrument_id"]) == {"mv_ppk", "asz_kpsvl"}
    obec = support.applies_here(coverages, obec_code="567507")
    assert set(obec["status"]) <= {"yes", "unknown"}
    assert support.applies_here(coverages, obec_code="000000").empty
    assert support.applies_here(coverages).empty


# ----------------------------------------------------------------------------- per inhabitant

def test_per_inhabitant_uses_whole_territories_only(bundle, tables):
    rows = support.per_inhabitant(tables.by_territory, bundle.orp, bundle.orp_values)
    uk = rows[(rows["territory_code"] == "CZ042") & (rows["instrument_id"] == "opst")].iloc[0]
    pop = bundle.orp_values[(bundle.orp_values["indicator_id"] == "population")
                            & (bundle.orp_values["year"] == 2020)
                            & bundle.orp_values["orp_code"].str.startswith("42")]["value"].sum()
    assert uk["pop_year"] == 2020  # 2021–2027 → population at 31 Dec 2020
    assert uk["population"] == pop
    assert uk["per_inhabitant"] == pytest.approx(15.8e9 / pop)
    partial = rows[rows["instrument_id"].isin(["opst_call23_uk", "iti_ucha", "clld_mas"])]
    assert partial["per_inhabitant"].isna().all()
    assert set(partial["pop_reason"]) == {"partial_territory"}
    cz = rows[rows["territory_code"] == "CZ"].iloc[0]
    assert cz["pop_year"] == 2022 and cz["population"] > 10_000_000
    paid = rows[rows["period"] == "to 06/2025"]
    assert set(paid["pop_year"]) == {2024}


def test_population_year_falls_back_to_nearest_complete_year(bundle):
    karlovarsky = bundle.orp.loc[bundle.orp["kraj_code"] == "CZ041", "orp_code"].tolist()
    # 2016 is not in the bundle and 2015 lacks ORP of this kraj → 2019 (nearest complete)
    assert support.population_year(bundle.orp_values, karlovarsky, 2016) == 2019
    assert support.population_year(bundle.orp_values, karlovarsky, 2020) == 2020
    assert support.population_year(bundle.orp_values, ["9999"], 2020) is None


# ----------------------------------------------------------------------------- URL

def test_parse_support_params():
    ids = ["opst", "restart"]
    p = support.parse_support_params({"instrument": "opst"}, ids, ["MMR"])
    assert p.values["instrument"] == "opst" and p.values["tab"] == "coverage"
    assert not p.notices
    p = support.parse_support_params({"instrument": "nope", "level": "EU,xx", "elig": "indirect",
                                      "provider": "MMR", "measure": "bad", "tab": "money"},
                                     ids, ["MMR"])
    assert p.values["instrument"] is None and p.values["tab"] == "money"
    assert p.values["levels"] == ("EU",) and p.values["eligibility"] == ("indirect",)
    assert p.values["providers"] == ("MMR",)
    assert p.values["measure"] == support.TRANSFER_MEASURES[0]
    keys = [k for k, _ in p.notices]
    assert keys.count("support.notice_unknown_instrument") == 1
    assert len(p.notices) == 3  # instrument, level=xx, measure


# ----------------------------------------------------------------------------- charts

def test_allocation_chart_draws_only_published_amounts(table):
    fig, missing = support_view.allocations(table.reset_index(drop=True), pd.Series(dtype=object),
                                            translator("cs"), "cs")
    bars = fig.data[0]
    assert len(bars.y) == 5 and min(bars.x) > 0
    assert len(missing) == 6
    assert all("Zdroj" in h for h in bars.hovertext)


def test_timeline_has_a_row_per_readable_instrument(table):
    fig, unknown = support_view.timeline(table.reset_index(drop=True), TODAY, translator("en"),
                                         "en")
    assert not unknown
    rows = {y for tr in fig.data for y in tr.y}
    assert len(rows) == 11
    assert any("today" in a.text for a in fig.layout.annotations)


def test_side_by_side_switches_to_dots_for_many_territories():
    """Synthetic: 100 territories, half HSOÚ (50 per panel > 40)."""
    n = 100
    rows = pd.DataFrame({"name": [f"t{i}" for i in range(n)], "value": range(n),
                         "text": [str(i) for i in range(n)],
                         "is_hsou": [i % 2 == 0 for i in range(n)]})
    fig = support_charts.hsou_side_by_side(rows, title="x", panels=("a", "b"), unit="u",
                                           source="s")
    assert {t.type for t in fig.data} == {"box"}
    few = support_charts.hsou_side_by_side(rows.head(6), title="x", panels=("a", "b"), unit="u",
                                           source="s")
    assert {t.type for t in few.data} == {"bar"}
    assert [len(t.y) for t in few.data] == [3, 3]


def test_transfers_view_names_praha_caveat(bundle, tables):
    tr = translator("cs")
    funding, key, names, hsou = support_view.transfer_inputs(bundle, tables, "CZ010", "orp")
    import geopandas as gpd
    from shapely.geometry import box
    geo = gpd.GeoDataFrame({"orp_code": ["1000"]}, geometry=[box(14.2, 49.9, 14.7, 50.2)],
                           crs=4326)
    tv = support_view.transfers(funding, key, names, hsou, geo,
                                "municipal_transfers_received_czk_per_capita", tr, "cs")
    assert tv.praha_note and "Praha" in tv.praha_note
    assert tv.table["value"].iloc[0] == 18670
    assert not math.isnan(tv.table["value"].iloc[0])


def test_place_transfers_sentence(tables):
    tr = translator("cs")
    orp = support_view.place_transfers(tables, tr, "cs", orp_code="4214")
    assert "3\u00a0633" in orp and "nejde jen o evropské peníze" in orp
    assert "Praha je obec i kraj" in support_view.place_transfers(tables, tr, "cs",
                                                                  orp_code="1000")
    # obce outside Ústecký kraj have no 2019 row: nothing is said, nothing is guessed
    assert support_view.place_transfers(tables, tr, "cs", obec_code="500011") is None
    assert support_view.place_transfers(tables, tr, "cs") is None


def test_here_table_links_to_the_instrument(table, coverages):
    here = support.applies_here(coverages, orp_code="4213")
    rows = here.rename(columns={"status": "coverage"}).merge(table.reset_index(drop=True),
                                                              on="instrument_id")
    shown = support_view.here_table(rows, translator("en"), "en", obec=False)
    assert len(shown) == len(here)
    assert shown["detail"].str.endswith("&lang=en").all()
    assert set(shown["how"]) <= {"whole ORP", "some municipalities of the ORP",
                                 "uncertain – depends on a list or condition not in the data"}
