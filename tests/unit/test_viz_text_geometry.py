"""Builders (no CDN, attribution, legend), number formatting, the text catalogue, geometry."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from hsou_dash import config
from hsou_dash.data import geometry
from hsou_dash.data.loaders import orp_display_geometry
from hsou_dash.text import translator
from hsou_dash.viz import export, formatting, indicator_view, palettes

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def uk_view(bundle, bundle_dir, tmp_path_factory):
    geo = orp_display_geometry(bundle_dir, geometry.REGIONAL, tmp_path_factory.mktemp("c"))
    geo = geo[geo["kraj_code"] == "CZ042"]
    return indicator_view.build(bundle, geo, None, region="CZ042",
                                indicator="unemployment_share", year=2020,
                                scheme="fisher_jenks", k=5, tiles="none", selected="4213",
                                tr=translator("cs"), lang="cs")


def test_map_html_loads_nothing_from_a_cdn(uk_view):
    html = uk_view.map.get_root().render()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith(config.STATIC_URL) for u in urls), urls
    assert "cdn" not in html.lower()


def test_map_carries_attribution_legend_and_values(uk_view):
    html = uk_view.map.get_root().render()
    # the JS string literal, with the date of the installed boundaries (bundle SOURCES.md)
    assert json.dumps("Hranice: © ČÚZK – RÚIAN (stav 06/2024), CC BY 4.0; upraveno") in html
    assert "hsou-legend" in html
    assert len(uk_view.table) == 16 and uk_view.missing == 0
    assert uk_view.table.iloc[0]["rank"] == 1
    assert "k 31.\u00a012.\u00a02020" in uk_view.source  # one date style (issue 8)
    assert uk_view.source.startswith("Zdroj: ÚP ČR/MPSV – ")  # publisher first


def test_csv_is_exactly_the_table_with_sources(uk_view):
    text = export.csv_bytes(uk_view.export).decode("utf-8-sig").splitlines()
    assert text[0].startswith("indicator_id,year,rank,orp_code,orp_name")
    assert "source" in text[0] and "ref_date" in text[0]
    assert len(text) == 1 + 16


def test_missing_values_are_grey_not_a_class(bundle, bundle_dir, tmp_path):
    geo = orp_display_geometry(bundle_dir, geometry.NATIONAL, tmp_path)
    view = indicator_view.build(bundle, geo, None, region="CZ",
                                indicator="dwellings_completed_per_1000", year=2020,
                                scheme="quantiles", k=4, tiles="none", selected=None,
                                tr=translator("en"), lang="en")
    assert view.missing == 3  # Praha, Plzeň, Brno: blank in the source
    html = view.map.get_root().render()
    assert palettes.NO_DATA in html and "no data" in html


def test_palette_direction_follows_higher_is_worse():
    worse = palettes.sequential_colors(5, higher_is_worse=True)
    better = palettes.sequential_colors(5, higher_is_worse=False)
    assert worse == better[::-1] and len(set(worse)) == 5


@pytest.mark.parametrize(("value", "unit", "lang", "expected"), [
    (5.46017, "%", "cs", "5,46\u00a0%"),
    (12345.0, "persons", "cs", "12\u00a0345\u00a0osob"),
    (12345.0, "persons", "en", "12,345\u00a0persons"),
    (-1.41, "per 1000 inhabitants (31.12.2020)", "cs", "−1,4\u00a0‰"),
    (float("nan"), "%", "cs", "bez dat"),
])
def test_format_value(value, unit, lang, expected):
    assert formatting.value(value, unit, lang, "bez dat") == expected


def test_coverage_simplification_keeps_neighbours_touching(bundle_dir, tmp_path, monkeypatch):
    src = gpd.read_file(bundle_dir / "boundaries/orp.geojson")
    simple = orp_display_geometry(bundle_dir, geometry.NATIONAL, tmp_path)
    assert len(simple) == len(src) == 206
    assert shapely.get_num_coordinates(simple.geometry.values).sum() < \
        0.2 * shapely.get_num_coordinates(src.geometry.values).sum()
    metric = simple.to_crs(3035)
    # a coverage: the parts overlap only along shared edges (well under 0.1 % of the area)
    overlap = metric.geometry.area.sum() - metric.union_all().area
    assert overlap / metric.geometry.area.sum() < 1e-3
    # and it is cached, per bundle version: a second call reads the parquet file and does not
    # simplify again
    assert list(tmp_path.glob("versions/*/geometry/orp-national-*.parquet"))

    def no_second_simplification(*args, **kwargs):
        raise AssertionError("display geometry simplified again instead of read from cache")

    monkeypatch.setattr(geometry, "simplify_coverage", no_second_simplification)
    again = orp_display_geometry(bundle_dir, geometry.NATIONAL, tmp_path)
    assert again.geom_equals_exact(simple, tolerance=0).all()
    assert again["orp_code"].tolist() == simple["orp_code"].tolist()
