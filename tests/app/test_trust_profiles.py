"""AppTest of issue 8 on /orp, /town, /methodology and /support: gaps and breaks in trends,
publisher-first source lines with one date style, the HSOÚ list credited to MMR, the one HSOÚ
share, the reconciliation table, one rank convention, and no internal path on a public page.

"Visible" text is what a reader sees without opening a "how we got the data" detail (the one
place where repository paths belong): markdown, captions, alerts, metrics, widget labels,
table cells and chart texts outside those expanders and popovers.
"""

from __future__ import annotations

import json
import re

import pytest

from hsou_dash.text import translate_plain
from tests.app.conftest import open_page
from tests.conftest import strings

#: Strings that betray how the app obtained data rather than who published it.
INTERNAL = ("shared/", "data/bundle", "github:")
DAY = re.compile(r"\b\d{1,2}\. \d{1,2}\. \d{4}\b")


def _how(lang: str) -> str:
    return translate_plain(lang, "trust.how_obtained")


def _walk(node, skip: str, inside: bool = False):
    """(element, inside a 'how we got the data' detail) for every element of the tree."""
    kind = type(node).__name__
    if getattr(node, "type", None) == "popover":  # AppTest has no class for it: read the proto
        kind, label = "Popover", node.proto.popover.label
    else:
        label = str(getattr(node, "label", "") or "")
    inside = inside or (kind in ("Expander", "Popover") and label.startswith(skip))
    yield node, inside
    for child in getattr(node, "children", {}).values():
        yield from _walk(child, skip, inside)


def _texts_of(el) -> list[str]:
    kind = type(el).__name__
    out = [str(getattr(el, "label", "") or "")]
    if kind == "Dataframe":
        df = el.value
        out += [str(c) for c in df.columns] + strings(json.loads(el.proto.columns or "{}"))
        out += [str(v) for col in df.columns for v in df[col].tolist()]
    elif hasattr(el, "proto") and getattr(el.proto, "spec", None):
        out += strings(json.loads(el.proto.spec))
    elif kind not in ("Expander", "Block", "SpecialBlock", "ElementTree"):
        out.append(str(getattr(el, "value", "") or ""))
        out.append(str(getattr(el, "help", "") or ""))
    return [t.replace("\u00a0", " ") for t in out if t]


def visible(at, lang: str = "cs") -> str:
    """Every text outside the 'how we got the data' details."""
    return "\n".join(t for el, inside in _walk(at._tree, _how(lang)) if not inside
                     for t in _texts_of(el))


def detail(at, lang: str = "cs") -> str:
    """Every text inside the 'how we got the data' details (Markdown escapes removed)."""
    text = "\n".join(t for el, inside in _walk(at._tree, _how(lang)) if inside
                     for t in _texts_of(el))
    return text.replace("\\", "")


