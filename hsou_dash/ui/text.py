"""Text lookup bound to the session's language."""

from __future__ import annotations

import streamlit as st

from hsou_dash.text import DEFAULT_LANG, LANGS, Translator, translate, translator

LANG_KEY = "lang"


def lang() -> str:
    value = st.session_state.get(LANG_KEY, DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, **kwargs: object) -> str:
    """User-visible text for ``key`` in the session's language."""
    return translate(lang(), key, **kwargs)


def tr() -> Translator:
    """A translator to hand to builders (they never read session state themselves)."""
    return translator(lang())
