"""AppTest of /support: catalogue, filters → table and charts, URL state, notices, section."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import TIMEOUT, open_page, texts


def _catalogue(at):
    return at.dataframe[0].value


def _charts(at) -> list[dict]:
    """Plotly figures of the run, as the JSON specs the frontend gets."""
    import json

    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def _bar_labels(spec: dict) -> list[str]:
    return [y for trace in spec["data"] if trace.get("type") == "bar" for y in trace["y"]]


def test_default_view_lists_every_instrument():
    at = open_page("support")
    assert not at.exception
    table = _catalogue(at)
    assert len(table) == 11
    shown = texts(at)
    assert "Nástroje podpory" in shown
    assert "Zobrazeno 11 z 11" in shown
    assert "nezveřejněno" in table["allocation"].tolist()  # missing ≠ 0
    assert not any(a.strip().startswith("0") for a in table["allocation"])
    assert table["source"].str.startswith("http").all()
    assert len(at.get("download_button")) == 2  # CSV for Czech Excel + machine-readable


def test_level_filter_changes_table_and_url():
    at = open_page("support")
    at.multiselect(key="support.levels").set_value(["EU"]).run()
    assert not at.exception
    assert len(_catalogue(at)) == 4
    assert "Zobrazeno 4 z 11" in texts(at)
    assert "EU" in str(at.query_params.get("level"))


def test_filters_change_the_charts():
    at = open_page("support", tab="money")
    assert not at.exception
    before = _bar_labels(_charts(at)[0])
    assert len(before) == 5  # only published allocations are drawn
    at.multiselect(key="support.elig").set_value(["priority"]).run()
    assert not at.exception
    after = _bar_labels(_charts(at)[0])
    assert len(after) == 2 and set(after) < set(before)
    timeline = _charts(at)[1]
    assert len({y for tr in timeline["data"] for y in tr["y"]}) == 2


def test_url_filters_are_read():
    at = open_page("support", level="national", elig="not_specific")
    assert not at.exception
    assert sorted(_catalogue(at)["name"].str[:7]) == ["Agentur", "Program"]
    assert at.multiselect(key="support.levels").value == ["national"]


def test_instrument_link_opens_its_map():
    at = open_page("support", instrument="opst")
    assert not at.exception
    assert at.selectbox(key="support.instrument").value == "opst"
    shown = texts(at)
    assert "Pravidlo pokrytí" in shown and "Moravskoslezského" in shown
    assert "ORP: 45 celých" in shown
    assert "ČÚZK" in shown  # attribution under the map
    assert str(at.query_params.get("instrument")) in ("opst", "['opst']")


def test_unknown_instrument_gives_a_friendly_notice():
    at = open_page("support", instrument="nope", level="XX", measure="zz", elig="unclear")
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    assert "nope" in notices and "level=XX" in notices and "measure=zz" in notices
    assert "elig=unclear" in notices  # a category no instrument has is not offered
    assert len(_catalogue(at)) == 11  # default view


def test_matrix_and_territory_tabs():
    at = open_page("support", tab="matrix")
    assert not at.exception
    heat = _charts(at)[0]["data"][0]
    assert heat["type"] == "heatmap" and len(heat["y"]) == 11
    at = open_page("support", tab="territory")
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 10
    # support_by_orp.csv: three rows cover only part of a kraj or the ITI area (the OPST call's
    # defined obce, the 9 MAS, the agglomeration); they say why instead of a number
    why = "část kraje nebo území ITI – počet obyvatel data nemají"
    partial = table[table["per_inh"] == why]
    assert sorted(partial["instrument"]) == sorted(["OPST 23. výzva (ÚK)",
                                                    "CLLD – místní akční skupiny",
                                                    "ITI Ústecko-chomutovské aglomerace"])
    assert table.loc[table["per_inh"] != why, "per_inh"].str.contains("Kč").all()


def test_transfers_tab_labels_money_plainly_and_warns_on_praha():
    at = open_page("support", tab="transfers")
    assert not at.exception
    shown = texts(at)
    assert "nejde o „evropské peníze“" in shown
    assert "HSOÚ" in shown and "Medián" in shown
    assert at.selectbox(key="support.region").value == "CZ042"
    at.selectbox(key="support.region").set_value("CZ010").run()
    assert not at.exception
    assert any("Praha" in w.value for w in at.warning)
    assert "CZ010" in str(at.query_params.get("region"))


def test_municipal_level_in_usti_region():
    at = open_page("support", tab="transfers", scale="obec")
    assert not at.exception
    assert at.radio(key="support.scale").value == "obec"
    assert any("malé obci" in w.value for w in at.warning)
    assert len(at.dataframe[0].value) == 354


def test_english():
    at = open_page("support", lang="en")
    assert not at.exception
    assert at.title[0].value.startswith("Support instruments")
    assert "not published" in _catalogue(at)["allocation"].tolist()


def _section_script():
    import streamlit as st

    from hsou_dash.ui import cache
    from hsou_dash.ui.support_section import render_support_section

    render_support_section(cache.get_bundle(), orp_code=st.query_params.get("orp"),
                           obec_code=st.query_params.get("obec"))


def test_support_section_for_orp_and_obec(monkeypatch):
    import streamlit as st

    from hsou_dash.ui import widgets

    # a bare script has no st.navigation, so st.page_link cannot resolve pages/support.py
    monkeypatch.setattr(widgets, "page_link", lambda *a, **k: st.markdown("→ /support"))
    at = AppTest.from_function(_section_script, default_timeout=TIMEOUT)
    at.query_params["orp"] = "4214"
    at.run()
    assert not at.exception
    assert at.subheader[0].value == "Podpora, která se týká tohoto místa"
    rows = at.dataframe[0].value
    assert "celé ORP" in rows["how"].tolist()
    assert rows["detail"].str.startswith("/support?instrument=").all()
    assert any("přijaté peníze" in c.value for c in at.caption)  # 2019 transfers, labelled
    at = AppTest.from_function(_section_script, default_timeout=TIMEOUT)
    at.query_params["orp"] = "1000"
    at.run()
    assert len(at.dataframe[0].value) == 2  # Praha: only the nationwide instruments
    at = AppTest.from_function(_section_script, default_timeout=TIMEOUT)
    at.query_params["obec"] = "000000"
    at.run()
    assert not at.exception and "žádný nástroj" in at.info[0].value


def test_register_and_records_that_disagree_give_a_message_not_a_traceback(monkeypatch):
    """A bundle whose register lacks an instrument the app's records describe (a renamed id,
    an older bundle): /support and the profile section say so and name the record."""
    from hsou_dash.domain import support
    from hsou_dash.ui import cache

    def mismatch(root, today):
        raise support.InstrumentsError("instruments.toml: record(s) 'opst' not in the bundle's "
                                       "support_instruments.csv")

    monkeypatch.setattr(cache, "support_instruments", mismatch)
    at = open_page("support")
    assert not at.exception
    assert "'opst'" in at.error[0].value and "neodpovídá" in at.error[0].value
    assert not at.dataframe  # nothing half-drawn
    at = AppTest.from_function(_section_script, default_timeout=TIMEOUT)
    at.query_params["orp"] = "4214"
    at.run()
    assert not at.exception and "'opst'" in at.error[0].value
