"""Pieces of the home page: headline figures with sources and coverage, the HSOÚ share, the
HSOÚ status map and the data-vintage list."""

from __future__ import annotations

import math
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd

from hsou_dash.config import NATIONAL_CODE
from hsou_dash.data.loaders import Bundle
from hsou_dash.domain.aggregate import ObecGaps, aggregate, coverage_notes
from hsou_dash.domain.catalogue import Break, indicator_name, years_of
from hsou_dash.domain.headline import Headline, PopulationShare
from hsou_dash.domain.longtable import rows_of
from hsou_dash.domain.regions import in_region
from hsou_dash.domain.series import value_notes
from hsou_dash.domain.sources import SourceInfo, hsou_list_source, source_info
from hsou_dash.text import Translator
from hsou_dash.viz import attribution as viz_attribution
from hsou_dash.viz import formatting, maps
from hsou_dash.viz.headline_cards import Card, Line
from hsou_dash.viz.indicator_view import coverage_text

HSOU_FILL, OTHER_FILL = "#b2182b", "#e3e6ea"
VINTAGE_INDICATORS = ("population", "unemployment_share", "distraint_share", "ageing_index",
                      "dwellings_completed_per_1000", "municipal_tax_revenue_per_capita")


@dataclass(frozen=True)
class HeadlineFigure:
    """One headline metric as shown: texts are plain (the page escapes them)."""

    indicator_id: str
    year: int
    label: str               # "Podíl nezaměstnaných osob (2020)"
    value: str               # the region's value, fixed decimals and unit
    czechia: str             # Czechia's value
    source: str              # "Zdroj: ÚP ČR/MPSV – …; k 31. 12. 2020"
    info: SourceInfo
    notes: list[Break]       # breaks and caveats of the year
    coverage: list[str]      # what the region or Czechia value leaves out


def figures(b: Bundle, h: Headline, region: str, tr: Translator, lang: str,
            gaps: ObecGaps | None = None) -> list[HeadlineFigure]:
    """The headline figures with one source line each (publisher first) and coverage notes."""
    no_data = tr.plain("common.no_data")
    members = in_region(b.orp, region)["orp_code"].tolist()
    everyone = b.orp["orp_code"].tolist()
    out = []
    for f in h.figures:
        info = source_info(b.catalog, b.orp_values, f.indicator_id, [f.year])
        coverage: list[str] = []
        for codes in ([members, everyone] if region != NATIONAL_CODE else [everyone]):
            agg = aggregate(b.orp_values, "orp_code", codes, f.indicator_id, f.year, gaps)
            coverage += [c for n in coverage_notes(agg, "orp_code")
                         if (c := coverage_text(n, tr, lang)) not in coverage]
        out.append(HeadlineFigure(
            f.indicator_id, f.year,
            f"{indicator_name(b.catalog, f.indicator_id, lang)} ({f.year})",
            formatting.indicator_value(f.region, f.indicator_id, f.unit, lang, no_data),
            formatting.indicator_value(f.czechia, f.indicator_id, f.unit, lang, no_data),
            formatting.source_text(info, lang), info, value_notes(f.indicator_id, f.year),
            coverage))
    return out


def share_text(share: PopulationShare | None, lang: str, no_data: str) -> str:
    """"24,8 %" (one decimal), or ``no_data``."""
    if share is None or math.isnan(share.share):
        return no_data
    return formatting.attach_unit(formatting.number(share.share, 1, lang), "%", lang)


def population_ref(b: Bundle, year: int, lang: str) -> str:
    """"k 31. 12. 2020" — the reference date of the population of ``year``."""
    v = b.orp_values
    refs = rows_of(v, "population", year)["ref_date"]
    return formatting.ref_phrase(refs.dropna().astype(str).unique(), lang) or str(year)


def population_source(b: Bundle, years: list[int]) -> SourceInfo:
    return source_info(b.catalog, b.orp_values, "population", years)


def cards(h: Headline, figs: list[HeadlineFigure], tr: Translator, lang: str, *,
          refs: dict[int, str], population_source: str) -> list[Card]:
    """The headline cards: ORP and HSOÚ counts, the HSOÚ population share (2020, the
    delimitation basis, and the newest year when it differs) and each headline figure with
    Czechia's value, its source, caveats and coverage. ``refs``: the population reference
    phrase of each year shown ("k 31. 12. 2020"); ``population_source``: its source line."""
    no_data = tr.plain("common.no_data")
    out = [Card(tr.plain("home.n_orp"), str(h.n_orp),
                (Line(f"{tr.plain('home.n_hsou')}: ", strong=str(h.n_hsou)),))]
    share, current = h.share, h.share_current
    if share is not None:
        lines = [Line(tr.plain("home.pop_hsou_line",
                               n=formatting.number(share.population_hsou, 0, lang),
                               ref=refs[share.year]))]
        if current is not None and current.year != share.year:
            lines.append(Line(tr.plain(
                "home.share_current", label=tr.plain("trust.hsou_share_label", year=current.year),
                share=share_text(current, lang, no_data), ref=refs[current.year])))
        lines.append(Line(population_source))
        out.append(Card(tr.plain("trust.hsou_share_label", year=share.year),
                        share_text(share, lang, no_data), tuple(lines),
                        help=tr.plain("trust.hsou_share_help", year=share.year)))
    for f in figs:
        lines = [Line(tr.plain("home.vs_cz", value=f.czechia)), Line(f.source),
                 *(Line(tr.plain(n.text_key, year=n.year), warn=True) for n in f.notes),
                 *(Line(text) for text in f.coverage)]
        out.append(Card(f.label, f.value, tuple(lines)))
    return out


def status_map(geo: gpd.GeoDataFrame, orp: pd.DataFrame, tr: Translator,
               height: int = 420, packed: dict[str, list[list[str]]] | None = None, *,
               attribution: str) -> folium.Map:
    """ORP coloured by HSOÚ status (a categorical map: two classes, no data impossible);
    ``packed``: the cached ``pack_geometry(geo, "orp_code")``; ``attribution``: the boundary
    line (``viz.attribution.boundaries``)."""
    rows = orp[["orp_code", "orp_name", "is_hsou"]].copy()
    rows["fill"] = rows["is_hsou"].map({True: HSOU_FILL, False: OTHER_FILL})
    rows["status"] = rows["is_hsou"].map({True: tr.plain("common.hsou_yes"),
                                          False: tr.plain("common.hsou_no")})
    legend = maps.Legend(tr.plain("home.map_title"), [(HSOU_FILL, tr.plain("home.legend_hsou")),
                                                      (OTHER_FILL, tr.plain("home.legend_other"))])
    return maps.choropleth(geo, rows, key="orp_code",
                           tooltip={"orp_name": tr.plain("common.orp"),
                                    "status": tr.plain("common.hsou_status")},
                           legend=legend, attribution=attribution,
                           height=height, packed=packed)


def hsou_source(b: Bundle) -> SourceInfo:
    """The HSOÚ list, credited to its publisher (MMR)."""
    return hsou_list_source(b.orp)


def vintage(b: Bundle, tr: Translator, lang: str) -> list[str]:
    """One line per headline indicator: the years the bundle has, newest first."""
    lines = []
    for ind in VINTAGE_INDICATORS:
        years = years_of(b.orp_values, ind)
        if years:
            lines.append(tr("home.vintage_row", name=indicator_name(b.catalog, ind, lang),
                            years=", ".join(str(y) for y in years)))
    boundaries = tr("home.vintage_boundaries", state=viz_attribution.state(b, tr))
    return [boundaries, tr("home.vintage_hsou"), *lines]
