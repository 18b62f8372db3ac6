"""Aggregation from members (obce or ORP) to larger territories (ORP, kraj, Czechia).

Counts are summed; ratios are recomputed from summed numerators and denominators (never a
mean of percentages); means are population-weighted.

Coverage rule — numerator and denominator always cover the same units:

* a ratio or mean sums both sides over exactly the members that have both inputs; members
  left out are reported (codes and their inhabitants), never silently dropped;
* obce that an ORP's numerator leaves out by construction (declared in
  :data:`catalogue.OBEC_GAPS`, e.g. obce without budget data) are removed from that ORP's
  denominator too, using :class:`ObecGaps` built from obec values — the bundle's own ORP ratios
  are computed that way, so ORP, kraj and Czechia end up on one basis;
* a region value is still given when the members left out for missing inputs hold at most
  :data:`MAX_LEFT_OUT_SHARE` % of its inhabitants (declared obec gaps are documented in the
  bundle and always allowed); otherwise, or when nothing is covered, it is "no data";
* counts stay strict: a sum missing a member is not the region's total, so it is "no data".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from hsou_dash.domain.catalogue import OBEC_GAPS, RATIOS, WEIGHTED, aggregation_kind
from hsou_dash.domain.longtable import values_for

#: Largest share (%) of a region's inhabitants that may live in members left out of a ratio or
#: mean (for lack of data) while the region still gets a value. One per cent keeps the value a
#: description of the region; above it the number would describe a different territory.
MAX_LEFT_OUT_SHARE = 1.0

POPULATION = "population"


@dataclass(frozen=True)
class ObecGaps:
    """Obce that the ORP values of a gap indicator leave out, with their denominators.

    ``table`` columns: ``gap`` (the indicator missing for the obec, a key of OBEC_GAPS),
    ``year``, ``obec_code``, ``orp_code``, ``indicator_id`` and ``value`` — the obec's value of
    every indicator a ratio over ``gap`` divides by, and of ``population``.
    """

    table: pd.DataFrame

    def of(self, gap: str, year: int, orp_codes: list[str] | None = None) -> pd.DataFrame:
        t = self.table
        rows = t[(t["gap"] == gap) & (t["year"] == year)]
        return rows if orp_codes is None else rows[rows["orp_code"].isin(orp_codes)]


def obec_gaps(obec_values: pd.DataFrame) -> ObecGaps:
    """Find, per declared gap indicator and year, the obce with a population but no value.

    ``obec_values`` must cover the territory aggregated (for kraje and Czechia: the national
    obec table). Only indicators of :data:`catalogue.OBEC_GAPS` are looked at: elsewhere the
    ORP rows are not built from the same obce as the obec rows (SOURCES.md), so an obec gap
    says nothing about its ORP.
    """
    cols = ["gap", "year", "obec_code", "orp_code", "indicator_id", "value"]
    v = obec_values[["obec_code", "orp_code", "indicator_id", "year", "value"]]
    frames = []
    for gap in OBEC_GAPS:
        dens = {POPULATION} | {r.denominator for r in RATIOS.values() if r.numerator == gap}
        have = v[(v["indicator_id"] == gap) & v["value"].notna()]
        for year in sorted(have["year"].unique()):
            got = set(have.loc[have["year"] == year, "obec_code"])
            base = v[(v["year"] == year) & v["indicator_id"].isin(dens) & v["value"].notna()]
            missing = base[~base["obec_code"].isin(got)]
            if len(missing):
                frames.append(missing.assign(gap=gap)[cols])
    table = (pd.concat(frames, ignore_index=True) if frames
             else pd.DataFrame({c: pd.Series(dtype=object) for c in cols}))
    return ObecGaps(table)


@dataclass(frozen=True)
class Aggregate:
    """A region's value, how many of its members contributed, and what was left out."""

    value: float
    covered: int
    members: int
    #: member codes left out of numerator and denominator alike (an input is missing)
    left_out: tuple[str, ...] = ()
    #: inhabitants of ``left_out`` in the same year (NaN: not known)
    left_out_population: float = 0.0
    #: obce the numerator lacks by construction (a declared gap) — inside the ORP members, or
    #: members themselves at obec level — removed from the denominator as well
    left_out_obce: tuple[str, ...] = ()
    #: inhabitants of ``left_out_obce`` in the same year (NaN: not known)
    left_out_obce_population: float = 0.0
    #: text key (base) of the declared gap behind ``left_out_obce``, e.g. no budget data
    gap_key: str | None = None
    #: True when an ORP-level value needs :class:`ObecGaps` and none was given: a ratio is
    #: then "no data" (numerator and denominator would cover different obce)
    unmatched: bool = False

    @property
    def complete(self) -> bool:
        """Every member and every obec inside them is in the value."""
        return (self.members > 0 and self.covered == self.members
                and not self.left_out_obce and not self.unmatched)

    @property
    def partial(self) -> bool:
        """A value is given but something is left out: the page must say what."""
        return not math.isnan(self.value) and bool(self.left_out or self.left_out_obce)


