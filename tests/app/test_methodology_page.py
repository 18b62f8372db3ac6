"""AppTest of /methodology: the SRR text, the re-computation (cut-off, inputs, method), the
catalogue, URL state and bad parameters."""

from __future__ import annotations

from tests.app.conftest import open_page, param, texts
from tests.expected import default_agreement

#: computed from the official list file and the re-computation (tests/expected.py)
AGREE = default_agreement()
COMPUTED = AGREE.both + AGREE.only_computed

ALL = ["dwellings_completed_per_1000", "total_increase_per_1000", "ageing_index",
       "unemployment_share"]


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _agreement(at) -> str:
    return _metrics(at)["Shoda s oficiálními 73 ORP"]


def _table(at):
    return at.dataframe[1].value  # [0] is the SRR indicator table


def test_default_recomputation_and_texts():
    at = open_page("methodology")
    assert not at.exception
    assert at.multiselect(key="methodology.inputs").value == ALL
    assert at.radio(key="methodology.method").value == "zscore"
    assert at.slider(key="methodology.cutoff").value == 25
    m = _metrics(at)
    assert m["ORP ve výsledku přepočtu"] == str(COMPUTED)
    assert _agreement(at) == AGREE.cs()
    assert m["Jen v oficiálním seznamu"] == str(AGREE.only_official)
    assert m["Jen ve výsledku přepočtu"] == str(AGREE.only_computed)
    table = _table(at)
    assert len(table) == 206
    assert (table["in_computed"] == "ano").sum() == COMPUTED
    assert (table["in_official"] == "ano").sum() == AGREE.official == 73
    shown = texts(at)
    assert "není oficiální seznam HSOÚ" in shown  # never presented as the official list
    assert "24,7 %" in shown  # the HSOÚ share of 2020, as on the home page
    assert "Podkladový dokument s citacemi pramenů" in [e.label for e in at.expander]
    assert "intenzita podnikatelské aktivity" in shown.lower()
    assert "váhy" in shown and "standardizace" in shown  # what is not published
    assert "ČÚZK" in shown  # map attribution
    assert "náhrada (proxy)" in at.multiselect(key="methodology.inputs").format_func(ALL[0])
    catalogue = at.dataframe[2].value
    assert {"distraint_share", "unemployment_share"} <= set(catalogue["indicator_id"])
    dist = catalogue[catalogue["indicator_id"] == "distraint_share"].iloc[0]
    assert "nevěrohodné" in dist["caveats"] and dist["licence"]


def test_changing_the_cutoff_updates_result_table_and_url():
    at = open_page("methodology")
    at.slider(key="methodology.cutoff").set_value(10).run()
    assert not at.exception
    m = _metrics(at)
    assert int(m["ORP ve výsledku přepočtu"]) < COMPUTED
    assert float(m["Podíl obyvatel Česka (2020)"].split()[0].replace(",", ".")) <= 10.0
    assert (_table(at)["in_computed"] == "ano").sum() == int(m["ORP ve výsledku přepočtu"])
    assert param(at, "cutoff") == "10"


def test_changing_the_indicator_set_updates_result_and_url():
    at = open_page("methodology")
    at.multiselect(key="methodology.inputs").unselect("dwellings_completed_per_1000").run()
    assert not at.exception
    assert _agreement(at) == "52 z 73"  # measured: the three other inputs re-find 52
    assert "nehodnoceno" not in set(_table(at)["in_computed"])  # Praha, Plzeň, Brno now scored
    assert param(at, "inputs") == "total_increase_per_1000,ageing_index,unemployment_share"


def test_rank_standardisation():
    at = open_page("methodology")
    at.radio(key="methodology.method").set_value("rank").run()
    assert not at.exception
    assert _agreement(at) == "54 z 73"
    assert param(at, "method") == "rank"


def test_url_state_is_read():
    at = open_page("methodology", inputs="ageing_index,unemployment_share", method="rank",
                   cutoff="30")
    assert not at.exception
    assert at.multiselect(key="methodology.inputs").value == ["ageing_index",
                                                              "unemployment_share"]
    assert at.radio(key="methodology.method").value == "rank"
    assert at.slider(key="methodology.cutoff").value == 30


