"""Number, date and source formatting for display (Czech or English conventions).

One place decides how a number reads, so a table, a chart hover, a map legend and a metric
show the same "5,46 %" for the same value: fixed decimals per indicator
(:data:`hsou_dash.domain.catalogue.DECIMALS`), decimal comma and no-break-space thousands in
Czech, point and comma in English. NaN reads as "no data", never as 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from hsou_dash.domain import catalogue, dates
from hsou_dash.domain.sources import SourceInfo
from hsou_dash.text import translate_plain

#: decimals shown per unit, for numbers that are not an indicator of the catalogue (amounts of
#: support, areas); anything else falls back to 1 decimal (or 0 for large numbers)
_DECIMALS = {
    "%": 2, "% of population 15+": 2, "% of pop 15+": 2, "% of total revenue": 1,
    "persons 65+ per 100 aged 0-14": 1, "years": 1, "persons": 0, "executions": 0,
    "dwellings": 0, "CZK": 0, "CZK per inhabitant": 0, "% of population": 1,
    "per 1000 inhabitants": 1, "dwellings per 1000 inhabitants": 2,
}

#: Thousands separator in Czech text and tables: a no-break space, as ``Intl.NumberFormat``
#: ("cs-CZ") writes it, so pre-formatted cells and Streamlit's "localized" columns agree.
THOUSANDS_CS = "\u00a0"
#: Thousands separator in Czech charts: plotly's ``separators`` takes one character; a narrow
#: no-break space keeps axis ticks short and never wraps.
PLOT_THOUSANDS_CS = "\u202f"
#: Minus sign (U+2212): a hyphen looks like a dash in tables and may be read as a formula.
MINUS = "\u2212"

#: Unit labels as printed; "(31.12.2020)" in a unit names the denominator's date (kept in the
#: reference-date column), so the label drops it.
UNIT_LABELS = {
    "cs": {"persons": "osob", "executions": "exekucí", "dwellings": "bytů", "CZK": "Kč",
           "CZK per inhabitant": "Kč/obyv.", "per 1000 inhabitants": "‰", "per 1000": "‰",
           "% of population 15+": "%", "% of pop 15+": "%", "years": "let", "index": "",
           "persons 65+ per 100 aged 0-14": "",
           "dwellings per 1000 inhabitants": "bytů na 1000 obyv.",
           "% of total revenue": "% příjmů", "% of population": "% obyv."},
    "en": {"per 1000 inhabitants": "‰", "per 1000": "‰", "persons 65+ per 100 aged 0-14": "",
           "index": "", "% of population 15+": "%", "% of pop 15+": "%",
           "CZK per inhabitant": "CZK/inh.",
           "dwellings per 1000 inhabitants": "dwellings per 1000 inh."},
}


def _base_unit(unit: str) -> str:
    """'per 1000 inhabitants (31.12.2020)' → 'per 1000 inhabitants'."""
    return unit.split(" (")[0] if unit.endswith(")") else unit


def missing(value: object) -> bool:
    """No value: ``None``, pandas' ``NA`` (nullable integer columns such as ranks) or NaN."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def decimals_for(unit: str | None, value: float | None = None) -> int:
    """Decimals for a number known only by its unit (not a catalogue indicator)."""
    base = _base_unit(unit) if unit else unit
    if base in _DECIMALS:
        return _DECIMALS[base]
    if value is not None and not math.isnan(value) and abs(value) >= 1000:
        return 0
    return 1


def indicator_decimals(indicator_id: str | None, unit: str | None = None) -> int:
    """The fixed decimals of ``indicator_id`` (catalogue), else by unit — so one column never
    mixes 5.1 and 5.12, and a map legend shows as many decimals as the table beside it."""
    if indicator_id is not None and indicator_id in catalogue.DECIMALS:
        return catalogue.decimals(indicator_id)
    return decimals_for(unit)


def unit_label(unit: str | None, lang: str) -> str:
    if not unit:
        return ""
    base = _base_unit(unit)
    return UNIT_LABELS.get(lang, {}).get(base, base)


