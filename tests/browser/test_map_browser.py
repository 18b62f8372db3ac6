"""The map in a real browser: 16 ORP of Ústecký kraj, attribution, link to the profile, offline."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import map_frame

pytestmark = pytest.mark.browser


def test_map_shows_ustecky_kraj_offline(server, page, external_requests):
    asked: list[str] = []
    page.on("request", lambda r: asked.append(urlparse(r.url).path))
    page.goto(f"{server}/map?region=CZ042&indicator=unemployment_share&year=2020")
    frame = map_frame(page)
    # a shared link connects at once (hsou_dash.page_shell): no looking for the server under
    # /map/ first, which costs 0.1 s
    assert not [p for p in asked if p.startswith("/map/_stcore")], asked
    assert asked.count("/_stcore/health") == 1
    # 16 filled ORP polygons, plus the HSOÚ outline path(s), which are not interactive
    filled = frame.locator("path.leaflet-interactive")
    assert filled.count() == 16
    attribution = frame.locator(".leaflet-control-attribution")
    assert "ČÚZK" in attribution.inner_text()
    legend = frame.locator(".hsou-legend").inner_text()
    assert "2020" in legend and "HSOÚ" in legend
    # Leaflet came from our own server, and nothing tried to leave localhost
    assert not external_requests, external_requests


def test_clicking_an_orp_selects_it_and_links_to_its_profile(server, page):
    page.goto(f"{server}/map?region=CZ042&indicator=unemployment_share&year=2020&orp=4213")
    map_frame(page)
    link = page.get_by_role("link", name=re.compile("Teplice"))
    link.first.click()
    page.wait_for_url(re.compile(r"/orp\?.*orp=4213"))
    page.get_by_role("heading", name=re.compile("Teplice")).first.wait_for()


def test_click_on_map_selects_orp(server, page):
    page.goto(f"{server}/map?region=CZ042&indicator=unemployment_share&year=2020")
    frame = map_frame(page)
    frame.locator("path.leaflet-interactive").nth(3).click(force=True)
    page.wait_for_url(re.compile(r"orp=\d{4}"), timeout=30_000)
    code = re.search(r"orp=(\d{4})", page.url).group(1)
    link = page.get_by_role("link", name=re.compile("Otevřít profil ORP"))
    link.first.wait_for()
    assert code in (link.first.get_attribute("href") or "")


def test_municipal_layer_click_offers_the_town_profile(server, page, external_requests):
    page.goto(f"{server}/map?region=CZ042&indicator=unemployment_share&year=2020&level=obec")
    frame = map_frame(page)
    obce = frame.locator("path.leaflet-interactive")
    assert obce.count() == 354  # ORP borders and the HSOÚ outline on top are not interactive
    obce.nth(40).dispatch_event("click")  # a real click might land under the legend
    page.wait_for_url(re.compile(r"obec=\d{6}"), timeout=30_000)
    code = re.search(r"obec=(\d{6})", page.url).group(1)
    link = page.get_by_role("link", name=re.compile("Otevřít profil obce"))
    link.first.wait_for()
    assert f"obec={code}" in (link.first.get_attribute("href") or "")
    assert not external_requests, external_requests


def _plotly_requests(pg) -> list[str]:
    """Requests for Streamlit's lazily loaded Plotly chunk (``static/js/PlotlyChart.*.js``,
    4.6 MB: the plotly.js bundle inside it) made by ``pg`` so far."""
    return [u for u in pg.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
            if re.search(r"/static/js/PlotlyChart\.[^/]*\.js", u)]


def test_first_visit_fetches_no_plotly_until_the_chart_is_chosen(server, page):
    page.goto(f"{server}/map?region=CZ042&indicator=unemployment_share&year=2020")
    map_frame(page)
    page.get_by_text("Pořadí", exact=True).first.wait_for()
    page.wait_for_timeout(1500)  # late chunks of the first render
    assert _plotly_requests(page) == []
    page.get_by_text("Graf", exact=True).first.click()
    page.locator(".js-plotly-plot").first.wait_for(timeout=45_000)
    assert _plotly_requests(page)  # the chunk's name is right: asked for, it is fetched


def _classes(frame) -> int:
    """Value classes in the map's legend ("3,37 – 3,90" lines)."""
    return sum(" – " in line for line in frame.locator(".hsou-legend").inner_text().splitlines())


def test_map_options_open_on_demand_and_keep_their_choice(server, page):
    page.goto(f"{server}/map?region=CZ042&indicator=unemployment_share&year=2020")
    frame = map_frame(page)
    assert _classes(frame) == 5
    assert page.get_by_text("Počet tříd").count() == 0  # closed: its widgets are not drawn
    page.get_by_text("Nastavení mapy").first.click()
    slider = page.get_by_role("slider").first
    slider.wait_for(timeout=30_000)
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"[?&]k=6"), timeout=30_000)
    page.wait_for_function("""() => {
        const f = document.querySelector("iframe[title*='st_folium']");
        const l = f && f.contentDocument.querySelector('.hsou-legend');
        return l && l.innerText.split('\\n').filter(s => s.includes(' – ')).length === 6; }""",
                           timeout=30_000)
    page.get_by_text("Nastavení mapy").first.click()  # closed again: the choice stays
    page.get_by_text("Počet tříd").wait_for(state="detached", timeout=30_000)
    page.wait_for_timeout(1_000)
    assert re.search(r"[?&]k=6", page.url) and _classes(map_frame(page)) == 6
