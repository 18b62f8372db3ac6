"""Refresh the bundle's boundaries from ČÚZK RÚIAN exports (``data boundaries`` command).

Every January a few obce merge or move between ORP. The export ČÚZK publishes (Shapefile,
GeoPackage or GeoJSON; S-JTSK or WGS 84) carries RÚIAN codes and names; the app wants ČSÚ ORP
codes, NUTS3 kraj codes, nested layers in EPSG:4326 and codes as strings. This module reads the
ORP and obce layers of such an export, checks them, turns them into the bundle's six boundary
files and installs them through the same crash-safe path as ``data install``
(:func:`hsou_dash.data.bundle.stage_and_publish`): a copy of the installed bundle with new
``boundaries/`` is validated as a whole, then swapped in with one rename.

Choices, and why:

* **Obce carry the geometry.** The obce layer is simplified as one coverage (neighbours keep
  identical edges); ORP are the union of their obce and kraje the union of their ORP, so the
  three layers nest exactly, as in the bundle built by hand. The ORP layer supplies names, the
  RÚIAN→ČSÚ code link and a check that every obec lies in the ORP it names.
* **RÚIAN ORP codes are not ČSÚ codes** (Teplice: RÚIAN 914, ČSÚ 4213). They are translated
  with the installed bundle's ``orp_ruian_code`` column, and the export's name must agree with
  the bundle's for every ORP — a wrong link would silently move data to another district.
* **A code the indicators use must exist.** Otherwise values would lose their shape and the
  bundle would fail ``data check``: the import refuses (no override flag — publish indicators
  for the new territory first, then refresh). Codes that appeared, disappeared or moved
  between ORP are reported without rows.
* **No invented dates.** The attribution names the export's date only when the user gives it
  (``--date``) or the file names carry one; otherwise it says the date is unknown.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from hsou_dash.data.bundle import (
    BundleError,
    Installed,
    Problem,
    copy_bundle,
    describe_error,
    read_table,
    stage_and_publish,
    validate,
)
from hsou_dash.data.geometry import METRIC_CRS
from hsou_dash.data.schema import CZECHIA_BOUNDS, DETAILED_KRAJ, FILES
from hsou_dash.escape import md

#: Default coverage simplification, metres: the tolerance of the hand-built ``orp.geojson``.
DEFAULT_TOLERANCE_M = 50.0
#: File formats read (a ``.zip`` is searched for these inside).
FORMATS = (".shp", ".gpkg", ".geojson", ".json")
#: Stored coordinates: 7 decimals (about 1 cm), as in the bundle.
GRID = 1e-7
#: How many codes a summary line lists before "… and N more".
SHOWN = 8

# Column names recognised in an export, case-insensitive: the bundle's own names first (an
# export of the bundle itself), then RÚIAN's. ``KOD`` of an ORP layer is a RÚIAN ORP code.
ORP_CODE_CSU = ("orp_code",)
ORP_CODE_RUIAN = ("kod", "orp_ruian_code")
ORP_NAME = ("orp_name", "nazev")
KRAJ_NUTS = ("kraj_code", "nuts3_kod")
KRAJ_RUIAN = ("kraj_ruian_code", "vusc_kod")
OBEC_CODE = ("obec_code", "kod")
OBEC_NAME = ("obec_name", "nazev")
OBEC_ORP_RUIAN = ("orp_kod",)
OKRES_LAU = ("okres_lau", "lau1_kod")


# --- finding and reading the layers ---------------------------------------------------------

@dataclass(frozen=True)
class LayerRef:
    """One polygon layer of the export."""

    #: what GDAL opens (``/vsizip/…`` for a member of a ZIP archive)
    path: str
    layer: str
    #: file name (and layer) for messages and SOURCES.md: never a server path
    label: str


def _kind(name: str, fields: Sequence[str]) -> str | None:
    """``"orp"``, ``"obce"`` or ``None`` for a layer, by its name, else by its columns."""
    upper = name.upper()
    if upper.startswith("ORP"):
        return "orp"
    if upper.startswith(("OBCE", "OBEC")):
        return "obce"
    cols = {f.lower() for f in fields}
    if "obec_code" in cols or {"kod", "orp_kod"} <= cols:
        return "obce"
    if "orp_code" in cols:
        return "orp"
    return None


def _candidates(source: Path, named: bool = True) -> list[tuple[str, str, bool]]:
    """(GDAL path, label, named) of every file to look into in ``source`` (a file, folder or
    ZIP). ``named``: the user gave the file itself, so a file that cannot be read is a problem;
    a file found in a folder is one only if its name says ORP or obce (a ČÚZK folder holds
    other layers, and a stray ``.json`` must not stop the import)."""
    if source.is_dir():
        files = sorted(p for p in source.rglob("*") if p.suffix.lower() in (*FORMATS, ".zip"))
        return [c for f in files for c in _candidates(f, named=False)]
    if source.suffix.lower() == ".zip":
        with zipfile.ZipFile(source) as archive:
            names = [n for n in archive.namelist() if Path(n).suffix.lower() in FORMATS]
        return [(f"/vsizip/{source}/{n}", f"{source.name}/{n}", named) for n in sorted(names)]
    return [(str(source), source.name, named)]


def find_layers(sources: Sequence[Path]) -> tuple[dict[str, list[LayerRef]], list[Problem]]:
    """The ORP and obce polygon layers among ``sources``; other layers are ignored."""
    found: dict[str, list[LayerRef]] = {"orp": [], "obce": []}
    problems: list[Problem] = []
    for source in sources:
        if not source.exists():
            problems.append(Problem(source.name, "no such file or folder"))
            continue
        try:
            candidates = _candidates(source)
        except (OSError, zipfile.BadZipFile) as exc:
            problems.append(Problem(source.name, f"cannot be read: {describe_error(exc)}"))
            continue
        for path, label, named in candidates:
            try:
                layers = pyogrio.list_layers(path)
            except Exception as exc:  # GDAL's errors: not a format it knows, a broken file…
                if named or _kind(Path(label).stem, ()):
                    problems.append(Problem(label, f"cannot be read: {describe_error(exc)}"))
                continue
            for name, geom_type in layers:
                if any(k in str(geom_type).lower() for k in ("point", "line")):
                    continue  # ČÚZK ships points and lines beside the polygons (a GeoJSON of
                    # polygons and multipolygons is "Unknown": read, then checked)
                try:
                    fields = list(pyogrio.read_info(path, layer=name)["fields"])
                except Exception as exc:
                    problems.append(Problem(label, f"cannot be read: {describe_error(exc)}"))
                    continue
                kind = _kind(str(name), fields)
                if kind:
                    shown = label if len(layers) == 1 else f"{label}:{name}"
                    found[kind].append(LayerRef(path, str(name), shown))
    return found, problems


def _column(df: pd.DataFrame, names: Sequence[str]) -> str | None:
    """The first column of ``df`` matching one of ``names`` (case-insensitive)."""
    lower = {str(c).lower(): c for c in df.columns}
    return next((lower[n] for n in names if n in lower), None)


def _codes(values: pd.Series) -> pd.Series:
    """Codes as text: a Shapefile stores them as numbers (``922`` or ``922.0``)."""
    if pd.api.types.is_numeric_dtype(values):
        num = pd.to_numeric(values, errors="coerce")
        whole = num.notna() & (num == num.round())
        out = pd.Series(pd.NA, index=values.index, dtype="string")
        out[whole] = num[whole].astype("int64").astype(str)
        return out
    return values.astype("string").str.strip()


def _fold(text: object) -> str:
    """Lower case without diacritics or spaces: the export and the bundle spell names alike
    but may differ in composition, case or hyphenation."""
    plain = unicodedata.normalize("NFKD", str(text).casefold())
    return re.sub(r"[\W_]+", "", "".join(c for c in plain if not unicodedata.combining(c)))


def _listed(codes: Sequence[str], names: dict[str, str] | None = None) -> str:
    shown = [f"{c} {names[c]}" if names and c in names else c for c in codes[:SHOWN]]
    more = f" … and {len(codes) - SHOWN} more" if len(codes) > SHOWN else ""
    return ", ".join(shown) + more


def _first_rows(mask: pd.Series) -> list[int]:
    return [int(i) + 1 for i in np.flatnonzero(mask.to_numpy())[:5]]


@dataclass(frozen=True)
class ReadOptions:
    """How to read an export whose files say too little about themselves."""

    #: coordinate system of the export, over what the files say (GDAL reads a GeoJSON without
    #: a ``crs`` member as WGS 84, and a Shapefile without ``.prj`` as nothing)
    crs: str | None = None
    #: text encoding of the attributes, over what the files say (ČÚZK: Windows-1250)
    encoding: str | None = None
    #: coverage simplification, metres
    tolerance: float = DEFAULT_TOLERANCE_M


def read_layer(ref: LayerRef, opts: ReadOptions) -> tuple[gpd.GeoDataFrame | None,
                                                          list[Problem]]:
    """One layer in EPSG:4326 with its geometry checked: present, polygonal, valid, in a known
    CRS and inside Czechia."""
    try:
        extra = {"encoding": opts.encoding} if opts.encoding else {}
        gdf = gpd.read_file(ref.path, layer=ref.layer, **extra)
    except Exception as exc:
        return None, [Problem(ref.label, f"cannot be read: {describe_error(exc)}")]
    problems = []
    geom = gdf.geometry.reset_index(drop=True)
    empty = geom.isna() | geom.is_empty
    for row in _first_rows(empty):
        problems.append(Problem(ref.label, "feature has no geometry", row))
    polygonal = geom.geom_type.isin(["Polygon", "MultiPolygon"])
    for row in _first_rows(~empty & ~polygonal):
        problems.append(Problem(ref.label, f"not a polygon but {geom[row - 1].geom_type}", row))
    invalid = ~empty & polygonal & ~geom.is_valid
    for row in _first_rows(invalid):
        reason = shapely.is_valid_reason(geom[row - 1])
        problems.append(Problem(ref.label, f"invalid geometry ({reason})", row))
    if len(gdf) == 0:
        problems.append(Problem(ref.label, "the layer has no features"))
    if opts.crs is not None:
        try:
            gdf = gdf.set_crs(opts.crs, allow_override=True)
        except Exception as exc:
            return None, [Problem(ref.label, f"--crs {opts.crs!r}: {describe_error(exc)}")]
    elif gdf.crs is None:
        problems.append(Problem(ref.label, "the file names no coordinate system: give it with "
                                           "--crs (EPSG:5514 for S-JTSK, EPSG:4326 for WGS 84)"))
    if problems:
        return None, problems
    try:
        wgs = gdf.to_crs(4326).reset_index(drop=True)
    except Exception as exc:
        return None, [Problem(ref.label, f"cannot be reprojected from {gdf.crs.name}: "
                                         f"{describe_error(exc)}")]
    x0, y0, x1, y1 = (float(v) for v in wgs.total_bounds)
    lon0, lat0, lon1, lat1 = CZECHIA_BOUNDS
    if not (x0 >= lon0 and x1 <= lon1 and y0 >= lat0 and y1 <= lat1):
        return None, [Problem(ref.label, f"read as {gdf.crs.name}, the features lie outside "
                                         f"Czechia (lon {x0:.2f}…{x1:.2f}, lat {y0:.2f}…"
                                         f"{y1:.2f}): give the right coordinate system "
                                         "with --crs")]
    wgs.attrs["source_crs"] = gdf.crs.to_string()  # for SOURCES.md
    return wgs, []


# --- what the installed bundle says -----------------------------------------------------------

#: Files whose rows use ORP or obec codes: every such code must keep a shape.
_INDICATOR_FILES = tuple(s.path for s in FILES if s.is_table
                         and ({"orp_code", "obec_code"} & set(s.columns)))


@dataclass(frozen=True)
class Reference:
    """The installed bundle's boundaries and the codes its tables use."""

    orp: pd.DataFrame
    kraje: pd.DataFrame
    obce: pd.DataFrame
    #: code → the first file using it
    used_orp: dict[str, str]
    used_obce: dict[str, str]


