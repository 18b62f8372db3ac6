"""The long value tables (one row per territory, indicator and year): selecting one
indicator's rows and values, ranks and rank tables of territories on one indicator."""

from __future__ import annotations

import pandas as pd


def rows_of(values: pd.DataFrame, indicator_id: str, year: int | None = None) -> pd.DataFrame:
    """Every row (all columns: unit, source, dates…) of one indicator, of one year if given."""
    mask = values["indicator_id"] == indicator_id
    if year is not None:
        mask &= values["year"] == year
    return values[mask]


def values_for(values: pd.DataFrame, key: str, indicator_id: str, year: int) -> pd.Series:
    """Values of one indicator and year, indexed by territory code (NaN dropped)."""
    return rows_of(values, indicator_id, year).set_index(key)["value"].dropna()


def unit_of(rows: pd.DataFrame) -> str:
    """The unit the rows state ("" when none does): rows of one indicator share one unit."""
    units = rows["unit"].dropna()
    return str(units.iloc[0]) if len(units) else ""


def rank_desc(values: pd.Series) -> pd.Series:
    """Rank 1 = highest value; ties share the best rank; NaN stays unranked."""
    return values.rank(ascending=False, method="min")


def rank_in(values: pd.Series, code: str, members: list[str]) -> tuple[int | None, int]:
    """Rank of ``code`` among ``members`` that have a value, and how many were ranked."""
    sub = values.reindex(members).dropna()
    if code not in sub.index:
        return None, len(sub)
    return int(rank_desc(sub)[code]), len(sub)


def rank_table(values: pd.DataFrame, territories: pd.DataFrame, key: str, indicator_id: str,
               year: int) -> pd.DataFrame:
    """One row per territory in ``territories`` (all of them, "no data" kept) with value, rank.

    Sorted by rank, missing values last.
    """
    vals = values_for(values, key, indicator_id, year)
    out = territories.copy()
    out["value"] = out[key].map(vals)
    out["rank"] = rank_desc(out["value"]).astype("Int64")
    return out.sort_values(["rank", key], na_position="last").reset_index(drop=True)
