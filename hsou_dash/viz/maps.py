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

from collections.abc import Mapping
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template
from plotly.colors import sample_colorscale, sequential

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
.hsou-legend button.t{display:block;width:100%;border:0;background:none;padding:0;color:inherit;
 font:inherit;font-weight:600;text-align:left;cursor:pointer}
.hsou-legend button.t::after{content:" \\25BE";font-weight:400}
.hsou-legend.closed button.t{margin:0}
.hsou-legend.closed button.t::after{content:" \\25B8"}
.hsou-legend.closed .b{display:none}
.hsou-legend .n{color:#555;font-size:11px;margin-bottom:4px}
.hsou-legend .r{display:flex;align-items:center;gap:6px;margin:2px 0}
.hsou-legend i{display:inline-block;width:18px;height:12px;border:1px solid #888;flex:none}
.hsou-legend i.o{background:transparent;border:2.5px solid #1b1b1b;height:10px}
.leaflet-control-attribution{font-size:11px}
.hsou-label{pointer-events:none}
.hsou-label span{position:absolute;transform:translate(-50%,-50%);white-space:nowrap;
 font:600 12px/1.1 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111;
 text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff}
.hsou-big.leaflet-container .hsou-legend{font-size:20px;max-width:380px;padding:10px 14px}
.hsou-big.leaflet-container .hsou-legend .n{font-size:20px}
.hsou-big.leaflet-container .hsou-legend i{width:30px;height:20px}
.hsou-big .hsou-label span{font-size:20px}
.hsou-big .leaflet-control-attribution{font-size:15px}
@media (max-width:520px){.leaflet-container .hsou-legend{font-size:11px;max-width:150px;
 padding:5px 6px} .hsou-legend i{width:12px;height:9px}}
</style>"""


class Fit(MacroElement):
    """Fits the map to its territory at the size it really gets, in the browser.

    folium's ``fit_bounds`` runs once, when the map is created, with fixed pixel paddings: on a
    phone the 200 px kept for the legend left Ústecký kraj 156 px of a 358 px map. Here the fit
    is computed from the legend's actual size, on every resize of the
    map or of its legend (the iframe gets its final width after the map is drawn, fonts load,
    phones rotate), until the visitor moves the map. The legend (top right) sits either beside
    the territory's box or above it, whichever leaves the territory bigger; when neither leaves
    it :data:`MIN_FILL` of the map, the legend starts collapsed (a click on its title opens
    it, and the map makes room). The territory's box never lies under an open legend that
    leaves room for it at all.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
          var m = {{ this._parent.get_name() }};
          var b = L.latLngBounds({{ this.bounds|tojson }});
          var PAD = 8, MIN = {{ this.min_fill|tojson }}, busy = false, moved = false;
          if ({{ this.big|tojson }}) { m.getContainer().classList.add("hsou-big"); }
          m.on("zoomstart dragstart", function () { if (!busy) { moved = true; } });
          // A press on the map focuses it (keyboard panning), which made the browser scroll the
          // page to show the whole map between mousedown and mouseup: the click then landed
          // elsewhere, or nowhere. Focus without scrolling instead.
          m.getContainer().addEventListener("mousedown", function (e) {
            if (e.button !== 0 || e.target.closest("button")) { return; }
            e.preventDefault();
            m.getContainer().focus({preventScroll: true});
          }, true);
          function fit() {
            var s = m.getSize();
            if (40 > s.x || 40 > s.y) { return 1; }
            var lg = m.getContainer().querySelector(".hsou-legend");
            // the scale and the attribution are thin lines at the bottom: a territory may
            // run under them (room kept for them shrank a phone's map by a sixth)
            var bottom = PAD;
            var ways = [[[PAD, PAD], [PAD, bottom]]];
            if (lg) {
              ways = [[[PAD, PAD], [lg.offsetWidth + 10 + PAD, bottom]],
                      [[PAD, lg.offsetHeight + 10 + PAD], [PAD, bottom]]];
            }
            var best = [[PAD, PAD], [PAD, PAD]], zoom = -Infinity, snap = m.options.zoomSnap;
            m.options.zoomSnap = 0;  // the exact fit; buttons and pinch still snap
            ways.forEach(function (w) {
              var pad = L.point(w[0][0] + w[1][0], w[0][1] + w[1][1]);
              if (s.x - pad.x > 40 && s.y - pad.y > 40) {  // room left for a territory
                var z = m.getBoundsZoom(b, false, pad);
                if (isFinite(z) && z > zoom) { zoom = z; best = w; }
              }
            });
            busy = true;
            try {  // never let a fit break the map's own script (clicks, tooltips)
              m.fitBounds(b, {paddingTopLeft: best[0], paddingBottomRight: best[1],
                              animate: false});
            } catch (err) { /* keep the first view */ }
            busy = false;
            m.options.zoomSnap = snap;
            if (!isFinite(zoom)) { return 0; }  // no room beside the legend: fold it
            var z = m.getZoom(), sw = m.project(b.getSouthWest(), z),
                ne = m.project(b.getNorthEast(), z);
            return Math.max((ne.x - sw.x) / s.x, (sw.y - ne.y) / s.y);
          }
          function setOpen(lg, open) {
            lg.classList.toggle("closed", !open);
            var t = lg.querySelector("button.t");
            if (t) { t.setAttribute("aria-expanded", open ? "true" : "false"); }
          }
          var ro = window.ResizeObserver ? new ResizeObserver(function () {
            m.invalidateSize({pan: false});
            m.hsouLayout();
          }) : null;
          m.hsouLayout = function () {
            if (moved) { return; }
            var lg = m.getContainer().querySelector(".hsou-legend");
            if (lg && ro && !lg.hsouWatched) { lg.hsouWatched = true; ro.observe(lg); }
            var auto = lg && lg.querySelector("button.t") && !lg.hsouManual;
            if (auto) { setOpen(lg, true); }
            if (MIN > fit() && auto) { setOpen(lg, false); fit(); }
          };
          m.hsouToggle = function (lg) {
            lg.hsouManual = true;
            setOpen(lg, lg.classList.contains("closed"));
            m.hsouLayout();
          };
          m.hsouLayout();
          if (ro) { ro.observe(m.getContainer()); }  // and the legend, once it exists
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]], min_fill: float, big: bool = False):
        super().__init__()
        self._name = "HsouFit"
        self.bounds = bounds
        self.min_fill = min_fill
        self.big = big


