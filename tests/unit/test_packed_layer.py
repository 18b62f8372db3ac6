"""The packed map layer, decoded by the JavaScript the browser runs (in Node.js), against
the polygons the Python encoder was given: vertices, holes, parts, properties and styles."""

from __future__ import annotations

import json
import shutil
import subprocess

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon

from hsou_dash import config
from hsou_dash.data import geometry, loaders
from hsou_dash.viz.packed_layer import PackedLayer, encode_ring, outline_layer, pack_geometry

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is needed to run the decoder")

#: What the browser provides the layer's script: Leaflet's geoJson (captured) and the map.
STUB = """
var window = globalThis, out = {};
var L = {geoJson: function (fc, opts) {
  out.fc = fc;
  out.styles = fc.features.map(function (f) { return opts.style(f); });
  out.interactive = opts.interactive;
  return {addTo: function () {}, bindTooltip: function () { out.tooltip = true; },
          resetStyle: function () {}};
}};
var %(map)s = {};
%(script)s
process.stdout.write(JSON.stringify(out));
"""


def run_in_node(layer: PackedLayer) -> dict:
    """The FeatureCollection the layer's own script hands to Leaflet, decoded by Node.js."""
    fmap = folium.Map(location=[50, 14], tiles=None)
    fmap.add_child(layer)
    script = layer._template.module.script(layer)
    done = subprocess.run([NODE, "-"], input=STUB % {"map": fmap.get_name(), "script": script},
                          capture_output=True, text=True, timeout=30, check=True)
    return json.loads(done.stdout)


def _rings(geom) -> list[list[list[tuple[float, float]]]]:
    """Polygons → rings → closed vertex lists, as GeoJSON MultiPolygon coordinates."""
    parts = getattr(geom, "geoms", [geom])
    return [[list(p.exterior.coords), *(list(h.coords) for h in p.interiors)] for p in parts]


#: Hand-made shapes on the 1e-4° grid: a hole, two parts, negative and far-apart coordinates
#: (long deltas need several 5-bit chunks; negative ones the zig-zag sign).
SHAPES = {
    "100001": Polygon([(13.0, 50.0), (13.5, 50.0), (13.5, 50.5), (13.0, 50.5)],
                      [[(13.1, 50.1), (13.2, 50.1), (13.2, 50.2), (13.1, 50.2)]]),
    "100002": MultiPolygon([Polygon([(14.0001, 49.9999), (14.0002, 50.0), (14.0, 50.0003)]),
                            Polygon([(-170.1234, -80.5678), (179.9999, 85.0001),
                                     (0.0001, -0.0001)])]),
}


def test_browser_decodes_exactly_what_python_encoded():
    geo = gpd.GeoDataFrame({"code": list(SHAPES)}, geometry=list(SHAPES.values()), crs=4326)
    rows = pd.DataFrame({"code": list(SHAPES), "name": ["<b>Horní</b> & Dolní", None]})
    styles = [{"fillColor": "#111111"}, {"fillColor": "#222222"}]
    out = run_in_node(PackedLayer(rows, "code", pack_geometry(geo, "code"), styles=styles,
                                  style_index=[1, 0], tooltip={"name": "Obec"}))
    features = out["fc"]["features"]
    assert [f["properties"]["code"] for f in features] == list(SHAPES)
    for f in features:
        assert f["geometry"]["type"] == "MultiPolygon"
        np.testing.assert_allclose(
            np.concatenate([np.asarray(r) for p in f["geometry"]["coordinates"] for r in p]),
            np.concatenate([np.asarray(r) for p in _rings(SHAPES[f["properties"]["code"]])
                            for r in p]), atol=1e-9)
    # holes and parts keep their structure
    assert [len(p) for p in features[0]["geometry"]["coordinates"]] == [2]
    assert [len(p) for p in features[1]["geometry"]["coordinates"]] == [1, 1]
    # names arrive HTML-escaped (the tooltip is HTML), missing values as null
    assert features[0]["properties"]["name"] == "&lt;b&gt;Horní&lt;/b&gt; &amp; Dolní"
    assert features[1]["properties"]["name"] is None
    assert out["styles"] == [styles[1], styles[0]]
    assert out["interactive"] is True and out["tooltip"] is True


def test_outline_layer_is_not_interactive():
    geo = gpd.GeoDataFrame(geometry=[SHAPES["100001"]], crs=4326)
    out = run_in_node(outline_layer(geo, {"fill": False, "weight": 2}))
    assert out["interactive"] is False and "tooltip" not in out
    assert out["styles"] == [{"fill": False, "weight": 2}]


def test_encoder_output_uses_only_the_alphabet_the_decoder_knows():
    ring = [(13.1234, 50.5678), (-13.1301, 50.5601), (13.0999, -50.5), (13.1234, 50.5678)]
    text = encode_ring(ring)
    assert text and all(c.isalnum() or c in "+/" for c in text)


def test_real_municipal_polygons_survive_the_round_trip(bundle_dir):
    """Mašťov and its neighbours from the installed display geometry, decoded in Node."""
    geo = loaders.obec_display_geometry(bundle_dir, geometry.LOCAL, config.cache_dir())
    geo = geo[geo["orp_code"] == "4205"].reset_index(drop=True)  # ORP Kadaň
    assert len(geo) > 10
    rows = pd.DataFrame({"obec_code": geo["obec_code"]})
    out = run_in_node(PackedLayer(rows, "obec_code", pack_geometry(geo, "obec_code"),
                                  styles=[{}]))
    decoded = {f["properties"]["obec_code"]: shapely.geometry.shape(f["geometry"])
               for f in out["fc"]["features"]}
    for code, geom in zip(geo["obec_code"], geo.geometry, strict=True):
        assert shapely.equals_exact(shapely.normalize(decoded[code]),
                                    shapely.normalize(MultiPolygon(getattr(geom, "geoms",
                                                                           [geom]))),
                                    tolerance=1e-9), code
