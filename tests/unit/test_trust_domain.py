"""Issue 8, "numbers people can trust": kinds and directions, decimals, series breaks,
reference dates, sources and the HSOÚ population share."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from hsou_dash.domain import catalogue, dates, series, sources
from hsou_dash.domain.catalogue import BREAKS, DECIMALS, REASSIGNED_ORP
from hsou_dash.domain.headline import headline, hsou_share
from hsou_dash.text import catalogue as texts

# Written out by hand (not derived from the code under test), so a wrong declaration fails.
EXPECTED_KINDS = {
    "population": "count", "pop_age_0_14": "count", "pop_age_15_64": "count",
    "pop_age_65plus": "count", "live_births": "count", "deaths": "count",
    "immigrants": "count", "emigrants": "count", "natural_increase": "count",
    "net_migration": "count", "total_increase": "count",
    "unemployed_available_15_64": "count", "persons_in_distraint": "count",
    "executions_count": "count", "pop_15plus": "count", "persons_3plus_executions": "count",
    "persons_in_distraint_mz2024": "count", "executions_count_mz2024": "count",
    "pop_15plus_mz2024": "count", "dwellings_completed": "count",
    "municipal_tax_revenue": "amount",
    "share_age_65plus": "share", "share_age_0_14": "share", "unemployment_share": "share",
    "distraint_share": "share", "distraint_share_mz2024": "share",
    "net_migration_per_1000": "rate", "total_increase_per_1000": "rate",
    "dwellings_completed_per_1000": "rate", "ageing_index": "index", "average_age": "mean",
    "municipal_tax_revenue_per_capita": "per_capita",
}


# --- kind and direction -----------------------------------------------------------------------

def test_every_catalogue_id_has_the_expected_kind(bundle):
    assert set(bundle.catalog.index) == set(EXPECTED_KINDS)
    for ind, expected in EXPECTED_KINDS.items():
        assert catalogue.kind(ind) == expected, ind


def test_kind_agrees_with_how_it_aggregates_and_its_unit(bundle):
    for ind in bundle.catalog.index:
        k, agg = catalogue.kind(ind), catalogue.aggregation_kind(ind)
        unit = str(bundle.catalog.at[ind, "unit"])
        assert agg == {"count": "count", "amount": "count", "mean": "weighted"}.get(k, "ratio"), ind
        if k == "share":
            assert unit.startswith("%"), ind
        if k == "rate":
            assert "per 1000" in unit, ind
        if k == "amount":
            assert unit == "CZK", ind
        if k == "count":
            assert unit in ("persons", "executions", "dwellings"), ind


@pytest.mark.parametrize("ind", ["population", "deaths", "pop_age_65plus",
                                 "persons_in_distraint", "executions_count", "emigrants",
                                 "municipal_tax_revenue"])
def test_counts_have_no_direction_whatever_the_catalogue_says(bundle, ind):
    assert catalogue.direction(bundle.catalog, ind) == "neutral"


def test_the_issue_counts_are_flagged_worse_in_the_catalogue(bundle):
    """The bug: the catalogue marks these counts higher_is_worse, so maps coloured the biggest
    ORP as worst. direction() must override it (checked above)."""
    assert all(bundle.catalog.at[i, "higher_is_worse"]
               for i in ("deaths", "pop_age_65plus", "persons_in_distraint"))


def test_rates_follow_the_catalogue(bundle):
    d = catalogue.direction
    assert d(bundle.catalog, "unemployment_share") == "higher_worse"
    assert d(bundle.catalog, "ageing_index") == "higher_worse"
    assert d(bundle.catalog, "average_age") == "higher_worse"
    assert d(bundle.catalog, "dwellings_completed_per_1000") == "higher_better"
    assert d(bundle.catalog, "municipal_tax_revenue_per_capita") == "higher_better"


def test_direction_flips_with_the_catalogue_only_for_rates():
    flipped = pd.DataFrame({"higher_is_worse": [False, True]},
                           index=["unemployment_share", "population"])
    assert catalogue.direction(flipped, "unemployment_share") == "higher_better"
    assert catalogue.direction(flipped, "population") == "neutral"


# --- decimals -----------------------------------------------------------------------------------

def test_every_catalogue_id_declares_its_decimals(bundle):
    assert set(bundle.catalog.index) <= set(DECIMALS)
    assert set(DECIMALS) <= set(bundle.catalog.index)


def test_decimals_by_kind():
    d = catalogue.decimals
    assert d("unemployment_share") == d("distraint_share") == d("share_age_65plus") == 2
    assert d("ageing_index") == d("average_age") == 1
    assert d("net_migration_per_1000") == d("total_increase_per_1000") == 1
    assert d("dwellings_completed_per_1000") == 2
    assert d("population") == d("persons_in_distraint") == d("municipal_tax_revenue") == 0
    assert d("municipal_tax_revenue_per_capita") == 0
    assert d("distraint_share_mz2024") == 1  # printed with one decimal in the press


def test_declared_decimals_never_show_a_real_value_as_zero(bundle):
    """The smallest non-zero ORP value of every non-negative rate still shows as non-zero.

    Signed balances (net migration, total increase per 1000) are left out: +0.03 ‰ is a
    balance of about zero and may read "0,0"."""
    v = bundle.orp_values
    for ind in bundle.catalog.index:
        vals = v.loc[(v["indicator_id"] == ind) & v["value"].notna(), "value"]
        if catalogue.kind(ind) in ("count", "amount") or vals.min() < 0:
            continue
        assert round(float(vals[vals != 0].min()), catalogue.decimals(ind)) > 0, ind


def test_declared_decimals_keep_everything_the_source_printed(bundle):
    """Mapa zadlužení shares and per-capita tax revenue lose nothing at their decimals."""
    v = bundle.orp_values
    for ind in ("distraint_share_mz2024", "municipal_tax_revenue_per_capita"):
        vals = v.loc[v["indicator_id"] == ind, "value"].dropna()
        assert (vals.round(catalogue.decimals(ind)) == vals).all(), ind


# --- series breaks ------------------------------------------------------------------------------

def _keys(notes):
    return [b.text_key for b in notes]


def test_population_breaks_inside_a_displayed_span():
    assert _keys(series.breaks_between("population", [2019, 2020])) == []
    assert _keys(series.breaks_between("population", [2020, 2021])) == ["trust.break.census_2021"]
    assert _keys(series.breaks_between("population", [2021, 2022])) == [
        "trust.break.temporary_protection"]
    assert _keys(series.breaks_between("population", [2022, 2025])) == []
    assert _keys(series.breaks_between("population", range(2015, 2026))) == [
        "trust.break.census_2021", "trust.break.temporary_protection"]
    assert series.breaks_between("population", [2021]) == []


def test_orp_reassignment_break_only_for_the_orp_concerned():
    keys = _keys(series.breaks_between("population", [2020, 2021], territory="2106"))
    assert "trust.break.orp_reassigned" in keys and "trust.break.census_2021" in keys
    assert "trust.break.orp_reassigned" not in _keys(
        series.breaks_between("population", [2020, 2021], territory="4201"))
    assert "trust.break.orp_reassigned" not in _keys(
        series.breaks_between("population", [2020, 2021]))  # kraj / Czechia


def test_population_jumps_2020_2021_in_the_bundle_are_census_or_reassignment(bundle):
    """Every ORP whose population moves by more than 8 % from 2020 to 2021 is either Bílina
    (census revision, SOURCES.md) or one of the ORP that gained or lost obce."""
    v = bundle.orp_values[bundle.orp_values["indicator_id"] == "population"]
    p = v.pivot_table(index="orp_code", columns="year", values="value")
    change = 100 * (p[2021] / p[2020] - 1)
    assert round(change["4201"], 1) == -13.8                        # Bílina
    assert round(change["7103"], 1) == 10.9                         # Konice
    assert change["2106"] < -9                                      # Český Brod
    jumps = set(change[change.abs() > 8].index)
    assert jumps - {"4201"} <= REASSIGNED_ORP and len(jumps) == 4
    uk = bundle.orp.loc[bundle.orp["kraj_code"] == "CZ042", "orp_code"]
    uk_change = 100 * (p.loc[uk, 2021].sum() / p.loc[uk, 2020].sum() - 1)
    assert round(uk_change, 1) == -2.2


def test_bundle_notes_confirm_the_declared_population_breaks(bundle):
    v = bundle.orp_values[bundle.orp_values["indicator_id"] == "population"]
    for year in range(2021, 2026):
        notes = v.loc[v["year"] == year, "note"].astype(str)
        assert notes.str.contains("2021 census").all(), year
        if year >= 2022:
            assert notes.str.contains("temporary protection").all(), year
    assert not v.loc[v["year"] == 2020, "note"].astype(str).str.contains("census").any()


def test_distraint_breaks_and_caveats(bundle):
    assert _keys(series.breaks_between("distraint_share", [2016, 2017, 2019])) == []
    assert _keys(series.breaks_between("distraint_share", [2019, 2021])) == [
        "trust.break.census_2021_pop15"]
    notes_2022 = _keys(series.year_notes("distraint_share", 2022))
    assert notes_2022 == ["trust.caveat.distraint_2022_denominator", "map.caveat_distraint_2022"]
    assert _keys(series.year_notes("distraint_share", 2021)) == []
    assert _keys(series.year_notes("distraint_share", 2019)) == [
        "trust.caveat.distraint_2019_date"]
    assert "trust.break.census_2021_pop15" in _keys(
        series.year_notes("distraint_share", 2022, compared_with=[2019]))
    assert _keys(series.year_notes("pop_15plus", 2022)) == ["trust.caveat.pop15_2022_is_2021"]


def test_bundle_confirms_distraint_2022_uses_the_2021_denominator(bundle):
    """…except in the ORP that gained or lost obce: the 2022 rows use the RÚIAN-2024
    assignment (SOURCES.md), hence the declared territorial break in 2022."""
    v = bundle.orp_values[bundle.orp_values["indicator_id"] == "pop_15plus"]
    p = v.pivot_table(index="orp_code", columns="year", values="value")
    moved = p.index.isin(REASSIGNED_ORP)
    assert (p.loc[~moved, 2022] == p.loc[~moved, 2021]).all()
    assert (p.loc[moved, 2022] != p.loc[moved, 2021]).all()
    assert p.loc[moved, 2022].sum() == p.loc[moved, 2021].sum()  # obce moved between them
    assert (p[2021] != p[2019]).mean() > 0.9  # a new (census) basis, not a copy of 2019
    assert "trust.break.orp_reassigned" in _keys(
        series.breaks_between("distraint_share", [2021, 2022], territory="2106"))
    assert _keys(series.breaks_between("distraint_share", [2021, 2022])) == []
    share = bundle.orp_values.query("indicator_id == 'distraint_share' and year == 2022")
    assert share["note"].astype(str).str.contains("2022 uses 2021 pop 15+").all()
    ref = bundle.orp_values.query("indicator_id == 'persons_in_distraint' and year == 2019")
    assert set(ref["ref_date"].astype(str)) == {"20.4.2020"}


def test_population_based_indicators_without_post_2020_data_show_no_break(bundle):
    for ind in ("share_age_65plus", "ageing_index", "unemployment_share",
                "total_increase_per_1000", "municipal_tax_revenue_per_capita"):
        years = catalogue.years_of(bundle.orp_values, ind)
        assert max(years) <= 2020 and series.span_notes(ind, years) == [], ind
        assert series.breaks_between(ind, [2020, 2021]), ind  # declared for when data arrive


def test_every_break_is_for_a_catalogue_id_with_cs_and_en_text(bundle):
    for ind, notes in BREAKS.items():
        assert ind in bundle.catalog.index, ind
        for b in notes:
            assert b.kind in ("break", "caveat")
            assert b.text_key in texts()["cs"] and b.text_key in texts()["en"], b.text_key


# --- reference dates ------------------------------------------------------------------------

@pytest.mark.parametrize(("ref", "cs", "en"), [
    ("31.12.2020", "k 31.\u00a012.\u00a02020", "as of 31 Dec 2020"),
    ("20.4.2020", "k 20.\u00a04.\u00a02020", "as of 20 Apr 2020"),
    ("2020", "za rok 2020", "for 2020"),
    ("Q2 2024", "za 2. čtvrtletí 2024", "for Q2 2024"),
    ("brzy", "brzy", "brzy"),
])
def test_reference_dates_in_one_style(ref, cs, en):
    assert dates.ref_phrase(ref, "cs") == cs
    assert dates.ref_phrase(ref, "en") == en


def test_a_year_is_never_a_state_on_a_day():
    assert "stav" not in dates.ref_phrase("2020", "cs")
    assert dates.format_date("31.12.2020", "cs") == "31.\u00a012.\u00a02020"
    assert dates.format_date("2020", "en") == "2020"


def test_several_reference_dates_are_grouped_in_order():
    refs = ["31.12.2020", "2021", "20.4.2020", "31.12.2020", "2015", None, "nan"]
    assert dates.ref_phrases(refs, "cs") == (
        "k 20.\u00a04.\u00a02020, 31.\u00a012.\u00a02020; za roky 2015, 2021")
    assert dates.ref_phrases(refs, "en") == "as of 20 Apr 2020, 31 Dec 2020; for 2015, 2021"
    assert dates.ref_phrases([], "cs") == ""


def test_every_reference_date_in_the_bundle_is_understood(bundle):
    refs = set(bundle.orp_values["ref_date"].astype(str)) | set(
        bundle.obec_values["ref_date"].astype(str)) | set(bundle.context["ref_date"].astype(str))
    unknown = {r for r in refs if dates.parse(r).kind == "raw"}
    assert not unknown, unknown


# --- sources --------------------------------------------------------------------------------

def test_population_2021_2025_is_credited_to_csu_not_a_repository(bundle):
    s = sources.source_info(bundle.catalog, bundle.orp_values, "population", range(2021, 2026))
    assert s.publisher("cs") == "ČSÚ" and "OBY02AT02" in s.dataset("cs")
    assert "github" not in s.line("cs") and "github" not in s.line("en")
    assert any("csu_population.json" in r for r in s.retrieval)
    assert s.ref_dates[0] == "31.12.2021" and s.ref_dates[-1] == "31.12.2025"


def test_population_across_the_break_names_each_dataset_with_its_years(bundle):
    s = sources.source_info(bundle.catalog, bundle.orp_values, "population", [2020, 2021])
    assert s.dataset("cs") == ("Statistická data pro územně analytické podklady (ČSÚ, vydání "
                               "2021) (2020); DataStat OBY02AT02 Počet obyvatel k 1. 1. (2021)")


@pytest.mark.parametrize(("ind", "publisher"), [
    ("unemployment_share", "ÚP ČR/MPSV"),
    ("distraint_share", "Exekutorská komora ČR"),
    ("pop_15plus", "ČSÚ"),
    ("municipal_tax_revenue_per_capita", "MF ČR Státní pokladna + ČSÚ"),
    ("distraint_share_mz2024", "IPŘP + PAQ Research, data EKČR"),
])
def test_publisher_first(bundle, ind, publisher):
    assert sources.source_info(bundle.catalog, bundle.orp_values, ind).publisher("cs") == publisher


def test_no_source_line_is_a_repository_path(bundle):
    for values in (bundle.orp_values, bundle.obec_values):
        for ind in set(values["indicator_id"]):
            s = sources.source_info(bundle.catalog, values, ind)
            for lang in ("cs", "en"):
                line = s.line(lang)
                assert s.publisher(lang) and s.dataset(lang), (ind, lang)
                for bad in ("github", "http", ".parquet", ".xlsx", ".json", "@"):
                    assert bad not in line, (ind, line)
            assert s.retrieval, ind


def test_one_number_one_source_line_whatever_the_level(bundle):
    """ORP and obec rows of the same indicator and year give the same source line."""
    o, m = bundle.orp_values, bundle.obec_values
    for ind in sorted(set(o["indicator_id"]) & set(m["indicator_id"])):
        for year in sorted(set(o.loc[o["indicator_id"] == ind, "year"])
                           & set(m.loc[m["indicator_id"] == ind, "year"])):
            a = sources.source_info(bundle.catalog, o, ind, [year])
            b = sources.source_info(bundle.catalog, m, ind, [year])
            assert a.line("cs") == b.line("cs"), (ind, year)


def test_hsou_list_is_credited_to_mmr(bundle):
    s = sources.hsou_list_source(bundle.orp)
    assert s.publisher("cs") == "MMR"
    assert s.publisher("en") == "Ministry of Regional Development"
    assert "Strategie regionálního rozvoje ČR 2021+" in s.dataset("cs")
    assert "parquet" not in s.line("cs") and "parquet" in " ".join(s.retrieval)


def test_hsou_list_without_publisher_columns_says_nothing_rather_than_a_path(bundle):
    s = sources.hsou_list_source(bundle.orp[["orp_code", "hsou_list_source"]])
    assert s.line("cs") == "" and s.retrieval


# --- one HSOÚ population share ----------------------------------------------------------------

def test_hsou_share_on_the_delimitation_basis(bundle):
    s = hsou_share(bundle.orp_values, bundle.orp)
    assert s.year == 2020 and round(s.share, 1) == 24.7
    assert s.population == 10_701_777


def test_headline_carries_both_shares_each_with_its_year(bundle):
    h = headline(bundle, "CZ")
    assert h.share.year == 2020 and round(h.share.share, 1) == 24.7
    assert h.share_current.year == 2025 and round(h.share_current.share, 1) == 23.9
    uk = headline(bundle, "CZ042")
    assert uk.share.year == 2020 and not math.isnan(uk.share.share)


def test_share_label_carries_the_year():
    assert texts()["cs"]["trust.hsou_share_label"].format(year=2020) == (
        "Podíl obyvatel v HSOÚ (2020)")
    assert "(2020)" in texts()["en"]["trust.hsou_share_label"].format(year=2020)


def test_trust_texts_exist_in_both_languages():
    cs = {k for k in texts()["cs"] if k.startswith("trust.")}
    en = {k for k in texts()["en"] if k.startswith("trust.")}
    assert cs == en and len(cs) > 30
