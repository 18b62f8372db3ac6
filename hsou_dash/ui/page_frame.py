"""What every page shares in the document itself: its title, ``<html lang>`` and the CSS that
keeps small text readable (WCAG 2.1 AA contrast).

Streamlit's ``index.html`` always says ``lang="en"`` and offers no option for it. A one-line
script served from ``/app/static`` (same origin: the site's Content-Security-Policy allows it
without a new inline-script hash) sets it to the session's language.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import streamlit as st

from hsou_dash import config
from hsou_dash.text import DEFAULT_LANG, LANGS
from hsou_dash.ui.text import lang, t_plain

SCRIPT = Path(__file__).parent / "frontend" / "html-lang.js"
SCRIPT_NAME = "hsou-html-lang.js"

#: Streamlit fades captions to 60 % opacity (#828180-ish on white: 3.9:1, below WCAG AA's
#: 4.5:1). Opaque, in this grey, they are 6.9:1 on white and 6.1:1 on the light grey of
#: secondary backgrounds, still lighter than body text.
CSS = """<style>
div[data-testid="stCaptionContainer"] { opacity: 1; color: #585a66; }
</style>"""


def script_html(language: str) -> str:
    """The one element that loads the lang script (``language`` is one of ``LANGS``)."""
    return (f'<script src="{config.STATIC_URL}/{SCRIPT_NAME}" '
            f'data-lang="{language if language in LANGS else DEFAULT_LANG}"></script>')


#: Everything this module puts in the page as HTML: fixed strings, never data.
OWN_HTML = frozenset({CSS, *(script_html(x) for x in LANGS)})


def ensure_script(target: Path | None = None) -> Path:
    """Copy the lang script into the static folder when missing or outdated."""
    dest = (target or config.static_dir()) / SCRIPT_NAME
    if not dest.exists() or dest.read_bytes() != SCRIPT.read_bytes():
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(SCRIPT, dest)
    return dest


def apply(page: str | None) -> None:
    """Page title ("Mapa ukazatelů – HSOÚ"), ``<html lang>`` and the contrast CSS."""
    key = f"page_title.{page}" if page else "app.short"
    st.set_page_config(page_title=t_plain(key))
    st.html(CSS)
    if not _script_ready():  # a read-only app folder: the page still works, lang stays "en"
        return
    st.html(script_html(lang()), unsafe_allow_javascript=True)


@functools.cache
def _script_ready() -> bool:
    """Copy the lang script once per process, not on every rerun (it only changes with the
    code, which restarts the server)."""
    try:
        ensure_script()
    except OSError:
        return False
    return True
