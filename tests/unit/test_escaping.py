"""Untrusted text stays text: the Markdown escaper, map HTML, Plotly figures, CSV downloads.

The map and chart tests build every builder from a hostile copy of the installed bundle (see
``tests/hostile.py``): ORP, municipality, kraj, indicator and instrument names that carry
``<img onerror>``, ``<a href>``, Markdown images and links, and spreadsheet formulas.
"""

from __future__ import annotations

import csv
import importlib
import inspect
import io
import json
import re
from datetime import date

import pandas as pd
import pytest

from hsou_dash.data import geometry, loaders
from hsou_dash.domain import hsou, support, towns
from hsou_dash.escape import (
    ECHO_LIMIT,
    WORD_JOINER,
    Markdown,
    html_text,
    md,
    md_document,
    md_link,
    plot_text,
    safe_url,
)
from hsou_dash.text import translate, translate_plain, translator
from hsou_dash.viz import (
    attribution,
    compare_view,
    export,
    home_view,
    indicator_view,
    methodology_view,
    orp_view,
    support_view,
    town_view,
)
from tests import hostile
from tests.conftest import strings

# ---------------------------------------------------------------------------- Markdown

#: The backslash escapes CommonMark knows, to read escaped text back.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
#: Characters that must never appear unescaped in escaped text (they open markup).
_OPENERS = set("\\`*_~[]<>${}|#&")


def decoded(text: str) -> str:
    """What a Markdown renderer shows for escaped ``text`` (escapes removed)."""
    return _ESCAPE.sub(r"\1", text).replace(WORD_JOINER, "")


def bare(text: str) -> str:
    """``text`` with every backslash escape removed, and with "_" between two alphanumerics
    (which CommonMark never reads as emphasis): what is left could be markup."""
    return re.sub(r"(?<=[^\W_])_(?=[^\W_])", "", _ESCAPE.sub("", text))


PAYLOADS = [
    "![x](http://h/p.png)",
    "[a](http://h)",
    "**b**",
    "<img src=x onerror=alert(1)>",
    ":red[x]",
    "$x$",
    ":material/home:",
    ":material_home: :smile: :streamlit:",
    "`code` ~~s~~ _e_ <http://h> &lt; {a} | b",
    "\\[a](http://h)",
    "- list",
    "12. ordered",
    "# heading",
    "> quote",
    "www.evil.invalid and a@evil.invalid and https://evil.invalid/x",
    "line\n\n![x](http://h/p.png)\r\n# h",
]


@pytest.mark.parametrize("value", PAYLOADS)
def test_md_leaves_no_markup_and_keeps_the_text(value):
    out = md(value)
    assert not _OPENERS & set(bare(out)), out
    assert "\n" not in out and "\r" not in out
    assert decoded(out) == value.replace("\r", " ").replace("\n", " ")


@pytest.mark.parametrize("value, escaped", [
    ("![x](http://h/p.png)", "!\\[x\\](http:\u2060//h/p.png)"),
    ("[a](http://h)", "\\[a\\](http:\u2060//h)"),
    ("**b**", "\\*\\*b\\*\\*"),
    ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
    (":red[x]", "\\:red\\[x\\]"),
    ("$x$", "\\$x\\$"),
    ("- list", "\\- list"),
    ("distraint_share _x_", "distraint_share \\_x\\_"),
    ("Teplice (2020): 5,46 %", "Teplice (2020): 5,46 %"),  # ordinary text stays readable
])
def test_md_escapes_exactly(value, escaped):
    assert md(value) == escaped


@pytest.mark.parametrize("value, pattern", [
    ("http://evil.invalid/phish", r"https?://"),        # GFM autolink literal
    ("www.evil.invalid", r"www\."),
    ("a@evil.invalid", r"@[\w-]"),                     # e-mail autolink
    (":material/home:", r":material/"),                # Streamlit rewrites it to an icon
    (":material_home:", r":material_\w+:"),
    (":smile:", r":[\w+-]+:"),                         # emoji shortcode
])
def test_md_breaks_patterns_streamlit_rewrites_after_unescaping(value, pattern):
    """These are matched in the decoded text, where backslashes no longer help."""
    out = md(value)
    assert not re.search(pattern, _ESCAPE.sub(r"\1", out)), out


