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


#: Bundle documents the methodology page quotes (path in the bundle → what it is).
DOCUMENTS = {
    "hsou_methodology": "indicators/hsou_methodology.md",
    "indicator_sources": "indicators/SOURCES.md",
    "boundary_sources": "boundaries/SOURCES.md",
}


def load_document(root: Path, name: str) -> str | None:
    """Text of one of :data:`DOCUMENTS` (Markdown, UTF-8), ``None`` if the bundle lacks it.

    These files are optional in the bundle, so a missing one is "no data", not an error.
    """
    path = root / DOCUMENTS[name]
    return path.read_text(encoding="utf-8") if path.exists() else None


# --- municipalities as places (town profiles, municipal map layer) ---------------------------

OBCE_CZ_POLYGONS = "boundaries/obce_cz.geojson"
#: Kraj whose municipality polygons are a required part of the bundle (obce_ustecky.geojson).
DETAILED_KRAJ = "CZ042"


def load_towns(root: Path) -> pd.DataFrame:
    """``towns.csv``: the towns presented at the 2024 HSOÚ conference (codes stay strings)."""
    return read_table(root / "indicators/towns.csv")


def obec_cz_display_geometry(root: Path, level: geometry.DisplayLevel,
                             cache_dir: Path) -> gpd.GeoDataFrame | None:
    """Display polygons of all 6,258 obce, or ``None`` when the optional file is absent.

    Simplified as one coverage (neighbours keep shared edges) and cached on disk like the
    other display layers; the first call takes about a second.
    """
    if not (root / OBCE_CZ_POLYGONS).exists():
        return None
    return geometry.display_layer(root / OBCE_CZ_POLYGONS, ["obec_code", "orp_code", "kraj_code"],
                                  level, cache_dir)


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
    from hsou_dash.data.schema import SPECS

    def table(rel: str, numeric: tuple[str, ...]) -> pd.DataFrame:
        path = root / "indicators" / rel
        if not path.exists():
            spec = SPECS[f"indicators/{rel}"]
            return pd.DataFrame(columns=list(spec.columns))
        df = read_table(path)
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
