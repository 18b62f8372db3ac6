"""Everything /methodology shows, composed outside Streamlit: URL parsing, the re-computation
map and agreement table, the SRR indicator overview and the full indicator catalogue."""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd

from hsou_dash.data.loaders import Bundle
from hsou_dash.domain import hsou
from hsou_dash.domain.catalogue import (
    RATIOS,
    WEIGHTED,
    aggregation_kind,
    grouped_indicators,
    indicator_name,
    years_of,
)
from hsou_dash.domain.caveats import caveats
from hsou_dash.domain.params import Parsed, parse_choice, parse_int
from hsou_dash.text import Translator
from hsou_dash.viz import format, maps
from hsou_dash.viz.export import csv_bytes

#: Fill of each agreement category (PuOr, colour-blind safe); "excluded" is the no-data grey.
COLORS = {hsou.BOTH: "#542788", hsou.ONLY_COMPUTED: "#e08214", hsou.ONLY_OFFICIAL: "#998ec3",
          hsou.NEITHER: "#f4f1ea", hsou.EXCLUDED: "#bdbdbd"}
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
        unknown = [i for i in asked if i not in available]
        for i in unknown:
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


def input_label(b: Bundle, indicator: str, lang: str, tr: Translator) -> str:
    """Catalogue name, marked as a proxy where the bundle only approximates SRR's indicator."""
    name = indicator_name(b.catalog, indicator, lang)
    return f"{name} — {tr('methodology.proxy')}" if indicator in hsou.PROXIES else name


# --- re-computation ------------------------------------------------------------------------

@dataclass(frozen=True)
class RecomputeView:
    result: hsou.Recomputation
    map: folium.Map
    table: pd.DataFrame       # display rows, one per ORP (ranked first)
    csv: bytes


def recompute_view(b: Bundle, geo: gpd.GeoDataFrame, rc: hsou.Recomputation, tr: Translator,
                   lang: str, height: int = 520) -> RecomputeView:
    info = b.orp.set_index("orp_code")
    t = rc.table.copy()
    t["orp_name"] = t["orp_code"].map(info["orp_name"])
    t["kraj_name"] = t["orp_code"].map(info["kraj_name"])
    cat = {c: tr(f"methodology.cat_{c}") for c in hsou.CATEGORIES}
    t["agreement"] = t["category"].map(cat)
    yes, no = tr("methodology.yes"), tr("methodology.no")
    t["in_computed"] = t["selected"].map({True: yes, False: no})
    t["in_official"] = t["official"].map({True: yes, False: no})
    t.loc[t["orp_code"].isin(rc.excluded), "in_computed"] = tr("methodology.excluded_short")
    no_data = tr("common.no_data")
    t["score_text"] = [format.number(s, 2, lang) if s == s else no_data for s in t["score"]]
    t["rank_text"] = [str(int(r)) if pd.notna(r) else no_data for r in t["rank"]]
    rows = t[["orp_code", "orp_name", "agreement", "rank_text", "score_text"]].copy()
    rows["fill"] = t["category"].map(COLORS)
    legend = maps.Legend(tr("methodology.map_legend"),
                         [(COLORS[c], tr(f"methodology.leg_{c}")) for c in hsou.CATEGORIES
                          if c != hsou.EXCLUDED or rc.count(c)])
    fmap = maps.choropleth(
        geo, rows, key="orp_code",
        tooltip={"orp_name": tr("common.orp"), "agreement": tr("methodology.col_agreement"),
                 "rank_text": tr("methodology.col_rank"),
                 "score_text": tr("methodology.col_score")},
        legend=legend, attribution=tr("common.attribution"), height=height)
    display = t[["rank", "orp_name", "kraj_name", "score", "population", "cum_share",
                 "in_computed", "in_official", "agreement", "category"]]
    export = t[["rank", "orp_code", "orp_name", "kraj_name", "score", "population",
                "cum_population", "cum_share", "selected", "official", "category"]].copy()
    export.insert(0, "method", rc.method)
    export.insert(1, "cutoff_pct", rc.cutoff)
    export.insert(2, "inputs", "+".join(f"{i}:{rc.year}" for i in rc.indicators))
    export.insert(3, "population_year", rc.population_year)
    return RecomputeView(rc, fmap, display, csv_bytes(export))


