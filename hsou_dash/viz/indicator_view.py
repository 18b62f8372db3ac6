"""Everything the map page shows for one (region, indicator, year): map, table, bars, CSV.

Composed here, outside Streamlit, so the page stays a thin layout script and the whole view
can be unit-tested and benchmarked.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import folium
import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from hsou_dash.config import NATIONAL_CODE
from hsou_dash.data.loaders import Bundle
from hsou_dash.domain import towns
from hsou_dash.domain.aggregate import (
    CoverageNote,
    ObecGaps,
    aggregate,
    base_of,
    coverage_notes,
)
from hsou_dash.domain.catalogue import aggregation_kind, direction, indicator_name
from hsou_dash.domain.classify import Classification, classify
from hsou_dash.domain.longtable import rank_table, rows_of, unit_of
from hsou_dash.domain.regions import in_region
from hsou_dash.domain.sources import SourceInfo, source_info
from hsou_dash.text import Translator
from hsou_dash.viz import attribution, charts, formatting, maps, palettes
from hsou_dash.viz.export import csv_bytes as export_csv
from hsou_dash.viz.export import display_headers
from hsou_dash.viz.packed_layer import PackedLayer, outline_layer, pack_geometry


@dataclass(frozen=True)
class RegionLine:
    """The value of the whole region beside Czechia, with what each leaves out."""

    region: str              # formatted value of the region (kraj; "" for Czechia itself)
    czechia: str             # formatted value of Czechia
    notes: list[str]         # coverage notes, plain text ("bez 10 obcí (1 549 obyvatel) …")


@dataclass(frozen=True)
class IndicatorView:
    table: pd.DataFrame      # what the table shows, one row per ORP, sorted by rank
    export: pd.DataFrame     # exactly the table, with source columns (machine column names)
    map: folium.Map
    #: builds the ranked bars (``bars``) on first use: a page draws them only when asked
    make_bars: Callable[[], go.Figure | None]
    title: str
    unit: str
    source: str              # "Zdroj: publisher – dataset; k date" of the values shown
    missing: int             # territories without a value ("no data")
    #: table column → (label, kind, decimals); kind "rank", "number", "count" or "text"
    columns: dict[str, tuple[str, str, int | None]] = field(default_factory=dict)
    level: str = "orp"       # "orp" or "obec"
    unreliable: int = 0      # values resting on fewer than 100 persons (obec level)
    #: export column → label in the page's language (the Czech-Excel CSV's headers)
    headers: dict[str, str] = field(default_factory=dict)
    info: SourceInfo | None = None       # publisher, dataset, dates, retrieval paths
    legend_note: str = ""    # what a darker colour means for this indicator
    region_line: RegionLine | None = None

    @cached_property
    def bars(self) -> go.Figure | None:
        """The ranked bars; ``None``: nothing to chart yet (municipal view without a
        selection). Built on first use, then kept (the view may be cached and shared)."""
        return self.make_bars()

    @property
    def csv(self) -> bytes:
        """The machine-readable CSV (kept for scripts and benchmarks)."""
        return export_csv(self.export)


def region_orp(b: Bundle, region: str) -> pd.DataFrame:
    orp = in_region(b.orp, region)
    return orp.reset_index(drop=True)


def export_headers(columns: list[str], tr: Translator, unit_text: str) -> dict[str, str]:
    """Labels of the export columns for the Czech-Excel CSV, in the page's language."""
    value = tr.plain("csv_header.value")
    return display_headers(columns, tr.lang,
                           {"value": f"{value} ({unit_text})" if unit_text else value})


