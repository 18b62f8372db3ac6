"""The address is the truth: after every change of place the URL already names it, and that URL
opened in a fresh page shows the same place. Also: place pickers find "Ústí" from "usti"."""

from __future__ import annotations

import re

import pytest

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