def read_reference(root: Path) -> Reference:
    """Attributes of the installed boundaries and every ORP/obec code of its tables."""
    def attrs(rel: str) -> pd.DataFrame:
        return pd.DataFrame(gpd.read_file(root / rel, ignore_geometry=True))

    used: dict[str, dict[str, str]] = {"orp_code": {}, "obec_code": {}}
    for rel in _INDICATOR_FILES:
        path = root / rel
        if not path.exists():
            continue
        table = read_table(path)  # as the validation reads it: gzip, BOM, codes as text
        for col in [c for c in used if c in table.columns]:
            for code in table[col].dropna().unique():
                used[col].setdefault(str(code), rel)
    return Reference(orp=attrs("boundaries/orp.geojson"), kraje=attrs("boundaries/kraje.geojson"),
                     obce=attrs("boundaries/obce_points_cz.geojson"),
                     used_orp=used["orp_code"], used_obce=used["obec_code"])


# --- from the export to the bundle's attributes ---------------------------------------------

def _orp_attributes(gdf: gpd.GeoDataFrame, label: str,
                    ref: Reference) -> tuple[pd.DataFrame, list[Problem]]:
    """``orp_code`` (ČSÚ), ``orp_name``, ``orp_ruian_code``, ``kraj_code`` per ORP feature."""
    problems: list[Problem] = []
    name_col = _column(gdf, ORP_NAME)
    csu_col, ruian_col = _column(gdf, ORP_CODE_CSU), _column(gdf, ORP_CODE_RUIAN)
    if name_col is None or (csu_col is None and ruian_col is None):
        return pd.DataFrame(), [Problem(label, "an ORP layer needs a code (KOD or orp_code) and "
                                               "a name (NAZEV or orp_name)")]
    out = pd.DataFrame({"orp_name": gdf[name_col].astype("string").str.strip()})
    known = ref.orp.set_index("orp_code")
    if csu_col is not None:
        out["orp_code"] = _codes(gdf[csu_col])
        out["orp_ruian_code"] = (_codes(gdf[ruian_col]) if ruian_col is not None
                                 else out["orp_code"].map(known["orp_ruian_code"]))
    else:
        out["orp_ruian_code"] = _codes(gdf[ruian_col])
        link = ref.orp.drop_duplicates("orp_ruian_code").set_index("orp_ruian_code")["orp_code"]
        out["orp_code"] = out["orp_ruian_code"].map(link).astype("string")
        unknown = out["orp_code"].isna()
        if unknown.any():
            pairs = dict(zip(out.loc[unknown, "orp_ruian_code"].fillna("?"),
                             out.loc[unknown, "orp_name"].fillna("?"), strict=True))
            problems.append(Problem(label, f"{int(unknown.sum())} RÚIAN ORP code(s) have no ČSÚ "
                                           f"code in the installed bundle (orp_ruian_code): "
                                           f"{_listed(list(pairs), pairs)}"))
    bad = out["orp_code"].notna() & ~out["orp_code"].fillna("").str.fullmatch(r"\d{4}")
    for row in _first_rows(bad):
        problems.append(Problem(label, f"ORP code {out['orp_code'][row - 1]!r} is not a 4-digit "
                                       "ČSÚ code", row))
    # an installed bundle has unique ORP codes (validated); a link to the wrong ORP shows as a
    # different name
    old_name = out["orp_code"].map(known["orp_name"])
    differs = old_name.notna() & (out["orp_name"].map(_fold) != old_name.map(_fold))
    for row in _first_rows(differs):
        problems.append(Problem(label, f"ORP {out['orp_ruian_code'][row - 1]} is named "
                                       f"{out['orp_name'][row - 1]!r} here but ČSÚ ORP "
                                       f"{out['orp_code'][row - 1]} is {old_name[row - 1]!r} "
                                       "in the installed bundle: the code link is wrong", row))
    if differs.any():
        problems.append(Problem(label, "if these names look garbled, the attribute encoding "
                                       "was misread: ČÚZK's Shapefiles are Windows-1250 "
                                       "(--encoding cp1250)"))
    for row in _first_rows(out["orp_code"].duplicated() & out["orp_code"].notna()):
        problems.append(Problem(label, f"ORP {out['orp_code'][row - 1]} appears twice", row))
    out["kraj_code"] = _kraj_codes(gdf, out, ref)
    for row in _first_rows(out["kraj_code"].isna() & out["orp_code"].notna()):
        problems.append(Problem(label, f"ORP {out['orp_code'][row - 1]}: no kraj (NUTS3_KOD, "
                                       "VUSC_KOD or kraj_code)", row))
    return out, problems


