"""Installing and validating bundles: every kind of bad file gives a clear, located error."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from hsou_dash.__main__ import main as cli
from hsou_dash.data.bundle import BundleError, install, validate
from hsou_dash.data.loaders import load_bundle


@pytest.fixture
def copy(bundle_dir: Path, tmp_path: Path) -> Path:
    """A writable copy of the real bundle to break on purpose (required files only)."""
    dest = tmp_path / "bundle"
    shutil.copytree(bundle_dir, dest,
                    ignore=shutil.ignore_patterns("obce_cz.geojson", "*.csv.gz"))
    return dest


def _messages(root: Path) -> list[str]:
    return [str(p) for p in validate(root)]


def test_real_bundle_is_valid(bundle_dir: Path):
    assert validate(bundle_dir) == []


def test_missing_required_file(copy: Path):
    (copy / "indicators/indicators_catalog.csv").unlink()
    assert any("indicators_catalog.csv: required file is missing" in m for m in _messages(copy))


def test_missing_column(copy: Path):
    path = copy / "indicators/indicators_orp.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text[0] = text[0].replace("indicator_id", "indicator")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    msgs = _messages(copy)
    assert any("indicators_orp.csv: missing column(s): indicator_id" in m for m in msgs)


def test_malformed_code_reports_file_and_row(copy: Path):
    path = copy / "indicators/indicators_orp.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = "42A3" + lines[5][4:]  # orp_code is the first column
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    msgs = _messages(copy)
    assert any("indicators_orp.csv, row 6: orp_code '42A3' is not a 4-digit code" in m
               for m in msgs), msgs


def test_non_numeric_value(copy: Path):
    path = copy / "indicators/indicators_orp.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    parts = lines[2].split(",")
    parts[4] = "abc"  # value column
    lines[2] = ",".join(parts)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert any("row 3: value 'abc' is not a number" in m for m in _messages(copy))


def test_duplicate_key(copy: Path):
    path = copy / "indicators/hsou_classification.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(lines[1])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert any("hsou_classification.csv" in m and "duplicate key (orp_code=1000)" in m
               for m in _messages(copy))


def test_unknown_indicator_id(copy: Path):
    path = copy / "indicators/indicators_orp.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("ageing_index", "made_up_indicator", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert any("'made_up_indicator' is not in indicators_catalog.csv" in m
               for m in _messages(copy))


def test_unparseable_geojson(copy: Path):
    (copy / "boundaries/kraje.geojson").write_text("{not json", encoding="utf-8")
    assert any(m.startswith("boundaries/kraje.geojson: cannot be read") for m in _messages(copy))


def test_wrong_crs(copy: Path):
    path = copy / "boundaries/kraje.geojson"
    import geopandas as gpd

    gpd.read_file(path).to_crs(3035).to_file(path, driver="GeoJSON")
    assert any("kraje.geojson: CRS must be EPSG:4326" in m for m in _messages(copy))


def test_failed_install_keeps_the_installed_bundle(copy: Path, tmp_path: Path):
    target = tmp_path / "installed"
    install(copy, target)
    (copy / "indicators/towns.csv").write_text("obec_code\n12\n", encoding="utf-8")
    with pytest.raises(BundleError) as err:
        install(copy, target)
    assert "towns.csv" in str(err.value)
    assert load_bundle(target).orp.shape[0] == 206  # the previous bundle still works


def test_install_from_http_url(copy: Path, tmp_path: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(copy))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        target = tmp_path / "from-url"
        install(f"http://127.0.0.1:{srv.server_address[1]}/", target)
        assert (target / "boundaries/orp.geojson").exists()
        assert not (target / "indicators/indicators_obec_cz.csv.gz").exists()  # optional, 404
        assert validate(target) == []
    finally:
        srv.shutdown()


def test_install_from_unreachable_url_is_a_clear_error(tmp_path: Path):
    with pytest.raises(BundleError) as err:
        install("http://127.0.0.1:9/", tmp_path / "x")
    assert "download failed" in str(err.value)


def test_cli_reports_problems_and_exit_code(copy: Path, tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("HSOU_CACHE_DIR", str(tmp_path / "cache"))
    (copy / "indicators/indicators_catalog.csv").unlink()
    assert cli(["data", "install", str(copy), "--target", str(tmp_path / "t")]) == 2
    err = capsys.readouterr().err
    assert "Bundle NOT installed" in err and "indicators_catalog.csv" in err
    assert cli(["data", "check", str(tmp_path / "nowhere")]) == 2


def test_loading_a_missing_bundle_lists_missing_files(tmp_path: Path):
    with pytest.raises(BundleError) as err:
        load_bundle(tmp_path)
    assert "boundaries/orp.geojson: required file is missing" in str(err.value)


def test_text_is_normalised_to_nfc(tmp_path: Path):
    import unicodedata

    from hsou_dash.data.bundle import read_table

    path = tmp_path / "nfd.csv"
    path.write_text("orp_code,name\n4214," + unicodedata.normalize("NFD", "Ústecko-chomutovská")
                    + "\n", encoding="utf-8")
    df = read_table(path)
    assert df["name"][0] == unicodedata.normalize("NFC", "Ústecko-chomutovská")
    assert df["orp_code"][0] == "4214"  # codes stay text
