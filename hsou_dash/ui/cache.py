"""Process-wide caches of the bundle and display geometry, keyed by simple arguments.

Every cached function takes ``root``, the bundle folder with symlinks resolved
(``config.data_dir()``). An install swaps the data directory's symlink to a new version
folder, so the next page run gets a new ``root``: the new bundle takes effect everywhere at
once, without a restart, and no page mixes two versions (pages pass ``b.root`` of the bundle
they started with to every call). The previous version's entries are then dropped.
"""

from __future__ import annotations

import dataclasses
import gc
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from hsou_dash import config
from hsou_dash.assets import ensure_leaflet
from hsou_dash.data import geometry, loaders
from hsou_dash.data.loaders import Bundle
from hsou_dash.domain import aggregate, hsou, profile, reconcile, support, towns
from hsou_dash.domain.catalogue import grouped_indicators
from hsou_dash.domain.classify import classify
from hsou_dash.domain.headline import PopulationShare, hsou_share
from hsou_dash.domain.longtable import values_for
from hsou_dash.domain.regions import in_region
from hsou_dash.domain.sources import hsou_list_source
from hsou_dash.domain.towns import ObecLayer, featured, search_index
from hsou_dash.text import translator
from hsou_dash.viz import attribution as viz_attribution
from hsou_dash.viz import (
    compare_view,
    formatting,
    headline_cards,
    home_view,
    indicator_view,
    maps,
    methodology_view,
    orp_view,
    town_view,
)
from hsou_dash.viz.packed_layer import pack_geometry

#: Every cached function of this module, so that a new bundle version can drop them all.
_CACHES: list[Any] = []


