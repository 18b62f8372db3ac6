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
from hsou_dash.domain import dates, sources, towns
from hsou_dash.domain.aggregate import base_counts, base_of
from hsou_dash.domain.catalogue import aggregation_kind, indicator_name
from hsou_dash.domain.profile import aggregate_series, series, trend_indicators
from hsou_dash.escape import Markdown
from hsou_dash.text import Translator
from hsou_dash.viz import attribution as viz_attribution
from hsou_dash.viz import charts, formatting, maps, palettes, trust_view
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
    export: pd.DataFrame             # the same rows as numbers, with sources and notes
    csv: bytes
    notes: list[str]                 # footnotes [1], [2] … of the table (plain text)
    unreliable: int                  # rows resting on fewer than 100 persons
    trends: list[str]                # indicators with at least three years
    hsou_source: str = ""            # "MMR – Strategie regionálního rozvoje ČR 2021+ …"
    retrieval: Markdown = Markdown("")  # how we got the data (repository paths, URLs)


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
        own = values[values["obec_code"] == m.obec_code]
        info = trust_view.source_info(own, b.catalog, "population", [int(pop["year"])])
        population = Fact(
            tr("common.population"),
            formatting.indicator_value(pop["value"], "population", "persons", lang, no_data),
            trust_view.source_text(info, lang))
    row = areas[areas["obec_code"] == m.obec_code]
    area = Fact(tr("town.area"), no_data, "")
    if not row.empty and not math.isnan(float(row["area_km2"].iloc[0])):
        km2 = float(row["area_km2"].iloc[0])
        key = "town.area_computed" if bool(row["computed"].iloc[0]) else "town.area_source"
        area = Fact(tr("town.area"), f"{formatting.number(km2, 2, lang)}\u00a0km²", tr.plain(key))
    return population, area