@dataclass(frozen=True)
class CoverageNote:
    """One thing a page must say next to a region value, as plain data.

    ``text_key`` is a trust.toml key whose fields are ``n`` and ``population`` (format the
    number, or pass ``trust.gap.population_unknown`` when it is NaN) or ``share``;
    ``why_key`` an optional longer explanation; ``codes`` the territories concerned.
    """

    text_key: str
    n: int = 0
    population: float = math.nan
    share: float = math.nan
    codes: tuple[str, ...] = ()
    why_key: str | None = None


def coverage_notes(agg: Aggregate, key: str) -> list[CoverageNote]:
    """What to say about ``agg``'s coverage; empty when the value covers everything.

    ``key`` is the member level the aggregate was computed over (``orp_code``/``obec_code``).
    """
    notes = []
    if agg.unmatched:
        notes.append(CoverageNote("trust.gap.unmatched"))
    if agg.left_out_obce and agg.gap_key:
        n = len(agg.left_out_obce)
        notes.append(CoverageNote(f"{agg.gap_key}.{'one' if n == 1 else 'other'}", n,
                                  agg.left_out_obce_population, codes=agg.left_out_obce,
                                  why_key=f"{agg.gap_key}.why"))
    if agg.left_out:
        n = len(agg.left_out)
        level = "obec" if key == "obec_code" else "orp"
        notes.append(CoverageNote(f"trust.gap.{level}.{'one' if n == 1 else 'other'}", n,
                                  agg.left_out_population, codes=agg.left_out))
        if math.isnan(agg.value) and agg.covered:
            notes.append(CoverageNote("trust.gap.too_much", share=MAX_LEFT_OUT_SHARE))
    return notes


def _left_out_population(values: pd.DataFrame, key: str, members: list[str], left: list[str],
                         den: pd.Series, year: int) -> tuple[float, float]:
    """(inhabitants of ``left``, inhabitants of all ``members``) in ``year``.

    The population of the same year when every member has it, else the ratio's denominator
    when every member has that; NaN when neither is known for all of them.
    """
    pop = values_for(values, key, POPULATION, year).reindex(members)
    for base in (pop, den.reindex(members)):
        if base.notna().all():
            return float(base[left].sum()), float(base.sum())
    return (0.0 if not left else math.nan), math.nan


def _small_enough(left_pop: float, total: float) -> bool:
    if math.isnan(left_pop) or math.isnan(total) or total <= 0:
        return False
    return 100.0 * left_pop / total <= MAX_LEFT_OUT_SHARE


def _gap_of(indicator_id: str) -> str | None:
    """The declared obec gap an indicator rests on (its own, or its numerator's)."""
    if indicator_id in OBEC_GAPS:
        return indicator_id
    r = RATIOS.get(indicator_id)
    return r.numerator if r is not None and r.numerator in OBEC_GAPS else None


