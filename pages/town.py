"""/town — one municipality against its ORP, kraj and Czechia: facts, indicators, trends, map."""

import streamlit as st
from streamlit_folium import st_folium

from hsou_dash import urls
from hsou_dash.config import DEFAULT_REGION
from hsou_dash.domain import towns
from hsou_dash.domain.catalogue import aggregation_kind, indicator_name
from hsou_dash.escape import ECHO_LIMIT, md
from hsou_dash.ui import cache, presenter, state, upload, widgets
from hsou_dash.ui.support_section import render_support_section
from hsou_dash.ui.text import lang, t, t_plain, tr
from hsou_dash.viz import alt_text, town_view
from hsou_dash.viz.compact import compact_markdown

b = widgets.bundle_or_stop()
root = str(b.root)
params, fresh = state.read("town")
parsed = urls.parse_town_params(params, b.obce)
state.seed({"town.obec": parsed.values["obec"]}, fresh)
parsed.notices += presenter.read("town", params, None, fresh)
present = presenter.current("town").present


def _pick() -> None:
    """Choosing a search result opens its profile (before the rerun draws the page)."""
    if st.session_state.get("town.pick"):
        st.session_state["town.obec"] = st.session_state["town.pick"]


m = towns.membership(b.obce, b.orp, st.session_state.get("town.obec"))
presenter.bar("town")  # presenter mode only: exit, contrast
st.title(md(m.obec_name) if m else t("town.title"))
big_map = st.container()  # presenter mode: the locator under the title, as tall as the window
if m is None:
    st.caption(t("town.intro"))
state.show_notices(parsed.notices, fresh)

search, featured = presenter.hide("town", "search").columns([3, 2], gap="large")
with search:
    query = st.text_input(t("town.search"), key="town.q",
                          placeholder=t("town.search_placeholder"))
    found = towns.search(cache.obec_search_index(root), query or "", prefer_kraj=DEFAULT_REGION)
    # select box options are plain text: the verbatim variant (no Markdown escapes)
    labels = {r.obec_code: t_plain("town.option", name=r.obec_name, orp=r.orp_name,
                                   okres=r.okres) for r in found.itertuples()}
    state.keep_valid("town.pick", [None, *labels], None)
    if query and not labels:
        st.caption(t("town.no_match", query=md(query, limit=ECHO_LIMIT)))
    elif labels:
        st.selectbox(t("town.matches", n=len(labels)), list(labels), index=None, key="town.pick",
                     format_func=labels.get, placeholder=t("town.pick_placeholder"),
                     on_change=_pick)
with featured:
    st.markdown(f"**{t('town.featured')}**")
    for r in cache.featured_towns(root).itertuples():
        widgets.page_link("town", t("town.featured_link", name=r.obec_name, orp=r.orp_name),
                          obec=r.obec_code)

if m is None:
    st.info(t("town.choose"), icon=":material/search:")
    state.write("town", presenter.url_params("town"))
    st.stop()

state.write("town", {"obec": m.obec_code, **presenter.url_params("town")})  # at once
values = cache.kraj_obec_values(root, m.kraj_code)
view = cache.town(root, m.obec_code, lang())

st.divider()
place = " · ".join([t("town.code", code=m.obec_code), f"{t('common.orp')} {md(m.orp_name)}",
                    t("town.okres", okres=m.okres), md(m.kraj_name)])
st.markdown(f"**{place}**")
hsou = t("town.hsou_yes" if m.is_hsou else "town.hsou_no", orp=m.orp_name)
st.markdown(f":{'orange' if m.is_hsou else 'gray'}-badge[{hsou}]")
st.caption(t("town.hsou_source", source=view.hsou_source))
if m.obec_code in set(cache.featured_towns(root)["obec_code"]):
    st.caption(t("town.featured_note"))
c1, c2, c3 = st.columns([1, 1, 2])
for col, fact in ((c1, view.population), (c2, view.area)):
    col.metric(fact.label, md(fact.text), border=True)
    col.caption(md(fact.source))
with c3:
    widgets.page_link("orp", t("common.open_profile", name=m.orp_name), orp=m.orp_code)
    if m.kraj_code in cache.obec_regions(root):
        widgets.page_link("map", t("town.open_map"), region=m.kraj_code, orp=m.orp_code,
                          level="obec", obec=m.obec_code)
    else:
        widgets.page_link("map", t("common.open_map"), region=m.kraj_code, orp=m.orp_code)

st.header(t("town.indicators"))
if view.table.empty:
    st.info(t("town.no_values"), icon=":material/info:")
else:
    widgets.profile_table("town_table", lambda: st.dataframe(
        view.table[list(view.columns)], hide_index=True, width="stretch",
        height=min(38 + 35 * len(view.table), 640),
        column_config={c: st.column_config.TextColumn(label) for c, label in view.columns.items()}
        | {"year": st.column_config.NumberColumn(t("common.year"), format="%d")}),
        compact_markdown(view.table, [("value", m.obec_name), ("orp", f"ORP {m.orp_name}"),
                                      ("kraj", m.kraj_name), ("cz", t_plain("common.czechia"))],
                         rank=("rank_orp", t_plain("frame.rank_in_orp"))))
    st.caption(t("town.indicators_note"))
    if view.unreliable:
        st.caption(t("obec_layer.unreliable_note", n=view.unreliable,
                     threshold=towns.SMALL_DENOMINATOR))
    if view.notes:
        st.warning(f"**{t('town.notes')}**\n\n" + "\n".join(
            f"{i}. {md(n)}" for i, n in enumerate(view.notes, 1)), icon=":material/info:")
    with st.expander(t("trust.how_obtained")):
        st.markdown(view.retrieval)
    widgets.csv_downloads(view.export, t_plain("town.download_name", code=m.obec_code),
                          "town.dl")

left, right = st.columns([3, 2], gap="medium")
with left:
    st.header(t("town.trends"))
    if view.trends:
        default = "distraint_share" if "distraint_share" in view.trends else view.trends[0]
        state.keep_valid("town.trend", view.trends, default)
        indicator = st.selectbox(t("town.trend_pick"), view.trends, key="town.trend",
                                 format_func=lambda i: indicator_name(b.catalog, i, lang()))
        widgets.chart(town_view.trend(b, m, values, indicator, tr(), lang(),
                                      levels=cache.town_levels(root, m.obec_code)),
                      key="town.trend_chart")
        if aggregation_kind(indicator) == "count":
            st.caption(t("town.trend_counts_note"))
        for note in town_view.trend_notes(values, m, indicator, tr()):
            st.caption(f":material/info: {note}")
    else:
        st.caption(t("town.no_trends"))
with right, big_map if present else st.container():
    if not present:
        st.header(t("town.locator"))
    geo = cache.locator_geometry(root, m.kraj_code)
    st_folium(town_view.locator(b, m, geo, cache.region_geometry(root, m.kraj_code), tr(),
                                look=presenter.look("town")),
              key="town.locator", height=360, use_container_width=True, returned_objects=[])
    widgets.map_alt(alt_text.locator(m.obec_name, f"ORP {m.orp_name}, {m.kraj_name}", tr(),
                                     hsou=m.is_hsou))
    if geo is None:
        st.caption(t("town.locator_no_polygons"))
    widgets.attribution()

upload.town_section(b, m.obec_code)  # this session's own indicators, if any
render_support_section(b, obec_code=m.obec_code)
