"""Presenter-mode parsing and stepping, and the map pieces it uses (labels, fit, contrast)."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from hsou_dash.domain.presenter import Presenter, step
from hsou_dash.urls import parse_presenter
from hsou_dash.viz import compact, maps

AVAILABLE = ["unemployment_share", "distraint_share", "ageing_index"]


def test_parse_presenter_keeps_known_indicators_in_link_order():
    p, notices = parse_presenter({"present": "1", "contrast": "1",
                                  "indicators": "ageing_index, unemployment_share,ageing_index"},
                                 AVAILABLE)
    assert p == Presenter(True, True, ("ageing_index", "unemployment_share"))
    assert notices == []


@pytest.mark.parametrize("raw", ["2", "maybe", "<script>"])
def test_a_bad_flag_is_off_with_a_notice(raw):
    p, notices = parse_presenter({"present": raw}, AVAILABLE)
    assert p.present is False
    assert notices == [("notice.unknown_param", {"name": "present", "value": raw})]


def test_unknown_indicators_are_dropped_with_a_notice_each():
    p, notices = parse_presenter({"indicators": "x,distraint_share,y"}, AVAILABLE)
    assert p.indicators == ("distraint_share",)
    assert [n[1]["value"] for n in notices] == ["x", "y"]


def test_pages_without_indicators_ignore_the_list():
    p, notices = parse_presenter({"present": "1", "indicators": "x"}, None)
    assert p == Presenter(True, False, ()) and notices == []


def test_step_goes_round_and_enters_the_list_from_outside():
    items = ("a", "b", "c")
    assert [step(items, "a", 1), step(items, "c", 1), step(items, "a", -1)] == ["b", "a", "c"]
    assert step(items, "z", 1) == "a" and step(items, "z", -1) == "c"
    assert step((), "z", 1) == "z"


def test_label_points_lie_inside_bent_territories_largest_first():
    # a U shape: its centroid lies outside it
    u = Polygon([(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3)])
    geo = gpd.GeoDataFrame({"code": ["u", "s"]}, geometry=[u, box(10, 10, 10.5, 10.5)])
    pts = maps.label_points(geo, geo["code"].map({"u": "Ú", "s": "S"}))
    assert [p[2] for p in pts] == ["Ú", "S"]
    lat, lng, _ = pts[0]
    assert u.contains(gpd.points_from_xy([lng], [lat])[0])
    assert not u.contains(u.centroid)


def test_labels_never_reach_the_map_as_html():
    geo = gpd.GeoDataFrame({"code": ["1"]}, geometry=[box(13, 50, 14, 51)])
    m = maps.base_map(maps.bounds(geo), big=True)
    m.add_child(maps.Labels(maps.label_points(geo, geo["code"].map(
        {"1": "<img src=x onerror=alert(1)>"}))))
    html = m.get_root().render()
    assert "<img src=x" not in html  # JSON-escaped (\u003c), shown with textContent
    assert "textContent" in html and "hsou-big" in html


def test_fit_runs_in_the_browser_with_the_legend_in_mind():
    m = maps.base_map([[50.0, 13.0], [51.0, 14.0]])
    html = m.get_root().render()
    assert "getBoundsZoom" in html and ".hsou-legend" in html and "ResizeObserver" in html


def test_legend_title_is_a_toggle_button_and_text_is_escaped():
    html = maps.Legend("<b>T</b>", [("#fff", "a&b")], note="n").html()
    assert html.startswith('<button type="button" class="t" aria-expanded="true">&lt;b&gt;T')
    assert "a&amp;b" in html
    assert "<button" not in maps.Legend("", [("#fff", "x")]).html()


def test_contrast_colours_keep_the_dark_end():
    light_to_dark = ["#ffffcc", "#fd8d3c", "#800026"]
    out = maps.contrast_colors(light_to_dark)
    assert len(out) == 3 and out != light_to_dark
    assert out[-1] == "#440154"  # Viridis' darkest where the palette was darkest
    assert maps.contrast_colors(light_to_dark[::-1])[0] == "#440154"
    assert maps.Look(contrast=True).fill_style()["color"] == "#000000"


def test_compact_lines_keep_every_value_and_escape_data():
    import pandas as pd

    table = pd.DataFrame([{"indicator": "Podíl [x](http://e)", "year": 2020, "value": "5,58 %",
                           "kraj": "5,46 %", "cz": "3,94 %", "rank": "4. z 26"}])
    text = compact.compact_markdown(table, [("value", "Dubí"), ("kraj", "Ústecký kraj"),
                                            ("cz", "Česko")], rank=("rank", "v ORP"))
    shown = text.replace("\\", "")  # Markdown escapes render as the characters
    for part in ("5,58 %", "5,46 %", "3,94 %", "4. z 26", "Dubí", "(2020)"):
        assert part in shown
    assert "[x](http://e)" not in text  # a link in a name stays text


def test_page_css_labels_the_phone_menu_in_the_page_language():
    from hsou_dash.ui import page_frame

    cs, en = page_frame.css("cs"), page_frame.css("en")
    assert 'content: "Nabídka"' in cs and 'content: "Menu"' in en
    assert {cs, en, page_frame.PRESENT_CSS, page_frame.KEYS_HTML} <= page_frame.OWN_HTML
    assert page_frame._css_text('a"}<b>\\') == "ab"  # cannot close the CSS string


def test_page_scripts_are_copied_to_the_static_folder(tmp_path):
    from hsou_dash.ui import page_frame

    page_frame.ensure_script(tmp_path)
    keys = (tmp_path / "hsou-present-keys.js").read_text()
    assert "ArrowRight" in keys and "INPUT|TEXTAREA|SELECT" in keys
    assert (tmp_path / page_frame.SCRIPT_NAME).exists()
