"""With no data bundle installed, every page explains what to do instead of crashing."""

from __future__ import annotations

import pytest

from tests.app.conftest import open_page, rank_tables

PAGES = ["home", "map", "orp", "town", "support", "compare", "methodology"]


@pytest.mark.parametrize("page", PAGES)
def test_missing_bundle_gives_a_clear_message(page, tmp_path, monkeypatch):
    monkeypatch.setenv("HSOU_DATA_DIR", str(tmp_path / "no-bundle-here"))
    at = open_page(page)
    assert not at.exception
    assert any("make run" in e.value for e in at.error), [e.value for e in at.error]
    assert not at.dataframe and not rank_tables(at)  # nothing half-drawn