def _kraj_codes(gdf: gpd.GeoDataFrame, out: pd.DataFrame, ref: Reference) -> pd.Series:
    """NUTS3 kraj code of each ORP: the export's NUTS3_KOD, else its VUSC_KOD translated by the
    bundle, else the kraj the bundle gives the ORP (an ORP has never changed kraj)."""
    nuts, vusc = _column(gdf, KRAJ_NUTS), _column(gdf, KRAJ_RUIAN)
    if nuts is not None:
        return gdf[nuts].astype("string").str.strip()
    if vusc is not None:
        link = ref.kraje.drop_duplicates("kraj_ruian_code").set_index("kraj_ruian_code")
        return _codes(gdf[vusc]).map(link["kraj_code"]).astype("string")
    return out["orp_code"].map(ref.orp.set_index("orp_code")["kraj_code"]).astype("string")


def _obce_attributes(gdf: gpd.GeoDataFrame, label: str, orp: pd.DataFrame,
                     ref: Reference) -> tuple[pd.DataFrame, list[Problem]]:
    """``obec_code``, ``obec_name``, ``orp_code`` (ČSÚ), ``okres_lau`` per obec feature."""
    code_col, name_col = _column(gdf, OBEC_CODE), _column(gdf, OBEC_NAME)
    csu_col, ruian_col = _column(gdf, ORP_CODE_CSU), _column(gdf, OBEC_ORP_RUIAN)
    if code_col is None or name_col is None or (csu_col is None and ruian_col is None):
        return pd.DataFrame(), [Problem(label, "an obce layer needs a code (KOD or obec_code), a "
                                               "name (NAZEV or obec_name) and its ORP (ORP_KOD "
                                               "or orp_code)")]
    out = pd.DataFrame({"obec_code": _codes(gdf[code_col]),
                        "obec_name": gdf[name_col].astype("string").str.strip()})
    if csu_col is not None:
        out["orp_code"] = _codes(gdf[csu_col])
    else:
        link = pd.concat([ref.orp[["orp_ruian_code", "orp_code"]],
                          orp[["orp_ruian_code", "orp_code"]]]).dropna()
        link = link.drop_duplicates("orp_ruian_code", keep="last").set_index("orp_ruian_code")
        out["orp_code"] = _codes(gdf[ruian_col]).map(link["orp_code"]).astype("string")
    lau = _column(gdf, OKRES_LAU)
    out["okres_lau"] = (gdf[lau].astype("string").str.strip() if lau is not None
                        else pd.Series(pd.NA, index=out.index, dtype="string"))
    problems = []
    bad = ~out["obec_code"].fillna("").str.fullmatch(r"\d{6}")
    for row in _first_rows(bad):
        problems.append(Problem(label, f"obec code {out['obec_code'][row - 1]!r} is not a "
                                       "6-digit code", row))
    for row in _first_rows(out["obec_code"].duplicated() & ~bad):
        problems.append(Problem(label, f"obec {out['obec_code'][row - 1]} appears twice", row))
    stray = ~out["orp_code"].isin(orp["orp_code"].dropna())
    for row in _first_rows(stray):
        problems.append(Problem(label, f"obec {out['obec_code'][row - 1]} names an ORP that is "
                                       "not in the ORP layer", row))
    return out, problems