def _trend(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def _by_year(trace: dict) -> dict:
    return dict(zip(trace["x"], trace["y"], strict=True))


# ---------------------------------------------------------------- (a) gaps and breaks

def test_orp_trend_keeps_missing_years_as_gaps():
    at = open_page("orp", orp="4213")
    assert not at.exception
    assert at.selectbox(key="orp.trend").value == "distraint_share"
    spec = _trend(at)
    assert len(spec["data"]) == 3
    for trace in spec["data"]:  # Teplice, Ústecký kraj, Česko: no line over 2018 and 2020
        y = _by_year(trace)
        assert y[2018] is None and y[2020] is None, trace["name"]
        assert None not in (y[2017], y[2019], y[2021]), trace["name"]
    assert "%{y:,.2f}" in spec["data"][0]["hovertemplate"]  # the indicator's decimals
    assert 2020.5 in [s["x0"] for s in spec["layout"].get("shapes", [])]  # 15+ re-based
    assert any("zůstávají mezerou" in c.value for c in at.caption)


def test_orp_population_trend_marks_the_census_break():
    at = open_page("orp", orp="4213")
    at.selectbox(key="orp.trend").set_value("population").run()
    assert not at.exception
    spec = _trend(at)
    assert 2020.5 in [s["x0"] for s in spec["layout"].get("shapes", [])]  # 2020 | 2021
    assert all(_by_year(spec["data"][0])[y] is None for y in (2016, 2017, 2018))
    hover = spec["data"][0]["hovertemplate"]
    assert "%{y:,.0f}" in hover and "osob" in hover and ",.2f" not in hover
    assert spec["layout"]["separators"].startswith(",")  # decimal comma in Czech
    assert any("Sčítání 2021" in c.value for c in at.caption)  # the declared break


def test_town_trends_keep_gaps_and_breaks_including_the_index():
    at = open_page("town", obec="567507")  # Dubí
    dubi = _by_year(_trend(at)["data"][0])
    assert dubi[2018] is None and dubi[2020] is None
    at.selectbox(key="town.trend").set_value("persons_in_distraint").run()  # an index
    dubi = _by_year(_trend(at)["data"][0])
    assert dubi[min(dubi)] == pytest.approx(100.0) and dubi[2018] is None
    at.selectbox(key="town.trend").set_value("population").run()
    assert 2020.5 in [s["x0"] for s in _trend(at)["layout"].get("shapes", [])]
    captions = " ".join(c.value for c in at.caption)
    assert "Sčítání 2021" in captions and "bilancovány" not in captions  # declared, not local


# ---------------------------------------------------------------- (b) sources and dates

def test_orp_sources_name_the_publisher_and_the_date():
    at = open_page("orp", orp="4213")
    table = at.dataframe[0].value
    une = table[table["indicator"] == "Podíl nezaměstnaných osob"].iloc[0]
    assert une["source"].startswith("ÚP ČR/MPSV")
    assert une["ref_date"].replace("\u00a0", " ") == "k 31. 12. 2020"
    pop = table[table["indicator"] == "Počet obyvatel"].iloc[0]
    assert pop["source"] == "ČSÚ – DataStat OBY02AT02 Počet obyvatel k 1. 1."
    tax = table[table["indicator"].str.startswith("Daňové příjmy obcí na")].iloc[0]
    assert tax["ref_date"] == "za rok 2019"
    shown = visible(at)
    assert "Zdroj: ÚP ČR/MPSV" in shown and DAY.search(shown)
    assert not re.search(r"stav k \d", shown.lower())  # a date reads "k 31. 12. 2020"
    for path in INTERNAL:
        assert path not in shown, path
    assert "github:" in detail(at)  # how we got the data stays one click away


def test_orp_coverage_note_beside_the_czech_value():
    """Municipal tax revenue per inhabitant: Czechia leaves out the obce without budget data,
    in numerator and denominator alike, and says so beside the value."""
    at = open_page("orp", orp="4213")
    table = at.dataframe[0].value
    tax = table[table["indicator"].str.startswith("Daňové příjmy obcí na")].iloc[0]
    assert "bez dat" not in tax["cz"] and re.search(r"\[\d+\]$", tax["cz"])
    notes = " ".join(w.value for w in at.warning).replace("\u00a0", " ")
    assert "Česko: bez 10 obcí (1 549 obyvatel) bez údajů o daňových příjmech" in notes


def test_town_sources_name_the_publisher_and_the_date():
    at = open_page("town", obec="567507")
    shown = visible(at)
    assert "Zdroj: ČSÚ – DataStat OBY02AT02" in shown and "31. 12. 2025" in shown
    table = at.dataframe[0].value
    assert table["source"].str.match(r"^(ČSÚ|ÚP ČR|Exekutorská|MF ČR|IPŘP)").all()
    assert not re.search(r"stav k \d", shown.lower())  # a date reads "k 31. 12. 2020"
    for path in INTERNAL:
        assert path not in shown, path
    assert "github:" in detail(at)


# ---------------------------------------------------------------- (c) HSOÚ list by MMR

@pytest.mark.parametrize("page,params", [("orp", {"orp": "4213"}),
                                         ("town", {"obec": "567507"})])
def test_hsou_list_is_credited_to_mmr(page, params):
    at = open_page(page, **params)
    line = next(c.value for c in at.caption if "seznamu HSOÚ" in c.value)
    assert "MMR – Strategie regionálního rozvoje ČR 2021+" in line
    assert "parquet" not in line and "github" not in line


# ---------------------------------------------------------------- (d) share, reconciliation

@pytest.mark.parametrize("lang,label,value,agrees,differs", [
    ("cs", "Podíl obyvatel v HSOÚ (2020)", "24,7 %", "souhlasí", "liší se"),
    ("en", "Share of population in HSOÚ (2020)", "24.7 %", "agrees", "differs"),
])
def test_methodology_share_and_reconciliation(lang, label, value, agrees, differs):
    at = open_page("methodology", lang=lang)
    assert not at.exception
    metrics = {m.label: m.value.replace("\u00a0", " ") for m in at.metric}
    assert metrics[label] == value
    rec = at.dataframe[3].value
    kraj = rec[(rec["territory"] == "Ústecký kraj") & (rec["year"] == 2020)
               & rec["published"].str.contains("5[,.]46")].iloc[0]
    assert kraj["status"] == agrees and kraj["link"].startswith("https://")
    cz = rec[(rec["year"] == 2019) & rec["published"].str.contains("8[,.]7")].iloc[0]
    assert cz["status"] == differs and len(cz["reason"]) > 40
    assert ("8,62" if lang == "cs" else "8.62") in cz["ours"]
    assert cz["link"].startswith("https://github.com/")  # a public page, not a repo path
    assert translate_plain(lang, "methodology.rec_intro")[:30] in visible(at, lang)


# ---------------------------------------------------------------- (e) rank convention

@pytest.mark.parametrize("page,params", [("orp", {"orp": "4213"}), ("town", {"obec": "567507"}),
                                         ("methodology", {})])
def test_one_rank_convention(page, params):
    at = open_page(page, **params)
    shown = visible(at)
    assert "1 = nejvyšší hodnota" in shown
    worst = shown.count("1 = nejhorší") + shown.count("od nejhoršího")
    if page == "methodology":
        config = json.loads(at.dataframe[1].proto.columns)
        assert config["rank"]["label"] == "Pořadí od nejhoršího (1 = nejhorší skóre)"
        assert "nejlepší ORP …" not in shown and "= nejlepší" not in shown
    else:
        assert worst == 0


# ---------------------------------------------------------------- (f) no internal path

PAGES = [("orp", {"orp": "4213"}), ("town", {"obec": "567507"}), ("methodology", {}),
         ("support", {}), ("support", {"tab": "transfers"}), ("support", {"tab": "territory"})]


@pytest.mark.parametrize("lang", ["cs", "en"])
@pytest.mark.parametrize("page,params", PAGES)
def test_no_internal_path_on_public_pages(page, params, lang):
    at = open_page(page, lang=lang, **params)
    assert not at.exception
    shown = visible(at, lang)
    for path in INTERNAL:
        assert path not in shown, (page, path)
    if lang == "en":
        assert not re.search(r"stav k \d", shown) and "Zdroj:" not in shown
