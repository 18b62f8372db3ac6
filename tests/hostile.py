"""A hostile copy of the installed data bundle, generated for a test and never committed.

Bundles can be installed from any URL, so every name, note and link in one is untrusted. The
copy keeps every code, number and geometry of the real bundle (it stays a valid bundle the app
loads) and rewrites the texts a page shows: ORP, municipality and kraj names, an indicator's
name and source, support instruments, the HSOÚ list's source. Each rewritten text starts with
a spreadsheet-formula prefix and carries a script and a Markdown payload, followed by the real
name (so pages still sort and search as usual).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd

EVIL_HOST = "evil.invalid"
#: Runs a script when inserted as HTML (the reproduced ORP-tooltip XSS).
XSS = "<img src=x onerror=alert(document.domain)>"
#: The same with a remote source, so a browser also records a request to EVIL_HOST.
XSS_REMOTE = f"<img src=http://{EVIL_HOST}/x.png onerror=alert(document.domain)>"
SCRIPT = "<script>alert(document.domain)</script>"
IMAGE = f"![x](http://{EVIL_HOST}/p.png)"
LINK = f"[Klikněte zde](http://{EVIL_HOST}/phish)"
PLOTLY_LINK = f'<a href="http://{EVIL_HOST}/plotly">odkaz</a>'
DIRECTIVES = ":red[x] $x^2$ :material/home:"
FORMULAS = [f'=HYPERLINK("http://{EVIL_HOST}","x")', "+cmd", "-1+1", "@SUM(A1)"]
MARKDOWN = [IMAGE, LINK, DIRECTIVES]
JS_URL = "javascript:alert(document.domain)"

#: The ORP every profile opens by default (config.DEFAULT_ORP) and the featured towns.
DEFAULT_ORP = "4214"
KRAJ = "CZ042"


def hostile(i: int, original: str) -> str:
    """The ``i``-th hostile variant of a name: formula prefix, scripts, Markdown, real name."""
    return (f"{FORMULAS[i % len(FORMULAS)]} {XSS} {XSS_REMOTE} {PLOTLY_LINK} "
            f"{MARKDOWN[i % len(MARKDOWN)]} {original}")


def _read_csv(path: Path) -> pd.DataFrame:
    # everything as text, blanks kept blank: the file is written back unchanged but for names
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    path.unlink()  # the installed files are read-only; the copy keeps their mode
    df.to_csv(path, index=False)


def _rewrite_csv(path: Path, column: str, key: str, names: dict[str, str]) -> None:
    df = _read_csv(path)
    hit = df[key].isin(names)
    df.loc[hit, column] = df.loc[hit, key].map(names)
    _write_csv(df, path)


def _rewrite_layer(path: Path, renames: list[tuple[str, str, dict[str, str]]]) -> None:
    """Set ``column`` from ``names`` by ``key`` for each (column, key, names) in a GeoJSON."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for feature in data["features"]:
        props = feature["properties"]
        for column, key, names in renames:
            if column in props and props.get(key) in names:
                props[column] = names[props[key]]
    path.unlink()
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def make_hostile_bundle(source: Path, target: Path) -> Path:
    """Copy the bundle at ``source`` (symlinks followed) to ``target`` and poison its texts."""
    shutil.copytree(source, target, symlinks=False)
    for path in target.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
    b, i = target / "boundaries", target / "indicators"

    orp = json.loads((b / "orp.geojson").read_text(encoding="utf-8"))
    codes = sorted(f["properties"]["orp_code"] for f in orp["features"])
    original = {f["properties"]["orp_code"]: f["properties"]["orp_name"]
                for f in orp["features"]}
    orp_names = {c: hostile(n, original[c]) for n, c in enumerate(codes)}
    orp_names[DEFAULT_ORP] = f"{XSS} {XSS_REMOTE} {IMAGE} {LINK} {original[DEFAULT_ORP]}"
    kraj_names = {KRAJ: f"{XSS} {LINK} Ústecký kraj"}

    points = json.loads((b / "obce_points_cz.geojson").read_text(encoding="utf-8"))
    uk = sorted(f["properties"]["obec_code"] for f in points["features"]
                if f["properties"]["kraj_code"] == KRAJ)
    obec_original = {f["properties"]["obec_code"]: f["properties"]["obec_name"]
                     for f in points["features"]}
    obec_names = {c: hostile(n, obec_original[c]) for n, c in enumerate(uk)}

    for layer in ("orp", "obce_points_cz", "obce_ustecky", "obce_ustecky_points", "kraje"):
        _rewrite_layer(b / f"{layer}.geojson", [("orp_name", "orp_code", orp_names),
                                                ("obec_name", "obec_code", obec_names),
                                                ("kraj_name", "kraj_code", kraj_names)])
    for name in ("indicators_orp.csv", "funding_orp.csv"):
        _rewrite_csv(i / name, "orp_name", "orp_code", orp_names)
    for name in ("indicators_obec.csv", "funding_obec.csv"):
        _rewrite_csv(i / name, "obec_name", "obec_code", obec_names)
    for name in ("indicators_orp.csv", "indicators_obec.csv"):
        df = _read_csv(i / name)
        hit = df["indicator_id"] == "unemployment_share"
        df.loc[hit, "source"] = f"{FORMULAS[3]} {IMAGE} " + df.loc[hit, "source"]
        _write_csv(df, i / name)

    hsou = _read_csv(i / "hsou_classification.csv")
    hsou["orp_name"] = hsou["orp_code"].map(orp_names).fillna(hsou["orp_name"])
    hsou.loc[hsou["kraj_code"] == KRAJ, "kraj"] = kraj_names[KRAJ]
    hsou["hsou_list_source"] = f"{IMAGE} {XSS} " + hsou["hsou_list_source"]
    _write_csv(hsou, i / "hsou_classification.csv")

    towns = _read_csv(i / "towns.csv")
    towns["obec_name"] = towns["obec_code"].map(obec_names).fillna(towns["obec_name"])
    towns["orp_name"] = towns["orp_code"].map(orp_names).fillna(towns["orp_name"])
    _write_csv(towns, i / "towns.csv")

    catalog = _read_csv(i / "indicators_catalog.csv")
    hit = catalog["indicator_id"] == "unemployment_share"
    for col in ("name_cs", "name_en"):
        catalog.loc[hit, col] = f"{XSS} {PLOTLY_LINK} {LINK} " + catalog.loc[hit, col]
    catalog.loc[hit, "source"] = f"{IMAGE} {SCRIPT} " + catalog.loc[hit, "source"]
    _write_csv(catalog, i / "indicators_catalog.csv")

    inst = _read_csv(i / "support_instruments.csv")
    for n in range(len(inst)):
        inst.loc[n, "name_cs"] = hostile(n, inst.loc[n, "name_cs"])
        inst.loc[n, "name_en"] = hostile(n, inst.loc[n, "name_en"])
        inst.loc[n, "provider"] = f"{FORMULAS[(n + 1) % 4]} {LINK} " + inst.loc[n, "provider"]
        inst.loc[n, "notes"] = f"{IMAGE} {XSS} {DIRECTIVES} " + inst.loc[n, "notes"]
        # the period text is quoted verbatim too (catalogue, card, timeline hover)
        inst.loc[n, "period"] = f"{PLOTLY_LINK} " + inst.loc[n, "period"]
    inst.loc[0, "url"] = JS_URL
    inst.loc[1, "url"] = f"[x]({JS_URL})"
    # an instrument the text catalogue does not know: its name is shown as the data has it
    extra = inst.iloc[[0]].copy()
    extra["instrument_id"] = "evil_new"
    extra["name_cs"] = extra["name_en"] = f"{XSS} {PLOTLY_LINK} {LINK} {FORMULAS[0]}"
    extra["allocation_czk"] = "1000000000"  # drawn in the allocation chart too
    inst = pd.concat([inst, extra], ignore_index=True)
    _write_csv(inst, i / "support_instruments.csv")

    by = _read_csv(i / "support_by_orp.csv")
    # no "(" here: a qualified name ("… (vymezené obce)") is read as part of a territory
    by["territory_name"] = (f"+cmd <a href=http://{EVIL_HOST}/t>odkaz</a> "
                            f"<img src=x onerror=alert`1`> " + by["territory_name"])
    by.loc[0, "source_url"] = JS_URL
    _write_csv(by, i / "support_by_orp.csv")

    for doc in (i / "hsou_methodology.md", i / "SOURCES.md", b / "SOURCES.md"):
        if doc.exists():
            text = doc.read_text(encoding="utf-8")
            doc.unlink()
            doc.write_text(f"{IMAGE}\n\n[odkaz]({JS_URL})\n\n<{JS_URL}>\n\n{XSS}\n\n{text}",
                           encoding="utf-8")
    return target


