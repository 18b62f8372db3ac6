"""Aggregation from members (obce or ORP) to larger territories (ORP, kraj, Czechia).

Counts are summed; ratios are recomputed from summed numerators and denominators (never a
mean of percentages); means are population-weighted. A region value is given only when every
member has the inputs — a partial sum would be a wrong number, so it is "no data" instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from hsou_dash.domain.catalogue import RATIOS, WEIGHTED, aggregation_kind


@dataclass(frozen=True)
class Aggregate:
    """A region's value and how many of its members contributed."""

    value: float
    covered: int
    members: int

    @property
    def complete(self) -> bool:
        return self.members > 0 and self.covered == self.members


def _series(values: pd.DataFrame, key: str, indicator_id: str, year: int) -> pd.Series:
    rows = values[(values["indicator_id"] == indicator_id) & (values["year"] == year)]
    return rows.set_index(key)["value"].dropna()


def aggregate(values: pd.DataFrame, key: str, members: list[str], indicator_id: str,
              year: int) -> Aggregate:
    """Value of ``indicator_id`` in ``year`` for the territory made of ``members``.

    ``values`` is a long table keyed by ``key`` (``orp_code`` or ``obec_code``).
    """
    n = len(members)
    kind = aggregation_kind(indicator_id)
    if kind == "none" or n == 0:
        return Aggregate(math.nan, 0, n)
    if kind == "count":
        s = _series(values, key, indicator_id, year).reindex(members)
        covered = int(s.notna().sum())
        return Aggregate(float(s.sum()) if covered == n else math.nan, covered, n)
    if kind == "ratio":
        r = RATIOS[indicator_id]
        num = _series(values, key, r.numerator, year).reindex(members)
        den = _series(values, key, r.denominator, year).reindex(members)
        ok = num.notna() & den.notna()
        covered = int(ok.sum())
        if covered < n or den.sum() == 0:
            return Aggregate(math.nan, covered, n)
        return Aggregate(float(r.scale * num.sum() / den.sum()), covered, n)
    w = WEIGHTED[indicator_id]
    val = _series(values, key, indicator_id, year).reindex(members)
    wt = _series(values, key, w.weight, year).reindex(members)
    ok = val.notna() & wt.notna()
    covered = int(ok.sum())
    if covered < n or wt.sum() == 0:
        return Aggregate(math.nan, covered, n)
    return Aggregate(float((val * wt).sum() / wt.sum()), covered, n)


def numerator_denominator(values: pd.DataFrame, key: str, code: str, indicator_id: str,
                          year: int) -> tuple[float, float] | None:
    """The counts behind a ratio for one territory (for showing counts beside rates)."""
    r = RATIOS.get(indicator_id)
    if r is None:
        return None
    num = _series(values, key, r.numerator, year).get(code, math.nan)
    den = _series(values, key, r.denominator, year).get(code, math.nan)
    return float(num), float(den)
