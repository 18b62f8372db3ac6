"""Every page's address in one place: reading its query parameters and building in-app links.

A shared link is the app's only public interface besides the screen, so one module owns it
(as datasette's ``Urls`` does): the pages call one ``parse_<page>_params`` each and never read
a parameter themselves, and every link the app writes by hand goes through :func:`href`, so it
keeps the reader's language. Pure: no Streamlit here (``hsou_dash.ui.state`` moves the values
between ``st.query_params`` and the widgets).

A notice is ``(text_key, fields)`` for the UI to translate; an unknown or malformed value never
raises, it falls back to the default view. Every value that comes back is one the bundle knows,
so a page may use it without checking again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pandas as pd

from hsou_dash.config import DEFAULT_INDICATOR, DEFAULT_ORP, DEFAULT_REGION, NATIONAL_CODE
from hsou_dash.domain import hsou
from hsou_dash.domain.catalogue import years_of
from hsou_dash.domain.classify import DEFAULT_K, DEFAULT_SCHEME, MAX_K, MIN_K, SCHEMES
from hsou_dash.domain.towns import ObecLayer, obec_indicators
from hsou_dash.text import DEFAULT_LANG

if TYPE_CHECKING:
    from hsou_dash.data.loaders import Bundle

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


# --- / , /orp , /town ----------------------------------------------------------------------

def parse_home_params(params: dict[str, str], kraje: pd.DataFrame) -> Parsed:
    """``region`` of the home page."""
    out = Parsed()
    out.values["region"] = parse_region(params.get("region"), kraje, out)
    return out


def parse_orp_params(params: dict[str, str], orp: pd.DataFrame) -> Parsed:
    """``orp`` of the ORP profile; the default ORP when none (or an unknown one) is given."""
    out = Parsed()
    out.values["orp"] = parse_orp(params.get("orp"), orp, out) or DEFAULT_ORP
    return out


def parse_town_params(params: dict[str, str], obce: pd.DataFrame) -> Parsed:
    """``obec`` of the town profile; ``None`` (the search) when none or an unknown one."""
    out = Parsed()
    out.values["obec"] = parse_obec(params.get("obec"), obce, out)
    return out


# --- /map ----------------------------------------------------------------------------------

def parse_map_params(params: dict[str, str], kraje: pd.DataFrame, orp: pd.DataFrame,
                     values: pd.DataFrame, available: list[str],
                     layer: ObecLayer | None = None) -> Parsed:
    """Everything the map page reads from its URL (``layer``: where municipalities exist)."""
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


# --- /compare ------------------------------------------------------------------------------

MAX_COMPARED = 5
DEFAULT_X, DEFAULT_Y = "unemployment_share", "distraint_share"
SIZE_OPTIONS = ("none", "pop")


def parse_compare_params(params: dict[str, str], b: Bundle, options: list[str]) -> Parsed:
    """Everything /compare reads from its URL; ``orps`` is ``None`` when the link has none."""
    out = Parsed()
    focus = parse_orp(params.get("orp"), b.orp, out)
    if params.get("region"):
        region = parse_region(params.get("region"), b.kraje, out)
    elif focus:  # arriving from a profile: show the focus ORP's own kraj
        region = str(b.orp.loc[b.orp["orp_code"] == focus, "kraj_code"].iloc[0])
    else:
        region = DEFAULT_REGION
    x = parse_indicator(params.get("x"), options, out, DEFAULT_X)
    y = parse_indicator(params.get("y"), options, out, DEFAULT_Y)
    orps = _parse_orp_list(params.get("orps"), b.orp, out)
    out.values.update(
        orp=focus or DEFAULT_ORP, region=region, x=x, y=y,
        xyear=parse_year(params.get("xyear"), years_of(b.orp_values, x), out),
        yyear=parse_year(params.get("yyear"), years_of(b.orp_values, y), out),
        size=parse_choice("size", params.get("size"), list(SIZE_OPTIONS), "none", out),
        orps=orps,
    )
    return out


def _parse_orp_list(raw: str | None, orp: pd.DataFrame, out: Parsed) -> list[str] | None:
    """Known ORP codes of a comma list, each once, at most :data:`MAX_COMPARED`."""
    if not raw:
        return None
    orps: list[str] = []
    for item in raw.split(","):
        code = parse_orp(item, orp, out)
        if code and code not in orps:
            orps.append(code)
    if len(orps) > MAX_COMPARED:
        out.notices.append(("compare.notice_too_many", {"n": str(MAX_COMPARED)}))
        orps = orps[:MAX_COMPARED]
    return orps


def orps_param(codes: list[str]) -> str | None:
    """URL form of the compared ORP (omitted when none)."""
    return ",".join(codes) or None


# --- /methodology --------------------------------------------------------------------------

#: ``inputs=none``: the re-computation with no input at all (an empty list would mean "all").
NO_INPUTS = "none"


def parse_methodology_params(params: dict[str, str], available: list[str]) -> Parsed:
    """``inputs`` (comma list or ``none``), ``method``, ``cutoff`` (whole percent)."""
    out = Parsed()
    raw = params.get("inputs")
    if raw is None or raw == "":
        inputs = list(available)
    elif raw == NO_INPUTS:
        inputs = []
    else:
        asked = [i for i in raw.split(",") if i]
        for i in asked:
            if i not in available:
                out.notices.append(("methodology.notice_unknown_input", {"value": i}))
        inputs = [i for i in available if i in asked] or list(available)
    out.values.update(
        inputs=inputs,
        method=parse_choice("method", params.get("method"), list(hsou.STANDARDISATIONS),
                            hsou.DEFAULT_STANDARDISATION, out),
        cutoff=parse_int("cutoff", params.get("cutoff"), hsou.MIN_CUTOFF, hsou.MAX_CUTOFF,
                         hsou.DEFAULT_CUTOFF, out),
    )
    return out


def inputs_param(inputs: list[str], available: list[str]) -> str | None:
    """URL form of the chosen inputs: omitted when all are chosen (the default)."""
    if not inputs:
        return NO_INPUTS
    return None if list(inputs) == list(available) else ",".join(inputs)
