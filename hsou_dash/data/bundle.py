"""Install and validate a data bundle.

A bundle is a folder (or an http(s) base URL) laid out as ``boundaries/`` and ``indicators/``.
Installation copies it into a staging folder, validates every file and only then replaces the
installed bundle, so a bad bundle never breaks a working app.
"""

from __future__ import annotations

import gzip
import io
import shutil
import tempfile
import urllib.error
import unicodedata
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from hsou_dash.data.schema import FILES, SPECS, STRING_COLUMNS, FileSpec


@dataclass(frozen=True)
class Problem:
    """One validation finding, phrased for a person fixing the file."""

    file: str
    message: str
    row: int | None = None  # 1-based line in a CSV (header = line 1), feature number in GeoJSON

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}, row {self.row}"
        return f"{where}: {self.message}"


class BundleError(Exception):
    """Raised when a bundle cannot be installed or loaded; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV (plain or gzipped) keeping every code column as text.

    Text is normalised to NFC: one bundle file stores names in decomposed Unicode, and
    "Ústecko-chomutovská" must compare equal however it was typed. Combining accents are the
    UTF-8 lead bytes 0xCC/0xCD, so a byte search skips the costly step for clean files.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        raw = fh.read()
    if b"\xcc" in raw or b"\xcd" in raw:
        raw = unicodedata.normalize("NFC", raw.decode("utf-8")).encode("utf-8")
    head = pd.read_csv(io.BytesIO(raw), nrows=0)
    dtypes = {c: "string" for c in head.columns if c in STRING_COLUMNS}
    return pd.read_csv(io.BytesIO(raw), dtype=dtypes, keep_default_na=True)


def read_layer(path: Path) -> gpd.GeoDataFrame:
    """Read a GeoJSON layer; codes are stored as strings in the bundle and stay strings."""
    return gpd.read_file(path)


def _row(idx: int, spec: FileSpec) -> int:
    """Human row number: CSV data start on line 2; GeoJSON features count from 1."""
    return idx + (2 if spec.path.endswith((".csv", ".csv.gz")) else 1)


def _first_rows(mask: pd.Series, limit: int = 5) -> list[int]:
    return [int(i) for i in mask[mask].index[:limit]]


def check_frame(df: pd.DataFrame, spec: FileSpec) -> list[Problem]:
    """Check one table against its spec: columns, code format, numbers, booleans, unique keys."""
    problems: list[Problem] = []
    missing = [c for c in spec.columns if c not in df.columns]
    if missing:
        return [Problem(spec.path, f"missing column(s): {', '.join(missing)}")]
    df = df.reset_index(drop=True)
    for col, digits in spec.codes.items():
        text = df[col].astype("string")
        bad = ~text.fillna("").str.fullmatch(rf"\d{{{digits}}}")
        for i in _first_rows(bad):
            problems.append(Problem(spec.path, f"{col} {text[i]!r} is not a {digits}-digit code",
                                    _row(i, spec)))
    for col in spec.numeric:
        values = pd.to_numeric(df[col], errors="coerce")
        bad = values.isna() & df[col].notna() & (df[col].astype("string").str.strip() != "")
        for i in _first_rows(bad):
            problems.append(Problem(spec.path, f"{col} {df[col][i]!r} is not a number",
                                    _row(i, spec)))
    for col in spec.boolean:
        text = df[col].astype("string").str.strip().str.lower()
        bad = ~text.isin(["true", "false"])
        for i in _first_rows(bad):
            problems.append(Problem(spec.path, f"{col} {df[col][i]!r} is not True/False",
                                    _row(i, spec)))
    if spec.key:
        dup = df.duplicated(list(spec.key), keep="first")
        for i in _first_rows(dup):
            key = ", ".join(f"{k}={df[k][i]}" for k in spec.key)
            problems.append(Problem(spec.path, f"duplicate key ({key})", _row(i, spec)))
    return problems


def check_layer(gdf: gpd.GeoDataFrame, spec: FileSpec) -> list[Problem]:
    """Check a boundary layer: CRS, non-empty valid geometry, then its attribute table."""
    problems: list[Problem] = []
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        problems.append(Problem(spec.path, f"CRS must be EPSG:4326, found {gdf.crs}"))
    geom = gdf.geometry.reset_index(drop=True)
    for i in _first_rows(geom.isna() | geom.is_empty):
        problems.append(Problem(spec.path, "feature has no geometry", i + 1))
    for i in _first_rows(~geom.is_valid & ~geom.isna()):
        problems.append(Problem(spec.path, "invalid geometry", i + 1))
    return problems + check_frame(pd.DataFrame(gdf.drop(columns="geometry")), spec)


def validate(root: Path) -> list[Problem]:
    """Validate a bundle folder; return every problem found (empty list = valid)."""
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    for spec in FILES:
        path = root / spec.path
        if not path.exists():
            if spec.required:
                problems.append(Problem(spec.path, "required file is missing"))
            continue
        if not spec.columns:
            continue
        try:
            if spec.path.endswith(".geojson"):
                frame = read_layer(path)
                problems += check_layer(frame, spec)
            else:
                frame = read_table(path)
                problems += check_frame(frame, spec)
        except Exception as exc:  # a file we cannot even parse: say which and why
            problems.append(Problem(spec.path, f"cannot be read: {exc.__class__.__name__}: {exc}"))
            continue
        tables[spec.path] = frame
    problems += _cross_checks(tables)
    return problems


def _unknown_refs(tables: dict[str, pd.DataFrame], names: tuple[str, ...], column: str,
                  target: str, label: str) -> list[Problem]:
    """Rows of ``names`` whose ``column`` value does not exist in the same column of ``target``
    (``label`` names the target in the message)."""
    ref = tables.get(target)
    if ref is None:
        return []
    allowed = set(ref[column])
    problems = []
    for name in names:
        df = tables.get(name)
        if df is None or column not in df.columns:
            continue
        df = df.reset_index(drop=True)
        for i in _first_rows(~df[column].isin(allowed)):
            problems.append(Problem(name, f"{column} {df[column][i]!r} is not in {label}",
                                    _row(i, SPECS[name])))
    return problems


def _cross_checks(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """References between files: indicator ids in the catalogue, ORP codes in the boundaries."""
    return (
        _unknown_refs(tables, ("indicators/indicators_orp.csv", "indicators/indicators_obec.csv",
                               "indicators/indicators_obec_cz.csv.gz"),
                      "indicator_id", "indicators/indicators_catalog.csv",
                      "indicators_catalog.csv")
        + _unknown_refs(tables, ("indicators/indicators_orp.csv",
                                 "indicators/hsou_classification.csv"),
                        "orp_code", "boundaries/orp.geojson", "boundaries/orp.geojson")
    )


def _fetch(source: str, dest: Path) -> list[Problem]:
    """Copy every known file from a folder or an http(s) base URL into ``dest``."""
    problems: list[Problem] = []
    is_url = source.startswith(("http://", "https://"))
    for spec in FILES:
        target = dest / spec.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if is_url:
            url = source.rstrip("/") + "/" + spec.path
            try:
                with urllib.request.urlopen(url, timeout=60) as resp, open(target, "wb") as out:
                    shutil.copyfileobj(resp, out)
            except urllib.error.HTTPError as exc:
                if exc.code != 404 or spec.required:
                    problems.append(Problem(spec.path, f"download failed: HTTP {exc.code} {url}"))
            except (urllib.error.URLError, OSError) as exc:
                problems.append(Problem(spec.path, f"download failed: {exc} ({url})"))
        else:
            src = Path(source) / spec.path
            if src.exists():
                shutil.copy2(src, target)
    return problems


def install(source: str | Path, target: Path) -> None:
    """Fetch, validate and atomically install a bundle; raise :class:`BundleError` if invalid.

    The previously installed bundle stays in place when anything fails.
    """
    source = str(source)
    if not source.startswith(("http://", "https://")) and not Path(source).is_dir():
        raise BundleError([Problem(source, "source is neither a folder nor an http(s) URL")])
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".bundle-", dir=target.parent))
    try:
        problems = _fetch(source, staging)
        problems += validate(staging) if not problems else []
        if problems:
            raise BundleError(problems)
        old = target.with_name(target.name + ".old")
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            target.rename(old)
        staging.rename(target)
        if old.exists():
            shutil.rmtree(old)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
