"""Shared widgets and page furniture: pickers, source lines, bundle guard, links."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from hsou_dash.config import NATIONAL_CODE
from hsou_dash.data.bundle import BundleError, describe_error, redact_paths
from hsou_dash.data.loaders import DATA_ERRORS, Bundle
from hsou_dash.domain.catalogue import grouped_indicators, indicator_name
from hsou_dash.text import DEFAULT_LANG
from hsou_dash.ui import cache
from hsou_dash.ui.text import lang, t

PAGES = {
    "home": "pages/home.py",
    "map": "pages/map.py",
    "orp": "pages/orp.py",
    "town": "pages/town.py",
    "support": "pages/support.py",
    "compare": "pages/compare.py",
    "methodology": "pages/methodology.py",
}


def leave_legacy_multipage_mode() -> None:
    """Make sure the page runs inside app.py's ``st.navigation`` frame.

    Streamlit starts every server in its old multipage mode when a ``pages/`` folder exists, and
    only leaves it once ``st.navigation`` has run. So the very first visitor arriving at a deep
    link (``/map?...``) would get the page script alone — no language switch, no menu, no footer.
    The page notices and reruns in navigation mode.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def bundle_or_stop() -> Bundle:
    """The loaded bundle, or a clear message (never a traceback) and the page stops.

    Every page calls this first, which also puts it in the app frame (see above).
    """
    leave_legacy_multipage_mode()
    try:
        return cache.get_bundle()
    except DATA_ERRORS as exc:
        bundle_problem(exc)
        st.stop()
        raise  # unreachable; st.stop raises


def bundle_problem(exc: BaseException) -> None:
    """The bundle message for a data file that is missing, unreadable or broken.

    The details name files relative to the bundle: server paths and tracebacks stay in the
    server log, not on a public page.
    """
    st.error(t("app.bundle_missing"))
    lines = ([str(p) for p in exc.problems[:50]] if isinstance(exc, BundleError)
             else [describe_error(exc)])
    with st.expander(t("app.bundle_problems")):
        st.code("\n".join(redact_paths(line) for line in lines))


def region_name(b: Bundle, code: str) -> str:
    if code == NATIONAL_CODE:
        return t("common.czechia")
    names = dict(zip(b.kraje["kraj_code"], b.kraje["kraj_name"], strict=True))
    return names.get(code, code)


def region_select(b: Bundle, key: str) -> str:
    options = [*b.kraje["kraj_code"], NATIONAL_CODE]
    return st.selectbox(t("common.region"), options, key=key,
                        format_func=lambda c: region_name(b, c))


def indicator_options(b: Bundle, values: pd.DataFrame) -> list[str]:
    available = set(values.loc[values["value"].notna(), "indicator_id"])
    return [i for _, i in grouped_indicators(b.catalog, available)]


def indicator_select(b: Bundle, key: str, options: list[str]) -> str:
    themes = dict((i, th) for th, i in grouped_indicators(b.catalog, set(options)))
    return st.selectbox(
        t("common.indicator"), options, key=key,
        format_func=lambda i: f"{t('theme.' + themes.get(i, 'other'))} · "
                              f"{indicator_name(b.catalog, i, lang())}",
    )


def orp_label(b: Bundle, code: str | None, with_kraj: bool = False) -> str:
    if code is None:
        return t("common.none")
    return cache.orp_labels(str(b.root), with_kraj)[code]


def attribution() -> None:
    st.caption(t("common.attribution"))


def link_params(**params: object) -> dict[str, str]:
    """Query parameters for a link to another page, carrying the language along."""
    out = {k: str(v) for k, v in params.items() if v is not None}
    if lang() != DEFAULT_LANG:
        out["lang"] = lang()
    return out


def page_link(page: str, label: str, **params: object) -> None:
    st.page_link(PAGES[page], label=label, query_params=link_params(**params))


def column(label: str, kind: str):
    """Column config for a table column of ``kind`` rank / count / number / text."""
    formats = {"rank": "%d", "count": "localized", "number": "localized"}
    if kind in formats:
        return st.column_config.NumberColumn(label, format=formats[kind])
    return st.column_config.TextColumn(label)
