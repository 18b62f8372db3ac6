"""Shared fixtures. Tests read the installed bundle (``make test`` installs it first)."""

from __future__ import annotations

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