# --- SRR indicators and the catalogue ------------------------------------------------------

def srr_table(b: Bundle, available: list[str], tr: Translator, lang: str) -> pd.DataFrame:
    """The five SRR ČR 2021+ indicators and what stands for each in this bundle."""
    rows = []
    for key, ind in hsou.SRR_INDICATORS.items():
        have = ind is not None and ind in available
        status = (tr("methodology.status_proxy") if have and ind in hsou.PROXIES
                  else tr("methodology.status_same") if have
                  else tr("methodology.status_missing"))
        rows.append({"srr": tr(f"methodology.srr_{key}"),
                     "bundle": indicator_name(b.catalog, ind, lang) if have else
                     tr("common.no_data"),
                     "year": str(hsou.INPUT_YEAR) if have else "—", "status": status})
    return pd.DataFrame(rows)


def _definition(b: Bundle, ind: str, lang: str, tr: Translator) -> str:
    kind = aggregation_kind(ind)
    if kind == "ratio":
        r = RATIOS[ind]
        return tr.plain("methodology.def_ratio", scale=format.number(r.scale, 0, lang),
                  num=indicator_name(b.catalog, r.numerator, lang),
                  den=indicator_name(b.catalog, r.denominator, lang))
    if kind == "weighted":
        return tr.plain("methodology.def_weighted",
                  weight=indicator_name(b.catalog, WEIGHTED[ind].weight, lang))
    if kind == "count":
        return tr("methodology.def_count")
    return tr("methodology.def_other")


def catalogue_table(b: Bundle, tr: Translator, lang: str) -> pd.DataFrame:
    """One row per indicator with data: definition, unit, direction, source, licence, dates,
    caveats — the same columns go to the CSV download."""
    v = b.orp_values
    available = set(v.loc[v["value"].notna(), "indicator_id"])
    rows = []
    for theme, ind in grouped_indicators(b.catalog, available):
        years = years_of(v, ind)
        sel = v[(v["indicator_id"] == ind) & v["value"].notna()]
        dates = sorted({str(d) for d in sel["ref_date"].unique()}, key=lambda d: d[-4:])
        notes = sorted({k for y in years for k in caveats(ind, y)})
        kind = aggregation_kind(ind)
        direction = ("methodology.dir_count" if kind == "count" else
                     "methodology.dir_worse" if b.catalog.at[ind, "higher_is_worse"] else
                     "methodology.dir_better")
        # the data rows' unit is the precise one ("per 1000 inhabitants (31.12.2020)")
        unit = str(sel["unit"].iloc[0]) if len(sel) else str(b.catalog.at[ind, "unit"])
        rows.append({
            "theme": tr(f"theme.{theme}"), "name": indicator_name(b.catalog, ind, lang),
            "definition": _definition(b, ind, lang, tr),
            "unit": format.unit_label(unit, lang) or unit, "direction": tr(direction),
            "years": ", ".join(str(y) for y in sorted(years)), "ref_dates": ", ".join(dates),
            "source": str(b.catalog.at[ind, "source"]),
            "source_url": str(b.catalog.at[ind, "source_url"]),
            "licence": str(b.catalog.at[ind, "licence"]),
            "caveats": " ".join(tr(k) for k in notes),
            "hsou": tr("methodology.yes") if ind in hsou.SRR_INDICATORS.values() else "",
            "indicator_id": ind,
        })
    return pd.DataFrame(rows)


def catalogue_csv(table: pd.DataFrame) -> bytes:
    return csv_bytes(table)


def values_csv(b: Bundle, indicators: list[str]) -> bytes:
    """The ORP values of the listed indicators with their source columns (built on click)."""
    v = b.orp_values[b.orp_values["indicator_id"].isin(indicators)]
    out = v.merge(b.orp[["orp_code", "orp_name", "kraj_name"]], on="orp_code", how="left")
    cols = ["orp_code", "orp_name", "kraj_name", "indicator_id", "year", "value", "unit",
            "ref_date", "source", "value_type", "note"]
    return csv_bytes(out[cols].sort_values(["indicator_id", "year", "orp_code"]))
