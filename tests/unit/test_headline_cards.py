"""The home page's headline cards: one HTML block whose every text is escaped."""

from __future__ import annotations

from hsou_dash.viz.headline_cards import Card, Line, html
from tests.hostile import html_problems

EVIL = '<img src=x onerror=alert(1)>"&'


def test_cards_are_a_named_list_with_label_value_lines_and_help():
    out = html([Card("ORP v území", "16", (Line("z toho HSOÚ: ", strong="14"),)),
                Card("Podíl", "5,46 %", (Line("Česko: 3,94 %"), Line("Pozor: 2022", warn=True)),
                     help="Co to je")],
               label="Hlavní čísla", help_label="Co číslo znamená")
    assert out.startswith('<div class="hsou-cards" role="list" aria-label="Hlavní čísla">')
    assert out.count('role="listitem"') == 2
    assert '<p class="hsou-card-line">z toho HSOÚ: <strong>14</strong></p>' in out
    assert '<p class="hsou-card-line warn">Pozor: 2022</p>' in out
    assert "<details><summary>Co číslo znamená</summary><p>Co to je</p></details>" in out
    assert out.count("<details>") == 1  # only the card that has an explanation


def test_every_text_is_escaped():
    out = html([Card(EVIL, EVIL, (Line(EVIL, strong=EVIL, warn=True),), help=EVIL)],
               label=EVIL, help_label=EVIL)
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    assert 'aria-label="&lt;img src=x onerror=alert(1)&gt;&quot;&amp;"' in out
    assert html_problems(out) == []  # only the cards' own tags and attributes


def test_no_cards_is_an_empty_list():
    assert html([], label="x", help_label="y") == \
        '<div class="hsou-cards" role="list" aria-label="x"></div>'
