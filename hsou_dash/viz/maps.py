"""Folium map builders. In: display geometry and plain per-territory rows. Out: a folium.Map.

Leaflet is loaded from our own server (``/app/static/leaflet``), never from a CDN, and folium's
other default assets (jQuery, Bootstrap, Font Awesome) are dropped: a choropleth needs none of
them, and the map must draw in a hall without internet. Base-map tiles are optional.

Every string that reaches the map's HTML — tooltip values and labels, legend, attribution — is
HTML-escaped here, in Python (:func:`hsou_dash.escape.html_text`), because the JavaScript sinks
(folium's ``GeoJsonTooltip``, Leaflet's attribution control, our legend) insert it with
``innerHTML``. A bundle's ORP name ``<img src=x onerror=…>`` must show as text. This matters
doubly because the map cannot be isolated from the page: streamlit-folium 0.27.4 draws the map
inside Streamlit's component iframe, whose sandbox (``allow-same-origin allow-scripts``) is set
by Streamlit itself and offers no option to drop same-origin, so a script in the map could read
the page and its XSRF cookie. Escaping is the defence that has to hold.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from hsou_dash.config import STATIC_URL
from hsou_dash.escape import html_text
from hsou_dash.viz import palettes
from hsou_dash.viz.packed_layer import PackedLayer, outline_layer, pack_geometry
from hsou_dash.viz.viewport import ZOOMABLE_TEMPLATE

TILES = {
    "none": None,
    "light": ("CartoDB positron", None),
    "osm": ("OpenStreetMap", None),
}

_CSS = """<style>
.leaflet-container{background:#f4f3ef;font:12px/1.3 system-ui,-apple-system,"Segoe UI",sans-serif}
.leaflet-container .hsou-legend{background:rgba(255,255,255,.93);padding:6px 8px;
 border-radius:6px;box-shadow:0 1px 4px rgba(0,0,0,.25);max-width:190px;color:#222;
 font-size:12px;line-height:1.3}
.hsou-legend .t{font-weight:600;margin-bottom:2px}
.hsou-legend .n{color:#555;font-size:11px;margin-bottom:4px}
.hsou-legend .r{display:flex;align-items:center;gap:6px;margin:2px 0}
.hsou-legend i{display:inline-block;width:18px;height:12px;border:1px solid #888;flex:none}
.hsou-legend i.o{background:transparent;border:2.5px solid #1b1b1b;height:10px}
.leaflet-control-attribution{font-size:11px}
@media (max-width:520px){.hsou-legend{font-size:10px;max-width:150px;padding:5px 6px}
 .hsou-legend i{width:12px;height:9px}}
</style>"""


class Overlay(MacroElement):
    """Legend control plus our attribution line, added to the map by a few lines of JS."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
          var m = {{ this._parent.get_name() }};
          var c = L.control({position: {{ this.position|tojson }}});
          c.onAdd = function () {
            var d = L.DomUtil.create('div', 'hsou-legend');
            d.innerHTML = {{ this.legend_html|tojson }};
            return d;
          };
          c.addTo(m);
          L.control.scale({imperial: false, position: 'bottomleft'}).addTo(m);
          m.attributionControl.setPrefix(false);
          m.attributionControl.addAttribution({{ this.attribution|tojson }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, legend_html: str, attribution: str, position: str = "topright"):
        """``legend_html`` is markup built by :meth:`Legend.html` (already escaped);
        ``attribution`` is plain text (Leaflet inserts it as HTML, so it is escaped here)."""
        super().__init__()
        self._name = "HsouOverlay"
        self.legend_html = legend_html
        self.attribution = html_text(attribution)
        self.position = position


@dataclass(frozen=True)
class Legend:
    """Title and (colour, label) rows; ``outline_label`` adds the HSOÚ outline key; ``note``
    says under the title what a darker colour means ("tmavší = vyšší hodnota")."""

    title: str
    items: list[tuple[str, str]]
    outline_label: str | None = None
    note: str | None = None

    def html(self) -> str:
        """The legend's markup; every text (titles and labels carry names) is escaped."""
        rows = [f'<div class="t">{html_text(self.title)}</div>']
        if self.note:
            rows.append(f'<div class="n">{html_text(self.note)}</div>')
        rows += [f'<div class="r"><i style="background:{html_text(c)}"></i>{html_text(label)}'
                 '</div>' for c, label in self.items]
        if self.outline_label:
            rows.append(f'<div class="r"><i class="o"></i>{html_text(self.outline_label)}</div>')
        return "".join(rows)


#: Pixels kept free on the right of a fitted map, so the legend (top right) hides no territory.
LEGEND_ROOM = 200


def base_map(bounds: list[list[float]], tiles: str = "none", height: int = 560,
             legend_room: int = 0) -> folium.Map:
    """An empty map fitted to ``bounds`` that loads Leaflet only from our own server."""
    m = folium.Map(location=None, tiles=None, zoom_control=True, control_scale=False,
                   prefer_canvas=False, height=height, zoom_snap=0.25)
    m._template = ZOOMABLE_TEMPLATE  # folium's viewport meta tag, without its zoom lock
    m.default_js = [("leaflet", f"{STATIC_URL}/leaflet/leaflet.js")]
    m.default_css = [("leaflet_css", f"{STATIC_URL}/leaflet/leaflet.css")]
    m.get_root().header.add_child(Element(_CSS), name="hsou_css")
    if TILES.get(tiles):
        folium.TileLayer(TILES[tiles][0], control=False).add_to(m)
    m.fit_bounds(bounds, padding_bottom_right=(legend_room, 0) if legend_room else None)
    return m


def _bounds(gdf: gpd.GeoDataFrame) -> list[list[float]]:
    minx, miny, maxx, maxy = gdf.total_bounds
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def escape_text_columns(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy of ``df`` with every text value of ``columns`` HTML-escaped (numbers, codes
    made of digits and colours come out unchanged)."""
    out = df.copy()
    for col in columns:
        if not pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(
                out[col]):
            out[col] = out[col].astype(object).map(
                lambda v: html_text(v) if isinstance(v, str) else v)
    return out


def choropleth(geo: gpd.GeoDataFrame, rows: pd.DataFrame, *, key: str, tooltip: dict[str, str],
               legend: Legend, attribution: str, tiles: str = "none",
               outline: gpd.GeoDataFrame | None = None, selected: str | None = None,
               height: int = 560, packed: dict[str, list[list[str]]] | None = None
               ) -> folium.Map:
    """Filled map of ``rows`` (one per territory: ``key``, ``fill`` colour, tooltip columns).

    ``tooltip`` maps column → label, in display order. ``outline`` is drawn on top without fill
    (the HSOÚ area); ``selected`` gets a blue border. ``packed`` is the cached
    :func:`~hsou_dash.viz.packed_layer.pack_geometry` of ``geo`` (computed when not given).

    The polygons travel as a :class:`~hsou_dash.viz.packed_layer.PackedLayer` (delta-encoded
    vertices, columnar properties): ~4 characters a vertex instead of ~20 as GeoJSON text, so
    the 206 ORP of Czechia fit in well under 200 KB. Only ``key`` and the tooltip columns are
    sent (the fill colour travels as one style per class); text is HTML-escaped there.
    """
    m = base_map(_bounds(geo), tiles, height, legend_room=LEGEND_ROOM)
    styles: list[dict] = []
    index: list[int] = []
    for fill in rows["fill"]:
        style = {"fillColor": fill, "fillOpacity": 0.85, "color": "#ffffff", "weight": 0.8}
        if style not in styles:
            styles.append(style)
        index.append(styles.index(style))
    m.add_child(PackedLayer(rows, key, packed if packed is not None else pack_geometry(geo, key),
                            styles=styles, style_index=index, tooltip=tooltip,
                            properties=list(tooltip)))
    if outline is not None:
        _lines(m, outline, palettes.HSOU_OUTLINE, 2.5)
    if selected is not None:
        _lines(m, geo[geo[key] == selected], palettes.SELECTED, 4)
    m.add_child(Overlay(legend.html(), attribution))
    return m


def _lines(m: folium.Map, gdf: gpd.GeoDataFrame, color: str, weight: float) -> None:
    """Borders only, no fill and no interaction (outlines and the selection)."""
    layer = outline_layer(gdf, {"fill": False, "color": color, "weight": weight})
    if layer is not None:
        m.add_child(layer)


def locator(geo: gpd.GeoDataFrame, key: str, focus: str, *, attribution: str,
            context_label: str, focus_label: str, height: int = 320) -> folium.Map:
    """Small static map: every territory of ``geo`` drawn lightly, ``focus`` highlighted."""
    m = base_map(_bounds(geo), "none", height)
    rows = geo[[key]].copy()
    rows["is_focus"] = rows[key] == focus
    folium.GeoJson(
        escape_text_columns(geo[[key, "geometry"]], [key])
        .assign(f=rows["is_focus"].values).__geo_interface__,
        style_function=lambda f: (
            {"fillColor": palettes.SELECTED, "fillOpacity": 0.75, "color": "#ffffff",
             "weight": 1} if f["properties"]["f"] else
            {"fillColor": "#cfd6dd", "fillOpacity": 0.6, "color": "#ffffff", "weight": 1}),
        interactive=False, control=False,
    ).add_to(m)
    legend = Legend("", [(palettes.SELECTED, focus_label), ("#cfd6dd", context_label)])
    m.add_child(Overlay(legend.html(), attribution))
    return m


def classed_rows(territories: pd.DataFrame, key: str, values: pd.Series, classes: pd.Series,
                 colors: list[str], value_text: pd.Series) -> pd.DataFrame:
    """Rows for :func:`choropleth`: the fill colour of each territory's class (grey = no data).

    ``territories`` holds ``key`` and display columns; the other inputs are indexed by ``key``.
    """
    out = territories.copy()
    cls = out[key].map(classes).fillna(-1).astype(int)
    out["fill"] = [colors[c] if 0 <= c < len(colors) else palettes.NO_DATA for c in cls]
    out["value"] = out[key].map(values)
    out["value_text"] = out[key].map(value_text)
    return out


def legend_items(bounds: list[tuple[float, float]], colors: list[str], fmt, no_data: str,
                 has_missing: bool) -> list[tuple[str, str]]:
    """(colour, "lo – hi") per class, plus the grey no-data key when anything is missing."""
    items = [(c, f"{fmt(lo)} – {fmt(hi)}") for c, (lo, hi) in zip(colors, bounds, strict=True)]
    if has_missing:
        items.append((palettes.NO_DATA, no_data))
    return items
