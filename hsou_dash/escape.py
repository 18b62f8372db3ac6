"""Escaping of untrusted text for each place the app shows it. No Streamlit here.

Every name, note, source line and URL comes from a data bundle, and bundles can be installed
from any URL; URL parameters come from whoever wrote the link. None of that text may turn into
markup. Each sink has its own rule:

* Markdown (everything Streamlit renders as Markdown: ``st.markdown``/``caption``/``title``,
  alerts, widget and tab labels, ``help``, page links, metric labels and values): :func:`md`.
* HTML inside the Leaflet map (tooltips, legend, attribution): :func:`html_text`.
* Plotly text (titles, tick labels, legend, hover, bar labels), which understands a small
  HTML subset including ``<a href>``: :func:`plot_text`.
* Plain-text sinks (select box options, table cells, file names) need nothing.
* CSV cells: :mod:`hsou_dash.viz.export`.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

#: Characters that can start Markdown markup anywhere in a line — code, emphasis, strike-
#: through, links/images (``[``), raw HTML and autolinks, ``$`` LaTeX, ``{…}`` attributes,
#: tables, entities — and the backslash itself. Backslash-escaping them is valid CommonMark for
#: any ASCII punctuation; the rest (``.`` ``,`` ``(`` ``!`` …) is left alone, and so are ``_``
#: inside a word and ``:`` not followed by a letter (see ``_inert``), so that ordinary text
#: such as "5,46 %", "Teplice (2020)" or "distraint_share" reads the same in the source.
MARKDOWN_SPECIAL = frozenset("\\`*_~[]<>$:{}|#&")
#: Invisible, zero-width and never part of a word: breaks patterns that Streamlit's Markdown
#: renderer matches in the *decoded* text (after backslash escapes are gone), see :func:`md`.
WORD_JOINER = "\u2060"
#: Echoed URL values are cut to this many characters (a 10 kB parameter is not repeated).
ECHO_LIMIT = 60
ELLIPSIS = "…"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Patterns Streamlit's renderer rewrites in text nodes, i.e. *after* backslash escapes are
# decoded, so escaping alone does not stop them:
#   GFM literal autolinks ("http://…", "www.…", "a@b.cz") — remark-gfm's transform;
#   ":material_…:" icons, ":streamlit:" and emoji shortcodes — Streamlit's own plugins.
_AUTOLINK_SCHEME = re.compile(r"://")
_AUTOLINK_WWW = re.compile(r"(?i)(www)(?=\.)")
_AUTOLINK_EMAIL = re.compile(r"@(?=[\w-])")
_SHORTCODE = re.compile(r":(?=[A-Za-z0-9_+/-]+:)")
# Block markup only counts at the start of a line; values are single lines, so only there.
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")


class Markdown(str):
    """Text that is already safe to hand to a Markdown sink (escaped data, catalogue text).

    :func:`md` returns it unchanged, so escaping twice cannot show stray backslashes.
    """

    __slots__ = ()


def one_line(value: object) -> str:
    """``value`` as text on one line: newlines and other control characters become spaces."""
    return _CONTROL.sub(" ", str(value))


def shorten(text: str, limit: int | None) -> str:
    """``text`` cut to at most ``limit`` characters, ending in an ellipsis when cut."""
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def md(value: object, limit: int | None = None) -> Markdown:
    """``value`` as literal text inside Streamlit Markdown: nothing in it renders as markup.

    Newlines become spaces (no block structure can start mid-value), :data:`MARKDOWN_SPECIAL`
    characters and a list/quote/ordered-list marker at the start get a backslash: that stops
    links, images, emphasis, code, raw HTML, Streamlit's ``:color[…]`` directives and ``$…$``
    LaTeX. Why more than backslashes: Streamlit's renderer also rewrites the *decoded* text —
    GFM turns ``http://…``, ``www.…`` and e-mail addresses into live links, and
    ``:material/x:`` / ``:smile:`` into icons. An invisible word joiner inside those patterns
    keeps them plain text (and unclickable). ``limit`` cuts long values (with an ellipsis).
    """
    if isinstance(value, Markdown):
        return value
    text = shorten(one_line(value), limit)
    text = _AUTOLINK_SCHEME.sub(":" + WORD_JOINER + "//", text)
    text = _AUTOLINK_WWW.sub(r"\1" + WORD_JOINER, text)
    text = _AUTOLINK_EMAIL.sub("@" + WORD_JOINER, text)
    text = _SHORTCODE.sub(":" + WORD_JOINER, text)
    out = []
    for i, c in enumerate(text):
        if c in MARKDOWN_SPECIAL and not _inert(text, i):
            out.append("\\" + c)
        else:
            out.append(c)
    escaped = "".join(out)
    return Markdown(_LINE_START.sub(_escape_line_start, escaped, count=1))


def _inert(text: str, i: int) -> bool:
    """Whether the special character ``text[i]`` cannot open markup where it stands, so it
    may stay unescaped (keeps identifiers such as ``distraint_share`` readable)."""
    before, after = text[i - 1: i] if i else "", text[i + 1: i + 2]
    if text[i] == ":":  # opens a Streamlit directive (":red[…]", ":small") only before a letter
        return not (after.isascii() and after.isalpha())
    if text[i] == "_":  # CommonMark: "_" between two alphanumerics never opens or closes
        return before.isalnum() and after.isalnum()
    return False


def _escape_line_start(m: re.Match) -> str:
    """``- x``, ``+ x``, ``> x``, ``1. x`` at the start of a line: escape the marker."""
    marker = m.group(2)
    return m.group(1) + (marker[:-1] + "\\" + marker[-1] if marker[0].isdigit()
                         else "\\" + marker)


def html_text(value: object) -> str:
    """``value`` as text inside HTML (element content or a quoted attribute)."""
    return html.escape(str(value), quote=True)


def plot_text(value: object) -> str:
    """``value`` as literal text in a Plotly string.

    Plotly renders ``<a href>``, ``<b>``, ``<span style>`` … in titles, labels and hover
    text, and decodes ``&lt;`` ``&gt;`` ``&amp;`` back to characters, so HTML-escaping shows
    the text exactly while no tag from data survives.
    """
    return html.escape(str(value), quote=False)


def safe_url(value: object) -> str | None:
    """``value`` if it is an absolute http(s) URL with a host, else ``None``.

    A bundle's source links end up as clickable links; ``javascript:``, ``data:`` and other
    schemes must never do so.
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or _CONTROL.search(url) or " " in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def md_link(text: object, url: object) -> Markdown:
    """A Markdown link to ``url`` with literal ``text``; only the text if the URL is not
    http(s). The destination is percent-encoded so no character in it can end the link."""
    label = md(text)
    target = safe_url(url)
    if target is None:
        return label
    return Markdown(f"[{label}]({quote(target, safe=':/?#@!$&*+,;=%~-._')})")


