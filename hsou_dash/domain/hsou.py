"""An open re-computation of the HSOÚ delimitation of SRR ČR 2021+ — ours, not MMR's.

SRR ČR 2021+ names five indicators and one rule: the ORP with the worst results, until they hold
25 % of the population of Czechia. It does not publish reference years, weights or how the
indicators were standardised, so every such choice here is ours and the page says so:

* inputs: the HSOÚ indicators the bundle has (two of them proxies), all of ``INPUT_YEAR``;
* direction: each indicator is turned so that a *higher* standardised value is always *worse*
  (``higher_is_worse`` from the catalogue);
* standardisation: z-score (population standard deviation) or rank (average rank for ties,
  1 = best, n = worst), over the ORP that have every chosen input;
* composite: the plain mean of the standardised indicators (equal weights);
* cut-off: ORP are taken worst first while the cumulative population share stays at or below
  the cut-off (exactly the cut-off is still in); ORP with an identical composite form one block
  that enters whole or not at all, so the result never depends on an arbitrary tie order. The
  first block that would cross the cut-off stops the selection (the set is a prefix of the
  ranking, like "the worst-off until they hold 25 %").

The population is the bundle's ``population`` indicator of ``POPULATION_YEAR``; the share is
taken of the population of *all* ORP (Czechia), so an ORP excluded for missing inputs still
counts in the denominator but can never be selected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from hsou_dash.domain.catalogue import HSOU_INDICATORS

STANDARDISATIONS: tuple[str, ...] = ("zscore", "rank")
DEFAULT_STANDARDISATION = "zscore"
DEFAULT_CUTOFF = 25
MIN_CUTOFF, MAX_CUTOFF = 5, 50
#: Year of every input of the re-computation (the only year all four available inputs share).
INPUT_YEAR = 2020
#: Year of the population used for the cumulative cut-off (31. 12. 2020, as the inputs).
POPULATION_YEAR = 2020
POPULATION = "population"

#: The five indicators of SRR ČR 2021+ in the strategy's order → the bundle indicator that
#: stands for it, or ``None`` when the bundle has no data for it.
SRR_INDICATORS: dict[str, str | None] = {
    "housing": "dwellings_completed_per_1000",
    "total_change": "total_increase_per_1000",
    "ageing": "ageing_index",
    "unemployment": "unemployment_share",
    "business": None,
}
#: Bundle indicators that only approximate the SRR definition (single year, end-of-year
#: denominator instead of mid-year population).
PROXIES: frozenset[str] = frozenset({"dwellings_completed_per_1000", "total_increase_per_1000"})

#: Agreement categories of an ORP between the re-computed set and the official list.
BOTH, ONLY_COMPUTED, ONLY_OFFICIAL, NEITHER, EXCLUDED = (
    "both", "only_computed", "only_official", "neither", "excluded")
CATEGORIES: tuple[str, ...] = (BOTH, ONLY_COMPUTED, ONLY_OFFICIAL, NEITHER, EXCLUDED)


def available_inputs(values: pd.DataFrame, year: int = INPUT_YEAR) -> list[str]:
    """HSOÚ indicators (catalogue order) that have at least one ORP value in ``year``."""
    have = set(values.loc[(values["year"] == year) & values["value"].notna(), "indicator_id"])
    return [i for i in HSOU_INDICATORS if i in have]


def wide_inputs(values: pd.DataFrame, indicators: list[str], year: int) -> pd.DataFrame:
    """One row per ORP (index ``orp_code``), one column per indicator; NaN = no data."""
    rows = values[values["indicator_id"].isin(indicators) & (values["year"] == year)]
    wide = rows.pivot_table(index="orp_code", columns="indicator_id", values="value",
                            aggfunc="first", dropna=False)
    return wide.reindex(columns=indicators).astype(float)


def standardise(inputs: pd.DataFrame, worse_is_higher: dict[str, bool],
                method: str = DEFAULT_STANDARDISATION) -> pd.DataFrame:
    """Standardise each column so that higher = worse; rows must be complete (no NaN).

    ``zscore``: (x − mean) / population s.d., sign flipped where higher is better; a constant
    column carries no information and becomes 0. ``rank``: 1 = best … n = worst, ties share
    their average rank.
    """
    if method not in STANDARDISATIONS:
        raise ValueError(f"unknown standardisation {method!r}")
    out = pd.DataFrame(index=inputs.index)
    for col in inputs.columns:
        x = inputs[col].astype(float)
        directed = x if worse_is_higher[col] else -x
        if method == "rank":
            out[col] = directed.rank(method="average", ascending=True)
        else:
            sd = float(directed.std(ddof=0))
            out[col] = (directed - directed.mean()) / sd if sd > 0 else 0.0
    return out


def composite(standardised: pd.DataFrame) -> pd.Series:
    """Equal-weight mean of the standardised indicators (higher = worse)."""
    return standardised.mean(axis=1)


def cumulative_cutoff(score: pd.Series, population: pd.Series, total: float,
                      cutoff: float) -> pd.DataFrame:
    """Select the worst-off ORP until they hold ``cutoff`` % of ``total`` population.

    Returns one row per ORP of ``score`` (worst first; ties by code for display only) with
    ``score``, ``population``, ``cum_population``, ``cum_share`` (% of ``total`` after the
    ORP's tie block) and ``selected``. The boundary is inclusive: a block whose cumulative
    share equals the cut-off exactly is in; the first block that would exceed it, and every
    block after, is out.
    """
    df = pd.DataFrame({"score": score.astype(float),
                       "population": population.reindex(score.index).astype(float)})
    df = df.rename_axis("orp_code").reset_index()
    df = df.sort_values(["score", "orp_code"], ascending=[False, True]).reset_index(drop=True)
    # Equal scores are adjacent after sorting: number the tie blocks, sum each, accumulate.
    block = (~df["score"].duplicated()).cumsum()
    block_end = block.map(df.groupby(block)["population"].sum().cumsum())
    df["cum_population"] = block_end
    df["cum_share"] = 100.0 * block_end / total if total > 0 else math.nan
    # cum × 100 ≤ cutoff × total: exact for whole people and whole percents; the tiny relative
    # tolerance only absorbs float noise of a fractional cut-off.
    fits = block_end * 100.0 <= cutoff * total * (1 + 1e-12)
    df["selected"] = fits.cummin() & (total > 0)
    return df


@dataclass(frozen=True)
class Recomputation:
    """The result of one re-computation, plus everything needed to explain it."""

    #: one row per ORP of the universe: orp_code, score, rank, population, cum_share,
    #: selected, official, category (see CATEGORIES); ranked ORP first, worst first
    table: pd.DataFrame
    indicators: list[str]
    method: str
    cutoff: float
    year: int
    population_year: int
    #: ORP left out because an input or the population is missing
    excluded: list[str] = field(default_factory=list)

    @property
    def selected(self) -> set[str]:
        return set(self.table.loc[self.table["selected"], "orp_code"])

    @property
    def official(self) -> set[str]:
        return set(self.table.loc[self.table["official"], "orp_code"])

    def count(self, category: str) -> int:
        return int((self.table["category"] == category).sum())

    def _share(self, mask: pd.Series) -> float:
        t = self.table
        if t["population"].isna().any() or not t["population"].sum():
            return math.nan
        return float(100 * t.loc[mask, "population"].sum() / t["population"].sum())

    @property
    def selected_share(self) -> float:
        """% of the population of Czechia living in the re-computed set."""
        return self._share(self.table["selected"])

    @property
    def official_share(self) -> float:
        """% of the population of Czechia living in the 73 official HSOÚ ORP."""
        return self._share(self.table["official"])


def category(selected: bool, official: bool, excluded: bool) -> str:
    """Where an ORP stands; an unscored official ORP counts as "only official" (it is one)."""
    if excluded:
        return EXCLUDED if not official else ONLY_OFFICIAL
    if selected and official:
        return BOTH
    if selected:
        return ONLY_COMPUTED
    return ONLY_OFFICIAL if official else NEITHER


def recompute(values: pd.DataFrame, catalog: pd.DataFrame, orp: pd.DataFrame,
              indicators: list[str], method: str = DEFAULT_STANDARDISATION,
              cutoff: float = DEFAULT_CUTOFF, year: int = INPUT_YEAR,
              population_year: int = POPULATION_YEAR) -> Recomputation:
    """Rank every ORP of ``orp`` on the composite of ``indicators`` and apply the cut-off.

    ``orp`` must hold ``orp_code`` and ``is_hsou`` (the official SRR ČR 2021+ list). With no
    indicator chosen nothing is ranked and nothing selected. If any ORP lacks its population,
    the population of Czechia is unknown, so nothing is selected either (never a partial sum).
    """
    codes = orp["orp_code"].tolist()
    pop = wide_inputs(values, [POPULATION], population_year)[POPULATION].reindex(codes)
    inputs = wide_inputs(values, indicators, year).reindex(codes)
    complete = inputs.notna().all(axis=1) & pop.notna()
    excluded = [c for c in codes if not complete[c]] if indicators else []
    total = float(pop.sum()) if pop.notna().all() else math.nan
    worse = {i: bool(catalog.at[i, "higher_is_worse"]) for i in indicators}
    ranked = inputs[complete]
    if indicators and len(ranked) and not math.isnan(total):
        score = composite(standardise(ranked, worse, method))
        cut = cumulative_cutoff(score, pop[ranked.index], total, cutoff)
    else:
        cut = pd.DataFrame(columns=["orp_code", "score", "population", "cum_population",
                                    "cum_share", "selected"])
    cut["rank"] = pd.Series(cut["score"], dtype=float).rank(ascending=False, method="min")
    rest = pd.DataFrame({"orp_code": [c for c in codes if c not in set(cut["orp_code"])]})
    rest["population"] = rest["orp_code"].map(pop)
    table = pd.concat([cut, rest], ignore_index=True) if len(rest) else cut.copy()
    table["selected"] = table["selected"].astype("boolean").fillna(False).astype(bool)
    table["rank"] = table["rank"].astype("Int64")
    official = dict(zip(orp["orp_code"], orp["is_hsou"].astype(bool), strict=True))
    table["official"] = table["orp_code"].map(official).astype(bool)
    excl = set(excluded)
    table["category"] = [category(s, o, c in excl) for c, s, o in
                         zip(table["orp_code"], table["selected"], table["official"],
                             strict=True)]
    return Recomputation(table=table.reset_index(drop=True), indicators=list(indicators),
                         method=method, cutoff=cutoff, year=year,
                         population_year=population_year, excluded=excluded)
