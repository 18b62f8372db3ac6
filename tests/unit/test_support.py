"""Support instruments: the validated records, the register, coverage rules, amounts.

Expectations come from outside the code under test: the bundle's own CSV text (periods,
eligibility words, provider names, target territories), published facts (the three coal
kraje have 7 + 16 + 22 ORP) and small hand-computed fixtures.
"""

from __future__ import annotations

import copy
import tomllib
from datetime import date, datetime

import pandas as pd
import pytest

from hsou_dash.data.loaders import load_obec_values_cz, load_support
from hsou_dash.domain import support
from hsou_dash.domain.support import instruments
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


# ----------------------------------------------------------------------------- records

def _first_record() -> dict:
    """One real record as parsed TOML, to break field by field in the validation tests."""
    data = tomllib.loads(instruments.RECORDS_FILE.read_text(encoding="utf-8"))
    iid = "mmr_prr2019_2023"  # has spans, events and a size rule
    return {"bodies": data["bodies"], "instruments": {iid: copy.deepcopy(
        data["instruments"][iid])}}


def test_the_package_file_describes_exactly_the_bundles_instruments(tables):
    recs = support.records()
    assert set(recs.instruments) == set(tables.instruments["instrument_id"])
    assert len(recs.instruments) == 11  # SOURCES.md: "11 support instruments"


def test_every_date_of_a_record_is_written_in_the_registers_period(tables):
    """Each span/event quotes the CSV period it comes from, and its date is spelled there
    ("14. 4. 2025" for a day, the years for a span) — the record adds no date of its own."""
    periods = tables.instruments.set_index("instrument_id")["period"]
    for iid, rec in support.records().instruments.items():
        text = periods[iid]
        for e in rec.period.events:
            assert e.text in text, (iid, e.text)
            assert f"{e.day.day}. {e.day.month}. {e.day.year}" in e.text, (iid, e)
        for s in rec.period.spans:
            assert s.text in text, (iid, s.text)
            for d in (s.start, s.end):
                assert d is None or str(d.year) in s.text, (iid, s)


@pytest.mark.parametrize("iid, start, end, open_ended, status", [
    # hand-read from support_instruments.csv
    ("opst", date(2021, 1, 1), date(2027, 12, 31), False, "running"),           # 2021–2027
    ("mmr_117D7624_hsou", date(2025, 4, 14), None, False, "started_end_unknown"),
    ("mmr_prr2019_2023", date(2023, 5, 2), date(2024, 11, 30), False, "ended"),
    ("mmr_prr_3001_10000", None, date(2023, 6, 5), False, "ended"),             # uzávěrka
    ("restart", date(2015, 10, 19), None, True, "ongoing"),    # usnesení vlády 826/2015
    ("asz_kpsvl", date(2015, 1, 1), None, True, "ongoing"),    # KPSVL od ledna 2015
    ("clld_mas", date(2014, 1, 1), date(2027, 12, 31), False, "running"),  # + 2014–2020
    ("mv_ppk", date(2024, 12, 18), None, True, "ongoing"),     # strategy 2022–2027 = context
    ("rsk_hsou_studies", date(2021, 1, 1), None, True, "ongoing"),             # 2021+
])
def test_register_periods(table, iid, start, end, open_ended, status):
    assert (table.at[iid, "start"], table.at[iid, "end"], table.at[iid, "open_ended"],
            table.at[iid, "status"]) == (start, end, open_ended, status)


def test_period_status_on_hand_made_periods():
    day = date(2026, 11, 27)
    span = support.Span
    assert support.period_status(support.Period("x"), day) == "unknown"
    assert support.period_status(support.Period("x", (span("period", date(2028, 1, 1),
                                                           date(2034, 12, 31), "x"),)),
                                 day) == "upcoming"
    assert support.period_status(support.Period("x", (span("window", date(2026, 11, 27),
                                                           date(2026, 11, 27), "x"),)),
                                 day) == "running"  # both ends inclusive
    assert support.period_status(support.Period("x", (span("open", date(2021, 1, 1), None,
                                                           "x"),), open_ended=True),
                                 day) == "ongoing"
    context_only = support.Period("x", (span("context", date(2022, 1, 1), date(2027, 12, 31),
                                             "x"),))
    assert context_only.start is None and support.period_status(context_only, day) == "unknown"