def needs_gaps(indicator_id: str) -> bool:
    """Whether an ORP-level aggregate of ``indicator_id`` needs :class:`ObecGaps` (the
    indicator or a ratio's numerator is a declared obec gap)."""
    return _gap_of(indicator_id) is not None


def _declared_obec_members(values: pd.DataFrame, key: str, gap: str | None,
                           left: list[str], year: int) -> list[str]:
    """At obec level, the left-out obce that are a declared gap (documented, always allowed)."""
    if key != "obec_code" or gap is None:
        return []
    pop = values_for(values, key, POPULATION, year)
    return [c for c in left if c in pop.index]


def aggregate(values: pd.DataFrame, key: str, members: list[str], indicator_id: str,
              year: int, gaps: ObecGaps | None = None) -> Aggregate:
    """Value of ``indicator_id`` in ``year`` for the territory made of ``members``.

    ``values`` is a long table keyed by ``key`` (``orp_code`` or ``obec_code``). ``gaps`` is
    needed for ORP-level ratios over a declared obec gap (municipal tax revenue per
    inhabitant); without it such a ratio is "no data" (``unmatched``).
    """
    n = len(members)
    kind = aggregation_kind(indicator_id)
    if kind == "none" or n == 0:
        return Aggregate(math.nan, 0, n)
    gap = _gap_of(indicator_id)
    if kind == "count":
        return _count(values, key, members, indicator_id, year, gap, gaps)

    if kind == "ratio":
        r = RATIOS[indicator_id]
        den_id, scale = r.denominator, r.scale
        num = values_for(values, key, r.numerator, year).reindex(members)
        den = values_for(values, key, den_id, year).reindex(members)
    else:
        den_id, scale = WEIGHTED[indicator_id].weight, 1.0
        den = values_for(values, key, den_id, year).reindex(members)
        num = values_for(values, key, indicator_id, year).reindex(members) * den
    ok = num.notna() & den.notna()
    covered = int(ok.sum())
    missing = [m for m, has in zip(members, ok, strict=True) if not has]
    declared = _declared_obec_members(values, key, gap, missing, year)
    left = [m for m in missing if m not in declared]
    left_pop, total = _left_out_population(values, key, members, left, den, year)
    obce: tuple[str, ...] = tuple(declared)
    obce_pop = _left_out_population(values, key, members, declared, den, year)[0]

    den_matched = den[ok]
    if key == "orp_code" and gap is not None and covered:
        inner = _inner(values, key, [m for m in members if m not in missing], gap, year, gaps,
                       den_id)
        if inner is None:
            return Aggregate(math.nan, covered, n, tuple(left), left_pop, gap_key=OBEC_GAPS[gap],
                             unmatched=True)
        obce, inner_den, obce_pop = inner
        den_matched = den_matched.sub(inner_den.reindex(den_matched.index).fillna(0.0))

    out = Aggregate(math.nan, covered, n, tuple(left), left_pop, obce, obce_pop,
                    OBEC_GAPS[gap] if gap is not None and obce else None)
    if covered == 0 or den_matched.sum() == 0:
        return out
    if left and not _small_enough(left_pop, total):
        return out
    return replace(out, value=float(scale * num[ok].sum() / den_matched.sum()))


