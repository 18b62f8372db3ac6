"""Bytes on the wire of /map's municipal layer (Ústecký kraj): PackedLayer against plain
``folium.GeoJson`` at 4 and 5 decimals (issue 12, item 8).

What is measured is what the browser receives: the JSON arguments of streamlit-folium's
component (``hsou_dash.ui.mapframe.component_args``, the same strings /map sends), deflated the
way Streamlit's websocket does it with ``server.enableWebsocketCompression = true``
(Streamlit 1.67 serves through uvicorn's ``websockets-sansio`` protocol, whose per-message
deflate uses ``server_max_window_bits=12`` and ``memLevel=5``, default level). The plain
variants replace only the three layer builders of ``indicator_view.build_obec``; classes,
colours, tooltips, legend and ORP borders are the same. 5 decimals: the same coverage
simplification, rounded to 1e-5° instead of 1e-4°.

    .venv/bin/python benchmarks/layer_bytes.py
"""

from __future__ import annotations

import json
import sys
import zlib
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hsou_dash import config  # noqa: E402
from hsou_dash.data import geometry, loaders  # noqa: E402
from hsou_dash.escape import html_text  # noqa: E402
from hsou_dash.text import translator  # noqa: E402
from hsou_dash.ui import mapframe  # noqa: E402
from hsou_dash.viz import indicator_view, packed_layer  # noqa: E402

REGION, INDICATOR, YEAR = "CZ042", "unemployment_share", 2020
#: uvicorn's websockets-sansio permessage-deflate (Streamlit 1.67, uvicorn 0.54)
WS_WBITS, WS_MEMLEVEL = 12, 5


def ws_deflate(data: bytes, wbits: int = WS_WBITS, mem_level: int = WS_MEMLEVEL) -> int:
    """Bytes of one websocket message after permessage-deflate (sync flush, tail dropped)."""
    c = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -wbits, mem_level)
    return len(c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)) - 4


def _plain_layer(rows: pd.DataFrame, key: str, shapes: dict, *, styles: list[dict],
                 style_index: list[int] | None = None, tooltip: dict[str, str] | None = None,
                 properties: list[str] | None = None, highlight: dict | None = None
                 ) -> folium.GeoJson:
    """What :class:`PackedLayer` draws, as folium's own GeoJson layer (same properties)."""
    cols = [key, *[c for c in (properties or list(tooltip or {})) if c != key]]
    index = style_index if style_index is not None else [0] * len(rows)
    features, style_of = [], {}
    for (_, row), s in zip(rows.iterrows(), index, strict=True):
        code = str(row[key])
        if code not in shapes:
            continue
        props = {c: (html_text(row[c]) if isinstance(row[c], str) else
                     None if pd.isna(row[c]) else row[c]) for c in cols}
        features.append({"type": "Feature", "properties": props,
                         "geometry": shapes[code].__geo_interface__})
        style_of[code] = styles[s]
    data = {"type": "FeatureCollection", "features": features}
    return folium.GeoJson(
        data, style_function=lambda f: style_of[str(f["properties"][key])],
        highlight_function=(lambda f: highlight or {"weight": 2.5, "color": "#222222"})
        if tooltip else None,
        tooltip=folium.GeoJsonTooltip(list(tooltip), aliases=list(tooltip.values()))
        if tooltip else None, interactive=bool(tooltip))


def _plain_outline(geo: gpd.GeoDataFrame | None, style: dict) -> folium.GeoJson | None:
    if geo is None or geo.empty:
        return None
    return folium.GeoJson(gpd.GeoDataFrame(geometry=geo.geometry.values, crs=geo.crs),
                          style_function=lambda f: style, interactive=False)


def _geometry(decimals: int) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Municipal (LOCAL) and ORP (REGIONAL) display geometry of the region at ``decimals``."""
    root, cache = config.data_dir(), config.cache_dir()
    if decimals == geometry.DECIMALS:
        obce = loaders.obec_display_geometry(root, geometry.LOCAL, cache)
        orp = loaders.orp_display_geometry(root, geometry.REGIONAL, cache)
    else:
        saved, geometry.DECIMALS = geometry.DECIMALS, decimals
        try:
            obce = geometry.simplify_coverage(gpd.read_file(
                root / "boundaries/obce_ustecky.geojson",
                columns=["obec_code", "orp_code", "kraj_code"]), geometry.LOCAL.tolerance_m)
            orp = geometry.simplify_coverage(gpd.read_file(
                root / "boundaries/orp.geojson", columns=["orp_code", "kraj_code"]),
                geometry.REGIONAL.tolerance_m)
        finally:
            geometry.DECIMALS = saved
    obce = obce[obce["kraj_code"] == REGION].reset_index(drop=True)
    orp = orp[orp["kraj_code"] == REGION].reset_index(drop=True)
    return obce, orp


def payload(decimals: int, packed: bool) -> bytes:
    """The component arguments of the municipal map, as JSON bytes."""
    b = loaders.load_bundle(config.data_dir())
    obce, orp = _geometry(decimals)
    hsou = orp[orp["orp_code"].isin(b.orp.loc[b.orp["is_hsou"], "orp_code"])]
    outline = gpd.GeoDataFrame(geometry=[hsou.union_all()], crs=hsou.crs)
    saved = (indicator_view.PackedLayer, indicator_view.outline_layer,
             indicator_view.pack_geometry)
    if not packed:
        indicator_view.PackedLayer, indicator_view.outline_layer = _plain_layer, _plain_outline
        indicator_view.pack_geometry = lambda geo, key: dict(
            zip(geo[key].astype(str), geo.geometry, strict=True))
    try:
        view = indicator_view.build_obec(
            b, b.obec_values, obce, orp, outline, region=REGION, indicator=INDICATOR,
            year=YEAR, scheme="fisher_jenks", k=5, tiles="none", selected=None,
            tr=translator("cs"), lang="cs")
    finally:
        (indicator_view.PackedLayer, indicator_view.outline_layer,
         indicator_view.pack_geometry) = saved
    args = mapframe.component_args(view.map, "map.map", ["last_active_drawing"], 560)
    return json.dumps(args, separators=(",", ":")).encode()


def main() -> list[dict[str, object]]:
    rows = []
    for decimals in (4, 5):
        for packed in (True, False):
            if packed and 10 ** decimals != packed_layer.SCALE:
                continue  # the packed layer is defined on the 1e-4° display grid
            data = payload(decimals, packed)
            rows.append({"layer": "PackedLayer" if packed else "folium.GeoJson",
                         "decimals": decimals, "raw_kb": round(len(data) / 1024, 1),
                         "ws_deflate_kb": round(ws_deflate(data) / 1024, 1),
                         "deflate_32k_kb": round(ws_deflate(data, 15, 8) / 1024, 1)})
    print(f"{'layer':16} {'dec':>3} {'raw KB':>8} {'on the wire KB':>15} {'(32 KB window)':>15}")
    for r in rows:
        print(f"{r['layer']:16} {r['decimals']:>3} {r['raw_kb']:>8} {r['ws_deflate_kb']:>15} "
              f"{r['deflate_32k_kb']:>15}")
    return rows


if __name__ == "__main__":
    main()
