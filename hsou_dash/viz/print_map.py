"""Static pictures of the /map choropleth for slides and handouts (PNG), drawn on the server.

Why a second renderer beside folium: a slide or a printed handout needs a file that looks the
same on every projector and printer, without a browser, tiles or a screenshot. The picture is
built from the *same* inputs as the interactive map — :func:`hsou_dash.domain.longtable.rank_table`
values, :func:`hsou_dash.domain.classify.classify` classes, :func:`palettes.for_indicator`
colours, :func:`maps.legend_items` labels, the publisher-first source line and the ČÚZK
attribution — so a class boundary or a colour never differs between the screen and the slide.

Matplotlib is used through its object API (``Figure`` + Agg canvas, never ``pyplot``): no
global figure state is shared between sessions. Every text that may carry bundle data is
drawn with ``parse_math=False`` and ``usetex=False``: a name such as ``$x$`` or ``<b>`` shows
as those characters, never as TeX or markup. No Streamlit here.
"""

from __future__ import annotations

import io
import textwrap
import threading
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from hsou_dash.data.loaders import Bundle
from hsou_dash.domain import towns
from hsou_dash.domain.catalogue import direction, indicator_name
from hsou_dash.domain.classify import Classification, classify
from hsou_dash.domain.longtable import rank_table, rows_of, unit_of
from hsou_dash.domain.regions import in_region
from hsou_dash.domain.sources import source_info
from hsou_dash.text import Translator
from hsou_dash.viz import attribution, formatting, maps, palettes

matplotlib.use("Agg")  # never a GUI backend on a server

#: Projected CRS for drawing: S-JTSK / Krovak East North, the Czech national grid (true shapes;
#: plain longitude/latitude would stretch Czechia by ~1.5 east–west).
DRAW_CRS = "EPSG:5514"
FONT = "DejaVu Sans"  # ships with matplotlib; covers every Czech letter (ř ů ě Ú)
#: Output sizes in pixels and dpi: a 16:9 slide and A4 at 300 dpi (orientation from the map).
SIZES: dict[str, tuple[int, int, int]] = {
    "slide": (1920, 1080, 100),
    "print_landscape": (3508, 2480, 300),
    "print_portrait": (2480, 3508, 300),
}
Size = Literal["slide", "print"]
#: Territories up to this many get their names on the picture (a kraj; not all 206 ORP).
MAX_LABELS = 30
ORP_BORDER = "#3c3c3c"
WEAK_FILL_ALPHA = 0.4  # municipal values on fewer than 100 persons: paler, as on /map

#: Matplotlib's rcParams are process-global; renders take turns so one render's settings
#: (fonts, math parsing off, embedded TrueType) never leak into another's.
RENDER_LOCK = threading.Lock()
RC = {"text.usetex": False, "text.parse_math": False, "font.family": FONT,
      "pdf.fonttype": 42, "ps.fonttype": 42, "svg.fonttype": "path"}


@dataclass(frozen=True)
class PrintMap:
    """Everything one picture shows, already in the page's language (plain text)."""

    geo: gpd.GeoDataFrame            # projected polygons with ``fill``, ``alpha``, ``name``
    title: str                       # "Podíl nezaměstnaných osob (2020)"
    subtitle: str                    # "Ústecký kraj · SO ORP · tmavší = vyšší hodnota"
    legend: list[tuple[str, str]]    # (colour, label) rows, exactly as on /map
    source: str                      # "Zdroj: ÚP ČR/MPSV – …; k 31. 12. 2020"
    attribution: str                 # "Hranice: © ČÚZK – RÚIAN …"
    outline: gpd.GeoSeries | None = None     # HSOÚ area (drawn on top, no fill)
    outline_label: str | None = None
    borders: gpd.GeoSeries | None = None     # ORP borders over a municipal map
    names: bool = False              # write territory names on the map

    @property
    def colors(self) -> list[str]:
        return [c for c, _ in self.legend]


def _project(geo: gpd.GeoDataFrame | gpd.GeoSeries | None):
    if geo is None or len(geo) == 0:
        return None
    return geo.to_crs(DRAW_CRS) if geo.crs is not None else geo


def _unit_and_rows(values: pd.DataFrame, key: str, codes, indicator: str, year: int):
    rows = rows_of(values, indicator, year)
    rows = rows[rows[key].isin(codes)]
    return rows, unit_of(rows)


