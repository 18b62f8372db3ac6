"""/ — what HSOÚ are, headline figures of the region, the HSOÚ map and the data vintage."""

import streamlit as st

from hsou_dash import urls
from hsou_dash.ui import cache, mapframe, state, widgets
from hsou_dash.ui.text import lang, t, t_plain

HEADLINE = ("unemployment_share", "distraint_share")

b = widgets.bundle_or_stop()
root = str(b.root)
params, fresh = state.read("home")
parsed = urls.parse_home_params(params, b.kraje)
state.seed({"home.region": parsed.values["region"]}, fresh)

st.title(t("home.title"))
st.markdown(f"**{t('home.lead')}**")
state.show_notices(parsed.notices, fresh)
widgets.place_search(b, "home.search")  # straight to a town or ORP profile

# what HSOÚ are, first: on a phone everything below is several screens long
what, explore = st.columns([3, 2], gap="large")
with what:
    st.header(t("home.what_title"))
    st.markdown(t("home.what"))
with explore:
    st.header(t("home.explore"))
    widgets.page_link("map", t("home.to_map"), region=st.session_state.get("home.region"))
    widgets.page_link("orp", t("home.to_orp"))
    widgets.page_link("support", t("home.to_support"))
    widgets.page_link("methodology", t("home.to_methodology"))
    st.header(t("home.towns_title"))
    st.caption(t("home.towns_intro"))
    for town in cache.featured_towns(root).itertuples():
        widgets.page_link("town", t("town.featured_link", name=town.obec_name,
                                    orp=town.orp_name), obec=town.obec_code)

region = widgets.region_select(b, "home.region")
h, figs = cache.home_figures(root, region, HEADLINE, lang())
# one HTML block, not st.metric: see hsou_dash.viz.headline_cards
st.html(cache.home_cards(root, region, HEADLINE, lang()))
hsou_info = cache.hsou_info(root)
widgets.retrieval_popover([(t_plain("trust.hsou_share_label", year=h.share.year),
                            cache.population_source(root, h.share.year)),
                           *[(f.label, f.info) for f in figs],
                           (t_plain("home.map_title"), hsou_info)], key="home.sources")

mapframe.show(cache.home_map(root, region, lang()), key="home.map")
st.caption(t("map.hsou_list_source", source=hsou_info.line(lang())))
widgets.attribution()
widgets.hsou_map_alt(b, region)

st.header(t("home.vintage"))
st.caption(t("home.vintage_intro"))
st.markdown("\n".join(f"- {line}" for line in cache.home_vintage(root, lang())))

state.write("home", {"region": region})