def test_md_shortens_long_values_and_is_idempotent():
    long = "[Klikněte zde](http://h/phish)" + "A" * 10_000
    out = md(long, limit=ECHO_LIMIT)
    assert len(decoded(out)) == ECHO_LIMIT and decoded(out).endswith("…")
    assert "A" * 40 not in out and "](" not in bare(out)
    assert md(out) == out and isinstance(out, Markdown)
    assert md("short", limit=ECHO_LIMIT) == "short"


def test_catalogue_escapes_fields_but_not_its_own_markdown():
    image = "![x](http://h/p.png)"
    text = translate("cs", "notice.unknown_orp", value=image)
    assert "„!\\[x\\](http:\u2060//h/p.png)“" in text
    assert translate_plain("cs", "notice.unknown_orp", value=image).count(image) == 1
    # catalogue Markdown stays Markdown; numbers are not escaped
    assert translate("cs", "methodology.rules", year=2020, pop_year=2020).startswith("**Jak")
    assert translate("cs", "common.rank_of", rank=3, n=7) == "3. z 7"
    tr = translator("en")
    assert tr("town.option", name="*a*", orp="b", okres="c") == "\\*a\\* – ORP b, district c"
    assert tr.plain("town.option", name="*a*", orp="b", okres="c") == "*a* – ORP b, district c"
    nested = tr("common.open_profile", name=tr("town.okres", okres="[x](y)"))
    assert nested.count("\\[") == 1  # an escaped field is not escaped again


def test_links_only_to_http_urls():
    assert safe_url(" https://www.czso.cz/a?b=1 ") == "https://www.czso.cz/a?b=1"
    for bad in (hostile.JS_URL, "JavaScript:alert(1)", "data:text/html,x", "//evil.invalid",
                "http://", "ftp://x", "http://a b", None, float("nan")):
        assert safe_url(bad) is None, bad
    assert md_link("ČSÚ [x]", hostile.JS_URL) == "ČSÚ \\[x\\]"
    link = md_link("a", "https://h.cz/x_(1)")
    assert link == "[a](https://h.cz/x_%281%29)"


def test_bundle_documents_lose_images_scripts_and_script_links():
    doc = md_document(f"{hostile.IMAGE}\n\n[odkaz]({hostile.JS_URL})\n\n<{hostile.JS_URL}>\n\n"
                      f"{hostile.XSS}\n\n# Zdroje\n\n- [ČSÚ](https://www.czso.cz/)\n"
                      f"- ![y][r]\n\n[r]: {hostile.JS_URL}\n")
    assert "evil.invalid" not in doc and "javascript:" not in doc.replace("\\<javascript:", "")
    assert "![" not in doc and "\\<img" in doc
    assert "# Zdroje" in doc and "[ČSÚ](https://www.czso.cz/)" in doc  # still Markdown


# ---------------------------------------------------------------------------- CSV

