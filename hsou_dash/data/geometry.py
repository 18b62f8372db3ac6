"""Display geometry: simplified once, trimmed, rounded, cached on disk.

The bundle's polygons are made for analysis (≈50 m detail, 3.5 MB for the ORP layer). A browser
needs far less: we run GEOS *coverage* simplification, which moves shared borders together so
neighbours keep identical edges (no slivers or gaps), round coordinates to 4 decimals (≈10 m)
and keep only the key columns. Results are cached as GeoParquet keyed by the source file's
size and mtime, so a rerun of a page never touches geometry processing.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

_LOG = logging.getLogger(__name__)

#: Projected CRS in metres used for simplification (ETRS89-LAEA).
METRIC_CRS = 3035
DECIMALS = 4


@dataclass(frozen=True)
class DisplayLevel:
    """How much detail a view needs."""

    name: str
    tolerance_m: float


#: Whole-Czechia view: 206 ORP in well under 400 KB.
NATIONAL = DisplayLevel("national", 700.0)
#: One kraj: ORP borders crisp at zoom 8–9.
REGIONAL = DisplayLevel("regional", 200.0)
#: Municipalities within one kraj.
LOCAL = DisplayLevel("local", 80.0)

LEVELS = {lvl.name: lvl for lvl in (NATIONAL, REGIONAL, LOCAL)}


def simplify_coverage(gdf: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Topology-preserving simplification of a polygon coverage, returned in EPSG:4326."""
    metric = gdf.to_crs(METRIC_CRS)
    simplified = shapely.coverage_simplify(metric.geometry.values, tolerance_m)
    out = gpd.GeoDataFrame(metric.drop(columns="geometry"), geometry=simplified, crs=METRIC_CRS)
    out = out.to_crs(4326)
    out["geometry"] = shapely.transform(out.geometry.values, lambda xy: np.round(xy, DECIMALS))
    return out


def _fingerprint(path: Path) -> str:
    stat = path.stat()
    return hashlib.sha1(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]


def display_layer(source: Path, keep: list[str], level: DisplayLevel,
                  cache_dir: Path) -> gpd.GeoDataFrame:
    """Return the display version of a boundary layer, building and caching it if needed.

    The cache only saves time: a cache folder that cannot be written (a read-only deployment)
    or a damaged cache file means the layer is built in memory and the page still works; the
    server log says why. It is never reported as a problem of the data bundle, which is fine.
    Each writer uses its own temporary file: replicas starting together may build the same
    layer at once.
    """
    cache = cache_dir / "geometry" / f"{source.stem}-{level.name}-{_fingerprint(source)}.parquet"
    if cache.exists():
        try:
            return gpd.read_parquet(cache)
        except (OSError, ValueError) as exc:  # pyarrow's errors are ValueError/OSError kinds
            _LOG.warning("display geometry cache %s unreadable, building it again: %s",
                         cache.name, exc)
    gdf = gpd.read_file(source, columns=keep)
    out = simplify_coverage(gdf[[*keep, "geometry"]], level.tolerance_m)
    tmp = cache.with_name(f"{cache.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        out.to_parquet(tmp)
        tmp.replace(cache)
    except OSError as exc:
        _LOG.warning("display geometry not cached in %s (served from memory): %s",
                     cache_dir, exc)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    return out
