"""The map's ranking table as HTML: structure, page-language numbers, gaps, escaping."""

from __future__ import annotations

import math

import pandas as pd

from hsou_dash.viz import rank_table
from tests.app.conftest import RankTableParser

COLUMNS = {"rank": ("Pořadí", "rank", None), "orp_name": ("ORP", "text", None),
           "value": ("Hodnota (%)", "number", 2), "count": ("Obyvatelé", "count", 0)}


def _table() -> pd.DataFrame:  # synthetic rows, test only
    return pd.DataFrame({"orp_code": ["1", "2", "3"],
                         "orp_name": ["Most", "<img src=x onerror=alert(1)>", "Žatec"],
                         "rank": pd.array([1, 2, None], dtype="Int64"),
                         "value": [12.5, -1.25, math.nan],
                         "count": [12345.0, 800.0, math.nan]})


def _parse(body: str) -> pd.DataFrame:
    parser = RankTableParser()
    parser.feed(body)
    return pd.DataFrame(parser.rows, columns=parser.columns)


def test_numbers_follow_the_page_language_and_gaps_say_no_data():
    cs = _parse(rank_table.html(_table(), COLUMNS, caption="C", lang="cs", no_data="bez dat"))
    assert cs["value"].tolist() == ["12,50", "\u22121,25", "bez dat"]
    assert cs["count"].tolist() == ["12\u00a0345", "800", "bez dat"]
    assert cs["rank"].tolist() == ["1", "2", "bez dat"]
    en = _parse(rank_table.html(_table(), COLUMNS, caption="C", lang="en", no_data="no data"))
    assert en["value"].tolist() == ["12.50", "\u22121.25", "no data"]
    assert en["count"].tolist()[0] == "12,345"


def test_headers_caption_and_row_headers_for_screen_readers():
    body = rank_table.html(_table(), COLUMNS, caption="Podíl (2020), Ústecký kraj", lang="cs",
                           no_data="bez dat")
    assert body.count('<th scope="col"') == 4 and body.count('<th scope="row"') == 3
    assert "<caption>Podíl (2020), Ústecký kraj</caption>" in body
    assert 'role="region" aria-label="Podíl (2020), Ústecký kraj" tabindex="0"' in body
    assert body.count('class="num"') == 3 + 3 * 3  # three number columns, head and rows


def test_data_text_is_escaped_never_markup():
    table = _table()
    table.loc[0, "orp_name"] = 'x" onmouseover="alert(1)'
    body = rank_table.html(table, COLUMNS, caption='<script>alert(1)</script>', lang="cs",
                           no_data="bez dat")
    assert "<img" not in body and "<script" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert '" onmouseover' not in body and "&quot; onmouseover" in body
    assert _parse(body)["orp_name"].tolist()[1] == "<img src=x onerror=alert(1)>"


def test_the_chosen_territory_is_marked():
    body = rank_table.html(_table(), COLUMNS, caption="C", lang="cs", no_data="-",
                           code="orp_code", selected="3")
    rows = body.split("<tr")
    chosen = [r for r in rows if 'class="sel" aria-current="true"' in r]
    assert len(chosen) == 1 and "Žatec" in chosen[0]
    assert 'class="sel"' not in rank_table.html(_table(), COLUMNS, caption="C", lang="cs",
                                                no_data="-", code="orp_code", selected=None)
