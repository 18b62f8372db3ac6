"""The address is the truth: after every change of place the URL already names it, and that URL
opened in a fresh page shows the same place — after featured links, drop-downs and map clicks,
each step's URL reopened in a fresh page. Also: place pickers find "Ústí" from "usti"."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import map_frame
from tests.browser.test_axe import _settle

pytestmark = pytest.mark.browser

#: The address must follow the heading within the same rerun: allow a moment for the browser
#: to apply it, never the seconds the rest of the page takes.
PROMPT = 2_500


def _heading(page, level: str = "h1") -> str:
    return page.locator(f"[data-testid='stMain'] {level}").first.inner_text().strip()


def _reopen(browser, url: str, expected: str, level: str = "h1") -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="cs-CZ")
    try:
        fresh = context.new_page()
        fresh.goto(url)
        fresh.get_by_role("heading", name=expected, exact=True).first.wait_for(timeout=45_000)
        assert _heading(fresh, level) == expected
    finally:
        context.close()


def test_town_featured_link_and_search_pick_update_the_address(server, page, browser):
    page.goto(f"{server}/town?obec=563218")
    page.get_by_role("heading", name="Mašťov", exact=True).first.wait_for(timeout=45_000)

    # a featured link to another town of the same page
    page.get_by_role("link", name=re.compile(r"^Štětí \(ORP")).first.click()
    page.get_by_role("heading", name="Štětí", exact=True).first.wait_for(timeout=45_000)
    page.wait_for_url(re.compile(r"obec=565709"), timeout=PROMPT)
    _reopen(browser, page.url, "Štětí")

    # the search box, then a pick in its drop-down
    page.get_by_label("Najít obec").fill("mastov")
    page.get_by_label("Najít obec").press("Enter")
    box = page.get_by_role("combobox", name=re.compile("Nalezeno|obc", re.I)).first
    box.click()
    page.get_by_role("option", name=re.compile(r"^Mašťov")).first.click()
    page.get_by_role("heading", name="Mašťov", exact=True).first.wait_for(timeout=45_000)
    page.wait_for_url(re.compile(r"obec=563218"), timeout=PROMPT)
    _reopen(browser, page.url, "Mašťov")


def test_orp_pick_without_diacritics_updates_the_address(server, page, browser):
    page.goto(f"{server}/orp?orp=4204")
    page.get_by_role("heading", name="Kadaň", exact=True).first.wait_for(timeout=45_000)

    box = page.get_by_role("combobox", name="ORP").first
    box.click()
    page.keyboard.type("usti")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Ústí nad Labem", exact=True).first.wait_for(timeout=45_000)
    page.wait_for_url(re.compile(r"orp=4214"), timeout=PROMPT)
    _reopen(browser, page.url, "Ústí nad Labem", level="h2")

    # a pick from the list by its label, and the link to the compare page keeps up
    box.click()
    page.keyboard.type("Most")
    page.get_by_role("option", name=re.compile(r"^Most \(")).first.click()
    page.get_by_role("heading", name="Most", exact=True).first.wait_for(timeout=45_000)
    page.wait_for_url(re.compile(r"orp=4209"), timeout=PROMPT)
    _reopen(browser, page.url, "Most", level="h2")


#: The /map pickers whose values make up its view (with the selected ORP's profile link).
MAP_PICKERS = ("Území", "Ukazatel", "Rok")
PROFILE_LINK = re.compile(r"^Otevřít profil ORP ")


def _map_view(pg) -> dict:
    """What /map shows once its run has finished: each picker's value and the selected ORP
    (its profile link's text and target)."""
    _settle(pg)
    link = pg.get_by_role("link", name=PROFILE_LINK).first
    link.wait_for(timeout=45_000)
    view = {name: pg.get_by_role("combobox", name=name, exact=True).first.input_value()
            for name in MAP_PICKERS}
    view["orp"] = (link.inner_text().strip(), link.get_attribute("href"))
    return view


def _reopen_map(browser, url: str, expected: dict) -> None:
    """``url`` in a fresh browser context (no session, no history) shows ``expected``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="cs-CZ")
    try:
        fresh = context.new_page()
        fresh.goto(url)
        map_frame(fresh)
        assert _map_view(fresh) == expected, url
    finally:
        context.close()


def test_map_click_dropdown_and_profile_link_each_reopen_the_same_view(server, page, browser):
    """A sequence a visitor might follow — a click on the map, a new indicator from the
    drop-down, the link to the selected ORP's profile — with each step's address opened in a
    fresh page showing exactly that step's view."""
    page.goto(f"{server}/map?region=CZ042&indicator=unemployment_share&year=2020")
    frame = map_frame(page)

    # 1. a click on the map selects an ORP: the address names it
    frame.locator("path.leaflet-interactive").nth(3).click(force=True)
    page.wait_for_url(re.compile(r"orp=\d{4}"), timeout=30_000)
    code = re.search(r"orp=(\d{4})", page.url).group(1)
    clicked = _map_view(page)
    assert clicked["orp"][1].endswith(f"orp={code}"), clicked
    assert f"orp={code}" in page.url  # still, after the run has finished
    _reopen_map(browser, page.url, clicked)

    # 2. another indicator from the drop-down
    box = page.get_by_role("combobox", name="Ukazatel", exact=True).first
    box.click()
    page.keyboard.type("v exekuci")
    page.get_by_role("option", name=re.compile("Podíl osob v exekuci")).first.click()
    page.wait_for_url(re.compile(r"indicator=distraint_share"), timeout=PROMPT + 30_000)
    picked = _map_view(page)
    assert "Podíl osob v exekuci" in picked["Ukazatel"], picked
    assert picked["orp"] == clicked["orp"]  # the selection survives the new indicator
    assert "indicator=distraint_share" in page.url and f"orp={code}" in page.url
    _reopen_map(browser, page.url, picked)

    # 3. the selected ORP's profile
    name = PROFILE_LINK.sub("", picked["orp"][0])
    page.get_by_role("link", name=PROFILE_LINK).first.click()
    page.wait_for_url(re.compile(rf"/orp\?(.*&)?orp={code}"), timeout=30_000)
    page.get_by_role("heading", name=name, exact=True).first.wait_for(timeout=45_000)
    _reopen(browser, page.url, name, level="h2")
