"""AppTest helpers: run the real entry point (app.py) and switch to a page, with a URL."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

TIMEOUT = 60


def open_page(page: str, state: dict | None = None, **params: str) -> AppTest:
    """Run ``app.py`` on ``pages/<page>.py`` with the given query parameters; ``state``:
    session state set before the page's run (an English /map cannot be rerun in AppTest: it
    keeps a select box's Czech label from the first run and fails to find it)."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()  # AppTest resolves st.navigation pages only after a first run (of home)
    if page == "home":
        return at  # that first run was the visit
    at.query_params.clear()  # home wrote its own URL; a visitor arrives with ours
    at.query_params.update(params)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.switch_page(f"pages/{page}.py")
    at.run()
    return at


def open_downloads(at: AppTest) -> AppTest:
    """Open /map's "Stáhnout" popover: its buttons are drawn only while it is open."""
    at.session_state["map.downloads"] = True
    return at.run()


def param(at: AppTest, name: str) -> str | None:
    """One URL parameter as the page wrote it (AppTest may hold it as a one-item list)."""
    v = at.query_params.get(name)
    return v[0] if isinstance(v, list) else v


class RankTableParser(HTMLParser):
    """Rows of the HTML ranking tables (``hsou_dash.viz.rank_table``) as cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.columns: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "th" and not self._in_body:
            self.columns.append(dict(attrs)["data-col"])
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag in ("td", "th") and self._in_body:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


class CardsParser(HTMLParser):
    """The home page's headline cards (``hsou_dash.viz.headline_cards``): per card its label,
    value, lines under it (warnings prefixed "!") and the text behind its disclosure."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[dict] = []
        self._field: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if cls == "hsou-card":
            self.cards.append({"label": "", "value": "", "lines": [], "help": ""})
        elif tag == "p" and self.cards and self._field is None:
            self._field = {"hsou-card-label": "label", "hsou-card-value": "value",
                           "hsou-card-line": "line", "hsou-card-line warn": "warn"}.get(cls)
            self._field = self._field or "help"
            self._text = []

    def handle_endtag(self, tag):
        if tag == "p" and self._field is not None:
            text = "".join(self._text)
            card = self.cards[-1]
            if self._field in ("line", "warn"):
                card["lines"].append(("!" if self._field == "warn" else "") + text)
            else:
                card[self._field] = text
            self._field = None

    def handle_data(self, data):
        if self._field is not None:
            self._text.append(data)


def home_cards(at: AppTest) -> list[dict]:
    """The headline cards of a run (the home page's), or none."""
    for el in at.get("html"):
        body = getattr(el.proto, "body", "")
        if 'class="hsou-cards"' in body:
            parser = CardsParser()
            parser.feed(body)
            return parser.cards
    return []


def card_values(at: AppTest) -> dict[str, str]:
    """Label → value of the headline cards."""
    return {c["label"]: c["value"] for c in home_cards(at)}


def rank_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every HTML ranking table of the run (the map's), cell texts as shown, columns by their
    machine names (``data-col``)."""
    out = []
    for el in at.get("html"):
        body = getattr(el.proto, "body", "")
        if 'class="hsou-rank"' in body:
            parser = RankTableParser()
            parser.feed(body)
            out.append(pd.DataFrame(parser.rows, columns=parser.columns))
    return out


def rank_table(at: AppTest) -> pd.DataFrame:
    """The map's ranking table (fails the test when there is none)."""
    tables = rank_tables(at)
    assert tables, "no ranking table on the page"
    return tables[0]


def shown_number(text: str, lang: str = "cs") -> float | None:
    """A number as a table shows it ("12 345,6" in Czech, "12,345.6" in English, a true minus
    sign); None for a "no data" cell."""
    t = "".join(text.split()).replace("\u2212", "-")  # split(): spaces, no-break spaces
    t = t.replace(",", ".") if lang == "cs" else t.replace(",", "")
    try:
        return float(t)
    except ValueError:
        return None


def texts(at: AppTest) -> str:
    """All markdown, captions, titles, alerts of a run, joined (for 'is it shown' checks)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success", "metric"):
        for el in getattr(at, kind):
            parts.append(str(getattr(el, "value", "")))
            parts.append(str(getattr(el, "label", "")))
    for card in home_cards(at):
        parts += [card["label"], card["value"], *card["lines"], card["help"]]
    return "\n".join(parts)


@pytest.fixture
def page():
    return open_page


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """Bytes of every download button of a run, by media file id (AppTest keeps them in a
    mock runtime that is gone after the run, so they are recorded as they are stored)."""
    store: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        if isinstance(path_or_data, bytes):
            store[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return store

