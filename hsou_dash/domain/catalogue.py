"""The indicator catalogue: themes, how each indicator aggregates, which years exist.

How every ratio is built (numerator, denominator, scale) is declared here and nowhere else;
aggregation to kraj and Czechia, profiles and maps all use these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from hsou_dash.domain.wording import indicator_name as reader_name
from hsou_dash.text import catalogue as text_catalogue


@dataclass(frozen=True)
class Ratio:
    """value = scale × Σ numerator / Σ denominator over the member territories."""

    numerator: str
    denominator: str
    scale: float


@dataclass(frozen=True)
class WeightedMean:
    """value = Σ (value × weight) / Σ weight — for means such as the average age."""

    weight: str


RATIOS: dict[str, Ratio] = {
    "unemployment_share": Ratio("unemployed_available_15_64", "pop_age_15_64", 100.0),
    "share_age_65plus": Ratio("pop_age_65plus", "population", 100.0),
    "share_age_0_14": Ratio("pop_age_0_14", "population", 100.0),
    "ageing_index": Ratio("pop_age_65plus", "pop_age_0_14", 100.0),
    "distraint_share": Ratio("persons_in_distraint", "pop_15plus", 100.0),
    "distraint_share_mz2024": Ratio("persons_in_distraint_mz2024", "pop_15plus_mz2024", 100.0),
    "net_migration_per_1000": Ratio("net_migration", "population", 1000.0),
    "total_increase_per_1000": Ratio("total_increase", "population", 1000.0),
    "dwellings_completed_per_1000": Ratio("dwellings_completed", "population", 1000.0),
    "municipal_tax_revenue_per_capita": Ratio("municipal_tax_revenue", "population", 1.0),
}

WEIGHTED: dict[str, WeightedMean] = {"average_age": WeightedMean("population")}

#: Counts and amounts: the value of a region is the plain sum over its members.
COUNTS: frozenset[str] = frozenset({
    "population", "pop_age_0_14", "pop_age_15_64", "pop_age_65plus", "live_births", "deaths",
    "immigrants", "emigrants", "natural_increase", "net_migration", "total_increase",
    "unemployed_available_15_64", "municipal_tax_revenue", "persons_in_distraint",
    "executions_count", "pop_15plus", "persons_3plus_executions", "persons_in_distraint_mz2024",
    "executions_count_mz2024", "pop_15plus_mz2024", "dwellings_completed",
})

#: Indicators whose ORP values leave out some obce that the ORP's ``population`` counts: the
#: bundle has no value for them, and the ORP rows of every ratio built on the indicator exclude
#: them from the denominator too (SOURCES.md: the 6 obce created on 1. 1. 2016 have budget rows
#: without a municipal code, the 4 military areas have no budget). A kraj or Czechia value must
#: therefore drop the same obce from its denominator, and say so. Value: text key of the reason.
OBEC_GAPS: dict[str, str] = {
    "municipal_tax_revenue": "trust.gap.no_budget",
}

#: Themes for the indicator picker, in display order. Ids missing from the bundle are skipped;
#: catalogue ids not listed here fall into "other".
THEMES: dict[str, tuple[str, ...]] = {
    "labour": ("unemployment_share", "unemployed_available_15_64"),
    "debt": ("distraint_share", "persons_in_distraint", "executions_count",
             "persons_3plus_executions", "pop_15plus", "distraint_share_mz2024",
             "persons_in_distraint_mz2024", "executions_count_mz2024", "pop_15plus_mz2024"),
    "population": ("population", "total_increase_per_1000", "net_migration_per_1000",
                   "total_increase", "natural_increase", "net_migration", "live_births",
                   "deaths", "immigrants", "emigrants"),
    "ageing": ("ageing_index", "share_age_65plus", "share_age_0_14", "average_age",
               "pop_age_0_14", "pop_age_15_64", "pop_age_65plus"),
    "housing": ("dwellings_completed_per_1000", "dwellings_completed"),
    "finance": ("municipal_tax_revenue_per_capita", "municipal_tax_revenue"),
}

#: The HSOÚ indicators of SRR ČR 2021+ for which the bundle has a value or a proxy.
HSOU_INDICATORS: tuple[str, ...] = ("dwellings_completed_per_1000", "total_increase_per_1000",
                                    "ageing_index", "unemployment_share")


def aggregation_kind(indicator_id: str) -> str:
    """'ratio', 'weighted', 'count' or 'none' (not aggregable: shown only per territory)."""
    if indicator_id in RATIOS:
        return "ratio"
    if indicator_id in WEIGHTED:
        return "weighted"
    if indicator_id in COUNTS:
        return "count"
    return "none"


def theme_of(indicator_id: str) -> str:
    for theme, ids in THEMES.items():
        if indicator_id in ids:
            return theme
    return "other"


def grouped_indicators(catalog: pd.DataFrame, available: set[str]) -> list[tuple[str, str]]:
    """(theme, indicator_id) pairs in picker order, only for indicators that have data."""
    listed = [(theme, i) for theme, ids in THEMES.items() for i in ids
              if i in catalog.index and i in available]
    seen = {i for _, i in listed}
    rest = [("other", i) for i in catalog.index if i in available and i not in seen]
    return listed + rest


def years_of(values: pd.DataFrame, indicator_id: str) -> list[int]:
    """Years for which at least one territory has a value, newest first."""
    mask = (values["indicator_id"] == indicator_id) & values["value"].notna()
    return sorted(values.loc[mask, "year"].unique().tolist(), reverse=True)


#: Text-catalogue prefix of display names that replace the bundle's (``indicator_name.<id>``):
#: the bundle's Czech "Podíl osob v exekuci" does not say that the base is the population 15+,
#: while its English name does; every picker, title and label reads names here.
NAME_OVERRIDE = "indicator_name"


def indicator_name(catalog: pd.DataFrame, indicator_id: str, lang: str) -> str:
    """The display name of an indicator: the text catalogue's override when there is one,
    else the bundle catalogue's name in ``lang``."""
    override = text_catalogue().get(lang, {}).get(f"{NAME_OVERRIDE}.{indicator_id}")
    if override:
        return override
    col = "name_en" if lang == "en" else "name_cs"
    return reader_name(str(catalog.at[indicator_id, col]), lang)


