"""``data boundaries``: a RÚIAN export (generated here: a few S-JTSK squares with RÚIAN-like
attributes) replaces the boundaries of a small installed bundle — reprojected, codes kept as
text and translated from RÚIAN to ČSÚ, checked against the indicators, swapped atomically.

The installed bundle of each test is cut from the real one down to three ORP of Ústecký kraj
and six obce (so its indicator tables are real), installed into ``tmp_path``: the project's
own data directory is never touched.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import box
from shapely.ops import unary_union

from hsou_dash.__main__ import main as cli
from hsou_dash.data import boundaries as bmod
from hsou_dash.data import bundle as bundle_mod
from hsou_dash.data.bundle import BundleError, FetchLimits, install, validate
from hsou_dash.data.geometry import REGIONAL
from hsou_dash.data.loaders import load_bundle, orp_display_geometry
from hsou_dash.text import translator
from hsou_dash.viz import attribution

#: ČSÚ ORP code → (RÚIAN ORP code, name); two obce each (code, name, LAU1).
ORP = {"4213": (914, "Teplice"), "4204": (761, "Kadaň"), "4205": (825, "Litoměřice")}
OBCE = {
    "4213": [("567442", "Teplice", "CZ0426"), ("567507", "Dubí", "CZ0426")],
    "4204": [("563102", "Kadaň", "CZ0422"), ("563218", "Mašťov", "CZ0422")],
    "4205": [("564567", "Litoměřice", "CZ0423"), ("565709", "Štětí", "CZ0423")],
}
#: S-JTSK (EPSG:5514) corner of the grid: near Teplice (13.83 E, 50.64 N), computed
#: independently of the importer with pyproj in the test set-up below.
SIDE = 2000.0  # metres: every obec is a 2 km × 2 km square = 4 km²
LON0, LAT0 = 13.83, 50.64
FAST = FetchLimits(deadline=30, min_rate=0, grace=0, request_timeout=10)


def _cut_bundle(src: Path, dest: Path) -> None:
    """The installed bundle reduced to the fixture's ORP and obce, every file still valid."""
    orp, obce = set(ORP), {o for v in OBCE.values() for o, _, _ in v}
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(
        "obce_cz.geojson", "*.csv.gz", "VERSION", ".installed"))
    for layer, key, keep in (("orp", "orp_code", orp), ("kraje", "kraj_code", {"CZ042"}),
                             ("obce_ustecky", "obec_code", obce),
                             ("obce_ustecky_points", "obec_code", obce),
                             ("obce_points_cz", "obec_code", obce)):
        path = dest / "boundaries" / f"{layer}.geojson"
        gdf = gpd.read_file(path)
        path.unlink()
        gdf[gdf[key].isin(keep)].to_file(path, driver="GeoJSON")
    for name in ("indicators_orp", "hsou_classification", "funding_orp", "indicators_obec",
                 "funding_obec", "towns"):
        path = dest / "indicators" / f"{name}.csv"
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        mask = df["obec_code"].isin(obce) if "obec_code" in df else df["orp_code"].isin(orp)
        df[mask].to_csv(path, index=False)


