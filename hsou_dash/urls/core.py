"""The pieces every page's address is made of: links that keep the language, and one parser
per kind of value (region, indicator, year, ORP, obec, choice, number, flag, comma list).

A parser takes the raw text (``None`` when the parameter is absent) and the :class:`Parsed`
being filled; it returns a value the bundle knows, or the default with a notice. Pure: no
Streamlit here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pandas as pd

from hsou_dash.config import DEFAULT_INDICATOR, DEFAULT_REGION, NATIONAL_CODE
from hsou_dash.domain.towns import ObecLayer, obec_indicators
from hsou_dash.text import DEFAULT_LANG

__all__ = [
    "PATHS", "Notice", "Parsed", "href", "link_params", "parse_choice", "parse_flag",
    "parse_indicator", "parse_int", "parse_level", "parse_multi", "parse_obec", "parse_orp",
    "parse_region", "parse_year", "region_codes",
]

Notice = tuple[str, dict[str, str]]

#: The address of each page (the ``url_path`` app.py gives ``st.navigation``).
PATHS = {"home": "/", "map": "/map", "orp": "/orp", "town": "/town", "support": "/support",
         "compare": "/compare", "methodology": "/methodology"}


@dataclass
class Parsed:
    """Validated parameters plus the notices explaining anything that was dropped."""

    values: dict[str, object] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)


# --- links ---------------------------------------------------------------------------------

def link_params(lang: str, **params: object) -> dict[str, str]:
    """Query parameters of an address: ``None`` and ``""`` left out, ``lang`` added when the
    reader's language is not the default one (so a link never switches the language)."""
    out = {k: str(v) for k, v in params.items() if v is not None and v != ""}
    if lang != DEFAULT_LANG:
        out["lang"] = lang
    return out


def href(page: str, lang: str, **params: object) -> str:
    """A relative link to ``page`` with ``params`` (percent-encoded) and the language kept."""
    query = urlencode(link_params(lang, **params))
    return PATHS[page] + (f"?{query}" if query else "")


# --- single parameters ---------------------------------------------------------------------

def region_codes(kraje: pd.DataFrame) -> list[str]:
    """Allowed ``region`` values: every kraj (NUTS3) and ``CZ`` for the whole country."""
    return [*kraje["kraj_code"].tolist(), NATIONAL_CODE]


def parse_region(raw: str | None, kraje: pd.DataFrame, out: Parsed) -> str:
    """A kraj code or ``CZ`` (any case), else the default region."""
    if raw is None or raw == "":
        return DEFAULT_REGION
    code = raw.strip().upper()
    if code in region_codes(kraje):
        return code
    out.notices.append(("notice.unknown_region", {"value": raw}))
    return DEFAULT_REGION


def parse_indicator(raw: str | None, available: list[str], out: Parsed,
                    default: str = DEFAULT_INDICATOR) -> str:
    """An indicator of ``available``, else ``default`` (or the first one if that is missing)."""
    if raw in available:
        return raw
    if raw:
        out.notices.append(("notice.unknown_indicator", {"value": raw}))
    return default if default in available else available[0]


def parse_year(raw: str | None, years: list[int], out: Parsed) -> int | None:
    """A year the indicator has, else the newest; ``None`` if it has none at all."""
    if not years:
        return None
    if raw:
        if re.fullmatch(r"\d{4}", raw.strip()) and int(raw) in years:
            return int(raw)
        out.notices.append(("notice.unknown_year", {"value": raw}))
    return years[0]


def parse_orp(raw: str | None, orp: pd.DataFrame, out: Parsed,
              region: str | None = None) -> str | None:
    """A known ORP code (optionally required to lie in ``region``), else ``None``."""
    if not raw:
        return None
    code = raw.strip()
    if not re.fullmatch(r"\d{4}", code) or code not in set(orp["orp_code"]):
        out.notices.append(("notice.unknown_orp", {"value": raw}))
        return None
    if region and region != NATIONAL_CODE:
        kraj = orp.loc[orp["orp_code"] == code, "kraj_code"].iloc[0]
        if kraj != region:
            out.notices.append(("notice.orp_outside_region", {"value": code}))
            return None
    return code


def parse_obec(raw: str | None, obce: pd.DataFrame, out: Parsed,
               region: str | None = None) -> str | None:
    """A known 6-digit municipality code (optionally required to lie in kraj ``region``)."""
    if not raw:
        return None
    code = raw.strip()
    row = obce[obce["obec_code"] == code] if re.fullmatch(r"\d{6}", code) else obce.iloc[0:0]
    if row.empty:
        out.notices.append(("town.unknown_obec", {"value": raw}))
        return None
    if region and region != NATIONAL_CODE and row["kraj_code"].iloc[0] != region:
        out.notices.append(("obec_layer.obec_outside_region", {"value": code}))
        return None
    return code


def parse_choice(name: str, raw: str | None, choices: list[str], default: str,
                 out: Parsed) -> str:
    """One of ``choices`` (exact), else ``default``."""
    if raw is None or raw == "":
        return default
    if raw in choices:
        return raw
    out.notices.append(("notice.unknown_param", {"name": name, "value": raw}))
    return default


def parse_int(name: str, raw: str | None, lo: int, hi: int, default: int, out: Parsed) -> int:
    """A whole number of one or two digits in ``lo``…``hi``, else ``default``."""
    if raw is None or raw == "":
        return default
    if re.fullmatch(r"\d{1,2}", raw.strip()) and lo <= int(raw) <= hi:
        return int(raw)
    out.notices.append(("notice.unknown_param", {"name": name, "value": raw}))
    return default


def parse_level(raw: str | None, layer: ObecLayer | None, region: str, indicator: str,
                available: list[str], out: Parsed) -> str:
    """``obec`` only where the municipal layer can show ``indicator``; else ``orp``."""
    level = parse_choice("level", raw, ["orp", "obec"], "orp", out)
    if level == "obec" and indicator not in obec_indicators(layer, region, available):
        key = ("obec_layer.unavailable_region" if layer is None or region not in layer.regions
               else "obec_layer.unavailable_indicator")
        out.notices.append((key, {"value": indicator}))
        return "orp"
    return level



_ON, _OFF = ("1", "true", "yes", "ano"), ("0", "false", "no", "ne")


def parse_flag(name: str, raw: str | None, out: Parsed) -> bool:
    """``1`` (or true/yes/ano) is on, ``0`` or nothing is off; anything else is off with a
    notice, so a typo in a prepared link is seen before the talk, not in it."""
    if raw is None or raw.strip() == "":
        return False
    value = raw.strip().lower()
    if value in _ON:
        return True
    if value not in _OFF:
        out.notices.append(("notice.unknown_param", {"name": name, "value": raw}))
    return False


def parse_multi(name: str, raw: str | None, allowed: list[str], out: Parsed
                ) -> tuple[str, ...]:
    """A comma list: known values kept once each, in order; the rest named in one notice."""
    if not raw:
        return ()
    picked, bad = [], []
    for part in raw.split(","):
        part = part.strip()
        (picked if part in allowed else bad).append(part)
    if bad:
        out.notices.append(("notice.unknown_param", {"name": name, "value": ",".join(bad)}))
    return tuple(dict.fromkeys(picked))
