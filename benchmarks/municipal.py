"""The map page's municipal layer built straight from the installed bundle, for benchmarks.

The app builds this view through its Streamlit caches (``hsou_dash.ui.cache``); a benchmark
script has no Streamlit runtime, so it reads the same files with the same display geometry and
calls the same builder (``indicator_view.build_obec``) — what it measures is what /map sends.
"""

from __future__ import annotations

import geopandas as gpd

from hsou_dash import config
from hsou_dash.data import geometry, loaders
from hsou_dash.data.loaders import Bundle
from hsou_dash.text import translator
from hsou_dash.viz import indicator_view


def municipal_view(b: Bundle, region: str = "CZ042", indicator: str = "unemployment_share",
                   year: int = 2020, lang: str = "cs", selected: str | None = None
                   ) -> indicator_view.IndicatorView:
    """The municipal view of ``region`` as /map shows it (natural breaks, 5 classes)."""
    if region == loaders.DETAILED_KRAJ:
        geo = loaders.obec_display_geometry(b.root, geometry.LOCAL, config.cache_dir())
        values = b.obec_values
    else:
        geo = loaders.obec_cz_display_geometry(b.root, geometry.LOCAL, config.cache_dir())
        if geo is None:
            raise ValueError(f"no municipal polygons for {region} in this bundle")
        codes = b.obce.loc[b.obce["kraj_code"] == region, "obec_code"]
        values = loaders.load_obec_values_cz(b.root)
        values = values[values["obec_code"].isin(codes)]
    geo = geo[geo["kraj_code"] == region].reset_index(drop=True)
    orp = loaders.orp_display_geometry(b.root, geometry.REGIONAL, config.cache_dir())
    orp = orp[orp["kraj_code"] == region].reset_index(drop=True)
    hsou = orp[orp["orp_code"].isin(b.orp.loc[b.orp["is_hsou"], "orp_code"])]
    outline = None if hsou.empty else gpd.GeoDataFrame(geometry=[hsou.union_all()], crs=hsou.crs)
    return indicator_view.build_obec(b, values, geo, orp, outline, region=region,
                                     indicator=indicator, year=year, scheme="fisher_jenks", k=5,
                                     tiles="none", selected=selected, tr=translator(lang),
                                     lang=lang)
