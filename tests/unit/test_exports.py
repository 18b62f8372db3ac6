"""Pictures for slides and handouts: map PNGs (exact sizes, real colours, same classes as /map)
and the one-page ORP fact sheet PDF (title, sources, Czech letters, hostile names literal)."""

from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from hsou_dash import config
from hsou_dash.escape import html_text
from hsou_dash.text import translator
from hsou_dash.ui import cache
from hsou_dash.viz import attribution, charts, factsheet, indicator_view, palettes, print_map

UK, TEPLICE, OUTSIDE = "CZ042", "4213", "3210"  # Přeštice, Plzeňský kraj


@pytest.fixture(scope="module")
def root(bundle_dir) -> str:
    return str(config.data_dir())


def _orp_map(root: str, region: str = UK, lang: str = "cs", hsou: bool = True,
             indicator: str = "unemployment_share", year: int = 2020, **kw):
    b = cache.bundle(root)
    return print_map.orp_map(b, cache.region_geometry(root, region),
                             cache.hsou_outline(root, region) if hsou else None, region=region,
                             region_name="Ústecký kraj", indicator=indicator, year=year,
                             scheme=kw.get("scheme", "fisher_jenks"), k=kw.get("k", 5),
                             tr=translator(lang), lang=lang)


def _colors(png: bytes) -> set[tuple[int, int, int]]:
    img = Image.open(io.BytesIO(png)).convert("RGB")
    return {c for _, c in img.getcolors(maxcolors=1 << 24)}


def _hex(c: str) -> tuple[int, int, int]:
    return tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))


def _pdf_text(pdf: bytes) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages)


def test_slide_png_is_1920x1080_with_the_palette_colours(root):
    pm = _orp_map(root)
    png = print_map.render_png(pm, "slide")
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG" and img.size == (1920, 1080)
    colors = _colors(png)
    assert len(colors) > 50  # not blank: map, antialiased text
    drawn = {c for c, _ in pm.legend}
    expected = palettes.for_indicator(cache.bundle(root).catalog, "unemployment_share", 5)
    assert drawn == set(expected)
    for c in expected:  # every class colour is painted (at 95 % opacity over white)
        r, g, b = _hex(c)
        near = [(r * .95 + 255 * .05, g * .95 + 255 * .05, b * .95 + 255 * .05)]
        assert any(all(abs(x - y) <= 2 for x, y in zip(px, near[0], strict=True))
                   for px in colors), c


def test_print_png_is_a4_at_300_dpi(root):
    png = print_map.render_png(_orp_map(root, region="CZ"), "print")
    size = Image.open(io.BytesIO(png)).size
    assert size in {(2480, 3508), (3508, 2480)}
    assert size == (3508, 2480)  # Czechia is wider than tall: landscape
    assert len(_colors(png)) > 50


def test_print_png_of_a_tall_kraj_is_portrait(root):
    b = cache.bundle(root)
    pm = print_map.orp_map(b, cache.region_geometry(root, "CZ071"), None, region="CZ071",
                           region_name="Olomoucký kraj", indicator="ageing_index", year=2020,
                           scheme="quantiles", k=5, tr=translator("en"), lang="en")
    png = print_map.render_png(pm, "print")
    assert Image.open(io.BytesIO(png)).size == (2480, 3508)


def test_picture_uses_the_classes_and_legend_of_the_interactive_map(root):
    """Legend labels and colours of the PNG are those /map draws (same classification)."""
    b = cache.bundle(root)
    for scheme, k in (("fisher_jenks", 5), ("quantiles", 4), ("equal_interval", 7)):
        pm = _orp_map(root, scheme=scheme, k=k, indicator="distraint_share", year=2022)
        view = indicator_view.build(b, cache.region_geometry(root, UK), None, region=UK,
                                    indicator="distraint_share", year=2022, scheme=scheme, k=k,
                                    tiles="none", selected=None, tr=translator("cs"),
                                    lang="cs")
        html = view.map.get_root().render()
        for color, label in pm.legend:
            # the legend travels JSON-encoded in the map's script (Overlay, ``tojson``)
            assert json.dumps(html_text(label))[1:-1] in html and color in html, (scheme, label)
        assert pm.title == f"{view.title} (2022)"
        assert pm.source == view.source
        assert pm.attribution == "Hranice: © ČÚZK – RÚIAN (stav 06/2024), CC BY 4.0; upraveno"


def test_no_data_is_grey_and_the_outline_follows_the_toggle(root):
    pm = _orp_map(root, indicator="distraint_share_mz2024", year=2024)
    assert palettes.NO_DATA in set(pm.geo["fill"])
    assert (palettes.NO_DATA, "bez dat") in pm.legend
    assert _hex(palettes.NO_DATA) in _colors(print_map.render_png(pm, "slide"))
    assert pm.outline is not None and pm.outline_label
    assert _orp_map(root, hsou=False).outline is None


def test_municipal_picture(root):
    b = cache.bundle(root)
    pm = print_map.obec_map(
        b, cache.kraj_obec_values(root, UK), cache.kraj_obec_geometry(root, UK),
        cache.region_geometry(root, UK), None, region=UK, region_name="Ústecký kraj",
        indicator="unemployment_share", year=2020, scheme="fisher_jenks", k=5,
        tr=translator("en"), lang="en",
        classification=cache.obec_classification(root, UK, "unemployment_share", 2020,
                                                 "fisher_jenks", 5))
    assert len(pm.geo) > 300 and pm.borders is not None
    assert any(label == "ORP border" for _, label in pm.legend)
    png = print_map.render_png(pm, "slide")
    assert Image.open(io.BytesIO(png)).size == (1920, 1080)