def region_line(b: Bundle, region: str, indicator: str, year: int, unit: str, tr: Translator,
                lang: str, gaps: ObecGaps | None) -> RegionLine | None:
    """The region's and Czechia's value of ``indicator`` in ``year``, aggregated from ORP
    with numerator and denominator on the same obce (``gaps``), and what they leave out."""
    if aggregation_kind(indicator) == "none":
        return None
    no_data = tr.plain("common.no_data")
    members = region_orp(b, region)["orp_code"].tolist()
    everyone = b.orp["orp_code"].tolist()
    cz = aggregate(b.orp_values, "orp_code", everyone, indicator, year, gaps)
    reg = cz if region == NATIONAL_CODE else aggregate(b.orp_values, "orp_code", members,
                                                       indicator, year, gaps)
    notes = []
    for agg in ([cz] if region == NATIONAL_CODE else [reg, cz]):
        for n in coverage_notes(agg, "orp_code"):
            text = coverage_text(n, tr, lang)
            if text not in notes:
                notes.append(text)

    def fmt(a) -> str:
        return formatting.indicator_value(a.value, indicator, unit, lang, no_data)

    return RegionLine("" if region == NATIONAL_CODE else fmt(reg), fmt(cz), notes)


def region_text(line: RegionLine, region_name: str, tr: Translator) -> str:
    """"Ústecký kraj celkem: 5,46 % · Česko: 4,02 %" and the coverage notes, Markdown-safe."""
    if line.region:
        text = tr("map.region_line", region=region_name, value=line.region, cz=line.czechia)
    else:
        text = tr("map.cz_line", cz=line.czechia)
    return text + "".join(tr("map.coverage_note", note=n) for n in line.notes)


def coverage_text(note: CoverageNote, tr: Translator, lang: str) -> str:
    """"bez 10 obcí (1 549 obyvatel) bez údajů o daňových příjmech" (plain text)."""
    pop = (tr.plain("trust.gap.population_unknown") if math.isnan(note.population)
           else formatting.number(note.population, 0, lang))
    share = "" if math.isnan(note.share) else formatting.number(note.share, 1, lang)
    return tr.plain(note.text_key, n=note.n, population=pop, share=share)


def _colors(b: Bundle, indicator: str, k: int, look: maps.Look) -> list[str]:
    """The class colours: the indicator's palette, or its high-contrast twin."""
    colors = palettes.for_indicator(b.catalog, indicator, k)
    return maps.contrast_colors(colors) if look.contrast else colors


def _legend_note(b: Bundle, indicator: str, tr: Translator) -> str:
    return tr.plain(palettes.legend_key(direction(b.catalog, indicator)))


