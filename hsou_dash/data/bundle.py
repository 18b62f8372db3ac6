"""Install and validate a data bundle.

A bundle is a folder (or an http(s) base URL) laid out as ``boundaries/`` and ``indicators/``.

Installing is arranged so that a running app finds a complete, valid bundle at every instant:

* files are fetched into a staging folder beside the target; downloads run under an overall
  deadline and a minimum average transfer rate, and each one is checked for completeness
  (Content-Length, a final line break, no HTML error page in place of data);
* every file is validated (columns, rows, codes, finite numbers, unique keys, coordinates in
  Czechia, references between files) and every problem is reported with file and row;
* the valid files become ``<target>.versions/<content hash>/`` (directories 0755, files 0644,
  so an app running as another user can read them) and the target — a relative symlink — is
  swapped onto it with one ``rename(2)``; the previous version is kept for sessions that are
  still reading it lazily, older ones are deleted;
* a lock file serialises installs into one target, and whoever takes it first removes the
  staging folders of installs that were killed.
"""

from __future__ import annotations

import codecs
import csv
import fcntl
import gzip
import hashlib
import http.client
import io
import os
import re
import secrets
import shutil
import socket
import tempfile
import threading
import time
import unicodedata
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from hsou_dash import config
from hsou_dash.data.schema import CZECHIA_BOUNDS, FILES, SPECS, STRING_COLUMNS, FileSpec


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


# --- messages safe to show ------------------------------------------------------------------

#: An absolute POSIX path inside a message (not the "/s" of "kB/s", not the path of a URL).
_ABS_PATH = re.compile(r"(?<![\w.~:/-])/[^\s'\"`,;()<>|\[\]]+")


def _shorten(match: re.Match[str]) -> str:
    path = match.group(0)
    for anchor in ("/boundaries/", "/indicators/"):
        if anchor in path:
            return path[path.rindex(anchor) + 1:]
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return f"…/{name}" if name else "…"


def redact_paths(text: str) -> str:
    """``text`` with absolute paths cut to what a reader needs (``indicators/x.csv``, ``…/x``).

    Problem messages are shown on public pages; the server's directory layout is nobody's
    business there and helps an attacker more than a reader.
    """
    return _ABS_PATH.sub(_shorten, text)


def describe_error(exc: BaseException) -> str:
    """Why a file could not be read, in a few words and without server paths."""
    if isinstance(exc, NotUtf8Error):
        return str(exc)
    if isinstance(exc, EOFError):
        return "the file is cut off (the compressed data end early)"
    if isinstance(exc, gzip.BadGzipFile):
        return "not a gzip file"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, pd.errors.EmptyDataError):
        return "the file is empty"
    return redact_paths(f"{exc.__class__.__name__}: {exc}")


# --- text encoding --------------------------------------------------------------------------

_CZECH_LETTERS = frozenset("ěščřžýáíéůúňťďĚŠČŘŽÝÁÍÉŮÚŇŤĎ")
#: Encodings Czech files are commonly saved in by mistake, most likely first (ties go to it).
_LEGACY_ENCODINGS = (("Windows-1250", "cp1250"), ("ISO-8859-2", "iso8859_2"),
                     ("Windows-1252", "cp1252"))


def guess_encoding(raw: bytes) -> str | None:
    """The legacy encoding under which ``raw`` reads as the most Czech text, if any.

    Windows-1250 and ISO-8859-2 differ exactly in š, ž, ť, Š, Ž, Ť (0x9A… vs 0xB9…), so
    counting Czech letters tells them apart on any real file.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    sample = raw[:2_000_000]
    best, best_score = None, 0
    for label, codec in _LEGACY_ENCODINGS:
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        score = sum(ch in _CZECH_LETTERS for ch in text)
        if score > best_score:
            best, best_score = label, score
    return best


class NotUtf8Error(ValueError):
    """A file that is not UTF-8: where the first bad byte is and what encoding it looks like."""

    def __init__(self, line: int, byte: int, guess: str | None):
        self.line, self.byte, self.guess = line, byte, guess
        where = f"first bad byte 0x{byte:02X} on line {line}"
        if guess:
            msg = f"not UTF-8 — looks like {guess}; save it as UTF-8 ({where})"
        else:
            msg = f"not UTF-8 ({where}); save it as UTF-8"
        super().__init__(msg)


def check_utf8(raw: bytes) -> None:
    """Raise :class:`NotUtf8Error` (with line and likely encoding) unless ``raw`` is UTF-8."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise NotUtf8Error(line, raw[exc.start], guess_encoding(raw)) from None


# --- reading --------------------------------------------------------------------------------

_HTML_START = (b"<!doctype html", b"<html", b"<head", b"<body", b"<!--")


def looks_like_html(raw: bytes) -> bool:
    """True for an HTML page: what a web server answers instead of a file it does not have."""
    head = raw[:512].lstrip(codecs.BOM_UTF8).lstrip().lower()
    return head.startswith(_HTML_START)


