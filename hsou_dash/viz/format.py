"""Number formatting for display (Czech or English conventions). NaN reads as "no data"."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

#: decimals shown per unit; anything else falls back to 1 decimal (or 0 for large numbers)
_DECIMALS = {
    "%": 2, "% of pop 15+": 2, "% of total revenue": 1, "per 1000": 1, "index": 1,
    "persons 65+ per 100 aged 0-14": 1, "years": 1, "dwellings per 1000 inhabitants": 2,
    "persons": 0, "executions": 0, "dwellings": 0, "CZK": 0, "CZK per inhabitant": 0,
    "% of population": 1,
}

UNIT_LABELS = {
    "cs": {"persons": "osob", "executions": "exekucí", "dwellings": "bytů", "CZK": "Kč",
           "CZK per inhabitant": "Kč na obyvatele", "per 1000": "‰",
           "% of pop 15+": "% obyv. 15+", "years": "let", "index": "",
           "persons 65+ per 100 aged 0-14": "", "dwellings per 1000 inhabitants": "na 1000 obyv.",
           "% of total revenue": "% příjmů"},
    "en": {"per 1000": "‰", "index": "", "persons 65+ per 100 aged 0-14": "",
           "dwellings per 1000 inhabitants": "per 1000 inh."},
}


def decimals_for(unit: str | None, value: float | None = None) -> int:
    if unit in _DECIMALS:
        return _DECIMALS[unit]
    if value is not None and not math.isnan(value) and abs(value) >= 1000:
        return 0
    return 1


def unit_label(unit: str | None, lang: str) -> str:
    if not unit:
        return ""
    return UNIT_LABELS.get(lang, {}).get(unit, unit)


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