def test_hostile_names_render_literally(root):
    """A name with ``$x$`` is drawn as those characters: no mathtext (which raises on an
    unknown command such as ``$\\undefinedcmd$`` and typesets ``$x$`` in italics), no markup
    from ``<b>``."""
    pm = _orp_map(root)
    geo = pm.geo.copy()
    geo["name"] = [r"$\undefinedcmd{1}$ <b>X</b>", "$x$", *geo["name"].iloc[2:]]
    hostile = print_map.PrintMap(geo, "$\\alpha$ <b>bold</b>", "$x$", pm.legend, "$y$",
                                 pm.attribution, names=True)
    png = print_map.render_png(hostile, "slide")  # mathtext raises ValueError here
    assert Image.open(io.BytesIO(png)).size == (1920, 1080)
    from matplotlib.figure import Figure

    fig = Figure()
    print_map.text(fig, 0, 0, "$x$")
    (artist,) = fig.texts
    assert artist.get_text() == "$x$" and not artist._parse_math  # drawn as typed


@pytest.mark.parametrize(("code", "lang"), [(TEPLICE, "cs"), (TEPLICE, "en"),
                                            (OUTSIDE, "cs"), (OUTSIDE, "en")])
def test_factsheet_is_one_a4_page_with_title_and_sources(root, code, lang):
    p = cache.orp_profile(root, code, lang)
    geo = cache.region_geometry(root, str(p.facts["kraj_code"]))
    tr = translator(lang)
    pdf = factsheet.render_pdf(p, geo, tr, lang, date(2026, 11, 29),
                               attribution=attribution.boundaries(cache.bundle(root), tr))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait
    text = " ".join(_pdf_text(pdf).split())
    name = str(p.facts["orp_name"])
    title = translator(lang).plain("exports.sheet_title", name=name)
    assert title in text
    assert str(p.facts["kraj_name"]) in text
    assert p.hsou_source.split(" – ")[0] in text  # MMR / Ministry of Regional Development
    first_source = p.table["source"].iloc[0]
    assert " ".join(first_source.split()) in text  # publisher-first source line
    assert p.table["value"].iloc[0].split(" [")[0].replace("\u00a0", " ") in \
        text.replace("\u00a0", " ")
    assert ("06/2024" in text) and ("29. 11. 2026" in text if lang == "cs" else
                                  "29 Nov 2026" in text)
    assert ("1 = nejvyšší hodnota" if lang == "cs" else "1 = highest value") in text
    fonts = {f["/BaseFont"] for f in _fonts(reader)}
    assert fonts and all("DejaVu" in str(f) for f in fonts)
    assert all("/FontFile2" in str(f["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                                    .get_object()) for f in _fonts(reader))  # embedded


def _fonts(reader: PdfReader) -> list:
    res = reader.pages[0]["/Resources"]["/Font"]
    return [res[k].get_object() for k in res]


def test_factsheet_czech_letters_and_hostile_name(root):
    """ř ů ě Ú come through as text; an ORP name with ``$x$`` and ``<b>`` stays literal."""
    p = cache.orp_profile(root, TEPLICE, "cs")
    facts = p.facts.copy()
    facts["orp_name"] = "Přeštice $x$ <b>Ústí</b> ůě"
    hostile = type(p)(**{**p.__dict__, "facts": facts})
    geo = cache.region_geometry(root, UK)
    pdf = factsheet.render_pdf(hostile, geo, translator("cs"), "cs", date(2026, 11, 29),
                               attribution="Hranice: © ČÚZK – RÚIAN (stav 06/2024)")
    text = " ".join(_pdf_text(pdf).split())
    assert "Profil SO ORP Přeštice $x$ <b>Ústí</b> ůě" in text


def test_factsheet_cuts_long_notes_to_stay_on_one_page(root):
    p = cache.orp_profile(root, TEPLICE, "cs")
    many = type(p)(**{**p.__dict__, "notes": [f"Poznámka {i} " + "slovo " * 40
                                              for i in range(40)]})
    pdf = factsheet.render_pdf(many, cache.region_geometry(root, UK), translator("cs"), "cs",
                               attribution="Hranice: © ČÚZK – RÚIAN (stav 06/2024)")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert "další poznámky" in _pdf_text(pdf)


def test_chart_image_config_and_source_inside_figures():
    cfg = charts.image_config("mapa unemployment/2020")
    assert cfg["toImageButtonOptions"] == {"format": "png", "filename": "mapa_unemployment_2020",
                                           "scale": 2}
    rows = pd.DataFrame({"orp_code": ["1", "2"], "orp_name": ["A $x$", "<b>B</b>"],
                         "value": [1.0, 2.0], "value_text": ["1,0", "2,0"],
                         "is_hsou": [True, False]})
    fig = charts.ranked_bars(rows, label="orp_name", value="value", text="value_text",
                             title="T", source="Zdroj: ČSÚ – data; k 31. 12. 2020")
    notes = [a.text for a in fig.layout.annotations]
    assert any("Zdroj: ČSÚ" in n for n in notes)
    assert fig.layout.margin.b > 30 and fig.layout.height > 260
    trend = charts.trend({"A": pd.Series({2019: 1.0, 2020: 2.0})}, title="T", unit="%",
                         source="Zdroj: ÚP ČR")
    assert any("Zdroj: ÚP ČR" in a.text for a in trend.layout.annotations)