class Overlay(MacroElement):
    """Legend control plus our attribution line, added to the map by a few lines of JS.

    The legend's title is a button that collapses it (see :class:`Fit`, which decides whether
    it starts open and keeps it off the territory)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
          var m = {{ this._parent.get_name() }};
          var c = L.control({position: {{ this.position|tojson }}});
          c.onAdd = function () {
            var d = L.DomUtil.create('div', 'hsou-legend');
            d.innerHTML = {{ this.legend_html|tojson }};
            L.DomEvent.disableClickPropagation(d);
            L.DomEvent.disableScrollPropagation(d);
            var t = d.querySelector('button.t');
            if (t) {
              t.addEventListener('click', function () {
                if (m.hsouToggle) { m.hsouToggle(d); } else { d.classList.toggle('closed'); }
              });
            }
            return d;
          };
          c.addTo(m);
          L.control.scale({imperial: false, position: 'bottomleft'}).addTo(m);
          m.attributionControl.setPrefix(false);
          m.attributionControl.addAttribution({{ this.attribution|tojson }});
          if (m.hsouLayout) { m.hsouLayout(); }
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


class Labels(MacroElement):
    """Names drawn on the map (presenter mode), each at a point inside its territory.

    The names are set as ``textContent``, never parsed as HTML, and reach the script as JSON
    (``tojson`` escapes ``<``, ``>`` and ``&``): a name from the data stays text. Labels that
    would overlap one drawn before them are hidden (rows come largest territory first), and
    shown again when zooming in makes room.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
          var m = {{ this._parent.get_name() }};
          var marks = {{ this.points|tojson }}.map(function (p) {
            var mk = L.marker([p[0], p[1]], {interactive: false, keyboard: false,
              icon: L.divIcon({className: 'hsou-label', html: '<span></span>',
                               iconSize: null})}).addTo(m);
            mk.getElement().firstChild.textContent = p[2];
            return mk;
          });
          function declutter() {
            var shown = [];
            marks.forEach(function (mk) {
              var s = mk.getElement().firstChild;
              s.style.visibility = 'visible';
              var r = s.getBoundingClientRect();
              var hit = shown.some(function (o) {
                return !(o.left > r.right || r.left > o.right || o.top > r.bottom ||
                         r.top > o.bottom);
              });
              if (hit) { s.style.visibility = 'hidden'; } else { shown.push(r); }
            });
          }
          m.on('zoomend moveend resize', declutter);
          declutter();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, points: list[tuple[float, float, str]]):
        super().__init__()
        self._name = "HsouLabels"
        self.points = [[round(lat, 5), round(lng, 5), str(name)] for lat, lng, name in points]