def kind(path: str) -> str:
    """The kind of a bundle file, for messages ("answered HTML instead of CSV")."""
    for suffix, name in ((".csv.gz", "gzipped CSV"), (".csv", "CSV"), (".geojson", "GeoJSON"),
                         (".md", "Markdown")):
        if path.endswith(suffix):
            return name
    return "data"


def read_bytes(path: Path) -> bytes:
    """The file's content, gunzipped for ``.gz`` (truncated gzip raises ``EOFError``)."""
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


def parse_table(raw: bytes) -> pd.DataFrame:
    """Parse CSV bytes keeping every code column as text.

    Text is normalised to NFC: one bundle file stores names in decomposed Unicode, and
    "Ústecko-chomutovská" must compare equal however it was typed. Combining accents are the
    UTF-8 lead bytes 0xCC/0xCD, so a byte search skips the costly step for clean files. A
    UTF-8 byte-order mark is dropped (it would otherwise become part of the first column name).
    A file that is not UTF-8 raises :class:`NotUtf8Error` naming the line and likely encoding.
    """
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        if b"\xcc" in raw or b"\xcd" in raw:
            raw = unicodedata.normalize("NFC", raw.decode("utf-8")).encode("utf-8")
        head = pd.read_csv(io.BytesIO(raw), nrows=0)
        dtypes = {c: "string" for c in head.columns if c in STRING_COLUMNS}
        return pd.read_csv(io.BytesIO(raw), dtype=dtypes, keep_default_na=True)
    except UnicodeDecodeError:
        check_utf8(raw)  # raises with line and encoding; pandas only knows a buffer offset
        raise


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV (plain or gzipped) keeping every code column as text (see :func:`parse_table`)."""
    return parse_table(read_bytes(path))


def read_layer(path: Path) -> gpd.GeoDataFrame:
    """Read a GeoJSON layer; codes are stored as strings in the bundle and stay strings."""
    return gpd.read_file(path)


# --- checks of one file ---------------------------------------------------------------------

def _row(idx: int, spec: FileSpec) -> int:
    """Human row number: CSV data start on line 2; GeoJSON features count from 1."""
    return idx + (2 if spec.is_table else 1)


def _first_rows(mask: pd.Series, limit: int = 5) -> list[int]:
    return [int(i) for i in mask[mask].index[:limit]]


def _cut_off_last_line(raw: bytes) -> str | None:
    """Why the last line of CSV bytes looks cut off, or ``None``.

    A download that stops early usually ends in the middle of a line; pandas would quietly
    fill the missing fields with NaN. A last line without a line break is accepted only when
    it still has as many fields as the header.
    """
    if not raw or raw.endswith((b"\n", b"\r")):
        return None
    header = raw[:raw.find(b"\n")] if b"\n" in raw else raw
    last = raw[raw.rfind(b"\n") + 1:]
    try:
        want = len(next(csv.reader([header.decode("utf-8", "replace")])))
        got = len(next(csv.reader([last.decode("utf-8", "replace")])))
    except (csv.Error, StopIteration):
        return "the last line is unreadable and has no line break: the file looks cut off"
    if got == want and last.count(b'"') % 2 == 0:
        return None
    return (f"the last line has {got} of {want} fields and no line break: "
            "the file looks cut off")


def check_frame(df: pd.DataFrame, spec: FileSpec) -> list[Problem]:
    """Check one table against its spec: columns, code format, finite numbers, booleans,
    fixed values and unique keys."""
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
        for i in _first_rows(pd.Series(np.isinf(values.to_numpy(dtype=float, na_value=np.nan)))):
            value = df[col][i]
            shown = repr(value) if isinstance(value, str) else str(float(value))
            problems.append(Problem(spec.path, f"{col} {shown} is not a finite number",
                                    _row(i, spec)))
    for col in spec.boolean:
        text = df[col].astype("string").str.strip().str.lower()
        bad = ~text.isin(["true", "false"])
        for i in _first_rows(bad):
            problems.append(Problem(spec.path, f"{col} {df[col][i]!r} is not True/False",
                                    _row(i, spec)))
    for col, value in spec.fixed.items():
        bad = (df[col].astype("string") != value).fillna(True)
        for i in _first_rows(bad):
            problems.append(Problem(spec.path, f"{col} {df[col][i]!r} should be {value}: this "
                                               "file covers that kraj only", _row(i, spec)))
    if spec.key:
        dup = df.duplicated(list(spec.key), keep="first")
        for i in _first_rows(dup):
            key = ", ".join(f"{k}={df[k][i]}" for k in spec.key)
            problems.append(Problem(spec.path, f"duplicate key ({key})", _row(i, spec)))
    return problems


def _check_bounds(geom: gpd.GeoSeries, spec: FileSpec) -> list[Problem]:
    """Features lying (partly) outside Czechia; says so when the axes look swapped."""
    lon0, lat0, lon1, lat1 = CZECHIA_BOUNDS
    b = geom.bounds
    outside = ((b["minx"] < lon0) | (b["maxx"] > lon1) | (b["miny"] < lat0)
               | (b["maxy"] > lat1)).fillna(False)
    if not outside.any():
        return []
    out = b[outside]
    swapped = bool(((out["minx"] >= lat0) & (out["maxx"] <= lat1) & (out["miny"] >= lon0)
                    & (out["maxy"] <= lon1)).all())
    hint = "; latitude and longitude look swapped" if swapped else ""
    box = f"lon {lon0}–{lon1}, lat {lat0}–{lat1}"
    problems = []
    for i in _first_rows(outside):
        x0, y0, x1, y1 = (float(v) for v in b.loc[i, ["minx", "miny", "maxx", "maxy"]])
        problems.append(Problem(spec.path, f"coordinates outside Czechia ({box}): "
                                           f"x {x0:.2f}…{x1:.2f}, y {y0:.2f}…{y1:.2f}{hint}",
                                i + 1))
    if int(outside.sum()) > len(problems):
        problems.append(Problem(spec.path, f"{int(outside.sum())} of {len(geom)} features lie "
                                           f"outside Czechia{hint}"))
    return problems


def check_layer(gdf: gpd.GeoDataFrame, spec: FileSpec) -> list[Problem]:
    """Check a boundary layer: CRS, non-empty valid geometry inside Czechia, then its table."""
    problems: list[Problem] = []
    crs_ok = gdf.crs is not None and gdf.crs.to_epsg() == 4326
    if not crs_ok:
        problems.append(Problem(spec.path, f"CRS must be EPSG:4326, found {gdf.crs}"))
    geom = gdf.geometry.reset_index(drop=True)
    for i in _first_rows(geom.isna() | geom.is_empty):
        problems.append(Problem(spec.path, "feature has no geometry", i + 1))
    for i in _first_rows(~geom.is_valid & ~geom.isna()):
        problems.append(Problem(spec.path, "invalid geometry", i + 1))
    if crs_ok:  # in another CRS the numbers are metres: the CRS problem says it all
        problems += _check_bounds(geom, spec)
    return problems + check_frame(pd.DataFrame(gdf.drop(columns="geometry")), spec)


def _check_file(path: Path, spec: FileSpec) -> tuple[list[Problem], pd.DataFrame | None]:
    """Problems of one present file and its parsed table (``None`` when it cannot serve the
    cross checks: unparseable or missing columns)."""
    raw = path.read_bytes()
    if looks_like_html(raw):
        return [Problem(spec.path, f"is an HTML page, not {kind(spec.path)}")], None
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    if not raw.strip():
        return [Problem(spec.path, "the file is empty")], None
    problems: list[Problem] = []
    try:
        if spec.is_table:
            cut = _cut_off_last_line(raw)
            if cut:
                problems.append(Problem(spec.path, cut, raw.count(b"\n") + 1))
            frame = parse_table(raw)
        else:
            check_utf8(raw)
            if not spec.is_layer:
                return problems, None  # a document: readable text is all we ask
            frame = read_layer(path)
    except NotUtf8Error as exc:
        return [Problem(spec.path, str(exc), exc.line if spec.is_table else None)], None
    if spec.is_layer:
        problems += check_layer(frame, spec)
    else:
        problems += check_frame(frame, spec)
    if any(c not in frame.columns for c in spec.columns):
        return problems, None
    if spec.required and len(frame) == 0:
        problems.append(Problem(spec.path, "has no rows (only the header): the app needs data "
                                           "here"))
    return problems, frame


def missing_required(root: Path) -> list[Problem]:
    """Required files absent from ``root`` (a quick completeness check, nothing is read)."""
    return [Problem(s.path, "required file is missing") for s in FILES
            if s.required and not (root / s.path).is_file()]


def validate(root: Path) -> list[Problem]:
    """Validate a bundle folder; return every problem found (empty list = valid).

    Never raises for a bad file: whatever is wrong becomes a :class:`Problem`.
    """
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    for spec in FILES:
        path = root / spec.path
        try:
            present = path.exists()
            if not present:
                if spec.required:
                    problems.append(Problem(spec.path, "required file is missing"))
                continue
            found, frame = _check_file(path, spec)
        except Exception as exc:  # a file we cannot even parse: say which and why
            problems.append(Problem(spec.path, f"cannot be read: {describe_error(exc)}"))
            continue
        problems += found
        if frame is not None:
            tables[spec.path] = frame.reset_index(drop=True)
    problems += _cross_checks(tables)
    return problems


# --- references between files ---------------------------------------------------------------

CATALOG = "indicators/indicators_catalog.csv"
ORP_LAYER = "boundaries/orp.geojson"
KRAJE_LAYER = "boundaries/kraje.geojson"
OBCE_POINTS = "boundaries/obce_points_cz.geojson"
#: Files whose rows name an indicator of the catalogue.
_WITH_INDICATOR = ("indicators/indicators_orp.csv", "indicators/indicators_obec.csv",
                   "indicators/indicators_obec_cz.csv.gz")
#: Files that must have rows for every ORP of orp.geojson.
_EVERY_ORP = ("indicators/indicators_orp.csv", "indicators/hsou_classification.csv")


def _unknown_refs(tables: dict[str, pd.DataFrame], names: Iterable[str], column: str,
                  target: str, label: str) -> list[Problem]:
    """Rows of ``names`` whose ``column`` value does not exist in the same column of ``target``
    (``label`` names the target in the message). Tables lacking the column are skipped:
    their missing column is already reported."""
    ref = tables.get(target)
    if ref is None or column not in ref.columns:
        return []
    allowed = set(ref[column].dropna())
    problems = []
    for name in names:
        df = tables.get(name)
        if df is None or column not in df.columns or name == target:
            continue
        # distinct values first: indicators_obec_cz.csv.gz has 420k rows but 6k codes
        unknown = [v for v in df[column].unique() if v not in allowed]
        if not unknown:
            continue
        for i in _first_rows(df[column].isin(unknown) | df[column].isna()):
            problems.append(Problem(name, f"{column} {df[column][i]!r} is not in {label}",
                                    _row(i, SPECS[name])))
    return problems


def _coverage(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Row counts against keys: every ORP of orp.geojson has rows in the per-ORP tables, and
    every kraj of orp.geojson is a feature of kraje.geojson."""
    orp = tables.get(ORP_LAYER)
    if orp is None:
        return []
    problems = []
    for name in _EVERY_ORP:
        df = tables.get(name)
        if df is None:
            continue
        absent = sorted(set(orp["orp_code"].dropna()) - set(df["orp_code"].dropna()))
        if absent:
            problems.append(Problem(name, f"{len(absent)} of {orp['orp_code'].nunique()} ORP of "
                                          f"{ORP_LAYER} have no rows here "
                                          f"(e.g. {', '.join(absent[:5])})"))
    problems += _unknown_refs(tables, [ORP_LAYER], "kraj_code", KRAJE_LAYER, KRAJE_LAYER)
    return problems