def build(b: Bundle, m: towns.Membership, values: pd.DataFrame, prof: pd.DataFrame,
          areas: pd.DataFrame, tr: Translator, lang: str,
          levels: towns.TownLevels | None = None) -> TownView:
    """The profile of municipality ``m``; ``prof`` is :func:`profile.profile` for it over
    ``values`` (obec values of its kraj) against ORP/kraj/CZ levels of ORP values.

    ``levels`` (:func:`towns.levels` with the obec gaps) lets the table say when an ORP,
    kraj or Czechia value leaves units out; without it no coverage note is given.
    """
    no_data = tr("common.no_data")
    population, area = facts(b, m, values, areas, tr, lang)
    own_rows = values[values["obec_code"] == m.obec_code]
    names = {"orp": f"{tr.plain('common.orp')} {m.orp_name}", "kraj": m.kraj_name,
             "cz": tr.plain("common.czechia")}
    compared = ({} if levels is None else
                {"orp": levels.orp, "kraj": levels.kraj, "cz": levels.compare[-1]})
    notes = trust_view.Footnotes()
    rows, raw, retrieval = [], [], []

    def fmt(v: float, ind: str | None, unit: str) -> str:
        return formatting.indicator_value(v, ind, unit, lang, no_data)

    def rank(pos: float | None, n: int) -> str:
        if pos is None or (isinstance(pos, float) and math.isnan(pos)):
            return no_data
        return tr.plain("common.rank_of", rank=int(pos), n=int(n))

    for r in prof.itertuples(index=False):
        ind, year = r.indicator_id, int(r.year)
        unit = str(r.unit) if isinstance(r.unit, str) and r.unit else _unit(b, ind)
        num_id, den_id = base_of(ind)
        num, den = base_counts(values, "obec_code", [m.obec_code], ind, year).iloc[0]
        weak = den_id is not None and towns.is_unreliable(den)
        counts = fmt(den, den_id, _unit(b, den_id)) if den_id else ""
        if num_id:
            counts = f"{fmt(num, num_id, _unit(b, num_id))} / {counts}"
        info = trust_view.source_info(own_rows, b.catalog, ind, [year])
        # the town's value carries the year's caveats (the ORP line's reassignment note only
        # concerns ORP sums); each comparison value its own coverage
        texts = {"value": trust_view.key_texts(trust_view.value_notes(ind, year), tr)}
        for name, lvl in compared.items():
            texts[name] = trust_view.coverage_texts(lvl.aggregate(ind, year), "orp_code",
                                                    names[name], tr, lang)
        marks = {k: notes.marks(texts.get(k, [])) for k in ("value", "orp", "kraj", "cz")}
        name = indicator_name(b.catalog, ind, lang)
        rows.append({
            "theme": tr.plain(f"theme.{r.theme}"), "indicator": name, "year": year,
            "value": trust_view.with_mark(fmt(r.value, ind, unit) + (" ⚠" if weak else ""),
                                          marks["value"]),
            "counts": counts,
            "flag": tr.plain("obec_layer.flag_short", n=towns.SMALL_DENOMINATOR) if weak else "",
            "orp": trust_view.with_mark(fmt(r.orp, ind, unit), marks["orp"]),
            "kraj": trust_view.with_mark(fmt(r.kraj, ind, unit), marks["kraj"]),
            "cz": trust_view.with_mark(fmt(r.cz, ind, unit), marks["cz"]),
            "rank_orp": rank(r.rank_orp, r.n_orp), "rank_kraj": rank(r.rank_kraj, r.n_kraj),
            "ref_date": dates.ref_phrase(r.ref_date, lang), "source": info.line(lang),
        })
        raw.append({"obec_code": m.obec_code, "obec_name": m.obec_name, "indicator_id": ind,
                    "year": year, "value": r.value, "numerator": num, "denominator": den,
                    "unreliable": weak, "orp_value": r.orp, "kraj_value": r.kraj,
                    "cz_value": r.cz, "rank_in_orp": r.rank_orp, "n_orp": r.n_orp,
                    "rank_in_kraj": r.rank_kraj, "n_kraj": r.n_kraj, "unit": r.unit,
                    "ref_date": r.ref_date, "source": info.line(lang), "retrieval": r.source,
                    "value_type": r.value_type, "note": r.note,
                    "notes": " ".join(t for v in texts.values() for t in v)})
        retrieval.append((f"{name} ({year})", info.retrieval))
    hsou = sources.hsou_list_source(b.orp[b.orp["orp_code"] == m.orp_code])
    retrieval.append((tr.plain("town.hsou_list"), hsou.retrieval))
    columns = {"indicator": tr("common.indicator"), "year": tr("common.year"),
               "value": m.obec_name, "counts": tr("town.col_counts"),
               "flag": tr("obec_layer.col_flag"), "orp": f"{tr('common.orp')} {m.orp_name}",
               "kraj": m.kraj_name, "cz": tr("common.czechia"),
               "rank_orp": tr("town.col_rank_orp"), "rank_kraj": tr("town.col_rank_kraj"),
               "ref_date": tr("town.col_ref_date"), "source": tr("common.source"),
               "theme": tr("town.col_theme")}
    table = pd.DataFrame(rows, columns=list(columns))
    export = pd.DataFrame(raw)
    trends = trend_indicators(values, "obec_code", m.obec_code) if not prof.empty else []
    return TownView(population=population, area=area, table=table, columns=columns,
                    export=export, csv=csv_bytes(export), notes=notes.texts,
                    unreliable=int(sum(r["flag"] != "" for r in rows)), trends=trends,
                    hsou_source=hsou.line(lang) or tr.plain("common.no_data"),
                    retrieval=trust_view.retrieval_markdown(retrieval))


