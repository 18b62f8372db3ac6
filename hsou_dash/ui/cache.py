"""Process-wide caches of the bundle and display geometry, keyed by simple arguments."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import streamlit as st

from hsou_dash import config
from hsou_dash.assets import ensure_leaflet
from hsou_dash.data import geometry, loaders
from hsou_dash.data.loaders import Bundle


@st.cache_resource(show_spinner=False)
def bundle(root: str) -> Bundle:
    """The loaded bundle; shared by every session (read-only by convention)."""
    ensure_leaflet()
    return loaders.load_bundle(Path(root))


def get_bundle() -> Bundle:
    return bundle(str(config.data_dir()))


@st.cache_resource(show_spinner=False)
def orp_geometry(root: str, level: str) -> gpd.GeoDataFrame:
    return loaders.orp_display_geometry(Path(root), geometry.LEVELS[level], config.cache_dir())


@st.cache_resource(show_spinner=False)
def obec_geometry(root: str, level: str = "local") -> gpd.GeoDataFrame:
    return loaders.obec_display_geometry(Path(root), geometry.LEVELS[level], config.cache_dir())


@st.cache_resource(show_spinner=False)
def region_geometry(root: str, region: str) -> gpd.GeoDataFrame:
    """ORP display polygons of one region (kraj code or CZ), at the level that region needs."""
    level = "national" if region == config.NATIONAL_CODE else "regional"
    geo = orp_geometry(root, level)
    if region != config.NATIONAL_CODE:
        geo = geo[geo["kraj_code"] == region]
    return geo.reset_index(drop=True)


@st.cache_resource(show_spinner=False)
def hsou_outline(root: str, region: str) -> gpd.GeoDataFrame:
    """The HSOÚ area of a region dissolved to one outline (drawn over the choropleth)."""
    geo = region_geometry(root, region)
    codes = set(get_bundle().orp.query("is_hsou")["orp_code"])
    part = geo[geo["orp_code"].isin(codes)]
    if part.empty:
        return part
    return gpd.GeoDataFrame(geometry=[part.union_all()], crs=part.crs)


@st.cache_resource(show_spinner=False)
def obec_values_cz(root: str):
    """Indicator values of every obec in Czechia (loaded on first use, ~0.5 s, then shared)."""
    return loaders.load_obec_values_cz(Path(root))