def _membership(obce: gpd.GeoDataFrame, orp: gpd.GeoDataFrame, label: str) -> list[Problem]:
    """Each obec must lie in the ORP polygon it names (a wrong ORP_KOD would redraw a district)."""
    inner = gpd.GeoDataFrame({"obec_code": obce["obec_code"], "named": obce["orp_code"]},
                             geometry=obce.geometry.representative_point(), crs=obce.crs)
    hit = gpd.sjoin(inner, orp[["orp_code", "geometry"]], predicate="within", how="left")
    hit = hit.groupby(level=0)["orp_code"].agg(lambda s: set(s.dropna()))
    wrong = [i for i, found in hit.items() if inner["named"][i] not in found]
    problems = [Problem(label, f"obec {inner['obec_code'][i]} names ORP {inner['named'][i]} but "
                               f"lies in {', '.join(sorted(hit[i])) or 'no ORP polygon'}", i + 1)
                for i in wrong[:5]]
    if len(wrong) > 5:
        problems.append(Problem(label, f"{len(wrong)} obce lie outside the ORP they name"))
    empty = sorted(set(orp["orp_code"].dropna()) - set(obce["orp_code"].dropna()))
    if empty:
        problems.append(Problem(label, f"{len(empty)} ORP have no obce in the obce layer: "
                                       f"{_listed(empty)}"))
    return problems


# --- changes against the installed boundaries ------------------------------------------------

