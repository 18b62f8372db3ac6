"""The HSOÚ re-computation in a real browser: moving the cut-off redraws the map and the
agreement table, and the URL follows; nothing leaves localhost."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import map_frame

pytestmark = pytest.mark.browser

BOTH, ONLY_COMPUTED, ONLY_OFFICIAL = "#542788", "#e08214", "#998ec3"


def _fills(frame, color: str) -> int:
    return frame.locator(f"path.leaflet-interactive[fill='{color}']").count()


def _agreement_rows(page) -> str:
    """aria-rowcount of the agreement table (header row included)."""
    table = page.locator(".st-key-methodology-agreement table[role='grid']")
    return table.get_attribute("aria-rowcount")


def test_cutoff_change_updates_map_and_agreement_table(server, page, external_requests):
    page.goto(f"{server}/methodology")
    frame = map_frame(page)
    assert frame.locator("path.leaflet-interactive").count() == 206
    assert _fills(frame, BOTH) == 53 and _fills(frame, ONLY_COMPUTED) == 9
    assert "ČÚZK" in frame.locator(".leaflet-control-attribution").inner_text()
    page.get_by_text("53 z 73").wait_for()

    # only the disagreements: 9 only re-computed + 20 only official (+ header row)
    page.locator(".st-key-methodology-show").get_by_role("radio", name="jen rozdíly").click()
    page.wait_for_function(
        "() => document.querySelector(\".st-key-methodology-agreement table[role='grid']\")"
        "?.getAttribute('aria-rowcount') === '30'")

    # move the cut-off from 25 % to 10 % with the keyboard
    # (one step at a time, as a person reads the value: each step is a rerun of the page)
    thumb = page.locator(".st-key-methodology-cutoff input[type='range']")
    slider = page.locator(".st-key-methodology-cutoff")
    for percent in range(24, 9, -1):
        thumb.focus()
        thumb.press("ArrowLeft")
        slider.get_by_text(f"{percent} %").first.wait_for()
    page.wait_for_url(re.compile(r"cutoff=10"), timeout=30_000)
    page.get_by_text("15 z 73").wait_for(timeout=30_000)

    # the map redrew: fewer ORP in both lists, many more only in the official one
    frame = map_frame(page)
    frame.locator(f"path.leaflet-interactive[fill='{BOTH}']").nth(14).wait_for()
    page.wait_for_function(
        "() => { const f = document.querySelector(\"iframe[title*='st_folium']\");"
        " return f && f.contentDocument.querySelectorAll(\"path[fill='#998ec3']\").length === 58 }",
        timeout=30_000)
    assert _fills(frame, BOTH) == 15 and _fills(frame, ONLY_COMPUTED) == 2
    # the agreement table now lists 2 + 58 disagreements
    page.wait_for_function(
        "() => document.querySelector(\".st-key-methodology-agreement table[role='grid']\")"
        "?.getAttribute('aria-rowcount') === '61'")
    assert _agreement_rows(page) == "61"
    assert not external_requests, external_requests
