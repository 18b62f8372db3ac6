"""/orp — one ORP against its kraj and Czechia, in the spirit of the HSOÚ fact sheets."""

import streamlit as st
from streamlit_folium import st_folium

from hsou_dash import urls
from hsou_dash.domain import wording
from hsou_dash.domain.catalogue import indicator_name
from hsou_dash.escape import md
from hsou_dash.ui import cache, exports, presenter, state, upload, widgets
from hsou_dash.ui.support_section import render_support_section
from hsou_dash.ui.text import lang, t, t_plain, tr
from hsou_dash.viz import alt_text, attribution, formatting, orp_view
from hsou_dash.viz.compact import compact_markdown

b = widgets.bundle_or_stop()
params, fresh = state.read("orp")
parsed = urls.parse_orp_params(params, b.orp)
state.seed({"orp.code": parsed.values["orp"]}, fresh)
parsed.notices += presenter.read("orp", params, None, fresh)
present = presenter.current("orp").present

presenter.bar("orp")  # presenter mode only: exit, contrast
title = st.container()
big_map = st.container()  # presenter mode: the locator under the title, as tall as the window
state.show_notices(parsed.notices, fresh)
with presenter.hide("orp", "pick"):
    codes = b.orp.sort_values("orp_name")["orp_code"].tolist()
    code = widgets.place_select(t("orp.pick"), codes, key="orp.code", help=t("orp.pick_help"),
                                format_func=lambda c: widgets.orp_label(b, c, with_kraj=True))
state.write("orp", {"orp": code, **presenter.url_params("orp")})  # at once, same rerun
p = cache.orp_profile(str(b.root), code, lang())
f = p.facts

title.title(md(f.orp_name) if present else t("orp.title"))  # the slide's title: the ORP
if not present:
    st.header(md(f.orp_name))
st.caption(t("orp.kraj_line", kraj=f.kraj_name, okres=f.okres_name,
             area=formatting.number(f.area_km2, 0, lang())))
if f.is_hsou:
    st.error(t("orp.hsou_yes"), icon=":material/flag:")
else:
    st.success(t("orp.hsou_no"), icon=":material/check:")
facts = [t("orp.structural")] if f.structurally_affected else []
facts.append(t("orp.agglomeration",
               name=wording.count_suffix(f.iti_metro_agglomeration, lang(), t_plain),
               share=formatting.number(f.share_pop_in_agglomeration_2020, 1, lang()))
             if isinstance(f.iti_metro_agglomeration, str) else t("orp.no_agglomeration"))
st.markdown("\n".join(f"- {x}" for x in facts))
st.caption(t("orp.hsou_source", source=p.hsou_source))

st.subheader(t("orp.key_figures"))
for col, k in zip(st.columns(len(orp_view.KEY_INDICATORS)), p.key_figures, strict=False):
    col.metric(md(k.label), md(k.value), border=True, help=md(k.help))
    col.caption(" ".join(x for x in (t("orp.vs", kraj=k.kraj, cz=k.cz), md(k.marks)) if x))

links = presenter.hide("orp", "links").columns(3)
with links[0]:
    widgets.page_link("map", t("orp.map_link"), region=f.kraj_code, orp=code)
with links[1]:
    widgets.page_link("compare", t("orp.compare_link"), orp=code)

left, right = st.columns([3, 2], gap="medium")
with left:
    st.subheader(t("orp.all_indicators"))
    widgets.profile_table("orp_table", lambda: st.dataframe(
        p.table, hide_index=True, width="stretch", height=560,
        column_config={c: t(f"orp.col_{c}") for c in orp_view.TABLE_COLUMNS}),
        compact_markdown(p.table, [("value", f.orp_name), ("kraj", f.kraj_name),
                                   ("cz", t_plain("common.czechia"))],
                         rank=("rank_kraj", t_plain("frame.rank_in_kraj"))))
    st.caption(t("common.rank_note"))
    if p.notes:
        st.warning(f"**{t('orp.notes')}**\n\n" + "\n".join(
            f"{i}. {md(n)}" for i, n in enumerate(p.notes, 1)), icon=":material/info:")
    with st.expander(t("trust.how_obtained")):
        st.markdown(p.retrieval)
    widgets.csv_downloads(p.export, t_plain("orp.download_name", code=code), "orp.dl")
    exports.factsheet_download(str(b.root), code)
with right:
    with big_map if present else st.container():
        if not present:
            st.subheader(t("orp.locator"))
        geo = cache.region_geometry(str(b.root), f.kraj_code)
        names = dict(zip(b.orp["orp_code"], b.orp["orp_name"], strict=True))
        st_folium(orp_view.locator_map(geo, p, tr(), presenter.look("orp"), names,
                                       attribution=attribution.boundaries(b, tr())),
                  key="orp.locator", height=300, use_container_width=True, returned_objects=[])
        widgets.map_alt(alt_text.locator(f.orp_name, f.kraj_name, tr(), hsou=f.is_hsou))
        widgets.attribution()
    if p.trend_options:
        st.subheader(t("orp.trends"))
        state.keep_valid("orp.trend", p.trend_options,
                         "distraint_share" if "distraint_share" in p.trend_options
                         else p.trend_options[0])
        ind = st.selectbox(t("orp.trend_pick"), p.trend_options, key="orp.trend",
                           format_func=lambda i: indicator_name(b.catalog, i, lang()))
        widgets.chart(orp_view.trend_figure(b, p, ind, tr(), lang()), key="orp.trend_chart")
        st.caption(t("orp.trend_note"))
        for note in orp_view.trend_notes(b, p, ind, tr()):
            st.caption(f":material/info: {note}")

upload.orp_section(b, code)  # this session's own indicators, if any
obce = orp_view.municipalities(b, code, cache.obec_values_cz(str(b.root)), lang())
st.subheader(t("orp.municipalities", n=len(obce)))
st.dataframe(obce[["obec_name", "obec_code", "population_text", "year", "profile"]],
             hide_index=True, width="stretch", column_config={
    "obec_name": t("orp.col_obec"), "obec_code": t("orp.col_obec_code"),
    "population_text": st.column_config.TextColumn(t("orp.col_population")),
    "year": st.column_config.NumberColumn(t("orp.col_pop_year"), format="%d"),
    "profile": st.column_config.LinkColumn(t("orp.col_profile"), display_text=t("orp.open_town")),
})

render_support_section(b, orp_code=code)
