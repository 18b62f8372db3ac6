"""/support on a phone (390×844): every tab without sideways scrolling, the instrument
catalogue as cards that show each instrument's name, the desktop table unchanged, and axe-core
with no serious or critical violation at phone width in Czech and English.

The expected names come from the bundle's register (``support_instruments.csv``), not from the
code under test. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import csv

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_axe import AXE, EXCLUDE, SERIOUS, _axe, _settle
from tests.browser.test_phone_presenter import DESKTOP, PHONE, _no_sideways_scroll

pytestmark = pytest.mark.browser

TABS = ["catalogue", "money", "matrix", "territory", "coverage", "transfers"]
CARDS = "[class*='st-key-narrow_support_catalogue']"
TABLE = "[class*='st-key-wide_support_catalogue']"


@pytest.fixture(scope="module")
def register(bundle_dir) -> list[dict]:
    with open(bundle_dir / "indicators" / "support_instruments.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _phone(browser, size=PHONE):
    ctx = browser.new_context(viewport=size, locale="cs-CZ", is_mobile=size == PHONE,
                              has_touch=size == PHONE)
    pg = ctx.new_page()
    pg.set_default_timeout(45_000)
    return ctx, pg


@pytest.mark.parametrize("tab", TABS)
def test_every_support_tab_fits_a_phone(server, browser, tab):
    ctx, pg = _phone(browser)
    try:
        pg.goto(f"{server}/support?tab={tab}")
        _settle(pg)
        if tab in ("money", "matrix", "territory"):
            pg.locator(".js-plotly-plot").first.wait_for()
        if tab in ("coverage", "transfers"):
            pg.wait_for_selector("iframe[title*='st_folium']")
        pg.wait_for_timeout(800)  # charts and maps take their final width
        _no_sideways_scroll(pg)
        pg.screenshot(path=str(ARTIFACTS / f"phone_support_{tab}.png"), full_page=True)
    finally:
        ctx.close()


def test_catalogue_is_cards_on_a_phone(server, browser, register):
    ctx, pg = _phone(browser)
    try:
        pg.goto(f"{server}/support")
        _settle(pg)
        cards = pg.locator(f"{CARDS} [data-testid='stVerticalBlockBorderWrapper']")
        if cards.count() == 0:  # Streamlit's bordered container under another test id
            cards = pg.locator(f"{CARDS} [data-testid='stMarkdownContainer']")
        assert cards.count() == len(register) == 11
        text = pg.locator(CARDS).inner_text()
        width = pg.evaluate("innerWidth")
        for row in register:
            assert row["name_cs"] in text, row["name_cs"]
        for i in range(cards.count()):
            box = cards.nth(i).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box
        # each card says who runs it and how much (or that it was not published)
        first = cards.first.inner_text()
        assert register[0]["provider"] in first and "Alokace" in first
        assert not pg.locator(TABLE).is_visible()  # the wide table is for wide screens
        _no_sideways_scroll(pg)
        cards.first.scroll_into_view_if_needed()
        pg.screenshot(path=str(ARTIFACTS / "phone_support_cards.png"))
    finally:
        ctx.close()


def test_catalogue_is_a_table_on_a_desktop(server, browser):
    ctx, pg = _phone(browser, DESKTOP)
    try:
        pg.goto(f"{server}/support")
        _settle(pg)
        assert pg.locator(f"{TABLE} [data-testid='stDataFrame']").is_visible()
        assert not pg.locator(CARDS).is_visible()
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_axe_on_support_at_phone_width(server, browser, lang):
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: run `make axe`")
    ctx, pg = _phone(browser)
    try:
        pg.goto(f"{server}/support" + ("?lang=en" if lang == "en" else ""))
        _settle(pg, lang)
        serious = [v for v in _axe(pg, EXCLUDE) if v["impact"] in SERIOUS]
        assert not serious, serious
        pg.screenshot(path=str(ARTIFACTS / f"phone_support_{lang}.png"))
    finally:
        ctx.close()


def test_profile_support_is_cards_on_a_phone(server, browser, register):
    """The town profile's "support that applies here" (a seven-column table that showed
    only cut names at 390 px) as cards. Mašťov lies in ORP Kadaň, an HSOÚ: the MMR
    programme reserved for HSOÚ applies there."""
    hsou_only = next(r for r in register if r["instrument_id"] == "mmr_117D7624_hsou")
    ctx, pg = _phone(browser)
    try:
        pg.goto(f"{server}/town?obec=563218")
        _settle(pg)
        here = pg.locator("[class*='st-key-narrow_support_here']")
        here.wait_for()
        assert hsou_only["name_cs"] in here.inner_text()
        assert not pg.locator("[class*='st-key-wide_support_here']").is_visible()
        here.scroll_into_view_if_needed()
        _no_sideways_scroll(pg)
        pg.screenshot(path=str(ARTIFACTS / "phone_town_support.png"))
    finally:
        ctx.close()
