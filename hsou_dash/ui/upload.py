""""Nahrát vlastní ukazatel": a user's own indicator, in their session only.

The uploads live in ``st.session_state`` and nowhere else: never in the data directory, never
in a process-wide cache (``ui/cache.py`` caches are keyed by the bundle folder and read the
shared bundle, so nothing of the user's can reach them), never in the URL (the address carries
only the session id ``user:1``; a link opened in another session gets a notice and the default
view). Pages use a few calls:

* :func:`panel` — the uploader in an expander (templates, file, options, the list with
  "remove" buttons); returns the session's indicators;
* :func:`session_bundle` — the bundle with them merged into copies of its tables;
* :func:`check_link` — drops a ``user:…`` parameter this session does not have, with a notice;
* :func:`map_view` — the /map view, from the shared cache or, for a user indicator, built
  for this session and kept in it;
* :func:`profile_section` — the user indicators of one ORP or obec against kraj and Czechia.

Tests put a parsed upload into a session with :func:`add` (the same path the button takes).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from hsou_dash.config import NATIONAL_CODE
from hsou_dash.data.loaders import Bundle
from hsou_dash.data.upload import AGGREGATIONS, MAX_BYTES, Options, ParsedUpload, parse_upload
from hsou_dash.domain import user_indicator as ui
from hsou_dash.domain.catalogue import years_of
from hsou_dash.domain.towns import ObecLayer
from hsou_dash.domain.user_indicator import UserIndicator, is_user_id
from hsou_dash.escape import md
from hsou_dash.text import translate_plain
from hsou_dash.ui import cache
from hsou_dash.ui.text import lang, t, t_plain
from hsou_dash.viz import compare_view as cv
from hsou_dash.viz import formatting
from hsou_dash.viz.compare_view import ComparisonView
from hsou_dash.viz.export import CZECH_EXCEL, csv_bytes

#: Session keys (not widget keys: they must survive runs of pages that draw no uploader).
STORE = "_user_indicators"
_BUNDLE = "_user_bundle"
_VIEW = "_user_map_view"
_PROBLEMS = "_user_upload_problems"
_OBEC_VALUES = "_user_obec_values"
#: /map's widgets an obec-level upload sets when added there (region, level, indicator).
MAP_KEYS = ("map.region", "map.level", "map.indicator")


def user_indicators() -> list[UserIndicator]:
    """This session's own indicators, oldest first."""
    return list(st.session_state.get(STORE, []))


def add(upload: ParsedUpload) -> UserIndicator:
    """Keep a valid upload in this session under the next free id (``user:1`` …)."""
    current = user_indicators()
    ind = UserIndicator(ui.next_id(i.indicator_id for i in current), upload)
    st.session_state[STORE] = [*current, ind]
    return ind


def remove(indicator_id: str | None = None) -> None:
    """Forget one indicator, or all of them (``None``), with everything derived from them."""
    keep = [] if indicator_id is None else [i for i in user_indicators()
                                            if i.indicator_id != indicator_id]
    st.session_state[STORE] = keep
    for key in (_BUNDLE, _VIEW, _OBEC_VALUES):
        st.session_state.pop(key, None)


def label(language: str, name: str) -> str:
    """"Vlastní: <name>" — a user indicator is never mistaken for an official one."""
    return translate_plain(language, "upload.label", name=name)


def session_bundle(b: Bundle) -> Bundle:
    """``b`` with this session's indicators merged into copies of its catalogue and values
    (``b`` itself when there are none); built once per change and kept in the session."""
    inds = user_indicators()
    if not inds:
        return b
    return _kept(_BUNDLE, (str(b.root), tuple(i.indicator_id for i in inds)),
                 lambda: ui.session_bundle(b, inds, label))


def _kept(slot: str, key: tuple, build: Callable[[], Any]) -> Any:
    """``build()``, kept in the session under ``slot`` until ``key`` changes: the session's
    copies of shared tables are made once per change of its indicators, not on every rerun
    (and never in a shared cache, which another session could read)."""
    kept = st.session_state.get(slot)
    if kept is None or kept[0] != key:
        kept = (key, build())
        st.session_state[slot] = kept
    return kept[1]


def options(base: list[str], *levels: str) -> list[str]:
    """A page's indicator options plus this session's indicators at ``levels`` (ORP only
    unless told: /compare and the profiles compare ORP)."""
    return [*base, *(i.indicator_id for i in user_indicators() if i.level in (levels or ["orp"]))]