def test_an_instrument_without_a_record_keeps_everything_unknown(tables, bundle, obec_values):
    """A new CSV row gets no dates, no HSOÚ relation, no matrix and no coverage — even when
    its free text looks readable — and its provider text stays a body of its own."""
    extra = tables.instruments.iloc[[0]].assign(
        instrument_id="brand_new", period="2021–2027", eligible_hsou="yes (exclusive to HSOÚ)",
        provider="Nový úřad")
    t = support.instruments_table(pd.concat([tables.instruments, extra]), TODAY)
    new = t.set_index("instrument_id").loc["brand_new"]
    assert (new["start"], new["end"], new["status"]) == (None, None, "unknown")
    assert new["eligibility"] == "unclear" and new["providers"] == ("Nový úřad",)
    assert support.provider_options(t)[-1] == "Nový úřad"  # after the known bodies
    assert support.eligibility_matrix(t).loc["brand_new"].tolist() == ["unknown"] * 4
    cov = support.coverage("brand_new", bundle.orp, bundle.obce, obec_values)
    assert set(cov.orp) == {"unknown"} and set(cov.obec) == {"unknown"}


def _broken(change) -> str:
    data = _first_record()
    change(data["instruments"]["mmr_prr2019_2023"])
    with pytest.raises(support.InstrumentsError) as err:
        instruments.parse_records(data)
    return str(err.value)


def test_a_valid_record_parses():
    recs = instruments.parse_records(_first_record())
    rec = recs.get("mmr_prr2019_2023")
    assert rec.rule.kind == "size" and rec.rule.hi == 10_000
    assert rec.texts["en"].short and rec.texts["cs"].short


@pytest.mark.parametrize("change, words", [
    (lambda r: r.update(typo="x"), ["record 'mmr_prr2019_2023'", "unknown field", "typo"]),
    (lambda r: r.pop("en"), ["record 'mmr_prr2019_2023'", "missing field", "en"]),
    (lambda r: r["cs"].pop("how_covered"), [".cs", "how_covered"]),
    (lambda r: r["en"].update(short="  "), [".en", "empty text"]),
    (lambda r: r["period"]["spans"][0].update(start="2023-05-02"),
     ["spans[0]", "TOML date"]),
    (lambda r: r["period"]["events"][0].update(day=datetime(2024, 11, 30, 12, 0)),
     ["events[0]", "TOML date"]),
    (lambda r: r["period"]["spans"][0].update(start=date(2023, 7, 1)),
     ["spans[0]", "after end"]),
    (lambda r: r["period"]["events"][0].update(kind="soon"), ["events[0]", "'soon'"]),
    (lambda r: r.update(eligibility="unclear"), ["eligibility", "'unclear'"]),
    (lambda r: r.update(providers=["MMR", "Nobody"]), ["providers", "'Nobody'"]),
    (lambda r: r["matrix"].update(iti="maybe"), [".matrix", "'maybe'"]),
    (lambda r: r["matrix"].pop("rural"), [".matrix", "missing", "rural"]),
    (lambda r: r["coverage"].pop("year"), [".coverage", "'size' rule lacks"]),
    (lambda r: r["coverage"].update(groups=["poor"]), [".coverage", "'poor'"]),
])
def test_a_broken_record_is_refused_with_its_name(change, words):
    message = _broken(change)
    for w in words:
        assert w in message, (w, message)


def test_an_impossible_date_in_the_file_is_refused(tmp_path):
    path = tmp_path / "instruments.toml"
    path.write_text(instruments.RECORDS_FILE.read_text(encoding="utf-8").replace(
        "2023-06-05", "2023-06-31", 1), encoding="utf-8")
    with pytest.raises(support.InstrumentsError, match="instruments.toml"):
        instruments.read_records(path)


