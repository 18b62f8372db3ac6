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


def data_dir() -> Path:
    """Directory of the installed data bundle."""
    return Path(os.environ.get(ENV_DATA_DIR, REPO_ROOT / "data" / "bundle")).resolve()


def cache_dir() -> Path:
    """Directory for generated caches; safe to delete at any time."""
    return Path(os.environ.get(ENV_CACHE_DIR, REPO_ROOT / "data" / "cache")).resolve()


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
