"""Installing and validating bundles: every kind of bad file gives a clear, located error."""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import shutil
import threading
from pathlib import Path

import pandas as pd
import pytest

from hsou_dash.__main__ import main as cli
from hsou_dash.data.bundle import BundleError, install, redact_paths, validate
from hsou_dash.data.loaders import load_bundle
from hsou_dash.data.schema import FILES, SPECS


@pytest.fixture
def copy(bundle_dir: Path, tmp_path: Path) -> Path:
    """A writable copy of the real bundle to break on purpose (required files only)."""
    dest = tmp_path / "bundle"
    # VERSION and the Makefile's sentinel are not bundle files: a copy that keeps VERSION
    # would claim the installed version while its files get broken
    shutil.copytree(bundle_dir, dest,
                    ignore=shutil.ignore_patterns("obce_cz.geojson", "*.csv.gz", "VERSION",
                                                  ".installed"))
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


# --- every file may be broken: problems, never a traceback ------------------------------------

def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _edit_features(path: Path, edit) -> None:
    """Rewrite a GeoJSON layer feature by feature (json, not GDAL: nothing is "repaired")."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for feature in data["features"]:
        edit(feature)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_missing_column_in_every_file_is_a_problem_not_a_traceback(copy: Path):
    """Each table and layer loses its first required column at once: the cross checks that
    used to index these columns (KeyError) must skip them and the list names every file."""
    renamed = {}
    for spec in FILES:
        path = copy / spec.path
        if not spec.columns or not path.exists():
            continue
        col = spec.columns[0]
        renamed[spec.path] = col
        if spec.is_layer:
            _edit_features(path, lambda f, c=col: f["properties"].update(
                {"x_" + c: f["properties"].pop(c)}))
        else:
            lines = _lines(path)
            lines[0] = ",".join("x_" + h if h == col else h for h in lines[0].split(","))
            _write_lines(path, lines)
    assert "indicators/indicators_catalog.csv" in renamed  # indicator_id
    assert renamed["boundaries/orp.geojson"] == "orp_code"
    msgs = _messages(copy)
    for rel, col in renamed.items():
        assert f"{rel}: missing column(s): {col}" in msgs, (rel, msgs)


def test_header_only_table_and_orp_without_rows(copy: Path):
    """Before: a header-only indicators_orp.csv installed and the pages crashed later."""
    (copy / "indicators/indicators_orp.csv").write_text(
        _lines(copy / "indicators/indicators_orp.csv")[0] + "\n", encoding="utf-8")
    path = copy / "indicators/hsou_classification.csv"
    _write_lines(path, [ln for ln in _lines(path) if not ln.startswith("4213,")])
    msgs = _messages(copy)
    assert any(m.startswith("indicators/indicators_orp.csv: has no rows") for m in msgs), msgs
    assert any("hsou_classification.csv: 1 of 206 ORP of boundaries/orp.geojson have no rows"
               in m and "4213" in m for m in msgs), msgs
    assert any(m.startswith("indicators/indicators_orp.csv: 206 of 206 ORP") for m in msgs)


def test_swapped_latitude_and_longitude(copy: Path):
    def swap(coords):
        if isinstance(coords[0], (int, float)):
            return [coords[1], coords[0]]
        return [swap(c) for c in coords]

    _edit_features(copy / "boundaries/orp.geojson",
                   lambda f: f["geometry"].update(coordinates=swap(f["geometry"]["coordinates"])))
    msgs = [m for m in _messages(copy) if m.startswith("boundaries/orp.geojson")]
    assert msgs and all("outside Czechia" in m for m in msgs), msgs
    assert "latitude and longitude look swapped" in msgs[0]
    assert "boundaries/orp.geojson: 206 of 206 features lie outside Czechia" in msgs[-1]


def test_infinite_numbers_cut_off_files_and_html_pages(copy: Path):
    path = copy / "indicators/indicators_orp.csv"
    lines = _lines(path)
    for i, text in ((3, "inf"), (7, "-inf")):
        parts = lines[i].split(",")
        parts[4] = text  # value
        lines[i] = ",".join(parts)
    _write_lines(path, lines)
    path = copy / "indicators/funding_orp.csv"
    raw = path.read_bytes()
    path.write_bytes(raw[:len(raw) // 2])  # a download that stopped half-way, mid-row
    cut_line = raw[:len(raw) // 2].count(b"\n") + 1
    (copy / "indicators/support_instruments.csv").write_text(
        "<!DOCTYPE html>\n<html><body>Not found</body></html>\n", encoding="utf-8")
    (copy / "boundaries/kraje.geojson").write_text("<html><head></head></html>",
                                                    encoding="utf-8")
    msgs = _messages(copy)
    assert "indicators/indicators_orp.csv, row 4: value inf is not a finite number" in msgs, msgs
    assert "indicators/indicators_orp.csv, row 8: value -inf is not a finite number" in msgs
    assert any(m.startswith(f"indicators/funding_orp.csv, row {cut_line}: the last line has ")
               and "looks cut off" in m for m in msgs), msgs
    assert "indicators/support_instruments.csv: is an HTML page, not CSV" in msgs
    assert "boundaries/kraje.geojson: is an HTML page, not GeoJSON" in msgs


def test_duplicate_rows_in_the_national_obec_table(copy: Path, bundle_dir: Path):
    """The optional 420k-row file now has a key; a slice of it keeps the test fast."""
    with gzip.open(bundle_dir / "indicators/indicators_obec_cz.csv.gz", "rt",
                   encoding="utf-8") as fh:
        lines = [fh.readline().rstrip("\n") for _ in range(2000)]
    lines.append(lines[1500])
    (copy / "indicators/indicators_obec_cz.csv.gz").write_bytes(
        gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=1))
    obec, _, _, indicator, year = lines[1500].split(",")[:5]
    msgs = _messages(copy)
    assert (f"indicators/indicators_obec_cz.csv.gz, row 2001: duplicate key (obec_code={obec}, "
            f"indicator_id={indicator}, year={year})") in msgs, msgs


def test_windows_1250_file_names_the_encoding_and_line(copy: Path):
    """Line 2 ("Dubí") holds the first non-ASCII letter: í is 0xED in Windows-1250."""
    path = copy / "indicators/towns.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1250"))
    msgs = [m for m in _messages(copy) if m.startswith("indicators/towns.csv")]
    assert msgs == ["indicators/towns.csv, row 2: not UTF-8 — looks like Windows-1250; save it "
                    "as UTF-8 (first bad byte 0xED on line 2)"], msgs


def test_iso_8859_2_is_told_apart_from_windows_1250(copy: Path):
    path = copy / "indicators/towns.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("iso8859_2", errors="replace"))
    assert any("looks like ISO-8859-2" in m for m in _messages(copy))


def test_codes_must_lie_in_the_right_kraj_and_places_in_czechia(copy: Path):
    def move(f):
        if f["properties"]["obec_code"] == "563218":  # Mašťov, ORP Kadaň
            f["properties"]["kraj_code"] = "CZ041"

    _edit_features(copy / "boundaries/obce_ustecky.geojson", move)

    def far(f):
        if f["properties"]["obec_code"] == "563218":
            f["geometry"]["coordinates"] = [2.35, 48.85]  # Paris

    _edit_features(copy / "boundaries/obce_points_cz.geojson", far)
    path = copy / "indicators/hsou_classification.csv"
    lines = _lines(path)
    row = next(i for i, ln in enumerate(lines) if ln.startswith("4213,"))
    lines[row] = lines[row].replace(",CZ042,", ",CZ041,", 1)
    _write_lines(path, lines)
    path = copy / "indicators/indicators_obec.csv"
    lines = _lines(path)
    lines[1] = lines[1].replace(",4208,", ",1000,", 1)  # Jenčice (ÚK) given Praha as its ORP
    _write_lines(path, lines)
    msgs = _messages(copy)
    assert any(m.startswith("boundaries/obce_ustecky.geojson, row ")
               and "kraj_code 'CZ041' should be CZ042" in m for m in msgs), msgs
    assert any("obce_ustecky.geojson" in m and "kraj_code CZ041 does not match ORP 4204, which "
               "is in CZ042" in m for m in msgs), msgs
    assert (f"indicators/hsou_classification.csv, row {row + 1}: kraj_code CZ041 does not match "
            "ORP 4213, which is in CZ042 (boundaries/orp.geojson)") in msgs, msgs
    assert ("indicators/indicators_obec.csv, row 2: obec 505528 lies in CZ042 "
            "(boundaries/obce_points_cz.geojson) but its ORP 1000 is in CZ010") in msgs, msgs
    far = [m for m in msgs if "outside Czechia" in m]  # one point moved, not swapped
    assert len(far) == 1 and far[0].startswith("boundaries/obce_points_cz.geojson, row ")
    assert "swapped" not in far[0]


def test_optional_publisher_columns_and_english_methodology(copy: Path, bundle_dir: Path):
    """hsou_list_publisher_cs/en may be absent; hsou_methodology_en.md is part of the bundle."""
    assert "indicators/hsou_methodology_en.md" in SPECS
    assert {"hsou_list_publisher_cs", "hsou_list_publisher_en"} <= set(
        SPECS["indicators/hsou_classification.csv"].optional_columns)
    path = copy / "indicators/hsou_classification.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.drop(columns=["hsou_list_publisher_cs", "hsou_list_publisher_en"]).to_csv(path,
                                                                                 index=False)
    assert _messages(copy) == []


def test_loading_a_broken_file_names_it_without_server_paths(copy: Path):
    path = copy / "indicators/indicators_orp.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1250", errors="replace"))
    with pytest.raises(BundleError) as err:
        load_bundle(copy)
    assert str(err.value).startswith("indicators/indicators_orp.csv: cannot be read: not UTF-8 "
                                     "— looks like Windows-1250"), str(err.value)
    assert str(copy) not in str(err.value)


def test_redact_paths_keeps_what_a_reader_needs():
    text = ("[Errno 13] Permission denied: '/srv/app/data/bundle.versions/ab12/indicators/x.csv'"
            " and /etc/passwd, 12 kB/s, http://127.0.0.1:80/boundaries/orp.geojson")
    assert redact_paths(text) == ("[Errno 13] Permission denied: 'indicators/x.csv' and …/passwd"
                                  ", 12 kB/s, http://127.0.0.1:80/boundaries/orp.geojson")
