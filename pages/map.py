"""/map — choropleth of ORP districts for any indicator, year and region."""

import streamlit as st
from streamlit_folium import st_folium

from hsou_dash.domain.catalogue import years_of
from hsou_dash.domain.caveats import caveats
from hsou_dash.domain.classify import MAX_K, MIN_K, SCHEMES
from hsou_dash.domain.params import parse_map_params
from hsou_dash.ui import cache, state, widgets
from hsou_dash.ui.text import lang, t, tr
from hsou_dash.viz import indicator_view

b = widgets.bundle_or_stop()
options = widgets.indicator_options(b, b.orp_values)
params, fresh = state.read("map")
parsed = parse_map_params(params, b.kraje, b.orp, b.orp_values, options)
state.seed({f"map.{k}": v for k, v in parsed.values.items()}, fresh)


def _on_click() -> None:
    """A click on an ORP selects it (runs before the rerun, so widgets can still change)."""
    feature = (st.session_state.get("map.click") or {}).get("last_active_drawing") or {}
    code = (feature.get("properties") or {}).get("orp_code")
    if code:
        st.session_state["map.orp"] = code


st.title(t("map.title"))
st.caption(t("map.intro"))
state.show_notices(parsed.notices, fresh)

c1, c2, c3 = st.columns([2, 4, 1.3])
with c1:
    region = widgets.region_select(b, "map.region")
with c2:
    indicator = widgets.indicator_select(b, "map.indicator", options)
years = years_of(b.orp_values, indicator)
state.keep_valid("map.year", years, years[0])
with c3:
    year = st.selectbox(t("common.year"), years, key="map.year")
region_orp = indicator_view.region_orp(b, region)
state.keep_valid("map.orp", [None, *region_orp["orp_code"]], None)

with st.expander(t("map.options")):
    o1, o2, o3, o4 = st.columns(4)
    scheme = o1.selectbox(t("map.scheme"), list(SCHEMES), key="map.scheme",
                          format_func=lambda s: t(f"map.scheme_{s}"))
    k = o2.slider(t("map.classes"), MIN_K, MAX_K, key="map.k")
    tiles = o3.radio(t("basemap.label"), ["none", "light", "osm"], key="map.tiles",
                     format_func=lambda s: t(f"basemap.{s}"))
    show_hsou = o4.toggle(t("map.hsou_toggle"), key="map.hsou")

root = str(b.root)
view = indicator_view.build(
    b, cache.region_geometry(root, region),
    cache.hsou_outline(root, region) if show_hsou else None,
    region=region, indicator=indicator, year=year, scheme=scheme, k=k, tiles=tiles,
    selected=st.session_state.get("map.orp"), tr=tr(), lang=lang(),
)

left, right = st.columns([3, 2], gap="medium")
with left:
    st_folium(view.map, key="map.click", height=560, use_container_width=True,
              returned_objects=["last_active_drawing"], on_change=_on_click)
    st.caption(view.source)
    widgets.attribution()
    if view.missing:
        st.caption(t("map.missing", n=view.missing))
    for key in caveats(indicator, year):
        st.warning(t(key), icon=":material/warning:")
with right:
    selected = st.selectbox(t("map.selected"), [None, *region_orp["orp_code"]], key="map.orp",
                            format_func=lambda c: widgets.orp_label(b, c))
    if selected:
        widgets.page_link("orp", t("common.open_profile", name=widgets.orp_label(b, selected)),
                          orp=selected)
    tab_table, tab_chart = st.tabs([t("map.tab_table"), t("map.tab_chart")])
    with tab_table:
        st.dataframe(
            view.table[["rank", "orp_name", "value", "hsou"]], hide_index=True,
            height=420, width="stretch",
            column_config={
                "rank": st.column_config.NumberColumn(t("map.col_rank"), format="%d"),
                "orp_name": t("map.col_orp"),
                "value": st.column_config.NumberColumn(f"{t('map.col_value')} ({view.unit})"),
                "hsou": t("map.col_hsou"),
            },
        )
        st.caption(t("common.rank_note"))
    with tab_chart:
        st.plotly_chart(view.bars, width="stretch", key="map.bars")
    st.download_button(t("common.download_csv"), view.csv, mime="text/csv",
                       file_name=t("map.download_name", indicator=indicator, year=year,
                                   region=region))

state.write("map", {"region": region, "indicator": indicator, "year": year,
                    "orp": st.session_state.get("map.orp"), "scheme": scheme, "k": k,
                    "tiles": tiles, "hsou": None if show_hsou else 0})
