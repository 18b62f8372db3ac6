"""AppTest of every page with a hostile data bundle and with hostile URL parameters.

What a page hands to a Markdown sink (titles, captions, alerts, labels, help, tabs, expanders,
page links, metrics) must not render anything from the data or the URL as an image, a link,
HTML or a Streamlit directive; echoed URL values are cut short; every CSV download is safe to
open in a spreadsheet. The bundle is generated per test module (``tests/hostile.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from hsou_dash import config
from hsou_dash.escape import ECHO_LIMIT
from hsou_dash.ui import page_frame
from hsou_dash.ui.state import MAX_NOTICES
from tests import hostile
from tests.app.conftest import open_downloads, open_page

MASTOV = "563218"


@pytest.fixture(scope="module")
def hostile_dir(bundle_dir: Path, tmp_path_factory) -> Path:
    return hostile.make_hostile_bundle(bundle_dir, tmp_path_factory.mktemp("hostile") / "b")


@pytest.fixture(scope="module")
def hostile_cache(tmp_path_factory) -> Path:
    """Display geometry of the hostile copy goes here, never into the app's data/cache."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def evil_env(hostile_dir, hostile_cache, monkeypatch) -> Path:
    monkeypatch.setenv(config.ENV_DATA_DIR, str(hostile_dir))
    monkeypatch.setenv(config.ENV_CACHE_DIR, str(hostile_cache))
    assert config.data_dir() == hostile_dir.resolve()
    return hostile_dir


def markdown_sources(at: AppTest) -> list[str]:
    """Every string of the run that Streamlit renders as Markdown: element bodies (markdown,
    captions, headings, alerts, metric values), labels (widgets, tabs, expanders, page links,
    metrics) and help texts. Options of select boxes and table cells are plain text."""
    found: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if type(proto).__name__ == "Html":  # an HTML sink, not Markdown: html_sources
            return
        if proto is not None and hasattr(proto, "ListFields"):
            for field, value in proto.ListFields():
                if field.name in ("body", "label", "help") and isinstance(value, str) \
                        and value not in page_frame.OWN_HTML:  # the app's own fixed HTML
                    found.append(value)
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    return found


def html_sources(at: AppTest) -> list[str]:
    """The bodies of the run's ``st.html`` elements other than the app's own fixed ones (the
    map's ranking table)."""
    return [el.proto.body for el in at.get("html")
            if el.proto.body not in page_frame.OWN_HTML]


def check_markdown(at: AppTest, *, expect_hostile: bool = True) -> list[str]:
    """Assert the run rendered nothing hostile as markup; return its Markdown sources."""
    assert not at.exception, at.exception
    sources = markdown_sources(at)
    bad = {s[:120]: p for s in sources if (p := hostile.markdown_problems(s))}
    assert not bad, bad
    bad_html = {s[:120]: p for s in html_sources(at) if (p := hostile.html_problems(s))}
    assert not bad_html, bad_html
    if expect_hostile:  # the hostile data did reach the page, escaped
        assert any(hostile.ESCAPED_XSS in s for s in sources), "no hostile name shown"
    return sources


def check_csv(at: AppTest, downloads: dict[str, bytes], *, expect_names: bool) -> None:
    """Every download of the run: no formula cell; hostile names neutralised when present."""
    buttons = [b for b in at.get("download_button") if b.proto.url]
    assert buttons or not expect_names
    neutralised = 0
    for button in buttons:
        data = downloads[Path(button.proto.url).stem]
        unsafe, n = hostile.unsafe_csv_cells(data)
        assert not unsafe, (button.proto.label, unsafe[:5])
        neutralised += n
    if expect_names:
        assert neutralised, "the hostile names did not reach the CSV"


# ---------------------------------------------------------------------------- hostile bundle

def test_home(evil_env, downloads):
    check_markdown(open_page("home"))
    check_markdown(open_page("home", region="CZ"))


def test_map_orp_and_municipal_layers(evil_env, downloads):
    at = open_page("map", orp=hostile.DEFAULT_ORP)
    check_markdown(at)
    table = "".join(html_sources(at))  # the hostile names reached the table, as text
    assert "&lt;img src=x onerror=" in table and 'class="sel" aria-current="true"' in table
    check_csv(open_downloads(at), downloads, expect_names=True)
    at = open_page("map", level="obec", indicator="unemployment_share", obec=MASTOV)
    check_markdown(at)
    check_csv(open_downloads(at), downloads, expect_names=True)


