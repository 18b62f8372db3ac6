"""Similar districts and percentiles: how an ORP sits among all ORP of Czechia.

Similarity is the Euclidean distance between ORP after each indicator is standardised to a
z-score over the ORP of Czechia (so an indicator in ‰ weighs as much as one in CZK). The list
of indicators, each with one year, is declared below and shown on the page. An ORP without one
of the inputs cannot be placed and is left out, never filled in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hsou_dash.domain.longtable import values_for

#: (indicator, year) pairs the distance is computed on: the four HSOÚ indicators the bundle
#: has (2020), distraint (2021 — the 2022 ORP counts carry the implausible-records caveat) and
#: municipal tax revenue per capita (2019, the only year).
SIMILARITY_INDICATORS: tuple[tuple[str, int], ...] = (
    ("unemployment_share", 2020),
    ("distraint_share", 2021),
    ("ageing_index", 2020),
    ("total_increase_per_1000", 2020),
    ("dwellings_completed_per_1000", 2020),
    ("municipal_tax_revenue_per_capita", 2019),
)
N_SIMILAR = 5


def feature_matrix(values: pd.DataFrame, indicators: tuple[tuple[str, int], ...],
                   codes: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Wide table (index ``orp_code``) of complete rows, and the codes left out for gaps."""
    cols = {}
    for ind, year in indicators:
        cols[f"{ind}:{year}"] = values_for(values, "orp_code", ind, year).reindex(codes)
    wide = pd.DataFrame(cols, index=pd.Index(codes, name="orp_code")).astype(float)
    complete = wide.notna().all(axis=1)
    return wide[complete], [c for c in codes if not complete[c]]


def zscores(features: pd.DataFrame) -> pd.DataFrame:
    """(x − mean) / population s.d. per column; a constant column becomes 0."""
    sd = features.std(ddof=0).replace(0, np.nan)
    return ((features - features.mean()) / sd).fillna(0.0)


def distance(z: pd.DataFrame, a: str, b: str) -> float:
    """Euclidean distance between two ORP in standardised space (symmetric, ≥ 0)."""
    return float(np.sqrt(((z.loc[a] - z.loc[b]) ** 2).sum()))


def distances_from(z: pd.DataFrame, code: str) -> pd.Series:
    """Distance of every ORP to ``code`` (``code`` itself at 0), nearest first, ties by code."""
    d = np.sqrt(((z - z.loc[code]) ** 2).sum(axis=1))
    frame = pd.DataFrame({"d": d, "code": z.index})
    order = frame.sort_values(["d", "code"]).index
    return d.loc[order]


@dataclass(frozen=True)
class Similar:
    """The nearest ORP of one ORP, with what the distance was computed on."""

    code: str
    #: orp_code, distance — the N nearest other ORP, nearest first (empty if ``code`` excluded)
    nearest: pd.DataFrame
    indicators: tuple[tuple[str, int], ...]
    #: ORP left out for a missing input
    excluded: list[str] = field(default_factory=list)

    @property
    def placed(self) -> bool:
        return self.code not in self.excluded


def most_similar(values: pd.DataFrame, codes: list[str], code: str, n: int = N_SIMILAR,
                 indicators: tuple[tuple[str, int], ...] = SIMILARITY_INDICATORS) -> Similar:
    """The ``n`` ORP nearest to ``code`` among ``codes`` (all ORP of Czechia)."""
    features, excluded = feature_matrix(values, indicators, codes)
    if code not in features.index:
        return Similar(code, pd.DataFrame(columns=["orp_code", "distance"]), indicators,
                       excluded)
    d = distances_from(zscores(features), code).drop(code)
    nearest = d.head(n).rename("distance").rename_axis("orp_code").reset_index()
    return Similar(code, nearest, indicators, excluded)


def percentile(values: pd.Series) -> pd.Series:
    """Share (%) of territories with the same or a lower value: max → 100; NaN stays NaN.

    E.g. values 1, 2, 2, 4 → 25, 75, 75, 100. It speaks of the value, not of better/worse.
    """
    present = values.dropna()
    out = pd.Series(math.nan, index=values.index, dtype=float)
    if present.empty:
        return out
    out[present.index] = present.rank(method="max", pct=True) * 100.0
    return out