def _outline(outline: gpd.GeoDataFrame | None) -> gpd.GeoSeries | None:
    proj = _project(outline)
    return None if proj is None else proj.geometry


def orp_map(b: Bundle, geo: gpd.GeoDataFrame, outline: gpd.GeoDataFrame | None, *,
            region: str, region_name: str, indicator: str, year: int, scheme: str, k: int,
            tr: Translator, lang: str) -> PrintMap:
    """The ORP choropleth of ``region`` as /map draws it (``indicator_view.build``): same
    rank table, classes, colours, legend labels, title and source line."""
    territories = in_region(b.orp, region)
    territories = territories[["orp_code", "orp_name", "kraj_name", "is_hsou"]].reset_index(
        drop=True)
    table = rank_table(b.orp_values, territories, "orp_code", indicator, year)
    rows, unit = _unit_and_rows(b.orp_values, "orp_code", territories["orp_code"], indicator,
                                year)
    values = table.set_index("orp_code")["value"]
    cls = classify(values, scheme, k)
    names = dict(zip(table["orp_code"], table["orp_name"], strict=True))
    return _assemble(b, geo, "orp_code", values, cls, names, outline, rows, unit,
                     region_name=region_name, level_label=tr.plain("exports.level_orp"),
                     indicator=indicator, year=year, tr=tr, lang=lang,
                     names_on=len(table) <= MAX_LABELS)


def obec_map(b: Bundle, values: pd.DataFrame, geo: gpd.GeoDataFrame,
             orp_geo: gpd.GeoDataFrame, outline: gpd.GeoDataFrame | None, *, region: str,
             region_name: str, indicator: str, year: int, scheme: str, k: int,
             tr: Translator, lang: str,
             classification: Classification | None = None) -> PrintMap:
    """The municipal choropleth of one kraj as /map draws it (``indicator_view.build_obec``):
    the kraj's classes (pass the cached ``classification``), values on fewer than 100
    persons paler, ORP borders on top."""
    obce = b.obce[b.obce["kraj_code"] == region][["obec_code", "obec_name", "orp_code",
                                                  "orp_name"]].reset_index(drop=True)
    table = rank_table(values, obce, "obec_code", indicator, year)
    codes = table["obec_code"].tolist()
    table = table.join(towns.counts(values, "obec_code", codes, indicator, year), on="obec_code")
    rows, unit = _unit_and_rows(values, "obec_code", codes, indicator, year)
    by_code = table.set_index("obec_code")["value"]
    cls = classification if classification is not None else classify(by_code, scheme, k)
    weak = set(table.loc[table["unreliable"].astype(bool), "obec_code"])
    pm = _assemble(b, geo, "obec_code", by_code, cls, {}, outline, rows, unit,
                   region_name=region_name, level_label=tr.plain("exports.level_obec"),
                   indicator=indicator, year=year, tr=tr, lang=lang, names_on=False,
                   weak=weak)
    legend = list(pm.legend)
    if weak:
        legend.append(("rgba(253,141,60,.35)", tr.plain("obec_layer.legend_weak",
                                                        n=towns.SMALL_DENOMINATOR)))
    legend.append(("transparent", tr.plain("obec_layer.legend_orp")))
    borders = _project(orp_geo)
    return PrintMap(pm.geo, pm.title, pm.subtitle, legend, pm.source, pm.attribution,
                    pm.outline, pm.outline_label,
                    None if borders is None else borders.geometry, False)


