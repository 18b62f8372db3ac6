"""/methodology — the HSOÚ delimitation explained, an open re-computation, the catalogue."""

import streamlit as st
from streamlit_folium import st_folium

from hsou_dash.config import NATIONAL_CODE
from hsou_dash.domain import hsou
from hsou_dash.escape import md_document
from hsou_dash.ui import cache, state, widgets
from hsou_dash.ui.text import lang, t, t_plain, tr
from hsou_dash.viz import format
from hsou_dash.viz import hsou_view as hv
from hsou_dash.viz.compare_view import sources

b = widgets.bundle_or_stop()
root = str(b.root)
available = hsou.available_inputs(b.orp_values)
params, fresh = state.read("methodology")
parsed = hv.parse_methodology_params(params, available)
state.seed({f"methodology.{k}": v for k, v in parsed.values.items()}, fresh)

st.title(t("methodology.title"))
st.caption(t("methodology.intro"))
state.show_notices(parsed.notices, fresh)

# --- what SRR ČR 2021+ says ----------------------------------------------------------------
st.header(t("methodology.srr_header"))
official = cache.recomputation(root, (), hsou.DEFAULT_STANDARDISATION, hsou.DEFAULT_CUTOFF)
st.markdown(t("methodology.srr_text", share=format.number(official.official_share, 1, lang())))
st.caption(t("methodology.srr_source"))
st.markdown(f"**{t('methodology.srr_table')}**")
st.dataframe(hv.srr_table(b, available, tr(), lang()), hide_index=True, width="stretch",
             column_config={k: t(f"methodology.col_{k}") for k in
                            ("srr", "bundle", "year", "status")})
st.subheader(t("methodology.unpublished_header"))
st.markdown(t("methodology.unpublished_text"))
with st.expander(t("methodology.source_doc")):
    doc = cache.document(root, "hsou_methodology")
    # the bundle's own notes stay Markdown, without images, HTML or non-http(s) links
    st.markdown(md_document(doc)) if doc else st.caption(t("methodology.source_doc_missing"))

# --- the re-computation --------------------------------------------------------------------
st.header(t("methodology.recompute_header"))
st.warning(t("methodology.disclaimer"), icon=":material/priority_high:")
inputs = st.multiselect(t("methodology.inputs"), available, key="methodology.inputs",
                        help=t("methodology.inputs_help"),
                        format_func=lambda i: hv.input_label(b, i, lang(), tr()))
st.caption(t("methodology.missing_input"))
c2, c3 = st.columns([1, 2], gap="large")
method = c2.radio(t("methodology.method"), list(hsou.STANDARDISATIONS), key="methodology.method",
                  format_func=lambda m: t(f"methodology.method_{m}"),
                  help=t("methodology.method_help"), horizontal=True)
cutoff = c3.slider(t("methodology.cutoff"), hsou.MIN_CUTOFF, hsou.MAX_CUTOFF,
                   key="methodology.cutoff", help=t("methodology.cutoff_help"), format="%d %%")
st.markdown(t("methodology.rules", year=hsou.INPUT_YEAR, pop_year=hsou.POPULATION_YEAR))

rc = cache.recomputation(root, tuple(inputs), method, cutoff)
view = hv.recompute_view(b, cache.region_geometry(root, NATIONAL_CODE), rc, tr(), lang())
if not inputs:
    st.info(t("methodology.no_inputs"), icon=":material/info:")
m = st.columns(5)
m[0].metric(t("methodology.m_computed"), len(rc.selected), border=True)
m[1].metric(t("methodology.m_share"), format.value(rc.selected_share, "%", lang(),
                                                   t("common.no_data")), border=True)
m[2].metric(t("methodology.m_agree"), t("methodology.agree_value", n=rc.count(hsou.BOTH),
                                        total=len(rc.official)), border=True)
m[3].metric(t("methodology.m_only_computed"), rc.count(hsou.ONLY_COMPUTED), border=True)
m[4].metric(t("methodology.m_only_official"), rc.count(hsou.ONLY_OFFICIAL), border=True)

left, right = st.columns([3, 2], gap="medium")
right = right.container(key="methodology.agreement")
with left:
    st_folium(view.map, key="methodology.map", height=520, use_container_width=True,
              returned_objects=[])
    st.caption(t("methodology.map_caption",
                 inputs=", ".join(hv.input_label(b, i, lang(), tr()) for i in inputs) or "—",
                 method=t(f"methodology.method_{method}"), cutoff=cutoff,
                 sources=sources(b, tr(), [(i, rc.year) for i in inputs], lang()) or "—"))
    widgets.attribution()
    if rc.excluded:
        st.caption(t("methodology.excluded_note",
                     names=", ".join(widgets.orp_label(b, c) for c in rc.excluded)))
with right:
    show = st.segmented_control(t("methodology.show"), ["all", "disagreements"],
                                key="methodology.show", default="all",
                                format_func=lambda s: t(f"methodology.show_{s}"))
    table = view.table
    if show == "disagreements":
        table = table[table["category"].isin([hsou.ONLY_COMPUTED, hsou.ONLY_OFFICIAL])]
    st.dataframe(table.drop(columns="category"), hide_index=True, width="stretch", height=470,
                 column_config={
                     "rank": st.column_config.NumberColumn(t("methodology.col_rank"), format="%d"),
                     "orp_name": t("methodology.col_orp"), "kraj_name": t("methodology.col_kraj"),
                     "score": st.column_config.NumberColumn(t("methodology.col_score"),
                                                            format="%.2f"),
                     "population": st.column_config.NumberColumn(
                         t("methodology.col_population"), format="%d"),
                     "cum_share": st.column_config.NumberColumn(
                         t("methodology.col_cum_share"), format="%.1f"),
                     "in_computed": t("methodology.col_in_computed"),
                     "in_official": t("methodology.col_in_official"),
                     "agreement": t("methodology.col_agreement")})
    st.download_button(t("common.download_csv"), view.csv, mime="text/csv", on_click="ignore",
                       file_name=t_plain("methodology.recompute_download", method=method,
                                         cutoff=cutoff), key="methodology.dl_recompute")

# --- indicator catalogue -------------------------------------------------------------------
st.header(t("methodology.catalogue_header"))
st.caption(t("methodology.catalogue_intro"))
catalogue = cache.indicator_catalogue(root, lang())
st.dataframe(catalogue, hide_index=True, width="stretch", height=520, column_config={
    "indicator_id": t("methodology.col_id"),
    "source_url": st.column_config.TextColumn(t("methodology.col_source_url")),
    **{c: t(f"methodology.col_{c}") for c in
       ("theme", "name", "definition", "unit", "direction", "years", "ref_dates", "source",
        "licence", "caveats", "hsou")}})
d1, d2 = st.columns(2)
d1.download_button(t("methodology.download_catalogue"), hv.catalogue_csv(catalogue),
                   file_name=t_plain("methodology.catalogue_download"), mime="text/csv",
                   on_click="ignore", key="methodology.dl_catalogue")
d2.download_button(t("methodology.download_values"),
                   lambda: hv.values_csv(b, catalogue["indicator_id"].tolist()),
                   file_name=t_plain("methodology.values_download"), mime="text/csv",
                   on_click="ignore", key="methodology.dl_values")
for name, label in (("indicator_sources", "sources_doc"), ("boundary_sources", "boundary_doc")):
    doc = cache.document(root, name)
    if doc:
        with st.expander(t(f"methodology.{label}")):
            st.markdown(md_document(doc))

state.write("methodology", {"inputs": hv.inputs_param(inputs, available), "method": method,
                            "cutoff": cutoff})
