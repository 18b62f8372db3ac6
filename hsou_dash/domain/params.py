"""Validation of URL parameters against the bundle. Pure: returns values and notices.

A notice is ``(text_key, fields)`` for the UI to translate; an unknown or malformed value
never raises, it falls back to the default view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from hsou_dash.config import DEFAULT_INDICATOR, DEFAULT_REGION, NATIONAL_CODE
from hsou_dash.domain.catalogue import years_of

Notice = tuple[str, dict[str, str]]


@dataclass
class Parsed:
    """Validated parameters plus the notices explaining anything that was dropped."""

    values: dict[str, object] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)


def region_codes(kraje: pd.DataFrame) -> list[str]:
    """Allowed ``region`` values: every kraj (NUTS3) and ``CZ`` for the whole country."""
    return [*kraje["kraj_code"].tolist(), NATIONAL_CODE]


def parse_region(raw: str | None, kraje: pd.DataFrame, out: Parsed) -> str:
    allowed = region_codes(kraje)
    if raw is None or raw == "":
        return DEFAULT_REGION
    code = raw.strip().upper()
    if code in allowed:
        return code
    out.notices.append(("notice.unknown_region", {"value": raw}))
    return DEFAULT_REGION


def parse_indicator(raw: str | None, available: list[str], out: Parsed,
                    default: str = DEFAULT_INDICATOR) -> str:
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


def parse_choice(name: str, raw: str | None, choices: list[str], default: str,
                 out: Parsed) -> str:
    if raw is None or raw == "":
        return default
    if raw in choices:
        return raw
    out.notices.append(("notice.unknown_param", {"name": name, "value": raw}))
    return default


def parse_int(name: str, raw: str | None, lo: int, hi: int, default: int, out: Parsed) -> int:
    if raw is None or raw == "":
        return default
    if re.fullmatch(r"\d{1,2}", raw.strip()) and lo <= int(raw) <= hi:
        return int(raw)
    out.notices.append(("notice.unknown_param", {"name": name, "value": raw}))
    return default


def parse_map_params(params: dict[str, str], kraje: pd.DataFrame, orp: pd.DataFrame,
                     values: pd.DataFrame, available: list[str]) -> Parsed:
    """Everything the map page reads from its URL."""
    from hsou_dash.domain.classify import DEFAULT_K, DEFAULT_SCHEME, MAX_K, MIN_K, SCHEMES

    out = Parsed()
    region = parse_region(params.get("region"), kraje, out)
    indicator = parse_indicator(params.get("indicator"), available, out)
    out.values.update(
        region=region,
        indicator=indicator,
        year=parse_year(params.get("year"), years_of(values, indicator), out),
        orp=parse_orp(params.get("orp"), orp, out, region),
        scheme=parse_choice("scheme", params.get("scheme"), list(SCHEMES), DEFAULT_SCHEME, out),
        k=parse_int("k", params.get("k"), MIN_K, MAX_K, DEFAULT_K, out),
        tiles=parse_choice("tiles", params.get("tiles"), ["none", "light", "osm"], "none", out),
        hsou=params.get("hsou", "1") != "0",
    )
    return out
