"""Phone (390×844) and projector (1920×1080): no sideways scrolling, values on screen, maps
fitted to their territory with the legend off it, the labelled menu, presenter mode.

Screenshots of every view checked here are saved in ``test-artifacts/`` (gitignored).
"""

from __future__ import annotations

import csv
import re

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_axe import AXE, EXCLUDE, SERIOUS, _axe, _settle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1920, "height": 1080}
SIZES = {"phone": PHONE, "desktop": DESKTOP}
#: the four pages, each with the colours of the paths that make up "the territory" (``None``:
#: every filled path; the town map also draws the neighbouring municipalities around its ORP)
TOWN_COLOURS = ["#0050b5", "#b3bec9"]
MAPS = {
    "home": ("/?region=CZ042", None),
    "map": ("/map?region=CZ042&indicator=unemployment_share&year=2020", None),
    "map_obec": ("/map?region=CZ042&indicator=unemployment_share&year=2020&level=obec"
                 "&k=7&scheme=quantiles", None),
    "map_present": ("/map?region=CZ042&indicator=unemployment_share&year=2020&present=1",
                    None),
    "orp": ("/orp?orp=4213", None),
    "town": ("/town?obec=567507", TOWN_COLOURS),
}
#: Fit: the territory fills at least this share of the map's width or height.
MIN_FILL = 0.70


@pytest.fixture(params=list(SIZES))
def sized(request, browser):
    """A page at phone or desktop size (``(name, page)``); local requests only."""
    size = request.param
    ctx = browser.new_context(viewport=SIZES[size], locale="cs-CZ", is_mobile=size == "phone",
                              has_touch=size == "phone")
    ctx.route("**/*", lambda r: r.continue_() if (re.match(r"https?://(127\.0\.0\.1|localhost)",
                                                           r.request.url)
                                                  or r.request.url.startswith(("data:", "blob:",
                                                                               "about:")))
              else r.abort())
    pg = ctx.new_page()
    pg.set_default_timeout(45_000)
    yield size, pg
    ctx.close()


def _map_frame(pg):
    pg.wait_for_selector("iframe[title*='st_folium']", timeout=45_000)
    frame = [f for f in pg.frames if "streamlit_folium" in f.url][0]
    frame.wait_for_selector(".leaflet-overlay-pane path", timeout=45_000)
    pg.wait_for_timeout(800)  # the fit follows the frame's final size
    return frame


_GEOMETRY = """(colours) => {
  const box = (r) => ({l: r.left, t: r.top, r: r.right, b: r.bottom});
  const c = document.querySelector('.leaflet-container').getBoundingClientRect();
  const want = colours && colours.map(s => s.toLowerCase());
  let l = 1e9, t = 1e9, r = -1e9, b = -1e9;
  document.querySelectorAll('.leaflet-overlay-pane path').forEach(p => {
    const fill = (p.getAttribute('fill') || 'none').toLowerCase();
    if (fill === 'none' || (want && !want.includes(fill))) return;
    const q = p.getBoundingClientRect();
    l = Math.min(l, q.left); t = Math.min(t, q.top); r = Math.max(r, q.right);
    b = Math.max(b, q.bottom);
  });
  // what is on screen of the territory: the map clips the rest
  const vis = {l: Math.max(l, c.left), t: Math.max(t, c.top), r: Math.min(r, c.right),
               b: Math.min(b, c.bottom)};
  const lg = document.querySelector('.hsou-legend');
  return {map: box(c), terr: vis, legend: lg ? box(lg.getBoundingClientRect()) : null};
}"""


def _fit(frame, colours=None) -> dict:
    g = frame.evaluate(_GEOMETRY, colours)
    m, tr = g["map"], g["terr"]
    fill = max((tr["r"] - tr["l"]) / (m["r"] - m["l"]), (tr["b"] - tr["t"]) / (m["b"] - m["t"]))
    return {**g, "fill": fill}


def _overlap(a: dict, b: dict, tol: float = 1.0) -> bool:
    return not (a["r"] <= b["l"] + tol or b["r"] <= a["l"] + tol or a["b"] <= b["t"] + tol
                or b["b"] <= a["t"] + tol)


def _no_sideways_scroll(pg) -> None:
    widths = pg.evaluate("""() => {
      const m = document.querySelector('[data-testid="stMain"]');
      return {doc: document.scrollingElement.scrollWidth, inner: innerWidth,
              main: m ? m.scrollWidth : 0, mainClient: m ? m.clientWidth : 0};
    }""")
    assert widths["doc"] <= widths["inner"], widths
    assert widths["main"] <= widths["mainClient"] + 1, widths