def test_no_inputs_selects_nothing():
    at = open_page("methodology", inputs="none")
    assert not at.exception
    assert _metrics(at)["ORP ve výsledku přepočtu"] == "0"
    assert any("žádný ukazatel" in i.value for i in at.info)


def test_disagreements_filter():
    at = open_page("methodology")
    at.segmented_control(key="methodology.show").set_value("disagreements").run()
    assert not at.exception
    table = _table(at)
    assert len(table) == AGREE.only_computed + AGREE.only_official
    assert set(table["agreement"]) == {"jen ve výsledku přepočtu", "jen v oficiálním seznamu HSOÚ"}


def test_bad_parameters_give_notices_and_default_view():
    at = open_page("methodology", inputs="gdp,ageing_index", method="magic", cutoff="99")
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    assert "gdp" in notices and "method=magic" in notices and "cutoff=99" in notices
    assert at.multiselect(key="methodology.inputs").value == ["ageing_index"]
    assert at.slider(key="methodology.cutoff").value == 25


def test_english():
    at = open_page("methodology", lang="en")
    assert not at.exception
    assert at.title[0].value.startswith("Methodology")
    assert "is not the official HSOÚ list" in texts(at)
    assert _metrics(at)["Agreement with the official 73 ORP"] == AGREE.en()


def test_late_echo_of_the_address_does_not_throw_the_slider_back(monkeypatch):
    """Reproduces a CI failure: the page sat at 25 % for a while, then two quick arrow-key
    steps; the second rerun still carried the browser's old address (cutoff=25, the newer one
    had not arrived yet). That address was written long ago but replaced only a moment ago, so
    it is an echo, not a link to follow: the slider must stay where the user put it."""
    clock = [1000.0]
    monkeypatch.setattr("hsou_dash.ui.state.time.monotonic", lambda: clock[0])
    at = open_page("methodology")
    assert param(at, "cutoff") == "25"
    old_address = dict(at.query_params)
    clock[0] += 60  # the first view stays on screen for a minute
    at.slider(key="methodology.cutoff").set_value(24).run()
    assert param(at, "cutoff") == "24"
    clock[0] += 1
    at.query_params.clear()
    at.query_params.update(old_address)  # the browser has not seen cutoff=24 yet
    at.slider(key="methodology.cutoff").set_value(23).run()
    assert not at.exception
    assert at.slider(key="methodology.cutoff").value == 23
    assert param(at, "cutoff") == "23"


def test_an_old_address_long_after_it_was_replaced_is_followed(monkeypatch):
    """The echo window is short: a link back to an earlier view, opened later, is followed."""
    clock = [1000.0]
    monkeypatch.setattr("hsou_dash.ui.state.time.monotonic", lambda: clock[0])
    at = open_page("methodology")
    old_address = dict(at.query_params)
    at.slider(key="methodology.cutoff").set_value(12).run()
    clock[0] += 120
    at.query_params.clear()
    at.query_params.update(old_address)
    at.run()
    assert at.slider(key="methodology.cutoff").value == 25


def test_the_bare_first_address_is_an_echo_too():
    """Seen in a loaded browser: the first visit was a bare ``/methodology``; the canonical
    address (``?method=…&cutoff=25``) had not reached the browser when the user moved the
    slider, so the reruns still carried the bare one. It must not reset the slider to 25."""
    at = open_page("methodology")
    at.slider(key="methodology.cutoff").set_value(21)
    at.query_params.clear()  # the address as first visited
    at.run()
    assert at.slider(key="methodology.cutoff").value == 21
    assert param(at, "cutoff") == "21"


def test_a_link_back_to_the_view_of_a_moment_ago_is_followed(monkeypatch):
    """Mašťov → Štětí → Mašťov in quick succession: the third address is a link (no widget of
    the page moved), not an echo, although the page replaced it two seconds ago."""
    clock = [1000.0]
    monkeypatch.setattr("hsou_dash.ui.state.time.monotonic", lambda: clock[0])
    at = open_page("methodology")
    old_address = dict(at.query_params)
    at.slider(key="methodology.cutoff").set_value(12).run()
    assert param(at, "cutoff") == "12"
    clock[0] += 2
    at.query_params.clear()
    at.query_params.update(old_address)
    at.run()
    assert at.slider(key="methodology.cutoff").value == 25
    assert param(at, "cutoff") == "25"
