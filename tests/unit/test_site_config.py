"""The Streamlit settings a public site depends on (.streamlit/config.toml), read as Streamlit
reads them: a setting that silently went back to its default would show visitors tracebacks,
third-party links or unescaped spreadsheet exports."""

from __future__ import annotations

import tomllib

from tests.conftest import REPO

CONFIG = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())


def test_errors_show_no_details_and_no_third_party_links():
    assert CONFIG["client"]["showErrorDetails"] == "none"
    assert CONFIG["client"]["showErrorLinks"] == "false"


def test_no_raw_table_exports_and_no_magic():
    assert CONFIG["client"]["disableDataExport"] is True
    assert CONFIG["runner"]["magicEnabled"] is False


def test_served_as_a_site_not_a_dev_server():
    assert CONFIG["server"]["fileWatcherType"] == "none"
    assert CONFIG["server"]["headless"] is True
    assert CONFIG["server"]["enableStaticServing"] is True  # Leaflet from our own server
    assert CONFIG["browser"]["gatherUsageStats"] is False