def check_link(params: dict[str, str], fresh: bool, *names: str) -> dict[str, str]:
    """``params`` without a ``user:…`` value this session does not have (a link shared from
    another session): one clear notice instead of "unknown indicator", then the default."""
    mine = {i.indicator_id for i in user_indicators()}
    foreign = [n for n in (names or ("indicator",))
               if is_user_id(params.get(n)) and params.get(n) not in mine]
    if foreign and fresh:
        st.info(t("upload.foreign_link"), icon=":material/info:")
    return {k: v for k, v in params.items() if k not in foreign}


# --- the uploader -----------------------------------------------------------------------------

def _problem_text(p) -> str:
    fields = {k: md(v, limit=60) for k, v in p.fields}
    where = ""
    if p.row is not None and p.column is not None:
        where = t("upload.problem.at", row=p.row, column=md(p.column, limit=40))
    elif p.column is not None:
        where = t("upload.problem.at_column", column=md(p.column, limit=40))
    return where + t(p.key, **fields)


def _add_clicked(b: Bundle, key: str, select_key: str | None, on_map: bool) -> None:
    """Parse the chosen file with the options; a valid one joins the session (and is
    selected), an invalid one leaves everything as it was and lists its problems."""
    st.session_state.pop(_PROBLEMS, None)
    file = st.session_state.get(f"{key}.file")
    if file is None:
        st.session_state[_PROBLEMS] = ([t("upload.no_file")], [], 0)
        return
    state = st.session_state
    opts = Options(year=state.get(f"{key}.year"), name=state.get(f"{key}.name") or "",
                   unit=state.get(f"{key}.unit") or "", source=state.get(f"{key}.source") or "",
                   aggregation=state.get(f"{key}.agg") or "none",
                   scale=float(state.get(f"{key}.scale") or 1))
    result = parse_upload(file.getvalue(), file.name, ui.territories(b), opts)
    notes = [t(n.key, **dict(n.fields)) for n in result.notes]
    if result.upload is None:
        state[_PROBLEMS] = ([_problem_text(p) for p in result.problems], notes, result.more)
        return
    ind = add(result.upload)
    level = t_plain(f"upload.level_{ind.level}")
    state[_PROBLEMS] = ([], [*notes, t("upload.added", name=result.upload.name,
                                       n=int(result.upload.values["value"].notna().sum()),
                                       level=level)], 0)
    if select_key and ind.level == "orp":
        state[select_key] = ind.indicator_id
    elif on_map:
        _show_obce(b, ind)


def _show_obce(b: Bundle, ind: UserIndicator) -> None:
    """Select a new obec-level upload on /map: by municipality, in a kraj where it has values
    and the map has municipal boundaries (the current kraj when it is one of them)."""
    region_key, level_key, indicator_key = MAP_KEYS
    drawable = cache.obec_regions(str(b.root))
    kraje = [k for k in ui.kraje_of(ind, b) if k in drawable]
    if not kraje:
        return  # no municipal boundaries for it: the profile shows it, the map cannot
    if st.session_state.get(region_key) not in kraje:
        st.session_state[region_key] = kraje[0]
    st.session_state[level_key] = "obec"
    st.session_state[indicator_key] = ind.indicator_id


def _templates(b: Bundle, region: str | None, key: str) -> None:
    """The ORP template and, for a kraj, its obce: codes and names, an empty value column
    (formula-safe CSV for a Czech Excel)."""
    orp = b.orp[["orp_code", "orp_name"]].assign(value="")
    with st.container(horizontal=True, gap="small"):
        st.download_button(t("upload.template_orp"), csv_bytes(orp, fmt=CZECH_EXCEL),
                           file_name=f"{t_plain('upload.template_file_orp')}.csv",
                           mime="text/csv", key=f"{key}.tpl_orp", on_click="ignore",
                           icon=":material/download:")
        if region and region != NATIONAL_CODE:
            obce = b.obce.loc[b.obce["kraj_code"] == region,
                              ["obec_code", "obec_name", "orp_name"]].assign(value="")
            st.download_button(t("upload.template_obce"), csv_bytes(obce, fmt=CZECH_EXCEL),
                               file_name=f"{t_plain('upload.template_file_obce', region=region)}"
                                         ".csv",
                               mime="text/csv", key=f"{key}.tpl_obce", on_click="ignore",
                               icon=":material/download:")


