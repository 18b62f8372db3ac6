"""/support in a real browser: the charts and the coverage map render, offline."""

from __future__ import annotations

import os
import re

import pytest

from tests.browser.conftest import map_frame, streamlit_server

pytestmark = pytest.mark.browser


def test_allocation_and_timeline_charts_render(server, page, external_requests):
    page.goto(f"{server}/support?tab=money")
    page.locator(".js-plotly-plot").nth(1).wait_for(timeout=45_000)
    allocation, timeline = page.locator(".js-plotly-plot").nth(0), page.locator(
        ".js-plotly-plot").nth(1)
    # five published allocations drawn as bars; the others are listed, not drawn as zero
    assert allocation.locator(".barlayer .point").count() == 5
    assert "nezveřejněno" not in allocation.inner_text()
    assert page.get_by_text(re.compile("Bez zveřejněné alokace")).count() == 1
    assert timeline.locator(".scatterlayer .trace").count() > 11
    assert "dnes" in timeline.inner_text()
    assert not external_requests, external_requests


def test_switching_tabs_draws_the_matrix(server, page):
    page.goto(f"{server}/support")
    page.get_by_role("tab", name="Kdo může žádat").click()
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for(timeout=45_000)
    assert "cíl nástroje" in chart.inner_text()
    page.wait_for_url(re.compile(r"tab=matrix"))


def test_instrument_link_shows_coverage_map(server, page, external_requests):
    page.goto(f"{server}/support?instrument=opst")
    frame = map_frame(page)
    assert frame.locator("path.leaflet-interactive").count() == 206
    legend = frame.locator(".hsou-legend").inner_text()
    assert "celé ORP" in legend and "mimo cílové území" in legend
    assert "ČÚZK" in frame.locator(".leaflet-control-attribution").inner_text()
    assert not external_requests, external_requests


def test_a_deep_link_first_on_a_fresh_server_gets_the_app_frame(bundle_dir, page):
    """The very first visitor of a new process opens /support?lang=en. Streamlit is still in
    its old ``pages/`` mode then and would run pages/support.py alone (Czech, no menu, no
    footer); ``widgets.leave_legacy_multipage_mode`` must bring app.py's frame back."""
    with streamlit_server({**os.environ}, "streamlit-deep-link.log") as base:
        page.goto(f"{base}/support?lang=en")
        main = page.locator("[data-testid='stMain']")
        main.get_by_role("heading", name=re.compile("^Support instruments")).wait_for(
            timeout=60_000)  # lang=en was read: app.py's init_lang ran
        # the footer app.py writes after the page ran, its language switch and top navigation
        page.get_by_text("Every figure carries its source and date").wait_for(timeout=60_000)
        # the frame's widgets may be drawn a moment after the footer's text: wait, then count
        page.get_by_role("radio", name="Česky").wait_for(timeout=30_000)
        page.get_by_role("button", name="Explore").wait_for(timeout=30_000)
        assert page.get_by_role("radio", name="Česky").count() == 1
        assert page.get_by_role("button", name="Explore").count() == 1
