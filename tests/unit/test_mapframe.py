"""The map frame: the private streamlit-folium path sends what the public ``st_folium`` would,
and a missing private helper falls back to ``st_folium`` instead of breaking the page."""

from __future__ import annotations

import sys
import types

import folium
import pytest
import streamlit_folium as sf
from streamlit.testing.v1 import AppTest

from hsou_dash.ui import mapframe


def _map() -> folium.Map:
    """A small map made the same way each call (streamlit-folium normalises element ids)."""
    m = folium.Map(location=[50.6, 14.0], zoom_start=8, tiles=None)
    folium.GeoJson({"type": "Feature", "properties": {"name": "Ústí"},
                    "geometry": {"type": "Point", "coordinates": [14.03, 50.66]}}).add_to(m)
    return m


@pytest.fixture
def fresh_lookup():
    """The private lookup is cached per process: forget it before and after a test."""
    mapframe._private_api.cache_clear()
    yield
    mapframe._private_api.cache_clear()


def test_private_path_sends_what_st_folium_sends(monkeypatch, fresh_lookup):
    """The pinned 0.27.4 has the helpers, and the arguments equal ``st_folium``'s own call."""
    sent: list[dict] = []
    monkeypatch.setattr(sf, "_component_func", lambda **kw: sent.append(kw))
    sf.st_folium(_map(), key="m", height=300, use_container_width=True,
                 returned_objects=["last_active_drawing"])
    ours = mapframe.component_args(_map(), "m", ["last_active_drawing"], 300)
    theirs = {k: v for k, v in sent[0].items() if k != "on_change"}
    assert mapframe.PUBLIC not in ours
    assert ours == theirs


def test_missing_private_helper_falls_back_to_st_folium(monkeypatch, fresh_lookup):
    stripped = types.ModuleType("streamlit_folium")  # a release without the private names
    stripped.st_folium = sf.st_folium
    monkeypatch.setitem(sys.modules, "streamlit_folium", stripped)
    assert mapframe._private_api() is None
    args = mapframe.component_args(_map(), "m", [], 300)
    assert args[mapframe.PUBLIC] is not None and "script" not in args

    def page():
        import folium

        from hsou_dash.ui import mapframe

        m = folium.Map(location=[50.6, 14.0], zoom_start=8, tiles=None)
        folium.Marker([50.66, 14.03], tooltip="Ústí").add_to(m)
        mapframe.show(mapframe.component_args(m, "m", [], 300), key="m")

    at = AppTest.from_function(page, default_timeout=30).run()
    assert not at.exception
    (frame,) = at.get("component_instance")
    assert frame.proto.component_name == "streamlit_folium.st_folium"
    assert "L.map(" in frame.proto.json_args and "50.66" in frame.proto.json_args
    assert mapframe._private_api() is None  # the page really went the public way


def test_helper_that_no_longer_takes_a_map_falls_back(monkeypatch, fresh_lookup):
    monkeypatch.setattr(sf, "_get_header", lambda fig, extra: "")  # a changed signature
    args = mapframe.component_args(_map(), "m", [], 300)
    assert set(args) == {mapframe.PUBLIC, "key", "height", "returned_objects"}
