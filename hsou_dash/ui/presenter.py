"""Presenter mode on /map, /orp and /town: ``present=1``, ``contrast=1``, ``indicators=…``.

The page keeps drawing its controls (their state must survive), inside containers keyed
``hide_…`` that :data:`page_frame.PRESENT_CSS` takes off the screen; what stays is a small bar
(exit, contrast, ← / → through the link's indicators), the title and a map as tall as the
window. Everything lives in the URL (:func:`url_params`), so a prepared link opens the same
view on the presenter's laptop.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from hsou_dash.domain.presenter import Presenter, step
from hsou_dash.ui import page_frame, state
from hsou_dash.ui.text import t
from hsou_dash.urls import Notice, indicators_param, parse_presenter
from hsou_dash.viz import maps


def read(page: str, params: dict[str, str], available: list[str] | None, fresh: bool
         ) -> list[Notice]:
    """Seed ``{page}.present`` / ``.contrast`` / ``.indicators`` from the URL when it is new
    to the page; returns the notices about what it did not understand (``available``: the
    indicators of the page's ``indicators`` list, ``None`` on pages without one)."""
    parsed, notices = parse_presenter(params, available)
    state.seed({f"{page}.present": parsed.present, f"{page}.contrast": parsed.contrast,
                f"{page}.indicators": parsed.indicators}, fresh)
    return notices


def current(page: str) -> Presenter:
    """The presenter settings of this session's view of ``page``."""
    s = st.session_state
    return Presenter(bool(s.get(f"{page}.present")), bool(s.get(f"{page}.contrast")),
                     tuple(s.get(f"{page}.indicators") or ()))


def look(page: str) -> maps.Look:
    """How the page's map is drawn (presenter mode: big, contrast when asked)."""
    p = current(page)
    return maps.Look(big=p.present, contrast=p.contrast)


def hide(page: str, name: str):
    """A container that presenter mode takes off the screen (its widgets keep their state)."""
    return st.container(key=f"hide_{page}_{name}")


def bar(page: str, indicator_key: str | None = None) -> None:
    """The presenter bar (nothing outside presenter mode): exit, contrast and, when the link
    lists indicators and ``indicator_key`` names the page's indicator widget, previous / next
    buttons that the arrow keys press."""
    p = current(page)
    if not p.present:
        return
    page_frame.presenting()

    def leave() -> None:
        st.session_state[f"{page}.present"] = False

    def go(delta: int) -> None:
        st.session_state[indicator_key] = step(p.indicators, st.session_state[indicator_key],
                                               delta)

    stepping = bool(p.indicators) and indicator_key is not None
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.button(t("present.exit"), key=f"{page}_present_exit", on_click=leave,
                  icon=":material/close_fullscreen:", help=t("present.exit_help"))
        st.toggle(t("present.contrast"), key=f"{page}.contrast", help=t("present.contrast_help"))
        if stepping:
            st.button(t("present.prev"), key="present_prev", on_click=go, args=(-1,),
                      icon=":material/arrow_back:")
            st.button(t("present.next"), key="present_next", on_click=go, args=(1,),
                      icon=":material/arrow_forward:")
            now = st.session_state.get(indicator_key)
            if now in p.indicators:
                st.caption(t("present.position", i=p.indicators.index(now) + 1,
                             n=len(p.indicators)))


def url_params(page: str) -> dict[str, Any]:
    """What the page writes back to its URL for presenter mode (``None``: left out)."""
    p = current(page)
    return {"present": 1 if p.present else None, "contrast": 1 if p.contrast else None,
            "indicators": indicators_param(p.indicators)}
