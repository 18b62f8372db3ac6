"""The HSOÚ re-computation: direction-aware standardisation, composite, cumulative cut-off.

Small frames here are SYNTHETIC (made-up ORP codes and numbers, hand-checkable); the last
tests run on the real bundle.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from hsou_dash.domain import hsou
from tests.expected import official_hsou


def _values(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    """Synthetic long table: (orp_code, indicator_id, year, value)."""
    return pd.DataFrame(rows, columns=["orp_code", "indicator_id", "year", "value"])


SYN_CATALOG = pd.DataFrame(
    {"higher_is_worse": [True, False, False]},
    index=pd.Index(["unemployment_share", "dwellings_completed_per_1000", "population"],
                   name="indicator_id"))


# --- standardisation and composite ---------------------------------------------------------

def test_zscore_turns_every_indicator_so_that_higher_is_worse():
    # synthetic: unemployment 1, 2, 3 (higher worse); dwellings 3, 2, 1 (higher better)
    inputs = pd.DataFrame({"u": [1.0, 2.0, 3.0], "d": [3.0, 2.0, 1.0]}, index=["A", "B", "C"])
    z = hsou.standardise(inputs, {"u": True, "d": False}, "zscore")
    s = math.sqrt(2 / 3)  # population s.d. of 1, 2, 3
    assert z.loc["C", "u"] == pytest.approx(1 / s)
    assert z.loc["C", "d"] == pytest.approx(1 / s)  # fewest dwellings = worst = highest
    assert z.loc["B"].tolist() == pytest.approx([0.0, 0.0])
    # both indicators agree C is worst, A best: composite = mean of the two
    comp = hsou.composite(z)
    assert comp.tolist() == pytest.approx([-1 / s, 0.0, 1 / s])


def test_rank_standardisation_hand_checked_with_ties():
    # synthetic: u = 5, 1, 5, 3 (higher worse) → ranks 3.5, 1, 3.5, 2
    #            d = 10, 0, 20, 0 (higher better) → directed −10, 0, −20, 0 → ranks 2, 3.5, 1, 3.5
    inputs = pd.DataFrame({"u": [5.0, 1.0, 5.0, 3.0], "d": [10.0, 0.0, 20.0, 0.0]},
                          index=["A", "B", "C", "D"])
    r = hsou.standardise(inputs, {"u": True, "d": False}, "rank")
    assert r["u"].tolist() == [3.5, 1.0, 3.5, 2.0]
    assert r["d"].tolist() == [2.0, 3.5, 1.0, 3.5]
    assert hsou.composite(r).tolist() == [2.75, 2.25, 2.25, 2.75]


def test_constant_indicator_carries_no_weight():
    inputs = pd.DataFrame({"u": [4.0, 4.0, 4.0]}, index=["A", "B", "C"])
    assert hsou.standardise(inputs, {"u": True}, "zscore")["u"].tolist() == [0.0, 0.0, 0.0]


def test_unknown_standardisation_is_refused():
    with pytest.raises(ValueError):
        hsou.standardise(pd.DataFrame({"u": [1.0]}), {"u": True}, "minmax")


# --- cumulative population cut-off ---------------------------------------------------------

def _cut(scores: dict[str, float], pops: dict[str, float], cutoff: float,
         total: float = 100.0) -> list[str]:
    out = hsou.cumulative_cutoff(pd.Series(scores), pd.Series(pops), total, cutoff)
    return out.loc[out["selected"], "orp_code"].tolist()


def test_cutoff_takes_worst_first_until_the_share_would_be_exceeded():
    # synthetic: worst A (10 %), B (10 %), C (10 %): 10, 20, 30 % → cut-off 25 keeps A, B
    assert _cut({"A": 3, "B": 2, "C": 1, "D": 0}, {"A": 10, "B": 10, "C": 10, "D": 70},
                25) == ["A", "B"]


def test_cutoff_exactly_reached_is_included():
    # A 15 % + B 10 % = exactly 25 % → both in; C would make 35 %
    assert _cut({"A": 3, "B": 2, "C": 1}, {"A": 15, "B": 10, "C": 75}, 25) == ["A", "B"]
    # one person more than 25 % → B out
    assert _cut({"A": 3, "B": 2, "C": 1}, {"A": 150, "B": 101, "C": 749}, 25,
                total=1000) == ["A"]


def test_exact_boundary_with_real_sized_numbers_has_no_float_drift():
    # 10 701 777 inhabitants is not divisible by 4; build an exact 25 % with total 10 701 776
    total = 10_701_776.0
    pops = {"A": 2_675_444.0, "B": total - 2_675_444.0}  # A = exactly 25 %
    assert _cut({"A": 2.0, "B": 1.0}, pops, 25, total) == ["A"]


def test_tied_scores_enter_together_or_not_at_all():
    # B and C tie: A 10 % → with B+C 30 % > 25 → neither B nor C, selection stops
    assert _cut({"A": 3, "B": 2, "C": 2, "D": 1}, {"A": 10, "B": 10, "C": 10, "D": 5},
                25) == ["A"]
    # the same tie fits whole under 30 %
    assert _cut({"A": 3, "B": 2, "C": 2, "D": 1}, {"A": 10, "B": 10, "C": 10, "D": 5},
                30) == ["A", "B", "C"]


def test_selection_is_a_prefix_no_skipping_to_smaller_orp():
    # B is too big; D (small, ranked after B) must not be picked up after the stop
    assert _cut({"A": 3, "B": 2, "D": 1}, {"A": 10, "B": 50, "D": 1}, 25) == ["A"]


def test_first_orp_over_the_cutoff_gives_an_empty_set():
    assert _cut({"A": 2, "B": 1}, {"A": 30, "B": 70}, 25) == []


def test_cum_share_reported_per_tie_block():
    out = hsou.cumulative_cutoff(pd.Series({"A": 3.0, "B": 2.0, "C": 2.0}),
                                 pd.Series({"A": 10.0, "B": 20.0, "C": 30.0}), 100.0, 25)
    assert out["cum_share"].tolist() == [10.0, 60.0, 60.0]


# --- recompute end to end (synthetic) ------------------------------------------------------

def _synthetic_bundle():
    # 4 ORP, two inputs; E has no dwellings value → excluded but counted in the total
    rows = []
    data = {"A": (9.0, 1.0, 20), "B": (5.0, 3.0, 20), "C": (1.0, 5.0, 30), "D": (3.0, 4.0, 10),
            "E": (8.0, None, 20)}
    for code, (u, d, p) in data.items():
        rows.append((code, "unemployment_share", 2020, u))
        rows.append((code, "dwellings_completed_per_1000", 2020,
                     d if d is not None else float("nan")))
        rows.append((code, "population", 2020, float(p)))
    orp = pd.DataFrame({"orp_code": list(data), "is_hsou": [True, False, False, False, True]})
    return _values(rows), orp


def test_recompute_synthetic_ranks_marks_excluded_and_compares_with_official():
    values, orp = _synthetic_bundle()
    rc = hsou.recompute(values, SYN_CATALOG, orp,
                        ["unemployment_share", "dwellings_completed_per_1000"], "rank", 25)
    # ranks among A–D: u 4,3,1,2 (higher worse); d directed −1,−3,−5,−4 → 4,3,1,2
    assert rc.table.set_index("orp_code").loc[["A", "B", "C", "D"], "score"].tolist() == \
        [4.0, 3.0, 1.0, 2.0]
    assert rc.excluded == ["E"]
    assert rc.selected == {"A"}  # A 20 %, A+B 40 % of 100
    cats = rc.table.set_index("orp_code")["category"]
    assert cats["A"] == hsou.BOTH and cats["B"] == hsou.NEITHER
    assert cats["E"] == hsou.ONLY_OFFICIAL  # official, but could not be scored
    assert rc.selected_share == pytest.approx(20.0)
    assert rc.official_share == pytest.approx(40.0)


def test_missing_population_means_no_selection_not_a_partial_total():
    values, orp = _synthetic_bundle()
    values = values[~((values["orp_code"] == "D") & (values["indicator_id"] == "population"))]
    rc = hsou.recompute(values, SYN_CATALOG, orp, ["unemployment_share"], "rank", 25)
    assert rc.selected == set() and "D" in rc.excluded
    assert math.isnan(rc.selected_share)


def test_srr_mapping_matches_the_catalogue_hsou_indicators():
    from hsou_dash.domain.catalogue import HSOU_INDICATORS

    assert {v for v in hsou.SRR_INDICATORS.values() if v} == set(HSOU_INDICATORS)
    assert hsou.PROXIES <= set(HSOU_INDICATORS)
    assert list(hsou.SRR_INDICATORS)[-1] == "business" and hsou.SRR_INDICATORS["business"] is None


def test_recompute_without_inputs_selects_nothing():
    values, orp = _synthetic_bundle()
    rc = hsou.recompute(values, SYN_CATALOG, orp, [])
    assert rc.selected == set() and rc.excluded == []
    assert len(rc.table) == 5 and rc.count(hsou.ONLY_OFFICIAL) == 2


# --- real data -----------------------------------------------------------------------------

def test_available_inputs_are_the_four_hsou_indicators_of_2020(bundle):
    assert hsou.available_inputs(bundle.orp_values) == [
        "dwellings_completed_per_1000", "total_increase_per_1000", "ageing_index",
        "unemployment_share"]


def test_default_recomputation_on_real_data(bundle, bundle_dir):
    inputs = hsou.available_inputs(bundle.orp_values)
    rc = hsou.recompute(bundle.orp_values, bundle.catalog, bundle.orp, inputs)
    assert len(rc.official) == 73
    assert rc.official_share == pytest.approx(24.7, abs=0.05)
    assert 0 < rc.selected_share <= 25.0
    # Praha, Plzeň and Brno have no dwellings value for 2020
    assert sorted(rc.excluded) == ["1000", "3209", "6203"]
    # the categories agree with the official list as the bundle's file states it
    official = official_hsou(bundle_dir)
    assert len(official) == 73  # SRR ČR 2021+ delimits 73 ORP
    assert rc.count(hsou.BOTH) == len(rc.selected & official)
    assert rc.count(hsou.ONLY_COMPUTED) == len(rc.selected - official)
    assert rc.count(hsou.ONLY_OFFICIAL) == len(official - rc.selected)
    # the selection is the worst-ranked ORP up to the cut-off: no unselected ORP ranks above
    ranked = rc.table.dropna(subset=["rank"])
    assert ranked.loc[ranked["selected"], "rank"].max() < ranked.loc[~ranked["selected"],
                                                                     "rank"].min()


def test_lower_cutoff_gives_a_subset(bundle):
    inputs = hsou.available_inputs(bundle.orp_values)
    wide = hsou.recompute(bundle.orp_values, bundle.catalog, bundle.orp, inputs, cutoff=25)
    narrow = hsou.recompute(bundle.orp_values, bundle.catalog, bundle.orp, inputs, cutoff=10)
    assert narrow.selected < wide.selected
    assert narrow.selected_share <= 10.0
