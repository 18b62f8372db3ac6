"""The indicator catalogue: themes, how each indicator aggregates, which years exist.

How every ratio is built (numerator, denominator, scale) is declared here and nowhere else;
aggregation to kraj and Czechia, profiles and maps all use these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


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


def indicator_name(catalog: pd.DataFrame, indicator_id: str, lang: str) -> str:
    col = "name_en" if lang == "en" else "name_cs"
    return str(catalog.at[indicator_id, col])


def higher_is_worse(catalog: pd.DataFrame, indicator_id: str) -> bool:
    return bool(catalog.at[indicator_id, "higher_is_worse"])