#: Escaped text, as a page shows it in a Markdown sink.
ESCAPED_XSS = "\\<img src=x onerror=alert(document.domain)\\>"
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescaped(markdown: str) -> str:
    """``markdown`` with every backslash escape removed: what is left can be markup."""
    return _MD_ESCAPE.sub("", markdown)


def markdown_problems(markdown: str) -> list[str]:
    """Ways in which ``markdown`` (the source a Markdown sink receives) would render
    something from hostile data as markup: images, links to the evil host or to
    ``javascript:``, HTML, Streamlit directives and icons, LaTeX, literal autolinks."""
    bare = unescaped(markdown)
    problems = []
    if "![" in bare:
        problems.append("image")
    for m in re.finditer(r"\]\(([^)]*)\)", bare):
        if EVIL_HOST in m.group(1) or "javascript" in m.group(1).lower():
            problems.append(f"link to {m.group(1)}")
    if re.search(r"<(img|script|a|svg|iframe)\b", bare, re.I):
        problems.append("html")
    if f"://{EVIL_HOST}" in markdown or f"www.{EVIL_HOST}" in markdown:
        problems.append("autolink")
    if ":red[" in bare or "$x^2$" in markdown or ":material/home:" in markdown:
        problems.append("directive")
    return problems


#: what the app's own HTML (the map's ranking table, ``hsou_dash.viz.rank_table``) is made of
HTML_TAGS = frozenset({"div", "table", "caption", "thead", "tbody", "tr", "th", "td", "span",
                       "p", "strong", "details", "summary"})