def _count(values: pd.DataFrame, key: str, members: list[str], indicator_id: str, year: int,
           gap: str | None, gaps: ObecGaps | None) -> Aggregate:
    """A plain sum, strict about members; a declared obec gap is reported, not filled."""
    n = len(members)
    s = values_for(values, key, indicator_id, year).reindex(members)
    covered = int(s.notna().sum())
    value = float(s.sum()) if covered == n else math.nan
    if gap is None:
        return Aggregate(value, covered, n)
    if key == "obec_code":
        # The obce of a declared gap are members here: summing the others gives the same
        # basis as the ORP rows, so the sum stands when they are the only ones missing.
        missing = [m for m, has in zip(members, s.notna(), strict=True) if not has]
        declared = _declared_obec_members(values, key, gap, missing, year)
        if declared and len(declared) == len(missing):
            pop = values_for(values, key, POPULATION, year).reindex(declared)
            return Aggregate(float(s.sum()), covered, n, (), 0.0, tuple(declared),
                             float(pop.sum()), OBEC_GAPS[gap])
        pop = values_for(values, key, POPULATION, year).reindex(missing)
        return Aggregate(value, covered, n, tuple(missing),
                         float(pop.sum()) if pop.notna().all() else math.nan)
    inner = _inner(values, key, members, gap, year, gaps)
    if inner is None:
        return Aggregate(value, covered, n, left_out_obce_population=math.nan,
                         gap_key=OBEC_GAPS[gap])
    codes, _, pop = inner
    return Aggregate(value, covered, n, left_out_obce=codes, left_out_obce_population=pop,
                     gap_key=OBEC_GAPS[gap] if codes else None)


def _inner(values: pd.DataFrame, key: str, members: list[str], gap: str, year: int,
           gaps: ObecGaps | None, denominator: str | None = None
           ) -> tuple[tuple[str, ...], pd.Series, float] | None:
    """Obce of ``members`` (ORP) that the gap indicator leaves out: their codes, their
    ``denominator`` summed per ORP, and their inhabitants. ``None`` when ``gaps`` is missing
    at ORP level; nothing to report at obec level (there they are members themselves)."""
    if key != "orp_code":
        return (), pd.Series(dtype=float), 0.0
    if gaps is None:
        return None
    rows = gaps.of(gap, year, members)
    codes = tuple(sorted(rows["obec_code"].unique()))
    pop = float(rows.loc[rows["indicator_id"] == POPULATION, "value"].sum())
    if denominator is None:
        return codes, pd.Series(dtype=float), pop
    den = rows[rows["indicator_id"] == denominator].groupby("orp_code")["value"].sum()
    return codes, den.astype(float), pop


def base_of(indicator_id: str) -> tuple[str | None, str | None]:
    """(numerator, denominator) indicator ids behind a rate or mean; ``(None, None)`` for counts.

    A population-weighted mean (average age) has no numerator but rests on the population.
    """
    if indicator_id in RATIOS:
        r = RATIOS[indicator_id]
        return r.numerator, r.denominator
    if indicator_id in WEIGHTED:
        return None, WEIGHTED[indicator_id].weight
    return None, None


def base_counts(values: pd.DataFrame, key: str, codes: list[str], indicator_id: str,
                year: int, gaps: ObecGaps | None = None) -> pd.DataFrame:
    """The counts behind each territory's rate or mean, for showing them beside it.

    Index ``codes`` (name ``key``); columns ``numerator`` and ``denominator``, NaN where not
    defined (a count has neither, a weighted mean no numerator) or not known. The denominator
    covers the same obce as the numerator: for ORP and a declared obec gap it excludes the obce
    the numerator lacks (NaN when ``gaps`` is not given, rather than a denominator that does
    not match).
    """
    num_id, den_id = base_of(indicator_id)
    out = pd.DataFrame(index=pd.Index(codes, name=key))
    out["numerator"] = (values_for(values, key, num_id, year).reindex(codes).astype(float)
                        if num_id else math.nan)
    out["denominator"] = (values_for(values, key, den_id, year).reindex(codes).astype(float)
                          if den_id else math.nan)
    gap = _gap_of(indicator_id) if num_id else None
    if key == "orp_code" and gap is not None:
        inner = _inner(values, key, codes, gap, year, gaps, den_id)
        if inner is None:
            out["denominator"] = math.nan
        else:
            out["denominator"] -= inner[1].reindex(codes).fillna(0.0)
    return out