def _assemble(b: Bundle, geo: gpd.GeoDataFrame, key: str, values: pd.Series,
              cls: Classification, names: dict[str, str], outline, rows: pd.DataFrame,
              unit: str, *, region_name: str, level_label: str, indicator: str, year: int,
              tr: Translator, lang: str, names_on: bool, weak: set[str] = frozenset()
              ) -> PrintMap:
    """Fill colours, legend and texts shared by both levels (the steps of /map's builders)."""
    colors = palettes.for_indicator(b.catalog, indicator, cls.k)
    no_data = tr.plain("common.no_data")
    decimals = formatting.indicator_decimals(indicator, unit)
    missing = int(values.isna().sum())
    items = maps.legend_items(cls.bounds, colors,
                              lambda v: formatting.number(v, decimals, lang), no_data, missing > 0)
    drawn = _project(geo[[key, "geometry"]].copy())
    klass = drawn[key].map(cls.classes).fillna(-1).astype(int)
    drawn["fill"] = [colors[c] if 0 <= c < len(colors) else palettes.NO_DATA for c in klass]
    drawn["alpha"] = [WEAK_FILL_ALPHA if c in weak else 0.95 for c in drawn[key]]
    drawn["name"] = drawn[key].map(names).fillna("") if names else ""
    title = f"{indicator_name(b.catalog, indicator, lang)} ({year})"
    unit_text = formatting.unit_label(unit, lang)
    note = tr.plain(palettes.legend_key(direction(b.catalog, indicator)))
    parts = [region_name, level_label] + ([unit_text] if unit_text else []) + [note]
    info = source_info(b.catalog, rows, indicator, [year])
    return PrintMap(
        geo=drawn, title=title, subtitle=" · ".join(p for p in parts if p), legend=items,
        source=formatting.source_text(info, lang), attribution=attribution.boundaries(b, tr),
        outline=_outline(outline),
        outline_label=tr.plain("map.hsou_outline") if outline is not None else None,
        names=names_on)


# --- drawing --------------------------------------------------------------------------------

def geometry_path(geom) -> MplPath | None:
    """A shapely (multi)polygon as one matplotlib path, holes included (even-odd rings)."""
    verts, codes = [], []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 3:
                continue
            verts.append(xy)
            codes.append([MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2)
                         + [MplPath.CLOSEPOLY])
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _line_paths(geoms) -> list[PathPatch]:
    patches = []
    for g in geoms:
        path = geometry_path(g)
        if path is not None:
            patches.append(PathPatch(path))
    return patches


def _rgba(color: str) -> tuple[float, float, float, float] | str:
    """CSS ``rgba(r,g,b,a)`` (the legend's weak-value key) to a matplotlib tuple."""
    if color.startswith("rgba("):
        r, g, b_, a = (float(x) for x in color[5:-1].split(","))
        return (r / 255, g / 255, b_ / 255, a)
    return "none" if color == "transparent" else color


def text(fig_or_ax, x: float, y: float, s: str, **kwargs) -> None:
    """Plain text, never mathtext or TeX (data strings may hold ``$``)."""
    fig_or_ax.text(x, y, s, parse_math=False, usetex=False, fontfamily=FONT, **kwargs)


def draw_map(ax, pm: PrintMap, scale: float) -> None:
    """Polygons, borders, HSOÚ outline and optional names into ``ax`` (projected units)."""
    geo = pm.geo
    patches, faces = [], []
    for geom, fill, alpha in zip(geo.geometry, geo["fill"], geo["alpha"], strict=True):
        path = geometry_path(geom)
        if path is None:
            continue
        patches.append(PathPatch(path))
        faces.append(matplotlib.colors.to_rgba(fill, alpha))
    ax.add_collection(PatchCollection(patches, facecolors=faces, edgecolors="#ffffff",
                                      linewidths=0.8 * scale if pm.borders is None
                                      else 0.3 * scale))
    if pm.borders is not None:
        ax.add_collection(PatchCollection(_line_paths(pm.borders), facecolors="none",
                                          edgecolors=ORP_BORDER, linewidths=1.2 * scale))
    if pm.outline is not None:
        ax.add_collection(PatchCollection(_line_paths(pm.outline), facecolors="none",
                                          edgecolors=palettes.HSOU_OUTLINE,
                                          linewidths=3.0 * scale))
    if pm.names:
        halo = [patheffects.withStroke(linewidth=3 * scale, foreground="white")]
        for geom, name in zip(geo.geometry, geo["name"], strict=True):
            if name:
                p = geom.representative_point()
                text(ax, p.x, p.y, str(name), fontsize=12 * scale, ha="center", va="center",
                     color="#1b1b1b", path_effects=halo, zorder=5)
    minx, miny, maxx, maxy = geo.total_bounds
    pad = 0.02 * max(maxx - minx, maxy - miny)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _legend(fig: Figure, pm: PrintMap, x: float, y: float, scale: float, px: tuple[int, int],
            wrap: int) -> None:
    """Colour boxes and labels from the top (``x``, ``y``, figure fractions) downwards."""
    width, height = px
    size = 18 * scale  # points: 25 px at 1920×1080 (projector-readable), 6.3 mm on A4
    line = size * 1.75 / 72 * fig.dpi / height   # one row, in figure fraction
    box_w, box_h = size * 1.6 / 72 * fig.dpi / width, line * 0.62
    rows = list(pm.legend) + ([("outline", pm.outline_label)] if pm.outline_label else [])
    for color, label in rows:
        if color == "outline":
            fig.add_artist(Rectangle((x, y - box_h), box_w, box_h, transform=fig.transFigure,
                                     facecolor="none", edgecolor=palettes.HSOU_OUTLINE,
                                     linewidth=3 * scale))
        elif color == "transparent":  # the ORP border key of the municipal map
            fig.add_artist(Rectangle((x, y - box_h), box_w, box_h, transform=fig.transFigure,
                                     facecolor="white", edgecolor=ORP_BORDER,
                                     linewidth=1.6 * scale))
        else:
            fig.add_artist(Rectangle((x, y - box_h), box_w, box_h, transform=fig.transFigure,
                                     facecolor=_rgba(color), edgecolor="#888888",
                                     linewidth=1 * scale))
        lines = textwrap.wrap(label, wrap) or [""]
        text(fig, x + box_w * 1.35, y - box_h / 2, "\n".join(lines), fontsize=size,
             va="center", ha="left", color="#222222")
        y -= line * max(1, len(lines))