@pytest.mark.parametrize("name", list(MAPS))
def test_map_fills_its_box_and_legend_stays_off_the_territory(server, sized, name):
    size, pg = sized
    path, colours = MAPS[name]
    pg.goto(server + path)
    _settle(pg)
    frame = _map_frame(pg)
    pg.locator("iframe[title*='st_folium']").first.scroll_into_view_if_needed()
    g = _fit(frame, colours)
    ARTIFACTS.mkdir(exist_ok=True)
    pg.locator("iframe[title*='st_folium']").first.screenshot(
        path=str(ARTIFACTS / f"fit_{name}_{size}.png"))
    assert g["fill"] >= MIN_FILL, g
    # the map's whole script ran (an error in it would leave clicks and tooltips dead)
    assert frame.evaluate("() => typeof window.map") == "object"
    if g["legend"] is not None:
        assert not _overlap(g["legend"], g["terr"]), g
    _no_sideways_scroll(pg)


def test_collapsed_legend_opens_and_the_map_makes_room(server, sized):
    size, pg = sized
    pg.goto(server + MAPS["map_obec"][0])
    _settle(pg)
    frame = _map_frame(pg)
    toggle = frame.locator(".hsou-legend button.t")
    for _ in range(2):  # closed → open → closed (or the other way round)
        toggle.click()
        pg.wait_for_timeout(400)
        g = _fit(frame)
        assert g["fill"] >= 0.5, g  # the territory gives way to the open legend ...
        assert not _overlap(g["legend"], g["terr"]), g  # ... which never covers it
    assert toggle.get_attribute("aria-expanded") in ("true", "false")



def _latest(file: str, key: str, code: str, indicator: str) -> tuple[str, str]:
    from hsou_dash import config

    with open(config.data_dir() / file, encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r[key] == code
                and r["indicator_id"] == indicator and r["value"]]
    row = max(rows, key=lambda r: int(r["year"]))
    return f"{float(row['value']):.2f}".replace(".", ","), row["year"]


@pytest.mark.parametrize("path,key,code", [("/orp?orp=4213", "orp_code", "4213"),
                                           ("/town?obec=567507", "obec_code", "567507")])
def test_profile_values_on_a_phone_screen(server, browser, path, key, code):
    ctx = browser.new_context(viewport=PHONE, locale="cs-CZ", is_mobile=True, has_touch=True)
    pg = ctx.new_page()
    pg.goto(server + path)
    _settle(pg)
    file = ("indicators/indicators_orp.csv" if key == "orp_code"
            else "indicators/indicators_obec.csv")
    value, year = _latest(file, key, code, "unemployment_share")
    item = pg.locator("[class*='st-key-narrow_'] li", has_text=re.compile(
        r"Podíl nezaměstnaných osob")).first
    item.scroll_into_view_if_needed()
    assert item.is_visible()
    text = item.inner_text()
    assert value in text and year in text, (value, year, text)
    box = item.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    _no_sideways_scroll(pg)
    pg.screenshot(path=str(ARTIFACTS / f"phone_profile_{key}.png"))
    ctx.close()


def test_phone_menu_has_a_visible_translated_label(server, browser):
    ctx = browser.new_context(viewport=PHONE, locale="cs-CZ", is_mobile=True, has_touch=True)
    pg = ctx.new_page()
    for lang, word in (("cs", "Nabídka"), ("en", "Menu")):
        pg.goto(server + "/map" + ("?lang=en" if lang == "en" else ""))
        _settle(pg, lang)
        label = pg.evaluate("""() => getComputedStyle(document.querySelector(
            '[data-testid="stExpandSidebarButton"]'), '::after').content""")
        assert word in label
        # ... and the button's spoken name says the same (not Streamlit's "Expand sidebar")
        button = pg.locator("[data-testid='stExpandSidebarButton']")
        pg.wait_for_function(f"""() => document.querySelector(
            '[data-testid="stExpandSidebarButton"]').getAttribute('aria-label') === '{word}'""")
        assert button.get_attribute("aria-label") == word
        # no blank band: the page title starts right below the header
        top = pg.locator("h1").first.bounding_box()["y"]
        assert top < 140, top
    pg.screenshot(path=str(ARTIFACTS / "phone_map_top_en.png"))
    ctx.close()


def test_home_search_opens_a_profile_in_one_step(server, browser):
    ctx = browser.new_context(viewport=PHONE, locale="cs-CZ", is_mobile=True, has_touch=True)
    pg = ctx.new_page()
    pg.goto(server + "/?lang=en")
    _settle(pg, "en")
    box = pg.get_by_role("searchbox", name=re.compile("Find a municipality"))
    box.fill("usti")  # no one place of that name: the matches, as links
    box.press("Enter")
    pg.get_by_role("link", name="Ústí nad Labem (ORP, Ústecký kraj)").wait_for()
    assert "obec=" not in pg.url and "orp=" not in pg.url
    box.fill("mastov")
    box.press("Enter")
    pg.wait_for_url(re.compile(r"/town\?.*obec=563218"), timeout=45_000)
    assert "lang=en" in pg.url
    pg.get_by_role("heading", name=re.compile("Mašťov")).first.wait_for()
    ctx.close()


PRESENT = ("/map?region=CZ042&year=2020&present=1"
           "&indicators=unemployment_share,distraint_share,ageing_index")


