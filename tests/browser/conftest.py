"""A real ``streamlit run`` server on localhost and Debian's Chromium driven by Playwright.

Every request to a host other than localhost is blocked and recorded, so the tests prove the
app works without internet (no CDN, no font or tile server needed).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from deploy.local import free_port as _free_port  # noqa: F401  (test_proxy.py uses it)
from deploy.local import local_streamlit
from tests.conftest import REPO

CHROMIUM = os.environ.get("HSOU_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


@contextmanager
def streamlit_server(env: dict[str, str], log_name: str) -> Iterator[str]:
    """The site (``deploy/hsou_site.py``) on a free localhost port with ``env``; yields its URL.

    One way to start the app for every browser test (the real bundle, a hostile copy...),
    the same as the benchmarks' (:func:`deploy.local.local_streamlit`); the log goes to
    ``test-artifacts/<log_name>``.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    with (open(ARTIFACTS / log_name, "w") as log,
          local_streamlit(env=env, log=log, timeout=60) as srv):
        yield srv.url


@pytest.fixture(scope="session")
def server(bundle_dir: Path) -> Iterator[str]:
    """The app on the installed bundle, shared by the browser tests of a session."""
    with streamlit_server({**os.environ}, "streamlit.log") as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield b
        b.close()


@pytest.fixture
def external_requests() -> list[str]:
    return []


@pytest.fixture
def page(browser, request, external_requests):
    """A fresh page; external requests are aborted and listed in ``external_requests``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="cs-CZ")

    def route(r):
        host = urlparse(r.request.url).hostname or ""
        if host in LOCAL_HOSTS or r.request.url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            external_requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def open_downloads(pg, word: str = "Stáhnout") -> None:
    """Open /map's downloads popover (its buttons exist only once it is open)."""
    pg.get_by_role("button", name=re.compile(rf"{word}$")).first.click()
    pg.get_by_role("button", name=re.compile("^CSV")).first.wait_for(timeout=45_000)


def map_frame(pg):
    """The streamlit-folium iframe's frame, once Leaflet has drawn into it."""
    pg.wait_for_selector("iframe[title*='st_folium']", timeout=45_000)
    frame = pg.frame_locator("iframe[title*='st_folium']").first
    frame.locator(".leaflet-interactive").first.wait_for(timeout=45_000)
    return frame