def render_png(pm: PrintMap, size: Size = "slide") -> bytes:
    """The picture as PNG bytes: ``slide`` = 1920×1080; ``print`` = A4 at 300 dpi, landscape
    when the territory is wider than tall (2480×3508 or 3508×2480 px)."""
    minx, miny, maxx, maxy = pm.geo.total_bounds
    if size == "slide":
        key = "slide"
    else:
        key = "print_landscape" if (maxx - minx) >= (maxy - miny) else "print_portrait"
    w, h, dpi = SIZES[key]
    portrait = h > w
    with RENDER_LOCK, matplotlib.rc_context(RC):
        fig = Figure(figsize=(w / dpi, h / dpi), dpi=dpi, facecolor="white")
        scale = (w / dpi) / 19.2 if not portrait else (w / dpi) / 12.0
        title_size, sub_size, foot_size = 34 * scale, 19 * scale, 14 * scale
        # long indicator names wrap (bold DejaVu is ~0.62 em a character), never run off
        title = textwrap.wrap(pm.title, int(0.94 * w / (title_size * 0.62 / 72 * dpi))) or [""]
        text(fig, 0.03, 0.965, "\n".join(title), fontsize=title_size, fontweight="bold",
             va="top", color="#111111", linespacing=1.15)
        title_h = title_size * (1.15 * (len(title) - 1) + 1.5) / 72 * dpi / h
        subtitle = textwrap.wrap(pm.subtitle, int(0.94 * w / (sub_size * 0.55 / 72 * dpi)))
        text(fig, 0.03, 0.965 - title_h, "\n".join(subtitle), fontsize=sub_size, va="top",
             color="#444444")
        foot_chars = int(w / (foot_size * 0.55 / 72 * dpi) * 0.9)
        foot = textwrap.wrap(pm.source, foot_chars) + [pm.attribution]
        line = foot_size * 1.45 / 72 * dpi / h
        bottom = 0.02 + line * len(foot)
        text(fig, 0.03, 0.02, "\n".join(foot), fontsize=foot_size, va="bottom",
             color="#333333", linespacing=1.3)
        top = 0.965 - title_h - sub_size * 1.35 * len(subtitle) / 72 * dpi / h - 0.01
        if portrait:
            n_rows = len(pm.legend) + (1 if pm.outline_label else 0) + 1
            legend_h = n_rows * 18 * scale * 1.75 / 72 * dpi / h
            ax = fig.add_axes((0.03, bottom + legend_h + 0.02, 0.94,
                               top - bottom - legend_h - 0.03))
            _legend(fig, pm, 0.06, bottom + legend_h, scale, (w, h), wrap=60)
        else:
            ax = fig.add_axes((0.02, bottom + 0.01, 0.70, top - bottom - 0.02))
            _legend(fig, pm, 0.745, top - 0.02, scale, (w, h), wrap=24)
        draw_map(ax, pm, scale)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white",
                    metadata={"Software": None})
    return buf.getvalue()