@dataclass(frozen=True)
class Changes:
    """What the new boundaries change, by code (no rows)."""

    orp_names: dict[str, str]
    obec_names: dict[str, str]
    orp_appeared: list[str] = field(default_factory=list)
    orp_disappeared: list[str] = field(default_factory=list)
    obce_appeared: list[str] = field(default_factory=list)
    obce_disappeared: list[str] = field(default_factory=list)
    #: (obec, ORP before, ORP now)
    obce_moved: list[tuple[str, str, str]] = field(default_factory=list)
    #: codes the indicator tables use that the new boundaries lack (an error)
    missing_orp: dict[str, str] = field(default_factory=dict)
    missing_obce: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The summary a person reads: counts and codes, one line per kind of change."""
        out = []
        for what, codes, names in (("ORP appeared", self.orp_appeared, self.orp_names),
                                   ("ORP disappeared", self.orp_disappeared, self.orp_names),
                                   ("obce appeared", self.obce_appeared, self.obec_names),
                                   ("obce disappeared", self.obce_disappeared, self.obec_names)):
            out.append(f"{what}: {len(codes)}" + (f" ({_listed(codes, names)})" if codes else ""))
        moved = [f"{o} {self.obec_names.get(o, '')} {a}→{b}".replace("  ", " ")
                 for o, a, b in self.obce_moved]
        out.append(f"obce moved to another ORP: {len(moved)}"
                   + (f" ({_listed(moved)})" if moved else ""))
        return out

    def problems(self) -> list[Problem]:
        """Codes used by the indicators but absent from the new boundaries."""
        out = []
        for what, missing, names in (("ORP", self.missing_orp, self.orp_names),
                                     ("obec", self.missing_obce, self.obec_names)):
            if missing:
                files = ", ".join(sorted(set(missing.values())))
                out.append(Problem("boundaries", f"{len(missing)} {what} code(s) used by {files} "
                                                 f"are not in the new boundaries: "
                                                 f"{_listed(sorted(missing), names)}; nothing "
                                                 "was changed (publish indicators for the new "
                                                 "territory first; --output converts the "
                                                 "boundaries without installing them)"))
        return out


def compare(orp: pd.DataFrame, obce: pd.DataFrame, ref: Reference) -> Changes:
    """Codes that appeared, disappeared or moved between ORP, and used codes now missing."""
    old_orp, new_orp = set(ref.orp["orp_code"].dropna()), set(orp["orp_code"].dropna())
    old_obce = ref.obce.drop_duplicates("obec_code").set_index("obec_code")["orp_code"]
    new_obce = obce.set_index("obec_code")["orp_code"]
    both = old_obce.index.intersection(new_obce.index)
    moved = [(str(c), str(old_obce[c]), str(new_obce[c])) for c in sorted(both)
             if old_obce[c] != new_obce[c]]
    names_orp = {**dict(zip(ref.orp["orp_code"], ref.orp["orp_name"], strict=True)),
                 **dict(zip(orp["orp_code"], orp["orp_name"], strict=True))}
    names_obce = {**dict(zip(ref.obce["obec_code"], ref.obce["obec_name"], strict=True)),
                  **dict(zip(obce["obec_code"], obce["obec_name"], strict=True))}
    return Changes(
        orp_names={str(k): str(v) for k, v in names_orp.items()},
        obec_names={str(k): str(v) for k, v in names_obce.items()},
        orp_appeared=sorted(new_orp - old_orp), orp_disappeared=sorted(old_orp - new_orp),
        obce_appeared=sorted(set(new_obce.index) - set(old_obce.index)),
        obce_disappeared=sorted(set(old_obce.index) - set(new_obce.index)),
        obce_moved=moved,
        missing_orp={c: f for c, f in ref.used_orp.items() if c not in new_orp},
        missing_obce={c: f for c, f in ref.used_obce.items() if c not in new_obce.index},
    )


# --- geometry: one simplified coverage, nested layers ----------------------------------------

def _stored(geoms: np.ndarray) -> np.ndarray:
    """EPSG:4326 geometry on the bundle's 1e-7° grid; a polygon the rounding made invalid
    (a sliver collapsing) is snapped validly instead."""
    out = shapely.transform(geoms, lambda xy: np.round(xy, 7))
    bad = ~shapely.is_valid(out)
    if bad.any():
        out[bad] = shapely.set_precision(geoms[bad], GRID)
    return out


def _dissolve(geoms: np.ndarray, keys: pd.Series, exact: bool) -> dict[str, shapely.Geometry]:
    """Union per key: of a clean coverage (fast and exact: shared edges are identical, so no
    slivers), else the general, slower union."""
    union = shapely.coverage_union_all if exact else shapely.union_all
    return {str(k): union(geoms[np.flatnonzero((keys == k).to_numpy())]) for k in keys.unique()}


def _coverage_note(geoms: np.ndarray, label: str) -> str | None:
    """Why the obce are not a clean coverage (neighbours whose shared borders differ), or
    ``None``. ČÚZK's layers are clean; a layer edited elsewhere may not be. It is still
    imported — every output polygon is validated — but the note goes into SOURCES.md."""
    if shapely.coverage_is_valid(geoms):
        return None
    edges = shapely.coverage_invalid_edges(geoms)
    rows = [str(int(i) + 1) for i in np.flatnonzero(~shapely.is_empty(edges))]
    return (f"{label}: {len(rows)} obce do not share their borders exactly with their "
            f"neighbours (features {_listed(rows)}); borders were simplified as well as "
            "possible and layers dissolved with a general union, so tiny slivers may remain")


# --- the whole preparation -------------------------------------------------------------------

@dataclass(frozen=True)
class Prepared:
    """New boundary layers in the bundle's shape, ready to be written."""

    orp: gpd.GeoDataFrame
    kraje: gpd.GeoDataFrame
    obce: gpd.GeoDataFrame
    points: gpd.GeoDataFrame
    changes: Changes
    labels: list[str]
    input_crs: list[str]
    tolerance: float
    #: what a person should know about the import (not problems: it went ahead)
    notes: list[str] = field(default_factory=list)


def _okres(obce: pd.DataFrame, ref: Reference) -> pd.DataFrame:
    """Okres code and name of each obec: by its LAU1 code when the export has one (names from
    the bundle), else the bundle's okres of that obec; unknown stays empty."""
    lau = ref.obce.dropna(subset=["okres_lau"]).drop_duplicates("okres_lau").set_index("okres_lau")
    old = ref.obce.drop_duplicates("obec_code").set_index("obec_code")
    out = pd.DataFrame(index=obce.index)
    out["okres_lau"] = obce["okres_lau"].fillna(obce["obec_code"].map(old["okres_lau"]))
    out["okres_code"] = out["okres_lau"].map(lau["okres_code"])
    out["okres"] = out["okres_lau"].map(lau["okres"])
    return out.astype("string")


