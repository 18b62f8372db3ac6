"""/map — choropleth of ORP districts, or of municipalities within one kraj, for any indicator."""

import streamlit as st

from hsou_dash import urls
from hsou_dash.domain.classify import MAX_K, MIN_K, SCHEMES
from hsou_dash.domain.series import picker_notes
from hsou_dash.domain.towns import SMALL_DENOMINATOR, obec_indicators
from hsou_dash.escape import md
from hsou_dash.ui import cache, exports, mapframe, presenter, state, upload, widgets
from hsou_dash.ui.text import lang, t, t_plain, tr
from hsou_dash.viz import indicator_view
from hsou_dash.viz.maps import TILES

b = upload.session_bundle(widgets.bundle_or_stop())  # + this session's own indicators
root = str(b.root)
options = upload.options(cache.orp_indicator_options(root), "orp", "obec")
layer = upload.map_layer(b, cache.obec_layer(root))  # + this session's obec-level ones
params, fresh = state.read("map")
params = upload.check_link(params, fresh)
parsed = urls.parse_map_params(params, b.kraje, b.orp, b.orp_values, options, layer)
state.seed({f"map.{k}": v for k, v in parsed.values.items()}, fresh)
parsed.notices += presenter.read("map", params, options, fresh)  # present, contrast, indicators


def _on_click() -> None:
    """A click selects the ORP or municipality (runs before the rerun, widgets can change)."""
    feature = (st.session_state.get("map.click") or {}).get("last_active_drawing") or {}
    props = feature.get("properties") or {}
    if props.get("obec_code"):
        st.session_state["map.obec"] = props["obec_code"]
    if props.get("orp_code"):
        st.session_state["map.orp"] = props["orp_code"]


presenter.bar("map", "map.indicator")  # presenter mode only: exit, contrast, ← →
header = st.container()  # filled once the view is known
state.show_notices(parsed.notices, fresh)
controls = presenter.hide("map", "controls")  # off the screen in presenter mode
c1, c2, c3, c4 = controls.columns([2, 4, 1.7, 1.3])
with c1:
    region = widgets.region_select(b, "map.region")
with c2:
    indicator = widgets.indicator_select(b, "map.indicator", options)
levels = upload.map_levels(indicator, indicator in obec_indicators(layer, region, options))
state.keep_valid("map.level", levels, levels[0])
with c3:
    level = st.segmented_control(
        t("obec_layer.level"), ["orp", "obec"], key="map.level", required=True,
        format_func=lambda v: t(f"obec_layer.level_{v}"), disabled=len(levels) < 2,
        help=None if len(levels) > 1 else t("obec_layer.level_help"))
level, values, years = upload.map_values(b, layer, level, region, indicator)  # or a notice
state.keep_valid("map.year", years, years[0])
with c4:
    year = st.selectbox(t("common.year"), years, key="map.year")
widgets.notes_box(picker_notes(indicator, year, years), t("map.year_notes", year=year),
                  container=controls)
region_orp = indicator_view.region_orp(b, region)
state.keep_valid("map.orp", [None, *region_orp["orp_code"]], None)
obce = indicator_view.region_obce(b, region) if region in layer.regions else None
state.keep_valid("map.obec", [None, *(obce["obec_code"] if obce is not None else [])], None)

# Classes, base map and outline are drawn only while the expander is open (it reruns the page
# when opened): a visit does not wait for their widgets' scripts (benchmarks/browser.py).
options_box = controls.expander(t("map.options"), key="map.options", on_change="rerun")
o1, o2, o3, o4 = options_box.columns([2, 2, 2, 3])
if options_box.open:
    widgets.mirrored(o1.selectbox, "map.scheme", t("map.scheme"), list(SCHEMES),
                     format_func=lambda s: t(f"map.scheme_{s}"))
    widgets.mirrored(o2.slider, "map.k", t("map.classes"), MIN_K, MAX_K)
    widgets.mirrored(o3.radio, "map.tiles", t("basemap.label"), list(TILES),
                     format_func=lambda s: t(f"basemap.{s}"))
    widgets.mirrored(o4.toggle, "map.hsou", t("map.hsou_toggle"))
