"""A user's own indicator through the real pages (AppTest 1.67 drives ``st.file_uploader``):
it shows on /map, in /compare and in the ORP and town profiles, stays in its session, never
touches the data directory, and a shared ``user:…`` link elsewhere gets a notice."""

from __future__ import annotations

import base64
import json
import os

import numpy as np
import pytest

from hsou_dash import config
from hsou_dash.ui.upload import STORE
from tests.app.conftest import (
    open_downloads,
    open_page,
    param,
    rank_table,
    rank_tables,
    shown_number,
    texts,
)
from tests.app.test_trust_map_home_compare import _legend

#: Made-up values for the 16 ORP of Ústecký kraj: 10.5, 11.5, … (not real figures)
NAME = "Syntetický ukazatel"


def _csv(bundle, source: str = "Testovací soubor") -> bytes:
    uk = bundle.orp[bundle.orp["kraj_code"] == "CZ042"]
    lines = ["orp_code;value;indicator_name;source"] + [
        f"{c};{10 + i},5;{NAME};{source}" for i, c in enumerate(uk["orp_code"])]
    return ("\n".join(lines) + "\n").encode()


def _upload(at, data: bytes, name: str = "mine.csv", year: int | None = 2024,
            agg: str = "none", key: str = "map.upload"):
    if not at.toggle(key=f"{key}.open").value:  # the panel is behind a switch
        at.toggle(key=f"{key}.open").set_value(True).run()
    at.file_uploader(key=f"{key}.file").upload(name, data, "text/csv")
    if year is not None:
        at.number_input(key=f"{key}.year").set_value(year)
    at.radio(key=f"{key}.agg").set_value(agg)
    at.button(key=f"{key}.add").click()
    return at.run()


def _stored(at) -> list:
    """The session's own indicators (none stored yet: an empty list)."""
    return at.session_state[STORE] if STORE in at.session_state else []


