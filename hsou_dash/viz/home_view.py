"""Pieces of the home page: the HSOÚ status map and the data-vintage list."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from hsou_dash.data.loaders import Bundle
from hsou_dash.domain.catalogue import indicator_name, years_of
from hsou_dash.text import Translator
from hsou_dash.viz import maps

HSOU_FILL, OTHER_FILL = "#b2182b", "#e3e6ea"
VINTAGE_INDICATORS = ("population", "unemployment_share", "distraint_share", "ageing_index",
                      "dwellings_completed_per_1000", "municipal_tax_revenue_per_capita")


def status_map(geo: gpd.GeoDataFrame, orp: pd.DataFrame, tr: Translator,
               height: int = 420) -> folium.Map:
    """ORP coloured by HSOÚ status (a categorical map: two classes, no data impossible)."""
    rows = orp[["orp_code", "orp_name", "is_hsou"]].copy()
    rows["fill"] = rows["is_hsou"].map({True: HSOU_FILL, False: OTHER_FILL})
    rows["status"] = rows["is_hsou"].map({True: tr("common.hsou_yes"),
                                          False: tr("common.hsou_no")})
    legend = maps.Legend(tr("home.map_title"), [(HSOU_FILL, tr("home.legend_hsou")),
                                                (OTHER_FILL, tr("home.legend_other"))])
    return maps.choropleth(geo, rows, key="orp_code",
                           tooltip={"orp_name": tr("common.orp"), "status": tr("common.hsou")},
                           legend=legend, attribution=tr("common.attribution"), height=height)


def vintage(b: Bundle, tr: Translator, lang: str) -> list[str]:
    """One line per headline indicator: the years the bundle has, newest first."""
    lines = []
    for ind in VINTAGE_INDICATORS:
        years = years_of(b.orp_values, ind)
        if years:
            lines.append(tr("home.vintage_row", name=indicator_name(b.catalog, ind, lang),
                            years=", ".join(str(y) for y in years)))
    return [tr("home.vintage_boundaries"), tr("home.vintage_hsou"), *lines]
