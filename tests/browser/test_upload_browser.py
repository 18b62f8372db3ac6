"""Upload your own indicator through the real file input on /map (Playwright's
``set_input_files``): it shows on the map with 16 shapes and in the rank table; a broken file
says where it is broken; a second browser context sees no trace of it."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.browser.conftest import map_frame, open_downloads

pytestmark = pytest.mark.browser

#: ORP codes of Ústecký kraj (ČSÚ) with made-up values 10.5 … 25.5 — synthetic, not real data
UK_ORP = ["4201", "4202", "4203", "4204", "4205", "4206", "4207", "4208", "4209", "4210",
          "4211", "4212", "4213", "4214", "4215", "4216"]
CSV = ("orp_code;year;value;indicator_name;source\n" + "".join(
    f"{c};2024;{10 + i},5;Testovací ukazatel;Test prohlížeče\n" for i, c in enumerate(UK_ORP)))


def _upload(page, data: bytes, name: str) -> None:
    add = page.get_by_role("button", name=re.compile("Přidat ukazatel"))
    if not add.is_visible():  # the panel is behind a switch (it stays open after an upload)
        page.get_by_text("Nahrát vlastní ukazatel").first.click()
        add.wait_for()
    page.locator("input[type=file]").first.set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    # the file is sent to the server when chosen; the button then reads it
    page.get_by_text(name).first.wait_for()
    _idle(page)  # choosing a file reruns the page; a click during that rerun would be lost
    add.click()


def _idle(page) -> None:
    """Until the script run that is going on (if any) has finished."""
    page.wait_for_timeout(500)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')""")


def test_upload_on_the_map_and_no_trace_elsewhere(server, page, browser, external_requests):
    page.goto(f"{server}/map?region=CZ042&indicator=unemployment_share&year=2020")
    map_frame(page)
    _upload(page, CSV.encode(), "muj_ukazatel.csv")
    page.wait_for_url(re.compile(r"indicator=user(%3A|:)1"), timeout=30_000)
    frame = page.frame_locator("iframe[title*='st_folium']").first
    legend = frame.locator(".hsou-legend")
    legend.filter(has_text="Vlastní: Testovací ukazatel").wait_for(timeout=30_000)
    assert frame.locator("path.leaflet-interactive").count() == 16
    # the rank table (its text alternative is built from the same rows), and the source line
    body = page.locator("body")
    body.get_by_text(re.compile(r"Nejvyšší hodnotu má Žatec \(25,5\)")).first.wait_for()
    body.get_by_text(re.compile("Zdroj: Test prohlížeče \\(vlastní data")).first.wait_for()
    # the table downloads back as CSV with the user's values, untouched
    open_downloads(page)
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="CSV (strojově čitelné)").click()
    back = pd.read_csv(dl.value.path(), dtype={"orp_code": str})
    assert sorted(back["orp_code"]) == UK_ORP and set(back["indicator_id"]) == {"user:1"}
    assert sorted(back["value"]) == [10.5 + i for i in range(16)]
    assert not external_requests, external_requests

    # a broken file: the error names the row and column, the map stays as it was
    _upload(page, b"orp_code;year;value\n4213;2024;abc\n", "rozbity.csv")
    page.get_by_text(re.compile("řádek 2, sloupec „value“")).first.wait_for()
    assert "Vlastní: Testovací ukazatel" in legend.inner_text()

    # a second visitor opening the same address sees a notice and the default indicator
    other = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="cs-CZ")
    try:
        pg = other.new_page()
        pg.set_default_timeout(30_000)
        pg.goto(page.url)
        map_frame(pg)
        pg.get_by_text(re.compile("jen v relaci toho, kdo jej nahrál")).first.wait_for()
        assert "Vlastní" not in pg.frame_locator("iframe[title*='st_folium']").first.locator(
            ".hsou-legend").inner_text()
        assert "Testovací" not in pg.locator("body").inner_text()
    finally:
        other.close()


def test_upload_on_compare_against_unemployment(server, page):
    page.goto(f"{server}/compare?region=CZ042&x=unemployment_share&xyear=2020")
    page.locator(".js-plotly-plot").first.wait_for(timeout=45_000)
    _upload(page, CSV.encode(), "muj_ukazatel.csv")
    page.wait_for_url(re.compile(r"y=user(%3A|:)1"), timeout=30_000)
    plot = page.locator(".js-plotly-plot").first
    plot.locator("text", has_text="Vlastní: Testovací ukazatel (2024)").first.wait_for()
    assert "Podíl nezaměstnaných" in plot.inner_text()
    # the side-by-side table has its own row too (a canvas grid: read it from its download)
    page.get_by_text(re.compile("Řádky „Vlastní: …“ jsou data nahraná")).first.wait_for()
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="CSV (strojově čitelné)").nth(1).click()
    table = pd.read_csv(dl.value.path(), dtype={"orp_code": str})
    own = table[table["indicator_id"] == "user:1"]
    assert len(own) == table["orp_code"].nunique() and own["percentile"].isna().all()


def test_obec_upload_on_the_municipal_map(server, page, bundle):
    """An obec-level file switches /map to the obce of its kraj (from Czechia)."""
    obce = sorted(bundle.obce.loc[bundle.obce["orp_code"] == "4213", "obec_code"])
    data = "obec_code;year;value\n" + "".join(f"{c};2024;{i},5\n" for i, c in enumerate(obce))
    page.goto(f"{server}/map?region=CZ")
    map_frame(page)
    _upload(page, data.encode(), "obce.csv")
    page.wait_for_url(re.compile(r"level=obec"), timeout=30_000)
    assert "region=CZ042" in page.url
    frame = page.frame_locator("iframe[title*='st_folium']").first
    frame.locator(".hsou-legend").filter(has_text="Vlastní: obce").wait_for(timeout=30_000)
    top = bundle.obce.set_index("obec_code").at[obce[-1], "obec_name"]
    n = int((bundle.obce["kraj_code"] == "CZ042").sum())
    page.get_by_text(re.compile(rf"{n} území \(Ústecký kraj\)\. Nejvyšší hodnotu má {top}"))\
        .first.wait_for()
