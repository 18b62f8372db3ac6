"""Unit tests of the issue-8 views of the ORP and town profiles, /methodology and /support:
footnotes, coverage notes, public links, the reconciliation table, publisher-first sources."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from hsou_dash.data import loaders
from hsou_dash.domain import reconcile, towns
from hsou_dash.domain.aggregate import Aggregate, obec_gaps
from hsou_dash.text import translator
from hsou_dash.viz import (
    methodology_view,
    orp_view,
    support_charts,
    support_view,
    town_view,
    trust_view,
)

TEPLICE, DUBI = "4213", "567507"
TAX = "municipal_tax_revenue_per_capita"


@pytest.fixture(scope="module")
def gaps(bundle_dir):
    return obec_gaps(loaders.load_obec_values_cz(bundle_dir))


@pytest.fixture(scope="module")
def teplice(bundle, gaps):
    return orp_view.build(bundle, TEPLICE, translator("cs"), "cs", gaps=gaps)


# ------------------------------------------------------------------------- trust_view

def test_footnotes_number_each_text_once():
    notes = trust_view.Footnotes()
    assert notes.marks(["a", "b"]) == "[1] [2]"
    assert notes.mark("a") == "[1]" and notes.marks([]) == ""
    assert notes.texts == ["a", "b"]
    assert trust_view.with_mark("5 %", "") == "5 %"
    assert notes.markdown().startswith("1. a\n2. b")


def test_coverage_texts_say_only_what_applies():
    tr = translator("cs")
    partial = Aggregate(10.0, 205, 206, left_out_obce=("1", "2"),
                        left_out_obce_population=1549.0, gap_key="trust.gap.no_budget")
    assert trust_view.coverage_texts(partial, "orp_code", "Česko", tr, "cs") == [
        "Česko: bez 2 obcí (1\u00a0549 obyvatel) bez údajů o daňových příjmech"]
    # a territory's own published value: members without data are not its business
    own = Aggregate(math.nan, 0, 1, left_out=("4213",), left_out_population=1.0)
    assert trust_view.coverage_texts(own, "orp_code", "Teplice", tr, "cs", own=True) == []
    # "no data" for a region: the reason, not the list of members without data
    none = Aggregate(math.nan, 1, 16, left_out=tuple("abcdefghijklmno"),
                     left_out_population=774976.0)
    texts = trust_view.coverage_texts(none, "orp_code", "Ústecký kraj", tr, "cs")
    assert len(texts) == 1 and "neuvádíme" in texts[0]


def test_public_links_turn_repository_shorthand_into_a_link():
    text = "z repozitáře github:petrbouchal/obce-covid19\n  (soubor x.parquet)"
    out = trust_view.public_links(text)
    assert "github:" not in out
    assert "[github.com/petrbouchal/obce-covid19](https://github.com/petrbouchal/obce-covid19)" \
        in out


def test_notes_of_a_value_and_of_a_span():
    tr = translator("cs")
    keys = [k for k, _ in trust_view.value_notes("distraint_share", 2022)]
    assert "trust.caveat.distraint_2022_denominator" in keys
    assert "map.caveat_distraint_2022" in keys
    span = " ".join(trust_view.span_texts("population", [2015, 2019, 2020, 2021, 2022], tr))
    assert "Sčítání 2021" in span and "dočasnou ochranou" in span
    assert trust_view.span_texts("population", [2015, 2019, 2020], tr) == []
    proxy = trust_view.span_texts("total_increase_per_1000", [2020], tr)
    assert any("31. 12." in t for t in proxy)  # the all-year note of a proxy


def test_retrieval_markdown_escapes_paths():
    md = trust_view.retrieval_markdown([("Podíl", ["github:a/b@1:c.parquet", "[x](javascript:1)"]),
                                        ("Prázdné", [])])
    assert md.count("\n") == 0 and "Prázdné" not in md
    assert "\\[x\\](javascript" in md  # the bracket is escaped: no link forms


# ------------------------------------------------------------------------- ORP profile

def test_orp_profile_sources_dates_and_coverage(teplice):
    t = teplice.table.set_index("indicator")
    une = t.loc["Podíl nezaměstnaných osob"]
    assert une["source"].startswith("ÚP ČR/MPSV – ")
    assert une["ref_date"] == "k 31.\u00a012.\u00a02020"
    assert not teplice.table["source"].str.contains("github|parquet").any()
    tax = t.loc["Daňové příjmy obcí na obyvatele"]
    assert tax["ref_date"] == "za rok 2019"
    assert "bez dat" not in tax["cz"] and tax["cz"].endswith("]")
    assert any("Česko: bez 10 obcí" in n for n in teplice.notes)
    assert teplice.hsou_source.startswith("MMR – ")
    assert "github" in teplice.retrieval  # kept for the "how we got the data" detail
    assert [k.indicator_id for k in teplice.key_figures] == list(orp_view.KEY_INDICATORS)
    assert set(teplice.export.columns) >= {"source", "retrieval", "notes", "kraj_value"}


def test_orp_profile_without_gaps_does_not_mix_bases(bundle):
    p = orp_view.build(bundle, TEPLICE, translator("cs"), "cs")
    tax = p.table.set_index("indicator").loc["Daňové příjmy obcí na obyvatele"]
    assert tax["cz"].startswith("bez dat")  # numerator and denominator would not match


def test_orp_trend_has_gaps_and_marks(bundle, teplice):
    fig = orp_view.trend_figure(bundle, teplice, "distraint_share", translator("en"), "en")
    y = dict(zip(fig.data[0].x, fig.data[0].y, strict=True))
    assert y[2018] is None and y[2020] is None and y[2019] == pytest.approx(16.8)
    assert fig.layout.separators == ".,"
    notes = orp_view.trend_notes(bundle, teplice, "distraint_share", translator("en"))
    assert any("2021 census" in n for n in notes)


def test_municipalities_population_in_the_readers_style(bundle, bundle_dir):
    obce = orp_view.municipalities(bundle, TEPLICE, loaders.load_obec_values_cz(bundle_dir), "cs")
    assert obce.iloc[0]["population_text"] == "50\u00a0856"
    en = orp_view.municipalities(bundle, TEPLICE, bundle.obec_values, "en")
    assert en.iloc[0]["population_text"] == "50,856" and en["profile"].str.endswith("lang=en").all()


# ------------------------------------------------------------------------- town profile

def test_town_profile_notes_and_sources(bundle, bundle_dir, gaps):
    m = towns.membership(bundle.obce, bundle.orp, DUBI)
    lv = towns.levels(m, bundle.orp, bundle.orp_values, bundle.obce, bundle.obec_values, gaps)
    from hsou_dash.domain.profile import profile
    prof = profile(bundle.obec_values, "obec_code", DUBI, lv.compare, lv.rank_within)
    areas = loaders.load_obec_areas(bundle_dir, m.kraj_code)
    view = town_view.build(bundle, m, bundle.obec_values, prof, areas, translator("cs"), "cs",
                           levels=lv)
    assert view.population.source.startswith("Zdroj: ČSÚ – DataStat")
    assert "31.\u00a012.\u00a02025" in view.population.source
    assert view.hsou_source.startswith("MMR – ")
    assert not view.table["source"].str.contains("github").any()
    assert any("Česko: bez 10 obcí" in n for n in view.notes)
    assert "ref_date" in view.columns and "1 = nejvyšší hodnota" in view.columns["rank_orp"]
    fig = town_view.trend(bundle, m, bundle.obec_values, "population", translator("cs"), "cs",
                          levels=lv)
    assert 2020.5 in [s.x0 for s in fig.layout.shapes]


# ------------------------------------------------------------------------- methodology

def test_published_decimals_and_links():
    decimals = [methodology_view.published_decimals(t) for t in (0.005, 0.05, 0.5, 500.0)]
    assert decimals == [2, 1, 0, 0]
    assert methodology_view.source_link("github:o/r@a1de0d8:x/y.js (panel)") == \
        "https://github.com/o/r/blob/a1de0d8/x/y.js"
    assert methodology_view.source_link("javascript:alert(1)") is None
    assert methodology_view.source_link("derived: sum") is None


@pytest.mark.parametrize("lang,agrees,differs,pp", [("cs", "souhlasí", "liší se", "p. b."),
                                                    ("en", "agrees", "differs", "pp")])
def test_reconciliation_table(bundle, gaps, lang, agrees, differs, pp):
    raw = reconcile.table(bundle, gaps)
    t = methodology_view.reconciliation_table(bundle, raw, translator(lang), lang)
    assert len(t) == len(raw)
    assert list(t["status"].iloc[:2]) == [differs, differs]  # what differs comes first
    uk = t[(t["territory"] == "Ústecký kraj") & (t["year"] == 2020)].iloc[0]
    assert uk["status"] == agrees and uk["ours"].startswith(("5,460", "5.460"))
    cz = t[(t["year"] == 2019) & t["published"].str.startswith(("8,7", "8.7"))].iloc[0]
    assert cz["status"] == differs and cz["difference"].endswith(pp) and cz["reason"]
    assert cz["difference"].startswith("−0")
    assert not t["source"].str.contains("github:|derived").any()
    okres = t[t["reason"] == translator(lang).plain("trust.reconcile.okres_level")]
    assert len(okres) and okres["territory"].str.contains("okres|district").all()


def test_catalogue_keeps_retrieval_apart(bundle):
    cat = methodology_view.catalogue_table(bundle, translator("cs"), "cs")
    shown = cat[list(methodology_view.CATALOGUE_SHOWN)].astype(str)
    assert not shown.apply(lambda c: c.str.contains("github:")).any().any()
    assert cat["retrieval"].str.contains("github:").any()
    pop = cat.set_index("indicator_id").loc["population"]
    assert pop["source"].startswith("ČSÚ – ") and "Sčítání 2021" in pop["caveats"]
    assert dict(methodology_view.catalogue_retrieval(cat))[pop["name"]]


# ------------------------------------------------------------------------- support

def test_transfers_source_is_publisher_first(bundle):
    tables = loaders.load_support(bundle.root)
    f = tables.funding_orp
    rows = f[f["measure"] == "municipal_transfers_received_czk_per_capita"]
    info = support_view.transfers_source(rows)
    line = info.line("cs")
    assert line.startswith("MF ČR, ČSÚ – rozpočty obcí za rok 2019") and "github" not in line
    assert any(r.startswith("github:") for r in info.retrieval)
    total = support_view.transfers_source(f[f["measure"] == "municipal_transfers_received_czk"])
    assert total.line("en").startswith("Ministry of Finance (MF ČR) – municipal budgets 2019")


def test_support_figures_use_the_shared_separators():
    rows = pd.DataFrame({"label": ["a"], "amount": [2e9], "amount_text": ["2 mld. Kč"],
                         "kind": ["k"], "source": ["s"]})
    assert support_charts.allocation_bars(rows, title="t", axis="x",
                                          lang="cs").layout.separators == ",\u202f"
    assert support_charts.allocation_bars(rows, title="t", axis="x",
                                          lang="en").layout.separators == ".,"
