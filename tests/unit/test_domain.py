"""Aggregation, classification, ranks and the catalogue declarations; the first tests run on
the synthetic bundle (tests/fixtures), whose figures are worked out by hand in its docstring."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from hsou_dash.domain import catalogue
from hsou_dash.domain.aggregate import aggregate, base_counts
from hsou_dash.domain.classify import classify
from hsou_dash.domain.headline import headline
from hsou_dash.domain.longtable import rank_desc, rank_in, rank_table, values_for
from hsou_dash.domain.regions import orp_codes
from tests.fixtures.synthetic_bundle import YEAR, synthetic_bundle


@pytest.fixture(scope="module")
def syn():
    return synthetic_bundle()


def synthetic_long(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    """SYNTHETIC test values (never shown to users): (code, indicator, year, value)."""
    return pd.DataFrame(rows, columns=["orp_code", "indicator_id", "year", "value"])


# --- aggregation -----------------------------------------------------------------------------

def test_ratio_is_recomputed_from_sums_not_a_mean_of_percentages():
    v = synthetic_long([
        ("A", "unemployed_available_15_64", 2020, 10), ("A", "pop_age_15_64", 2020, 100),
        ("B", "unemployed_available_15_64", 2020, 90), ("B", "pop_age_15_64", 2020, 900),
        ("A", "unemployment_share", 2020, 10.0), ("B", "unemployment_share", 2020, 10.0),
        ("C", "unemployed_available_15_64", 2020, 1), ("C", "pop_age_15_64", 2020, 100),
    ])
    agg = aggregate(v, "orp_code", ["A", "B", "C"], "unemployment_share", 2020)
    assert agg.value == pytest.approx(100 * 101 / 1100)  # 9.18 %, not mean(10, 10, 1) = 7 %
    assert agg.complete


def test_partial_coverage_gives_no_data_not_a_partial_sum():
    v = synthetic_long([("A", "population", 2020, 100.0), ("B", "population", 2020, np.nan)])
    agg = aggregate(v, "orp_code", ["A", "B"], "population", 2020)
    assert math.isnan(agg.value) and agg.covered == 1 and agg.members == 2


def test_weighted_mean_for_average_age():
    v = synthetic_long([("A", "average_age", 2020, 40.0), ("A", "population", 2020, 300),
                        ("B", "average_age", 2020, 50.0), ("B", "population", 2020, 100)])
    assert aggregate(v, "orp_code", ["A", "B"], "average_age", 2020).value == pytest.approx(42.5)


def test_ustecky_kraj_unemployment_share_matches_csu(bundle):
    """Recomputed from ORP numerators and denominators: ČSÚ published 5.46 % for 31.12.2020."""
    uk = bundle.orp.loc[bundle.orp["kraj_code"] == "CZ042", "orp_code"].tolist()
    agg = aggregate(bundle.orp_values, "orp_code", uk, "unemployment_share", 2020)
    assert agg.complete and round(agg.value, 2) == 5.46
    ctx = bundle.context.query("territory_code == 'CZ042' and indicator_id == "
                               "'unemployment_share' and year == 2020")
    assert float(ctx["value"].iloc[0]) == 5.46


def test_counts_behind_a_rate(bundle):
    num, den = base_counts(bundle.orp_values, "orp_code", ["4213"], "unemployment_share",
                           2020).loc["4213"]
    published = bundle.orp_values.query(
        "orp_code == '4213' and indicator_id == 'unemployment_share' and year == 2020")["value"]
    assert round(100 * num / den, 2) == float(published.iloc[0])


# --- the synthetic bundle: every expected figure by hand (tests/fixtures/synthetic_bundle.py) --

def test_synthetic_counts_behind_each_rate(syn):
    counts = base_counts(syn.orp_values, "orp_code", ["4201", "4202", "8102"],
                         "unemployment_share", YEAR)
    assert counts.loc["4201"].tolist() == [300.0, 6000.0]   # 5.0 %
    assert counts.loc["4202"].tolist() == [60.0, 3000.0]    # 2.0 %
    assert math.isnan(counts.loc["8102", "numerator"]) and counts.loc["8102", "denominator"] == 500
    count = base_counts(syn.orp_values, "orp_code", ["4201"], "population", YEAR)
    assert count.isna().all(axis=None)  # a count has neither


def test_synthetic_kraj_rate_is_the_ratio_of_sums(syn):
    north = aggregate(syn.orp_values, "orp_code", orp_codes(syn.orp, "CZ042"),
                      "unemployment_share", YEAR)
    assert north.value == pytest.approx(100 * (300 + 60) / (6000 + 3000))  # 4.0, not 3.5
    assert north.complete


def test_synthetic_missing_member_above_one_percent_gives_no_data(syn):
    # Delta (1 000 of 21 000 inhabitants of CZ080, 4.8 %) has no job seekers' count
    east = aggregate(syn.orp_values, "orp_code", orp_codes(syn.orp, "CZ080"),
                     "unemployment_share", YEAR)
    assert math.isnan(east.value) and east.left_out == ("8102",)
    assert east.left_out_population == 1000.0
    # the population is a plain sum, complete in CZ080
    assert aggregate(syn.orp_values, "orp_code", orp_codes(syn.orp, "CZ080"), "population",
                     YEAR).value == 21000.0


def test_synthetic_obce_add_up_to_their_orp(syn):
    alfa = aggregate(syn.obec_values, "obec_code", ["420101", "420102"], "unemployment_share",
                     YEAR)
    assert alfa.value == pytest.approx(5.0)


def test_synthetic_rank_table_keeps_no_data_last(syn):
    table = rank_table(syn.orp_values, syn.orp[["orp_code"]], "orp_code", "unemployment_share",
                       YEAR)
    assert table["orp_code"].tolist() == ["8101", "4201", "4202", "8102"]  # 10, 5, 2 %, none
    assert table["rank"].tolist()[:3] == [1, 2, 3] and pd.isna(table["rank"].iloc[3])
    values = values_for(syn.orp_values, "orp_code", "unemployment_share", YEAR)
    assert rank_in(values, "4202", orp_codes(syn.orp, "CZ042")) == (2, 2)


def test_every_catalogue_indicator_declares_how_it_aggregates(bundle):
    kinds = {i: catalogue.aggregation_kind(i) for i in bundle.catalog.index}
    assert "none" not in kinds.values(), kinds
    for ratio in catalogue.RATIOS.values():
        assert ratio.numerator in bundle.catalog.index
        assert ratio.denominator in bundle.catalog.index


def test_published_ratios_agree_with_their_declaration(bundle):
    """The declared formula reproduces the bundle's own ORP ratios (within rounding)."""
    v = bundle.orp_values
    for ind in ("unemployment_share", "ageing_index", "distraint_share", "share_age_65plus"):
        r = catalogue.RATIOS[ind]
        year = catalogue.years_of(v, ind)[0]
        pub = v[(v.indicator_id == ind) & (v.year == year)].set_index("orp_code")["value"]
        num = v[(v.indicator_id == r.numerator) & (v.year == year)].set_index("orp_code")["value"]
        den = v[(v.indicator_id == r.denominator) & (v.year == year)].set_index("orp_code")[
            "value"]
        recomputed = (r.scale * num / den).reindex(pub.index)
        assert (recomputed - pub).abs().max() < 0.06, ind


