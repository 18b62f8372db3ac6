"""Number formatting for display (Czech or English conventions). NaN reads as "no data"."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

#: decimals shown per unit; anything else falls back to 1 decimal (or 0 for large numbers)
_DECIMALS = {
    "%": 2, "% of population 15+": 2, "% of pop 15+": 2, "% of total revenue": 1,
    "persons 65+ per 100 aged 0-14": 1, "years": 1, "persons": 0, "executions": 0,
    "dwellings": 0, "CZK": 0, "CZK per inhabitant": 0, "% of population": 1,
    "per 1000 inhabitants": 1, "dwellings per 1000 inhabitants": 2,
}

#: Unit labels as printed; "(31.12.2020)" in a unit names the denominator's date (kept in the
#: reference-date column), so the label drops it.
UNIT_LABELS = {
    "cs": {"persons": "osob", "executions": "exekucí", "dwellings": "bytů", "CZK": "Kč",
           "CZK per inhabitant": "Kč/obyv.", "per 1000 inhabitants": "‰",
           "% of population 15+": "%", "% of pop 15+": "%", "years": "let",
           "persons 65+ per 100 aged 0-14": "",
           "dwellings per 1000 inhabitants": "bytů na 1000 obyv.",
           "% of total revenue": "% příjmů", "% of population": "% obyv."},
    "en": {"per 1000 inhabitants": "‰", "persons 65+ per 100 aged 0-14": "",
           "% of population 15+": "%", "% of pop 15+": "%", "CZK per inhabitant": "CZK/inh.",
           "dwellings per 1000 inhabitants": "dwellings per 1000 inh."},
}


def _base_unit(unit: str) -> str:
    """'per 1000 inhabitants (31.12.2020)' → 'per 1000 inhabitants'."""
    return unit.split(" (")[0] if unit.endswith(")") else unit


def decimals_for(unit: str | None, value: float | None = None) -> int:
    base = _base_unit(unit) if unit else unit
    if base in _DECIMALS:
        return _DECIMALS[base]
    if value is not None and not math.isnan(value) and abs(value) >= 1000:
        return 0
    return 1


def unit_label(unit: str | None, lang: str) -> str:
    if not unit:
        return ""
    base = _base_unit(unit)
    return UNIT_LABELS.get(lang, {}).get(base, base)


def number(value: float | None, decimals: int, lang: str) -> str:
    """``12345.6`` → ``12 345,6`` (cs) or ``12,345.6`` (en)."""
    text = f"{value:,.{decimals}f}"
    if lang == "cs":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text.replace("-", "−")


def value(value: float | None, unit: str | None, lang: str, no_data: str,
          with_unit: bool = True) -> str:
    """A value with its unit, or ``no_data`` when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return no_data
    text = number(value, decimals_for(unit, value), lang)
    label = unit_label(unit, lang) if with_unit else ""
    if not label:
        return text
    return f"{text}\u00a0{label}" if label not in ("%",) else f"{text}\u00a0%"


def source_line(tr: Callable[..., str], source: str, ref_dates: Iterable[object]) -> str:
    """"Source: …; as of …" — every figure on screen carries this."""
    dates = sorted({str(d) for d in ref_dates if d is not None and str(d) != "nan"})
    return f"{tr('common.source')}: {source}; {tr('common.ref_date')} {', '.join(dates) or '—'}"
