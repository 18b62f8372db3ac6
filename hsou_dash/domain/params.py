"""Validation of URL parameters against the bundle. Pure: returns values and notices.

A notice is ``(text_key, fields)`` for the UI to translate; an unknown or malformed value
never raises, it falls back to the default view.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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


@dataclass(frozen=True)
class ObecLayer:
    """Where the map's municipal layer exists: kraje with obec polygons, and their values.

    ``indicators`` are those the bundle has at municipal level (both obec files carry the
    same set), so offering the layer reads nothing; ``values`` is called only when a kraj is
    actually shown by municipality, so the national obec table is read only for a kraj other
    than Ústecký.
    """

    regions: frozenset[str]
    obce: pd.DataFrame
    values: Callable[[str], pd.DataFrame]
    indicators: frozenset[str] = frozenset()


def obec_indicators(layer: ObecLayer | None, region: str, available: list[str]) -> list[str]:
    """Indicators the municipal layer can show in ``region`` ([] when it cannot be shown)."""
    if layer is None or region not in layer.regions:
        return []
    return [i for i in available if i in layer.indicators]


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


def parse_map_params(params: dict[str, str], kraje: pd.DataFrame, orp: pd.DataFrame,
                     values: pd.DataFrame, available: list[str],
                     layer: ObecLayer | None = None) -> Parsed:
    """Everything the map page reads from its URL (``layer``: where municipalities exist)."""
    from hsou_dash.domain.classify import DEFAULT_K, DEFAULT_SCHEME, MAX_K, MIN_K, SCHEMES

    out = Parsed()
    region = parse_region(params.get("region"), kraje, out)
    indicator = parse_indicator(params.get("indicator"), available, out)
    level = parse_level(params.get("level"), layer, region, indicator, available, out)
    year_values = layer.values(region) if level == "obec" and layer is not None else values
    out.values.update(
        region=region,
        indicator=indicator,
        level=level,
        year=parse_year(params.get("year"), years_of(year_values, indicator), out),
        orp=parse_orp(params.get("orp"), orp, out, region),
        obec=(parse_obec(params.get("obec"), layer.obce, out, region)
              if layer is not None else None),
        scheme=parse_choice("scheme", params.get("scheme"), list(SCHEMES), DEFAULT_SCHEME, out),
        k=parse_int("k", params.get("k"), MIN_K, MAX_K, DEFAULT_K, out),
        tiles=parse_choice("tiles", params.get("tiles"), ["none", "light", "osm"], "none", out),
        hsou=params.get("hsou", "1") != "0",
        present=params.get("present") == "1",
    )
    return out