def _orp_table(orp: pd.DataFrame, obce: pd.DataFrame, ref: Reference,
               area: pd.Series) -> pd.DataFrame:
    """Attributes of ``orp.geojson``: the okres holding most of an ORP's obce, kraj names
    from the bundle, area from the obce."""
    kraje = ref.kraje.drop_duplicates("kraj_code").set_index("kraj_code")
    per = obce.assign(area=area)
    main = (per.dropna(subset=["okres_lau"]).groupby(["orp_code", "okres_lau"]).size()
            .reset_index().sort_values([0, "okres_lau"], ascending=[False, True])
            .drop_duplicates("orp_code").set_index("orp_code")["okres_lau"])
    okres = per.dropna(subset=["okres_lau"]).drop_duplicates("okres_lau").set_index("okres_lau")
    out = orp[["orp_code", "orp_name", "orp_ruian_code"]].copy()
    out["okres_lau"] = out["orp_code"].map(main)
    out["okres_name"] = out["okres_lau"].map(okres["okres"])
    out["okres_code"] = out["okres_lau"].map(okres["okres_code"])
    out["orp_spans_okresy"] = out["orp_code"].map(per.groupby("orp_code")["okres_lau"].nunique())
    out["kraj_code"] = orp["kraj_code"]
    out["kraj_name"] = out["kraj_code"].map(kraje["kraj_name"])
    out["kraj_csu_code"] = out["kraj_code"].map(kraje["kraj_csu_code"])
    out["kraj_ruian_code"] = out["kraj_code"].map(kraje["kraj_ruian_code"])
    out["area_km2"] = out["orp_code"].map(per.groupby("orp_code")["area"].sum()).round(3)
    return out


def prepare(found: dict[str, list[LayerRef]], ref: Reference,
            opts: ReadOptions) -> tuple[Prepared | None, list[Problem]]:
    """Read, check and convert the export's two layers; problems instead of a result."""
    problems = []
    for kind in ("orp", "obce"):
        refs = found.get(kind, [])
        if len(refs) != 1:
            shown, cuzk = {"orp": "ORP", "obce": "obce"}[kind], f"{kind.upper()}_P"
            problems.append(Problem("export", (
                f"no {shown} layer found (ČÚZK names it {cuzk})" if not refs else
                f"{len(refs)} {shown} layers found ({', '.join(r.label for r in refs)}): "
                "give exactly one")))
    if problems:
        return None, problems
    orp_ref, obce_ref = found["orp"][0], found["obce"][0]
    orp_geo, p1 = read_layer(orp_ref, opts)
    obce_geo, p2 = read_layer(obce_ref, opts)
    if orp_geo is None or obce_geo is None:
        return None, p1 + p2
    orp, problems = _orp_attributes(orp_geo, orp_ref.label, ref)
    if problems:
        return None, problems
    obce, problems = _obce_attributes(obce_geo, obce_ref.label, orp, ref)
    if problems:
        return None, problems
    metric_orp = gpd.GeoDataFrame(orp, geometry=orp_geo.geometry.values,
                                  crs=4326).to_crs(METRIC_CRS)
    metric = gpd.GeoDataFrame(obce, geometry=obce_geo.geometry.values, crs=4326).to_crs(METRIC_CRS)
    problems = _membership(metric, metric_orp, obce_ref.label)
    if problems:
        return None, problems
    note = _coverage_note(metric.geometry.values, obce_ref.label)
    crs = [f"{opts.crs} (given with --crs)"] if opts.crs else \
        [str(orp_geo.attrs.get("source_crs")), str(obce_geo.attrs.get("source_crs"))]
    prep = _build(orp, obce, metric, ref, opts.tolerance, exact=note is None)
    return Prepared(**prep, labels=[orp_ref.label, obce_ref.label], input_crs=crs,
                    tolerance=opts.tolerance, notes=[note] if note else []), []


def _build(orp: pd.DataFrame, obce: pd.DataFrame, metric: gpd.GeoDataFrame, ref: Reference,
           tolerance: float, exact: bool) -> dict:
    """Simplify the obce coverage, dissolve ORP and kraje from it, attach attributes: the
    layers and changes of :class:`Prepared`."""
    area = metric.geometry.area / 1e6
    simplified = shapely.coverage_simplify(metric.geometry.values, tolerance)
    orp_geom = _dissolve(simplified, obce["orp_code"], exact)
    okres = _okres(obce, ref)
    obce = pd.concat([obce.drop(columns="okres_lau"), okres], axis=1)
    orp_table = _orp_table(orp, obce, ref, area)

    def wgs(geoms: Sequence[shapely.Geometry]) -> np.ndarray:
        return _stored(gpd.GeoSeries(list(geoms), crs=METRIC_CRS).to_crs(4326).values)

    orp_gdf = gpd.GeoDataFrame(orp_table, geometry=wgs([orp_geom[c] for c in orp_table.orp_code]),
                               crs=4326)
    kraj_geom = _dissolve(np.array([orp_geom[c] for c in orp_table.orp_code]),
                          orp_table["kraj_code"].reset_index(drop=True), exact)
    kraje_table = (orp_table.groupby("kraj_code", as_index=False)
                   .agg(kraj_name=("kraj_name", "first"), kraj_csu_code=("kraj_csu_code", "first"),
                        kraj_ruian_code=("kraj_ruian_code", "first"), n_orp=("orp_code", "size"),
                        area_km2=("area_km2", "sum")))
    kraje_table["area_km2"] = kraje_table["area_km2"].round(3)
    kraje_gdf = gpd.GeoDataFrame(kraje_table, crs=4326, geometry=wgs(
        [kraj_geom[c] for c in kraje_table.kraj_code]))
    orp_idx = orp_table.set_index("orp_code")
    obce = obce.assign(orp_name=obce["orp_code"].map(orp_idx["orp_name"]),
                       kraj_code=obce["orp_code"].map(orp_idx["kraj_code"]),
                       kraj_name=obce["orp_code"].map(orp_idx["kraj_name"]),
                       kraj_csu_code=obce["orp_code"].map(orp_idx["kraj_csu_code"]))
    inner = wgs(shapely.point_on_surface(simplified))
    obce["point_lon"] = np.round(shapely.get_x(inner), 7)
    obce["point_lat"] = np.round(shapely.get_y(inner), 7)
    obce["area_km2"] = area.round(3).to_numpy()
    obce_gdf = gpd.GeoDataFrame(obce, geometry=wgs(simplified), crs=4326)
    points = gpd.GeoDataFrame(obce.drop(columns=["point_lon", "point_lat", "area_km2"]),
                              geometry=inner, crs=4326)
    return {"orp": orp_gdf, "kraje": kraje_gdf, "obce": obce_gdf, "points": points,
            "changes": compare(orp_table, obce, ref)}


