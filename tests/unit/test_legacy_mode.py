"""``widgets.leave_legacy_multipage_mode``: the one place that touches a private Streamlit flag.

Simulated: the module gone, the class gone, the attribute gone (the page must still render),
the flag set (one rerun, flag cleared) and a flag that does not stick (no rerun loop).
"""

from __future__ import annotations

import sys
import types

import pytest
import streamlit as st

from hsou_dash.ui import widgets

MODULE = "streamlit.runtime.pages_manager"


class _Rerun(Exception):
    """Stands in for Streamlit's rerun exception."""


@pytest.fixture
def reruns(monkeypatch) -> list[int]:
    calls: list[int] = []

    def rerun() -> None:
        calls.append(1)
        raise _Rerun

    monkeypatch.setattr(st, "rerun", rerun)
    st.session_state.pop(widgets._LEFT_LEGACY, None)
    yield calls
    st.session_state.pop(widgets._LEFT_LEGACY, None)


def _fake_module(monkeypatch, **attrs) -> type:
    """A stand-in for the private module whose ``PagesManager`` has ``attrs``."""
    manager = type("PagesManager", (), attrs)
    module = types.ModuleType(MODULE)
    module.PagesManager = manager
    monkeypatch.setitem(sys.modules, MODULE, module)
    return manager


def test_module_gone_the_page_renders(monkeypatch, reruns):
    monkeypatch.setitem(sys.modules, MODULE, None)  # import raises ImportError
    widgets.leave_legacy_multipage_mode()
    assert reruns == []


def test_class_gone_the_page_renders(monkeypatch, reruns):
    monkeypatch.setitem(sys.modules, MODULE, types.ModuleType(MODULE))
    widgets.leave_legacy_multipage_mode()
    assert reruns == []


def test_attribute_gone_the_page_renders(monkeypatch, reruns):
    _fake_module(monkeypatch)
    widgets.leave_legacy_multipage_mode()
    assert reruns == []


def test_navigation_mode_needs_nothing(monkeypatch, reruns):
    manager = _fake_module(monkeypatch, uses_pages_directory=False)
    widgets.leave_legacy_multipage_mode()
    assert reruns == [] and manager.uses_pages_directory is False


def test_legacy_mode_is_left_with_one_rerun(monkeypatch, reruns):
    manager = _fake_module(monkeypatch, uses_pages_directory=True)
    with pytest.raises(_Rerun):
        widgets.leave_legacy_multipage_mode()
    assert reruns == [1] and manager.uses_pages_directory is False


def test_a_flag_that_does_not_stick_never_loops(monkeypatch, reruns):
    manager = _fake_module(monkeypatch, uses_pages_directory=True)
    with pytest.raises(_Rerun):
        widgets.leave_legacy_multipage_mode()
    manager.uses_pages_directory = True  # a future Streamlit resets it: render, do not rerun
    widgets.leave_legacy_multipage_mode()
    assert reruns == [1]


def test_once_the_frame_ran_the_mode_can_be_left_again(monkeypatch, reruns):
    """AppTest (and maybe a future server) sets the flag again on a later run: after the frame
    ran, the page reruns into it again instead of rendering without it from then on."""
    manager = _fake_module(monkeypatch, uses_pages_directory=True)
    with pytest.raises(_Rerun):
        widgets.leave_legacy_multipage_mode()
    widgets.frame_ran()  # app.py's rerun: the frame is back
    manager.uses_pages_directory = True
    with pytest.raises(_Rerun):
        widgets.leave_legacy_multipage_mode()
    assert reruns == [1, 1]


def test_the_real_streamlit_still_has_the_flag():
    """Fails on a Streamlit upgrade that moves the flag: then deep links on a fresh server
    lose the app frame (the page still renders) and this function needs another look."""
    from streamlit.runtime.pages_manager import PagesManager

    assert hasattr(PagesManager, "uses_pages_directory")
