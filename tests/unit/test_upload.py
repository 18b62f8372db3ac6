"""A user's own indicator: reading and validating uploads (synthetic files made here), and
merging one into a session's copy of the bundle without touching the shared one."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest
from openpyxl import Workbook

from hsou_dash.data import upload
from hsou_dash.data.upload import Options, Territories, parse_number, parse_upload
from hsou_dash.domain import user_indicator as ui
from hsou_dash.domain.towns import fold
from hsou_dash.text import catalogue

#: A made-up country: codes with leading zeros, names with diacritics, two obce of one name.
PLACES = Territories(
    orp=pd.DataFrame({"orp_code": ["0101", "0102", "0203"],
                      "orp_name": ["Ústí nad Labem", "Mašťov", "Žatec"]}),
    obce=pd.DataFrame({"obec_code": ["012345", "012346", "054321"],
                       "obec_name": ["Lhota", "Lhota", "Dubí"],
                       "orp_code": ["0101", "0102", "0203"]}),
    fold=fold)


def check(text: str | bytes, name: str = "f.csv", **options) -> upload.UploadResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_upload(data, name, PLACES, Options(**options))


def keys(result: upload.UploadResult) -> list[tuple[str, int | None, str | None]]:
    return [(p.key.rsplit(".", 1)[-1], p.row, p.column) for p in result.problems]


def test_semicolons_decimal_commas_and_codes_kept_as_strings():
    r = check("orp_code;value;year\n0101;5,46;2024\n0102;1 234,5;2024\n0203;;2024\n")
    assert r.problems == []
    v = r.upload.values
    assert v["code"].tolist() == ["0101", "0102", "0203"]  # leading zeros kept
    assert v["value"].iloc[:2].tolist() == [5.46, 1234.5]
    assert math.isnan(v["value"].iloc[2])  # an empty cell stays missing, never 0
    assert r.upload.level == "orp" and v["year"].tolist() == [2024] * 3


@pytest.mark.parametrize(("cell", "number"), [
    ("5,46", 5.46), ("5.46", 5.46), ("12 345", 12345.0), ("1\u00a0234,5", 1234.5),
    ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("\u22123", -3.0), ("-0,5", -0.5),
    ("abc", None), ("5 %", None), ("1,2,3", None), ("nan", None), ("inf", None), ("=1+1", None),
])
def test_number_cells(cell, number):
    assert parse_number(cell) == number


def test_text_in_numbers_unknown_codes_and_bad_codes_name_row_and_column():
    r = check("Kód ORP,hodnota,rok\n0101,abc,2020\n9999,1,2020\n101,2,2020\n0203,3,20x\n")
    assert r.upload is None
    assert set(keys(r)) == {("not_number", 2, "hodnota"), ("unknown_code", 3, "Kód ORP"),
                            ("code_format", 4, "Kód ORP"), ("bad_year", 5, "rok")}


def test_blank_lines_do_not_shift_the_rows_named():
    r = check("orp_code;value\n\n0101;1\n;;\n0102;x\n", year=2020)
    assert keys(r) == [("not_number", 5, "value")]


def test_extra_cells_empty_ones_from_excel_are_fine_others_are_named():
    assert check("orp_code;value\n0101;1;;\n0102;2\n", year=2020).problems == []
    assert keys(check("orp_code;value\n0101;1\n0102;2;oops\n", year=2020)) == [
        ("extra_cells", None, None)]
    assert check("orp_code;value\n0101;1\n0102;2;oops\n",
                 year=2020).problems[0].field_dict() == {"row": "3"}


def test_duplicates_name_both_rows():
    r = check("orp_code,value,year\n0101,1,2020\n0102,2,2020\n0101,3,2020\n0101,4,2021\n")
    assert keys(r) == [("duplicate", 4, "orp_code")]
    assert r.problems[0].field_dict()["first"] == "2"


def test_names_without_diacritics_and_what_did_not_match():
    r = check("orp_name,value\nusti nad labem,1\nMASTOV,2\nAtlantis,3\n", year=2020)
    assert keys(r) == [("unknown_name", 4, "orp_name")]
    assert r.problems[0].field_dict()["value"] == "Atlantis"
    ok = check("orp_name,value\nusti nad labem,1\nMASTOV,2\n", year=2020)
    assert ok.upload.values["code"].tolist() == ["0101", "0102"]


def test_an_obec_name_of_several_municipalities_needs_its_code():
    r = check("obec_name,value\nLhota,1\nDubi,2\n", year=2020)
    assert keys(r) == [("ambiguous_name", 2, "obec_name")]
    ok = check("obec_code,value\n012345,1\n054321,2\n", year=2020)
    assert ok.upload.level == "obec" and ok.upload.values["code"].tolist() == ["012345", "054321"]


@pytest.mark.parametrize("data", [b"", b"   \n", b"orp_code,value\n", b"\n\n"])
def test_empty_files(data):
    assert keys(parse_upload(data, "e.csv", PLACES, Options(year=2020))) == [("empty", None, None)]


def test_windows_1250_is_read_with_a_hint():
    r = parse_upload("orp_name;value\nŽatec;1\n".encode("cp1250"), "w.csv", PLACES,
                     Options(year=2020))
    assert r.problems == [] and r.upload.values["code"].tolist() == ["0203"]
    assert [n.key for n in r.notes] == ["upload.note.cp1250"]


def test_utf8_with_bom_is_plain_utf8():
    r = parse_upload("\ufefforp_code,value\n0101,1\n".encode(), "b.csv", PLACES,
                     Options(year=2020))
    assert r.problems == [] and r.notes == []


def test_undecodable_and_binary_files_are_refused():
    assert keys(check(b"orp_code,value\n0101,\x81\x8d\x90\x9d\n")) == [("encoding", None, None)]
    assert keys(check(b"\x00\x01\x02binary", "x.csv")) == [("binary", None, None)]
    assert keys(check(b"PK\x03\x04 not really a workbook", "x.xlsx")) == [
        ("bad_xlsx", None, None)]


def test_too_big_and_too_many_rows():
    big = b"orp_code,value\n" + b"0" * upload.MAX_BYTES
    assert keys(check(big)) == [("too_big", None, None)]
    many = "orp_code,value\n" + "0101,1\n" * (upload.MAX_ROWS + 1)
    assert keys(check(many, year=2020)) == [("too_many_rows", None, None)]


def test_xlsx_codes_typed_as_numbers_or_text():
    wb = Workbook()
    ws = wb.active
    ws.append(["orp_code", "value", "year", "indicator_name"])
    ws.append(["0101", 1.5, 2023, "Čekatelé"])   # text cell: leading zero kept
    ws.append([203, 2, 2023, "Čekatelé"])        # number cell: "203" is not a 4-digit code
    buf = io.BytesIO()
    wb.save(buf)
    r = parse_upload(buf.getvalue(), "x.xlsx", PLACES, Options())
    assert keys(r) == [("code_format", 3, "orp_code")]
    ws.delete_rows(3)
    buf = io.BytesIO()
    wb.save(buf)
    ok = parse_upload(buf.getvalue(), "x.xlsx", PLACES, Options())
    assert ok.upload.values["code"].tolist() == ["0101"] and ok.upload.name == "Čekatelé"


def test_missing_columns_and_year():
    assert {k for k, _, _ in keys(check("name,value\nx,1\n"))} >= {"no_territory", "no_year"}
    assert keys(check("orp_code,hodnota2\n0101,1\n", year=2020)) == [("no_value", None, None)]


def test_one_indicator_per_file():
    r = check("orp_code,value,unit\n0101,1,osob\n0102,2,Kč\n", year=2020)
    assert keys(r) == [("several_texts", None, "unit")]
    assert check("orp_code,value,unit\n0101,1,osob\n0102,2,Kč\n", year=2020,
                 unit="osob").problems == []  # the person's own choice wins


def test_ratio_needs_numerator_and_denominator_that_agree():
    assert keys(check("orp_code,value\n0101,1\n", year=2020, aggregation="ratio")) == [
        ("ratio_columns", None, None)]
    r = check("orp_code,value,numerator,denominator\n0101,50,1,2\n0102,10,1,2\n", year=2020,
              aggregation="ratio", scale=100)
    assert keys(r) == [("ratio_mismatch", 3, "value")]


def test_every_problem_key_has_czech_and_english_text():
    for lang in ("cs", "en"):
        texts = catalogue()[lang]
        for key in ("too_big", "too_many_rows", "empty", "binary", "bad_xlsx", "bad_csv",
                    "encoding", "extra_cells", "column_twice", "no_territory", "no_value",
                    "no_year", "empty_code", "code_format", "unknown_code", "unknown_name",
                    "ambiguous_name", "not_number", "bad_year", "duplicate", "several_texts",
                    "ratio_columns", "ratio_mismatch"):
            assert f"upload.problem.{key}" in texts, (lang, key)


# --- the session's copy of the bundle -----------------------------------------------------

def _uk_upload(bundle, aggregation="none", rows=None) -> ui.UserIndicator:
    codes = bundle.orp.loc[bundle.orp["kraj_code"] == "CZ042", "orp_code"].tolist()
    text = "orp_code,value,numerator,denominator\n" + "".join(
        rows or [f"{c},{50 * (i % 2)},{i % 2},2\n" for i, c in enumerate(codes)])
    r = parse_upload(text.encode(), "u.csv", ui.territories(bundle),
                     Options(year=2024, aggregation=aggregation, scale=100))
    assert r.problems == []
    return ui.UserIndicator("user:1", r.upload)


def test_session_bundle_is_a_copy(bundle):
    ind = _uk_upload(bundle)
    before = (len(bundle.orp_values), len(bundle.catalog))
    sb = ui.session_bundle(bundle, [ind], lambda lang, name: f"Vlastní: {name}")
    assert (len(bundle.orp_values), len(bundle.catalog)) == before  # shared one untouched
    assert "user:1" not in set(bundle.orp_values["indicator_id"])
    assert len(sb.orp_values) == before[0] + 16
    assert sb.catalog.at["user:1", "name_cs"] == "Vlastní: u"
    rows = sb.orp_values[sb.orp_values["indicator_id"] == "user:1"]
    assert rows["orp_code"].str.fullmatch(r"\d{4}").all()
    assert set(rows["value"]) == {0.0, 50.0}


def test_totals_sum_ratio_and_never_a_mean(bundle):
    codes = bundle.orp.loc[bundle.orp["kraj_code"] == "CZ042", "orp_code"].tolist()
    everyone = bundle.orp["orp_code"].tolist()
    # 8 of the 16 ORP have numerator 1 of 2: the ratio is 8 / 32 = 25 %, the sum of values 400
    assert ui.total(_uk_upload(bundle, "ratio"), codes, 2024).value == pytest.approx(25.0)
    assert ui.total(_uk_upload(bundle, "sum"), codes, 2024).value == pytest.approx(400.0)
    assert math.isnan(ui.total(_uk_upload(bundle, "none"), codes, 2024).value)
    cz = ui.total(_uk_upload(bundle, "sum"), everyone, 2024)
    assert math.isnan(cz.value) and cz.missing == len(everyone) - 16  # incomplete: no total


def test_obec_rows_join_a_copy_of_their_kraj_only(bundle):
    """The map's municipal layer: an obec upload spanning two kraje (the last obec of
    Ústecký and two of Karlovarský) adds to each kraj's values only its own obce, to a copy."""
    uk = sorted(bundle.obce.loc[bundle.obce["kraj_code"] == "CZ042", "obec_code"])[-1:]
    kv = sorted(bundle.obce.loc[bundle.obce["kraj_code"] == "CZ041", "obec_code"])[:2]
    text = "obec_code,value\n" + "".join(f"{c},{i + 1}\n" for i, c in enumerate(kv + uk))
    r = parse_upload(text.encode(), "o.csv", ui.territories(bundle), Options(year=2024))
    ind = ui.UserIndicator("user:1", r.upload)
    assert ui.kraje_of(ind, bundle) == ["CZ041", "CZ042"]  # most values first
    shared = bundle.obec_values  # Ústecký's obec table
    before = len(shared)
    mine = ui.kraj_values(bundle, [ind], shared, "CZ042")
    assert len(shared) == before and "user:1" not in set(shared["indicator_id"])
    rows = mine[mine["indicator_id"] == "user:1"]
    assert rows["obec_code"].tolist() == uk and rows["value"].tolist() == [3.0]
    assert rows["orp_code"].iloc[0] == bundle.obce.set_index("obec_code").at[uk[0], "orp_code"]
    assert isinstance(mine["unit"].dtype, pd.CategoricalDtype)  # still categories: small
    empty = shared.iloc[:0]
    assert ui.kraj_values(bundle, [ind], empty, "CZ010") is empty  # no row there: unchanged


