"""The display-geometry cache only saves time: an unwritable folder or a damaged file must
never turn into "the data bundle is broken". Boundaries here are SYNTHETIC (two squares)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from hsou_dash.data import geometry


def _synthetic_squares(folder: Path) -> Path:
    """Two adjacent 0.1° squares in Ústecký kraj's area: a made-up coverage, not real ORP."""
    def square(x: float, code: str) -> dict:
        ring = [[x, 50.5], [x + 0.1, 50.5], [x + 0.1, 50.6], [x, 50.6], [x, 50.5]]
        return {"type": "Feature", "properties": {"orp_code": code, "kraj_code": "SYNTH"},
                "geometry": {"type": "Polygon", "coordinates": [ring]}}
    path = folder / "synthetic_orp.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection",
                                "features": [square(14.0, "S1"), square(14.1, "S2")]}))
    return path


def _layer(source: Path, cache_dir: Path):
    return geometry.display_layer(source, ["orp_code", "kraj_code"], geometry.REGIONAL,
                                  cache_dir)


def test_built_once_then_read_from_the_cache(tmp_path):
    source = _synthetic_squares(tmp_path)
    first = _layer(source, tmp_path / "cache")
    files = list((tmp_path / "cache" / "geometry").iterdir())
    assert [f.suffix for f in files] == [".parquet"]  # no temporary file left behind
    assert _layer(source, tmp_path / "cache")["orp_code"].tolist() == first["orp_code"].tolist()


def test_an_unwritable_cache_folder_still_gives_the_layer(tmp_path, caplog):
    source = _synthetic_squares(tmp_path)
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")  # works as root too, unlike a read-only chmod
    with caplog.at_level(logging.WARNING, logger="hsou_dash.data.geometry"):
        layer = _layer(source, blocker / "cache")
    assert layer["orp_code"].tolist() == ["S1", "S2"]
    assert "not cached" in caplog.text


def test_a_damaged_cache_file_is_built_again(tmp_path, caplog):
    source = _synthetic_squares(tmp_path)
    _layer(source, tmp_path / "cache")
    [cached] = (tmp_path / "cache" / "geometry").glob("*.parquet")
    cached.write_bytes(b"PAR1 truncated")
    with caplog.at_level(logging.WARNING, logger="hsou_dash.data.geometry"):
        layer = _layer(source, tmp_path / "cache")
    assert layer["orp_code"].tolist() == ["S1", "S2"]
    assert "unreadable" in caplog.text
    assert _layer(source, tmp_path / "cache")["orp_code"].tolist() == ["S1", "S2"]  # repaired
