"""/orp — one ORP against its kraj and Czechia, in the spirit of the HSOÚ fact sheets."""

import streamlit as st
from streamlit_folium import st_folium

from hsou_dash.config import DEFAULT_ORP
from hsou_dash.domain.params import Parsed, parse_orp
from hsou_dash.escape import md
from hsou_dash.ui import cache, state, widgets
from hsou_dash.ui.support_section import render_support_section
from hsou_dash.ui.text import lang, t, t_plain, tr
from hsou_dash.viz import format, orp_view

b = widgets.bundle_or_stop()
params, fresh = state.read("orp")
parsed = Parsed()
state.seed({"orp.code": parse_orp(params.get("orp"), b.orp, parsed) or DEFAULT_ORP}, fresh)

st.title(t("orp.title"))
state.show_notices(parsed.notices, fresh)
codes = b.orp.sort_values("orp_name")["orp_code"].tolist()
code = st.selectbox(t("orp.pick"), codes, key="orp.code", help=t("orp.pick_help"),
                    format_func=lambda c: widgets.orp_label(b, c, with_kraj=True))
p = cache.orp_profile(str(b.root), code, lang())
f = p.facts

st.header(md(f.orp_name))
st.caption(t("orp.kraj_line", kraj=f.kraj_name, okres=f.okres_name,
             area=format.number(f.area_km2, 0, lang())))
if f.is_hsou:
    st.error(t("orp.hsou_yes"), icon=":material/flag:")
else:
    st.success(t("orp.hsou_no"), icon=":material/check:")
facts = [t("orp.structural")] if f.structurally_affected else []
facts.append(t("orp.agglomeration", name=f.iti_metro_agglomeration,
               share=format.number(f.share_pop_in_agglomeration_2020, 1, lang()))
             if isinstance(f.iti_metro_agglomeration, str) else t("orp.no_agglomeration"))
st.markdown("\n".join(f"- {x}" for x in facts))
st.caption(t("orp.hsou_source", source=f.hsou_list_source))

st.subheader(t("orp.key_figures"))
cols = st.columns(len(orp_view.KEY_INDICATORS))
for col, ind in zip(cols, orp_view.KEY_INDICATORS, strict=True):
    row = p.table[p.raw["indicator_id"] == ind]
    if row.empty:
        continue
    r = row.iloc[0]
    col.metric(md(f"{r.indicator} ({r.year})"), md(r.value), border=True,
               help=md(f"{t_plain('common.source')}: {r.source}; "
                       f"{t_plain('common.ref_date')} {r.ref_date}"))
    col.caption(t("orp.vs", kraj=r.kraj, cz=r.cz))

links = st.columns(3)
with links[0]:
    widgets.page_link("map", t("orp.map_link"), region=f.kraj_code, orp=code)
with links[1]:
    widgets.page_link("compare", t("orp.compare_link"), orp=code)

left, right = st.columns([3, 2], gap="medium")
with left:
    st.subheader(t("orp.all_indicators"))
    st.dataframe(p.table, hide_index=True, width="stretch", height=560, column_config={
        c: t(f"orp.col_{c}") for c in
        ("theme", "indicator", "year", "value", "kraj", "cz", "rank_kraj", "rank_cz",
         "ref_date", "source")})
    st.caption(t("common.rank_note"))
    for key in p.caveats:
        st.warning(t(key), icon=":material/warning:")
    st.download_button(t("common.download_csv"), p.csv, mime="text/csv",
                       file_name=t_plain("orp.download_name", code=code))
with right:
    st.subheader(t("orp.locator"))
    geo = cache.region_geometry(str(b.root), f.kraj_code)
    st_folium(orp_view.locator_map(geo, p, tr()), key="orp.locator", height=300,
              use_container_width=True, returned_objects=[])
    widgets.attribution()
    if p.trend_options:
        st.subheader(t("orp.trends"))
        state.keep_valid("orp.trend", p.trend_options,
                         "distraint_share" if "distraint_share" in p.trend_options
                         else p.trend_options[0])
        ind = st.selectbox(t("orp.trend_pick"), p.trend_options, key="orp.trend",
                           format_func=lambda i: b.catalog.at[i, f"name_{lang()}"])
        st.plotly_chart(orp_view.trend_figure(b, p, ind, tr(), lang()), width="stretch")
        st.caption(t("orp.trend_note"))

obce = orp_view.municipalities(b, code, cache.obec_values_cz(str(b.root)))
st.subheader(t("orp.municipalities", n=len(obce)))
st.dataframe(obce, hide_index=True, width="stretch", column_config={
    "obec_name": t("orp.col_obec"), "obec_code": t("orp.col_obec_code"),
    "population": st.column_config.NumberColumn(t("orp.col_population"), format="%d"),
    "year": st.column_config.NumberColumn(t("orp.col_pop_year"), format="%d"),
    "profile": st.column_config.LinkColumn(t("orp.col_profile"), display_text=t("orp.open_town")),
})

render_support_section(b, orp_code=code)

state.write("orp", {"orp": code})
