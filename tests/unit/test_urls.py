"""The URL module: every page's parameters parsed in one place, every in-app link keeps the
language. Runs on the synthetic bundle (tests/fixtures), so each expectation is by hand."""

from __future__ import annotations

import ast
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from hsou_dash import config, urls
from hsou_dash.domain.towns import ObecLayer
from hsou_dash.viz import orp_view
from tests.fixtures.synthetic_bundle import YEAR, synthetic_bundle

PAGES = Path(__file__).resolve().parents[2] / "pages"


@pytest.fixture(scope="module")
def b():
    return synthetic_bundle()


def _keys(out: urls.Parsed) -> list[str]:
    return [k for k, _ in out.notices]


# --- links ---------------------------------------------------------------------------------

def test_href_keeps_english_and_leaves_czech_bare():
    assert urls.href("town", "en", obec="420101") == "/town?obec=420101&lang=en"
    assert urls.href("town", "cs", obec="420101") == "/town?obec=420101"
    assert urls.href("home", "cs") == "/"
    assert urls.href("map", "en") == "/map?lang=en"


def test_href_encodes_values_and_drops_empty_ones():
    link = urls.href("compare", "cs", orps="4201,4202", x="a&b=c", y=None, size="")
    assert parse_qs(urlsplit(link).query) == {"orps": ["4201,4202"], "x": ["a&b=c"]}


def test_every_page_has_a_path():
    names = {p.stem for p in PAGES.glob("*.py")}
    assert set(urls.PATHS) == names


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_orp_profile_links_to_towns_keep_the_language(b, lang):
    obce = orp_view.municipalities(b, "4201", b.obec_values, lang)
    assert sorted(obce["obec_code"]) == ["420101", "420102"]
    for code, link in zip(obce["obec_code"], obce["profile"], strict=True):
        parts = urlsplit(link)
        query = parse_qs(parts.query)
        assert parts.path == "/town" and query["obec"] == [code]
        assert query.get("lang") == (["en"] if lang == "en" else None)


def test_no_page_reads_a_parameter_itself():
    """Pages hand the whole address to a ``urls.parse_*`` function; none calls
    ``params.get`` or indexes the parameters."""
    offenders = []
    for path in PAGES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            target = (node.func.value if isinstance(node, ast.Call)
                      and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                      else node.value if isinstance(node, ast.Subscript) else None)
            if isinstance(target, ast.Name) and target.id == "params":
                offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders


# --- per page ------------------------------------------------------------------------------

def test_home_region(b):
    assert urls.parse_home_params({"region": " cz080 "}, b.kraje).values["region"] == "CZ080"
    assert urls.parse_home_params({"region": "CZ"}, b.kraje).values["region"] == "CZ"
    out = urls.parse_home_params({"region": "CZ999"}, b.kraje)
    assert out.values["region"] == config.DEFAULT_REGION
    assert _keys(out) == ["notice.unknown_region"]
    assert not urls.parse_home_params({}, b.kraje).notices


def test_orp_profile_falls_back_to_the_default_orp(b):
    assert urls.parse_orp_params({"orp": "8102"}, b.orp).values["orp"] == "8102"
    for raw in ("9999", "42O1", "4201;"):
        out = urls.parse_orp_params({"orp": raw}, b.orp)
        assert out.values["orp"] == config.DEFAULT_ORP
        assert _keys(out) == ["notice.unknown_orp"]


def test_town_profile(b):
    assert urls.parse_town_params({"obec": "420202"}, b.obce).values["obec"] == "420202"
    out = urls.parse_town_params({"obec": "42020"}, b.obce)
    assert out.values["obec"] is None and _keys(out) == ["town.unknown_obec"]
    assert urls.parse_town_params({}, b.obce).values["obec"] is None


def _layer(b) -> ObecLayer:
    ids = frozenset(b.obec_values["indicator_id"])
    return ObecLayer(frozenset({"CZ042"}), b.obce, lambda kraj: b.obec_values, ids)


def test_level_parameter(b):
    layer, out = _layer(b), urls.Parsed()
    ids = ["unemployment_share", "population"]
    assert urls.parse_level("obec", layer, "CZ042", "unemployment_share", ids, out) == "obec"
    assert urls.parse_level(None, layer, "CZ042", "unemployment_share", ids, out) == "orp"
    assert not out.notices
    assert urls.parse_level("obec", layer, "CZ080", "unemployment_share", ids, out) == "orp"
    assert urls.parse_level("obec", layer, "CZ042", "ageing_index", ids, out) == "orp"
    assert urls.parse_level("x", layer, "CZ042", "unemployment_share", ids, out) == "orp"
    assert _keys(out) == ["obec_layer.unavailable_region", "obec_layer.unavailable_indicator",
                          "notice.unknown_param"]


