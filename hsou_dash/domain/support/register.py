"""The register as the pages use it: one row per instrument, with its record joined in.

The CSV columns stay verbatim (they are quoted on the page); the record adds the dated period,
the provider bodies and the HSOÚ relation. An instrument without a record keeps an unknown
period, an "unclear" relation and its provider text as a body of its own — never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from hsou_dash.domain.support.instruments import (
    ELIGIBILITY,
    Period,
    Records,
    check_against_bundle,
    period_status,
    records,
)

LEVELS = ("EU", "national", "regional")
_TEXT_COLUMNS = ["name_cs", "name_en", "provider", "level", "target_territory", "period",
                 "eligible_hsou", "notes", "url"]


def level_category(text: object) -> str:
    low = str(text or "").strip().lower()
    return {"eu": "EU", "national": "national", "regional": "regional"}.get(low, "unknown")


def _own_body(provider: str) -> tuple[str, ...]:
    """Bodies of an instrument without a record: its provider text, as written."""
    return (provider.strip(),) if provider.strip() else ()


def instruments_table(raw: pd.DataFrame, today: date, recs: Records | None = None) -> pd.DataFrame:
    """One row per instrument with its period, status, providers and HSOÚ relation.

    ``allocation_czk`` stays NaN where the register has none ("not published"), never 0.
    Raises :class:`~.instruments.InstrumentsError` when a record names an instrument the
    register lacks (an empty register — an older bundle without the file — is not checked).
    """
    recs = recs or records()
    df = raw.copy()
    df[_TEXT_COLUMNS] = df[_TEXT_COLUMNS].astype(object).where(df[_TEXT_COLUMNS].notna(), "")
    df["instrument_id"] = df["instrument_id"].astype(str)
    if len(df):
        check_against_bundle(recs, df["instrument_id"])
    found = [recs.get(i) for i in df["instrument_id"]]
    df["allocation_czk"] = pd.to_numeric(df["allocation_czk"], errors="coerce").astype(float)
    df["level_cat"] = df["level"].map(level_category)
    df["eligibility"] = [r.eligibility if r else "unclear" for r in found]
    df["providers"] = [r.providers if r else _own_body(p)
                       for r, p in zip(found, df["provider"], strict=True)]
    # the CSV's words travel with the record's dates (the timeline quotes them)
    periods = [replace(r.period, text=t) if r else Period(t)
               for r, t in zip(found, df["period"].str.strip(), strict=True)]
    df["period_parsed"] = periods
    df["start"] = [p.start for p in periods]
    df["end"] = [p.end for p in periods]
    df["open_ended"] = [p.open_ended for p in periods]
    df["status"] = [period_status(p, today) for p in periods]
    return df.reset_index(drop=True)


@dataclass
class Filters:
    """Catalogue filters; an empty tuple means "all"."""

    providers: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    eligibility: tuple[str, ...] = ()


def filter_instruments(table: pd.DataFrame, f: Filters) -> pd.DataFrame:
    keep = pd.Series(True, index=table.index)
    if f.providers:
        keep &= table["providers"].map(lambda ps: bool(set(ps) & set(f.providers)))
    if f.levels:
        keep &= table["level_cat"].isin(f.levels)
    if f.eligibility:
        keep &= table["eligibility"].isin(f.eligibility)
    return table[keep].reset_index(drop=True)


def eligibility_options(table: pd.DataFrame) -> list[str]:
    """Eligibility categories the register uses, in :data:`ELIGIBILITY` order."""
    present = set(table["eligibility"])
    return [e for e in ELIGIBILITY if e in present]


def provider_options(table: pd.DataFrame, recs: Records | None = None) -> list[str]:
    """Bodies named in the register: the records' bodies in their order, then any other."""
    seen: list[str] = []
    for ps in table["providers"]:
        seen += [p for p in ps if p not in seen]
    order = list((recs or records()).bodies)
    return sorted(seen, key=lambda p: (order.index(p) if p in order else len(order), p))


def allocation_kinds(instruments: pd.DataFrame, by_territory: pd.DataFrame) -> pd.Series:
    """What each register allocation is ("call allocation", "indicative support" …), taken
    from ``support_by_orp.csv`` where the same instrument lists the same amount."""
    amounts = by_territory.assign(amount=pd.to_numeric(by_territory["amount_czk"],
                                                       errors="coerce"))
    out = {}
    for _, r in instruments.iterrows():
        hit = amounts[(amounts["instrument_id"] == r["instrument_id"])
                      & (amounts["amount"] == r["allocation_czk"])]
        out[r["instrument_id"]] = str(hit["amount_type"].iloc[0]) if len(hit) else None
    return pd.Series(out, dtype=object)
