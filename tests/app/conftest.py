"""AppTest helpers: run the real entry point (app.py) and switch to a page, with a URL."""

from __future__ import annotations

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

TIMEOUT = 60


def open_page(page: str, **params: str) -> AppTest:
    """Run ``app.py`` on ``pages/<page>.py`` with the given query parameters."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()  # AppTest resolves st.navigation pages only after a first run (of home)
    if page == "home":
        return at  # that first run was the visit
    at.query_params.clear()  # home wrote its own URL; a visitor arrives with ours
    at.query_params.update(params)
    at.switch_page(f"pages/{page}.py")
    at.run()
    return at


def param(at: AppTest, name: str) -> str | None:
    """One URL parameter as the page wrote it (AppTest may hold it as a one-item list)."""
    v = at.query_params.get(name)
    return v[0] if isinstance(v, list) else v


def texts(at: AppTest) -> str:
    """All markdown, captions, titles, alerts of a run, joined (for 'is it shown' checks)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success", "metric"):
        for el in getattr(at, kind):
            parts.append(str(getattr(el, "value", "")))
            parts.append(str(getattr(el, "label", "")))
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