def _options_form(key: str) -> None:
    c1, c2, c3 = st.columns(3)
    c1.number_input(t("upload.year"), min_value=1900, max_value=2100, value=None, step=1,
                    key=f"{key}.year")
    c2.text_input(t("upload.name"), key=f"{key}.name", max_chars=200)
    c3.text_input(t("upload.unit"), key=f"{key}.unit", max_chars=40)
    st.text_input(t("upload.source"), key=f"{key}.source", max_chars=300)
    a1, a2 = st.columns([3, 1])
    agg = a1.radio(t("upload.aggregation"), AGGREGATIONS, key=f"{key}.agg", horizontal=True,
                   format_func=lambda v: t_plain(f"upload.agg_{v}"),
                   help=t("upload.aggregation_help"))
    if agg == "ratio":
        a2.selectbox(t("upload.scale"), [1, 100, 1000, 100_000], index=1, key=f"{key}.scale")


def _listing(key: str) -> None:
    inds = user_indicators()
    if not inds:
        return
    st.markdown(f"**{t('upload.loaded')}**")
    for ind in inds:
        row = st.columns([5, 1], vertical_alignment="center")
        years = ", ".join(str(y) for y in sorted(ind.years))
        row[0].markdown(f"{md(label(lang(), ind.upload.name))} · " + t(
            "upload.where", level=t_plain(f"upload.level_{ind.level}"), years=years))
        row[1].button(t("upload.remove"), key=f"{key}.rm.{ind.indicator_id}",
                      on_click=remove, args=(ind.indicator_id,), icon=":material/delete:")
    st.button(t("upload.remove_all"), key=f"{key}.rm_all", on_click=remove,
              icon=":material/delete_sweep:")