def _cells(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("value", [*hostile.FORMULAS, "\tx", "\rx", "-", "+", "@"])
def test_csv_neutralises_formula_cells(value):
    data = export.csv_bytes(pd.DataFrame({"name": [value], value: ["x"]}))
    header, row = _cells(data)
    assert row == ["'" + value, "x"] and header[0] == "name" and header[1] == "'" + value


def test_csv_keeps_numbers_numbers():
    df = pd.DataFrame({"value": [-1.5, 2.0, float("nan")], "count": [-3, 0, 7],
                       "text": ["-5", "+1.5e3", "Praha-západ"],
                       "cat": pd.Series(["-1+1", "a", None], dtype="category")})
    data = export.csv_bytes(df)
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["value"].tolist()[:2] == [-1.5, 2.0] and back["count"].tolist() == [-3, 0, 7]
    assert back["value"].dtype == float and back["count"].dtype == int
    assert _cells(data)[1] == ["-1.5", "-3", "-5", "'-1+1"]  # "-5" is a number: left alone
    assert _cells(data)[2] == ["2.0", "0", "+1.5e3", "a"]
    assert export.csv_bytes(df, float_format="%.0f").decode("utf-8-sig").splitlines()[1] \
        .startswith("-2,-3,")


def test_csv_format_is_one_place_to_change():
    semicolon = export.CsvFormat(sep=";", decimal=",")
    line = export.csv_bytes(pd.DataFrame({"a": [1.5], "b": ["=x"]}), fmt=semicolon)
    assert line.decode("utf-8-sig").splitlines()[1] == "1,5;'=x"


# ---------------------------------------------------------------------------- hostile bundle

TODAY = date(2026, 11, 27)
MASTOV = "563218"


@pytest.fixture(scope="module")
def evil(bundle_dir, tmp_path_factory):
    """The hostile bundle, loaded, with display geometry cached in a temporary folder."""
    root = hostile.make_hostile_bundle(bundle_dir, tmp_path_factory.mktemp("hostile") / "b")
    cache = tmp_path_factory.mktemp("cache")
    b = loaders.load_bundle(root)
    orp_cz = loaders.orp_display_geometry(root, geometry.NATIONAL, cache)
    orp_uk = loaders.orp_display_geometry(root, geometry.REGIONAL, cache)
    orp_uk = orp_uk[orp_uk["kraj_code"] == hostile.KRAJ].reset_index(drop=True)
    obce = loaders.obec_display_geometry(root, geometry.LOCAL, cache)
    tables = loaders.load_support(root)
    inst = support.instruments_table(tables.instruments, TODAY)
    obec_cz = loaders.load_obec_values_cz(root)
    return dict(root=root, b=b, orp_cz=orp_cz, orp_uk=orp_uk, obce=obce, tables=tables,
                inst=inst, obec_cz=obec_cz, tr=translator("cs"))


def _maps(e: dict) -> dict[str, object]:
    """One folium map from every map builder, fed with the hostile bundle."""
    b, tr, tables, inst = e["b"], e["tr"], e["tables"], e["inst"]
    ATTR = attribution.boundaries(b, tr)  # noqa: N806 (one name for the many builders below)
    outline = e["orp_uk"].dissolve()
    common = dict(region=hostile.KRAJ, indicator="unemployment_share", year=2020,
                  scheme="fisher_jenks", k=5, tiles="none", tr=tr, lang="cs")
    m = towns.membership(b.obce, b.orp, MASTOV)
    iid = inst["instrument_id"].iloc[0]
    cov = support.coverage(iid, b.orp, b.obce, e["obec_cz"])
    rc = hsou.recompute(b.orp_values, b.catalog, b.orp, hsou.available_inputs(b.orp_values))
    label = support_view.short(inst.iloc[0], tr, "cs")
    return {
        "indicator_view.build": indicator_view.build(
            b, e["orp_uk"], outline, selected=hostile.DEFAULT_ORP, **common).map,
        "indicator_view.build_obec": indicator_view.build_obec(
            b, b.obec_values, e["obce"], e["orp_uk"], outline, selected=MASTOV, **common).map,
        "home_view.status_map": home_view.status_map(e["orp_uk"], b.orp, tr, attribution=ATTR),
        "compare_view.similar_map": compare_view.similar_view(
            b, e["orp_cz"], hostile.DEFAULT_ORP, tr, "cs").map,
        "methodology_view.recompute_view": methodology_view.recompute_view(
            b, e["orp_cz"], rc, tr, "cs").map,
        "support_view.coverage_map": support_view.coverage_map(e["orp_cz"], b.orp, cov, label,
                                                               tr, attribution=ATTR),
        "support_view.transfers[orp]": support_view.transfers(
            *support_view.transfer_inputs(b, tables, hostile.KRAJ, "orp"), e["orp_uk"],
            support.TRANSFER_MEASURES[0], tr, "cs", attribution=ATTR).map,
        "support_view.transfers[obec]": support_view.transfers(
            *support_view.transfer_inputs(b, tables, hostile.KRAJ, "obec"), e["obce"],
            support.TRANSFER_MEASURES[0], tr, "cs", attribution=ATTR).map,
        "orp_view.locator_map": orp_view.locator_map(
            e["orp_uk"], orp_view.build(b, hostile.DEFAULT_ORP, tr, "cs"), tr,
            attribution=ATTR),
        "town_view.locator": town_view.locator(b, m, e["obce"], e["orp_uk"], tr),
        "town_view.locator[fallback]": town_view.locator(b, m, None, e["orp_uk"], tr),
    }


#: Functions that return a folium map; each must be exercised by :func:`_maps`.
MAP_BUILDERS = {"maps.base_map", "maps.choropleth", "maps.locator", "home_view.status_map",
                "compare_view.similar_map", "support_view.coverage_map",
                "orp_view.locator_map", "town_view.locator"}


def test_every_map_builder_is_covered():
    found = set()
    for name in ("maps", "home_view", "compare_view", "support_view", "orp_view", "town_view",
                 "indicator_view", "methodology_view"):
        module = importlib.import_module(f"hsou_dash.viz.{name}")
        for fname, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and "folium.Map" in str(
                    inspect.signature(fn).return_annotation):
                found.add(f"{name}.{fname}")
    assert found == MAP_BUILDERS, "a new map builder: add it to _maps() and MAP_BUILDERS"


def _js_decoded(html: str) -> str:
    """The map page with JavaScript/JSON ``\\uXXXX`` escapes decoded: the strings exactly as
    the browser hands them to ``innerHTML``."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)),
                  html.replace('\\"', '"'))


def test_map_html_carries_names_only_as_escaped_text(evil):
    for name, fmap in _maps(evil).items():
        page = _js_decoded(fmap.get_root().render())
        assert "&lt;img src=x onerror=alert(document.domain)&gt;" in page, name  # data is in
        # no tag from data: the map's own markup has <script> and <div>, never these
        assert not re.search(r"<(img|a|svg|iframe|object|embed)\b", page, re.I), name
        assert not re.search(r"<[^>]*\bonerror\s*=", page, re.I), name
        assert "<script>alert" not in page and hostile.XSS not in page, name


def test_map_tooltips_of_the_choropleth_are_escaped(evil):
    """The reproduced case: the tooltip inserts property values and labels as HTML (the
    choropleth travels as a PackedLayer: columnar rows, tooltip labels beside them)."""
    fmap = _maps(evil)["indicator_view.build"]
    layer = next(c for c in fmap._children.values() if type(c).__name__ == "PackedLayer")
    col = layer.data["cols"].index("orp_name")
    names = [row[col] for row in layer.data["rows"]]
    assert names and all("<" not in n and ">" not in n and '"' not in n for n in names)
    assert html_text(evil["b"].orp.set_index("orp_code").at[hostile.DEFAULT_ORP, "orp_name"]) \
        in names
    labels = [label for _, label in layer.data["tooltip"]]
    assert all("<" not in a for a in labels) and any("&lt;img" in a for a in labels)


# ---------------------------------------------------------------------------- Plotly

def _figures(e: dict) -> dict[str, object]:
    b, tr, tables, inst = e["b"], e["tr"], e["tables"], e["inst"]
    ATTR = attribution.boundaries(b, tr)  # noqa: N806 (one name for the many builders below)
    common = dict(region=hostile.KRAJ, indicator="unemployment_share", year=2020,
                  scheme="fisher_jenks", k=5, tiles="none", tr=tr, lang="cs")
    m = towns.membership(b.obce, b.orp, MASTOV)
    p = orp_view.build(b, hostile.DEFAULT_ORP, tr, "cs")
    kinds = support.allocation_kinds(inst, tables.by_territory)
    rows = support.per_inhabitant(tables.by_territory, b.orp, b.orp_values)
    codes = compare_view.default_set(b, hostile.DEFAULT_ORP)
    figs = {
        "ranked_bars[orp]": indicator_view.build(b, e["orp_uk"], None,
                                                 selected=hostile.DEFAULT_ORP, **common).bars,
        "ranked_bars[obec]": indicator_view.build_obec(b, b.obec_values, e["obce"],
                                                       e["orp_uk"], None, selected=MASTOV,
                                                       **common).bars,
        "trend[orp]": orp_view.trend_figure(b, p, "unemployment_share", tr, "cs"),
        "trend[town]": town_view.trend(b, m, b.obec_values, "unemployment_share", tr, "cs"),
        "scatter": compare_view.scatter_view(
            b, region=hostile.KRAJ, x="unemployment_share", xyear=2020, y="distraint_share",
            yyear=2020, sized=True, selected=hostile.DEFAULT_ORP, tr=tr, lang="cs").figure,
        "percentile_dots": compare_view.comparison_view(b, codes, tr, "cs").chart,
        "allocations": support_view.allocations(inst, kinds, tr, "cs")[0],
        "timeline": support_view.timeline(inst, TODAY, tr, "cs")[0],
        "matrix": support_view.matrix(inst, tr, "cs"),
        "per_inhabitant": support_view.territories(rows, inst, tr, "cs")[1],
        "hsou_side_by_side": support_view.transfers(
            *support_view.transfer_inputs(b, tables, hostile.KRAJ, "orp"), e["orp_uk"],
            support.TRANSFER_MEASURES[0], tr, "cs", attribution=ATTR).ranked,
        "hsou_side_by_side[many]": support_view.transfers(
            *support_view.transfer_inputs(b, tables, "CZ", "orp"), e["orp_cz"],
            support.TRANSFER_MEASURES[0], tr, "cs", attribution=ATTR).ranked,
    }
    assert all(f is not None for f in figs.values()), [k for k, f in figs.items() if f is None]
    return figs



def test_plotly_figures_show_names_as_text(evil):
    """Plotly renders <a href>, <b>, <span> in any text; names must not bring their own."""
    for name, fig in _figures(evil).items():
        texts = strings(json.loads(fig.to_json()))
        joined = "\n".join(texts)
        assert "&lt;a href=" in joined or "&lt;img" in joined, name  # the data is in
        for s in texts:
            assert not re.search(r"<(a|img|script|span|iframe)\b", s, re.I), (name, s)
            assert "evil.invalid/plotly\">" not in s, (name, s)


def test_plot_text_round_trips_plotly_entities():
    assert plot_text('<a href="x">&') == '&lt;a href="x"&gt;&amp;'


# ---------------------------------------------------------------------------- views' CSV

def _assert_safe_csv(data: bytes, name: str) -> int:
    """No cell can start a formula; returns how many cells were neutralised."""
    neutralised = 0
    for row in _cells(data):
        for cell in row:
            if cell.startswith(export.FORMULA_PREFIXES):
                assert re.fullmatch(r"[+-]?[\d.]+(e[+-]?\d+)?", cell, re.I), (name, cell)
            neutralised += cell.startswith("'") and cell[1:2] in "=+-@"
    return neutralised


def test_every_csv_of_the_views_is_spreadsheet_safe(evil):
    b, tr, tables, inst = evil["b"], evil["tr"], evil["tables"], evil["inst"]
    common = dict(region=hostile.KRAJ, indicator="unemployment_share", year=2020,
                  scheme="fisher_jenks", k=5, tiles="none", tr=tr, lang="cs")
    m = towns.membership(b.obce, b.orp, MASTOV)
    areas = loaders.load_obec_areas(evil["root"], hostile.KRAJ)
    lv = towns.levels(m, b.orp, b.orp_values, b.obce, b.obec_values)
    from hsou_dash.domain import profile

    prof = profile.profile(b.obec_values, "obec_code", MASTOV, lv.compare, lv.rank_within)
    rc = hsou.recompute(b.orp_values, b.catalog, b.orp, hsou.available_inputs(b.orp_values))
    catalogue = methodology_view.catalogue_table(b, tr, "cs")
    kinds = support.allocation_kinds(inst, tables.by_territory)
    downloads = {
        "map[orp]": indicator_view.build(b, evil["orp_uk"], None, selected=None,
                                         **common).csv,
        "map[obec]": indicator_view.build_obec(b, b.obec_values, evil["obce"],
                                               evil["orp_uk"], None, selected=None,
                                               **common).csv,
        "orp": orp_view.build(b, hostile.DEFAULT_ORP, tr, "cs").csv,
        "town": town_view.build(b, m, b.obec_values, prof, areas, tr, "cs").csv,
        "support": support_view.catalogue(inst, kinds, tr, "cs")[1],
        "compare[scatter]": compare_view.scatter_view(
            b, region=hostile.KRAJ, x="unemployment_share", xyear=2020, y="distraint_share",
            yyear=2020, sized=False, selected=None, tr=tr, lang="cs").csv,
        "compare[table]": compare_view.comparison_view(
            b, compare_view.default_set(b, hostile.DEFAULT_ORP), tr, "cs").csv,
        "methodology[recompute]": methodology_view.recompute_view(b, evil["orp_cz"], rc, tr,
                                                           "cs").csv,
        "methodology[catalogue]": methodology_view.catalogue_csv(catalogue),
        "methodology[values]": methodology_view.values_csv(b, ["unemployment_share"]),
    }
    hostile_names = {"map[orp]", "map[obec]", "town", "support", "compare[scatter]",
                     "methodology[recompute]", "methodology[values]"}
    for name, data in downloads.items():
        neutralised = _assert_safe_csv(data, name)
        if name in hostile_names:
            assert neutralised, f"{name}: the hostile names did not reach the CSV"
