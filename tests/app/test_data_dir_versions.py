"""A bundle installed while the app runs takes effect everywhere at once, without a restart and
without mixing versions (before: old data in memory on /orp, new files read lazily on
/support until a restart)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hsou_dash import config
from hsou_dash.data import loaders
from hsou_dash.data.bundle import FetchLimits, install
from hsou_dash.ui import cache
from tests.app.conftest import card_values, open_page

FAST = FetchLimits(deadline=30, min_rate=0, grace=0, request_timeout=10)


@pytest.fixture
def source(bundle_source: Path) -> Path:
    return bundle_source


def _mark(source: Path, tag: str) -> None:
    """Tag every indicator name, the support catalogue and the methodology note."""
    path = source / "indicators/indicators_catalog.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["name_cs"] = df["name_cs"] + f" ({tag})"
    df.to_csv(path, index=False)
    path = source / "indicators/support_instruments.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["name_cs"] = df["name_cs"] + f" ({tag})"
    df.to_csv(path, index=False)
    doc = source / "indicators/hsou_methodology.md"
    doc.write_text(doc.read_text(encoding="utf-8") + f"\n{tag}\n", encoding="utf-8")


def test_a_new_install_takes_effect_everywhere_without_restart(source, tmp_path, monkeypatch):
    target = tmp_path / "bundle"
    monkeypatch.setenv("HSOU_DATA_DIR", str(target))
    monkeypatch.setenv("HSOU_CACHE_DIR", str(tmp_path / "cache"))
    v1 = install(source, target, limits=FAST, lock_timeout=5)
    at = open_page("home")
    labels = " ".join(card_values(at))
    assert not at.exception and labels and "(v2)" not in labels
    b1 = cache.get_bundle()
    root1 = str(b1.root)
    assert b1.root == v1.root
    assert not cache.support_tables(root1).instruments["name_cs"].str.endswith("(v2)").any()

    _mark(source, "v2")
    v2 = install(source, target, limits=FAST, lock_timeout=5)
    at = open_page("home")  # the next page run: a new root, so new cache entries everywhere
    labels = " ".join(card_values(at))
    assert not at.exception and "(v2)" in labels, labels
    b2 = cache.get_bundle()
    root2 = str(b2.root)
    assert b2.root == v2.root != b1.root
    assert b2.catalog["name_cs"].str.endswith("(v2)").all()
    assert cache.support_tables(root2).instruments["name_cs"].str.endswith("(v2)").all()
    assert cache.document(root2, "hsou_methodology").rstrip().endswith("v2")
    # a session still on v1 keeps reading v1, complete (the previous version is kept)
    assert not cache.support_tables(root1).instruments["name_cs"].str.endswith("(v2)").any()
    # display geometry cached on disk is per version
    cache_dir = config.cache_dir()
    assert loaders.version_cache_dir(v1.root, cache_dir) != \
        loaders.version_cache_dir(v2.root, cache_dir)
    assert (loaders.version_cache_dir(v2.root, cache_dir) / "geometry").is_dir()