def _array(value) -> list[float]:
    """A Plotly array as numbers (Plotly 7 sends typed arrays base64-encoded)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), value["dtype"]).tolist()
    return list(value or [])


def _listing() -> list[tuple[str, int, int]]:
    """Every file under the data directory (symlinks resolved) with size and mtime."""
    out = []
    for base in (config.data_dir(), config.cache_dir()):
        for folder, _, files in os.walk(base):
            for f in files:
                st = os.stat(os.path.join(folder, f))
                out.append((os.path.join(folder, f), st.st_size, st.st_mtime_ns))
    return sorted(out)


@pytest.fixture(scope="module")
def uploaded(bundle):
    """/map after a valid upload (and the data directory before it)."""
    at = open_page("map", region="CZ042")
    before = _listing()
    _upload(at, _csv(bundle), agg="sum")
    return at, before


def test_upload_shows_on_the_map_labelled_as_own(uploaded, bundle):
    at, _ = uploaded
    assert not at.exception
    assert at.session_state["map.indicator"] == "user:1"
    table = rank_table(at)
    uk = set(bundle.orp.loc[bundle.orp["kraj_code"] == "CZ042", "orp_name"])
    assert set(table["orp_name"]) == uk and len(table) == 16
    # ranked by the uploaded values: the last ORP (by code) got the highest, 25.5
    last = bundle.orp[bundle.orp["kraj_code"] == "CZ042"].sort_values("orp_code").iloc[-1]
    assert table.iloc[0]["orp_name"] == last["orp_name"]
    assert shown_number(table.iloc[0]["value"]) == 25.5
    shown = texts(at)
    assert f"Vlastní: {NAME}" in shown
    assert "Zdroj: Testovací soubor (vlastní data nahraná v této relaci" in shown
    assert "za rok 2024" in shown
    # a declared count adds up for the kraj (sum of 10.5 … 25.5 = 288) but not for Czechia
    assert "Ústecký kraj: 288,0" in shown and "chybí 190 z 206" in shown


def test_the_url_carries_only_the_session_id(uploaded):
    at, _ = uploaded
    assert param(at, "indicator") == "user:1"
    url = json.dumps({k: param(at, k) for k in at.query_params.keys()}, ensure_ascii=False)
    assert "Syntet" not in url and "Testovac" not in url and "10.5" not in url


def test_nothing_is_written_to_the_data_directory(uploaded):
    at, before = uploaded
    at.run()
    assert _listing() == before


def test_another_session_sees_nothing_and_a_shared_link_gets_a_notice(uploaded):
    at, _ = uploaded
    other = open_page("map", region="CZ042", indicator="user:1", year="2024")
    assert not other.exception
    assert other.session_state["map.indicator"] != "user:1"
    assert "jen v relaci toho, kdo jej nahrál" in texts(other)
    assert not _stored(other)
    assert "Vlastní:" not in texts(other)
    assert all(not str(o).startswith("user:") for o in other.selectbox(key="map.indicator")
               .options)


def test_a_broken_file_changes_nothing_and_says_where(bundle):
    at = open_page("map", region="CZ042")
    chosen = at.session_state["map.indicator"]
    bad = b"orp_code;value\n4213;abc\n9999;1\n"
    _upload(at, bad)
    assert not at.exception
    error = "\n".join(e.value for e in at.error)
    assert "řádek 2, sloupec „value“" in error and "abc" in error
    assert "řádek 3, sloupec „orp\\_code“" in error or "řádek 3, sloupec „orp_code“" in error
    assert at.session_state["map.indicator"] == chosen
    assert not _stored(at)


def test_one_click_removes_it(bundle):
    at = open_page("map", region="CZ042")
    _upload(at, _csv(bundle))
    assert at.session_state["map.indicator"] == "user:1"
    at.button(key="map.upload.rm_all").click().run()
    assert not at.exception
    assert not _stored(at)
    assert at.session_state["map.indicator"] != "user:1"
    assert "Vlastní:" not in texts(at)


def test_compare_scatter_against_a_bundle_indicator(bundle):
    at = open_page("compare", region="CZ042", x="unemployment_share")
    _upload(at, _csv(bundle), key="compare.upload")
    assert not at.exception
    assert at.session_state["compare.y"] == "user:1"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert f"Vlastní: {NAME} (2024)" in spec["layout"]["yaxis"]["title"]["text"]
    ys = [y for trace in spec["data"] for y in _array(trace.get("y")) if y == y]
    assert set(ys) == {10.5 + i for i in range(16)}  # (the focus ORP is drawn twice)


def test_orp_and_town_profiles(bundle):
    at = open_page("map", region="CZ042")
    _upload(at, _csv(bundle), agg="sum")
    obec = bundle.obce[bundle.obce["orp_code"] == "4213"]["obec_code"].tolist()
    obce = "obec_code,value\n" + "".join(f"{c},{i}\n" for i, c in enumerate(obec))
    _upload(at, obce.encode(), name="obce.csv", agg="sum")
    assert [i.level for i in _stored(at)] == ["orp", "obec"]
    at.query_params.clear()
    at.query_params.update({"orp": "4213"})
    at.switch_page("pages/orp.py").run()
    assert not at.exception
    frames = [d.value for d in at.dataframe]
    own = next(f for f in frames if "indicator" in f.columns and
               f["indicator"].astype(str).str.startswith("Vlastní").any())
    teplice = bundle.orp[bundle.orp["kraj_code"] == "CZ042"].sort_values("orp_code")
    i = teplice["orp_code"].tolist().index("4213")
    assert own.iloc[0]["value"] == f"{10 + i},5"
    assert own.iloc[0]["kraj"] == "288,0"
    at.query_params.clear()
    at.query_params.update({"obec": obec[1]})
    at.switch_page("pages/town.py").run()
    assert not at.exception
    own = next(d.value for d in at.dataframe if "indicator" in d.value.columns
               and d.value["indicator"].astype(str).str.startswith("Vlastní").any())
    assert own.iloc[0]["value"] == "1,0"
    # the ORP of that town: the sum over all its obce (0 + 1 + … + n−1), complete
    assert own.iloc[0]["orp"].replace("\u00a0", "") == f"{sum(range(len(obec)))},0"


# --- an obec-level upload on the municipal map; the own row of the side-by-side table ---------

def _obec_csv(bundle, orp: str = "4213") -> tuple[bytes, list[str]]:
    """Made-up values for the obce of one ORP: 0,5, 1,5, … in code order (not real figures)."""
    obce = sorted(bundle.obce.loc[bundle.obce["orp_code"] == orp, "obec_code"])
    lines = ["obec_code;value;indicator_name;source"] + [
        f"{c};{i},5;{NAME} obcí;Obecní soubor" for i, c in enumerate(obce)]
    return ("\n".join(lines) + "\n").encode(), obce


def test_obec_upload_draws_the_municipal_map_of_its_kraj(bundle, downloads):
    at = open_page("map", region="CZ")  # Czechia: the municipal map is drawn per kraj
    data, obce = _obec_csv(bundle)
    _upload(at, data, name="obce.csv")
    assert not at.exception
    state = {k: at.session_state[f"map.{k}"] for k in ("region", "level", "indicator", "year")}
    assert state == {"region": "CZ042", "level": "obec", "indicator": "user:1", "year": 2024}
    assert (param(at, "level"), param(at, "indicator")) == ("obec", "user:1")
    table = rank_table(at)
    kraj = bundle.obce[bundle.obce["kraj_code"] == "CZ042"]
    assert len(table) == len(kraj) and set(table["obec_name"]) == set(kraj["obec_name"])
    values = table["value"].map(shown_number)
    assert int(values.notna().sum()) == len(obce)
    assert (table.loc[values.isna(), "value"] == "bez dat").all()  # a gap says so
    top = bundle.obce.set_index("obec_code").loc[obce[-1], "obec_name"]
    assert table.iloc[0]["obec_name"] == top and values.iloc[0] == len(obce) - 0.5
    shown = texts(at)
    assert "Zdroj: Obecní soubor (vlastní data nahraná v této relaci" in shown
    assert f"Vlastní: {NAME} obcí" in shown
    assert f"Vlastní: {NAME} obcí" in _legend(at)
    assert not [b for b in open_downloads(at).get("download_button") if "PNG" in b.proto.label]
    csv = next(d.decode("utf-8-sig") for d in downloads.values()
               if obce[0].encode() in d and b"obec_code," in d.splitlines()[0])
    assert all(c in csv for c in obce) and f"{len(obce) - 0.5}" in csv


def test_obec_upload_where_the_map_cannot_draw_it_gets_a_notice(bundle):
    at = open_page("map", region="CZ042")
    _upload(at, _obec_csv(bundle)[0], name="obce.csv")
    assert at.session_state["map.level"] == "obec"
    # Czechia and Praha have no municipal layer; Karlovarský has one, but no row of the file
    for region in ("CZ", "CZ010", "CZ041"):
        at.selectbox(key="map.region").set_value(region).run()
        assert not at.exception
        assert "Vyberte kraj, kde v souboru jsou: Ústecký kraj." in texts(at)
        assert not at.dataframe and not rank_tables(at)  # no map, no table without years
        assert at.button(key="map.upload.rm_all")  # the uploader stays, to remove it
    at.button(key="map.upload.rm_all").click().run()
    assert not at.exception and not _stored(at)
    # an official indicator again, still by municipality: the obce of Karlovarský kraj
    assert at.session_state["map.indicator"] != "user:1"
    assert len(rank_table(at)) == len(bundle.obce[bundle.obce["kraj_code"] == "CZ041"])


def test_compare_table_has_the_own_row_with_its_source(bundle, downloads):
    uk = bundle.orp[bundle.orp["kraj_code"] == "CZ042"].sort_values("orp_code")
    chosen = [uk["orp_code"].iloc[0], uk["orp_code"].iloc[3], "1000"]  # 1000: Praha
    at = open_page("compare", region="CZ042", orps=",".join(chosen))
    _upload(at, _csv(bundle), key="compare.upload", agg="sum")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "cz" in d.value.columns)
    own = table[table["indicator"] == f"Vlastní: {NAME}"]
    assert len(own) == 1 and len(table) > 1  # under the official rows
    row = own.iloc[0]
    assert (row[chosen[0]], row[chosen[1]], row["1000"]) == ("10,5", "13,5", "bez dat")
    assert row["year"] == 2024
    assert row["cz"] == "bez hodnoty – chybí 190 z 206 území"  # a count, but incomplete
    assert row["source"].startswith("Zdroj: Testovací soubor (vlastní data nahraná")
    assert "Řádky „Vlastní: …“ jsou data nahraná v této relaci" in texts(at)
    csv = next(d.decode("utf-8-sig") for d in downloads.values()
               if b"orp_code,orp_name,indicator_id," in d and b"user:1" in d)
    mine = [line for line in csv.splitlines() if ",user:1," in line]
    assert len(mine) == 3 and any("13.5" in line for line in mine)