def build(b: Bundle, geo: gpd.GeoDataFrame, outline: gpd.GeoDataFrame | None, *, region: str,
          indicator: str, year: int, scheme: str, k: int, tiles: str, selected: str | None,
          tr: Translator, lang: str, height: int = 560,
          gaps: ObecGaps | None = None,
          packed: dict[str, list[list[str]]] | None = None,
          look: maps.Look = maps.PLAIN) -> IndicatorView:
    """Build the view; ``geo`` holds the region's display polygons (``orp_code``); ``gaps``
    (``cache.obec_gaps``) lets the region and Czechia values match numerator and denominator;
    ``packed`` is the cached ``pack_geometry(geo, "orp_code")`` (computed when not given);
    ``look``: presenter mode (ORP names on the map) and contrast (:class:`maps.Look`)."""
    territories = region_orp(b, region)[["orp_code", "orp_name", "kraj_name", "is_hsou"]]
    table = rank_table(b.orp_values, territories, "orp_code", indicator, year)
    rows = rows_of(b.orp_values, indicator, year)
    rows = rows[rows["orp_code"].isin(territories["orp_code"])]
    unit = unit_of(rows)
    decimals = formatting.indicator_decimals(indicator, unit)
    no_data = tr.plain("common.no_data")
    values = table.set_index("orp_code")["value"]
    text = values.map(lambda v: formatting.indicator_value(v, indicator, unit, lang, no_data))
    table["value_text"] = table["orp_code"].map(text)
    table["hsou"] = table["is_hsou"].map({True: tr.plain("common.hsou_yes"),
                                          False: tr.plain("common.hsou_no")})

    cls = classify(values, scheme, k)
    colors = _colors(b, indicator, cls.k, look)
    map_rows = maps.classed_rows(table[["orp_code", "orp_name", "hsou"]], "orp_code", values,
                                 cls.classes, colors, text)
    map_rows["value_text"] = map_rows["value_text"].fillna(no_data)
    missing = int(values.isna().sum())

    def short(v: float) -> str:
        return formatting.number(v, decimals, lang)

    title = indicator_name(b.catalog, indicator, lang)
    note = _legend_note(b, indicator, tr)
    legend = maps.Legend(
        f"{title} ({year})",
        maps.legend_items(cls.bounds, colors, short, no_data, missing > 0),
        outline_label=tr.plain("map.hsou_outline") if outline is not None else None,
        note=note,
    )
    fmap = maps.choropleth(
        geo, map_rows, key="orp_code",
        tooltip={"orp_name": tr.plain("common.orp"), "value_text": f"{title} ({year})",
                 "hsou": tr.plain("common.hsou_status")},
        legend=legend, attribution=attribution.boundaries(b, tr), tiles=tiles,
        outline=outline, selected=selected, height=height, packed=packed, look=look,
        labels=dict(zip(territories["orp_code"], territories["orp_name"], strict=True))
        if look.big else None,
    )
    info = source_info(b.catalog, rows, indicator, [year])
    src = formatting.source_text(info, lang)

    def bars() -> go.Figure:
        return charts.ranked_bars(table, label="orp_name", value="value", text="value_text",
                                  title=f"{title} ({year})", selected=selected, source=src,
                                  hsou_name=tr.plain("common.hsou"), lang=lang)
    export = _export(table, ["rank", "orp_code", "orp_name", "kraj_name", "is_hsou", "value"],
                     rows, "orp_code", indicator, year)
    unit_text = formatting.unit_label(unit, lang)
    columns = {"rank": (tr("map.col_rank"), "rank", None),
               "orp_name": (tr("map.col_orp"), "text", None),
               "value": (f"{tr('map.col_value')} ({unit_text})" if unit_text
                         else tr("map.col_value"), "number", decimals),
               "hsou": (tr("map.col_hsou"), "text", None)}
    return IndicatorView(table=table, export=export, map=fmap, make_bars=bars, title=title,
                         unit=unit, source=src, missing=missing, columns=columns,
                         headers=export_headers(list(export.columns), tr, unit_text),
                         info=info, legend_note=note,
                         region_line=region_line(b, region, indicator, year, unit, tr, lang,
                                                 gaps))


# --- municipal layer (drawn with hsou_dash.viz.packed_layer) ------------------------------

def region_obce(b: Bundle, region: str) -> pd.DataFrame:
    """Municipalities of one kraj with their ORP (for the municipal layer's table)."""
    obce = b.obce[b.obce["kraj_code"] == region]
    return obce[["obec_code", "obec_name", "orp_code", "orp_name"]].reset_index(drop=True)


def _unit_of(b: Bundle, indicator_id: str | None) -> str:
    if indicator_id is None or indicator_id not in b.catalog.index:
        return ""
    return str(b.catalog.at[indicator_id, "unit"])


def _export(table: pd.DataFrame, columns: list[str], rows: pd.DataFrame, key: str,
            indicator: str, year: int) -> pd.DataFrame:
    """The rank table as its CSV carries it: indicator and year first, ``columns``, then each
    territory's unit, reference date, source, value type and note from the value ``rows``."""
    export = table[columns].copy()
    export.insert(0, "indicator_id", indicator)
    export.insert(1, "year", year)
    meta = rows.set_index(key)[["unit", "ref_date", "source", "value_type", "note"]]
    return export.join(meta, on=key)