# --- the export's date and the attribution ---------------------------------------------------

_DATE_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_.]?(0[1-9]|1[0-2])"
                           r"(?:[-_.]?(0[1-9]|[12]\d|3[01]))?(?!\d)")


@dataclass(frozen=True)
class ExportDate:
    """The state date of the export, and where it came from (``None``: unknown)."""

    date: dt.date | None
    #: the date has a day (YYYY-MM-DD) rather than a month only
    has_day: bool = False
    origin: str = "unknown"

    def attribution_cs(self) -> str:
        when = f"stav {self.date:%m/%Y}" if self.date else "stav neuveden"
        return f"Hranice: © ČÚZK – RÚIAN ({when}), CC BY 4.0; upraveno"

    def attribution_en(self) -> str:
        when = f"{self.date:%B %Y}" if self.date else "date unknown"
        return f"Boundaries: © ČÚZK – RÚIAN ({when}), CC BY 4.0; modified"

    def shown(self) -> str:
        if self.date is None:
            return "unknown: give it with --date"
        return (f"{self.date:%Y-%m-%d}" if self.has_day else f"{self.date:%Y-%m}") + \
            f" ({self.origin})"


def parse_date(text: str) -> ExportDate:
    """``--date``: YYYY-MM-DD or YYYY-MM, not in the future; ``ValueError`` says why not."""
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text.strip())
    if not m:
        raise ValueError(f"--date {text!r}: use YYYY-MM-DD or YYYY-MM")
    try:
        date = dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError as exc:
        raise ValueError(f"--date {text!r}: {exc}") from None
    if date > dt.date.today():
        raise ValueError(f"--date {text!r} lies in the future")
    return ExportDate(date, m[3] is not None, "given with --date")


def date_from_names(labels: Sequence[str]) -> ExportDate:
    """A date written in the file names (ČÚZK's files start with ``YYYYMMDD_``), if they
    agree on exactly one; else unknown — a guess would put a wrong date on every map."""
    dates = set()
    for label in labels:
        for m in _DATE_IN_NAME.finditer(label):
            try:
                dates.add((dt.date(int(m[1]), int(m[2]), int(m[3] or 1)), m[3] is not None))
            except ValueError:
                continue
    if len(dates) != 1:
        return ExportDate(None)
    (date, has_day), = dates
    if date > dt.date.today():
        return ExportDate(None)
    return ExportDate(date, has_day, "from the file or folder name")


def sources_md(prep: Prepared, date: ExportDate) -> str:
    """``boundaries/SOURCES.md`` of the imported boundaries: origin, date, processing, changes.

    File and place names come from the export: escaped, as the page quoting this document
    renders Markdown.
    """
    files = ", ".join(md(label) for label in prep.labels)
    crs = ", ".join(sorted(set(prep.input_crs)))
    counts = "\n".join(
        f"| `{name}` | {len(gdf)} | {kind} |" for name, gdf, kind in (
            ("orp.geojson", prep.orp, "polygons"), ("kraje.geojson", prep.kraje, "polygons"),
            ("obce_ustecky.geojson", prep.obce[prep.obce.kraj_code == DETAILED_KRAJ],
             "polygons"),
            ("obce_ustecky_points.geojson", prep.points[prep.points.kraj_code == DETAILED_KRAJ],
             "points"),
            ("obce_points_cz.geojson", prep.points, "points"),
            ("obce_cz.geojson", prep.obce, "polygons, slim attributes")))
    changes = "\n".join(f"* {md(line)}" for line in prep.changes.lines())
    notes = "".join(f"\n* Note: {md(n)}" for n in prep.notes)
    return f"""# Boundary data: where it comes from, its licence, and how it was processed

Imported with `python -m hsou_dash data boundaries` on {dt.date.today():%Y-%m-%d} from
{files} (coordinate system {md(crs)}). All files are GeoJSON (RFC 7946), WGS 84
(EPSG:4326), coordinates rounded to 7 decimals; every code is stored as a **string**.

| file | features | geometry |
|---|---|---|
{counts}

## Source

* Dataset: **RÚIAN** (Registr územní identifikace, adres a nemovitostí), published by **ČÚZK**
  (Český úřad zeměměřický a katastrální), layers of ORP and obce.
* Data date: **{md(date.shown())}**.
* Licence: open data under **CC BY 4.0**.
* **Required attribution** (on every map): `{date.attribution_cs()}`
  ("{date.attribution_en()}")

## Processing

1. Both layers were read, their geometry checked (present, polygonal, valid) and reprojected
   to WGS 84; features outside Czechia would have stopped the import.
2. RÚIAN ORP codes were translated to ČSÚ ORP codes with the `orp_ruian_code` column of the
   bundle installed before; the export's ORP names had to match the bundle's for each code.
   Each obec had to lie in the ORP polygon its ORP code names.
3. The obce were simplified as one coverage (GEOS CoverageSimplifier, {prep.tolerance:g} m,
   in ETRS89-LAEA EPSG:3035), so neighbours keep identical borders. ORP are the union of
   their obce and kraje the union of their ORP: the three layers nest exactly.
4. `area_km2` was computed in EPSG:3035 from the unsimplified obce (ORP and kraje: sums).
5. Obec points (`obce_points_cz`, `obce_ustecky_points`, `point_lon`/`point_lat`) are points
   on the surface of the simplified polygons, not RÚIAN's definition points.
6. Okres: by the export's LAU1 code (names from the bundle installed before), else the
   bundle's okres of that obec; kraj names and ČSÚ/RÚIAN kraj codes from that bundle too.
   The ORP's okres is the one holding most of its obce. POU codes are not kept (RÚIAN's
   differ from ČSÚ's).
{notes}

## Changes against the boundaries installed before

{changes}

## Field dictionary

* `orp_code`: ČSÚ ORP code, 4 digits; `orp_ruian_code`: RÚIAN ORP code.
* `obec_code`: KOD_OBEC, 6 digits.
* `kraj_code`: NUTS3 code (`CZ042` = Ústecký); `kraj_csu_code`, `kraj_ruian_code`.
* `okres_lau`: LAU1 code; `okres` / `okres_name`: okres name; `okres_code`: ČSÚ okres code.
"""


