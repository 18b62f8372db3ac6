"""Everything the map page shows for one (region, indicator, year): map, table, bars, CSV.

Composed here, outside Streamlit, so the page stays a thin layout script and the whole view
can be unit-tested and benchmarked.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from hsou_dash.config import NATIONAL_CODE
from hsou_dash.data.loaders import Bundle
from hsou_dash.domain.catalogue import higher_is_worse, indicator_name
from hsou_dash.domain.classify import classify
from hsou_dash.domain.compare import rank_table
from hsou_dash.text import Translator
from hsou_dash.viz import charts, format, maps, palettes


@dataclass(frozen=True)
class IndicatorView:
    table: pd.DataFrame      # what the table shows, one row per ORP, sorted by rank
    csv: bytes               # exactly the table, with source columns, UTF-8 with BOM for Excel
    map: folium.Map
    bars: go.Figure
    title: str
    unit: str
    source: str              # source and reference dates of the values shown
    missing: int             # territories without a value ("no data")


def region_orp(b: Bundle, region: str) -> pd.DataFrame:
    orp = b.orp if region == NATIONAL_CODE else b.orp[b.orp["kraj_code"] == region]
    return orp.reset_index(drop=True)


def build(b: Bundle, geo: gpd.GeoDataFrame, outline: gpd.GeoDataFrame | None, *, region: str,
          indicator: str, year: int, scheme: str, k: int, tiles: str, selected: str | None,
          tr: Translator, lang: str, height: int = 560) -> IndicatorView:
    """Build the view; ``geo`` holds the region's display polygons (``orp_code``)."""
    territories = region_orp(b, region)[["orp_code", "orp_name", "kraj_name", "is_hsou"]]
    table = rank_table(b.orp_values, territories, "orp_code", indicator, year)
    rows = b.orp_values[(b.orp_values["indicator_id"] == indicator)
                        & (b.orp_values["year"] == year)
                        & b.orp_values["orp_code"].isin(territories["orp_code"])]
    unit = str(rows["unit"].dropna().iloc[0]) if rows["unit"].notna().any() else ""
    no_data = tr("common.no_data")
    values = table.set_index("orp_code")["value"]
    text = values.map(lambda v: format.value(v, unit, lang, no_data))
    table["value_text"] = table["orp_code"].map(text)
    table["hsou"] = table["is_hsou"].map({True: tr("common.hsou_yes"), False: tr("common.hsou_no")})

    cls = classify(values, scheme, k)
    colors = palettes.sequential_colors(cls.k, higher_is_worse(b.catalog, indicator))
    map_rows = maps.classed_rows(table[["orp_code", "orp_name", "hsou"]], "orp_code", values,
                                 cls.classes, colors, text)
    map_rows["value_text"] = map_rows["value_text"].fillna(no_data)
    missing = int(values.isna().sum())

    def short(v: float) -> str:
        return format.number(v, format.decimals_for(unit, v), lang)

    title = indicator_name(b.catalog, indicator, lang)
    legend = maps.Legend(
        f"{title} ({year})",
        maps.legend_items(cls.bounds, colors, short, no_data, missing > 0),
        outline_label=tr("map.hsou_outline") if outline is not None else None,
    )
    fmap = maps.choropleth(
        geo, map_rows, key="orp_code",
        tooltip={"orp_name": tr("common.orp"), "value_text": f"{title} ({year})",
                 "hsou": tr("common.hsou")},
        legend=legend, attribution=tr("common.attribution"), tiles=tiles, outline=outline,
        selected=selected, height=height,
    )
    src = format.source_line(tr, b.catalog.at[indicator, "source"], rows["ref_date"])
    bars = charts.ranked_bars(table, label="orp_name", value="value", text="value_text",
                              title=f"{title} ({year})", selected=selected, source=src,
                              hsou_name=tr("common.hsou"))
    export = table[["rank", "orp_code", "orp_name", "kraj_name", "is_hsou", "value"]].copy()
    export.insert(0, "indicator_id", indicator)
    export.insert(1, "year", year)
    meta = rows.set_index("orp_code")[["unit", "ref_date", "source", "value_type", "note"]]
    export = export.join(meta, on="orp_code")
    csv = export.to_csv(index=False).encode("utf-8-sig")
    return IndicatorView(table=table, csv=csv, map=fmap, bars=bars, title=title, unit=unit,
                         source=src, missing=missing)
