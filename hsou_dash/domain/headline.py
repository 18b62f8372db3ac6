"""Headline figures of a region for the home page: ORP count, HSOÚ share, key rates vs CZ.

The share of inhabitants living in HSOÚ exists in one definition only — :func:`hsou_share` —
and always travels with its year. The delimitation basis is 2020 (the population the SRR ČR
2021+ rule "a quarter of the population" was checked against in this app, and the year of
every input of the re-computation); a current-year share is a separate, explicitly dated value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from hsou_dash.data.loaders import Bundle
from hsou_dash.domain.aggregate import ObecGaps, aggregate
from hsou_dash.domain.catalogue import years_of
from hsou_dash.domain.hsou import POPULATION_YEAR
from hsou_dash.domain.longtable import rows_of
from hsou_dash.domain.regions import in_region

#: The year of the population on which the HSOÚ share is reported (delimitation basis).
DELIMITATION_YEAR = POPULATION_YEAR


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
class PopulationShare:
    """Inhabitants of the HSOÚ ORP of a territory as a share of all its inhabitants, in ``year``.

    ``share`` is in percent; NaN when any ORP of the territory lacks its population that year
    (a share of a partial total would be wrong).
    """

    year: int
    population_hsou: float
    population: float

    @property
    def share(self) -> float:
        if not self.population or math.isnan(self.population):
            return math.nan
        return 100.0 * self.population_hsou / self.population


def hsou_share(orp_values: pd.DataFrame, orp: pd.DataFrame, members: list[str] | None = None,
               year: int = DELIMITATION_YEAR) -> PopulationShare:
    """Share of the inhabitants of ``members`` (ORP codes; default all of Czechia) living in
    ORP with HSOÚ status (``orp.is_hsou``), on the population of ``year``."""
    members = orp["orp_code"].tolist() if members is None else list(members)
    hsou_codes = set(orp.loc[orp["is_hsou"], "orp_code"])
    hsou = [c for c in members if c in hsou_codes]
    total = aggregate(orp_values, "orp_code", members, "population", year).value
    part = (aggregate(orp_values, "orp_code", hsou, "population", year).value if hsou
            else 0.0)
    return PopulationShare(year, part, total)


@dataclass(frozen=True)
class Headline:
    n_orp: int
    n_hsou: int
    population_year: int
    population: float            # all ORP of the region, newest complete year
    population_hsou: float       # ORP with HSOÚ status, same year
    figures: list[Figure]
    #: the HSOÚ share on the delimitation basis (2020) — the one to show as "the" share
    share: PopulationShare | None = None
    #: the same share on the newest complete population year (label it with its own year)
    share_current: PopulationShare | None = None

    @property
    def hsou_population_share(self) -> float:
        """Deprecated: the current-year share without its year; use ``share`` (2020 basis) or
        ``share_current`` (which carries its year)."""
        if not self.population or math.isnan(self.population):
            return math.nan
        return 100.0 * self.population_hsou / self.population


def _latest_complete(b: Bundle, indicator: str, members: list[str],
                     gaps: ObecGaps | None = None) -> int | None:
    """Newest year in which every member has the inputs (so the aggregate is not partial).

    Obce left out by a declared gap (documented, inherent in the ORP values) do not count
    against a year; a member without data does.
    """
    for year in years_of(b.orp_values, indicator):
        agg = aggregate(b.orp_values, "orp_code", members, indicator, year, gaps)
        if agg.members and agg.covered == agg.members and not math.isnan(agg.value):
            return year
    return None


def headline(b: Bundle, region: str, indicators: tuple[str, ...] = (
        "unemployment_share", "distraint_share"), gaps: ObecGaps | None = None) -> Headline:
    orp = in_region(b.orp, region)
    members = orp["orp_code"].tolist()
    hsou = orp.loc[orp["is_hsou"], "orp_code"].tolist()
    everyone = b.orp["orp_code"].tolist()
    pop_year = _latest_complete(b, "population", members) or 0
    pop = aggregate(b.orp_values, "orp_code", members, "population", pop_year).value
    pop_h = aggregate(b.orp_values, "orp_code", hsou, "population", pop_year).value if hsou else 0.0
    figures = []
    for ind in indicators:
        year = _latest_complete(b, ind, members, gaps)
        if year is None:
            continue
        rows = rows_of(b.orp_values, ind, year)
        figures.append(Figure(
            ind, year,
            aggregate(b.orp_values, "orp_code", members, ind, year, gaps).value,
            aggregate(b.orp_values, "orp_code", everyone, ind, year, gaps).value,
            ", ".join(sorted(set(rows["ref_date"].dropna().astype(str)))),
            str(rows["unit"].dropna().iloc[0]) if len(rows) else "",
        ))
    return Headline(len(members), len(hsou), pop_year, pop, pop_h, figures,
                    share=hsou_share(b.orp_values, b.orp, members, DELIMITATION_YEAR),
                    share_current=PopulationShare(pop_year, pop_h, pop))
