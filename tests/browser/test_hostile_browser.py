"""A hostile data bundle and hostile links in a real browser: no script runs, nothing loads.

A dedicated ``streamlit run`` server reads a hostile copy of the bundle (``tests/hostile.py``):
ORP and municipality names such as ``<img src=x onerror=alert(document.domain)>``. Hovering
every ORP of the maps opens their tooltips; a script from a name would open a dialog, and an
image from a name (``http://evil.invalid/…``) would be a request that the page fixture blocks
and records. Neither may happen, and the names must show as text.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from hsou_dash import config
from tests import hostile
from tests.browser.conftest import map_frame, streamlit_server

pytestmark = pytest.mark.browser

#: Links and images anywhere in the page (plotly draws its links as SVG ``xlink:href``).
_EVIL_ELEMENTS = """() => [...document.querySelectorAll('a, img, image, iframe, script')]
    .map(e => e.getAttribute('href') || e.getAttribute('xlink:href') || e.getAttribute('src')
              || '')
    .filter(u => u.includes('evil.invalid') || u.toLowerCase().startsWith('javascript'))"""


@pytest.fixture(scope="module")
def hostile_server(bundle_dir: Path, tmp_path_factory) -> Iterator[str]:
    """The site on a free port, reading the hostile copy of the bundle."""
    root = hostile.make_hostile_bundle(bundle_dir, tmp_path_factory.mktemp("hostile") / "b")
    env = {**os.environ, config.ENV_DATA_DIR: str(root),
           config.ENV_CACHE_DIR: str(tmp_path_factory.mktemp("cache"))}
    with streamlit_server(env, "streamlit-hostile.log") as base:
        yield base


@pytest.fixture
def dialogs(page) -> list[str]:
    """Messages of every alert/confirm/prompt the page (or its map iframe) opened."""
    opened: list[str] = []

    def on_dialog(dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return opened


def hover_every_polygon(page, limit: int | None = None) -> list[str]:
    """Hover each interactive path of the page's map; return the tooltips' HTML."""
    frame = map_frame(page)
    paths = frame.locator("path.leaflet-interactive")
    tips = []
    for i in range(paths.count() if limit is None else min(limit, paths.count())):
        paths.nth(i).hover(force=True, timeout=5_000)
        tip = frame.locator(".leaflet-tooltip")
        if tip.count():
            tips.append(tip.last.inner_html())
    return tips


def assert_nothing_ran(page, dialogs: list[str], external_requests: list[str]) -> None:
    page.wait_for_timeout(500)  # an image's onerror fires after its (blocked) request fails
    assert not dialogs, dialogs
    assert not external_requests, external_requests  # nothing went to evil.invalid
    assert not page.evaluate(_EVIL_ELEMENTS)


def assert_names_shown_as_text(page, tips: list[str]) -> None:
    """The tooltips showed the names with their payload as characters, never as elements."""
    assert tips, "no tooltip opened"
    assert any("&lt;img src=x onerror=alert(document.domain)&gt;" in t for t in tips), tips[:2]
    frame = page.frame_locator("iframe[title*='st_folium']").first
    assert frame.locator(".leaflet-tooltip img, .leaflet-tooltip a").count() == 0


def test_map_tooltips_run_no_script(hostile_server, page, dialogs, external_requests):
    page.goto(f"{hostile_server}/map?region=CZ042&indicator=distraint_share&year=2022")
    tips = hover_every_polygon(page)
    assert_nothing_ran(page, dialogs, external_requests)
    assert_names_shown_as_text(page, tips)


def test_municipal_tooltips_run_no_script(hostile_server, page, dialogs, external_requests):
    page.goto(f"{hostile_server}/map?region=CZ042&indicator=unemployment_share&year=2020"
              f"&level=obec&obec=563218")
    tips = hover_every_polygon(page, limit=40)
    assert_nothing_ran(page, dialogs, external_requests)
    assert_names_shown_as_text(page, tips)


def test_home_map_tooltips_run_no_script(hostile_server, page, dialogs, external_requests):
    page.goto(hostile_server)
    tips = hover_every_polygon(page)
    assert_nothing_ran(page, dialogs, external_requests)
    assert_names_shown_as_text(page, tips)


@pytest.mark.parametrize("path", ["/compare", "/methodology",
                                  "/support?tab=coverage&instrument=evil_new"])
def test_other_maps_run_no_script(hostile_server, page, dialogs, external_requests, path):
    page.goto(f"{hostile_server}{path}")
    tips = hover_every_polygon(page, limit=25)
    assert_nothing_ran(page, dialogs, external_requests)
    assert_names_shown_as_text(page, tips)


def test_markdown_from_the_url_loads_nothing(hostile_server, page, dialogs, external_requests):
    image = f"![x](http://{hostile.EVIL_HOST}/p.png)"
    page.goto(f"{hostile_server}/orp?orp={quote(image)}")
    notice = page.locator("[data-testid='stAlertContentInfo']").first
    notice.wait_for(timeout=45_000)
    assert image in notice.inner_text().replace("\u2060", "")  # shown as typed
    # the profile of the default ORP is drawn, its hostile name shown as text
    page.get_by_role("heading", name="onerror").first.wait_for()
    legend = page.frame_locator("iframe[title*='st_folium']").first.locator(".hsou-legend")
    assert "<img src=x onerror=alert(document.domain)>" in legend.inner_text(timeout=45_000)
    assert_nothing_ran(page, dialogs, external_requests)