def test_a_record_the_bundle_lacks_is_an_error_naming_it(tables):
    without = tables.instruments[tables.instruments["instrument_id"] != "opst"]
    with pytest.raises(support.InstrumentsError, match="'opst'"):
        support.instruments_table(without, TODAY)
    # a bundle without the register at all: nothing to check, the page says it is absent
    assert support.instruments_table(tables.instruments.iloc[0:0], TODAY).empty


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
    assert export.at["opst", "period_start"] == "2021-01-01"


def test_hsou_relation_agrees_with_the_registers_own_words(table):
    """The CSV's ``eligible_hsou`` says it in English: "yes (exclusive…)", "yes (priority…)",
    "indirect…", "not HSOÚ-specific"; a bare "yes" is the HSOÚ-only coordinators' studies."""
    for iid, r in table.iterrows():
        words = r["eligible_hsou"].lower()
        expected = ("not_specific" if words.startswith("not") else
                    "indirect" if words.startswith("indirect") else
                    "priority" if "not exclusive" in words else "exclusive")
        assert r["eligibility"] == expected, (iid, words)
    assert table["eligibility"].value_counts().to_dict() == {
        "indirect": 5, "exclusive": 2, "priority": 2, "not_specific": 2}


#: Words the register uses for each provider body (Czech names as the CSV writes them).
BODY_WORDS = {"MMR": ("MMR", "Ministerstvo pro místní rozvoj"),
              "MŽP": ("Ministerstvo životního prostředí",), "SFŽP": ("SFŽP",),
              "MV": ("Ministerstvo vnitra",), "Úřad vlády": ("Úřad vlády",),
              "ASZ": ("Agentura pro sociální začleňování",),
              "RSK / kraj": ("RSK", "Krajský úřad"),
              "ITI Ústí n. L.": ("Statutární město Ústí nad Labem",)}


def test_every_provider_body_is_named_in_the_registers_provider_text(table):
    for iid, r in table.iterrows():
        assert r["providers"], iid
        for body in r["providers"]:
            assert any(w in r["provider"] for w in BODY_WORDS[body]), (iid, body)


def test_filters(table):
    t = table.reset_index(drop=True)
    mv = support.filter_instruments(t, support.Filters(providers=("MV",)))
    assert mv["instrument_id"].tolist() == ["mv_ppk"]
    eu = support.filter_instruments(t, support.Filters(levels=("EU",)))
    assert set(eu["instrument_id"]) == set(t.loc[t["level"] == "EU", "instrument_id"])
    assert set(eu["instrument_id"]) == {"opst", "opst_call23_uk", "iti_ucha", "clld_mas"}
    both = support.filter_instruments(t, support.Filters(levels=("EU",),
                                                         eligibility=("not_specific",)))
    assert both.empty  # every EU instrument reaches HSOÚ indirectly
    assert len(support.filter_instruments(t, support.Filters())) == 11


def test_allocation_kind_comes_from_the_territory_table(tables, table):
    kinds = support.allocation_kinds(table.reset_index(drop=True), tables.by_territory)
    assert kinds["iti_ucha"].startswith("indicative support")
    assert kinds["opst"].startswith("allocation (total programme")
    assert kinds["restart"] is None  # no allocation in the register


def test_support_texts_exist_in_both_languages():
    cs = {k for k in catalogue()["cs"] if k.startswith("support.")}
    en = {k for k in catalogue()["en"] if k.startswith("support.")}
    assert cs == en