def test_ids_carry_no_user_text():
    assert ui.next_id([]) == "user:1"
    assert ui.next_id(["user:1", "user:3"]) == "user:2"


def test_the_readme_example_is_a_valid_upload(bundle):
    from tests.conftest import REPO

    data = (REPO / "examples" / "synthetic_own_indicator.csv").read_bytes()
    r = parse_upload(data, "synthetic_own_indicator.csv", ui.territories(bundle), Options())
    assert r.problems == [] and r.upload.level == "orp" and len(r.upload.values) == 16
    assert "SYNTETICK" in r.upload.name  # never mistaken for real figures


EVIL = '<img src=x onerror="alert(1)">'


def _hostile_view(bundle, level: str):
    """The map view of an upload whose name is HTML and whose source is a formula."""
    from hsou_dash import config
    from hsou_dash.data import geometry, loaders
    from hsou_dash.text import translator
    from hsou_dash.viz import indicator_view

    kraj = bundle.orp["kraj_code"] if level == "orp" else bundle.obce["kraj_code"]
    codes = (bundle.orp if level == "orp" else bundle.obce).loc[kraj == "CZ042", f"{level}_code"]
    text = f"{level}_code,value\n" + "".join(f"{c},{i}\n" for i, c in enumerate(codes))
    r = parse_upload(text.encode(), "u.csv", ui.territories(bundle),
                     Options(year=2024, name=EVIL, source="=HYPERLINK(\"http://x\")"))
    ind = ui.UserIndicator("user:1", r.upload)
    sb = ui.session_bundle(bundle, [ind], lambda lang, name: f"Vlastní: {name}")
    orp_geo = loaders.orp_display_geometry(bundle.root, geometry.REGIONAL, config.cache_dir())
    orp_geo = orp_geo[orp_geo["kraj_code"] == "CZ042"].reset_index(drop=True)
    common = dict(region="CZ042", indicator="user:1", year=2024, scheme="quantiles", k=4,
                  tiles="none", selected=None, tr=translator("cs"), lang="cs")
    if level == "orp":
        return indicator_view.build(sb, orp_geo, None, **common), len(codes)
    geo = loaders.obec_display_geometry(bundle.root, geometry.LOCAL, config.cache_dir())
    values = ui.kraj_values(bundle, [ind], bundle.obec_values, "CZ042")
    return indicator_view.build_obec(sb, values, geo, orp_geo, None, **common), len(codes)


