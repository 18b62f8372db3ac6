"""Similar ORP (standardised Euclidean distance) and percentiles; synthetic frames are marked."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from hsou_dash.domain import similarity as sim


def _synthetic_values() -> pd.DataFrame:
    """SYNTHETIC long table: two indicators (a, b) of 2020 for five made-up ORP."""
    data = {"A": (0.0, 0.0), "B": (1.0, 0.0), "C": (0.0, 2.0), "D": (4.0, 4.0),
            "E": (1.0, math.nan)}
    rows = [(c, ind, 2020, v) for c, (a, b) in data.items() for ind, v in (("a", a), ("b", b))]
    return pd.DataFrame(rows, columns=["orp_code", "indicator_id", "year", "value"])


IND = (("a", 2020), ("b", 2020))
CODES = ["A", "B", "C", "D", "E"]


def test_orp_with_a_missing_input_is_excluded_not_filled():
    features, excluded = sim.feature_matrix(_synthetic_values(), IND, CODES)
    assert excluded == ["E"]
    assert list(features.index) == ["A", "B", "C", "D"]


def test_zscores_hand_checked():
    features, _ = sim.feature_matrix(_synthetic_values(), IND, CODES)
    z = sim.zscores(features)
    # a = 0, 1, 0, 4: mean 1.25, population s.d. sqrt(2.6875)
    assert z.loc["D", "a:2020"] == pytest.approx((4 - 1.25) / math.sqrt(2.6875))
    assert z.mean().abs().max() < 1e-12


def test_an_orp_is_most_similar_to_itself_and_distance_is_symmetric():
    features, _ = sim.feature_matrix(_synthetic_values(), IND, CODES)
    z = sim.zscores(features)
    for code in z.index:
        d = sim.distances_from(z, code)
        assert d.index[0] == code and d.iloc[0] == 0.0
        for other in z.index:
            assert sim.distance(z, code, other) == pytest.approx(sim.distance(z, other, code))
            assert sim.distance(z, code, other) == pytest.approx(d[other])


def test_most_similar_orders_by_distance_and_drops_itself():
    result = sim.most_similar(_synthetic_values(), CODES, "A", n=2, indicators=IND)
    # in z-units: B differs from A on a by 1/sd_a; C on b by 2/sd_b; D far away
    sd_a, sd_b = math.sqrt(2.6875), math.sqrt(((0 - 1.5) ** 2 * 2 + 0.5 ** 2 + 2.5 ** 2) / 4)
    assert 1 / sd_a < 2 / sd_b  # 0.61 < 1.21
    assert result.nearest["orp_code"].tolist() == ["B", "C"]
    assert result.nearest["distance"].tolist() == pytest.approx([1 / sd_a, 2 / sd_b])
    assert "A" not in result.nearest["orp_code"].tolist()
    assert result.placed


def test_excluded_orp_gets_no_neighbours():
    result = sim.most_similar(_synthetic_values(), CODES, "E", indicators=IND)
    assert not result.placed and result.nearest.empty


def test_percentile_is_share_with_same_or_lower_value():
    s = pd.Series([1.0, 2.0, 2.0, 4.0, math.nan], index=list("ABCDE"))
    assert sim.percentile(s).tolist()[:4] == [25.0, 75.0, 75.0, 100.0]
    assert math.isnan(sim.percentile(s)["E"])
    assert sim.percentile(pd.Series([], dtype=float)).empty


def test_real_data_similarity(bundle):
    codes = bundle.orp["orp_code"].tolist()
    result = sim.most_similar(bundle.orp_values, codes, "4214")  # Ústí nad Labem
    assert len(result.nearest) == sim.N_SIMILAR
    assert result.nearest["distance"].is_monotonic_increasing
    assert (result.nearest["distance"] > 0).all()
    # Praha, Plzeň, Brno lack the 2020 dwellings value → not comparable, and said so
    assert sorted(result.excluded) == ["1000", "3209", "6203"]
    assert not sim.most_similar(bundle.orp_values, codes, "6203").placed


def test_real_percentiles_span_0_to_100(bundle):
    from hsou_dash.domain.longtable import values_for

    vals = values_for(bundle.orp_values, "orp_code", "unemployment_share", 2020)
    pct = sim.percentile(vals)
    assert pct.max() == 100.0 and 0 < pct.min() <= 100 / len(vals) + 1e-9
    assert pct[vals.idxmax()] == 100.0