def number(value: float | None, decimals: int, lang: str) -> str:
    """``12345.6`` → ``12 345,6`` (cs) or ``12,345.6`` (en); a true minus sign."""
    text = f"{value:,.{decimals}f}"
    if lang == "cs":
        text = text.replace(",", THOUSANDS_CS).replace(".", ",")
    return text.replace("-", MINUS)


def attach_unit(text: str, unit: str | None, lang: str) -> str:
    """``text`` and the unit label, joined by a no-break space ("5,46 %", "12 345 osob")."""
    label = unit_label(unit, lang)
    return f"{text}\u00a0{label}" if label else text


def value(value: float | None, unit: str | None, lang: str, no_data: str,
          with_unit: bool = True) -> str:
    """A value with its unit, or ``no_data`` when missing (decimals by unit: for numbers that
    are not a catalogue indicator; indicators go through :func:`indicator_value`)."""
    if missing(value):
        return no_data
    return _with_unit(number(value, decimals_for(unit, value), lang), unit, lang, with_unit)


def indicator_value(value: float | None, indicator_id: str | None, unit: str | None, lang: str,
                    no_data: str, with_unit: bool = True) -> str:
    """A value of ``indicator_id`` with its fixed decimals and unit, or ``no_data``.

    Every table cell, tooltip, metric and legend of an indicator goes through here, so the same
    number reads the same everywhere ("5,46 %" in Czech, "5.46 %" in English).
    """
    if missing(value):
        return no_data
    return _with_unit(number(value, indicator_decimals(indicator_id, unit), lang), unit, lang,
                      with_unit)


def _with_unit(text: str, unit: str | None, lang: str, with_unit: bool) -> str:
    return attach_unit(text, unit, lang) if with_unit else text


# --- charts ---------------------------------------------------------------------------------

def plotly_separators(lang: str) -> str:
    """Plotly's ``layout.separators`` (decimal, then thousands): ``",\u202f"`` in Czech —
    decimal comma and a narrow no-break space, "12 345,6" — and ``".,"`` in English."""
    return f",{PLOT_THOUSANDS_CS}" if lang == "cs" else ".,"


def d3_format(decimals: int) -> str:
    """The d3 format of a number with ``decimals`` fixed decimals and thousands grouping
    (plotly applies ``separators``, so this is the same in both languages): ``",.2f"``."""
    return f",.{max(int(decimals), 0)}f"


def hover_number(axis: str, decimals: int, unit: str = "") -> str:
    """A hover-template fragment: ``%{y:,.2f} %`` — the indicator's decimals and unit label,
    never a fixed two decimals. ``unit`` is the printed label, escaped by the caller."""
    out = f"%{{{axis}:{d3_format(decimals)}}}"
    return f"{out}\u00a0{unit}" if unit else out


# --- dates and sources ----------------------------------------------------------------------

def date(ref: object, lang: str) -> str:
    """One date style: "31. 12. 2020" / "31 Dec 2020" (see :mod:`hsou_dash.domain.dates`)."""
    return dates.format_date(ref, lang)


def ref_phrase(refs: Iterable[object], lang: str) -> str:
    """"k 31. 12. 2020", "za rok 2020", "za roky 2015, 2020" — never "stav k 2020"."""
    return dates.ref_phrases(refs, lang)


def source_text(info: SourceInfo, lang: str, *, label: bool = True) -> str:
    """The one source line of a number: "Zdroj: ČSÚ – DataStat OBY02AT02 …; k 31. 12. 2020".

    Publisher first, then the dataset, then the reference date(s) in one style. Plain text
    (fields are data): escape it for the sink (``md`` for Streamlit, ``plot_text`` for
    Plotly). The retrieval path (repository, URL) is not part of it: see :func:`retrieval`.
    """
    parts = [info.line(lang)]
    when = dates.ref_phrases(info.ref_dates, lang)
    text = "; ".join(p for p in (*parts, when) if p)
    if not label:
        return text
    return f"{translate_plain(lang, 'trust.source_label')}: {text or '—'}"


def retrieval(info: SourceInfo) -> list[str]:
    """How the app obtained the data (repository paths and URLs), for the "how we got the
    data" detail one click away from the source line."""
    return list(info.retrieval)

