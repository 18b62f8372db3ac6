"""The town profile in a real browser: Mašťov, its ORP Kadaň and the locator map, offline."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import map_frame

pytestmark = pytest.mark.browser


def test_mastov_profile_shows_name_orp_and_locator(server, page, external_requests):
    page.goto(f"{server}/town?obec=563218")
    page.get_by_role("heading", name="Mašťov").first.wait_for()
    page.get_by_text(re.compile(r"ORP Kadaň")).first.wait_for()
    frame = map_frame(page)
    # the locator draws the obce around Kadaň, Mašťov among them, with a legend naming it
    assert frame.locator("path.leaflet-interactive").count() > 10
    assert "Mašťov" in frame.locator(".hsou-legend").inner_text()
    assert "ČÚZK" in frame.locator(".leaflet-control-attribution").inner_text()
    link = page.get_by_role("link", name=re.compile("profil ORP Kadaň"))
    assert "orp=4204" in (link.first.get_attribute("href") or "")
    assert not external_requests, external_requests