def test_matrix_targets_follow_the_registers_target_territory(table):
    """Target cells against the CSV's own words: the three coal kraje named in full for the
    structurally affected column, the ITI agglomeration, rural MAS areas, HSOÚ-only."""
    m = support.eligibility_matrix(table.reset_index(drop=True))
    assert list(m.columns) == list(support.TERRITORY_TYPES)
    target = table["target_territory"]
    coal = target.str.contains("Karlovarsk") & target.str.contains("Ústeck") & \
        target.str.contains("Moravskoslezsk")
    assert set(m.index[m["structural"] == "target"]) == set(table.index[coal]) == {
        "restart", "opst"}
    assert set(m.index[m["iti"] == "target"]) == set(
        table.index[table["eligible_hsou"].str.contains("territorial")]) == {"iti_ucha"}
    assert set(m.index[m["rural"] == "target"]) == set(
        table.index[target.str.contains("venkov")]) == {"clld_mas"}
    assert set(m.index[m["hsou"] == "target"]) == set(
        table.index[table["eligibility"] == "exclusive"])
    assert (m != "unknown").all().all()  # every record states every column


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
    """RE:START and OP Spravedlivá transformace: Karlovarský, Ústecký and Moravskoslezský kraj
    (SOURCES.md, support_instruments.csv), i.e. 7 + 16 + 22 ORP."""
    kraje = bundle.kraje.set_index("kraj_name")["kraj_code"]
    coal = [kraje[n] for n in ("Karlovarský kraj", "Ústecký kraj", "Moravskoslezský kraj")]
    expected = set(bundle.orp.loc[bundle.orp["kraj_code"].isin(coal), "orp_code"])
    assert len(expected) == 7 + 16 + 22
    assert _orp(coverages[iid], "all") == expected
    assert set(coverages[iid].orp.unique()) == {"all", "none"}
    assert coverages[iid].obec["554782"] == "no"  # Praha


def test_orp_set_rule_on_a_hand_made_register():
    """Synthetic: groups ∪ kraje − exceptions, on four ORP of two kraje."""
    orp = pd.DataFrame({"orp_code": ["a1", "a2", "b1", "b2"], "kraj_code": ["A", "A", "B", "B"],
                        "is_hsou": [False, False, True, False],
                        "structurally_affected": [False, None, False, True],
                        "iti_metro_agglomeration": [None] * 4})
    obce = pd.DataFrame({"obec_code": ["x", "y", "z"], "orp_code": ["a1", "b1", "b2"]})
    rec = _first_record()
    body = rec["instruments"].pop("mmr_prr2019_2023")
    body["coverage"] = {"kind": "orp_set", "groups": ["hsou"], "kraje": ["A"],
                        "except_orp": ["a2"]}
    rec["instruments"]["t"] = body
    recs = instruments.parse_records(rec)
    cov = support.coverage("t", orp, obce, pd.DataFrame(), recs)
    assert cov.orp.to_dict() == {"a1": "all", "a2": "none", "b1": "all", "b2": "none"}
    assert cov.obec.to_dict() == {"x": "yes", "y": "yes", "z": "no"}
    body["coverage"] = {"kind": "unknown_within", "groups": ["structural"]}
    cov = support.coverage("t", orp, obce, pd.DataFrame(), instruments.parse_records(rec))
    assert cov.orp.to_dict() == {"a1": "none", "a2": "none", "b1": "none", "b2": "unknown"}


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


def test_timeline_fits_a_phone_row_names_wrap_and_years_are_spaced_by_width(table):
    fig, _ = support_view.timeline(table.reset_index(drop=True), TODAY, translator("cs"), "cs")
    rows = {y for tr in fig.data for y in tr.y}
    lines = [line for row in rows for line in row.split("<br>")]
    assert max(map(len, lines)) <= support_charts.ROW_LABEL_CHARS + 8  # one long word may exceed
    assert any("<br>" in row for row in rows)  # "ITI Ústecko-chomutovské aglomerace" wraps
    # no tick forced every year: plotly spaces the years by the plot's width (phone: 5 years)
    assert fig.layout.xaxis.dtick is None and fig.layout.xaxis.nticks is None


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
                                "municipal_transfers_received_czk_per_capita", tr, "cs",
                                attribution="synthetic attribution")
    assert tv.praha_note and "Praha" in tv.praha_note
    assert tv.table["value"].iloc[0] == 18670


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
