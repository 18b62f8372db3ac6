"""Our numbers against published ones: every benchmark of ``indicators_context.csv`` the app
can compute, compared within the published rounding.

A published "5,46 %" agrees with any value from 5.455 to 5.465 — half a unit in its last
place; "863 tisíc" (stored 863000) agrees within ±500. Where they differ, the reason is
declared once in :data:`REASONS`, and only when the bundle (SOURCES.md, the context row's own
figures) substantiates it; otherwise it is declared "unexplained". A difference that nobody
has looked at yet shows as ``undeclared``, and the unit test fails on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from hsou_dash.data.loaders import Bundle
from hsou_dash.domain.aggregate import ObecGaps, aggregate
from hsou_dash.domain.catalogue import years_of
from hsou_dash.domain.headline import hsou_share
from hsou_dash.domain.longtable import rows_of
from hsou_dash.domain.regions import orp_codes

Status = Literal["agrees", "differs", "not_computed"]


@dataclass(frozen=True)
class Reason:
    """Why a published figure and ours differ: ``kind`` for filtering, text for people."""

    kind: Literal["denominator", "unexplained"]
    text_key: str


#: Declared reasons, per context row (territory_code, indicator_id, year).
REASONS: dict[tuple[str, str, int], Reason] = {
    # Our 774 522 persons agree with the published "775 tis.", but 775 tis. / 8.7 % needs a
    # population 15+ of 8.85–8.97 million; the Mapa exekucí ORP denominators sum to 8.98
    # million (checked in tests/unit/test_reconciliation.py).
    ("CZ", "distraint_share", 2019): Reason("denominator",
                                            "trust.reason.distraint_2019_denominator"),
    # 862 507 / 8 939 378 = 9.648 %, which rounds to 9.6, not the published 9.7; the published
    # "863 tisíc, tedy 9,7 %" fits our denominator, so no substantiated cause is left.
    ("CZ", "distraint_share", 2017): Reason("unexplained",
                                            "trust.reason.distraint_2017_unexplained"),
}

#: Context indicators outside the catalogue that the app computes itself.
COMPUTED_ELSEWHERE: frozenset[str] = frozenset({"hsou_population_share"})

NATIONAL = "national"
KRAJ = "kraj"

COLUMNS = ["territory_level", "territory_code", "territory_name", "indicator_id", "year",
           "ref_date", "published", "unit", "source", "ours", "our_ref_date", "difference",
           "tolerance", "status", "not_computed", "reason", "reason_key"]


def tolerance(published: float) -> float:
    """Half a unit in the last place of a published number.

    Read from the shortest text that gives the float back: "5.46" → 0.005, "9.7" → 0.05. A
    whole number is exact (±0.5) unless it ends in whole thousands: the press writes counts as
    "863 tisíc", which the bundle stores as 863000 → ±500 (an exact count like 174 240 keeps
    ±0.5). Trailing decimal zeros ("5.10") are lost in a float, which can only widen the
    tolerance; the bundle's context file has none (tested).
    """
    text = repr(float(published))
    if text.endswith(".0"):
        digits = text[:-2].lstrip("-")
        zeros = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
        return 0.5 * 10 ** (3 * (zeros // 3))
    if "e" in text or "." not in text:
        return 0.5
    return 0.5 * 10 ** -len(text.split(".")[1])


def _members(b: Bundle, level: str, code: str) -> list[str] | None:
    if level == NATIONAL:
        return b.orp["orp_code"].tolist()
    if level == KRAJ:
        return orp_codes(b.orp, code) or None
    return None


def _ours(b: Bundle, members: list[str], indicator_id: str, year: int,
          gaps: ObecGaps | None) -> tuple[float, str | None]:
    """(our value, why not computed); the value is NaN when a reason is given."""
    if indicator_id == "hsou_population_share":
        share = hsou_share(b.orp_values, b.orp, members, year).share
        return (share, None) if not math.isnan(share) else (math.nan, "incomplete_coverage")
    if indicator_id not in b.catalog.index:
        return math.nan, "indicator_not_in_app"
    if year not in years_of(b.orp_values, indicator_id):
        return math.nan, "year_not_in_bundle"
    agg = aggregate(b.orp_values, "orp_code", members, indicator_id, year, gaps)
    return (agg.value, None) if not math.isnan(agg.value) else (math.nan, "incomplete_coverage")


def _our_ref_date(b: Bundle, indicator_id: str, year: int) -> str:
    rows = rows_of(b.orp_values, indicator_id, year)
    return ", ".join(sorted({str(d) for d in rows["ref_date"].dropna()}))


def table(b: Bundle, gaps: ObecGaps | None = None) -> pd.DataFrame:
    """One row per context row, in file order, with our value and the verdict.

    ``status``: ``agrees`` (within the published rounding), ``differs`` (then ``reason`` is the
    declared :class:`Reason` kind, or ``undeclared``) or ``not_computed`` (``not_computed``
    says why: ``okres_level``, ``indicator_not_in_app``, ``year_not_in_bundle``,
    ``incomplete_coverage``, ``unknown_territory``). ``gaps`` as for :func:`aggregate`.
    """
    rows = []
    for r in b.context.itertuples(index=False):
        level, code = str(r.territory_level), str(r.territory_code)
        ind, year, pub = str(r.indicator_id), int(r.year), float(r.value)
        row = {"territory_level": level, "territory_code": code,
               "territory_name": r.territory_name, "indicator_id": ind, "year": year,
               "ref_date": r.ref_date, "published": pub, "unit": r.unit, "source": r.source,
               "ours": math.nan, "our_ref_date": "", "difference": math.nan,
               "tolerance": tolerance(pub), "status": "not_computed", "not_computed": None,
               "reason": None, "reason_key": None}
        members = _members(b, level, code)
        if level not in (NATIONAL, KRAJ):
            row["not_computed"] = f"{level}_level"
        elif members is None:
            row["not_computed"] = "unknown_territory"
        elif ind not in b.catalog.index and ind not in COMPUTED_ELSEWHERE:
            row["not_computed"] = "indicator_not_in_app"
        else:
            ours, why = _ours(b, members, ind, year, gaps)
            row["not_computed"] = why
            if why is None:
                diff = ours - pub
                agrees = abs(diff) <= row["tolerance"] * (1 + 1e-9)
                row.update(ours=ours, difference=diff,
                           status="agrees" if agrees else "differs",
                           our_ref_date=_our_ref_date(b, ind, year))
                if not agrees:
                    reason = REASONS.get((code, ind, year))
                    row["reason"] = reason.kind if reason else "undeclared"
                    row["reason_key"] = reason.text_key if reason else None
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)