def higher_is_worse(catalog: pd.DataFrame, indicator_id: str) -> bool:
    return bool(catalog.at[indicator_id, "higher_is_worse"])


# --- what kind of number each indicator is ------------------------------------------------

Kind = Literal["count", "amount", "share", "rate", "index", "mean", "per_capita"]
Direction = Literal["higher_worse", "higher_better", "neutral"]

#: What each indicator counts. Counts and amounts are sizes of a territory, not a condition of
#: it, so they never get a better/worse colour; the other kinds are rates that can be compared
#: between a small and a large territory.
KINDS: dict[str, Kind] = {
    **{i: "count" for i in COUNTS if i != "municipal_tax_revenue"},
    "municipal_tax_revenue": "amount",
    "share_age_65plus": "share", "share_age_0_14": "share", "unemployment_share": "share",
    "distraint_share": "share", "distraint_share_mz2024": "share",
    "net_migration_per_1000": "rate", "total_increase_per_1000": "rate",
    "dwellings_completed_per_1000": "rate",
    "ageing_index": "index",
    "average_age": "mean",
    "municipal_tax_revenue_per_capita": "per_capita",
}

#: Fixed decimals per indicator, so one column never mixes 5.1 and 5.12. Chosen from the
#: precision the sources publish: shares in hundredths of a percent (as ÚP ČR and Mapa exekucí),
#: Mapa zadlužení shares as printed (one decimal), per-1000 rates and the ageing index and average
#: age to one decimal (ČSÚ style), dwellings per 1000 to two decimals (ORP values go down to
#: 0.36), counts and crowns whole.
DECIMALS: dict[str, int] = {
    **{i: 0 for i, k in KINDS.items() if k in ("count", "amount", "per_capita")},
    **{i: 2 for i, k in KINDS.items() if k == "share"},
    "distraint_share_mz2024": 1,
    "net_migration_per_1000": 1, "total_increase_per_1000": 1,
    "dwellings_completed_per_1000": 2,
    "ageing_index": 1,
    "average_age": 1,
}


def kind(indicator_id: str) -> Kind:
    """What the indicator counts (KeyError for an id the catalogue layer does not declare)."""
    return KINDS[indicator_id]


def direction(catalog: pd.DataFrame, indicator_id: str) -> Direction:
    """Which way is worse, for colours and wording.

    Counts and amounts are always ``neutral`` whatever ``higher_is_worse`` says: a small ORP is
    not "worse" for having few inhabitants, deaths or persons in distraint. Shares, rates,
    indices and means follow the catalogue's ``higher_is_worse``.
    """
    if KINDS.get(indicator_id, "count") in ("count", "amount"):
        return "neutral"
    return "higher_worse" if higher_is_worse(catalog, indicator_id) else "higher_better"