def label_points(geo: gpd.GeoDataFrame, name: pd.Series) -> list[tuple[float, float, str]]:
    """(lat, lng, name) at a point inside each territory (not the centroid, which can fall
    outside a bent district), the largest territory first so that its label wins a clash.
    ``name`` is indexed like ``geo``; territories without a name are left out."""
    shapes = geo.geometry
    area = (shapes.to_crs(3035) if shapes.crs is not None and shapes.crs.is_geographic
            else shapes).area  # equal-area metres, for the order only
    out = []
    for i in area.sort_values(ascending=False).index:
        label = name.get(i)
        geom = geo.geometry.loc[i]
        if not isinstance(label, str) or not label or geom is None or geom.is_empty:
            continue
        pt = geom.representative_point()
        out.append((float(pt.y), float(pt.x), label))
    return out


@dataclass(frozen=True)
class Legend:
    """Title and (colour, label) rows; ``outline_label`` adds the HSOÚ outline key; ``note``
    says under the title what a darker colour means ("tmavší = vyšší hodnota")."""

    title: str
    items: list[tuple[str, str]]
    outline_label: str | None = None
    note: str | None = None

    def html(self) -> str:
        """The legend's markup; every text (titles and labels carry names) is escaped. The
        title is the button that folds the rest away (``.b``)."""
        head = (f'<button type="button" class="t" aria-expanded="true">'
                f'{html_text(self.title)}</button>' if self.title else "")
        rows = [f'<div class="n">{html_text(self.note)}</div>'] if self.note else []
        rows += [f'<div class="r"><i style="background:{html_text(c)}"></i>{html_text(label)}'
                 '</div>' for c, label in self.items]
        if self.outline_label:
            rows.append(f'<div class="r"><i class="o"></i>{html_text(self.outline_label)}</div>')
        return head + '<div class="b">' + "".join(rows) + "</div>"


@dataclass(frozen=True)
class Look:
    """How a map is drawn for its audience. ``big``: presenter mode (the map fills its frame,
    legend and names at 20 px, readable from the back of a room). ``contrast``: for washed-out
    projectors — opaque fills in a wide-range palette (:func:`contrast_colors`) and black
    borders between territories."""

    big: bool = False
    contrast: bool = False

    def fill_style(self) -> dict:
        """Leaflet style of a filled territory, without its fill colour."""
        if self.contrast:
            return {"fillOpacity": 1.0, "color": "#000000", "weight": 1.4}
        return {"fillOpacity": 0.85, "color": "#ffffff", "weight": 0.8}


#: The everyday look: normal size, normal palette.
PLAIN = Look()


def contrast_colors(colors: list[str]) -> list[str]:
    """As many colours as ``colors`` from Viridis (lightness from 15 % to 90 %, distinct
    hues, safe for colour-vision deficiencies), darkest where ``colors`` is darkest, so a
    darker colour means what it meant in the normal palette."""
    k = len(colors)
    if k == 0:
        return []
    stops = [0.5] if k == 1 else [1 - i / (k - 1) for i in range(k)]  # light → dark
    out = [_hex(c) for c in sample_colorscale(sequential.Viridis, stops, colortype="rgb")]
    return out if _lightness(colors[0]) >= _lightness(colors[-1]) else out[::-1]