# --- classification --------------------------------------------------------------------------

def test_classify_keeps_no_data_out_of_classes():
    s = pd.Series([1.0, 2.0, np.nan, 10.0, 11.0, 30.0], index=list("abcdef"))
    c = classify(s, "fisher_jenks", 3)
    assert c.classes["c"] == -1
    assert c.k == 3 and c.bounds[0][0] == 1.0 and c.bounds[-1][1] == 30.0
    assert list(c.classes[["a", "d", "f"]]) == [0, 1, 2]


@pytest.mark.parametrize("scheme", ["fisher_jenks", "quantiles", "equal_interval"])
def test_every_value_falls_in_its_class_bounds(scheme, bundle):
    v = bundle.orp_values.query("indicator_id == 'distraint_share' and year == 2019")["value"]
    c = classify(v.reset_index(drop=True), scheme, 5)
    for i, val in v.reset_index(drop=True).items():
        lo, hi = c.bounds[c.classes[i]]
        assert lo <= val <= hi


def test_classify_with_fewer_distinct_values_than_classes():
    c = classify(pd.Series([2.0, 2.0, 2.0, 5.0]), "quantiles", 7)
    assert 1 <= c.k <= 2 and (c.classes >= 0).all()


def test_classify_all_missing():
    c = classify(pd.Series([np.nan, np.nan]), "fisher_jenks", 5)
    assert c.k == 0 and (c.classes == -1).all()


def test_unknown_scheme_raises():
    with pytest.raises(ValueError):
        classify(pd.Series([1.0, 2.0, 3.0]), "magic", 3)


# --- ranks and headline ---------------------------------------------------------------------

def test_ranks_highest_first_with_ties_sharing():
    s = pd.Series({"a": 5.0, "b": 7.0, "c": 7.0, "d": np.nan})
    assert rank_desc(s).to_dict()["b"] == 1 and rank_desc(s).to_dict()["a"] == 3
    assert rank_in(s, "d", list("abcd")) == (None, 3)


def test_headline_for_ustecky_kraj(bundle):
    h = headline(bundle, "CZ042")
    assert (h.n_orp, h.n_hsou) == (16, 14)
    assert 90 < h.hsou_population_share < 97
    une = next(f for f in h.figures if f.indicator_id == "unemployment_share")
    assert round(une.region, 2) == 5.46 and une.czechia < une.region


def test_headline_czechia_hsou_share_is_about_a_quarter(bundle):
    h = headline(bundle, "CZ")
    assert h.n_orp == 206 and h.n_hsou == 73
    assert 23 < h.hsou_population_share < 27