def test_obec_parameter_within_a_region(b):
    out = urls.Parsed()
    assert urls.parse_obec("420102", b.obce, out, "CZ042") == "420102"
    assert urls.parse_obec("810101", b.obce, out, "CZ042") is None  # lies in CZ080
    assert urls.parse_obec("810101", b.obce, out, "CZ") == "810101"
    assert urls.parse_obec("12", b.obce, out) is None
    assert _keys(out) == ["obec_layer.obec_outside_region", "town.unknown_obec"]


def test_map_parameters(b):
    options = ["unemployment_share", "population"]
    out = urls.parse_map_params({"region": "CZ042", "indicator": "unemployment_share",
                                 "year": "2023", "orp": "8101", "level": "obec", "k": "99",
                                 "hsou": "0"},
                                b.kraje, b.orp, b.orp_values, options, _layer(b))
    v = out.values
    # 2023 has no municipal values: the newest year of the obec layer instead
    assert (v["region"], v["level"], v["year"], v["orp"]) == ("CZ042", "obec", YEAR, None)
    assert v["hsou"] is False
    assert _keys(out) == ["notice.unknown_year", "notice.orp_outside_region",
                          "notice.unknown_param"]
    v = urls.parse_map_params({"year": "2023"}, b.kraje, b.orp, b.orp_values, options).values
    assert (v["level"], v["year"], v["hsou"]) == ("orp", 2023, True)


def test_compare_parameters(b):
    options = ["unemployment_share", "population"]
    out = urls.parse_compare_params({"orp": "8101", "orps": "4201,4201,8102,xx"}, b, options)
    v = out.values
    assert v["region"] == "CZ080"  # the focus ORP's own kraj
    assert v["orps"] == ["4201", "8102"]
    # the default y (distraint share) is not offered: the first option instead
    assert (v["x"], v["y"]) == ("unemployment_share", "unemployment_share")
    assert _keys(out) == ["notice.unknown_orp"]
    many = ",".join(["4201", "4202", "8101", "8102"] * 2)
    assert urls.parse_compare_params({"orps": many}, b, options).values["orps"] == [
        "4201", "4202", "8101", "8102"]
    assert urls.parse_compare_params({}, b, options).values["orps"] is None
    assert urls.orps_param(["4201", "8102"]) == "4201,8102" and urls.orps_param([]) is None


def test_methodology_inputs_round_trip():
    available = ["a", "b", "c"]
    for inputs in ([], ["a"], ["a", "c"], available):
        raw = urls.inputs_param(inputs, available)
        parsed = urls.parse_methodology_params({"inputs": raw or ""}, available)
        assert parsed.values["inputs"] == inputs and not parsed.notices
    out = urls.parse_methodology_params({"inputs": "c,zz", "cutoff": "99"}, available)
    assert out.values["inputs"] == ["c"]
    assert _keys(out) == ["methodology.notice_unknown_input", "notice.unknown_param"]


def test_map_parameters_valid_and_fallbacks(b):
    options = ["population", "unemployment_share"]

    def parse(**params):
        return urls.parse_map_params(params, b.kraje, b.orp, b.orp_values, options)

    p = parse(region="cz", indicator="unemployment_share", year="2023", orp="8101", k="7")
    assert (p.values["region"], p.values["year"], p.values["orp"], p.values["k"]) == (
        "CZ", 2023, "8101", 7)
    assert not p.notices
    p = parse(region="XX", indicator="nope", year="1999", orp="12", scheme="x", k="99",
              tiles="satellite")
    assert p.values["region"] == config.DEFAULT_REGION
    assert p.values["indicator"] == "unemployment_share" and p.values["year"] == YEAR
    assert p.values["orp"] is None and p.values["scheme"] == "fisher_jenks"
    assert _keys(p) == ["notice.unknown_region", "notice.unknown_indicator",
                        "notice.unknown_year", "notice.unknown_orp", "notice.unknown_param",
                        "notice.unknown_param", "notice.unknown_param"]


def test_support_parameters(b):
    ids = ["opst", "restart"]
    p = urls.parse_support_params({"instrument": "opst", "region": "cz080"}, b.kraje, ids,
                                  ["MMR"])
    assert (p.values["instrument"], p.values["tab"], p.values["region"]) == (
        "opst", "coverage", "CZ080")
    assert not p.notices
    p = urls.parse_support_params({"instrument": "nope", "level": "EU,xx,EU", "elig": "indirect",
                                   "provider": "MMR", "measure": "bad", "tab": "money",
                                   "region": "CZ999"}, b.kraje, ids, ["MMR"])
    assert p.values["instrument"] is None and p.values["tab"] == "money"
    assert p.values["levels"] == ("EU",) and p.values["eligibility"] == ("indirect",)
    assert p.values["providers"] == ("MMR",) and p.values["region"] == config.DEFAULT_REGION
    assert p.values["measure"] == "municipal_transfers_received_czk_per_capita"
    assert p.values["scale"] == "orp"
    assert _keys(p) == ["support.notice_unknown_instrument", "notice.unknown_param",
                        "notice.unknown_param", "notice.unknown_region"]
    assert p.notices[1][1] == {"name": "measure", "value": "bad"}
    assert p.notices[2][1] == {"name": "level", "value": "xx"}
