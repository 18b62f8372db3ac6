"""A user's own indicator as one more indicator of a *session's copy* of the bundle.

Why a copy: every shared cache (``ui/cache.py``) is keyed by the bundle folder and reads the
shared :class:`~hsou_dash.data.loaders.Bundle`; a user's numbers must never get there, or
another visitor would see them. :func:`session_bundle` returns a new ``Bundle`` whose catalogue
and value tables are copies with the user's rows appended (``indicator_id`` ``user:1`` …);
builders that take a bundle (map view, compare scatter) then treat it like any indicator,
uncached. The ids are numbers, not names, so a URL never carries anything the user typed.

Kraj and Czechia values are offered only when the user declared how they add up — a count
(sum) or numerator and denominator columns (ratio) — and only when every member territory has
a value; never a mean of rates.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from hsou_dash.data.loaders import VALUE_COLUMNS, Bundle
from hsou_dash.data.upload import ParsedUpload, Territories
from hsou_dash.domain.longtable import rank_in, values_for
from hsou_dash.domain.towns import fold

#: Prefix of every user indicator id: never a bundle id, recognisable in a shared link.
PREFIX = "user:"
#: ``value_type`` of user rows (the bundle's say published / aggregated / derived).
VALUE_TYPE = "user_upload"


@dataclass(frozen=True)
class UserIndicator:
    """One valid upload under its session id."""

    indicator_id: str
    upload: ParsedUpload

    @property
    def level(self) -> str:
        return self.upload.level

    @property
    def years(self) -> list[int]:
        """Years with at least one value, newest first."""
        v = self.upload.values
        return sorted({int(y) for y in v.loc[v["value"].notna(), "year"]}, reverse=True)


def is_user_id(indicator_id: object) -> bool:
    return isinstance(indicator_id, str) and indicator_id.startswith(PREFIX)


def territories(b: Bundle) -> Territories:
    """What an upload is checked against: the bundle's 206 ORP and all obce of Czechia,
    with the town search's folding for names."""
    return Territories(orp=b.orp[["orp_code", "orp_name"]],
                       obce=b.obce[["obec_code", "obec_name", "orp_code"]], fold=fold)


def next_id(existing: Iterable[str]) -> str:
    """``user:1``, ``user:2`` … the first number not in use."""
    used = set(existing)
    n = 1
    while f"{PREFIX}{n}" in used:
        n += 1
    return f"{PREFIX}{n}"


def long_rows(ind: UserIndicator, b: Bundle, ref_date: Callable[[int], str] = str
              ) -> pd.DataFrame:
    """The upload as rows of the bundle's long tables (``orp_code`` or ``obec_code`` +
    ``orp_code`` + :data:`~hsou_dash.data.loaders.VALUE_COLUMNS`); values as given, missing
    ones missing."""
    u = ind.upload
    v = u.values
    out = pd.DataFrame({
        "indicator_id": ind.indicator_id, "year": v["year"].astype(int).values,
        "value": v["value"].astype(float).values, "unit": u.unit, "source": u.source,
        "ref_date": [ref_date(int(y)) for y in v["year"]], "value_type": VALUE_TYPE,
        "note": "",
    })
    if u.level == "orp":
        out["orp_code"] = v["code"].values
        return out[["orp_code", *VALUE_COLUMNS]]
    orp_of = dict(zip(b.obce["obec_code"], b.obce["orp_code"], strict=True))
    out["obec_code"] = v["code"].values
    out["orp_code"] = [orp_of.get(c, "") for c in v["code"]]
    return out[["obec_code", "orp_code", *VALUE_COLUMNS]]


def catalog_rows(indicators: Iterable[UserIndicator], label: Callable[[str, str], str]
                 ) -> pd.DataFrame:
    """Catalogue rows of the user indicators; ``label(lang, name)`` says they are the user's
    ("Vlastní: …"). Neither better nor worse: an unknown figure gets a neutral palette."""
    rows = [{"indicator_id": i.indicator_id, "name_cs": label("cs", i.upload.name),
             "name_en": label("en", i.upload.name), "unit": i.upload.unit,
             "higher_is_worse": False, "source": i.upload.source, "source_url": "",
             "licence": ""} for i in indicators]
    return pd.DataFrame(rows).set_index("indicator_id") if rows else pd.DataFrame()