def trend(b: Bundle, m: towns.Membership, values: pd.DataFrame, indicator_id: str,
          tr: Translator, lang: str, levels: towns.TownLevels | None = None) -> go.Figure:
    """The town's yearly values with its ORP and kraj (recomputed from ORP counts).

    Rates and means share one axis. Counts do not (a town of 500 beside an ORP of 50,000 is a
    flat line), so for counts all three lines become an index, first year = 100: the shapes
    compare, and the counts themselves stay in the table. A year without data stays a gap in
    every line, and a break in the series is marked where it falls.
    """
    own = series(values, "obec_code", m.obec_code, indicator_id)
    lv = levels if levels is not None else towns.levels(m, b.orp, b.orp_values, b.obce, values)
    years = own.index.tolist()
    lines = {m.obec_name: own,
             f"{tr.plain('common.orp')} {m.orp_name}": aggregate_series(lv.orp, indicator_id,
                                                                        years),
             m.kraj_name: aggregate_series(lv.kraj, indicator_id, years)}
    rows = values[(values["obec_code"] == m.obec_code) & (values["indicator_id"] == indicator_id)]
    units = rows["unit"].dropna()
    raw_unit = str(units.iloc[-1]) if len(units) else _unit(b, indicator_id)
    unit = formatting.unit_label(raw_unit, lang)
    decimals = formatting.indicator_decimals(indicator_id, raw_unit)
    if aggregation_kind(indicator_id) == "count":
        lines = {k: index_series(v) for k, v in lines.items()}
        unit, decimals = tr.plain("town.index_unit"), 1
    info = trust_view.source_info(rows, b.catalog, indicator_id, years)
    return charts.trend(
        {k: v for k, v in lines.items() if not v.empty},
        title=indicator_name(b.catalog, indicator_id, lang), unit=unit,
        source=trust_view.source_text(info, lang), highlight=m.obec_name, decimals=decimals,
        lang=lang, breaks=charts.break_marks(indicator_id, years, tr, m.orp_code),
        missing_label=tr.plain("chart.missing_years"),
    )


def trend_notes(values: pd.DataFrame, m: towns.Membership, indicator_id: str,
                tr: Translator) -> list[str]:
    """What the trend chart must say under it (declared breaks and caveats of its years;
    the ORP line's reassignment note when the town's ORP is concerned)."""
    years = series(values, "obec_code", m.obec_code, indicator_id).index.tolist()
    return trust_view.span_texts(indicator_id, years, tr, m.orp_code)


def index_series(s: pd.Series) -> pd.Series:
    """Values as an index of the first year (= 100); empty when the base is 0 or missing."""
    s = s.dropna().sort_index()
    if s.empty or s.iloc[0] == 0:
        return s.iloc[0:0]
    return 100.0 * s / s.iloc[0]


def locator(b: Bundle, m: towns.Membership, obce_geo: gpd.GeoDataFrame | None,
            orp_geo: gpd.GeoDataFrame, tr: Translator, height: int = 360,
            look: maps.Look = maps.PLAIN) -> folium.Map:
    """The town within its ORP, the obce around drawn lightly, the ORP border on top.

    ``obce_geo``: municipal display polygons around the town (all of Czechia when the bundle
    has them, so neighbours across a kraj border show too). Without polygons for the town,
    its ORP is shown within its kraj instead. Presenter mode (``look``) writes the names of
    the ORP's obce on the map.
    """
    attribution = viz_attribution.boundaries(b, tr)
    orp_shape = orp_geo[orp_geo["orp_code"] == m.orp_code]
    if obce_geo is None or m.obec_code not in set(obce_geo["obec_code"]):
        kraj = orp_geo[orp_geo["kraj_code"] == m.kraj_code]
        return maps.locator(kraj, "orp_code", m.orp_code, attribution=attribution,
                            context_label=tr("town.locator_other_orp"),
                            focus_label=f"{tr('common.orp')} {m.orp_name}", height=height,
                            look=look)
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
                         height, big=look.big)
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
    if look.big:
        names = b.obce.set_index("obec_code")["obec_name"]
        fmap.add_child(maps.Labels(maps.label_points(own, own["obec_code"].map(names))))
    fmap.add_child(maps.Overlay(legend.html(), attribution))
    return fmap
