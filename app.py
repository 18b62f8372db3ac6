"""Entry point: page frame, language switch, navigation and the footer shared by every page."""

from __future__ import annotations

import streamlit as st

from hsou_dash.text import DEFAULT_LANG, LANGS
from hsou_dash.ui.text import LANG_KEY, t
from hsou_dash.ui.widgets import PAGES

st.set_page_config(page_title="HSOÚ dashboard", layout="wide",
                   initial_sidebar_state="collapsed")

if LANG_KEY not in st.session_state:
    requested = st.query_params.get("lang", DEFAULT_LANG)
    st.session_state[LANG_KEY] = requested if requested in LANGS else DEFAULT_LANG

if st.session_state.get(LANG_KEY) is None:  # a segmented control can be cleared: keep a lang
    st.session_state[LANG_KEY] = DEFAULT_LANG
_, corner = st.columns([5, 1])
corner.segmented_control(t("app.language"), list(LANGS), key=LANG_KEY, label_visibility="collapsed",
                         format_func=lambda code: {"cs": "Česky", "en": "English"}[code])

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
nav.run()

st.divider()
st.caption(t("app.footer"))
