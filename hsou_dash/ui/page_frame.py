"""What every page shares in the document itself: its title, ``<html lang>``, the CSS that
keeps small text readable (WCAG 2.1 AA contrast) and the page usable on a phone, and the
presenter mode's frame.

Streamlit's ``index.html`` always says ``lang="en"`` and offers no option for it. A one-line
script served from ``/app/static`` (same origin: the site's Content-Security-Policy allows it
without a new inline-script hash) sets it to the session's language. The presenter mode's
arrow keys come the same way (``frontend/present-keys.js``).
"""

from __future__ import annotations

import functools
import html
import re
import shutil
from pathlib import Path

import streamlit as st

from hsou_dash import config
from hsou_dash.text import DEFAULT_LANG, LANGS, translate_plain
from hsou_dash.ui.text import lang, t_plain
from hsou_dash.viz import headline_cards, rank_table

FRONTEND = Path(__file__).parent / "frontend"
#: static file name → source: the scripts pages load from ``/app/static``
SCRIPTS = {"hsou-html-lang.js": FRONTEND / "html-lang.js",
           "hsou-present-keys.js": FRONTEND / "present-keys.js"}
SCRIPT_NAME = "hsou-html-lang.js"

#: Streamlit fades captions to 60 % opacity (#828180-ish on white: 3.9:1, below WCAG AA's
#: 4.5:1). Opaque, in this grey, they are 6.9:1 on white and 6.1:1 on the light grey of
#: secondary backgrounds, still lighter than body text. Badges wrap instead of ending in "…":
#: the town page's "ORP … patří mezi hospodářsky a sociálně ohrožená území" lost its end on
#: a phone.
_CAPTIONS = """div[data-testid="stCaptionContainer"] { opacity: 1; color: #585a66; }
span.stMarkdownBadge { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; max-width: 100%; box-decoration-break: clone;
  -webkit-box-decoration-break: clone; }"""

#: The top of the page without blank bands: the language switch (app.py) moves into the
#: header line instead of a row of its own, the empty column beside it and the zero-height
#: script elements (with their gaps) disappear. Used on phones and in presenter mode.
_TIGHT_TOP = """
  .st-key-lang_switch { position: fixed; top: 0.7rem; right: 0.75rem; z-index: 999991;
    width: auto !important; }
  [data-testid="stColumn"]:not(:has([data-testid="stElementContainer"])) { display: none; }
  [data-testid="stLayoutWrapper"]:has(.st-key-lang_switch) { position: absolute; }
  [data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script:only-child)
    { display: none; }"""

#: Phones (Streamlit stacks columns below 640 px). Containers keyed ``narrow_…`` show only
#: there (a profile's values as a list above its wide table, support items as cards),
#: those keyed ``wide_…`` only on wider screens (the support tables the cards replace). With
#: :data:`_TIGHT_TOP` and the top padding shrunk to the header's height, the ~170 px blank
#: band above every page title is gone. The top navigation collapses into Streamlit's "»"
#: button, whose only name is an English aria-label that no option changes: it gets a
#: visible, translated word beside the icon ({menu}).
_PHONE = """@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 4.25rem; }""" + _TIGHT_TOP + """
  [data-testid="stExpandSidebarButton"] { width: auto; gap: 0.25rem; padding-right: 0.4rem; }
  [data-testid="stExpandSidebarButton"]::after { content: "{menu}"; font-size: 0.95rem;
    font-weight: 600; color: #31333f; }
  [class*="st-key-wide_"] { display: none; }
  [class*="st-key-narrow_"] [data-testid="stMarkdownContainer"] { overflow-wrap: anywhere; }
}
@media (min-width: 641px) { [class*="st-key-narrow_"] { display: none; } }"""


def _css_text(value: str) -> str:
    """Catalogue text inside a CSS string: trusted, but kept from closing the string."""
    return re.sub(r'["\\<>{}\n]', "", value)


def css(language: str) -> str:
    """The page CSS in ``language`` (the menu's label is the only text in it)."""
    menu = _css_text(translate_plain(language, "frame.menu"))
    return (f"<style>\n{_CAPTIONS}\n{rank_table.CSS}\n{headline_cards.CSS}\n"
            f"{_PHONE.replace('{menu}', menu)}\n</style>")


#: Presenter mode: every container keyed ``hide_…`` (controls, intros, side columns) goes, the
#: maps' frames fill the window's height below the presenter bar, the header's menu too.
PRESENT_CSS = """<style>
[class*="st-key-hide_"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 4rem; padding-bottom: 1rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2.1rem; padding: 0.25rem 0; }
iframe[title="streamlit_folium.st_folium"] { height: calc(100vh - 11.5rem) !important;
  min-height: 360px; }""" + _TIGHT_TOP + """
</style>"""


def script_html(language: str) -> str:
    """The one element that loads the lang script (``language`` is one of ``LANGS``); it also
    names the phone menu button in that language (``data-menu``)."""
    language = language if language in LANGS else DEFAULT_LANG
    menu = html.escape(translate_plain(language, "frame.menu"), quote=True)
    return (f'<script src="{config.STATIC_URL}/{SCRIPT_NAME}" '
            f'data-lang="{language}" data-menu="{menu}"></script>')


KEYS_HTML = f'<script src="{config.STATIC_URL}/hsou-present-keys.js"></script>'

#: Everything this module puts in the page as HTML: fixed strings, never data.
OWN_HTML = frozenset({*(css(x) for x in LANGS), *(script_html(x) for x in LANGS),
                      PRESENT_CSS, KEYS_HTML})


def ensure_script(target: Path | None = None) -> Path:
    """Copy the page scripts into the static folder when missing or outdated; returns the
    lang script's path."""
    folder = target or config.static_dir()
    for name, source in SCRIPTS.items():
        dest = folder / name
        if not dest.exists() or dest.read_bytes() != source.read_bytes():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest)
    return folder / SCRIPT_NAME


def apply(page: str | None) -> None:
    """Page title ("Mapa ukazatelů – HSOÚ"), ``<html lang>`` and the page CSS."""
    key = f"page_title.{page}" if page else "app.short"
    st.set_page_config(page_title=t_plain(key))
    st.html(css(lang()))
    if not _script_ready():  # a read-only app folder: the page still works, lang stays "en"
        return
    st.html(script_html(lang()), unsafe_allow_javascript=True)


def presenting() -> None:
    """The presenter mode's frame: :data:`PRESENT_CSS` and the arrow keys' script."""
    st.html(PRESENT_CSS)
    if _script_ready():
        st.html(KEYS_HTML, unsafe_allow_javascript=True)


@functools.cache
def _script_ready() -> bool:
    """Copy the page scripts once per process, not on every rerun (they only change with the
    code, which restarts the server)."""
    try:
        ensure_script()
    except OSError:
        return False
    return True
