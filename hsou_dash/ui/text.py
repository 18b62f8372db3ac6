"""Text lookup bound to the session's language.

``t`` is for Markdown sinks (titles, captions, alerts, labels, help, page links): fields are
escaped. ``t_plain`` is for sinks that show text verbatim (select box options and
``format_func``, table cells and column labels, file names).
"""

from __future__ import annotations

import streamlit as st

from hsou_dash.escape import Markdown
from hsou_dash.text import (
    DEFAULT_LANG,
    LANGS,
    Translator,
    translate,
    translate_plain,
    translator,
)

#: Session key of the chosen language. Not a widget key: Streamlit drops a widget's state in any
#: run that does not draw the widget, and the language must survive every kind of rerun.
LANG_KEY = "_lang"
#: Key of the switch widget that edits it.
SWITCH_KEY = "lang_switch"


def lang() -> str:
    value = st.session_state.get(LANG_KEY, DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def init_lang() -> None:
    """Take the language from the URL on a session's first run."""
    if LANG_KEY not in st.session_state:
        requested = st.query_params.get("lang", DEFAULT_LANG)
        st.session_state[LANG_KEY] = requested if requested in LANGS else DEFAULT_LANG


def language_switch(container) -> None:
    """The Česky / English switch; a cleared selection keeps the current language."""

    def changed() -> None:
        st.session_state[LANG_KEY] = st.session_state.get(SWITCH_KEY) or lang()

    st.session_state[SWITCH_KEY] = lang()
    container.segmented_control(t("app.language"), list(LANGS), key=SWITCH_KEY,
                                label_visibility="collapsed", on_change=changed,
                                format_func=lambda c: {"cs": "Česky", "en": "English"}[c])


def t(key: str, **kwargs: object) -> Markdown:
    """User-visible text for ``key`` in the session's language, fields escaped for Markdown."""
    return translate(lang(), key, **kwargs)


def t_plain(key: str, **kwargs: object) -> str:
    """The same text with fields verbatim, for sinks that do not render Markdown."""
    return translate_plain(lang(), key, **kwargs)


def tr() -> Translator:
    """A translator to hand to builders (they never read session state themselves)."""
    return translator(lang())
