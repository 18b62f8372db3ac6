"""Shared widgets and page furniture: pickers, source lines, CSV downloads, bundle guard,
links."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from hsou_dash import urls
from hsou_dash.config import NATIONAL_CODE
from hsou_dash.data.bundle import BundleError, describe_error, redact_paths
from hsou_dash.data.loaders import DATA_ERRORS, Bundle
from hsou_dash.domain import towns
from hsou_dash.domain.catalogue import Break, grouped_indicators, indicator_name
from hsou_dash.domain.regions import in_region
from hsou_dash.domain.sources import SourceInfo
from hsou_dash.escape import ECHO_LIMIT, md, md_link, safe_url
from hsou_dash.text import translator
from hsou_dash.ui import cache
from hsou_dash.ui.text import lang, t, t_plain, tr
from hsou_dash.viz import alt_text, charts, formatting, rank_table
from hsou_dash.viz import attribution as viz_attribution
from hsou_dash.viz.export import CZECH_EXCEL, STANDARD, csv_bytes, display_headers
from hsou_dash.viz.indicator_view import IndicatorView

PAGES = {
    "home": "pages/home.py",
    "map": "pages/map.py",
    "orp": "pages/orp.py",
    "town": "pages/town.py",
    "support": "pages/support.py",
    "compare": "pages/compare.py",
    "methodology": "pages/methodology.py",
}


#: Session key: a rerun to leave the old multipage mode was asked for, and app.py's frame has
#: not run since (:func:`frame_ran` clears it). Set, it means the flag did not stick.
_LEFT_LEGACY = "_left_legacy_mpa"


def frame_ran() -> None:
    """Called by app.py on every run: the navigation frame is in place."""
    st.session_state.pop(_LEFT_LEGACY, None)


def leave_legacy_multipage_mode() -> None:
    """Make sure the page runs inside app.py's ``st.navigation`` frame.

    Streamlit starts every server in its old multipage mode when a ``pages/`` folder exists
    (``PagesManager.uses_pages_directory``, a class attribute set by the process's first
    session), and only leaves it once ``st.navigation`` has run. So the very first visitor of a
    process arriving at a deep link (``/map?...``) would get the page script alone — no
    language switch, no menu, no footer. The page notices and reruns in navigation mode.

    Only that first session of a process pays for the rerun, and a served replica never does:
    ``deploy/serve.py`` runs app.py once through Streamlit's script health check before the
    replica takes visitors, which leaves the old mode for good (the documented way: "as soon as
    any session executes st.navigation, your app will ignore the pages/ directory").

    Checked against Streamlit 1.67.0 (``runtime/pages_manager.py``, ``_mpa_v1`` in
    ``runtime/scriptrunner/script_runner.py``, ``commands/navigation.py``): it has no public
    switch for this — ``client.showSidebarNavigation`` only hides the old menu, and the only
    other way out is a folder not named ``pages``. So this one function touches the private
    flag, defensively: if the module or the attribute moves, the page still renders in the
    frame Streamlit chose, and if clearing the flag ever stops working the page reruns once and
    then renders without the frame instead of looping: a second rerun is asked for only after
    the frame ran again (Streamlit's AppTest, for one, sets the flag anew on every run).
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager

        legacy = PagesManager.uses_pages_directory
    except (ImportError, AttributeError):
        return
    if not legacy or st.session_state.get(_LEFT_LEGACY):
        return
    st.session_state[_LEFT_LEGACY] = True
    PagesManager.uses_pages_directory = False
    st.rerun()


def bundle_or_stop() -> Bundle:
    """The loaded bundle, or a clear message (never a traceback) and the page stops.

    Every page calls this first, which also puts it in the app frame (see above) and, once
    per process, starts filling the caches of the default views in the background
    (``cache.start_warm_up``).
    """
    leave_legacy_multipage_mode()
    try:
        b = cache.get_bundle()
    except DATA_ERRORS as exc:
        bundle_problem(exc)
        st.stop()
        raise  # unreachable; st.stop raises
    cache.start_warm_up(str(b.root))
    return b


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


def mirrored(draw: Callable, key: str, *args: object, **kwargs: object) -> object:
    """Draw a widget that is drawn only sometimes (inside a lazily drawn expander) for the
    plain session value ``key``: the widget has its own key (``key.w``), starts from ``key``'s
    value and copies every change back. Streamlit forgets the value of a widget it did not
    draw, or brings back an older one; ``key`` itself is never a widget's, so it survives."""
    st.session_state[f"{key}.w"] = st.session_state[key]
    return draw(*args, key=f"{key}.w", on_change=_mirror, args=(key,), **kwargs)


def _mirror(key: str) -> None:
    st.session_state[key] = st.session_state[f"{key}.w"]


def region_name(b: Bundle, code: str) -> str:
    if code == NATIONAL_CODE:
        return t("common.czechia")
    names = dict(zip(b.kraje["kraj_code"], b.kraje["kraj_name"], strict=True))
    return names.get(code, code)


def region_select(b: Bundle, key: str) -> str:
    options = [*b.kraje["kraj_code"], NATIONAL_CODE]
    return place_select(t("common.region"), options, key=key,
                        format_func=lambda c: region_name(b, c))


def _resolve_place(key: str, options: list, format_func: Callable, multi: bool,
                   on_change: Callable | None) -> Callable[[], None]:
    """The ``on_change`` of a place picker: typed text (a "new option") becomes the best
    folded match among the options, or the previous choice with a "nothing found" note."""
    def resolve() -> None:
        known = set(options)
        labels = {o: format_func(o) for o in options if o is not None}
        value = st.session_state.get(key)
        typed = [v for v in (value if multi else [value]) if v is not None and v not in known]
        missed = []
        for text in typed:
            found = towns.rank_places(str(text), labels)
            if not found:
                missed.append(str(text))
            if multi:
                value = [v for v in value if v != text]
                if found and found[0] not in value:
                    value.append(found[0])
            else:
                value = found[0] if found else st.session_state.get(f"_prev.{key}")
        st.session_state[key] = value
        st.session_state[f"_prev.{key}"] = value
        if missed:
            st.session_state[f"_missed.{key}"] = missed
        if on_change is not None:
            on_change()
    return resolve


def place_select(label: str, options: list, key: str, format_func: Callable[[object], str],
                 *, multi: bool = False, container=None, on_change: Callable | None = None,
                 **kwargs):
    """A select box (or multiselect) of places — ORP, obec, kraj — where typing works without
    diacritics: Streamlit filters options in the browser by the displayed label as typed
    ("usti" never finds "Ústí"), so the typed text is accepted as a new option and matched here
    with the folding of the town search (exact and prefix matches first)."""
    box = container if container is not None else st
    options = list(options)
    known = set(options)

    def label_of(o: object) -> str:
        return format_func(o) if o in known else str(o)

    st.session_state.setdefault(f"_prev.{key}", st.session_state.get(key))
    widget = box.multiselect if multi else box.selectbox
    value = widget(label, options, key=key, format_func=label_of, accept_new_options=True,
                   on_change=_resolve_place(key, options, format_func, multi, on_change),
                   **kwargs)
    for text in st.session_state.pop(f"_missed.{key}", []):
        box.caption(t("common.no_place_match", query=md(text, limit=ECHO_LIMIT)))
    return value


def map_selection(b: Bundle, level: str, region_orp: pd.DataFrame,
                  obce: pd.DataFrame | None) -> None:
    """The map page's "selected ORP / municipality" picker (``map.orp`` / ``map.obec``, also
    set by a click on the map) and the link to the chosen place's profile."""
    if level == "obec" and obce is not None:
        names = dict(zip(obce["obec_code"], obce["obec_name"] + " (" + obce["orp_name"] + ")",
                         strict=True))
        chosen = place_select(t("obec_layer.selected"),
                              [None, *sorted(names, key=lambda c: towns.fold(names[c]))],
                              key="map.obec", placeholder=t("common.none"),
                              format_func=lambda c: names.get(c, t("common.none")))
        if chosen:
            page_link("town", t("town.open_profile", name=names[chosen]), obec=chosen)
        return
    chosen = place_select(t("map.selected"), [None, *region_orp["orp_code"]], key="map.orp",
                          placeholder=t("common.none"), format_func=lambda c: orp_label(b, c))
    if chosen:
        page_link("orp", t("common.open_profile", name=orp_label(b, chosen)), orp=chosen)


@functools.lru_cache(maxsize=8)
def _place_labels(root: str, language: str) -> dict[str, str]:
    """``orp:4213`` / ``obec:567507`` → "Teplice (ORP, Ústecký kraj)" / "Dubí (obec, ORP
    Teplice)", every ORP first (an ORP and its seat share the name: the district wins)."""
    b = cache.get_bundle()
    tr_ = translator(language)
    out = {f"orp:{r.orp_code}": tr_.plain("home.search_orp", name=r.orp_name, kraj=r.kraj_name)
           for r in b.orp.sort_values("orp_name").itertuples()}
    out |= {f"obec:{r.obec_code}": tr_.plain("home.search_obec", name=r.obec_name,
                                             orp=r.orp_name)
            for r in b.obce.sort_values("obec_name").itertuples()}
    return out


#: Matches listed under the home search when a query does not name one place.
SEARCH_LIMIT = 8
#: Longest query (the longest Czech place name with its ORP is ~60 characters).
SEARCH_MAX_CHARS = 100


def _place_kind(key: str) -> str:
    return key.split(":", 1)[0]


def _is_orp(key: str) -> bool:
    """A district: listed first among the places whose name starts with the query."""
    return _place_kind(key) == "orp"


def place_search(b: Bundle, key: str) -> None:
    """One field that opens the profile of any ORP or municipality: type a name, diacritics
    optional ("mastov"), press Enter. A query that names one place opens it at once (``lang``
    kept in its address); otherwise its best matches are listed as links.

    A text field, not a select box of all ~6,450 places: their labels made the home page's
    first message 229 KB and held back its map by ~0.18 s in the browser
    (``benchmarks/browser.py``), and the select box's own filter needed the diacritics."""
    labels = _place_labels(str(b.root), lang())

    def submitted() -> None:
        scored = towns.scored_places(st.session_state.get(key) or "", labels, _is_orp)
        target = towns.unique_place(scored, _place_kind)
        if target is not None:
            st.session_state[f"_go.{key}"] = target
            st.session_state[key] = ""  # coming back, the field is empty again

    query = st.text_input(t("home.search"), key=key, type="search", on_change=submitted,
                          max_chars=SEARCH_MAX_CHARS,
                          placeholder=t("home.search_placeholder"), help=t("home.search_help"))
    target = st.session_state.pop(f"_go.{key}", None)
    if target in labels:
        kind, code = str(target).split(":")
        st.switch_page(PAGES["orp" if kind == "orp" else "town"],
                       query_params=link_params(**{kind: code}))
    if not query:
        return
    found = towns.rank_places(query, labels, _is_orp)
    if not found:
        st.caption(t("home.search_none", query=md(query, limit=ECHO_LIMIT)))
        return
    st.caption(t("home.search_found", n=len(found)))
    for place in found[:SEARCH_LIMIT]:
        kind, code = place.split(":")
        page_link("orp" if kind == "orp" else "town", md(labels[place]), **{kind: code})
    if len(found) > SEARCH_LIMIT:
        st.caption(t("home.search_more", limit=SEARCH_LIMIT))


def profile_table(key: str, full: Callable[[], None], compact: str) -> None:
    """A profile's indicator table that shows its values at any width: on a phone the
    ``compact`` Markdown list (``viz.compact``) first, the ``full`` table below it for the
    details (sources, dates; it scrolls sideways in its own box); on a wider screen the table
    alone (``page_frame`` CSS shows the ``narrow_`` container on phones only). The table is
    drawn once, so a page has one table element per table."""
    with st.container(key=f"narrow_{key}"):
        st.markdown(compact)
        st.caption(t("frame.full_table"))
    full()


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
    """The ČÚZK boundary line under a map, with the date of the boundaries installed."""
    st.caption(md(viz_attribution.boundaries(cache.get_bundle(), tr())))


def table_map_alt(table: pd.DataFrame, title: str, area: str) -> None:
    """:func:`map_alt` of an indicator map, from its rank table (highest, lowest, no data)."""
    map_alt(alt_text.for_table(table, title=title, area=area, tr=tr()))


def hsou_map_alt(b: Bundle, region: str) -> None:
    """:func:`map_alt` of the HSOÚ status map of ``region`` (a kraj or all of Czechia)."""
    orp = in_region(b.orp, region)
    orp = orp.sort_values("orp_name")
    map_alt(alt_text.hsou_status(orp["orp_name"], orp["is_hsou"].astype(bool),
                                 area=region_name(b, region), tr=tr()))


def map_alt(text: str, container=None) -> None:
    """The text alternative of the map above (:mod:`hsou_dash.viz.alt_text`), as a caption:
    what a sighted reader takes from the map, for screen readers and everyone else."""
    (container if container is not None else st).caption(f"{t('alt.label')}: {md(text)}")


def ranking(view: IndicatorView, caption: str, selected: str | None) -> None:
    """The map's ranking table (:mod:`hsou_dash.viz.rank_table`), the chosen territory
    highlighted."""
    code = "obec_code" if view.level == "obec" else "orp_code"
    st.html(rank_table.html(view.table, view.columns, caption=caption, lang=lang(),
                            no_data=t_plain("common.no_data"), code=code, selected=selected))


def link_params(**params: object) -> dict[str, str]:
    """Query parameters for a link to another page, carrying the language along."""
    return urls.link_params(lang(), **params)


def page_link(page: str, label: str, **params: object) -> None:
    st.page_link(PAGES[page], label=label, query_params=link_params(**params))


def number_column(label: str, decimals: int = 0, help: str | None = None):
    """A sortable number column with ``decimals`` fixed decimals in the reader's locale.

    Streamlit's ``"localized"`` format is ``Intl.NumberFormat`` of the browser's languages with
    minimum = maximum fraction digits taken from ``step``: a Czech browser shows "5,46" and
    "12 345", sorting stays numeric (a pre-formatted text column would sort "10,2" before
    "9,1"), and the column never mixes 5.1 and 5.12. A printf format would force a decimal
    point on Czech readers.
    """
    step = 1 if decimals <= 0 else 10 ** -decimals
    return st.column_config.NumberColumn(label, format="localized", step=step, help=help)


def column(label: str, kind: str, decimals: int | None = None):
    """Column config for a table column of ``kind`` rank / count / number / year / text;
    ``decimals`` fixes the decimals of a ``number`` column (the indicator's)."""
    if kind in ("rank", "year"):
        return st.column_config.NumberColumn(label, format="%d")
    if kind == "count":
        return number_column(label, 0)
    if kind == "number":
        return number_column(label, 2 if decimals is None else decimals)
    return st.column_config.TextColumn(label)


def csv_downloads(df: pd.DataFrame | Callable[[], pd.DataFrame], file_stem: str, key: str,
                  headers: Mapping[str, str] | None = None, *,
                  float_format: str | None = None) -> None:
    """Two download buttons for one table: a CSV for a Czech Excel (``;``, decimal comma,
    column labels in the page's language: ``export.display_headers`` of the machine names,
    overridden by ``headers``) and a machine-readable CSV (``,``, decimal point, the frame's
    stable column names). Both are formula-neutralised (``export``).

    ``df`` may be a function that builds the frame: it then runs only when clicked (large
    downloads). ``file_stem`` is the file name without ``.csv`` (a trailing ``.csv`` is
    dropped); the Excel file gets ``_excel`` appended. ``key`` must be unique on the page.
    """
    stem = file_stem[:-4] if file_stem.lower().endswith(".csv") else file_stem

    def data(fmt):
        def build(frame: pd.DataFrame) -> bytes:
            labels = display_headers(frame.columns, lang(), headers)
            return csv_bytes(frame, fmt=fmt, float_format=float_format, headers=labels)
        if callable(df):
            return lambda: build(df())
        return build(df)

    with st.container(horizontal=True, gap="small"):
        st.download_button(t("csv.excel"), data(CZECH_EXCEL), file_name=f"{stem}_excel.csv",
                           mime="text/csv", key=f"{key}.excel", on_click="ignore",
                           help=t("csv.excel_help"), icon=":material/download:")
        st.download_button(t("csv.machine"), data(STANDARD), file_name=f"{stem}.csv",
                           mime="text/csv", key=f"{key}.csv", on_click="ignore",
                           help=t("csv.machine_help"), icon=":material/download:")


def source_note(info: SourceInfo | None, *, key: str, text: str | None = None,
                container=None) -> None:
    """The source line of a figure ("Zdroj: ČSÚ – …; k 31. 12. 2020") with "how we obtained
    the data" (repository paths, URLs) one click away in a popover.

    ``text`` overrides the line (e.g. several indicators joined); ``info`` supplies the
    retrieval paths. Everything from the bundle is escaped (``md``, ``md_link``).
    """
    box = container if container is not None else st
    line = text if text is not None else (formatting.source_text(info, lang()) if info else "")
    box.caption(md(line))
    if info is not None:
        retrieval_popover([("", info)], key=key, container=box)


def retrieval_popover(items: list[tuple[str, SourceInfo]], *, key: str, container=None) -> None:
    """"Jak jsme data získali": per figure (``label``), the repository paths and URLs the
    bundle took the data from — one click away from the source lines, never in them."""
    box = container if container is not None else st
    lines = []
    for label, info in items:
        paths = [md_link(p, p) if safe_url(p) else md(p) for p in formatting.retrieval(info)]
        if not paths:
            continue
        if label:
            lines.append(f"- **{md(label)}**")
            lines += [f"    - {p}" for p in paths]
        else:
            lines += [f"- {p}" for p in paths]
    if not lines:
        return
    with box.popover(t("trust.how_obtained"), key=f"{key}.how", icon=":material/database:"):
        st.markdown("\n".join(lines))


def notes_box(notes: list[Break], title: str | None = None, container=None) -> None:
    """Breaks and caveats of the values shown, in one warning box ("K roku 2021: …").

    Texts are catalogue text translated with the note's year (``{year}``)."""
    if not notes:
        return
    box = container if container is not None else st
    lines = [f"- {t(n.text_key, year=n.year)}" for n in notes]
    head = [title] if title else []
    box.warning("\n".join([*head, *lines]), icon=":material/warning:")


def source_caption(info: SourceInfo) -> str:
    """The source line as plain text (for ``help`` of a metric: escape with ``md``)."""
    return formatting.source_text(info, lang())


def plain(key: str, **fields: object) -> str:
    """:func:`t_plain` re-exported for pages that build CSV headers."""
    return t_plain(key, **fields)


def chart(fig, *, key: str) -> None:
    """A Plotly chart across the column whose camera button saves a 2× PNG named after
    ``key`` (the figure carries its own source line, so the picture keeps it)."""
    st.plotly_chart(fig, width="stretch", key=key, config=charts.image_config(key))
