"""Load the installed bundle into tidy frames. No Streamlit here: callers add caching.

Every reader turns a file it cannot read (missing, unreadable, not UTF-8, cut off, without
the columns the app needs) into a :class:`BundleError` naming the file relative to the bundle,
so the app can show one clear message instead of a traceback with server paths.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyogrio.errors

from hsou_dash.data import geometry
from hsou_dash.data.bundle import (
    VERSION_FILE,
    BundleError,
    NotUtf8Error,
    Problem,
    describe_error,
    missing_required,
    read_table,
)
from hsou_dash.data.schema import FILES, SPECS

#: Exceptions that mean "a data file is missing, unreadable or broken" (never a bug in the
#: code): the app catches exactly these around a page and shows the bundle message.
DATA_ERRORS: tuple[type[BaseException], ...] = (
    BundleError, OSError, EOFError, UnicodeDecodeError, NotUtf8Error, pd.errors.ParserError,
    pd.errors.EmptyDataError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
    pa.ArrowInvalid,
)

_P = ParamSpec("_P")
_R = TypeVar("_R")


@contextmanager
def _reading(rel: str) -> Iterator[None]:
    """Turn any failure to read ``rel`` into a :class:`BundleError` about ``rel``."""
    try:
        yield
    except BundleError:
        raise
    except (*DATA_ERRORS, KeyError) as exc:
        # KeyError: a column the app needs is absent from a file changed since it was checked
        what = (f"column {exc} is missing" if isinstance(exc, KeyError)
                else describe_error(exc))
        raise BundleError([Problem(rel, f"cannot be read: {what}")]) from exc


def _reads(rel: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorator form of :func:`_reading` for a loader of one file."""
    def wrap(fn: Callable[_P, _R]) -> Callable[_P, _R]:
        @wraps(fn)
        def inner(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            with _reading(rel):
                return fn(*args, **kwargs)
        return inner
    return wrap


def _require_columns(df: pd.DataFrame, rel: str) -> pd.DataFrame:
    missing = [c for c in SPECS[rel].columns if c not in df.columns]
    if missing:
        raise BundleError([Problem(rel, f"missing column(s): {', '.join(missing)}")])
    return df

VALUE_COLUMNS = ["indicator_id", "year", "value", "unit", "source", "ref_date", "value_type",
                 "note"]


@dataclass(frozen=True)
class Bundle:
    """Everything the pages need, loaded once per process."""

    root: Path
    #: one row per indicator, index ``indicator_id``; ``higher_is_worse`` is bool
    catalog: pd.DataFrame
    #: one row per ORP: names, okres, kraj, HSOÚ flag and territory types
    orp: pd.DataFrame
    #: one row per kraj: ``kraj_code``, ``kraj_name``
    kraje: pd.DataFrame
    #: long table: ``orp_code`` + VALUE_COLUMNS (``year`` int, ``value`` float, NaN = no data)
    orp_values: pd.DataFrame
    #: long table for the municipalities the bundle covers in detail (Ústecký kraj)
    obec_values: pd.DataFrame
    #: one row per municipality of Czechia: codes, names, ORP, okres, kraj
    obce: pd.DataFrame
    #: benchmark values quoted from ČSÚ and others, for CZ / kraje / okresy
    context: pd.DataFrame
    #: state date of the boundaries as "MM/YYYY" (from boundaries/SOURCES.md), None if unknown
    boundaries_state: str | None = None


def _as_bool(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().str.lower().eq("true")


def _long(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = df[[*keys, *VALUE_COLUMNS]].copy()
    out["year"] = pd.to_numeric(out["year"]).astype(int)
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype(float)
    # Source, unit and note texts repeat on thousands of rows: categories cut memory ~5×.
    for col in ("unit", "source", "ref_date", "value_type", "note"):
        out[col] = out[col].astype("category")
    return out


def check_present(root: Path) -> None:
    """Fail early, with the list of missing files, if the bundle is not installed."""
    with _reading("bundle folder"):
        missing = missing_required(root)
    if missing:
        raise BundleError(missing)


def bundle_version(root: Path) -> str:
    """Version of the bundle in ``root``: the content hash an install wrote into ``VERSION``.

    A folder without one (installed by an older version, or a copy) gets a fingerprint of its
    files' names, sizes and modification times, so a changed file still changes the version.
    Caches derived from the bundle put this in their key.
    """
    with _reading(VERSION_FILE):
        try:
            text = (root / VERSION_FILE).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            text = ""
        if text:
            return text
        digest = hashlib.sha256()
        for spec in FILES:
            path = root / spec.path
            if path.exists():
                stat = path.stat()
                digest.update(f"{spec.path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
        return "files-" + digest.hexdigest()


def load_bundle(root: Path) -> Bundle:
    """Read the bundle's tables. Raises :class:`BundleError` if files are missing or unreadable."""
    check_present(root)
    try:
        with _reading("indicators/indicators_catalog.csv"):
            catalog = _require_columns(read_table(root / "indicators/indicators_catalog.csv"),
                                       "indicators/indicators_catalog.csv")
        catalog = catalog.set_index("indicator_id")
        catalog["higher_is_worse"] = _as_bool(catalog["higher_is_worse"])
        with _reading("boundaries/orp.geojson"):
            orp_geo = gpd.read_file(root / "boundaries/orp.geojson", ignore_geometry=True)
        with _reading("indicators/hsou_classification.csv"):
            hsou = read_table(root / "indicators/hsou_classification.csv")
        hsou["is_hsou"] = _as_bool(hsou["is_hsou_srr2021"])
        hsou["structurally_affected"] = _as_bool(hsou["structurally_affected_kraj"])
        orp = orp_geo[["orp_code", "orp_name", "okres_name", "kraj_code", "kraj_name",
                       "area_km2"]].merge(
            hsou[["orp_code", "is_hsou", "structurally_affected", "iti_metro_agglomeration",
                  "share_pop_in_agglomeration_2020", "hsou_list_source",
                  *[c for c in ("hsou_list_publisher_cs", "hsou_list_publisher_en") if c in hsou]]],
            on="orp_code", how="left", validate="one_to_one",
        )
        orp["is_hsou"] = orp["is_hsou"].fillna(False).astype(bool)
        orp = orp.sort_values("orp_code").reset_index(drop=True)
        with _reading("boundaries/kraje.geojson"):
            kraje = gpd.read_file(root / "boundaries/kraje.geojson", ignore_geometry=True)
            kraje = kraje[["kraj_code", "kraj_name"]].sort_values("kraj_code")
        kraje = kraje.reset_index(drop=True)
        with _reading("indicators/indicators_orp.csv"):
            orp_values = _long(read_table(root / "indicators/indicators_orp.csv"), ["orp_code"])
        with _reading("indicators/indicators_obec.csv"):
            obec_values = _long(read_table(root / "indicators/indicators_obec.csv"),
                                ["obec_code", "orp_code"])
        with _reading("boundaries/obce_points_cz.geojson"):
            obce = gpd.read_file(root / "boundaries/obce_points_cz.geojson",
                                 ignore_geometry=True)
        with _reading("indicators/indicators_context.csv"):
            context = read_table(root / "indicators/indicators_context.csv")
    except BundleError:
        raise
    except Exception as exc:  # files that disagree with each other (merge keys, columns…)
        raise BundleError([Problem("bundle folder",
                                   f"bundle cannot be read: {describe_error(exc)}")]) from exc
    return Bundle(root=root, catalog=catalog, orp=orp, kraje=kraje, orp_values=orp_values,
                  obec_values=obec_values, obce=pd.DataFrame(obce), context=context,
                  boundaries_state=boundaries_state(root))


#: "(stav MM/YYYY)" in the required-attribution line of ``boundaries/SOURCES.md``: the bundle's
#: own file and the one ``data boundaries`` writes share that line.
_STATE = re.compile(r"^\* \*\*Required attribution\*\*[^`]*`[^`]*\(stav (\d{2}/\d{4})\)", re.M)


def boundaries_state(root: Path) -> str | None:
    """The month the installed boundaries describe, for the attribution on every map.

    Read from the bundle, not written into the text catalogue: ``data boundaries`` replaces
    the boundaries every year, and a map must not keep claiming the old date. ``None`` when
    the file or the date is missing (the attribution then says the date is unknown).
    """
    try:
        text = (root / "boundaries/SOURCES.md").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    m = _STATE.search(text)
    return m[1] if m else None


def version_cache_dir(root: Path, cache_dir: Path) -> Path:
    """The part of ``cache_dir`` belonging to the bundle version in ``root``.

    Display geometry derived from one version must never be served for another: the cache
    file names carry only the source's size and mtime, which two versions can share.
    """
    return cache_dir / "versions" / bundle_version(root)[:16]


def prune_caches(cache_dir: Path, versions: set[str]) -> list[str]:
    """Delete the caches of the given bundle versions (ones an install just removed) and the
    unversioned geometry folder of older app versions. Returns what was deleted."""
    removed = []
    for version in versions:
        folder = cache_dir / "versions" / version[:16]
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    legacy = cache_dir / "geometry"
    if legacy.is_dir():
        shutil.rmtree(legacy, ignore_errors=True)
        removed.append(legacy.name)
    return removed


@_reads("boundaries/orp.geojson")
def orp_display_geometry(root: Path, level: geometry.DisplayLevel,
                         cache_dir: Path) -> gpd.GeoDataFrame:
    """ORP polygons simplified for display, with ``orp_code`` and ``kraj_code`` only."""
    return geometry.display_layer(root / "boundaries/orp.geojson", ["orp_code", "kraj_code"],
                                  level, version_cache_dir(root, cache_dir))


@_reads("boundaries/obce_ustecky.geojson")
def obec_display_geometry(root: Path, level: geometry.DisplayLevel,
                          cache_dir: Path) -> gpd.GeoDataFrame:
    """Municipality polygons of Ústecký kraj simplified for display."""
    return geometry.display_layer(root / "boundaries/obce_ustecky.geojson",
                                  ["obec_code", "orp_code", "kraj_code"], level,
                                  version_cache_dir(root, cache_dir))


def build_caches(root: Path, cache_dir: Path) -> list[Path]:
    """Prepare every display layer ahead of time (run by ``data install``)."""
    for level in geometry.LEVELS.values():
        orp_display_geometry(root, level, cache_dir)
    obec_display_geometry(root, geometry.LOCAL, cache_dir)
    return sorted((version_cache_dir(root, cache_dir) / "geometry").glob("*.parquet"))


@_reads("indicators/indicators_obec_cz.csv.gz")
def load_obec_values_cz(root: Path) -> pd.DataFrame:
    """Long indicator table for all 6,258 obce of Czechia (gzipped, read only when needed).

    Returns an empty table with the same columns when the optional file is not in the bundle.
    """
    path = root / "indicators/indicators_obec_cz.csv.gz"
    if not path.exists():
        return pd.DataFrame(columns=["obec_code", "orp_code", *VALUE_COLUMNS])
    return _long(read_table(path), ["obec_code", "orp_code"])


#: Bundle documents the methodology page quotes (path in the bundle → what it is).
DOCUMENTS = {
    "hsou_methodology": "indicators/hsou_methodology.md",
    "hsou_methodology_en": "indicators/hsou_methodology_en.md",
    "indicator_sources": "indicators/SOURCES.md",
    "boundary_sources": "boundaries/SOURCES.md",
}


def load_document(root: Path, name: str) -> str | None:
    """Text of one of :data:`DOCUMENTS` (Markdown, UTF-8), ``None`` if the bundle lacks it.

    These files are optional in the bundle, so a missing one is "no data", not an error.
    """
    rel = DOCUMENTS[name]
    with _reading(rel):
        path = root / rel
        return path.read_text(encoding="utf-8") if path.exists() else None


# --- municipalities as places (town profiles, municipal map layer) ---------------------------

OBCE_CZ_POLYGONS = "boundaries/obce_cz.geojson"
#: Kraj whose municipality polygons are a required part of the bundle (obce_ustecky.geojson).
DETAILED_KRAJ = "CZ042"


@_reads("indicators/towns.csv")
def load_towns(root: Path) -> pd.DataFrame:
    """``towns.csv``: the towns presented at the 2024 HSOÚ conference (codes stay strings)."""
    return _require_columns(read_table(root / "indicators/towns.csv"), "indicators/towns.csv")


@_reads(OBCE_CZ_POLYGONS)
def obec_cz_display_geometry(root: Path, level: geometry.DisplayLevel,
                             cache_dir: Path) -> gpd.GeoDataFrame | None:
    """Display polygons of all 6,258 obce, or ``None`` when the optional file is absent.

    Simplified as one coverage (neighbours keep shared edges) and cached on disk like the
    other display layers; the first call takes about a second.
    """
    if not (root / OBCE_CZ_POLYGONS).exists():
        return None
    return geometry.display_layer(root / OBCE_CZ_POLYGONS, ["obec_code", "orp_code", "kraj_code"],
                                  level, version_cache_dir(root, cache_dir))


@_reads("boundaries")
def load_obec_areas(root: Path, kraj_code: str) -> pd.DataFrame:
    """Area (km²) of the obce of one kraj: ``obec_code``, ``area_km2``, ``computed``.

    Ústecký kraj: the bundle's own ``area_km2`` (obce_ustecky.geojson). Other kraje: computed
    here the same way (EPSG:3035) from the full-detail polygons of obce_cz.geojson, flagged
    ``computed``; empty when that optional file is absent.
    """
    if kraj_code == DETAILED_KRAJ:
        attrs = gpd.read_file(root / "boundaries/obce_ustecky.geojson", ignore_geometry=True,
                              columns=["obec_code", "area_km2"])
        out = pd.DataFrame(attrs)
        out["area_km2"] = pd.to_numeric(out["area_km2"], errors="coerce").astype(float)
        out["computed"] = False
        return out[["obec_code", "area_km2", "computed"]]
    path = root / OBCE_CZ_POLYGONS
    if not path.exists():
        return pd.DataFrame({"obec_code": pd.Series(dtype="string"),
                             "area_km2": pd.Series(dtype=float),
                             "computed": pd.Series(dtype=bool)})
    polys = gpd.read_file(path, columns=["obec_code", "kraj_code"],
                          where=f"kraj_code = '{kraj_code}'" if kraj_code.isalnum() else None)
    polys = polys[polys["kraj_code"] == kraj_code]
    area = polys.to_crs(geometry.METRIC_CRS).area / 1e6
    return pd.DataFrame({"obec_code": polys["obec_code"].values,
                         "area_km2": area.round(3).values, "computed": True})


@dataclass(frozen=True)
class SupportTables:
    """The support catalogue and the funding figures, as read (free text kept verbatim)."""

    #: support_instruments.csv: one row per instrument; ``allocation_czk`` blank = not published
    instruments: pd.DataFrame
    #: support_by_orp.csv: amounts by kraj / ITI area / Czechia (no per-ORP figures exist)
    by_territory: pd.DataFrame
    #: funding_orp.csv: transfers received by municipal budgets in 2019, per ORP (long)
    funding_orp: pd.DataFrame
    #: funding_obec.csv: the same per obec (Ústecký kraj only)
    funding_obec: pd.DataFrame


def load_support(root: Path) -> SupportTables:
    """Read the support and funding files; codes stay text, amounts become floats (NaN = none).

    Files missing from an older bundle give empty tables, so the rest of the app keeps working.
    """
    def table(rel: str, numeric: tuple[str, ...]) -> pd.DataFrame:
        with _reading(f"indicators/{rel}"):
            path = root / "indicators" / rel
            if not path.exists():
                spec = SPECS[f"indicators/{rel}"]
                return pd.DataFrame(columns=list(spec.columns))
            df = _require_columns(read_table(path), f"indicators/{rel}")
        for col in numeric:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
        return df

    funding_orp = table("funding_orp.csv", ("value", "year"))
    funding_obec = table("funding_obec.csv", ("value", "year"))
    return SupportTables(
        instruments=table("support_instruments.csv", ("allocation_czk",)),
        by_territory=table("support_by_orp.csv", ("amount_czk",)),
        funding_orp=funding_orp, funding_obec=funding_obec,
    )
