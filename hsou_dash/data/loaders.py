"""Load the installed bundle into tidy frames. No Streamlit here: callers add caching."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from hsou_dash.data import geometry
from hsou_dash.data.bundle import BundleError, Problem, read_table
from hsou_dash.data.schema import FILES

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

    def path(self, rel: str) -> Path:
        return self.root / rel


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
    missing = [Problem(s.path, "required file is missing") for s in FILES
               if s.required and not (root / s.path).exists()]
    if missing:
        raise BundleError(missing)


def load_bundle(root: Path) -> Bundle:
    """Read the bundle's tables. Raises :class:`BundleError` if files are missing or unreadable."""
    check_present(root)
    try:
        catalog = read_table(root / "indicators/indicators_catalog.csv").set_index("indicator_id")
        catalog["higher_is_worse"] = _as_bool(catalog["higher_is_worse"])
        orp_geo = gpd.read_file(root / "boundaries/orp.geojson", ignore_geometry=True)
        hsou = read_table(root / "indicators/hsou_classification.csv")
        hsou["is_hsou"] = _as_bool(hsou["is_hsou_srr2021"])
        hsou["structurally_affected"] = _as_bool(hsou["structurally_affected_kraj"])
        orp = orp_geo[["orp_code", "orp_name", "okres_name", "kraj_code", "kraj_name",
                       "area_km2"]].merge(
            hsou[["orp_code", "is_hsou", "structurally_affected", "iti_metro_agglomeration",
                  "share_pop_in_agglomeration_2020", "hsou_list_source"]],
            on="orp_code", how="left", validate="one_to_one",
        )
        orp["is_hsou"] = orp["is_hsou"].fillna(False).astype(bool)
        orp = orp.sort_values("orp_code").reset_index(drop=True)
        kraje = gpd.read_file(root / "boundaries/kraje.geojson", ignore_geometry=True)
        kraje = kraje[["kraj_code", "kraj_name"]].sort_values("kraj_code").reset_index(drop=True)
        orp_values = _long(read_table(root / "indicators/indicators_orp.csv"), ["orp_code"])
        obec_values = _long(read_table(root / "indicators/indicators_obec.csv"),
                            ["obec_code", "orp_code"])
        obce = gpd.read_file(root / "boundaries/obce_points_cz.geojson", ignore_geometry=True)
        context = read_table(root / "indicators/indicators_context.csv")
    except BundleError:
        raise
    except Exception as exc:
        raise BundleError([Problem(str(root), f"bundle cannot be read: {exc}")]) from exc
    return Bundle(root=root, catalog=catalog, orp=orp, kraje=kraje, orp_values=orp_values,
                  obec_values=obec_values, obce=pd.DataFrame(obce), context=context)


def orp_display_geometry(root: Path, level: geometry.DisplayLevel,
                         cache_dir: Path) -> gpd.GeoDataFrame:
    """ORP polygons simplified for display, with ``orp_code`` and ``kraj_code`` only."""
    return geometry.display_layer(root / "boundaries/orp.geojson", ["orp_code", "kraj_code"],
                                  level, cache_dir)


def obec_display_geometry(root: Path, level: geometry.DisplayLevel,
                          cache_dir: Path) -> gpd.GeoDataFrame:
    """Municipality polygons of Ústecký kraj simplified for display."""
    return geometry.display_layer(root / "boundaries/obce_ustecky.geojson",
                                  ["obec_code", "orp_code", "kraj_code"], level, cache_dir)


def build_caches(root: Path, cache_dir: Path) -> list[Path]:
    """Prepare every display layer ahead of time (run by ``data install``)."""
    built = []
    for level in geometry.LEVELS.values():
        orp_display_geometry(root, level, cache_dir)
    obec_display_geometry(root, geometry.LOCAL, cache_dir)
    built = sorted((cache_dir / "geometry").glob("*.parquet"))
    return built


def load_obec_values_cz(root: Path) -> pd.DataFrame:
    """Long indicator table for all 6,258 obce of Czechia (gzipped, read only when needed).

    Returns an empty table with the same columns when the optional file is not in the bundle.
    """
    path = root / "indicators/indicators_obec_cz.csv.gz"
    if not path.exists():
        return pd.DataFrame(columns=["obec_code", "orp_code", *VALUE_COLUMNS])
    return _long(read_table(path), ["obec_code", "orp_code"])