def test_orp_profile(evil_env, downloads):
    at = open_page("orp")  # the default ORP carries the image and link payloads
    sources = check_markdown(at)
    assert at.header[0].value.startswith(hostile.ESCAPED_XSS)
    assert any("!\\[x\\](http:\u2060//evil.invalid/p.png)" in s for s in sources)
    check_csv(at, downloads, expect_names=True)  # its sources start with "@SUM(A1)"


def test_town_profile_and_search(evil_env, downloads):
    at = open_page("town", obec=MASTOV)
    check_markdown(at)
    check_csv(at, downloads, expect_names=True)
    at.text_input(key="town.q").set_value("mastov").run()
    check_markdown(at)
    options = at.selectbox(key="town.pick").options
    assert options and all("\\" not in o for o in options)  # plain text, no stray escapes


@pytest.mark.parametrize("params", [
    {}, {"tab": "money"}, {"tab": "matrix"}, {"tab": "territory"},
    {"tab": "coverage", "instrument": "evil_new"}, {"tab": "transfers"},
])
def test_support(evil_env, downloads, params):
    at = open_page("support", **params)
    check_markdown(at, expect_hostile=params.get("tab") in (None, "coverage"))
    check_csv(at, downloads, expect_names=not params)


def test_compare(evil_env, downloads):
    at = open_page("compare", orps=f"{hostile.DEFAULT_ORP},4204,4205")
    check_markdown(at)
    check_csv(at, downloads, expect_names=True)


def test_methodology(evil_env, downloads):
    at = open_page("methodology")
    sources = check_markdown(at)
    check_csv(at, downloads, expect_names=True)
    # the bundle's own documents: still Markdown, without images or script links
    assert any(s.startswith("x\n\n[odkaz](#)") for s in sources)


# ---------------------------------------------------------------------------- hostile URL

IMAGE = "![x](http://h/p.png)"
LINK = "[Klikněte zde](http://h/phish)"
LONG = LINK + "A" * (10_000 - len(LINK))

URLS = [
    ("home", {"region": IMAGE}),
    ("home", {"region": LONG}),
    ("map", {"region": LINK, "orp": IMAGE, "indicator": LONG}),
    ("orp", {"orp": IMAGE}),
    ("orp", {"orp": LONG}),
    ("town", {"obec": IMAGE}),
    ("town", {"obec": LONG}),
    ("support", {"region": IMAGE, "instrument": LONG, "provider": LINK}),
    ("compare", {"orp": IMAGE, "region": LONG,
                 "orps": ",".join([LINK] + [f"{n:04d}x" for n in range(300)])}),
    ("methodology", {"inputs": IMAGE, "method": LONG}),
]


@pytest.mark.parametrize("page, params", URLS, ids=[f"{p}-{'-'.join(q)}" for p, q in URLS])
def test_hostile_url_parameters_are_echoed_escaped_and_short(page, params):
    at = open_page(page, **params)
    assert not at.exception
    notices = [n.value for n in at.info]
    assert notices, "the bad parameters were not reported"
    echoed = "\n".join(notices)
    if IMAGE in params.values():  # shown as typed, escaped
        assert "!\\[x\\](http:\u2060//h/p.png)" in echoed
    for notice in notices:
        assert not hostile.markdown_problems(notice), notice
        assert "](" not in hostile.unescaped(notice) and "![" not in hostile.unescaped(notice)
        assert "://h/" not in notice  # no literal autolink either
        assert len(notice) < 500, notice[:200]
        assert "A" * (ECHO_LIMIT + 1) not in notice
    if "orps" in params:  # 301 bad codes: a few notices, the rest only counted
        echoes = [n for n in notices if n.startswith(("ORP s kódem", "Území"))]
        assert len(echoes) == MAX_NOTICES
        assert any("ještě 295 dalších" in n for n in notices)
    if any(len(v) > ECHO_LIMIT for v in params.values()):
        assert "…" in echoed
    # the URL the page writes back has only valid values
    assert all(len(str(v)) < 100 for v in at.query_params.values())