def _cached(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``st.cache_resource`` that registers the function in :data:`_CACHES`."""
    def wrap(fn: Callable[..., Any]) -> Any:
        cached = st.cache_resource(show_spinner=False, **options)(fn)
        _CACHES.append(cached)
        return cached
    return wrap


_seen_root: str | None = None
_seen_lock = threading.Lock()


def _follow_version(root: str) -> None:
    """Drop every cached entry when the data directory now points to another version of the
    same install (a sibling in ``<target>.versions/``): the old ones would only hold memory.

    Switching between unrelated data directories (tests do) keeps the caches of both.
    """
    global _seen_root
    with _seen_lock:
        previous, _seen_root = _seen_root, root
    if previous is None or previous == root:
        return
    old, new = Path(previous), Path(root)
    if old.parent == new.parent and new.parent.name.endswith(".versions"):
        for cached in _CACHES:
            cached.clear()


@_cached()
def bundle(root: str) -> Bundle:
    """The loaded bundle; shared by every session (read-only by convention)."""
    ensure_leaflet()
    return loaders.load_bundle(Path(root))


def get_bundle() -> Bundle:
    """The bundle the data directory points to now (resolved on every page run)."""
    root = str(config.data_dir())
    _follow_version(root)
    return bundle(root)


@_cached()
def orp_geometry(root: str, level: str) -> gpd.GeoDataFrame:
    return loaders.orp_display_geometry(Path(root), geometry.LEVELS[level], config.cache_dir())


@_cached()
def obec_geometry(root: str, level: str = "local") -> gpd.GeoDataFrame:
    return loaders.obec_display_geometry(Path(root), geometry.LEVELS[level], config.cache_dir())


@_cached()
def region_geometry(root: str, region: str) -> gpd.GeoDataFrame:
    """ORP display polygons of one region (kraj code or CZ), at the level that region needs."""
    level = "national" if region == config.NATIONAL_CODE else "regional"
    geo = orp_geometry(root, level)
    return in_region(geo, region).reset_index(drop=True)


@_cached()
def hsou_outline(root: str, region: str) -> gpd.GeoDataFrame:
    """The HSOÚ area of a region dissolved to one outline (drawn over the choropleth)."""
    geo = region_geometry(root, region)
    codes = set(bundle(root).orp.query("is_hsou")["orp_code"])  # this version's, not the newest
    part = geo[geo["orp_code"].isin(codes)]
    if part.empty:
        return part
    return gpd.GeoDataFrame(geometry=[part.union_all()], crs=part.crs)


@_cached()
def obec_values_cz(root: str):
    """Indicator values of every obec in Czechia (loaded on first use, ~0.5 s, then shared)."""
    return loaders.load_obec_values_cz(Path(root))


@_cached()
def obec_gaps(root: str) -> aggregate.ObecGaps:
    """Obce that a declared gap indicator leaves out (municipal tax revenue), built once from
    the national obec table (~0.07 s after it is loaded). Pass it to every kraj/Czechia ratio
    (``aggregate``, ``headline``, ``Level``): numerator and denominator then cover the same obce,
    and ``coverage_notes`` can say which ones are left out."""
    return aggregate.obec_gaps(obec_values_cz(root))


def gaps_for(root: str, *indicator_ids: str) -> aggregate.ObecGaps | None:
    """:func:`obec_gaps` when a kraj/Czechia value of any of ``indicator_ids`` needs it, else
    ``None`` — so a page showing other indicators never loads the national obec table."""
    return obec_gaps(root) if any(map(aggregate.needs_gaps, indicator_ids)) else None


@_cached()
def document(root: str, name: str) -> str | None:
    """A bundle document (see ``loaders.DOCUMENTS``), read once per process."""
    return loaders.load_document(Path(root), name)


# --- municipalities: town profiles and the map's municipal layer ----------------------------



@_cached()
def featured_towns(root: str) -> pd.DataFrame:
    """Towns presented at the 2024 HSOÚ conference: ``obec_code, obec_name, orp_code,
    orp_name`` (for the town page and the home page)."""

    return featured(loaders.load_towns(Path(root)), bundle(root).obce)


@_cached()
def obec_search_index(root: str) -> pd.DataFrame:

    return search_index(bundle(root).obce)


@_cached()
def obec_regions(root: str) -> frozenset[str]:
    """Kraje the municipal layer can draw: Ústecký always, the others when the optional
    national polygons are installed; not Praha, which is a single municipality."""
    obce = bundle(root).obce
    many = obce.groupby("kraj_code")["obec_code"].size()
    kraje = set(many[many > 1].index)
    if not (Path(root) / loaders.OBCE_CZ_POLYGONS).exists():
        kraje &= {loaders.DETAILED_KRAJ}
    return frozenset(kraje)


@_cached()
def kraj_obec_values(root: str, kraj: str) -> pd.DataFrame:
    """Obec values of one kraj; the national table is read only for kraje other than ÚK."""
    b = bundle(root)
    if kraj == loaders.DETAILED_KRAJ:
        return b.obec_values
    codes = b.obce.loc[b.obce["kraj_code"] == kraj, "obec_code"]
    values = obec_values_cz(root)
    return values[values["obec_code"].isin(codes)].reset_index(drop=True)


@_cached()
def obec_cz_geometry(root: str) -> gpd.GeoDataFrame | None:
    return loaders.obec_cz_display_geometry(Path(root), geometry.LOCAL, config.cache_dir())


@_cached()
def kraj_obec_geometry(root: str, kraj: str) -> gpd.GeoDataFrame | None:
    """Display polygons of the obce of one kraj (``None``: not in this bundle)."""
    if kraj == loaders.DETAILED_KRAJ:
        geo = obec_geometry(root)
    else:
        geo = obec_cz_geometry(root)
        if geo is None:
            return None
    return geo[geo["kraj_code"] == kraj].reset_index(drop=True)


@_cached()
def packed_obce(root: str, kraj: str) -> dict[str, list[list[str]]]:
    """Encoded municipal polygons of one kraj (see ``packed_layer.pack_geometry``)."""

    geo = kraj_obec_geometry(root, kraj)
    return {} if geo is None else pack_geometry(geo, "obec_code")


def obec_layer(root: str):
    """Where the map can show municipalities (``towns.ObecLayer``), values read lazily."""

    return ObecLayer(obec_regions(root), bundle(root).obce,
                     lambda kraj: kraj_obec_values(root, kraj), obec_indicator_ids(root))


@_cached()
def obec_indicator_ids(root: str) -> frozenset[str]:
    """Indicators with municipal values (read from the detailed Ústecký file, which has the
    same indicator set as the national one)."""
    values = bundle(root).obec_values
    return frozenset(values.loc[values["value"].notna(), "indicator_id"])


@_cached(max_entries=512)
def obec_classification(root: str, kraj: str, indicator: str, year: int, scheme: str, k: int):
    """Map classes of one kraj's obce (Fisher–Jenks on 354+ values takes ~0.15 s: cached)."""
    codes = bundle(root).obce.loc[lambda o: o["kraj_code"] == kraj, "obec_code"]
    vals = values_for(kraj_obec_values(root, kraj), "obec_code", indicator, year)
    return classify(vals.reindex(codes.tolist()), scheme, k)


@_cached()
def obec_areas(root: str, kraj: str) -> pd.DataFrame:
    return loaders.load_obec_areas(Path(root), kraj)



@_cached()
def support_tables(root: str) -> loaders.SupportTables:
    """Support catalogue and funding files, read once per process."""
    return loaders.load_support(Path(root))


@_cached()
def support_instruments(root: str, today: str):
    """The parsed catalogue (periods, categories) as of ``today`` (ISO date: status changes
    with the date, so the day is part of the cache key)."""
    return support.instruments_table(support_tables(root).instruments, date.fromisoformat(today))


@_cached()
def support_coverage(root: str) -> dict:
    """Coverage (ORP and obce) of every instrument in the catalogue, computed once."""

    b = bundle(root)
    obec_values = obec_values_cz(root)
    ids = support_tables(root).instruments["instrument_id"].astype(str).tolist()
    return {i: support.coverage(i, b.orp, b.obce, obec_values) for i in ids}


def locator_geometry(root: str, kraj: str) -> gpd.GeoDataFrame | None:
    """Municipal polygons for a town's locator map: the national layer when installed (so
    neighbours across a kraj border show), else the town's kraj, else ``None``."""
    national = obec_cz_geometry(root)
    return national if national is not None else kraj_obec_geometry(root, kraj)



@_cached(max_entries=256)
def comparison(root: str, codes: tuple[str, ...], lang: str) -> compare_view.ComparisonView:
    """Up to five ORP across every indicator (~0.15 s of filtering and percentiles), with
    Czechia's value on the same obce as its numerator (``obec_gaps``)."""
    return compare_view.comparison_view(bundle(root), list(codes), translator(lang), lang,
                                        obec_gaps(root))


@_cached(max_entries=512)
def recomputation(root: str, inputs: tuple[str, ...], method: str,
                  cutoff: float) -> hsou.Recomputation:
    """The HSOÚ re-computation for one choice of inputs, method and cut-off (~40 ms)."""
    b = bundle(root)
    return hsou.recompute(b.orp_values, b.catalog, b.orp, list(inputs), method, cutoff)



@_cached()
def orp_labels(root: str, with_kraj: bool) -> dict[str, str]:
    """ORP code → "name" or "name (kraj)": pickers format 206 options on every rerun."""
    orp = bundle(root).orp
    names = orp["orp_name"] + (" (" + orp["kraj_name"] + ")" if with_kraj else "")
    return dict(zip(orp["orp_code"], names, strict=True))


# --- profiles and methodology: kraj/Czechia values on the numerator's obce (obec_gaps) ----

@_cached(max_entries=512)
def orp_profile(root: str, code: str, lang: str) -> orp_view.OrpProfile:
    """The ORP fact sheet with coverage-matched kraj/Czechia values, per ORP and language."""
    return orp_view.build(bundle(root), code, translator(lang), lang,
                          gaps=obec_gaps(root))


@_cached(max_entries=512)
def town_levels(root: str, obec_code: str) -> towns.TownLevels | None:
    """ORP, kraj and Czechia levels of a municipality, carrying the obec gaps."""
    b = bundle(root)
    m = towns.membership(b.obce, b.orp, obec_code)
    if m is None:
        return None
    values = kraj_obec_values(root, m.kraj_code)
    return towns.levels(m, b.orp, b.orp_values, b.obce, values, gaps=obec_gaps(root))


@_cached(max_entries=512)
def town_profile(root: str, obec_code: str) -> pd.DataFrame:
    """Fact-sheet rows of one municipality against its ORP, kraj and Czechia (~0.2 s)."""
    b = bundle(root)
    m = towns.membership(b.obce, b.orp, obec_code)
    lv = town_levels(root, obec_code)
    if m is None or lv is None:
        return pd.DataFrame()
    values = kraj_obec_values(root, m.kraj_code)
    return profile.profile(values, "obec_code", obec_code, lv.compare, lv.rank_within)


@_cached(max_entries=512)
def town(root: str, obec_code: str, lang: str) -> town_view.TownView | None:
    """Everything the town profile shows for one municipality and language."""
    b = bundle(root)
    m = towns.membership(b.obce, b.orp, obec_code)
    if m is None:
        return None
    return town_view.build(b, m, kraj_obec_values(root, m.kraj_code),
                           town_profile(root, obec_code), obec_areas(root, m.kraj_code),
                           translator(lang), lang, levels=town_levels(root, obec_code))


@_cached()
def hsou_population_share(root: str) -> PopulationShare:
    """The one HSOÚ share of Czechia's population, on the delimitation basis (2020)."""
    b = bundle(root)
    return hsou_share(b.orp_values, b.orp)


@_cached()
def reconciliation(root: str, lang: str) -> pd.DataFrame:
    """Published figures against ours, as /methodology shows them (~0.1 s)."""
    b = bundle(root)
    table = reconcile.table(b, obec_gaps(root))
    return methodology_view.reconciliation_table(b, table, translator(lang), lang)


@_cached()
def indicator_catalogue(root: str, lang: str) -> pd.DataFrame:
    """The indicator catalogue with publisher-first sources and the retrieval paths apart."""
    return methodology_view.catalogue_table(bundle(root), translator(lang), lang)


# --- the map page and the home map: views and rendered maps, built once per input ---------

@_cached()
def packed_orp(root: str, region: str) -> dict[str, list[list[str]]]:
    """Encoded ORP polygons of one region (see ``packed_layer.pack_geometry``)."""
    return pack_geometry(region_geometry(root, region), "orp_code")


@_cached()
def hsou_info(root: str):
    """Where the HSOÚ list comes from (``sources.hsou_list_source``, ~10 ms: cached)."""
    return hsou_list_source(bundle(root).orp)


@_cached()
def orp_indicator_options(root: str) -> list[str]:
    """Indicators with any ORP value, grouped by theme (the map's picker, every rerun)."""
    b = bundle(root)
    values = b.orp_values
    available = set(values.loc[values["value"].notna(), "indicator_id"])
    return [i for _, i in grouped_indicators(b.catalog, available)]


#: What the map component returns to the page (a click on a territory).
MAP_RETURNS = ["last_active_drawing"]


@_cached(max_entries=256)
def map_view(root: str, level: str, region: str, indicator: str, year: int, scheme: str,
             k: int, tiles: str, hsou: bool, selected: str | None, lang: str,
             height: int, look: maps.Look = maps.PLAIN
             ) -> tuple[indicator_view.IndicatorView, dict[str, Any]]:
    """The /map view and its rendered map (``mapframe.component_args``) for one choice of
    everything the map shows: a rerun that changes none of them (a click elsewhere, a table
    sort, the language of another page) rebuilds nothing. Shared by every session: read-only.
    ``look``: presenter mode and contrast (``maps.Look``).
    """
    return build_map_view(bundle(root), root, level, region, indicator, year, scheme, k, tiles,
                          hsou, selected, lang, height, look=look)


def build_map_view(b: Bundle, root: str, level: str, region: str, indicator: str, year: int,
                   scheme: str, k: int, tiles: str, hsou: bool, selected: str | None,
                   lang: str, height: int, obec_values: pd.DataFrame | None = None,
                   look: maps.Look = maps.PLAIN
                   ) -> tuple[indicator_view.IndicatorView, dict[str, Any]]:
    """:func:`map_view` uncached, for any bundle: a session's copy holding a user's own
    indicator (``ui/upload.py``) gets its view here and keeps it in its session. Geometry
    comes from the shared caches (it holds nothing of the user's); ``obec_values`` replaces
    the kraj's shared obec table, and then the classes are computed here, not cached."""
    from hsou_dash.ui import mapframe

    outline = hsou_outline(root, region) if hsou else None
    common = dict(region=region, indicator=indicator, year=year, scheme=scheme, k=k,
                  tiles=tiles, tr=translator(lang), lang=lang, height=height,
                  gaps=gaps_for(root, indicator), selected=selected, look=look)
    if level == "obec":
        shared = obec_values is None
        view = indicator_view.build_obec(
            b, kraj_obec_values(root, region) if shared else obec_values,
            kraj_obec_geometry(root, region), region_geometry(root, region), outline,
            packed=packed_obce(root, region),
            classification=obec_classification(root, region, indicator, year, scheme, k)
            if shared else None, **common)
    else:
        view = indicator_view.build(b, region_geometry(root, region), outline,
                                    packed=packed_orp(root, region), **common)
    args = mapframe.component_args(view.map, "map.click", MAP_RETURNS, height)
    # the folium tree is not needed once rendered: keep only the strings (less memory, and
    # fewer objects for the garbage collector to walk on every collection)
    return dataclasses.replace(view, map=None), args


@_cached(max_entries=64)
def home_map(root: str, region: str, lang: str) -> dict[str, Any]:
    """The home page's HSOÚ status map, rendered (``mapframe.component_args``)."""
    from hsou_dash.ui import mapframe

    b = bundle(root)
    orp = in_region(b.orp, region)
    tr = translator(lang)
    fmap = home_view.status_map(region_geometry(root, region), orp, tr,
                                packed=packed_orp(root, region),
                                attribution=viz_attribution.boundaries(b, tr))
    return mapframe.component_args(fmap, "home.map", [], 420)


def warm_up(root: str, lang: str = "cs") -> None:
    """Fill the caches the first visitors of / and /map need (their default views), so the
    first visitor after a start does not wait for display geometry and map rendering."""
    from hsou_dash.domain.catalogue import years_of
    from hsou_dash.domain.classify import DEFAULT_K, DEFAULT_SCHEME

    b = bundle(root)
    region = config.DEFAULT_REGION
    home_map(root, region, lang)
    home_figures(root, region, ("unemployment_share", "distraint_share"), lang)
    home_vintage(root, lang)
    options = orp_indicator_options(root)
    indicator = config.DEFAULT_INDICATOR if config.DEFAULT_INDICATOR in options else options[0]
    years = years_of(b.orp_values, indicator)
    for reg in (region, config.NATIONAL_CODE):
        map_view(root, "orp", reg, indicator, years[0], DEFAULT_SCHEME, DEFAULT_K, "none",
                 True, None, lang, 560)
    hsou_info(root)
    featured_towns(root)
    # Everything loaded so far lives as long as the process: keep it out of the collector's
    # full passes (each walked ~all these objects, ~0.1 s).
    gc.collect()
    gc.freeze()


_warm_started: set[str] = set()
_warm_lock = threading.Lock()


def start_warm_up(root: str) -> None:
    """:func:`warm_up` in a background thread, once per bundle version and process (the
    thread is a daemon: it never holds the server up; errors are left to the page runs)."""
    # streamlit-folium declares its component when first imported, and Streamlit registers
    # it only from a script run: import it here, not first in the thread (its iframe would 404).
    import streamlit_folium  # noqa: F401

    with _warm_lock:
        if root in _warm_started:
            return
        _warm_started.add(root)

    def run() -> None:
        try:
            warm_up(root)
        except Exception:  # noqa: BLE001 - a page run reports the same problem properly
            pass

    threading.Thread(target=run, name="hsou-warm-up", daemon=True).start()


@_cached(max_entries=64)
def home_figures(root: str, region: str, indicators: tuple[str, ...], lang: str):
    """The home page's headline and its figures for one region and language (~0.25 s of
    aggregation with coverage notes: cached)."""
    from hsou_dash.domain.headline import headline

    b = bundle(root)
    gaps = gaps_for(root, *indicators)
    h = headline(b, region, indicators, gaps=gaps)
    return h, home_view.figures(b, h, region, translator(lang), lang, gaps)


@_cached()
def home_cards(root: str, region: str, indicators: tuple[str, ...], lang: str) -> str:
    """The home page's headline figures as one HTML block (``viz.headline_cards``)."""
    b = bundle(root)
    h, figs = home_figures(root, region, indicators, lang)
    years = {s.year for s in (h.share, h.share_current) if s is not None}
    refs = {y: home_view.population_ref(b, y, lang) for y in years}
    source = "" if h.share is None else formatting.source_text(
        population_source(root, h.share.year), lang)
    tr = translator(lang)
    cards = home_view.cards(h, figs, tr, lang, refs=refs, population_source=source)
    return headline_cards.html(cards, label=tr.plain("home.cards_label"),
                               help_label=tr.plain("home.card_help"))


@_cached()
def home_vintage(root: str, lang: str) -> list[str]:
    """The data-vintage lines of the home page."""
    return home_view.vintage(bundle(root), translator(lang), lang)


@_cached()
def population_source(root: str, year: int):
    """Source of the population of ``year`` (home page)."""
    return home_view.population_source(bundle(root), [year])
