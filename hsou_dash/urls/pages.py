"""Each page's parser: the whole query of one address in, a :class:`~.core.Parsed` out.

A page hands its parameters to its ``parse_<page>_params`` and reads only ``values``; the
``*_param`` functions give the URL form of what a page writes back. Presenter mode (``present``,
``contrast``, ``indicators`` on /map, /orp, /town) is parsed here too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from hsou_dash.config import DEFAULT_ORP, DEFAULT_REGION
from hsou_dash.domain import hsou
from hsou_dash.domain.catalogue import years_of
from hsou_dash.domain.classify import DEFAULT_K, DEFAULT_SCHEME, MAX_K, MIN_K, SCHEMES
from hsou_dash.domain.presenter import Presenter
from hsou_dash.domain.support.amounts import TRANSFER_MEASURES
from hsou_dash.domain.support.instruments import ELIGIBILITY
from hsou_dash.domain.support.register import LEVELS
from hsou_dash.domain.towns import ObecLayer
from hsou_dash.urls.core import (
    Notice,
    Parsed,
    parse_choice,
    parse_flag,
    parse_indicator,
    parse_int,
    parse_level,
    parse_multi,
    parse_obec,
    parse_orp,
    parse_region,
    parse_year,
)

if TYPE_CHECKING:
    from hsou_dash.data.loaders import Bundle

__all__ = [
    "DEFAULT_X", "DEFAULT_Y", "MAX_COMPARED", "MAX_INDICATORS", "NO_INPUTS", "SIZE_OPTIONS",
    "SUPPORT_TABS", "indicators_param", "inputs_param", "orps_param", "parse_compare_params",
    "parse_home_params", "parse_map_params", "parse_methodology_params", "parse_orp_params",
    "parse_presenter", "parse_support_params", "parse_town_params",
]


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


# --- /support ------------------------------------------------------------------------------

#: Tabs of the /support page (``tab`` URL parameter).
SUPPORT_TABS = ("catalogue", "money", "matrix", "territory", "coverage", "transfers")


def parse_support_params(params: dict[str, str], kraje: pd.DataFrame, instrument_ids: list[str],
                         providers: list[str], eligibility: list[str] | None = None) -> Parsed:
    """instrument, provider/level/elig (comma lists), measure, scale, tab and region of
    /support (``eligibility``: the words the register uses, by default all known ones)."""
    out = Parsed()
    raw = params.get("instrument")
    instrument = raw if raw in instrument_ids else None
    if raw and instrument is None:
        out.notices.append(("support.notice_unknown_instrument", {"value": raw}))
    measure = parse_choice("measure", params.get("measure"), list(TRANSFER_MEASURES),
                           TRANSFER_MEASURES[0], out)
    out.values.update(
        instrument=instrument,
        providers=parse_multi("provider", params.get("provider"), providers, out),
        levels=parse_multi("level", params.get("level"), list(LEVELS), out),
        eligibility=parse_multi("elig", params.get("elig"), eligibility or list(ELIGIBILITY),
                                out),
        measure=measure,
        scale=parse_choice("scale", params.get("scale"), ["orp", "obec"], "orp", out),
        # a link to one instrument opens on its map unless it names another tab
        tab=parse_choice("tab", params.get("tab"), list(SUPPORT_TABS),
                         "coverage" if instrument else "catalogue", out),
    )
    out.values["region"] = parse_region(params.get("region"), kraje, out)
    return out


# --- presenter mode: /map, /orp, /town -----------------------------------------------------

#: More than this many indicators in one link is not a talk but a mistake (or an attack).
MAX_INDICATORS = 20


def parse_presenter(params: dict[str, str], available: list[str] | None
                    ) -> tuple[Presenter, list[Notice]]:
    """:class:`Presenter` of the query ``params`` and the notices for what was not understood
    (``available``: the indicators the page can show, in any order; ``None``: the page has no
    indicator to step through, and ``indicators`` is not its business)."""
    out = Parsed()
    present = parse_flag("present", params.get("present"), out)
    contrast = parse_flag("contrast", params.get("contrast"), out)
    if available is None:
        return Presenter(present, contrast), out.notices
    known = set(available)
    chosen: list[str] = []
    for raw in (params.get("indicators") or "").split(","):
        item = raw.strip()
        if not item or item in chosen:
            continue
        if item not in known:
            out.notices.append(("notice.unknown_indicator", {"value": item}))
        elif len(chosen) < MAX_INDICATORS:
            chosen.append(item)
    return Presenter(present, contrast, tuple(chosen)), out.notices


def indicators_param(indicators: tuple[str, ...] | list[str]) -> str | None:
    """The ``indicators`` value written back to the URL (``None``: leave it out)."""
    return ",".join(indicators) or None
