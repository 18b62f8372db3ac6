"""AppTest: /map offers the map pictures (slide, print) and /orp the PDF fact sheet, as
deferred downloads (nothing is rendered until clicked), without exceptions; the callables
the buttons register produce the right files."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader
from streamlit.runtime.media_file_manager import MediaFileManager

from tests.app.conftest import open_downloads, open_page


@pytest.fixture
def deferred(monkeypatch) -> dict[str, tuple[str | None, object]]:
    """file name → (mime type, callable) of every deferred download registered in a run."""
    seen: dict[str, tuple[str | None, object]] = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        seen[str(file_name)] = (mimetype, data_callable)
        return original(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return seen


def _buttons(at) -> dict[str, object]:
    return {b.proto.label: b.proto for b in at.get("download_button")}


def test_map_page_offers_slide_and_print_pngs(deferred):
    at = open_page("map", region="CZ042", indicator="unemployment_share", year="2020")
    assert not at.exception and not _buttons(at)  # behind "Stáhnout" until it is opened
    buttons = _buttons(open_downloads(at))
    for label in ("Mapa jako PNG (snímek 1920×1080)", "Mapa jako PNG (tisk A4, 300 dpi)"):
        assert buttons[label].HasField("deferred_file_id")  # rendered only when clicked
    mime, make = deferred["mapa_unemployment_share_2020_CZ042_slide.png"]
    assert mime == "image/png"
    assert Image.open(io.BytesIO(make())).size == (1920, 1080)
    _, make = deferred["mapa_unemployment_share_2020_CZ042_print.png"]
    assert Image.open(io.BytesIO(make())).size in {(3508, 2480), (2480, 3508)}


def test_map_page_municipal_level_and_english(deferred):
    at = open_page("map", {"map.downloads": True}, region="CZ042", level="obec", lang="en")
    assert not at.exception
    assert "Map as PNG (slide 1920×1080)" in _buttons(at)
    names = [n for n in deferred if n.startswith("map_") and n.endswith("_CZ042_obce_slide.png")]
    assert names, deferred.keys()


def test_orp_page_offers_the_pdf_fact_sheet(deferred):
    at = open_page("orp", orp="4213")
    assert not at.exception
    assert _buttons(at)["Stáhnout profil jako PDF"].HasField("deferred_file_id")
    mime, make = deferred["profil_orp_4213.pdf"]
    assert mime == "application/pdf"
    reader = PdfReader(io.BytesIO(make()))
    assert len(reader.pages) == 1 and "Profil SO ORP Teplice" in reader.pages[0].extract_text()
    at = open_page("orp", orp="3210", lang="en")
    assert not at.exception
    assert "Download profile as PDF" in _buttons(at)
    _, make = deferred["orp_profile_3210.pdf"]
    assert "ORP profile: Přeštice" in PdfReader(io.BytesIO(make())).pages[0].extract_text()