def _append(table: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``table`` and ``rows`` as one new frame. The bundle keeps its repeated texts (unit,
    source …) as categories; the new rows' texts are added to them, so the copy stays as
    small as the original (as plain objects it would be ~10× larger, in every session)."""
    if rows.empty:
        return table
    table = table.copy(deep=False)
    rows = rows.reindex(columns=table.columns).copy()
    for col in table.columns:
        dtype = table[col].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            new = pd.Index(rows[col].dropna().unique()).difference(dtype.categories)
            table[col] = table[col].cat.add_categories(new) if len(new) else table[col]
            rows[col] = pd.Categorical(rows[col], dtype=table[col].dtype)
        else:
            rows[col] = rows[col].astype(dtype)
    return pd.concat([table, rows], ignore_index=True)


def session_bundle(b: Bundle, indicators: list[UserIndicator],
                   label: Callable[[str, str], str],
                   ref_date: Callable[[int], str] = str) -> Bundle:
    """``b`` with the user indicators added to copies of its catalogue and value tables
    (ORP uploads to ``orp_values``, obec uploads to ``obec_values``). ``b`` is unchanged;
    with no indicators, ``b`` itself."""
    if not indicators:
        return b
    orp = [long_rows(i, b, ref_date) for i in indicators if i.level == "orp"]
    obec = [long_rows(i, b, ref_date) for i in indicators if i.level == "obec"]
    catalog = pd.concat([b.catalog, catalog_rows(indicators, label).reindex(
        columns=b.catalog.columns)])
    return dataclasses.replace(
        b, catalog=catalog,
        orp_values=_append(b.orp_values, pd.concat(orp)) if orp else b.orp_values,
        obec_values=_append(b.obec_values, pd.concat(obec)) if obec else b.obec_values)


# --- kraj and Czechia totals, ranks ---------------------------------------------------------

@dataclass(frozen=True)
class Total:
    """The value of a group of territories, or why there is none."""

    value: float            # NaN: no value (not declared aggregable, or members missing)
    members: int            # territories in the group
    missing: int            # members without a value (then ``value`` is NaN)


def total(ind: UserIndicator, members: list[str], year: int) -> Total:
    """Sum (count) or scale × Σ numerator / Σ denominator (ratio) over ``members`` — only
    when the user declared one and every member has what it needs; never a mean of rates."""
    u = ind.upload
    rows = u.values[u.values["year"] == year].set_index("code")
    nan = float("nan")
    if u.aggregation == "sum":
        vals = rows["value"].reindex(members)
        missing = int(vals.isna().sum())
        return Total(float(vals.sum()) if not missing and members else nan, len(members),
                     missing)
    if u.aggregation == "ratio" and {"numerator", "denominator"} <= set(rows.columns):
        parts = rows[["numerator", "denominator"]].reindex(members)
        missing = int(parts.isna().any(axis=1).sum())
        den = float(parts["denominator"].sum())
        ok = not missing and members and den != 0
        return Total(u.scale * float(parts["numerator"].sum()) / den if ok else nan,
                     len(members), missing)
    return Total(nan, len(members), 0)


@dataclass(frozen=True)
class ProfileRow:
    """One user indicator in a territory's profile: its value, rank and group totals."""

    indicator_id: str
    name: str
    unit: str
    source: str
    year: int
    value: float
    rank: int | None
    ranked: int
    #: group label key ("kraj", "orp", "cz") → total
    totals: dict[str, Total]


def profile_rows(indicators: list[UserIndicator], level: str, code: str,
                 groups: dict[str, list[str]], rank_group: str) -> list[ProfileRow]:
    """The user indicators at ``level`` for one territory: newest year, value, rank within
    ``groups[rank_group]`` and a :class:`Total` per group (``{"kraj": [...], "cz": [...]}``)."""
    out = []
    for ind in indicators:
        if ind.level != level or not ind.years:
            continue
        year = ind.years[0]
        u = ind.upload
        vals = values_for(u.values.assign(indicator_id=ind.indicator_id), "code",
                          ind.indicator_id, year)
        rank, ranked = rank_in(vals, code, groups[rank_group])
        value = float(vals.get(code, math.nan))
        out.append(ProfileRow(ind.indicator_id, u.name, u.unit, u.source, year, value, rank,
                              ranked, {g: total(ind, m, year) for g, m in groups.items()}))
    return out


# --- the map's municipal layer ----------------------------------------------------------------

def kraje_of(ind: UserIndicator, b: Bundle) -> list[str]:
    """Kraje with a value of an obec-level indicator, the one with most values first (where
    /map can show it: the municipal layer is drawn one kraj at a time)."""
    v = ind.upload.values
    codes = v.loc[v["value"].notna(), "code"]
    kraj = b.obce.set_index("obec_code")["kraj_code"].reindex(codes.tolist()).dropna()
    counts = kraj.value_counts()
    return sorted(counts.index, key=lambda k: (-counts[k], k))


def kraj_values(b: Bundle, indicators: Iterable[UserIndicator], shared: pd.DataFrame,
                kraj: str) -> pd.DataFrame:
    """``shared`` (the obec values of ``kraj``) with the rows of the obec-level ``indicators``
    in that kraj appended — a new frame; ``shared`` itself when none of them has a row there."""
    codes = set(b.obce.loc[b.obce["kraj_code"] == kraj, "obec_code"])
    rows = [r[r["obec_code"].isin(codes)] for r in
            (long_rows(i, b) for i in indicators if i.level == "obec")]
    rows = [r for r in rows if not r.empty]
    return _append(shared, pd.concat(rows)) if rows else shared
