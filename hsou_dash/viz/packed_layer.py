"""A compact GeoJSON layer: encoded polygons and columnar properties, rebuilt in the browser.

Used for every choropleth and outline (ORP, municipalities, the town locator). Geometry is the
display geometry of :mod:`hsou_dash.data.geometry` (already on a 1e-4° grid), so encoding
loses nothing: each vertex is a zig-zag delta from the previous one in a base64-like
variable-length code, about 4 characters instead of the 20 of "[13.1234, 50.1234], ".

Why not plain ``folium.GeoJson`` with Streamlit's websocket compression (measured for issue 12
by ``benchmarks/layer_bytes.py``: /map's municipal layer of Ústecký kraj, 354 obce, as the
component's JSON arguments, deflated as Streamlit 1.67 deflates a websocket message —
uvicorn's ``websockets-sansio`` permessage-deflate, 4 KB window, memLevel 5)::

    layer            decimals   raw KB   on the wire KB
    PackedLayer          4       135.7        62.6
    folium.GeoJson       4       524.2       123.0
    folium.GeoJson       5       563.1       147.6

Plain GeoJSON stays twice as large on the wire: the websocket's 4 KB window is too short for
deflate to find most repeats (every shared border is written twice, far apart; property names
repeat per feature), and the GeoJSON travels JSON-escaped inside the component's arguments.
The JavaScript decoder below is tested in Node.js against :func:`encode_ring`
(``tests/unit/test_packed_layer.py``).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from hsou_dash.escape import html_text

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
SCALE = 10_000  # 4 decimals, as rounded by hsou_dash.data.geometry


def encode_ring(coords) -> str:
    """A ring's vertices (closing vertex dropped) as zig-zag deltas in 5-bit chunks."""
    q = np.round(np.asarray(coords, dtype=float)[:, :2] * SCALE).astype(np.int64)
    if len(q) > 1 and (q[0] == q[-1]).all():
        q = q[:-1]
    out: list[str] = []
    for v in np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel().tolist():
        z = v << 1 if v >= 0 else ((-v) << 1) - 1
        while z >= 32:
            out.append(_ALPHABET[32 + (z & 31)])
            z >>= 5
        out.append(_ALPHABET[z])
    return "".join(out)


def encode_geometry(geom) -> list[list[str]]:
    """(Multi)Polygon → list of polygons, each a list of encoded rings (exterior first)."""
    if geom is None or geom.is_empty:
        return []
    parts = getattr(geom, "geoms", [geom])
    return [[encode_ring(p.exterior.coords), *(encode_ring(h.coords) for h in p.interiors)]
            for p in parts if p.geom_type == "Polygon"]


def pack_geometry(geo: gpd.GeoDataFrame, key: str) -> dict[str, list[list[str]]]:
    """Encoded geometry by code; computed once per layer and cached by the UI."""
    return {str(k): encode_geometry(g) for k, g in zip(geo[key], geo.geometry, strict=True)}


class PackedLayer(MacroElement):
    """A GeoJSON layer sent as encoded geometry and columnar properties.

    ``styles`` are Leaflet path styles, ``style_index`` picks one per feature. With
    ``tooltip`` (column → label) the layer is interactive: hover highlight, a tooltip that
    skips empty values, and clicks reach streamlit-folium with the feature's properties.

    Text properties and tooltip labels are HTML-escaped here, in Python, as in
    :mod:`hsou_dash.viz.maps`: the tooltip is built as HTML in the browser, and names in the
    data must show as text. (Codes are digits, so click handlers see them unchanged.)
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
          var D = {{ this.data|tojson }};
          if (!window.hsouUnpack) {
            var A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", T = {};
            for (var j = 0; j < 64; j++) { T[A.charCodeAt(j)] = j; }
            var ring = function (s, k) {
              var r = [], i = 0, x = 0, y = 0, n = s.length;
              var rd = function () {
                var v = 0, sh = 0, c;
                do { c = T[s.charCodeAt(i++)]; v += (c & 31) * Math.pow(2, sh); sh += 5; }
                while (c >= 32);
                return v % 2 ? -(v + 1) / 2 : v / 2;
              };
              while (i < n) { x += rd(); y += rd(); r.push([x / k, y / k]); }
              if (r.length) { r.push(r[0]); }
              return r;
            };
            window.hsouUnpack = function (d) {
              var f = [];
              for (var m = 0; m < d.geom.length; m++) {
                var p = {};
                for (var c = 0; c < d.cols.length; c++) { p[d.cols[c]] = d.rows[m][c]; }
                p._s = d.s[m];
                var polys = d.geom[m].map(function (poly) {
                  return poly.map(function (s) { return ring(s, d.scale); });
                });
                f.push({type: "Feature", properties: p,
                        geometry: {type: "MultiPolygon", coordinates: polys}});
              }
              return {type: "FeatureCollection", features: f};
            };
          }
          var layer = L.geoJson(window.hsouUnpack(D), {
            interactive: !!D.tooltip,
            style: function (f) { return D.styles[f.properties._s]; },
            onEachFeature: function (f, l) {
              if (!D.tooltip) { return; }
              l.on("mouseover", function (e) { e.target.setStyle(D.highlight); });
              l.on("mouseout", function (e) { layer.resetStyle(e.target); });
            }
          });
          if (D.tooltip) {
            layer.bindTooltip(function (l) {
              var p = l.feature.properties, h = "<table>";
              D.tooltip.forEach(function (t) {
                var v = p[t[0]];
                if (v !== null && v !== undefined && v !== "") {
                  // labels and values arrive HTML-escaped from Python (PackedLayer.__init__)
                  h += "<tr><th style='text-align:left;padding-right:6px'>" + t[1] +
                       "</th><td>" + v + "</td></tr>";
                }
              });
              return h + "</table>";
            }, {sticky: true});
          }
          layer.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, rows: pd.DataFrame, key: str, packed: dict[str, list[list[str]]], *,
                 styles: list[dict], style_index: list[int] | None = None,
                 tooltip: dict[str, str] | None = None, properties: list[str] | None = None,
                 highlight: dict | None = None):
        super().__init__()
        self._name = "PackedLayer"
        cols = [key, *[c for c in (properties or list(tooltip or {})) if c != key]]
        keep = [str(k) in packed for k in rows[key]]
        rows = rows[keep]
        index = style_index if style_index is not None else [0] * len(keep)
        table = rows[cols].astype(object).where(rows[cols].notna(), None)
        table = table.map(lambda v: html_text(v) if isinstance(v, str) else v)
        self.data = {
            "cols": cols,
            "rows": table.values.tolist(),
            "geom": [packed[str(k)] for k in rows[key]],
            "s": [i for i, k in zip(index, keep, strict=True) if k],
            "styles": styles,
            "tooltip": ([[c, html_text(label)] for c, label in tooltip.items()]
                        if tooltip else None),
            "highlight": highlight or {"weight": 2.5, "color": "#222222"},
            "scale": SCALE,
        }


def outline_layer(geo: gpd.GeoDataFrame | None, style: dict) -> PackedLayer | None:
    """Polygons drawn with one style and no interaction (borders, outlines, a selection)."""
    if geo is None or geo.empty:
        return None
    rows = pd.DataFrame({"i": [str(i) for i in range(len(geo))]})
    packed = {str(i): encode_geometry(g) for i, g in enumerate(geo.geometry)}
    return PackedLayer(rows, "i", packed, styles=[style])
