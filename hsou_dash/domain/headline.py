"""Headline figures of a region for the home page: ORP count, HSOÚ share, key rates vs CZ."""

from __future__ import annotations

import math
from dataclasses import dataclass

from hsou_dash.config import NATIONAL_CODE
from hsou_dash.data.loaders import Bundle
from hsou_dash.domain.aggregate import aggregate
from hsou_dash.domain.catalogue import years_of


@dataclass(frozen=True)
class Figure:
    """A value for the region and for Czechia, with the year and reference date it refers to."""

    indicator_id: str
    year: int
    region: float
    czechia: float
    ref_date: str
    unit: str


@dataclass(frozen=True)
class Headline:
    n_orp: int
    n_hsou: int
    population_year: int
    population: float            # all ORP of the region
    population_hsou: float       # ORP with HSOÚ status
    figures: list[Figure]

    @property
    def hsou_population_share(self) -> float:
        if not self.population or math.isnan(self.population):
            return math.nan
        return 100.0 * self.population_hsou / self.population


def _latest_complete(b: Bundle, indicator: str, members: list[str]) -> int | None:
    """Newest year in which every member has the inputs (so the aggregate is not partial)."""
    for year in years_of(b.orp_values, indicator):
        if aggregate(b.orp_values, "orp_code", members, indicator, year).complete:
            return year
    return None


def headline(b: Bundle, region: str, indicators: tuple[str, ...] = (
        "unemployment_share", "distraint_share")) -> Headline:
    orp = b.orp if region == NATIONAL_CODE else b.orp[b.orp["kraj_code"] == region]
    members = orp["orp_code"].tolist()
    hsou = orp.loc[orp["is_hsou"], "orp_code"].tolist()
    everyone = b.orp["orp_code"].tolist()
    pop_year = _latest_complete(b, "population", members) or 0
    pop = aggregate(b.orp_values, "orp_code", members, "population", pop_year).value
    pop_h = aggregate(b.orp_values, "orp_code", hsou, "population", pop_year).value if hsou else 0.0
    figures = []
    for ind in indicators:
        year = _latest_complete(b, ind, members)
        if year is None:
            continue
        rows = b.orp_values[(b.orp_values["indicator_id"] == ind)
                            & (b.orp_values["year"] == year)]
        figures.append(Figure(
            ind, year,
            aggregate(b.orp_values, "orp_code", members, ind, year).value,
            aggregate(b.orp_values, "orp_code", everyone, ind, year).value,
            ", ".join(sorted(set(rows["ref_date"].dropna().astype(str)))),
            str(rows["unit"].dropna().iloc[0]) if len(rows) else "",
        ))
    return Headline(len(members), len(hsou), pop_year, pop, pop_h, figures)
