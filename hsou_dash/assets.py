"""Self-served front-end files: Leaflet from the ``django-js-lib-leaflet`` PyPI package.

Streamlit serves ``<app dir>/static`` at ``/app/static`` when static serving is on
(``.streamlit/config.toml``). We copy Leaflet there at set-up or first start, so no copy of it
is committed and no visitor's browser is sent to a CDN.
"""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

from hsou_dash import config

LEAFLET_FILES = ("leaflet.js", "leaflet.css", "images")


def leaflet_source() -> Path:
    """Folder of Leaflet's dist files inside the installed package."""
    return Path(str(files("js_lib_leaflet"))) / "static" / "js_lib_leaflet"


def ensure_leaflet(target: Path | None = None) -> Path:
    """Copy Leaflet into the static folder if it is not there yet; return that folder."""
    dest = (target or config.static_dir()) / "leaflet"
    if all((dest / name).exists() for name in LEAFLET_FILES):
        return dest
    src = leaflet_source()
    dest.mkdir(parents=True, exist_ok=True)
    for name in LEAFLET_FILES:
        s = src / name
        if s.is_dir():
            shutil.copytree(s, dest / name, dirs_exist_ok=True)
        else:
            shutil.copy2(s, dest / name)
    return dest
