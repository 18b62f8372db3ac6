"""Everything the town profile shows for one municipality: header facts, the indicator table
against ORP, kraj and Czechia, trend charts and the locator map.

Composed outside Streamlit (plain data in, figures and frames out) so that the page stays a
layout script and the view can be tested on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from hsou_dash.data.loaders import Bundle
from hsou_dash.domain import towns
from hsou_dash.domain.catalogue import aggregation_kind, indicator_name
from hsou_dash.domain.caveats import caveats
from hsou_dash.domain.profile import aggregate_series, series, trend_indicators
from hsou_dash.text import Translator
from hsou_dash.viz import charts, format, maps, palettes
from hsou_dash.viz.export import csv_bytes
from hsou_dash.viz.packed_layer import PackedLayer, outline_layer, pack_geometry

#: Fills of the locator map: the town, the other obce of its ORP, the obce around.
FOCUS, MEMBER, AROUND = palettes.SELECTED, "#b3bec9", "#e2e5e9"


@dataclass(frozen=True)
class Fact:
    """One header figure with its source line ("" value text means no data)."""

    label: str
    text: str
    source: str


@dataclass(frozen=True)
class TownView:
    population: Fact
    area: Fact
    table: pd.DataFrame              # one row per indicator, display texts
    columns: dict[str, str]          # table column → header
    csv: bytes                       # the same rows as numbers, with sources
    caveats: list[str]               # text keys of caveats that apply to rows shown
    unreliable: int                  # rows resting on fewer than 100 persons
    trends: list[str]                # indicators with at least three years


def _unit(b: Bundle, indicator_id: str) -> str:
    return str(b.catalog.at[indicator_id, "unit"]) if indicator_id in b.catalog.index else ""


def _latest(values: pd.DataFrame, code: str, indicator_id: str) -> pd.Series | None:
    rows = values[(values["obec_code"] == code) & (values["indicator_id"] == indicator_id)
                  & values["value"].notna()]
    return None if rows.empty else rows.sort_values("year").iloc[-1]


def facts(b: Bundle, m: towns.Membership, values: pd.DataFrame, areas: pd.DataFrame,
          tr: Translator, lang: str) -> tuple[Fact, Fact]:
    """Population (latest year in the bundle) and area, each with source and date."""
    no_data = tr("common.no_data")
    pop = _latest(values, m.obec_code, "population")
    population = Fact(tr("common.population"), no_data, "")
    if pop is not None:
        population = Fact(
            tr("common.population"), format.value(pop["value"], "persons", lang, no_data),
            format.source_line(tr, b.catalog.at["population", "source"], [pop["ref_date"]]))
    row = areas[areas["obec_code"] == m.obec_code]
    area = Fact(tr("town.area"), no_data, "")
    if not row.empty and not math.isnan(float(row["area_km2"].iloc[0])):
        km2 = float(row["area_km2"].iloc[0])
        key = "town.area_computed" if bool(row["computed"].iloc[0]) else "town.area_source"
        area = Fact(tr("town.area"), f"{format.number(km2, 2, lang)}\u00a0km²", tr(key))
    return population, area


def build(b: Bundle, m: towns.Membership, values: pd.DataFrame, prof: pd.DataFrame,
          areas: pd.DataFrame, tr: Translator, lang: str) -> TownView:
    """The profile of municipality ``m``; ``prof`` is :func:`profile.profile` for it over
    ``values`` (obec values of its kraj) against ORP/kraj/CZ levels of ORP values."""
    no_data = tr("common.no_data")
    population, area = facts(b, m, values, areas, tr, lang)
    rows, raw, keys = [], [], []

    def fmt(v: float, unit: str) -> str:
        return format.value(v, unit, lang, no_data)

    def rank(pos: float | None, n: int) -> str:
        if pos is None or (isinstance(pos, float) and math.isnan(pos)):
            return no_data
        return tr.plain("common.rank_of", rank=int(pos), n=int(n))

    for r in prof.itertuples(index=False):
        ind, year = r.indicator_id, int(r.year)
        unit = str(r.unit) if isinstance(r.unit, str) and r.unit else _unit(b, ind)
        num_id, den_id = towns.base_of(ind)
        num, den = towns.base_counts(values, "obec_code", m.obec_code, ind, year)
        weak = den_id is not None and towns.is_unreliable(den)
        counts = fmt(den, _unit(b, den_id)) if den_id else ""
        if num_id:
            counts = f"{fmt(num, _unit(b, num_id))} / {counts}"
        rows.append({
            "theme": tr(f"theme.{r.theme}"), "indicator": indicator_name(b.catalog, ind, lang),
            "year": year, "value": fmt(r.value, unit) + (" ⚠" if weak else ""),
            "counts": counts,
            "flag": tr.plain("obec_layer.flag_short", n=towns.SMALL_DENOMINATOR) if weak else "",
            "orp": fmt(r.orp, unit), "kraj": fmt(r.kraj, unit), "cz": fmt(r.cz, unit),
            "rank_orp": rank(r.rank_orp, r.n_orp), "rank_kraj": rank(r.rank_kraj, r.n_kraj),
            "source": f"{r.source}; {tr('common.ref_date')} {r.ref_date}",
        })
        raw.append({"obec_code": m.obec_code, "obec_name": m.obec_name, "indicator_id": ind,
                    "year": year, "value": r.value, "numerator": num, "denominator": den,
                    "unreliable": weak, "orp_value": r.orp, "kraj_value": r.kraj,
                    "cz_value": r.cz, "rank_in_orp": r.rank_orp, "n_orp": r.n_orp,
                    "rank_in_kraj": r.rank_kraj, "n_kraj": r.n_kraj, "unit": r.unit,
                    "ref_date": r.ref_date, "source": r.source, "value_type": r.value_type,
                    "note": r.note})
        keys += [k for k in caveats(ind, year) if k not in keys]
    columns = {"indicator": tr("common.indicator"), "year": tr("common.year"),
               "value": m.obec_name, "counts": tr("town.col_counts"),
               "flag": tr("obec_layer.col_flag"), "orp": f"{tr('common.orp')} {m.orp_name}",
               "kraj": m.kraj_name, "cz": tr("common.czechia"),
               "rank_orp": tr("town.col_rank_orp"), "rank_kraj": tr("town.col_rank_kraj"),
               "theme": tr("town.col_theme"), "source": tr("common.source")}
    table = pd.DataFrame(rows, columns=list(columns))
    csv = csv_bytes(pd.DataFrame(raw))
    trends = trend_indicators(values, "obec_code", m.obec_code) if not prof.empty else []
    return TownView(population=population, area=area, table=table, columns=columns, csv=csv,
                    caveats=keys, unreliable=int(sum(r["flag"] != "" for r in rows)),
                    trends=trends)


def trend(b: Bundle, m: towns.Membership, values: pd.DataFrame, indicator_id: str,
          tr: Translator, lang: str) -> go.Figure:
    """The town's yearly values with its ORP and kraj (recomputed from ORP counts).

    Rates and means share one axis. Counts do not (a town of 500 beside an ORP of 50,000 is a
    flat line), so for counts all three lines become an index, first year = 100: the shapes
    compare, and the counts themselves stay in the table.
    """
    own = series(values, "obec_code", m.obec_code, indicator_id)
    lv = towns.levels(m, b.orp, b.orp_values, b.obce, values)
    years = own.index.tolist()
    lines = {m.obec_name: own,
             f"{tr('common.orp')} {m.orp_name}": aggregate_series(lv.orp, indicator_id, years),
             m.kraj_name: aggregate_series(lv.kraj, indicator_id, years)}
    rows = values[(values["obec_code"] == m.obec_code) & (values["indicator_id"] == indicator_id)]
    units = rows["unit"].dropna()
    unit = format.unit_label(str(units.iloc[-1]) if len(units) else _unit(b, indicator_id),
                             lang)
    if aggregation_kind(indicator_id) == "count":
        lines = {k: index_series(v) for k, v in lines.items()}
        unit = tr("town.index_unit")
    return charts.trend(
        {k: v for k, v in lines.items() if not v.empty},
        title=indicator_name(b.catalog, indicator_id, lang), unit=unit,
        source=format.source_line(tr, b.catalog.at[indicator_id, "source"], rows["ref_date"]),
        highlight=m.obec_name,
    )


def index_series(s: pd.Series) -> pd.Series:
    """Values as an index of the first year (= 100); empty when the base is 0 or missing."""
    s = s.dropna().sort_index()
    if s.empty or s.iloc[0] == 0:
        return s.iloc[0:0]
    return 100.0 * s / s.iloc[0]


def locator(b: Bundle, m: towns.Membership, obce_geo: gpd.GeoDataFrame | None,
            orp_geo: gpd.GeoDataFrame, tr: Translator, height: int = 360) -> folium.Map:
    """The town within its ORP, the obce around drawn lightly, the ORP border on top.

    ``obce_geo``: municipal display polygons around the town (all of Czechia when the bundle
    has them, so neighbours across a kraj border show too). Without polygons for the town,
    its ORP is shown within its kraj instead.
    """
    attribution = tr("common.attribution")
    orp_shape = orp_geo[orp_geo["orp_code"] == m.orp_code]
    if obce_geo is None or m.obec_code not in set(obce_geo["obec_code"]):
        kraj = orp_geo[orp_geo["kraj_code"] == m.kraj_code]
        return maps.locator(kraj, "orp_code", m.orp_code, attribution=attribution,
                            context_label=tr("town.locator_other_orp"),
                            focus_label=f"{tr('common.orp')} {m.orp_name}", height=height)
    own = obce_geo[obce_geo["orp_code"] == m.orp_code]
    minx, miny, maxx, maxy = own.total_bounds
    pad = 0.25 * max(maxx - minx, maxy - miny)
    near = obce_geo.cx[minx - pad:maxx + pad, miny - pad:maxy + pad]
    view = 0.06 * max(maxx - minx, maxy - miny)
    minx, miny, maxx, maxy = minx - view, miny - view, maxx + view, maxy + view
    rows = near[["obec_code", "orp_code"]].merge(b.obce[["obec_code", "obec_name"]],
                                                 on="obec_code", how="left")
    style = [2 if c == m.obec_code else 1 if o == m.orp_code else 0
             for c, o in zip(rows["obec_code"], rows["orp_code"], strict=True)]
    fmap = maps.base_map([[float(miny), float(minx)], [float(maxy), float(maxx)]], "none",
                         height)
    fmap.add_child(PackedLayer(
        rows, "obec_code", pack_geometry(near, "obec_code"),
        styles=[{"fillColor": AROUND, "fillOpacity": 0.8, "color": "#ffffff", "weight": 0.8},
                {"fillColor": MEMBER, "fillOpacity": 0.9, "color": "#ffffff", "weight": 1},
                {"fillColor": FOCUS, "fillOpacity": 0.85, "color": "#ffffff", "weight": 1}],
        style_index=style, tooltip={"obec_name": tr("common.obec")},
        highlight={"weight": 2, "color": "#222222"}))
    border = outline_layer(orp_shape, {"fill": False, "color": "#333333", "weight": 2.2})
    if border is not None:
        fmap.add_child(border)
    legend = maps.Legend("", [(FOCUS, m.obec_name),
                              (MEMBER, tr.plain("town.locator_members", orp=m.orp_name)),
                              (AROUND, tr("town.locator_around"))])
    fmap.add_child(maps.Overlay(legend.html(), attribution))
    return fmap
