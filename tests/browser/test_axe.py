"""axe-core on every page, in Czech and English, and inside the map iframes.

axe-core comes from the npm registry (``make axe``: ``.cache/axe/node_modules/axe-core``) and is
injected by Playwright. No serious or critical violation is allowed. The one exclusion is
Streamlit's own navigation markup, which no public option changes (its menu items are not
``<li>`` children of a ``<ul>`` when the top navigation collapses).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.conftest import REPO

pytestmark = pytest.mark.browser

AXE = Path(os.environ.get("HSOU_AXE", REPO / ".cache/axe/node_modules/axe-core/axe.min.js"))
PAGES = ["/", "/map", "/orp", "/town?obec=563218", "/support", "/compare", "/methodology"]
MAP_PAGES = {"/", "/map", "/orp", "/town?obec=563218", "/compare"}
#: Streamlit's own navigation (not ours to change): excluded from the page scan, by selector.
EXCLUDE = ["[data-testid='stSidebarNavItems']"]
SERIOUS = {"serious", "critical"}


def _axe(target, exclude: list[str]) -> list[dict]:
    target.add_script_tag(path=str(AXE))
    result = target.evaluate(
        """async (exclude) => {
            const r = await axe.run({exclude: exclude.map(s => [s])},
                                    {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, count: v.nodes.length,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }""",
        exclude,
    )
    return result


def _settle(page, lang: str = "cs") -> None:
    """Wait until the page has finished running (Streamlit marks its root with
    ``data-test-script-state``; with ``toolbarMode = "minimal"`` no status widget shows, so
    its absence proved nothing: a cold /town took 2 s to compute while axe checked its top
    third), no element is faded as stale and the language script has run."""
    page.locator("[data-testid='stApp']").wait_for()
    page.locator("h1").first.wait_for(timeout=45_000)
    done = """(lang) => document.querySelector('[data-testid="stApp"]')
                          ?.getAttribute('data-test-script-state') === 'notRunning'
                      && !document.querySelector('[data-stale="true"]')
                      && (!lang || document.documentElement.lang === lang)"""
    page.wait_for_function(done, arg=lang, timeout=60_000)
    page.wait_for_timeout(1_000)  # a rerun the first run asked for (the URL, the map's value)
    page.wait_for_function(done, arg=None, timeout=60_000)


def _record(name: str, violations: list[dict]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / "axe.jsonl", "a") as f:
        f.write(json.dumps({"page": name, "violations": violations}, ensure_ascii=False) + "\n")


@pytest.fixture(scope="module", autouse=True)
def _axe_present():
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: run `make axe`")


@pytest.mark.parametrize("lang", ["cs", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_violations(server, page, path, lang):
    sep = "&" if "?" in path else "?"
    page.goto(server + path + (f"{sep}lang=en" if lang == "en" else ""))
    _settle(page, lang)  # waits for <html lang> to be the page's language
    assert page.locator("html").get_attribute("lang") == lang
    found = _axe(page, EXCLUDE)
    maps = page.locator("iframe[title*='st_folium']")
    if path in MAP_PAGES:  # these open with a map: check it too
        maps.first.wait_for(timeout=45_000)
    for i in range(maps.count()):
        frame = maps.nth(i).content_frame
        frame.locator(".leaflet-container").wait_for(timeout=45_000)
    for frame in [f for f in page.frames if "/component/streamlit_folium" in f.url]:
        found += [{**v, "frame": True} for v in _axe(frame, [])]
    _record(f"{path} {lang}", found)
    serious = [v for v in found if v["impact"] in SERIOUS]
    assert not serious, json.dumps(serious, ensure_ascii=False, indent=1)


def test_every_page_has_its_own_title(server, page):
    titles = set()
    for path in PAGES:
        page.goto(server + path)
        _settle(page)
        titles.add(page.title())
    assert len(titles) == len(PAGES), titles