# --- writing and installing ------------------------------------------------------------------

_GEOJSON = {"RFC7946": "YES", "COORDINATE_PRECISION": 7, "WRITE_NAME": "NO"}
_SLIM = ["obec_code", "obec_name", "orp_code", "okres_lau", "kraj_code", "geometry"]


def write(prep: Prepared, date: ExportDate, root: Path) -> list[str]:
    """Write the six boundary files and SOURCES.md into ``root/boundaries``; their names."""
    folder = root / "boundaries"
    folder.mkdir(parents=True, exist_ok=True)
    ustecky = prep.obce[prep.obce["kraj_code"] == DETAILED_KRAJ]
    layers = {"orp.geojson": prep.orp, "kraje.geojson": prep.kraje,
              "obce_ustecky.geojson": ustecky,
              "obce_ustecky_points.geojson": prep.points[prep.points["kraj_code"] == DETAILED_KRAJ],
              "obce_points_cz.geojson": prep.points, "obce_cz.geojson": prep.obce[_SLIM]}
    for name, gdf in layers.items():
        path = folder / name
        path.unlink(missing_ok=True)  # GDAL refuses to overwrite a GeoJSON file
        gdf.sort_values(gdf.columns[0]).to_file(path, driver="GeoJSON", layer_options=_GEOJSON)
    (folder / "SOURCES.md").write_text(sources_md(prep, date), encoding="utf-8")
    return [*layers, "SOURCES.md"]


@dataclass(frozen=True)
class Refreshed:
    """What a refresh did."""

    installed: Installed
    prepared: Prepared
    date: ExportDate

    @property
    def changes(self) -> Changes:
        return self.prepared.changes


def _prepare_from(sources: Sequence[Path], root: Path,
                  opts: ReadOptions) -> tuple[Prepared | None, list[Problem]]:
    found, problems = find_layers(sources)
    if problems:
        return None, problems
    try:
        ref = read_reference(root)
    except Exception as exc:  # the installed bundle itself is broken: say so, change nothing
        return None, [Problem("installed bundle", f"cannot be read: {describe_error(exc)}")]
    try:
        return prepare(found, ref, opts)
    except OSError:
        raise  # the machine, not the export: reported as such by the caller
    except Exception as exc:  # GEOS or GDAL refusing what the checks let through
        return None, [Problem("export", f"cannot be converted: {describe_error(exc)}")]


def _write(prep: Prepared, date: ExportDate, root: Path) -> list[Problem]:
    """:func:`write`, with a failure of GDAL as a problem rather than an exception."""
    try:
        write(prep, date, root)
    except OSError:
        raise
    except Exception as exc:
        return [Problem("boundaries", f"cannot be written: {describe_error(exc)}")]
    return []


def refresh(sources: Sequence[Path], target: Path, *, date: ExportDate | None = None,
            opts: ReadOptions = ReadOptions(), lock_timeout: float = 400.0) -> Refreshed:
    """Replace the installed bundle's boundaries by those of a RÚIAN export, atomically.

    Everything happens under the install lock, against the bundle installed at that moment:
    the export is read and checked, its codes compared with the indicator tables, a copy of
    the bundle with the new ``boundaries/`` is validated as a whole, and only then is the
    target swapped (:func:`~hsou_dash.data.bundle.stage_and_publish`). Raises
    :class:`BundleError` with every problem; the installed bundle is then untouched.
    """
    made: list[tuple[Prepared, ExportDate]] = []

    def fill(staging: Path, current: Path | None) -> list[Problem]:
        if current is None:
            return [Problem(str(target.name), "no bundle is installed here: install one first "
                                              "(`data install`); its indicators are what the "
                                              "new boundaries are checked against")]
        prep, problems = _prepare_from(sources, current, opts)
        if prep is None:
            return problems
        problems = prep.changes.problems()
        if problems:
            return problems
        problems = copy_bundle(current, staging)
        if problems:
            return problems
        used = date or date_from_names([*prep.labels, *(s.name for s in sources)])
        made.append((prep, used))
        return _write(prep, used, staging) or validate(staging)

    done = stage_and_publish(target, fill, lock_timeout)
    prep, used = made[0]
    return Refreshed(installed=done, prepared=prep, date=used)


def export(sources: Sequence[Path], reference: Path, out: Path, *,
           date: ExportDate | None = None,
           opts: ReadOptions = ReadOptions()) -> tuple[Prepared, ExportDate]:
    """Convert an export into ``out/boundaries/`` without installing anything.

    For a territorial change the indicators do not follow yet: the files can join a new
    bundle (with indicators for the new territory) that ``data install`` then validates.
    Missing codes are reported in the summary, not refused, since nothing is swapped.
    """
    prep, problems = _prepare_from(sources, reference, opts)
    if prep is None:
        raise BundleError(problems)
    used = date or date_from_names([*prep.labels, *(s.name for s in sources)])
    try:
        problems = _write(prep, used, out)
    except OSError as exc:
        problems = [Problem(out.name, f"cannot be written: {describe_error(exc)}")]
    if problems:
        raise BundleError(problems)
    return prep, used
