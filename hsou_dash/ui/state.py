"""URL query parameters ↔ widget state, so that a copied link reopens the same view.

Each page reads its parameters on load, seeds its widgets from them (only when the URL is new
to the page — otherwise the widgets already hold the user's latest choice), and writes the
canonical parameters back as soon as its widgets ran — before the slow parts of the page, so the
address changes together with the heading. Unknown values turn into notices, shown once.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

import streamlit as st

from hsou_dash.escape import ECHO_LIMIT, md
from hsou_dash.ui.text import lang, t
from hsou_dash.urls import Notice, link_params


def _current() -> dict[str, str]:
    return {k: st.query_params.get(k) for k in st.query_params.keys()}


#: Seconds during which an address this page replaced may still come back from the browser.
#: Each rerun carries the browser's address as it is at that moment, and the address written by
#: the previous rerun may not have reached the browser yet. A rerun caused by one of the page's
#: own widgets never follows the address it carries (see :func:`remember_widgets`); this window
#: covers the other reruns (``st.rerun``, a reconnect) that come right after a change. It is
#: short, so that a link back to a view seen a moment ago (Mašťov → Štětí → Mašťov) is
#: followed. The clock starts when an address is *replaced*, not when it was written.
ECHO_SECONDS = 1.5


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # arrays and frames have no single truth value
        return a is b


def remember_widgets(page: str | None) -> None:
    """At the end of a run: the values of ``page``'s widgets (keys ``"<page>.…"``).

    The next run compares them with what the browser sends. A difference means a person
    moved one of the page's widgets (or clicked its map): that rerun's address is whatever the
    browser showed at that moment — possibly an address the page has already replaced, on a
    slow server seconds old — and must not be followed, however late it arrives. No
    difference means the rerun came from a link, a reload or navigation: its address is
    followed. (Measured: on a loaded machine the canonical address reached the browser ~4 s
    after the run that wrote it; a slider moved meanwhile jumped back before this check.)
    """
    if page is None:
        return
    prefix = f"{page}."
    st.session_state[f"_widgets.{page}"] = {
        k: v for k, v in st.session_state.items() if isinstance(k, str) and k.startswith(prefix)}


def _widget_moved(page: str) -> bool:
    """Whether a widget of ``page`` changed since the end of the last complete run."""
    before = st.session_state.get(f"_widgets.{page}")
    if before is None:
        return False
    return any(k in st.session_state and not _same(st.session_state[k], v)
               for k, v in before.items())


def read(page: str) -> tuple[dict[str, str], bool]:
    """The URL's parameters and whether they are new to ``page`` (so widgets must follow them)."""
    params = _current()
    now = time.monotonic()
    echo = any(params == p and now - replaced_at < ECHO_SECONDS
               for p, replaced_at in st.session_state.get(f"_url_recent.{page}", []))
    fresh = (st.session_state.get(f"_url.{page}") != params and not echo
             and not _widget_moved(page))
    if fresh:
        # The address followed now is one the browser may keep sending until the canonical
        # one written by :func:`write` arrives (a bare ``/methodology`` before it becomes
        # ``?method=…&cutoff=25``): remember it, so that it counts as an echo once replaced.
        # Not as the address last written: :func:`write` must still write a followed link.
        st.session_state[f"_url_followed.{page}"] = params
    return params, fresh


def seed(values: Mapping[str, Any], fresh: bool) -> None:
    """Put URL-derived values into widget state before the widgets are drawn."""
    for key, value in values.items():
        if fresh or key not in st.session_state:
            st.session_state[key] = value


def keep_valid(key: str, options: Iterable[Any], fallback: Any) -> None:
    """Reset a widget's state when its options changed underneath it (e.g. another region)."""
    if st.session_state.get(key) not in list(options):
        st.session_state[key] = fallback


def write(page: str, params: Mapping[str, Any]) -> None:
    """Make the URL show exactly ``params`` (plus ``lang`` when not Czech)."""
    clean = link_params(lang(), **params)
    # Also when the server already holds these parameters but the page last wrote others: a
    # page link to the same page with new parameters reruns with them, yet the browser's
    # address bar shows them only once they are written back.
    if _current() != clean or st.session_state.get(f"_url.{page}") != clean:
        st.query_params.from_dict(clean)
    replaced = [p for p in (st.session_state.get(f"_url.{page}"),
                            st.session_state.pop(f"_url_followed.{page}", None))
                if p is not None and p != clean]
    if replaced:
        now = time.monotonic()
        recent = st.session_state.get(f"_url_recent.{page}", [])[-6:]
        st.session_state[f"_url_recent.{page}"] = [*recent, *((p, now) for p in replaced)]
    st.session_state[f"_url.{page}"] = clean


#: At most this many notices per page load; a link with hundreds of bad values (``orps=…``,
#: ``inputs=…``) must not fill the screen.
MAX_NOTICES = 8


def show_notices(notices: list[Notice], fresh: bool) -> None:
    """Explain, once, what in the URL was not understood.

    The values echoed come from whoever wrote the link: each is escaped for Markdown (it shows
    as typed, never as a link or image) and cut to :data:`~hsou_dash.escape.ECHO_LIMIT`
    characters. Repeated notices are shown once, and no more than :data:`MAX_NOTICES`.
    """
    if not fresh:
        return
    unique = list(dict.fromkeys((key, tuple(fields.items())) for key, fields in notices))
    for key, fields in unique[:MAX_NOTICES]:
        st.info(t(key, **{k: md(v, limit=ECHO_LIMIT) for k, v in fields}),
                icon=":material/info:")
    if len(unique) > MAX_NOTICES:
        st.info(t("notice.more", n=len(unique) - MAX_NOTICES), icon=":material/info:")
