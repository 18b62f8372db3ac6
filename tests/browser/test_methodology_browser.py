"""The HSOÚ re-computation in a real browser: moving the cut-off redraws the map and the
agreement table, and the URL follows; nothing leaves localhost."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import map_frame
from tests.expected import default_agreement

pytestmark = pytest.mark.browser

BOTH, ONLY_COMPUTED, ONLY_OFFICIAL = "#542788", "#e08214", "#998ec3"
#: from the official list file and the re-computation (tests/expected.py), at 25 and 10 %
AT_25, AT_10 = default_agreement(), default_agreement(cutoff=10)


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
    assert _fills(frame, BOTH) == AT_25.both
    assert _fills(frame, ONLY_COMPUTED) == AT_25.only_computed
    assert "ČÚZK" in frame.locator(".leaflet-control-attribution").inner_text()
    page.get_by_text(AT_25.cs()).wait_for()

    # only the disagreements: only re-computed + only official (+ header row)
    page.locator(".st-key-methodology-show").get_by_role("radio", name="jen rozdíly").click()
    page.wait_for_function(
        "() => document.querySelector(\".st-key-methodology-agreement table[role='grid']\")"
        f"?.getAttribute('aria-rowcount') === '{AT_25.only_computed + AT_25.only_official + 1}'")

    # move the cut-off from 25 % to 10 % with the keyboard
    # (one step at a time, as a person reads the value: each step is a rerun of the page)
    thumb = page.locator(".st-key-methodology-cutoff input[type='range']")
    slider = page.locator(".st-key-methodology-cutoff")
    for percent in range(24, 9, -1):
        thumb.focus()
        thumb.press("ArrowLeft")
        slider.get_by_text(f"{percent} %").first.wait_for()
    page.wait_for_url(re.compile(r"cutoff=10"), timeout=30_000)
    page.get_by_text(AT_10.cs()).wait_for(timeout=30_000)

    # the map redrew: fewer ORP in both lists, many more only in the official one
    frame = map_frame(page)
    frame.locator(f"path.leaflet-interactive[fill='{BOTH}']").nth(AT_10.both - 1).wait_for()
    page.wait_for_function(
        "() => { const f = document.querySelector(\"iframe[title*='st_folium']\");"
        " return f && f.contentDocument.querySelectorAll(\"path[fill='#998ec3']\").length === "
        f"{AT_10.only_official} }}",
        timeout=30_000)
    assert _fills(frame, BOTH) == AT_10.both
    assert _fills(frame, ONLY_COMPUTED) == AT_10.only_computed
    # the agreement table now lists only the disagreements (+ header row)
    rows = str(AT_10.only_computed + AT_10.only_official + 1)
    page.wait_for_function(
        "() => document.querySelector(\".st-key-methodology-agreement table[role='grid']\")"
        f"?.getAttribute('aria-rowcount') === '{rows}'")
    assert _agreement_rows(page) == rows
    assert not external_requests, external_requests