def test_presenter_mode_map(server, browser):
    ctx = browser.new_context(viewport=DESKTOP, locale="cs-CZ")
    pg = ctx.new_page()
    pg.goto(server + PRESENT + "&indicator=unemployment_share")
    _settle(pg)
    frame = _map_frame(pg)
    # controls and intro are gone, the exit stays
    assert not pg.get_by_text("Území", exact=True).first.is_visible()
    assert not pg.get_by_text("Nastavení mapy").first.is_visible()
    assert pg.get_by_role("button", name=re.compile("Ukončit prezentaci")).is_visible()
    # ORP names on the map, big enough for the back of the room
    labels = frame.locator(".hsou-label span")
    names = [s for s in labels.all_inner_texts() if s]
    assert {"Teplice", "Most", "Děčín"} <= set(names), names
    sizes = frame.evaluate("""() => [
        parseFloat(getComputedStyle(document.querySelector('.hsou-label span')).fontSize),
        parseFloat(getComputedStyle(document.querySelector('.hsou-legend')).fontSize)]""")
    assert min(sizes) >= 20, sizes
    # the map fills the window's height and is fitted
    iframe = pg.locator("iframe[title*='st_folium']").first.bounding_box()
    assert iframe["height"] >= 0.75 * DESKTOP["height"], iframe
    g = _fit(frame)
    assert g["fill"] >= MIN_FILL and not _overlap(g["legend"], g["terr"]), g
    pg.screenshot(path=str(ARTIFACTS / "presenter_map_1920.png"))
    # → steps to the next indicator of the link, and the address follows
    pg.locator("h1").first.click()  # focus on the page, not in a field
    pg.keyboard.press("ArrowRight")
    pg.wait_for_url(re.compile(r"indicator=distraint_share"), timeout=30_000)
    pg.get_by_role("heading", name=re.compile("exekuc", re.I)).first.wait_for()
    pg.keyboard.press("ArrowLeft")
    pg.wait_for_url(re.compile(r"indicator=unemployment_share"), timeout=30_000)
    assert "present=1" in pg.url and "indicators=" in pg.url
    # exit clears present from the address and brings the controls back
    pg.get_by_role("button", name=re.compile("Ukončit prezentaci")).click()
    pg.wait_for_url(lambda u: "present=" not in u, timeout=30_000)
    pg.get_by_text("Nastavení mapy").first.wait_for()
    ctx.close()


def test_arrow_keys_leave_a_focused_field_alone(server, browser):
    ctx = browser.new_context(viewport=DESKTOP, locale="cs-CZ")
    pg = ctx.new_page()
    pg.goto(server + PRESENT + "&indicator=unemployment_share&contrast=1")
    _settle(pg)
    _map_frame(pg)
    pg.evaluate("""() => { const i = document.createElement('input'); i.id = 'probe';
                           document.body.appendChild(i); i.focus(); }""")
    pg.keyboard.press("ArrowRight")
    pg.wait_for_timeout(1500)
    assert "indicator=unemployment_share" in pg.url
    assert "contrast=1" in pg.url
    ctx.close()


@pytest.mark.parametrize("path", ["/orp?orp=4213&present=1", "/town?obec=567507&present=1"])
def test_presenter_mode_profiles(server, browser, path):
    ctx = browser.new_context(viewport=DESKTOP, locale="cs-CZ")
    pg = ctx.new_page()
    pg.goto(server + path)
    _settle(pg)
    frame = _map_frame(pg)
    picker = "ORP" if "orp" in path else "Najít obec"
    assert not pg.get_by_role("combobox", name=re.compile(f"^{picker}")).first.is_visible()
    assert frame.locator(".hsou-label span").count() >= 3
    iframe = pg.locator("iframe[title*='st_folium']").first.bounding_box()
    assert iframe["height"] >= 0.75 * DESKTOP["height"], iframe
    pg.screenshot(path=str(ARTIFACTS / f"presenter_{path.split('?')[0].strip('/')}_1920.png"))
    ctx.close()


@pytest.mark.parametrize("path", ["/", "/map", "/orp", "/town?obec=563218"])
def test_axe_at_phone_width(server, browser, path):
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: run `make axe`")
    ctx = browser.new_context(viewport=PHONE, locale="cs-CZ", is_mobile=True, has_touch=True)
    pg = ctx.new_page()
    pg.goto(server + path)
    _settle(pg)
    found = _axe(pg, EXCLUDE)
    for frame in [f for f in pg.frames if "/component/streamlit_folium" in f.url]:
        frame.wait_for_selector(".leaflet-container", timeout=45_000)
        found += _axe(frame, [])
    serious = [v for v in found if v["impact"] in SERIOUS]
    assert not serious, serious
    cut = pg.evaluate("""() => Array.from(document.querySelectorAll('.stMarkdownBadge'))
        .filter(b => b.scrollWidth > b.clientWidth + 1).map(b => b.textContent)""")
    assert not cut, cut  # a badge wraps, never ends in "…" (the town page's HSOÚ line)
    pg.screenshot(path=str(ARTIFACTS / f"phone_{path.split('?')[0].strip('/') or 'home'}.png"))
    ctx.close()