def _hex(rgb: str) -> str:
    r, g, b = (int(round(float(p))) for p in rgb[rgb.index("(") + 1:-1].split(",")[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def _lightness(color: str) -> float:
    """Relative luminance-ish of ``#rrggbb`` (enough to tell the light end from the dark)."""
    c = color.lstrip("#")
    if len(c) < 6:
        return 0.0
    r, g, b = (int(c[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


#: The share of the map's width or height the territory must fill before the legend gives way
#: (starts collapsed): the territory is what a map is for.
MIN_FILL = 0.75
#: Presenter mode: the map element fills the height of its frame (the page sizes the frame).
_FILL_CSS = "<style>#map_div,.folium-map{height:100vh!important}</style>"


def base_map(bounds: list[list[float]], tiles: str = "none", height: int = 560,
             *, big: bool = False) -> folium.Map:
    """An empty map fitted to ``bounds`` (:class:`Fit`) that loads Leaflet only from our own
    server; ``big``: presenter mode (fills its frame, legend and labels at 20 px)."""
    m = folium.Map(location=None, tiles=None, zoom_control=True, control_scale=False,
                   prefer_canvas=False, height=height, zoom_snap=0.1)
    m._template = ZOOMABLE_TEMPLATE  # folium's viewport meta tag, without its zoom lock
    m.default_js = [("leaflet", f"{STATIC_URL}/leaflet/leaflet.js")]
    m.default_css = [("leaflet_css", f"{STATIC_URL}/leaflet/leaflet.css")]
    m.get_root().header.add_child(Element(_CSS), name="hsou_css")
    if big:
        m.get_root().header.add_child(Element(_FILL_CSS), name="hsou_fill")
    if TILES.get(tiles):
        folium.TileLayer(TILES[tiles][0], control=False).add_to(m)
    m.fit_bounds(bounds)  # the first view; Fit refines it in the browser
    m.add_child(Fit(bounds, MIN_FILL, big))
    return m


def bounds(gdf: gpd.GeoDataFrame) -> list[list[float]]:
    """[[south, west], [north, east]] of ``gdf``: what Leaflet's fit_bounds takes."""
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
               height: int = 560, packed: dict[str, list[list[str]]] | None = None,
               look: Look = PLAIN, labels: Mapping[str, str] | None = None
               ) -> folium.Map:
    """Filled map of ``rows`` (one per territory: ``key``, ``fill`` colour, tooltip columns).

    ``tooltip`` maps column → label, in display order. ``outline`` is drawn on top without fill
    (the HSOÚ area); ``selected`` gets a blue border. ``packed`` is the cached
    :func:`~hsou_dash.viz.packed_layer.pack_geometry` of ``geo`` (computed when not given).
    ``look`` is the presenter mode and contrast (:class:`Look`); ``labels`` (code → name)
    writes names on the map.

    The polygons travel as a :class:`~hsou_dash.viz.packed_layer.PackedLayer` (delta-encoded
    vertices, columnar properties): ~4 characters a vertex instead of ~20 as GeoJSON text, so
    the 206 ORP of Czechia fit in well under 200 KB. Only ``key`` and the tooltip columns are
    sent (the fill colour travels as one style per class); text is HTML-escaped there.
    """
    m = base_map(bounds(geo), tiles, height, big=look.big)
    styles: list[dict] = []
    index: list[int] = []
    for fill in rows["fill"]:
        style = {"fillColor": fill, **look.fill_style()}
        if style not in styles:
            styles.append(style)
        index.append(styles.index(style))
    m.add_child(PackedLayer(rows, key, packed if packed is not None else pack_geometry(geo, key),
                            styles=styles, style_index=index, tooltip=tooltip,
                            properties=list(tooltip)))
    extra = 1.5 if look.contrast else 1.0
    if outline is not None:
        _lines(m, outline, palettes.HSOU_OUTLINE, 2.5 * extra)
    if selected is not None:
        _lines(m, geo[geo[key] == selected], palettes.SELECTED, 4 * extra)
    if labels:
        m.add_child(Labels(label_points(geo, geo[key].map(labels))))
    m.add_child(Overlay(legend.html(), attribution))
    return m


def _lines(m: folium.Map, gdf: gpd.GeoDataFrame, color: str, weight: float) -> None:
    """Borders only, no fill and no interaction (outlines and the selection)."""
    layer = outline_layer(gdf, {"fill": False, "color": color, "weight": weight})
    if layer is not None:
        m.add_child(layer)


def locator(geo: gpd.GeoDataFrame, key: str, focus: str, *, attribution: str,
            context_label: str, focus_label: str, height: int = 320, look: Look = PLAIN,
            labels: Mapping[str, str] | None = None) -> folium.Map:
    """Small static map: every territory of ``geo`` drawn lightly, ``focus`` highlighted;
    ``look`` and ``labels`` (code → name) as in :func:`choropleth`."""
    m = base_map(bounds(geo), "none", height, big=look.big)
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
    if labels:
        m.add_child(Labels(label_points(geo, geo[key].map(labels))))
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
