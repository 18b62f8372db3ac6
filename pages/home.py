"""/ — what HSOÚ are, headline figures of the region, the HSOÚ map and the data vintage."""

import streamlit as st
from streamlit_folium import st_folium

from hsou_dash.domain.catalogue import indicator_name
from hsou_dash.domain.caveats import caveats
from hsou_dash.domain.headline import headline
from hsou_dash.domain.params import Parsed, parse_region
from hsou_dash.escape import md
from hsou_dash.ui import cache, state, widgets
from hsou_dash.ui.text import lang, t, tr
from hsou_dash.viz import format, home_view

b = widgets.bundle_or_stop()
params, fresh = state.read("home")
parsed = Parsed()
state.seed({"home.region": parse_region(params.get("region"), b.kraje, parsed)}, fresh)

st.title(t("home.title"))
st.markdown(f"##### {t('home.lead')}")
state.show_notices(parsed.notices, fresh)

region = widgets.region_select(b, "home.region")
h = headline(b, region)
no_data = t("common.no_data")
cols = st.columns(2 + len(h.figures))
cols[0].metric(t("home.n_orp"), h.n_orp, border=True)
cols[0].caption(t("home.n_hsou") + f": **{h.n_hsou}**")
cols[1].metric(t("home.pop_hsou"),
               md(format.value(h.population_hsou, "persons", lang(), no_data)),
               border=True, help=t("home.pop_hsou_help", year=h.population_year))
cols[1].caption(t("home.share_of", share=format.number(h.hsou_population_share, 1, lang())))
for col, fig in zip(cols[2:], h.figures, strict=True):
    # metric label, value and help all render Markdown; names, units and sources are data
    col.metric(md(f"{indicator_name(b.catalog, fig.indicator_id, lang())} ({fig.year})"),
               md(format.value(fig.region, fig.unit, lang(), no_data)), border=True,
               help=md(format.source_line(tr(), b.catalog.at[fig.indicator_id, "source"],
                                          [fig.ref_date])))
    col.caption(t("home.vs_cz", value=format.value(fig.czechia, fig.unit, lang(), no_data)))
    for key in caveats(fig.indicator_id, fig.year):
        col.caption(f":orange[{t(key)}]")

left, right = st.columns([3, 2], gap="large")
with left:
    geo = cache.region_geometry(str(b.root), region)
    orp = b.orp if region == "CZ" else b.orp[b.orp["kraj_code"] == region]
    st_folium(home_view.status_map(geo, orp, tr()), key="home.map", height=420,
              use_container_width=True, returned_objects=[])
    widgets.attribution()
    st.caption(t("orp.hsou_source", source=b.orp["hsou_list_source"].dropna().iloc[0]))
with right:
    st.subheader(t("home.what_title"))
    st.markdown(t("home.what"))
    st.subheader(t("home.explore"))
    widgets.page_link("map", t("home.to_map"), region=region)
    widgets.page_link("orp", t("home.to_orp"))
    widgets.page_link("support", t("home.to_support"))
    widgets.page_link("methodology", t("home.to_methodology"))
    st.subheader(t("home.towns_title"))
    st.caption(t("home.towns_intro"))
    for town in cache.featured_towns(str(b.root)).itertuples():
        widgets.page_link("town", t("town.featured_link", name=town.obec_name,
                                    orp=town.orp_name), obec=town.obec_code)

st.subheader(t("home.vintage"))
st.caption(t("home.vintage_intro"))
st.markdown("\n".join(f"- {line}" for line in home_view.vintage(b, tr(), lang())))

state.write("home", {"region": region})
