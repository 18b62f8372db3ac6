"""Bare ``st_folium`` page with the same 16 Ústecký kraj ORP polygons as /map (benchmark only).

Same display geometry from the installed bundle, Leaflet from our own server, one fill colour:
no widgets, tables, legend or text. Compared with /map it shows what the rest of our page costs
on top of streamlit-folium itself.
"""

import sys
from pathlib import Path

import folium
import streamlit as st
from streamlit_folium import st_folium

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from hsou_dash import config  # noqa: E402
from hsou_dash.data import geometry, loaders  # noqa: E402

REGION = "CZ042"


@st.cache_resource
def polygons():
    geo = loaders.orp_display_geometry(config.data_dir(), geometry.REGIONAL, config.cache_dir())
    return geo[geo["kraj_code"] == REGION].reset_index(drop=True)


geo = polygons()
minx, miny, maxx, maxy = geo.total_bounds
m = folium.Map(location=None, tiles=None)
m.default_js = [("leaflet", f"{config.STATIC_URL}/leaflet/leaflet.js")]
m.default_css = [("leaflet_css", f"{config.STATIC_URL}/leaflet/leaflet.css")]
folium.GeoJson(geo, style_function=lambda _: {"fillColor": "#e34a33", "color": "#555",
                                               "weight": 1, "fillOpacity": 0.8}).add_to(m)
m.fit_bounds([[miny, minx], [maxy, maxx]])
st_folium(m, height=560, use_container_width=True, returned_objects=["last_active_drawing"])