_INLINE_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_IMAGE = re.compile(r"!\[")
_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)>?(\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^( {0,3}\[[^\]]+\]:\s*)(\S+)", re.MULTILINE)
_HTML_TAG = re.compile(r"<(?=[A-Za-z/!?])")


def md_document(text: str) -> Markdown:
    """A Markdown document from the bundle, kept as Markdown but without its risky parts.

    The methodology page shows the bundle's own notes (headings, lists, tables, links to
    sources). Images become their alt text (a remote image is a request to a third party on
    every view), links and link references keep only http(s) targets (never ``javascript:``),
    and raw HTML tags and ``<scheme:…>`` autolinks are escaped.
    """

    def link(m: re.Match) -> str:
        target = safe_url(m.group(1))
        return f"]({quote(target, safe=':/?#@!$&*+,;=%~-._')})" if target else "](#)"

    def reference(m: re.Match) -> str:
        target = safe_url(m.group(2))
        return m.group(1) + (quote(target, safe=":/?#@!$&*+,;=%~-._") if target else "#")

    out = _INLINE_IMAGE.sub(lambda m: md(m.group(1)), text)
    out = _IMAGE.sub(r"!\\[", out)
    out = _LINK.sub(link, out)
    out = _REFERENCE.sub(reference, out)
    out = _HTML_TAG.sub(r"\\<", out)
    return Markdown(out)
