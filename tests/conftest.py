"""Shared fixtures. Tests read the installed bundle (``make test`` installs it first)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hsou_dash import config
from hsou_dash.data.loaders import Bundle, load_bundle

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def bundle_dir() -> Path:
    root = config.data_dir()
    if not (root / "indicators" / "indicators_orp.csv").exists():
        pytest.fail(f"No data bundle in {root}: run `python -m hsou_dash data install "
                    "../shared/data` (make test does it)")
    return root


@pytest.fixture(scope="session")
def bundle(bundle_dir: Path) -> Bundle:
    return load_bundle(bundle_dir)


@pytest.fixture
def bundle_source(bundle_dir: Path, tmp_path: Path) -> Path:
    """A writable copy of the installed bundle to install from (required files only, without
    the install's own VERSION and sentinel files)."""
    dest = tmp_path / "source"
    shutil.copytree(bundle_dir, dest, ignore=shutil.ignore_patterns(
        "obce_cz.geojson", "*.csv.gz", "VERSION", ".installed"))
    return dest


def strings(node) -> list[str]:
    """Every string inside a nested JSON-like value (a plotly figure spec, for example)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return []