HTML_ATTRS = frozenset({"class", "role", "aria-label", "aria-current", "tabindex", "scope",
                        "data-col"})


def html_problems(body: str) -> list[str]:
    """Ways in which ``body`` (the HTML an ``st.html`` element receives) would carry markup
    from hostile data: a tag or attribute the app never writes, a URL of the evil host or
    ``javascript:`` in an attribute."""
    from html.parser import HTMLParser

    problems: list[str] = []

    class Check(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in HTML_TAGS:
                problems.append(f"tag <{tag}>")
            problems.extend(f"attribute {name}" for name, _ in attrs if name not in HTML_ATTRS)

    Check().feed(body)
    return problems


_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def unsafe_csv_cells(data: bytes) -> tuple[list[str], int]:
    """Cells of a downloaded CSV that a spreadsheet would run as a formula, and how many
    cells were neutralised (start with an apostrophe before a formula character).

    Reads both variants the app offers: comma-separated, and the Czech-Excel one
    (semicolons, decimal comma), told apart by the header line."""
    import csv
    import io

    text = data.decode("utf-8-sig")
    header = text.split("\n", 1)[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    unsafe, neutralised = [], 0
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=sep):
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(cell):
                unsafe.append(cell)
            neutralised += cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@")
    return unsafe, neutralised
