"""Entry point: page frame, language switch, navigation and the footer shared by every page."""

from __future__ import annotations

import streamlit as st

from hsou_dash.data.loaders import DATA_ERRORS
from hsou_dash.ui import page_frame, state
from hsou_dash.ui.bootstrap import ensure_bundle
from hsou_dash.ui.text import init_lang, language_switch, t
from hsou_dash.ui.widgets import PAGES, bundle_problem, frame_ran

st.set_page_config(layout="wide", initial_sidebar_state="collapsed")

frame_ran()  # a page rerun to leave Streamlit's old pages/ mode found the frame
init_lang()
_, corner = st.columns([5, 1])
language_switch(corner)
ensure_bundle()  # HSOU_BUNDLE_URL and no bundle yet: install it first, with a progress page

# Emoji, not :material/…: icons: the browser turns a material page icon into a favicon
# fetched from Google's font CDN, which a self-contained public site must not do.
ICONS = {"home": "🏠", "map": "🗺️", "orp": "🏙️", "town": "🏘️", "support": "💶",
         "compare": "⚖️", "methodology": "📖"}
pages = {
    name: st.Page(path, title=t(f"nav.{name}"), icon=ICONS[name],
                  url_path="" if name == "home" else name, default=name == "home")
    for name, path in PAGES.items()
}
nav = st.navigation(
    {
        t("nav.section_explore"): [pages[n] for n in ("home", "map", "orp", "town", "support",
                                                       "compare")],
        t("nav.section_about"): [pages["methodology"]],
    },
    position="top",
)
# each page its own browser title; <html lang> follows the language; readable captions
current = next((n for n, p in pages.items() if p.url_path == nav.url_path), None)
page_frame.apply(current)
try:
    nav.run()
except DATA_ERRORS as exc:  # a data file vanished or broke mid-page: the bundle message, no
    bundle_problem(exc)     # traceback (Streamlit's stop/rerun are BaseExceptions: they pass)
else:
    state.remember_widgets(current)  # so the next run can tell a widget change from a link

st.divider()
st.caption(t("app.footer"))