def decimals(indicator_id: str) -> int:
    """The fixed number of decimals to show for this indicator (KeyError if undeclared)."""
    return DECIMALS[indicator_id]


# --- series breaks and single-year caveats ----------------------------------------------------

BreakKind = Literal["break", "caveat"]

#: ORP whose obec→ORP assignment differs between the older rows (ČSÚ, state of 2021) and the
#: newer ones (RÚIAN 2024): population from 2021, Mapa exekucí from 2022 – SOURCES.md names the
#: 6 obce that moved (Bříství, Kounice, Vykáň, Frýdštejn, Věžnice, Přemyslovice).
REASSIGNED_ORP: frozenset[str] = frozenset({"2106", "2113", "5103", "5109", "6102", "6105",
                                            "7103", "7108"})


@dataclass(frozen=True)
class Break:
    """A change of basis in a series, or a caveat on one year.

    ``kind == "break"``: ``year`` is the first year on the new basis, so a change from any
    earlier year to ``year`` or later is partly (or wholly) the change of basis, not a real
    change. ``kind == "caveat"``: something is special about ``year`` alone.
    ``territories`` limits the note to those ORP codes (empty: every territory). Texts may
    use ``{year}``: pass ``year=break.year`` when translating.
    """

    year: int
    kind: BreakKind
    text_key: str
    territories: frozenset[str] = frozenset()


_CENSUS = Break(2021, "break", "trust.break.census_2021")
_CENSUS_SHARE = Break(2021, "break", "trust.break.census_2021_denominator")
_DISTRAINT_2019_DATE = Break(2019, "caveat", "trust.caveat.distraint_2019_date")
_DISTRAINT_2022_RECORDS = Break(2022, "caveat", "map.caveat_distraint_2022")
_DISTRAINT_2022_REASSIGNED = Break(2022, "break", "trust.break.orp_reassigned", REASSIGNED_ORP)

#: Every known break and caveat, per indicator (SOURCES.md). Any indicator resting on ČSÚ
#: population counts changes basis in 2021 (balance from the 2021 census); the note only shows
#: where a displayed span crosses it, so it is declared for every such indicator, including
#: those that have no year after 2020 in this bundle yet.
BREAKS: dict[str, tuple[Break, ...]] = {
    "population": (
        _CENSUS,
        Break(2021, "break", "trust.break.orp_reassigned", REASSIGNED_ORP),
        Break(2022, "break", "trust.break.temporary_protection"),
    ),
    **{i: (_CENSUS,) for i in ("pop_age_0_14", "pop_age_15_64", "pop_age_65plus")},
    **{i: (_CENSUS_SHARE,) for i in (
        "share_age_65plus", "share_age_0_14", "ageing_index", "average_age",
        "net_migration_per_1000", "total_increase_per_1000", "dwellings_completed_per_1000",
        "municipal_tax_revenue_per_capita", "unemployment_share")},
    "pop_15plus": (
        Break(2021, "break", "trust.break.census_2021_pop15"),
        Break(2022, "caveat", "trust.caveat.pop15_2022_is_2021"),
        _DISTRAINT_2022_REASSIGNED,
    ),
    "distraint_share": (
        _DISTRAINT_2019_DATE,
        Break(2021, "break", "trust.break.census_2021_pop15"),
        Break(2022, "caveat", "trust.caveat.distraint_2022_denominator"),
        _DISTRAINT_2022_RECORDS,
        _DISTRAINT_2022_REASSIGNED,
    ),
    **{i: (_DISTRAINT_2019_DATE, _DISTRAINT_2022_RECORDS, _DISTRAINT_2022_REASSIGNED)
       for i in ("persons_in_distraint", "executions_count", "persons_3plus_executions")},
}


#: Caveats that hold for every year of an indicator (how it is built, what it stands in for).
#: Year-specific caveats and breaks are in :data:`BREAKS`; both are read through
#: :func:`hsou_dash.domain.series.value_notes`, so each rule has this one home.
INDICATOR_NOTES: dict[str, tuple[str, ...]] = {
    **{i: ("map.caveat_end_year",) for i in (
        "total_increase_per_1000", "net_migration_per_1000", "dwellings_completed_per_1000")},
    **{i: ("map.caveat_mz2024",) for i in (
        "distraint_share_mz2024", "persons_in_distraint_mz2024", "executions_count_mz2024",
        "pop_15plus_mz2024")},
}
