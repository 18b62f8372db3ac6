"""Paths and settings, read from the environment in one place.

The app never reads ``../shared`` directly: the set-up command installs the bundle into
``DATA_DIR`` so that a deployment can point at any copy (env ``HSOU_DATA_DIR``).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

#: Where the installed data bundle lives (``boundaries/`` and ``indicators/`` below it).
ENV_DATA_DIR = "HSOU_DATA_DIR"
#: Where generated caches (display geometry, parquet copies) are written.
ENV_CACHE_DIR = "HSOU_CACHE_DIR"


#: Limits of an install from an http(s) source (see ``hsou_dash.data.bundle.FetchLimits``).
ENV_FETCH_DEADLINE = "HSOU_FETCH_DEADLINE"
ENV_FETCH_MIN_RATE = "HSOU_FETCH_MIN_RATE"
ENV_FETCH_GRACE = "HSOU_FETCH_GRACE"
ENV_FETCH_TIMEOUT = "HSOU_FETCH_TIMEOUT"
#: How long an install waits for another one on the same data directory to finish.
ENV_INSTALL_LOCK_TIMEOUT = "HSOU_INSTALL_LOCK_TIMEOUT"


def data_target() -> Path:
    """Where ``data install`` puts the bundle: the path itself, its last symlink not followed.

    An install makes this path a symlink to ``<name>.versions/<content hash>/`` and swaps it
    atomically, so it must not be resolved before installing.
    """
    return Path(os.environ.get(ENV_DATA_DIR, REPO_ROOT / "data" / "bundle")).absolute()


def data_dir() -> Path:
    """Directory of the installed data bundle, symlinks resolved.

    Resolving gives the versioned folder of the current install, so everything keyed on this
    path (the app's caches) changes at once when a new bundle is installed.
    """
    return data_target().resolve()


def cache_dir() -> Path:
    """Directory for generated caches; safe to delete at any time."""
    return Path(os.environ.get(ENV_CACHE_DIR, REPO_ROOT / "data" / "cache")).resolve()


def env_number(name: str, default: float) -> float:
    """A non-negative number from the environment (``default`` when unset or blank).

    Raises ``ValueError`` naming the variable, so a typo in a deployment is reported as such
    instead of silently falling back to the default.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise ValueError(f"{name}={raw!r} must be a finite number ≥ 0")
    return value


def static_dir() -> Path:
    """Streamlit serves ``<app dir>/static`` at ``/app/static`` (server.enableStaticServing)."""
    return REPO_ROOT / "static"


#: URL prefix under which Streamlit serves :func:`static_dir`.
STATIC_URL = "/app/static"

#: Default region of every view: Ústecký kraj (NUTS3).
DEFAULT_REGION = "CZ042"
#: Code meaning "the whole of Czechia" in the ``region`` URL parameter.
NATIONAL_CODE = "CZ"
DEFAULT_INDICATOR = "unemployment_share"
#: ORP shown when a profile is opened without one: Ústí nad Labem, the kraj's seat.
DEFAULT_ORP = "4214"