def build_obec(b: Bundle, values: pd.DataFrame, geo: gpd.GeoDataFrame,
               orp_geo: gpd.GeoDataFrame, outline: gpd.GeoDataFrame | None, *, region: str,
               indicator: str, year: int, scheme: str, k: int, tiles: str,
               selected: str | None, tr: Translator, lang: str,
               packed: dict[str, list[list[str]]] | None = None,
               classification: Classification | None = None,
               height: int = 560, gaps: ObecGaps | None = None,
               look: maps.Look = maps.PLAIN) -> IndicatorView:
    """The map page's municipal view of one kraj; usable outside Streamlit (benchmarks).

    ``values`` holds the obec values of the kraj, ``geo`` its obec display polygons,
    ``orp_geo`` its ORP polygons (borders drawn on top, no fill), ``packed`` the cached
    :func:`pack_geometry` of ``geo`` and ``classification`` the cached classes of the
    kraj's values (both computed here when not given). Rates resting on fewer than 100
    persons are flagged in the table, the tooltip and the CSV, and drawn paler. ``look``:
    presenter mode (ORP names on the map) and contrast.
    """
    territories = region_obce(b, region)
    table = rank_table(values, territories, "obec_code", indicator, year)
    codes = table["obec_code"].tolist()
    base = towns.counts(values, "obec_code", codes, indicator, year)
    table = table.join(base, on="obec_code")
    rows = rows_of(values, indicator, year)
    rows = rows[rows["obec_code"].isin(codes)]
    unit = unit_of(rows) or _unit_of(b, indicator)
    no_data = tr.plain("common.no_data")
    decimals = formatting.indicator_decimals(indicator, unit)
    num_id, den_id = base_of(indicator)
    ids = {"value": indicator, "numerator": num_id, "denominator": den_id}
    units = {"value": unit, "numerator": _unit_of(b, num_id), "denominator": _unit_of(b, den_id)}
    for col, u in units.items():
        table[f"{col}_text"] = table[col].map(
            lambda v, u=u, i=ids[col]: formatting.indicator_value(v, i, u, lang, no_data))
    has_base = den_id is not None
    flag = tr.plain("obec_layer.flag", n=towns.SMALL_DENOMINATOR)
    table["flag"] = table["unreliable"].map({True: flag, False: ""})  # tooltip
    table["flag_short"] = table["unreliable"].map(
        {True: tr.plain("obec_layer.flag_short", n=towns.SMALL_DENOMINATOR), False: ""})  # table
    if has_base:
        num = table["numerator_text"] if num_id else None
        table["counts_text"] = (num + " / " + table["denominator_text"]) if num is not None \
            else table["denominator_text"]
    values_by = table.set_index("obec_code")["value"]

    cls = classification if classification is not None else classify(values_by, scheme, k)
    colors = _colors(b, indicator, cls.k, look)
    classes = table["obec_code"].map(cls.classes).fillna(-1).astype(int).tolist()
    fills = [colors[c] if 0 <= c < len(colors) else palettes.NO_DATA for c in classes]
    weak = table["unreliable"].tolist()
    styles, style_index = [], []
    for fill, w in zip(fills, weak, strict=True):
        style = {"fillColor": fill, **look.fill_style(), "weight": 0.5}
        if w:
            style["fillOpacity"] = 0.4
        if w:
            style.update(color="#555555", dashArray="2 3")
        if style not in styles:
            styles.append(style)
        style_index.append(styles.index(style))

    def short(v: float) -> str:
        return formatting.number(v, decimals, lang)

    title = indicator_name(b.catalog, indicator, lang)
    missing = int(values_by.isna().sum())
    items = maps.legend_items(cls.bounds, colors, short, no_data, missing > 0)
    unreliable = int(table["unreliable"].sum())
    if unreliable:
        items.append(("rgba(253,141,60,.35)", tr.plain("obec_layer.legend_weak",
                                                 n=towns.SMALL_DENOMINATOR)))
    items.append(("transparent", tr.plain("obec_layer.legend_orp")))
    note = _legend_note(b, indicator, tr)
    legend = maps.Legend(f"{title} ({year})", items,
                         outline_label=tr.plain("map.hsou_outline") if outline is not None
                         else None, note=note)
    tooltip = {"obec_name": tr.plain("common.obec"), "orp_name": tr.plain("common.orp"),
               "value_text": f"{title} ({year})"}
    if has_base:
        names = [indicator_name(b.catalog, i, lang) for i in (num_id, den_id) if i]
        tooltip["counts_text"] = " / ".join(names)
        tooltip["flag"] = "⚠"

    fmap = maps.base_map(maps.bounds(geo), tiles, height, big=look.big)
    packed = packed if packed is not None else pack_geometry(geo, "obec_code")
    fmap.add_child(PackedLayer(table, "obec_code", packed, styles=styles,
                               style_index=style_index, tooltip=tooltip,
                               properties=["orp_code", *tooltip]))
    for layer in (
        outline_layer(orp_geo, {"fill": False, "color": "#3c3c3c", "weight": 1.4}),
        outline_layer(outline, {"fill": False, "color": palettes.HSOU_OUTLINE, "weight": 2.8}),
        outline_layer(geo[geo["obec_code"] == selected] if selected else None,
                       {"fill": False, "color": palettes.SELECTED, "weight": 4}),
    ):
        if layer is not None:
            fmap.add_child(layer)
    if look.big:  # ORP names (354 municipal names would cover the map)
        orp_names = territories.drop_duplicates("orp_code").set_index("orp_code")["orp_name"]
        fmap.add_child(maps.Labels(maps.label_points(orp_geo,
                                                     orp_geo["orp_code"].map(orp_names))))
    fmap.add_child(maps.Overlay(legend.html(), attribution.boundaries(b, tr)))

    info = source_info(b.catalog, rows, indicator, [year])
    src = formatting.source_text(info, lang)
    sel_orp = None
    if selected is not None and selected in set(codes):
        sel_orp = table.loc[table["obec_code"] == selected, "orp_code"].iloc[0]

    def bars() -> go.Figure | None:
        if sel_orp is None:
            return None
        part = table[table["orp_code"] == sel_orp]
        return charts.ranked_bars(
            part, label="obec_name", value="value", text="value_text", key="obec_code",
            hsou=None, selected=selected, source=src, lang=lang,
            title=tr.plain("obec_layer.bars_title", title=title, year=year,
                     orp=part["orp_name"].iloc[0]))
    export = _export(table, ["rank", "obec_code", "obec_name", "orp_code", "orp_name", "value",
                             "numerator", "denominator", "unreliable"],
                     rows, "obec_code", indicator, year)
    unit_text = formatting.unit_label(unit, lang)
    columns = {"rank": (tr("map.col_rank"), "rank", None),
               "obec_name": (tr("common.obec"), "text", None),
               "orp_name": (tr("common.orp"), "text", None),
               "value": (f"{tr('map.col_value')} ({unit_text})" if unit_text
                         else tr("map.col_value"), "number", decimals)}
    headers = export_headers(list(export.columns), tr, unit_text)
    if has_base:
        if num_id:
            columns["numerator"] = (indicator_name(b.catalog, num_id, lang), "count", 0)
            headers["numerator"] = indicator_name(b.catalog, num_id, lang)
        columns["denominator"] = (indicator_name(b.catalog, den_id, lang), "count", 0)
        headers["denominator"] = indicator_name(b.catalog, den_id, lang)
        columns["flag_short"] = (tr("obec_layer.col_flag"), "text", None)
    return IndicatorView(table=table, export=export, map=fmap, make_bars=bars, title=title,
                         unit=unit, source=src, missing=missing, columns=columns, level="obec",
                         unreliable=unreliable, headers=headers, info=info, legend_note=note,
                         region_line=region_line(b, region, indicator, year, unit, tr, lang,
                                                 gaps))
