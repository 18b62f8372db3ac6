"""/methodology — the HSOÚ delimitation explained, an open re-computation, the catalogue, and
our numbers against published ones."""

import streamlit as st
from streamlit_folium import st_folium

from hsou_dash import urls
from hsou_dash.config import NATIONAL_CODE
from hsou_dash.domain import hsou
from hsou_dash.ui import cache, state, widgets
from hsou_dash.ui import trust_sections as sections
from hsou_dash.ui.text import lang, t, t_plain, tr
from hsou_dash.viz import formatting, trust_view
from hsou_dash.viz import methodology_view as mv
from hsou_dash.viz.compare_view import sources

b = widgets.bundle_or_stop()
root = str(b.root)
available = hsou.available_inputs(b.orp_values)
params, fresh = state.read("methodology")
parsed = urls.parse_methodology_params(params, available)
state.seed({f"methodology.{k}": v for k, v in parsed.values.items()}, fresh)

st.title(t("methodology.title"))
st.caption(t("methodology.intro"))
state.show_notices(parsed.notices, fresh)

# --- what SRR ČR 2021+ says ----------------------------------------------------------------
st.header(t("methodology.srr_header"))
share = cache.hsou_population_share(root)  # the one HSOÚ share, as on the home page
share_text = formatting.attach_unit(formatting.number(share.share, 1, lang()), "%", lang())
text_col, metric_col = st.columns([4, 1], gap="medium")
text_col.markdown(t("methodology.srr_text", share=formatting.number(share.share, 1, lang())))
metric_col.metric(t("trust.hsou_share_label", year=share.year), share_text, border=True,
                  help=t("trust.hsou_share_help", year=share.year))
metric_col.caption(t("methodology.hsou_share_caption", year=share.year))
hsou_src, pop_src = mv.srr_sources(b)
st.caption(t("methodology.srr_source", hsou=hsou_src.line(lang()),
             population=trust_view.source_text(pop_src, lang(), label=False)))
with st.expander(t("trust.how_obtained")):
    st.markdown(trust_view.retrieval_markdown([
        (t_plain("orp.hsou_list"), hsou_src.retrieval),
        (t_plain("common.population"), pop_src.retrieval)]))
st.markdown(f"**{t('methodology.srr_table')}**")
st.dataframe(mv.srr_table(b, available, tr(), lang()), hide_index=True, width="stretch",
             column_config={k: t(f"methodology.col_{k}") for k in
                            ("srr", "bundle", "year", "status")})
st.subheader(t("methodology.unpublished_header"))
st.markdown(t("methodology.unpublished_text"))
sections.render_background_document(root)

# --- the re-computation --------------------------------------------------------------------
st.header(t("methodology.recompute_header"))
st.warning(t("methodology.disclaimer"), icon=":material/priority_high:")
inputs = st.multiselect(t("methodology.inputs"), available, key="methodology.inputs",
                        help=t("methodology.inputs_help"),
                        format_func=lambda i: mv.input_label(b, i, lang(), tr()))
st.caption(t("methodology.missing_input"))
c2, c3 = st.columns([1, 2], gap="large")
method = c2.radio(t("methodology.method"), list(hsou.STANDARDISATIONS), key="methodology.method",
                  format_func=lambda m: t(f"methodology.method_{m}"),
                  help=t("methodology.method_help"), horizontal=True)
cutoff = c3.slider(t("methodology.cutoff"), hsou.MIN_CUTOFF, hsou.MAX_CUTOFF,
                   key="methodology.cutoff", help=t("methodology.cutoff_help"), format="%d %%")
st.markdown(t("methodology.rules", year=hsou.INPUT_YEAR, pop_year=hsou.POPULATION_YEAR))
state.write("methodology", {"inputs": urls.inputs_param(inputs, available), "method": method,
                            "cutoff": cutoff})  # the address follows at once

rc = cache.recomputation(root, tuple(inputs), method, cutoff)
view = mv.recompute_view(b, cache.region_geometry(root, NATIONAL_CODE), rc, tr(), lang())
if not inputs:
    st.info(t("methodology.no_inputs"), icon=":material/info:")
m = st.columns(5)
m[0].metric(t("methodology.m_computed"), len(rc.selected), border=True)
m[1].metric(t("methodology.m_share", year=rc.population_year),
            formatting.attach_unit(formatting.number(rc.selected_share, 1, lang()), "%", lang())
            if rc.selected_share == rc.selected_share else t("common.no_data"), border=True)
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
                 inputs=", ".join(mv.input_label(b, i, lang(), tr()) for i in inputs) or "—",
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
                     **{f"{c}_text": t(f"methodology.col_{c}")
                        for c in ("score", "population", "cum_share")},
                     "in_computed": t("methodology.col_in_computed"),
                     "in_official": t("methodology.col_in_official"),
                     "agreement": t("methodology.col_agreement")})
    st.caption(t("methodology.rank_note"))
    widgets.csv_downloads(view.export, t_plain("methodology.recompute_download", method=method,
                                               cutoff=cutoff), "methodology.dl_recompute")

# --- indicator catalogue -------------------------------------------------------------------
st.header(t("methodology.catalogue_header"))
st.caption(t("methodology.catalogue_intro"))
catalogue = cache.indicator_catalogue(root, lang())
st.dataframe(catalogue[list(mv.CATALOGUE_SHOWN)], hide_index=True, width="stretch", height=520,
             column_config=sections.catalogue_columns())
d1, d2 = st.columns(2)
with d1:
    st.caption(t("methodology.download_catalogue"))
    widgets.csv_downloads(catalogue, t_plain("methodology.catalogue_download"),
                          "methodology.dl_catalogue")
with d2:
    st.caption(t("methodology.download_values"))
    widgets.csv_downloads(lambda: mv.values_table(b, catalogue["indicator_id"].tolist()),
                          t_plain("methodology.values_download"), "methodology.dl_values")
sections.render_retrieval(root, catalogue)

# --- our numbers against published ones ----------------------------------------------------
sections.render_reconciliation(root)