@pytest.mark.parametrize("level", ["orp", "obec"])
def test_a_hostile_name_and_source_stay_text_on_the_map(bundle, level):
    """The user's name and source are untrusted: in the Leaflet HTML they are escaped (on the
    ORP map and on the municipal one)."""
    from hsou_dash.viz.export import csv_bytes

    view, n = _hostile_view(bundle, level)
    html = view.map.get_root().render()
    assert "<img src=x" not in html and "\\u003cimg" not in html
    assert "\\u0026lt;img src=x" in html  # shown as text: HTML-escaped inside the JSON
    assert len(view.table) == n and view.table["value"].notna().all()
    assert b'\'=HYPERLINK' in csv_bytes(view.export)  # the source cell cannot run as a formula


def _big_xlsx(rows: int) -> bytes:
    """A workbook of ``rows`` data rows: 10 years of synthetic 6-digit obec codes."""
    from openpyxl import Workbook as Book

    wb = Book(write_only=True)
    ws = wb.create_sheet()
    ws.append(["obec_code", "value", "year"])
    for n in range(rows):
        ws.append([f"{500000 + n // 10}", n % 997 + 0.5, 2015 + n % 10])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_at_the_row_limit_is_read_whole():
    """100 000 rows (the limit) of a workbook: all taken, codes as text, every value read
    (~6 s; one row more is refused as the CSV test above shows). Synthetic codes: a made-up
    country of 10 000 obce."""
    codes = [f"{500000 + i}" for i in range(upload.MAX_ROWS // 10 + 1)]
    places = Territories(orp=PLACES.orp, obce=pd.DataFrame(
        {"obec_code": codes, "obec_name": codes, "orp_code": "0101"}), fold=fold)
    r = parse_upload(_big_xlsx(upload.MAX_ROWS), "big.xlsx", places, Options())
    assert r.problems == [] and r.upload.level == "obec"
    v = r.upload.values
    assert len(v) == upload.MAX_ROWS and v["code"].nunique() == upload.MAX_ROWS // 10
    assert v["value"].sum() == sum(n % 997 + 0.5 for n in range(upload.MAX_ROWS))
