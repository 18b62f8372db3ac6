"""Map PNG and ORP fact sheet PDF downloaded through a real server: the deferred callables run
on Streamlit's download thread (not the script thread), and the files are what they claim."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.browser.conftest import map_frame, open_downloads

pytestmark = pytest.mark.browser


def test_map_slide_png_downloads(server, page, external_requests):
    page.goto(f"{server}/map?region=CZ042&indicator=unemployment_share&year=2020")
    map_frame(page)
    open_downloads(page)
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="Mapa jako PNG (snímek 1920×1080)").click()
    download = dl.value
    assert download.suggested_filename == "mapa_unemployment_share_2020_CZ042_slide.png"
    img = Image.open(io.BytesIO(open(download.path(), "rb").read()))
    assert img.size == (1920, 1080)
    assert not external_requests, external_requests


def test_orp_fact_sheet_pdf_downloads(server, page):
    page.goto(f"{server}/orp?orp=4213")
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="Stáhnout profil jako PDF").click()
    download = dl.value
    assert download.suggested_filename == "profil_orp_4213.pdf"
    reader = PdfReader(download.path())
    assert len(reader.pages) == 1
    assert "Profil SO ORP Teplice" in reader.pages[0].extract_text()
