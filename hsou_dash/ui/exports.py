"""Download buttons for pictures: the /map choropleth as PNG (slide, A4 print) and the ORP
fact sheet as PDF.

Why deferred downloads: a picture takes ~1 s of matplotlib per size, and most visitors never
ask for one. ``st.download_button`` (Streamlit 1.67) accepts a callable as ``data`` and runs it
only when the button is clicked, on a thread of its own, so a page run never renders a PNG or
PDF. The bytes are cached with ``st.cache_data`` keyed by simple arguments (bundle root and
the choices that change the picture), so a second click — or another visitor's — is instant,
and a new bundle version (a new ``root``) never gets an old picture.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import streamlit as st

from hsou_dash.config import NATIONAL_CODE
from hsou_dash.text import translate_plain, translator
from hsou_dash.ui import cache
from hsou_dash.ui.text import lang as page_lang
from hsou_dash.ui.text import t, t_plain
from hsou_dash.viz import attribution

if TYPE_CHECKING:
    from hsou_dash.viz.print_map import PrintMap

# The renderers (and matplotlib, ~0.4 s to import) are imported inside the functions: a
# process loads them on the first click, never on a cold start of the pages.


def _region_name(root: str, region: str, lang: str) -> str:
    if region == NATIONAL_CODE:
        return translate_plain(lang, "common.czechia")
    kraje = cache.bundle(root).kraje
    names = dict(zip(kraje["kraj_code"], kraje["kraj_name"], strict=True))
    return str(names.get(region, region))


def build_print_map(root: str, level: str, region: str, indicator: str, year: int,
                    scheme: str, k: int, hsou: bool, lang: str) -> PrintMap:
    """The picture's content from the same cached inputs as ``cache.map_view`` (geometry,
    HSOÚ outline, the kraj's municipal classes), so picture and map agree."""
    from hsou_dash.viz import print_map

    b = cache.bundle(root)
    outline = cache.hsou_outline(root, region) if hsou else None
    common = dict(region=region, region_name=_region_name(root, region, lang),
                  indicator=indicator, year=year, scheme=scheme, k=k, tr=translator(lang),
                  lang=lang)
    if level == "obec":
        return print_map.obec_map(
            b, cache.kraj_obec_values(root, region), cache.kraj_obec_geometry(root, region),
            cache.region_geometry(root, region), outline,
            classification=cache.obec_classification(root, region, indicator, year, scheme, k),
            **common)
    return print_map.orp_map(b, cache.region_geometry(root, region), outline, **common)


@st.cache_data(show_spinner=False, max_entries=64)
def map_png(root: str, level: str, region: str, indicator: str, year: int, scheme: str,
            k: int, hsou: bool, lang: str, size: str) -> bytes:
    """PNG bytes of the /map choropleth (``size``: ``slide`` or ``print``)."""
    from hsou_dash.viz import print_map

    pm = build_print_map(root, level, region, indicator, year, scheme, k, hsou, lang)
    return print_map.render_png(pm, "print" if size == "print" else "slide")


@st.cache_data(show_spinner=False, max_entries=128)
def factsheet_pdf(root: str, code: str, lang: str, today: str) -> bytes:
    """PDF bytes of the ORP fact sheet (``today``: ISO date, printed on the sheet, so it is
    part of the key — a sheet never carries yesterday's date)."""
    from hsou_dash.viz import factsheet

    p = cache.orp_profile(root, code, lang)
    geo = cache.region_geometry(root, str(p.facts["kraj_code"]))
    tr = translator(lang)
    return factsheet.render_pdf(p, geo, tr, lang, date.fromisoformat(today),
                                attribution=attribution.boundaries(cache.bundle(root), tr))


def map_downloads(root: str, level: str, region: str, indicator: str, year: int, scheme: str,
                  k: int, hsou: bool) -> None:
    """Two buttons under the map: a 1920×1080 slide and an A4 300 dpi print PNG, each
    rendered only when clicked (see the module docstring)."""
    lang = page_lang()
    args = (root, level, region, indicator, int(year), scheme, int(k), bool(hsou), lang)
    with st.container(horizontal=True, gap="small"):
        for size in ("slide", "print"):
            name = t_plain("exports.map_file", indicator=indicator, year=year,
                           region=region if level == "orp" else f"{region}_obce", size=size)
            st.download_button(
                t(f"exports.map_{size}"), lambda size=size: map_png(*args, size),
                file_name=f"{name}.png", mime="image/png", key=f"map.png_{size}",
                on_click="ignore", help=t(f"exports.map_{size}_help"),
                icon=":material/image:")


def factsheet_download(root: str, code: str) -> None:
    """"Stáhnout profil jako PDF" on /orp: the one-page fact sheet, rendered when clicked."""
    lang = page_lang()
    today = date.today().isoformat()
    st.download_button(
        t("exports.factsheet"), lambda: factsheet_pdf(root, code, lang, today),
        file_name=f"{t_plain('exports.factsheet_file', code=code)}.pdf",
        mime="application/pdf", key="orp.pdf", on_click="ignore",
        help=t("exports.factsheet_help"), icon=":material/picture_as_pdf:")