def _kraj_consistency(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Codes inside the right kraj: a row's kraj_code is its ORP's kraj (orp.geojson), and an
    obec's ORP lies in the obec's kraj (obce_points_cz.geojson). Unknown codes are skipped:
    they are reported by the reference checks."""
    orp = tables.get(ORP_LAYER)
    if orp is None:
        return []
    orp_kraj = orp.set_index("orp_code")["kraj_code"]
    orp_kraj = orp_kraj[~orp_kraj.index.duplicated()]
    problems = []
    for name, spec in SPECS.items():
        df = tables.get(name)
        if df is None or name == ORP_LAYER or "orp_code" not in df.columns:
            continue
        if "kraj_code" in df.columns:
            expected = df["orp_code"].map(orp_kraj)
            bad = (expected.notna() & df["kraj_code"].notna()
                   & (df["kraj_code"].astype("string") != expected.astype("string")))
            for i in _first_rows(bad.fillna(False)):
                problems.append(Problem(name, f"kraj_code {df['kraj_code'][i]} does not match "
                                              f"ORP {df['orp_code'][i]}, which is in "
                                              f"{expected[i]} ({ORP_LAYER})", _row(i, spec)))
            continue
        points = tables.get(OBCE_POINTS)
        if "obec_code" not in df.columns or points is None:
            continue
        obec_kraj = points.drop_duplicates("obec_code").set_index("obec_code")["kraj_code"]
        pairs = df[["obec_code", "orp_code"]].drop_duplicates()  # keeps first row numbers
        a = pairs["obec_code"].map(obec_kraj)
        b = pairs["orp_code"].map(orp_kraj)
        bad = (a.notna() & b.notna() & (a.astype("string") != b.astype("string"))).fillna(False)
        for i in _first_rows(bad):
            problems.append(Problem(name, f"obec {pairs['obec_code'][i]} lies in {a[i]} "
                                          f"({OBCE_POINTS}) but its ORP "
                                          f"{pairs['orp_code'][i]} is in {b[i]}", _row(i, spec)))
    return problems


def _cross_checks(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """References between files: indicator ids in the catalogue, ORP and obec codes known,
    every ORP covered, codes in the right kraj. Only tables with all their columns get here."""
    with_orp = [n for n, df in tables.items() if "orp_code" in df.columns]
    with_obec = [n for n in tables if n.startswith("indicators/")
                 and "obec_code" in tables[n].columns]
    return (
        _unknown_refs(tables, _WITH_INDICATOR, "indicator_id", CATALOG, "indicators_catalog.csv")
        + _unknown_refs(tables, with_orp, "orp_code", ORP_LAYER, ORP_LAYER)
        + _unknown_refs(tables, with_obec, "obec_code", OBCE_POINTS, OBCE_POINTS)
        + _coverage(tables)
        + _kraj_consistency(tables)
    )


# --- fetching -------------------------------------------------------------------------------

@dataclass(frozen=True)
class FetchLimits:
    """How long an install from an http(s) source may take.

    A per-request timeout alone lets a source that stalls on every file take ~20 files ×
    the timeout, and one that trickles a byte now and then never fail. So the whole fetch has
    a deadline, and after a grace period the average rate must stay above a minimum. 0
    switches a limit off.
    """

    #: seconds for the whole fetch
    deadline: float = 300.0
    #: bytes per second, averaged over the whole fetch, enforced once ``grace`` has passed
    min_rate: float = 10_000.0
    #: seconds before the rate is enforced (connection set-up, many small files)
    grace: float = 15.0
    #: seconds one request may wait for any byte
    request_timeout: float = 60.0

    @classmethod
    def from_env(cls) -> FetchLimits:
        """Defaults overridden by ``HSOU_FETCH_*`` (the rate in kB/s); ``ValueError`` names a
        malformed variable."""
        d = cls()
        return cls(
            deadline=config.env_number(config.ENV_FETCH_DEADLINE, d.deadline),
            min_rate=config.env_number(config.ENV_FETCH_MIN_RATE, d.min_rate / 1000) * 1000,
            grace=config.env_number(config.ENV_FETCH_GRACE, d.grace),
            request_timeout=config.env_number(config.ENV_FETCH_TIMEOUT, d.request_timeout),
        )


class _FetchAborted(Exception):
    """The fetch as a whole ran out of time or rate: nothing more is downloaded."""


_REDIRECTS = (301, 302, 303, 307, 308)


class _Transfer:
    """Downloads of one fetch, sharing its clock, its byte count and its limits."""

    def __init__(self, limits: FetchLimits):
        self.limits = limits
        self.start = time.monotonic()
        self.received = 0

    def budget(self) -> float | None:
        """Seconds the next blocking network call may take (``None``: no limit).

        Raises :class:`_FetchAborted` once the deadline has passed or the average rate is
        below the minimum after the grace period. The rate can only fail at
        ``received / min_rate`` seconds, so a stalled read wakes up exactly then.
        """
        lim = self.limits
        elapsed = time.monotonic() - self.start
        waits = [lim.request_timeout] if lim.request_timeout > 0 else []
        if lim.deadline > 0:
            if elapsed >= lim.deadline:
                raise _FetchAborted(
                    f"the download did not finish within {lim.deadline:g} s (limit "
                    f"{config.ENV_FETCH_DEADLINE} / --deadline)")
            waits.append(lim.deadline - elapsed)
        if lim.min_rate > 0:
            due = max(lim.grace, self.received / lim.min_rate)
            if elapsed >= due:
                raise _FetchAborted(
                    f"the transfer is too slow: {self.received / elapsed / 1000:.2f} kB/s on "
                    f"average after {elapsed:.0f} s, below the minimum of "
                    f"{lim.min_rate / 1000:g} kB/s (limit {config.ENV_FETCH_MIN_RATE} / "
                    "--min-rate)")
            waits.append(due - elapsed)
        return min(waits) + 0.05 if waits else None

    def deadline_left(self) -> float | None:
        if self.limits.deadline <= 0:
            return None
        return max(self.limits.deadline - (time.monotonic() - self.start), 0.0) + 0.2

    @staticmethod
    def _connection(url: str, timeout: float | None) -> tuple[http.client.HTTPConnection, str]:
        """A connection for ``url`` (through the environment's proxy, if any) and the request
        target to send on it."""
        parts = urllib.parse.urlsplit(url)
        https = parts.scheme == "https"
        cls = http.client.HTTPSConnection if https else http.client.HTTPConnection
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        proxy = urllib.request.getproxies().get(parts.scheme)
        if proxy and parts.hostname and not urllib.request.proxy_bypass(parts.hostname):
            p = urllib.parse.urlsplit(proxy if "//" in proxy else "http://" + proxy)
            conn = cls(p.hostname, p.port, timeout=timeout)
            if https:
                conn.set_tunnel(parts.hostname, parts.port)
            else:
                target = url
            return conn, target
        return cls(parts.hostname, parts.port, timeout=timeout), target

    @staticmethod
    def _cut(sock: socket.socket) -> None:
        """Watchdog: wake a read blocked past the deadline (a server trickling headers or
        chunk sizes byte by byte is not bounded by the socket timeout of each recv)."""
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def get(self, url: str, dest: Path, rel: str) -> tuple[int, str | None]:
        """Download ``url`` into ``dest``: HTTP status and what is wrong (``None``: all fine).

        Raises :class:`_FetchAborted` when a limit of the whole fetch is reached.
        """
        for _ in range(6):
            conn, target = self._connection(url, self.budget())
            watchdog = None
            try:
                conn.connect()
                # kept: for a response that ends with the connection, getresponse() hands the
                # socket over to the response and sets conn.sock to None
                sock = conn.sock
                left = self.deadline_left()
                if left is not None:
                    watchdog = threading.Timer(left, self._cut, (sock,))
                    watchdog.daemon = True
                    watchdog.start()
                sock.settimeout(self.budget())
                conn.request("GET", target, headers={"User-Agent": "hsou-dash-installer",
                                                     "Accept-Encoding": "identity"})
                sock.settimeout(self.budget())
                resp = conn.getresponse()
                if resp.status in _REDIRECTS and resp.getheader("Location"):
                    url = urllib.parse.urljoin(url, resp.getheader("Location"))
                    continue
                if resp.status != 200:
                    return resp.status, (f"download failed: HTTP {resp.status} {resp.reason} "
                                         f"({url})")
                try:
                    return 200, self._body(resp, sock, dest, rel, url)
                finally:
                    resp.close()
            except (TimeoutError, OSError, http.client.HTTPException) as exc:
                self.budget()  # a limit of the whole fetch is the real reason, if reached
                if isinstance(exc, TimeoutError):
                    return 0, (f"download failed: no data for {self.limits.request_timeout:g} "
                               f"s (limit {config.ENV_FETCH_TIMEOUT} / --timeout) ({url})")
                return 0, f"download failed: {describe_error(exc)} ({url})"
            finally:
                if watchdog is not None:
                    watchdog.cancel()
                conn.close()
        return 0, f"download failed: too many redirects ({url})"

    def _body(self, resp: http.client.HTTPResponse, sock: socket.socket, dest: Path, rel: str,
              url: str) -> str | None:
        """Stream the body to ``dest`` under the limits and check that it is complete."""
        length = resp.getheader("Content-Length")
        got = 0
        head = b""  # the first bytes, to recognise an HTML page served in place of the file
        last = b""
        with open(dest, "wb") as out:
            while True:
                sock.settimeout(self.budget())
                chunk = resp.read1(1 << 16)  # one recv at most: each wait stays bounded
                if not chunk:
                    break
                if len(head) < 64:
                    head += chunk[:64]
                    if len(head) >= 64 and looks_like_html(head):
                        break
                got += len(chunk)
                self.received += len(chunk)
                last = chunk[-1:]
                out.write(chunk)
        if looks_like_html(head):
            return f"answered HTML instead of {kind(rel)} ({url})"
        self.budget()  # the watchdog ends a read with EOF: report the deadline, not a short file
        if length is not None and length.strip().isdigit() and got != int(length):
            return (f"download incomplete: received {got} of {int(length)} bytes, the connection "
                    f"closed early ({url})")
        if length is None and not resp.chunked and rel.endswith((".csv", ".md")) and got \
                and last != b"\n":
            return ("download may be cut off: no Content-Length and the file does not end with "
                    f"a line break ({url})")
        return None


def _fetch(source: str, dest: Path, limits: FetchLimits) -> list[Problem]:
    """Copy every known file from a folder or an http(s) base URL into ``dest``."""
    problems: list[Problem] = []
    is_url = source.startswith(("http://", "https://"))
    transfer = _Transfer(limits)
    for spec in FILES:
        target = dest / spec.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not is_url:
            src = Path(source) / spec.path
            try:
                if not src.exists():
                    continue
                if not src.is_file():
                    problems.append(Problem(spec.path, "is not a file in the source"))
                    continue
                shutil.copyfile(src, target)
            except OSError as exc:
                problems.append(Problem(spec.path, f"cannot be copied: {describe_error(exc)}"))
            continue
        url = source.rstrip("/") + "/" + spec.path
        try:
            status, problem = transfer.get(url, target, spec.path)
        except _FetchAborted as exc:
            target.unlink(missing_ok=True)
            problems.append(Problem(spec.path, f"download stopped: {exc}"))
            break
        if problem is None:
            continue
        target.unlink(missing_ok=True)
        if status == 404 and not spec.required:
            continue  # optional file not published by this source
        problems.append(Problem(spec.path, problem))
    return problems


# --- installing -----------------------------------------------------------------------------

#: File in each version folder holding the content hash of the bundle (see :func:`bundle_hash`).
VERSION_FILE = "VERSION"
#: How long an install waits for another one into the same target (longer than a whole
#: install under the default fetch limits).
DEFAULT_LOCK_TIMEOUT = 400.0
_LEGACY_STAGING = re.compile(r"\.bundle-[a-z0-9_]{8}")  # tempfile.mkdtemp of older versions


@dataclass(frozen=True)
class Installed:
    """What an install did."""

    #: the version folder the target now points to
    root: Path
    #: content hash of the bundle (also in ``root / VERSION``)
    version: str
    #: the folder the target pointed to before (kept), if any
    previous: Path | None
    #: names of version folders deleted as no longer needed
    removed: tuple[str, ...] = ()


def versions_dir(target: Path) -> Path:
    """Where the installed versions of ``target`` live: ``<target>.versions/``."""
    return target.with_name(target.name + ".versions")


def lock_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


def bundle_hash(root: Path) -> str:
    """SHA-256 over the relative paths and contents of every file (``VERSION`` excluded).

    Equal content gives an equal version whatever the source, so reinstalling the same bundle
    changes nothing and the app's caches stay warm.
    """
    total = hashlib.sha256()
    files = sorted((p.relative_to(root).as_posix(), p) for p in root.rglob("*")
                   if p.is_file() and p.name != VERSION_FILE)
    for rel, path in files:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        total.update(f"{rel}\0{digest.hexdigest()}\n".encode())
    return total.hexdigest()


def _install_target(target: Path) -> Path:
    """The symlink to install into, also when given the folder it points to.

    ``config.data_dir()`` resolves the symlink; a caller passing it would otherwise turn a
    version folder into a new target.
    """
    target = Path(target).absolute()
    if target.parent.name.endswith(".versions"):
        link = target.parent.with_name(target.parent.name[:-len(".versions")])
        if link.is_symlink():
            return link
    return target


def _make_dirs(path: Path) -> None:
    """Create ``path`` and missing parents readable by everyone (a umask of 077 would hide
    the bundle from an app running as another user)."""
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        d.mkdir(exist_ok=True)
        os.chmod(d, 0o755)


def _fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (a power cut must not bring the old link back)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def _install_lock(target: Path, wait: float) -> Iterator[None]:
    """Hold the install lock of ``target``, waiting at most ``wait`` seconds for it.

    ``flock`` is released by the kernel when its holder dies, so a killed install never
    leaves the lock behind; the file itself stays (deleting it would race).
    """
    path = lock_path(target)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        end = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= end:
                    raise BundleError([Problem(
                        str(target), f"another install is running into this data directory "
                                     f"(lock file {path.name}, waited {wait:g} s); try again "
                                     "when it has finished")]) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # who holds it, for a person looking
        yield
    finally:
        os.close(fd)  # releases the lock


def _remove_leftovers(target: Path) -> list[str]:
    """Delete what killed installs left beside ``target`` (call with the lock held: no other
    install is running, so every staging folder is stale)."""
    removed = []
    for entry in target.parent.iterdir():
        name = entry.name
        if name.startswith(f".{target.name}-staging-") or (
                _LEGACY_STAGING.fullmatch(name) and entry.is_dir() and not entry.is_symlink()):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(name)
        elif name.startswith(f".{target.name}.link-") and entry.is_symlink():
            entry.unlink(missing_ok=True)
            removed.append(name)
    return removed


def _current(target: Path) -> Path | None:
    """The folder ``target`` points to now (or is, for an install by an older version)."""
    if target.is_symlink():
        real = Path(os.path.realpath(target))
        return real if real.is_dir() else None
    return target if target.is_dir() else None


def _point(target: Path, folder: Path) -> Path | None:
    """Make ``target`` a relative symlink to ``folder`` in one atomic rename.

    A real directory at ``target`` (installed by an older version) is first moved into the
    versions folder; that leaves ``target`` absent for two system calls only, and a crash in
    between is repaired by the next install (:func:`_recover`). Returns where that directory
    went, if one was moved.
    """
    parent = target.parent
    tmp = parent / f".{target.name}.link-{os.getpid()}-{secrets.token_hex(4)}"
    os.symlink(os.path.relpath(folder, parent), tmp)
    moved: Path | None = None
    try:
        if target.is_dir() and not target.is_symlink():
            moved = versions_dir(target) / f"legacy-{time.strftime('%Y%m%d-%H%M%S')}"
            os.rename(target, moved)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        if moved is not None and not target.exists() and not target.is_symlink():
            os.rename(moved, target)
        raise
    _fsync_dir(parent)
    if moved is not None:
        try:  # older versions installed with mode 0700: readable now that it is a version
            _publish_modes(moved)
        except OSError:
            pass
    return moved


def _recover(target: Path) -> str | None:
    """Point a missing or dangling ``target`` at the newest complete version left behind.

    Covers a crash of an older version between its two renames (only ``<target>.old`` left)
    and a crash while migrating a real directory. Returns the folder used, if any. A
    ``<target>.old`` beside a complete target is what an older version left when it died just
    before deleting it: removed.
    """
    old = target.with_name(target.name + ".old")
    if target.exists():
        if old.is_dir() and not old.is_symlink() and not missing_required(target):
            shutil.rmtree(old, ignore_errors=True)
        return None
    versions = versions_dir(target)
    candidates = []
    if versions.is_dir():
        candidates = sorted((d for d in versions.iterdir()
                             if d.is_dir() and not missing_required(d)),
                            key=lambda d: d.stat().st_mtime, reverse=True)
    if not candidates and old.is_dir() and not missing_required(old):
        _make_dirs(versions)
        moved = versions / f"legacy-{time.strftime('%Y%m%d-%H%M%S')}"
        os.rename(old, moved)
        candidates = [moved]
    if not candidates:
        return None
    _point(target, candidates[0])
    return candidates[0].name


def _publish_modes(root: Path) -> None:
    """Directories 0755, files 0644: the app may run as a user other than the installer."""
    for dirpath, _dirs, files in os.walk(root):
        os.chmod(dirpath, 0o755)
        for name in files:
            os.chmod(os.path.join(dirpath, name), 0o644)


def _prune(versions: Path, keep: set[str]) -> tuple[str, ...]:
    removed = []
    for entry in versions.iterdir():
        if entry.name not in keep and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    return tuple(sorted(removed))


def _publish(staging: Path, target: Path) -> Installed:
    """Turn a validated staging folder into a version and point ``target`` at it."""
    version = bundle_hash(staging)
    (staging / VERSION_FILE).write_text(version + "\n", encoding="ascii")
    _publish_modes(staging)
    versions = versions_dir(target)
    _make_dirs(versions)
    os.chmod(versions, 0o755)
    folder = versions / version[:16]
    same = folder.is_dir() and not missing_required(folder) and \
        (folder / VERSION_FILE).is_file() and \
        (folder / VERSION_FILE).read_text(encoding="ascii").strip() == version
    if not same:
        if folder.exists():
            shutil.rmtree(folder)  # an unknown or partial folder under our name: replace it
        os.rename(staging, folder)
    previous = _current(target)
    moved = _point(target, folder)
    previous = moved or previous
    removed: tuple[str, ...] = ()
    if previous is None or previous.resolve() != folder.resolve():
        # keep the previous version: sessions of a running app may still read it lazily
        keep = {folder.name} | ({previous.name} if previous is not None
                                and previous.parent.resolve() == versions.resolve() else set())
        removed = _prune(versions, keep)
    return Installed(root=folder, version=version, previous=previous, removed=removed)


def install(source: str | Path, target: Path, *, limits: FetchLimits | None = None,
            lock_timeout: float | None = None) -> Installed:
    """Fetch, validate and atomically install a bundle; raise :class:`BundleError` if invalid.

    ``target`` becomes a symlink to ``<target>.versions/<hash>``; whatever it pointed to
    stays in place when anything fails. ``limits`` and ``lock_timeout`` default to the
    ``HSOU_FETCH_*`` and ``HSOU_INSTALL_LOCK_TIMEOUT`` settings. Another install into the same
    target is waited for up to ``lock_timeout`` seconds, then reported as a problem.
    """
    source = str(source)
    if not source.startswith(("http://", "https://")) and not Path(source).is_dir():
        raise BundleError([Problem(source, "source is neither a folder nor an http(s) URL")])
    try:
        limits = limits or FetchLimits.from_env()
        if lock_timeout is None:
            lock_timeout = config.env_number(config.ENV_INSTALL_LOCK_TIMEOUT,
                                             DEFAULT_LOCK_TIMEOUT)
    except ValueError as exc:
        raise BundleError([Problem("settings", str(exc))]) from None
    if source.startswith(("http://", "https://")) and not urllib.parse.urlsplit(source).hostname:
        raise BundleError([Problem(source, "the URL names no host")])

    def fill(staging: Path, _current: Path | None) -> list[Problem]:
        problems = _fetch(source, staging, limits)
        return problems or validate(staging)

    return stage_and_publish(target, fill, lock_timeout)


#: Writes a new bundle into the staging folder (first argument), given the folder the target
#: points to now (second, ``None`` before the first install); returns the problems found.
Filler = Callable[[Path, Path | None], list[Problem]]


def stage_and_publish(target: Path, fill: Filler, lock_timeout: float) -> Installed:
    """The crash-safe part of an install, shared by everything that replaces the bundle.

    Under the install lock of ``target``: leftovers of killed installs are removed, a fresh
    staging folder is made beside the target and ``fill`` writes the new bundle into it (and
    validates it). Only when it reports no problem does the folder become a version and the
    target swap onto it; otherwise — or on any exception — the target keeps pointing where it
    did and the staging folder is deleted. ``data install`` and ``data boundaries`` both go
    through here, so a refresh of the boundaries is exactly as safe as an install.
    """
    target = _install_target(Path(target))
    if target.exists() and not target.is_dir():
        raise BundleError([Problem(str(target), "exists and is not a folder")])
    try:
        _make_dirs(target.parent)
        with _install_lock(target, lock_timeout):
            _remove_leftovers(target)
            _recover(target)
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-staging-",
                                            dir=target.parent))
            try:
                problems = fill(staging, _current(target))
                if problems:
                    raise BundleError(problems)
                return _publish(staging, target)
            finally:
                if staging.exists():
                    shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:  # the data directory itself: not writable, disk full…
        raise BundleError([Problem(str(target), f"cannot install here: "
                                                f"{describe_error(exc)}")]) from exc


def copy_bundle(source: Path, dest: Path) -> list[Problem]:
    """Copy the bundle files present in the folder ``source`` into ``dest`` (nothing else:
    no ``VERSION``, no stamps), reporting what cannot be copied."""
    return _fetch(str(source), dest, FetchLimits())