scheme, k, tiles = (st.session_state[f"map.{n}"] for n in ("scheme", "k", "tiles"))
show_hsou = st.session_state["map.hsou"]
# always drawn (presenter mode's bar shares these keys)
present = o4.toggle(t("map.present"), key="map.present", help=t("map.present_help"))
if not present:  # presenter mode has it in its bar
    o4.toggle(t("present.contrast"), key="map.contrast", help=t("present.contrast_help"))
with controls:
    upload.panel(b, key="map.upload", select_key="map.indicator", region=region, on_map=True)
height = 780 if present else 560  # presenter mode: the frame is as tall as the window (CSS)

# Everything the map shows, built and rendered once per choice (shared by all sessions).
view, map_args = upload.map_view(
    b, level, region, indicator, int(year), scheme, int(k), tiles, bool(show_hsou),
    st.session_state.get("map.obec" if level == "obec" else "map.orp"), lang(), height,
    look=presenter.look("map"))
with header:
    if present:  # the slide's title: what, when, where
        st.title(f"{md(view.title)} ({year}) · {md(widgets.region_name(b, region))}")
    else:
        st.title(t("map.title" if level == "orp" else "obec_layer.title"))
        st.caption(t("map.intro" if level == "orp" else "obec_layer.intro"))

left, right = ((st.container(), presenter.hide("map", "side")) if present
               else st.columns([3, 2], gap="medium"))
with left:
    mapframe.show(map_args, key="map.click", on_change=_on_click)
    st.caption(md(view.source))
    if view.region_line is not None:
        st.caption(indicator_view.region_text(view.region_line, widgets.region_name(b, region),
                                              tr()))
    upload.totals_caption(b, indicator, region, widgets.region_name(b, region), int(year))
    hsou_info = cache.hsou_info(root)
    if show_hsou:
        st.caption(t("map.hsou_list_source", source=hsou_info.line(lang())))
    widgets.attribution()
    # PNGs and CSVs drawn only while open (opening reruns): a visit does not wait for them
    with st.container(horizontal=True, gap="small"):
        widgets.retrieval_popover([(view.title, view.info), *(
            [(t_plain("map.hsou_outline"), hsou_info)] if show_hsou else [])], key="map.sources")
        files = st.popover(t("map.downloads"), key="map.downloads", on_change="rerun",
                           icon=":material/download:", help=t("map.downloads_help"))
    if files.open:
        with files:
            if not upload.is_user_id(indicator):
                exports.map_downloads(root, level, region, indicator, int(year), scheme,
                                      int(k), show_hsou)
            widgets.csv_downloads(view.export, t_plain(
                "map.download_name", indicator=indicator, year=year,
                region=region if level == "orp" else f"{region}_obce"), "map.dl", view.headers)
    widgets.table_map_alt(view.table, f"{view.title} ({year})", widgets.region_name(b, region))
    if view.missing:
        st.caption(t("map.missing" if level == "orp" else "obec_layer.missing", n=view.missing))
with right:
    widgets.map_selection(b, level, region_orp, obce)
    # Table or chart, not st.tabs: a closed tab's chart is still in the page (and makes the
    # browser fetch Plotly's 4.6 MB bundle); the plotly element exists only when asked for.
    shown = st.segmented_control(t("map.show"), ["table", "chart"], key="map.show",
                                 default="table", format_func=lambda v: t(f"map.tab_{v}"),
                                 label_visibility="collapsed")
    if shown == "chart":
        if view.bars is not None:
            widgets.chart(view.bars, key="map.bars")
        else:
            st.caption(t("obec_layer.bars_hint"))
    else:
        widgets.ranking(view, f"{view.title} ({year}), {widgets.region_name(b, region)}",
                        st.session_state.get("map.obec" if level == "obec" else "map.orp"))
        st.caption(t("common.rank_note"))
        if view.unreliable:
            st.caption(t("obec_layer.unreliable_note", n=view.unreliable,
                         threshold=SMALL_DENOMINATOR))

state.write("map", {"region": region, "indicator": indicator, "year": year,
                    "orp": st.session_state.get("map.orp"), "scheme": scheme, "k": k,
                    "tiles": tiles, "hsou": None if show_hsou else 0,
                    "level": None if level == "orp" else level,
                    "obec": st.session_state.get("map.obec") if level == "obec" else None,
                    **presenter.url_params("map")})
