"""Ranks and comparisons of territories on one indicator."""

from __future__ import annotations

import pandas as pd


def values_for(values: pd.DataFrame, key: str, indicator_id: str, year: int) -> pd.Series:
    """Values of one indicator and year, indexed by territory code (NaN dropped)."""
    rows = values[(values["indicator_id"] == indicator_id) & (values["year"] == year)]
    return rows.set_index(key)["value"].dropna()


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