@pytest.fixture(scope="module")
def mini_source(bundle_dir: Path, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("mini") / "bundle"
    _cut_bundle(bundle_dir, dest)
    assert validate(dest) == []  # the fixture itself is a valid bundle
    return dest


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch) -> None:
    """The CLI prepares display caches after a swap: in tmp_path, not the project's."""
    monkeypatch.setenv("HSOU_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def target(mini_source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data" / "bundle"
    install(mini_source, target, limits=FAST, lock_timeout=5)
    return target


def _square(col: int, row: int) -> box:
    x0, y0 = Transformer.from_crs(4326, 5514, always_xy=True).transform(LON0, LAT0)
    return box(x0 + col * SIDE, y0 + row * SIDE, x0 + (col + 1) * SIDE, y0 + (row + 1) * SIDE)


def export_layers(moved: dict[str, str] | None = None, drop: set[str] = frozenset(),
                  crs: int = 5514) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """RÚIAN-like ORP_P and OBCE_P: one column of squares per ORP, numeric codes as in a
    Shapefile, RÚIAN ORP codes. ``moved`` reassigns obce to another ORP (whose polygon then
    takes their square), ``drop`` leaves obce out."""
    moved = moved or {}
    rows = []
    for col, (orp, members) in enumerate(OBCE.items()):
        for row, (code, name, lau) in enumerate(members):
            if code in drop:
                continue
            owner = moved.get(code, orp)
            rows.append({"KOD": int(code), "NAZEV": name, "ORP_KOD": ORP[owner][0],
                         "POU_KOD": 1, "LAU1_KOD": lau, "NUTS3_KOD": "CZ042",
                         "geometry": _square(col, row)})
    obce = gpd.GeoDataFrame(rows, crs=5514)
    orp = gpd.GeoDataFrame(
        [{"KOD": ruian, "NAZEV": name, "VUSC_KOD": 60, "NUTS3_KOD": "CZ042",
          "geometry": unary_union(list(obce.geometry[obce["ORP_KOD"] == ruian]))}
         for ruian, name in ORP.values()], crs=5514)
    return orp.to_crs(crs), obce.to_crs(crs)


def write_export(folder: Path, fmt: str, **kw) -> Path:
    """The export as ČÚZK would ship it: ``ORP_P`` and ``OBCE_P`` in one format."""
    folder.mkdir(parents=True, exist_ok=True)
    orp, obce = export_layers(**kw)
    if fmt == "gpkg":
        orp.to_file(folder / "20250101_export.gpkg", layer="ORP_P", driver="GPKG")
        obce.to_file(folder / "20250101_export.gpkg", layer="OBCE_P", driver="GPKG")
    else:
        suffix, driver = {"shp": (".shp", "ESRI Shapefile"), "geojson": (".geojson",
                                                                         "GeoJSON")}[fmt]
        orp.to_file(folder / f"ORP_P{suffix}", driver=driver)
        obce.to_file(folder / f"OBCE_P{suffix}", driver=driver)
    return folder


def _layer(target: Path, name: str) -> gpd.GeoDataFrame:
    return gpd.read_file(target.resolve() / "boundaries" / f"{name}.geojson")


@pytest.mark.parametrize("fmt", ["shp", "gpkg", "geojson"])
def test_each_format_is_reprojected_translated_and_swapped(fmt: str, target: Path,
                                                           tmp_path: Path):
    before = target.resolve()
    source = write_export(tmp_path / "export", fmt)
    done = bmod.refresh([source], target, lock_timeout=5)
    assert target.resolve() == done.installed.root != before
    assert done.installed.previous == before and before.is_dir()  # kept for running sessions
    orp = _layer(target, "orp")
    assert orp.crs.to_epsg() == 4326
    # ČSÚ codes as text, from RÚIAN 914/761/825; names from the export
    assert sorted(orp["orp_code"]) == ["4204", "4205", "4213"]
    assert orp["orp_code"].map(type).eq(str).all()
    assert dict(zip(orp["orp_code"], orp["orp_ruian_code"], strict=True)) == {
        "4213": "914", "4204": "761", "4205": "825"}
    # two 2 km squares per ORP: 8 km² (S-JTSK's scale error is ~1e-4)
    assert orp["area_km2"].tolist() == pytest.approx([8.0] * 3, rel=2e-3)
    # the Teplice column has a corner at the point the squares were built from (reprojected
    # right: S-JTSK metres read as degrees or with swapped axes would be far away)
    corners = shapely.get_coordinates(orp.set_index("orp_code").geometry["4213"])
    assert abs(corners - [LON0, LAT0]).max(axis=1).min() < 2e-7
    obce = _layer(target, "obce_points_cz")
    assert obce["obec_code"].map(type).eq(str).all() and len(obce) == 6
    assert set(obce["kraj_code"]) == {"CZ042"} and set(obce["okres"]) == {
        "Teplice", "Chomutov", "Litoměřice"}
    kraje = _layer(target, "kraje")
    assert kraje["kraj_code"].tolist() == ["CZ042"] and kraje["n_orp"].tolist() == [3]
    assert kraje.geometry[0].area == pytest.approx(orp.geometry.union_all().area, rel=1e-6)
    assert validate(target.resolve()) == []
    assert done.changes.obce_moved == [] and done.changes.missing_obce == {}


def test_wgs84_input_gives_the_same_boundaries(target: Path, tmp_path: Path):
    bmod.refresh([write_export(tmp_path / "sjtsk", "geojson")], target, lock_timeout=5)
    first = _layer(target, "obce_ustecky").set_index("obec_code")
    bmod.refresh([write_export(tmp_path / "wgs", "geojson", crs=4326)], target,
                 lock_timeout=5)
    second = _layer(target, "obce_ustecky").set_index("obec_code")
    assert second.crs.to_epsg() == 4326
    for code in first.index:
        a, b = first.geometry[code], second.geometry[code]
        assert a.symmetric_difference(b).area / a.area < 1e-4, code
    assert second["area_km2"].tolist() == pytest.approx([4.0] * 6, rel=2e-3)


def test_a_code_the_indicators_use_is_refused(target: Path, tmp_path: Path, capsys):
    before = target.resolve()
    source = write_export(tmp_path / "export", "shp", drop={"565709"})
    assert cli(["data", "boundaries", str(source), "--target", str(target),
                "--lock-timeout", "5"]) == 2
    err = capsys.readouterr().err
    assert "565709 Štětí" in err and "not in the new boundaries" in err
    assert "Traceback" not in err
    assert target.resolve() == before
    assert not list(target.parent.glob(".bundle-staging-*"))


def test_an_obec_that_moved_orp_is_reported(target: Path, tmp_path: Path, capsys):
    source = write_export(tmp_path / "export", "gpkg", moved={"563218": "4213"})
    assert cli(["data", "boundaries", str(source), "--target", str(target),
                "--lock-timeout", "5", "--date", "2025-01"]) == 0
    out = capsys.readouterr().out
    assert "obce moved to another ORP: 1 (563218 Mašťov 4204→4213)" in out
    points = _layer(target, "obce_points_cz").set_index("obec_code")
    assert points["orp_code"]["563218"] == "4213"
    sources = (target.resolve() / "boundaries/SOURCES.md").read_text(encoding="utf-8")
    assert "stav 01/2025" in sources and "4204→4213" in sources
    # the maps say the new date: the app reads it from the installed bundle
    b = load_bundle(target.resolve())
    assert b.boundaries_state == "01/2025"
    assert attribution.boundaries(b, translator("cs")) == \
        "Hranice: © ČÚZK – RÚIAN (stav 01/2025), CC BY 4.0; upraveno"
    assert attribution.boundaries(b, translator("en")) == \
        "Boundaries: © ČÚZK – RÚIAN (as of 01/2025), CC BY 4.0; modified"


def test_the_date_comes_from_the_user_or_the_file_name_never_invented(target: Path,
                                                                      tmp_path: Path):
    done = bmod.refresh([write_export(tmp_path / "a", "gpkg")], target, lock_timeout=5)
    assert done.date.date is not None and f"{done.date.date:%Y-%m-%d}" == "2025-01-01"
    done = bmod.refresh([write_export(tmp_path / "b", "shp")], target, lock_timeout=5)
    assert done.date.date is None
    b = load_bundle(target.resolve())
    assert b.boundaries_state is None
    assert attribution.boundaries(b, translator("cs")) == \
        "Hranice: © ČÚZK – RÚIAN (stav neuveden), CC BY 4.0; upraveno"
    with pytest.raises(ValueError, match="future"):
        bmod.parse_date("2999-01")


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_a_corrupted_file_changes_nothing(damage: str, target: Path, tmp_path: Path, capsys):
    before = target.resolve()
    source = write_export(tmp_path / "export", "geojson" if damage == "truncated" else "shp")
    if damage == "truncated":
        path = source / "OBCE_P.geojson"
        path.write_bytes(path.read_bytes()[:300])
    else:
        (source / "OBCE_P.shp").write_bytes(b"\x00garbage" * 50)
    assert cli(["data", "boundaries", str(source), "--target", str(target),
                "--lock-timeout", "5"]) == 2
    err = capsys.readouterr().err
    assert "OBCE_P" in err and "Traceback" not in err and str(tmp_path) not in err
    assert target.resolve() == before


def test_a_wrong_ruian_code_link_is_refused(target: Path, tmp_path: Path):
    """Swapped RÚIAN codes would move every value to another district: the names differ."""
    source = tmp_path / "export"
    source.mkdir()
    orp, obce = export_layers()
    orp["KOD"] = orp["KOD"].map({914: 761, 761: 914, 825: 825})
    orp.to_file(source / "ORP_P.shp")
    obce.to_file(source / "OBCE_P.shp")
    with pytest.raises(BundleError, match="the code link is wrong"):
        bmod.refresh([source], target, lock_timeout=5)


def test_an_interrupted_swap_leaves_the_old_bundle(target: Path, tmp_path: Path, monkeypatch):
    before = target.resolve()
    version = (before / "VERSION").read_text()

    def crash(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bundle_mod, "_point", crash)
    with pytest.raises(BundleError, match="No space left"):
        bmod.refresh([write_export(tmp_path / "export", "shp")], target, lock_timeout=5)
    assert target.resolve() == before and (before / "VERSION").read_text() == version
    assert validate(before) == []
    assert not list(target.parent.glob(".bundle-staging-*"))
    monkeypatch.undo()  # the next refresh works and cleans up whatever was left
    done = bmod.refresh([write_export(tmp_path / "again", "shp")], target, lock_timeout=5)
    assert target.resolve() == done.installed.root


def test_the_app_loaders_read_the_swapped_bundle(target: Path, tmp_path: Path):
    bmod.refresh([write_export(tmp_path / "export", "shp", moved={"565709": "4204"})], target,
                 lock_timeout=5)
    b = load_bundle(target.resolve())
    assert sorted(b.orp["orp_code"]) == ["4204", "4205", "4213"]
    assert b.orp.set_index("orp_code")["kraj_name"]["4213"] == "Ústecký kraj"
    assert b.obce.set_index("obec_code")["orp_code"]["565709"] == "4204"
    geo = orp_display_geometry(target.resolve(), REGIONAL, tmp_path / "cache")
    assert sorted(geo["orp_code"]) == ["4204", "4205", "4213"]
    # Kadaň now holds three squares, Litoměřice one
    area = geo.to_crs(3035).set_index("orp_code").area / 1e6
    assert area["4204"] == pytest.approx(12.0, rel=0.01)
    assert area["4205"] == pytest.approx(4.0, rel=0.01)


def test_output_mode_writes_files_and_installs_nothing(target: Path, tmp_path: Path, capsys):
    before = target.resolve()
    out = tmp_path / "out"
    source = write_export(tmp_path / "export", "shp", drop={"565709"})
    assert cli(["data", "boundaries", str(source), "--target", str(target), "--output",
                str(out)]) == 0
    text = capsys.readouterr().out
    assert "565709" in text and "not in the new boundaries" in text
    assert target.resolve() == before
    assert len(gpd.read_file(out / "boundaries/obce_points_cz.geojson")) == 5


def test_a_zip_as_cuzk_ships_it_is_read(target: Path, tmp_path: Path):
    """ČÚZK's Shapefile export is a ZIP with the layers in a subfolder (``1/OBCE_P.shp``)."""
    folder = write_export(tmp_path / "unpacked", "shp")
    archive = tmp_path / "1.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in folder.iterdir():
            z.write(path, f"1/{path.name}")
    done = bmod.refresh([archive], target, lock_timeout=5)
    assert done.prepared.labels == ["1.zip/1/ORP_P.shp", "1.zip/1/OBCE_P.shp"]
    assert len(_layer(target, "obce_ustecky")) == 6


def test_a_wrong_or_missing_crs_is_refused_and_can_be_given(target: Path, tmp_path: Path):
    """A GeoJSON without a crs member is WGS 84 to GDAL: S-JTSK metres would land far outside
    Czechia. The import says so, and --crs fixes it."""
    source = tmp_path / "export"
    source.mkdir()
    for gdf, name in zip(export_layers(), ("ORP_P", "OBCE_P"), strict=True):
        data = json.loads(gdf.to_json())
        data.pop("crs", None)
        (source / f"{name}.geojson").write_text(json.dumps(data), encoding="utf-8")
    before = target.resolve()
    with pytest.raises(BundleError, match="outside Czechia.*--crs"):
        bmod.refresh([source], target, lock_timeout=5)
    assert target.resolve() == before
    done = bmod.refresh([source], target, opts=bmod.ReadOptions(crs="EPSG:5514"),
                        lock_timeout=5)
    assert done.prepared.input_crs == ["EPSG:5514 (given with --crs)"]
    assert _layer(target, "orp")["area_km2"].tolist() == pytest.approx([8.0] * 3, rel=2e-3)


def test_layers_must_be_found_once_each(target: Path, tmp_path: Path):
    folder = write_export(tmp_path / "export", "shp")
    for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        (folder / f"ORP_P{suffix}").unlink(missing_ok=True)
    with pytest.raises(BundleError, match="no ORP layer found"):
        bmod.refresh([folder], target, lock_timeout=5)
    with pytest.raises(BundleError, match="2 obce layers found"):
        bmod.refresh([folder, write_export(tmp_path / "other", "gpkg")], target,
                     lock_timeout=5)


def test_an_unclean_coverage_is_imported_with_a_note(target: Path, tmp_path: Path):
    """Neighbours overlapping by a 10 m strip (an export edited elsewhere): still imported,
    every polygon valid, and the import says what it did."""
    source = tmp_path / "export"
    source.mkdir()
    orp, obce = export_layers()
    first = obce.index[0]
    obce.loc[first, "geometry"] = obce.geometry[first].buffer(10, join_style="mitre")
    orp.to_file(source / "ORP_P.shp")
    obce.to_file(source / "OBCE_P.shp")
    done = bmod.refresh([source], target, lock_timeout=5)
    assert done.prepared.notes and "do not share their borders" in done.prepared.notes[0]
    text = (target.resolve() / "boundaries/SOURCES.md").read_text(encoding="utf-8")
    assert "do not share their borders" in text
    assert validate(target.resolve()) == []


def test_a_failure_while_writing_leaves_the_old_bundle(target: Path, tmp_path: Path,
                                                       monkeypatch, capsys):
    """GDAL failing on the third of six files (half a boundaries folder in staging)."""
    before = target.resolve()
    real = gpd.GeoDataFrame.to_file
    calls = []

    def flaky(self, path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 3:
            raise RuntimeError("simulated GDAL failure")
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", flaky)
    source = write_export(tmp_path / "export", "gpkg")  # written before the failure is armed
    calls.clear()
    assert cli(["data", "boundaries", str(source), "--target", str(target),
                "--lock-timeout", "5"]) == 2
    err = capsys.readouterr().err
    assert "cannot be written: RuntimeError: simulated GDAL failure" in err
    assert "Traceback" not in err
    assert target.resolve() == before and validate(before) == []
    assert not list(target.parent.glob(".bundle-staging-*"))


def test_the_boundaries_date_is_read_strictly(tmp_path: Path):
    """Only "stav MM/YYYY" in the required-attribution line counts; anything else (no file,
    another line, markup) leaves the date unknown rather than echoing the file's text."""
    from hsou_dash.data.loaders import boundaries_state

    (tmp_path / "boundaries").mkdir()
    assert boundaries_state(tmp_path) is None  # no SOURCES.md
    sources = tmp_path / "boundaries/SOURCES.md"
    sources.write_text("Data date: stav 05/2023\n", encoding="utf-8")
    assert boundaries_state(tmp_path) is None  # not the attribution line
    sources.write_text("* **Required attribution** (x): `Hranice (stav <b>06/2024</b>)`\n",
                       encoding="utf-8")
    assert boundaries_state(tmp_path) is None
    sources.write_text("* **Required attribution** (x): `Hranice: © ČÚZK – RÚIAN (stav 11/2026),"
                       " CC BY 4.0; upraveno`\n", encoding="utf-8")
    assert boundaries_state(tmp_path) == "11/2026"
