"""Money by territory: amounts of ``support_by_orp.csv`` per inhabitant, and the 2019 transfer
measures of municipal budgets.

Only whole territories the bundle can count (Czechia, one or more kraje) get a population; a
part of a kraj or an ITI area keeps NaN with the reason, never an estimate.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from hsou_dash.domain.aggregate import aggregate

#: Measures of funding_orp.csv / funding_obec.csv the transfers tab offers (first = default).
TRANSFER_MEASURES = ("municipal_transfers_received_czk_per_capita",
                     "municipal_transfers_share_of_revenue", "municipal_transfers_received_czk")


def reference_year(text: object) -> int | None:
    """First year a period text names (``2021–2027`` → 2021, ``to 06/2025`` → 2025)."""
    m = re.search(r"(?:19|20)\d{2}", str(text or ""))
    return int(m.group(0)) if m else None


def _members(orp: pd.DataFrame, level: str, code: str, name: str) -> list[str] | None:
    """ORP making up a ``support_by_orp`` territory, or None when the bundle cannot say.

    A name with a qualifier ("Ústecký kraj – území 9 MAS", "(vymezené obce)") is only part of
    the kraj, and an ITI area takes parts of ORP: their population is not in the bundle.
    """
    if level == "iti_area" or "(" in name or " – " in name:
        return None
    if level == "national" and code == "CZ":
        return orp["orp_code"].tolist()
    if level in ("kraj", "kraje"):
        kraje = code.split("+")
        members = orp.loc[orp["kraj_code"].isin(kraje), "orp_code"].tolist()
        return members if members and set(kraje) <= set(orp["kraj_code"]) else None
    return None


def population_year(orp_values: pd.DataFrame, members: list[str], wanted: int) -> int | None:
    """Population year to divide by: 31 Dec of ``wanted``, else the nearest year in which every
    member has a value (ties: the earlier year)."""
    rows = orp_values[(orp_values["indicator_id"] == "population")
                      & orp_values["orp_code"].isin(members) & orp_values["value"].notna()]
    complete = [int(y) for y, g in rows.groupby("year") if g["orp_code"].nunique() == len(members)]
    if not complete:
        return None
    return min(complete, key=lambda y: (abs(y - wanted), y))


def per_inhabitant(by_territory: pd.DataFrame, orp: pd.DataFrame,
                   orp_values: pd.DataFrame) -> pd.DataFrame:
    """``support_by_orp`` rows with the territory's population and the amount per inhabitant.

    Population is summed over the territory's ORP on 31 Dec of the year before the period's
    first year (i.e. 1 Jan of that year), or the nearest complete year; ``pop_year`` says which.
    Territories whose population the bundle does not hold get NaN and ``pop_reason``.
    """
    out = by_territory.copy()
    out["amount_czk"] = pd.to_numeric(out["amount_czk"], errors="coerce").astype(float)
    pops, years, reasons = [], [], []
    for _, r in out.iterrows():
        members = _members(orp, str(r["territory_level"]), str(r["territory_code"]),
                           str(r["territory_name"]))
        first = reference_year(r["period"])
        year = (population_year(orp_values, members, first - 1)
                if members is not None and first is not None else None)
        if members is None:
            pops.append(math.nan), years.append(None), reasons.append("partial_territory")
            continue
        if year is None:
            pops.append(math.nan), years.append(None), reasons.append("no_population")
            continue
        agg = aggregate(orp_values, "orp_code", members, "population", year)
        pops.append(agg.value), years.append(year), reasons.append(None)
    out["population"] = pops
    out["pop_year"] = pd.array(years, dtype="Int64")
    out["pop_reason"] = reasons
    out["per_inhabitant"] = out["amount_czk"] / out["population"]
    return out
