"""Fact-sheet tables: a territory against the larger territories it belongs to.

Used by the ORP profile (ORP vs kraj vs Czechia) and the town profile (obec vs ORP vs kraj vs
Czechia). Comparison values are aggregated with :mod:`hsou_dash.domain.aggregate`, so ratios
are recomputed from summed numerators and denominators over the same units. A level built on
ORP values should carry ``gaps`` (:func:`aggregate.obec_gaps`), or ratios over a declared obec
gap (municipal tax revenue per inhabitant) read "no data" there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from hsou_dash.domain.aggregate import Aggregate, ObecGaps, aggregate
from hsou_dash.domain.catalogue import THEMES, theme_of
from hsou_dash.domain.longtable import rank_in, values_for


@dataclass(frozen=True)
class Level:
    """A set of territories: for comparison (aggregated) or for ranking (each member)."""

    name: str
    values: pd.DataFrame
    key: str
    members: list[str]
    #: obce the ORP values leave out by construction (needed for coverage-matched ratios)
    gaps: ObecGaps | None = field(default=None, compare=False)

    def aggregate(self, indicator_id: str, year: int) -> Aggregate:
        """This level's value with its coverage (what was left out), for notes on a page."""
        return aggregate(self.values, self.key, self.members, indicator_id, year, self.gaps)


def _order(ids: list[str]) -> list[str]:
    listed = [i for ids_ in THEMES.values() for i in ids_]
    return sorted(ids, key=lambda i: (listed.index(i) if i in listed else len(listed), i))


def profile(values: pd.DataFrame, key: str, code: str, compare: list[Level],
            rank_within: list[Level], year: int | None = None) -> pd.DataFrame:
    """One row per indicator the territory has: its latest value (or ``year``'s) and context.

    Columns: indicator_id, theme, year, value, unit, ref_date, source, value_type, note, then
    ``<level>`` for each comparison level and ``rank_<level>``/``n_<level>`` for each ranking.
    """
    own = values[(values[key] == code) & values["value"].notna()]
    if year is not None:
        own = own[own["year"] == year]
    latest = own.sort_values("year").groupby("indicator_id", sort=False).tail(1)
    rows = []
    for ind in _order(latest["indicator_id"].tolist()):
        r = latest[latest["indicator_id"] == ind].iloc[0]
        row = {"indicator_id": ind, "theme": theme_of(ind), "year": int(r["year"]),
               "value": float(r["value"]), "unit": r["unit"], "ref_date": r["ref_date"],
               "source": r["source"], "value_type": r["value_type"], "note": r["note"]}
        for lvl in compare:
            row[lvl.name] = lvl.aggregate(ind, row["year"]).value
        for lvl in rank_within:
            rank, n = rank_in(values_for(lvl.values, lvl.key, ind, row["year"]), code,
                              lvl.members)
            row[f"rank_{lvl.name}"] = rank
            row[f"n_{lvl.name}"] = n
        rows.append(row)
    return pd.DataFrame(rows)


def series(values: pd.DataFrame, key: str, code: str, indicator_id: str) -> pd.Series:
    """Values of one territory by year (for trend charts)."""
    rows = values[(values[key] == code) & (values["indicator_id"] == indicator_id)]
    return rows.set_index("year")["value"].dropna().sort_index()


def aggregate_series(level: Level, indicator_id: str, years: list[int]) -> pd.Series:
    """A larger territory's values by year; years it cannot be computed for are left out."""
    out = {y: level.aggregate(indicator_id, y).value for y in years}
    return pd.Series({y: v for y, v in out.items() if not math.isnan(v)}, dtype=float)


def trend_indicators(values: pd.DataFrame, key: str, code: str, min_years: int = 3) -> list[str]:
    """Indicators with at least ``min_years`` years of data for this territory."""
    own = values[(values[key] == code) & values["value"].notna()]
    counts = own.groupby("indicator_id")["year"].nunique()
    return _order(counts[counts >= min_years].index.tolist())
