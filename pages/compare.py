"""/compare — two indicators against each other, up to five ORP side by side, similar ORP."""

import streamlit as st
from streamlit_folium import st_folium

from hsou_dash import urls
from hsou_dash.config import NATIONAL_CODE
from hsou_dash.domain.catalogue import indicator_name, years_of
from hsou_dash.domain.series import picker_notes
from hsou_dash.ui import cache, state, upload, widgets
from hsou_dash.ui.text import lang, t, t_plain, tr
from hsou_dash.viz import alt_text
from hsou_dash.viz import compare_view as cv

b = upload.session_bundle(widgets.bundle_or_stop())  # + this session's own indicators
options = widgets.indicator_options(b, b.orp_values)
params, fresh = state.read("compare")
params = upload.check_link(params, fresh, "x", "y")
parsed = urls.parse_compare_params(params, b, options)
v = parsed.values
state.seed({f"compare.{k}": v[k] for k in ("orp", "region", "x", "xyear", "y", "yyear")}, fresh)
state.seed({"compare.size": v["size"] == "pop",
            "compare.orps": v["orps"] if v["orps"] is not None else cv.default_set(b, v["orp"])},
           fresh)

st.title(t("compare.title"))
st.caption(t("compare.intro"))
state.show_notices(parsed.notices, fresh)


def orp_name(code: str) -> str:
    return widgets.orp_label(b, code, with_kraj=True)


def ind_name(indicator: str) -> str:
    return indicator_name(b.catalog, indicator, lang())


codes = b.orp.sort_values("orp_name")["orp_code"].tolist()
f1, f2 = st.columns([2, 3], vertical_alignment="bottom")
focus = widgets.place_select(t("compare.focus"), codes, key="compare.orp", container=f1,
                             help=t("compare.focus_help"), format_func=orp_name)
with f2:
    widgets.page_link("orp", t("common.open_profile", name=widgets.orp_label(b, focus)),
                      orp=focus)

# --- two indicators ------------------------------------------------------------------------
st.header(t("compare.scatter_header"))
c = st.columns([2, 3, 1.2, 3, 1.2])
with c[0]:
    region = widgets.region_select(b, "compare.region")
x = c[1].selectbox(t("compare.x"), options, key="compare.x", format_func=ind_name)
x_years = years_of(b.orp_values, x)
state.keep_valid("compare.xyear", x_years, x_years[0])
xyear = c[2].selectbox(t("common.year"), x_years, key="compare.xyear")
y = c[3].selectbox(t("compare.y"), options, key="compare.y", format_func=ind_name)
y_years = years_of(b.orp_values, y)
state.keep_valid("compare.yyear", y_years, y_years[0])
yyear = c[4].selectbox(t("common.year"), y_years, key="compare.yyear")
sized = st.toggle(t("compare.size_toggle"), key="compare.size")
upload.panel(b, key="compare.upload", select_key="compare.y")
widgets.notes_box(picker_notes(x, xyear, x_years), t("compare.x_notes", year=xyear))
if (y, yyear) != (x, xyear):
    widgets.notes_box(picker_notes(y, yyear, y_years), t("compare.y_notes", year=yyear))

sc = cv.scatter_view(b, region=region, x=x, xyear=xyear, y=y, yyear=yyear, sized=sized,
                     selected=focus, tr=tr(), lang=lang())
widgets.chart(sc.figure, key="compare.scatter")
if sc.missing:
    st.caption(t("compare.scatter_missing", n=sc.missing))
in_region = region == NATIONAL_CODE or \
    b.orp.loc[b.orp["orp_code"] == focus, "kraj_code"].iloc[0] == region
if not in_region:
    st.caption(t("compare.focus_outside", name=widgets.orp_label(b, focus)))
widgets.retrieval_popover(sc.infos, key="compare.scatter_sources")
widgets.csv_downloads(sc.export, t_plain("compare.scatter_download", x=x, y=y, region=region),
                      "compare.dl_scatter", sc.headers)

# --- side by side --------------------------------------------------------------------------
st.header(t("compare.table_header"))
chosen = widgets.place_select(t("compare.table_pick"), codes, key="compare.orps", multi=True,
                              max_selections=urls.MAX_COMPARED, format_func=orp_name)
if chosen:
    cmp = upload.comparison(b, cache.comparison(str(b.root), tuple(chosen), lang()))  # + own
    st.caption(t("compare.table_intro"))
    st.dataframe(cmp.table, hide_index=True, width="stretch", height=480, column_config={
        "indicator": t("compare.col_indicator"),
        "year": widgets.column(t("compare.col_year"), "year"),
        "cz": t("common.czechia"), "source": t("compare.col_source"),
        **{code: widgets.orp_label(b, code) for code in chosen},
    })
    for text in cmp.coverage:
        st.caption(t("compare.cz_coverage", note=text))
    upload.compare_note()
    widgets.retrieval_popover(cmp.infos, key="compare.table_sources")
    widgets.notes_box(cmp.notes)
    widgets.chart(cmp.chart, key="compare.pct")
    st.caption(t("compare.pct_note"))
    widgets.csv_downloads(cmp.export, t_plain("compare.table_download"), "compare.dl_table",
                          cmp.headers)
else:
    st.info(t("compare.table_empty"), icon=":material/info:")

# --- similar districts ---------------------------------------------------------------------
st.header(t("compare.similar_header"))
sim = cv.similar_view(b, cache.region_geometry(str(b.root), NATIONAL_CODE), focus, tr(), lang())
st.markdown(t("compare.similar_intro", inputs=", ".join(sim.inputs)))
if sim.similar.placed:
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.dataframe(sim.table.drop(columns="orp_code"), hide_index=True, width="stretch",
                     column_config={
                         "orp_name": t("compare.col_orp"), "kraj_name": t("compare.col_kraj"),
                         "hsou": t("compare.col_hsou"),
                         "distance": widgets.number_column(t("compare.col_distance"), 2)})
        st.caption(t("compare.similar_sources",
                     sources=cv.sources(b, tr(), list(sim.similar.indicators), lang())))
        widgets.retrieval_popover(cv.source_infos(b, list(sim.similar.indicators), lang()),
                                  key="compare.similar_how")
    with right:
        st_folium(sim.map, key="compare.similar_map", height=360, use_container_width=True,
                  returned_objects=[])
        widgets.map_alt(alt_text.similar(widgets.orp_label(b, focus), [widgets.orp_label(
            b, c) for c in sim.table["orp_code"] if c != focus], tr()))
        widgets.attribution()
else:
    st.info(t("compare.similar_not_placed", name=widgets.orp_label(b, focus)),
            icon=":material/info:")
if sim.similar.excluded:
    st.caption(t("compare.similar_excluded",
                 names=", ".join(widgets.orp_label(b, c) for c in sim.similar.excluded)))

state.write("compare", {"orp": focus, "region": region, "x": x, "xyear": xyear, "y": y,
                        "yyear": yyear, "size": "pop" if sized else None,
                        "orps": urls.orps_param(chosen)})