def panel(b: Bundle, *, key: str, select_key: str | None = None,
          region: str | None = None, on_map: bool = False) -> list[UserIndicator]:
    """The uploader behind a switch; ``select_key`` is the page's indicator picker, which
    switches to a newly added ORP-level indicator; ``on_map``: /map, which also switches to
    a new obec-level one (see :data:`MAP_KEYS`). Returns the session's indicators.

    A switch, not an expander: a closed expander's content is still sent and drawn, and the
    file uploader, number and text inputs each make the browser fetch their own script
    chunks — ~160 KB (15 requests) more on every first visit of /map, although few
    visitors upload anything. Behind the switch nothing of it exists until asked for.
    """
    found = st.session_state.get(_PROBLEMS)
    if found and found[0] and not st.session_state.get(f"{key}.open"):
        st.session_state[f"{key}.open"] = True  # problems to read: keep the panel open
    if not st.toggle(f":material/upload_file: {t('upload.title')}", key=f"{key}.open"):
        return user_indicators()
    with st.container(border=True):
        st.caption(t("upload.intro"))
        st.caption(t("upload.session_only"))
        st.caption(t("upload.where_shown"))
        _templates(b, region, key)
        st.file_uploader(t("upload.file"), type=["csv", "xlsx"], key=f"{key}.file",
                         max_upload_size=MAX_BYTES // (1024 * 1024))
        _options_form(key)
        st.button(t("upload.add"), key=f"{key}.add", type="primary",
                  on_click=_add_clicked, args=(b, key, select_key, on_map), icon=":material/add:")
        if found:
            problems, notes, more = found
            for note in notes:
                st.success(note, icon=":material/check:")
            if problems:
                st.error("\n".join([t("upload.problems"), *(f"- {p}" for p in problems)]
                                   + ([t("upload.more_problems", n=more)] if more else [])),
                         icon=":material/error:")
        _listing(key)
    return user_indicators()


# --- views ------------------------------------------------------------------------------------

def _find(indicator_id: str) -> UserIndicator | None:
    return next((i for i in user_indicators() if i.indicator_id == indicator_id), None)


def source_line(ind: UserIndicator, years: list[int]) -> str:
    """"Zdroj: <the user's source> (vlastní data …); za rok 2024" (plain text: ``md`` it)."""
    return t_plain("upload.source_line", source=ind.upload.source or t_plain("upload.no_source"),
                   when=formatting.ref_phrase([str(y) for y in years], lang()))


def map_layer(b: Bundle, layer: ObecLayer) -> ObecLayer:
    """``layer`` (where /map can draw municipalities) plus this session's obec-level
    indicators, their rows added to a session copy of a kraj's values; ``layer`` itself when
    the session has none. The shared layer and its cached values stay untouched."""
    ids = frozenset(i.indicator_id for i in user_indicators() if i.level == "obec")
    if not ids:
        return layer
    return dataclasses.replace(layer, indicators=layer.indicators | ids,
                               values=lambda kraj: _kraj_values(b, layer.values, kraj))


def _kraj_values(b: Bundle, shared: Callable[[str], pd.DataFrame], kraj: str) -> pd.DataFrame:
    """A kraj's obec values with this session's obec rows there (kept for the next rerun)."""
    inds = [i for i in user_indicators() if i.level == "obec"]
    return _kept(_OBEC_VALUES, (str(b.root), tuple(i.indicator_id for i in inds), kraj),
                 lambda: ui.kraj_values(b, inds, shared(kraj), kraj))


def map_levels(indicator: str, can_obec: bool) -> list[str]:
    """The levels /map offers for ``indicator``, the default first: an obec-level upload
    only by municipality (:func:`map_values` says so when the region cannot show it)."""
    ind = _find(indicator) if is_user_id(indicator) else None
    if ind is not None and ind.level == "obec":
        return ["obec"]
    return ["orp", "obec"] if can_obec else ["orp"]


def map_values(b: Bundle, layer: ObecLayer, level: str, region: str, indicator: str
               ) -> tuple[str, pd.DataFrame, list[int]]:
    """The level, values and years /map shows ``indicator`` with. A kraj without municipal
    values of a bundle indicator: ORP instead. A user's obec-level indicator where it has no
    values (Czechia, Praha, a kraj it has no obce in): a notice, the uploader (to remove it or
    add another) and the page stops there — never a map without years."""
    drawable = level != "obec" or region in layer.regions
    values = (layer.values(region) if level == "obec" else b.orp_values) if drawable else None
    years = years_of(values, indicator) if values is not None else []
    if not years and level == "obec" and map_levels(indicator, False) == ["orp"]:
        level, values = "orp", b.orp_values
        years = years_of(values, indicator)
    if years:
        return level, values, years
    ind = _find(indicator)
    kraje = [k for k in ui.kraje_of(ind, b) if k in layer.regions] if ind is not None else []
    names = b.kraje.set_index("kraj_code")["kraj_name"].reindex(kraje).dropna()
    st.info(t("upload.obec_pick_kraj", kraje=", ".join(names)) if len(names)
            else t("upload.obec_no_layer"), icon=":material/info:")
    panel(b, key="map.upload", select_key=MAP_KEYS[2], region=region, on_map=True)
    st.stop()


def map_view(b: Bundle, level: str, region: str, indicator: str, year: int, scheme: str, k: int,
             tiles: str, hsou: bool, selected: str | None, language: str,
             height: int, look: Any = None) -> tuple[Any, dict[str, Any]]:
    """The /map view: the shared cached one for a bundle indicator; for this session's own,
    built from ``b`` (:func:`session_bundle`) and kept in the session for the next rerun.
    ``look``: presenter mode / contrast (``maps.Look``; ``None``: the everyday map)."""
    extra = {} if look is None else {"look": look}
    root = str(b.root)
    args = (level, region, indicator, int(year), scheme, int(k), tiles, bool(hsou), selected,
            language, height)
    ind = _find(indicator) if is_user_id(indicator) else None
    if ind is None:
        return cache.map_view(root, *args, **extra)
    key = (root, tuple(i.indicator_id for i in user_indicators()), args, look)
    kept = st.session_state.get(_VIEW)
    if kept is None or kept[0] != key:
        if level == "obec":  # the kraj's shared obec values + this session's rows
            extra["obec_values"] = _kraj_values(
                b, lambda kraj: cache.kraj_obec_values(root, kraj), region)
        view, component = cache.build_map_view(b, root, *args, **extra)
        view = dataclasses.replace(view, map=None, source=source_line(ind, [int(year)]))
        kept = (key, (view, component))
        st.session_state[_VIEW] = kept
    return kept[1]


def _total_text(total: ui.Total, value_of) -> str:
    if total.value == total.value:  # not NaN
        return value_of(total.value)
    if total.missing:
        return t_plain("upload.total_missing", n=total.missing, m=total.members)
    return t_plain("upload.total_not_declared")


def totals_caption(b: Bundle, indicator: str, region: str, region_name: str, year: int) -> None:
    """The kraj and Czechia value of an ORP-level user indicator under the map — a sum or a
    ratio when declared and complete, else why there is none."""
    ind = _find(indicator)
    if ind is None or ind.level != "orp":
        return
    everyone = b.orp["orp_code"].tolist()
    members = everyone if region == NATIONAL_CODE else \
        b.orp.loc[b.orp["kraj_code"] == region, "orp_code"].tolist()

    def value_of(v: float) -> str:
        return formatting.indicator_value(v, indicator, ind.upload.unit, lang(), "")
    cz = _total_text(ui.total(ind, everyone, year), value_of)
    reg = _total_text(ui.total(ind, members, year), value_of)
    st.caption(t("upload.total_line", region=region_name, value=reg, cz=cz))


def comparison(b: Bundle, view: ComparisonView) -> ComparisonView:
    """The side-by-side table (``view``, shared and cached) plus this session's ORP-level
    indicators, newest year, labelled as the user's, with the user's source line and a
    Czechia value only when declared and complete (see :func:`ui.total`)."""
    no_data = t_plain("common.no_data")
    rows = []
    for ind in user_indicators():
        if ind.level != "orp" or not ind.years:
            continue
        year = ind.years[0]
        v = ind.upload.values
        vals = v[(v["year"] == year) & v["value"].notna()].set_index("code")["value"]

        def value_of(x: float, ind=ind) -> str:
            return formatting.indicator_value(x, ind.indicator_id, ind.upload.unit, lang(),
                                              no_data)
        rows.append(cv.OwnRow(ind.indicator_id, label(lang(), ind.upload.name), year,
                              ind.upload.unit, vals.astype(float).to_dict(),
                              _total_text(ui.total(ind, b.orp["orp_code"].tolist(), year),
                                          value_of), source_line(ind, [year])))
    return cv.with_own_rows(view, rows, b, lang(), no_data)


def compare_note() -> None:
    """What the "Vlastní: …" rows of the side-by-side table are (when there are any)."""
    if any(i.level == "orp" for i in user_indicators()):
        st.caption(t("upload.compare_note"))


def profile_section(level: str, code: str, groups: dict[str, list[str]],
                    rank_group: str) -> None:
    """The session's indicators at ``level`` for one ORP or obec: value, rank in
    ``groups[rank_group]`` and the group totals (``{"orp"|"kraj"|"cz": codes}``)."""
    rows = ui.profile_rows(user_indicators(), level, code, groups, rank_group)
    if not rows:
        return
    no_data = t_plain("common.no_data")
    table = []
    for r in rows:
        def value_of(v: float, r=r) -> str:
            return formatting.indicator_value(v, r.indicator_id, r.unit, lang(), no_data)
        table.append({
            "indicator": label(lang(), r.name), "year": r.year, "value": value_of(r.value),
            "rank": t_plain("upload.rank_of", rank=r.rank, n=r.ranked) if r.rank else "",
            **{g: _total_text(tot, value_of) for g, tot in r.totals.items()},
            "source": r.source or t_plain("upload.no_source")})
    st.subheader(t("upload.profile_header"))
    frame = pd.DataFrame(table)
    st.dataframe(frame, hide_index=True, width="stretch", column_config={
        c: (st.column_config.NumberColumn(t("upload.col_year"), format="%d") if c == "year"
            else st.column_config.TextColumn(t(f"upload.col_{c}"))) for c in frame.columns})
    st.caption(t("upload.profile_note"))


def orp_section(b: Bundle, code: str) -> None:
    """:func:`profile_section` of one ORP: rank in its kraj, kraj and Czechia totals."""
    kraj = b.orp.loc[b.orp["orp_code"] == code, "kraj_code"]
    if kraj.empty:
        return
    members = b.orp.loc[b.orp["kraj_code"] == kraj.iloc[0], "orp_code"].tolist()
    profile_section("orp", code, {"kraj": members, "cz": b.orp["orp_code"].tolist()}, "kraj")


def town_section(b: Bundle, code: str) -> None:
    """:func:`profile_section` of one obec: rank in its kraj, ORP, kraj and Czechia totals."""
    row = b.obce[b.obce["obec_code"] == code]
    if row.empty:
        return
    orp, kraj = row["orp_code"].iloc[0], row["kraj_code"].iloc[0]
    groups = {g: b.obce.loc[b.obce[col] == v, "obec_code"].tolist()
              for g, col, v in (("orp", "orp_code", orp), ("kraj", "kraj_code", kraj))}
    profile_section("obec", code, {**groups, "cz": b.obce["obec_code"].tolist()}, "kraj")
