"""Everything /methodology shows, composed outside Streamlit: the re-computation
map and agreement table, the SRR indicator overview and the full indicator catalogue."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

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
from hsou_dash.domain.longtable import rows_of
from hsou_dash.domain.sources import SourceInfo, hsou_list_source, source_info
from hsou_dash.escape import safe_url
from hsou_dash.text import Translator
from hsou_dash.viz import attribution, formatting, maps, trust_view
from hsou_dash.viz.export import csv_bytes

#: Fill of each agreement category (PuOr, colour-blind safe); "excluded" is the no-data grey.
COLORS = {hsou.BOTH: "#542788", hsou.ONLY_COMPUTED: "#e08214", hsou.ONLY_OFFICIAL: "#998ec3",
          hsou.NEITHER: "#f4f1ea", hsou.EXCLUDED: "#bdbdbd"}


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
    export: pd.DataFrame | None = None  # the numbers behind ``csv`` (machine column names)


def recompute_view(b: Bundle, geo: gpd.GeoDataFrame, rc: hsou.Recomputation, tr: Translator,
                   lang: str, height: int = 520) -> RecomputeView:
    info = b.orp.set_index("orp_code")
    ranked = rc.table.copy()
    ranked["orp_name"] = ranked["orp_code"].map(info["orp_name"])
    ranked["kraj_name"] = ranked["orp_code"].map(info["kraj_name"])
    cat = {c: tr(f"methodology.cat_{c}") for c in hsou.CATEGORIES}
    ranked["agreement"] = ranked["category"].map(cat)
    yes, no = tr("methodology.yes"), tr("methodology.no")
    ranked["in_computed"] = ranked["selected"].map({True: yes, False: no})
    ranked["in_official"] = ranked["official"].map({True: yes, False: no})
    excluded = ranked["orp_code"].isin(rc.excluded)
    ranked.loc[excluded, "in_computed"] = tr("methodology.excluded_short")
    no_data = tr("common.no_data")
    for column, decimals in (("score", 2), ("rank", 0), ("population", 0), ("cum_share", 1)):
        ranked[f"{column}_text"] = [formatting.number(v, decimals, lang) if pd.notna(v)
                                    else no_data for v in ranked[column]]
    rows = ranked[["orp_code", "orp_name", "agreement", "rank_text", "score_text"]].copy()
    rows["fill"] = ranked["category"].map(COLORS)
    legend = maps.Legend(tr("methodology.map_legend"),
                         [(COLORS[c], tr(f"methodology.leg_{c}")) for c in hsou.CATEGORIES
                          if c != hsou.EXCLUDED or rc.count(c)])
    fmap = maps.choropleth(
        geo, rows, key="orp_code",
        tooltip={"orp_name": tr("common.orp"), "agreement": tr("methodology.col_agreement"),
                 "rank_text": tr("methodology.col_rank"),
                 "score_text": tr("methodology.col_score")},
        legend=legend, attribution=attribution.boundaries(b, tr), height=height)
    display = ranked[["rank", "orp_name", "kraj_name", "score_text", "population_text",
                 "cum_share_text", "in_computed", "in_official", "agreement", "category"]]
    export = ranked[["rank", "orp_code", "orp_name", "kraj_name", "score", "population",
                "cum_population", "cum_share", "selected", "official", "category"]].copy()
    export.insert(0, "method", rc.method)
    export.insert(1, "cutoff_pct", rc.cutoff)
    export.insert(2, "inputs", "+".join(f"{i}:{rc.year}" for i in rc.indicators))
    export.insert(3, "population_year", rc.population_year)
    return RecomputeView(rc, fmap, display, csv_bytes(export), export)


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
        return tr.plain("methodology.def_ratio", scale=formatting.number(r.scale, 0, lang),
                  num=indicator_name(b.catalog, r.numerator, lang),
                  den=indicator_name(b.catalog, r.denominator, lang))
    if kind == "weighted":
        return tr.plain("methodology.def_weighted",
                  weight=indicator_name(b.catalog, WEIGHTED[ind].weight, lang))
    if kind == "count":
        return tr("methodology.def_count")
    return tr("methodology.def_other")


def catalogue_table(b: Bundle, tr: Translator, lang: str) -> pd.DataFrame:
    """One row per indicator with data: definition, unit, direction, source, dates, licence,
    caveats and series breaks — the same columns go to the CSV download.

    ``source`` is the publisher-first line every page shows for the indicator; the retrieval
    paths (repository files) are kept apart in ``retrieval`` for the "how we got the data"
    detail and the CSV, never in the table itself.
    """
    v = b.orp_values
    available = set(v.loc[v["value"].notna(), "indicator_id"])
    rows = []
    for theme, ind in grouped_indicators(b.catalog, available):
        years = years_of(v, ind)
        sel = rows_of(v, ind).dropna(subset=["value"])
        info = source_info(b.catalog, sel, ind)
        notes = trust_view.span_texts(ind, years, tr)
        kind = aggregation_kind(ind)
        direction = ("methodology.dir_count" if kind == "count" else
                     "methodology.dir_worse" if b.catalog.at[ind, "higher_is_worse"] else
                     "methodology.dir_better")
        # the data rows' unit is the precise one ("per 1000 inhabitants (31.12.2020)")
        unit = str(sel["unit"].iloc[0]) if len(sel) else str(b.catalog.at[ind, "unit"])
        links = [u for u in (safe_url(x) for x in info.retrieval) if u]
        rows.append({
            "theme": tr(f"theme.{theme}"), "name": indicator_name(b.catalog, ind, lang),
            "definition": _definition(b, ind, lang, tr),
            "unit": formatting.unit_label(unit, lang) or unit, "direction": tr(direction),
            "years": ", ".join(str(y) for y in sorted(years)),
            "ref_dates": formatting.ref_phrase(info.ref_dates, lang),
            "source": info.line(lang), "source_url": links[0] if links else None,
            "licence": str(b.catalog.at[ind, "licence"]),
            "caveats": " ".join(notes),
            "hsou": tr("methodology.yes") if ind in hsou.SRR_INDICATORS.values() else "",
            "indicator_id": ind,
            "retrieval": "; ".join(info.retrieval),
        })
    return pd.DataFrame(rows)


#: Columns of :func:`catalogue_table` shown on the page (``retrieval`` goes to the detail).
CATALOGUE_SHOWN = ("theme", "name", "definition", "unit", "direction", "years", "ref_dates",
                   "source", "source_url", "licence", "caveats", "hsou", "indicator_id")


def catalogue_retrieval(table: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """(indicator name, retrieval paths) of every catalogue row, for the detail list."""
    return [(n, [p for p in r.split("; ") if p]) for n, r in zip(table["name"],
                                                                table["retrieval"], strict=True)]


def catalogue_csv(table: pd.DataFrame) -> bytes:
    return csv_bytes(table)


def values_csv(b: Bundle, indicators: list[str]) -> bytes:
    """The ORP values of the listed indicators with their source columns (built on click)."""
    return csv_bytes(values_table(b, indicators))


def values_table(b: Bundle, indicators: list[str]) -> pd.DataFrame:
    """The frame behind :func:`values_csv`."""
    v = b.orp_values[b.orp_values["indicator_id"].isin(indicators)]
    out = v.merge(b.orp[["orp_code", "orp_name", "kraj_name"]], on="orp_code", how="left")
    cols = ["orp_code", "orp_name", "kraj_name", "indicator_id", "year", "value", "unit",
            "ref_date", "source", "value_type", "note"]
    return out[cols].sort_values(["indicator_id", "year", "orp_code"])


# --- the HSOÚ share and its sources --------------------------------------------------------

def srr_sources(b: Bundle) -> tuple[SourceInfo, SourceInfo]:
    """Sources of the SRR summary: the HSOÚ list (MMR) and the population it is weighed by."""
    return (hsou_list_source(b.orp),
            source_info(b.catalog, b.orp_values, "population", [hsou.POPULATION_YEAR]))


# --- reconciliation: our numbers against published ones ------------------------------------

#: Status order of the reconciliation table: what differs first, then what agrees.
_STATUS_ORDER = {"differs": 0, "agrees": 1, "not_computed": 2}
#: Units of published figures that the app's own unit labels do not know.
_CONTEXT_UNITS = {"cs": {"municipalities": "obcí", "subjects": "subjektů"},
                  "en": {}}
_GITHUB_FILE = re.compile(r"^github:([\w.-]+/[\w.-]+)@([0-9a-f]{7,40}):(\S+)")


def published_decimals(tolerance: float) -> int:
    """Decimals a published figure was given with (its tolerance is half its last unit)."""
    if tolerance >= 0.5:
        return 0
    return max(0, round(-math.log10(2 * tolerance)))


def source_link(source: object) -> str | None:
    """A public http(s) address of a published figure's source, or ``None``.

    A URL is kept when safe; a repository reference (``github:owner/repo@commit:path``)
    becomes the public page of that file, so no retrieval shorthand reaches the page.
    """
    text = str(source).strip() if isinstance(source, str) else ""
    if m := _GITHUB_FILE.match(text):
        return safe_url(f"https://github.com/{m.group(1)}/blob/{m.group(2)}/{m.group(3)}")
    return safe_url(text)


def _host(url: str | None) -> str:
    if not url:
        return ""
    host = urlsplit(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def _context_unit(unit: object, lang: str) -> str:
    u = str(unit) if isinstance(unit, str) else ""
    return _CONTEXT_UNITS.get(lang, {}).get(u) or formatting.unit_label(u, lang)


def _with_unit(text: str, unit: str) -> str:
    return f"{text}\u00a0{unit}" if unit else text


def _context_name(b: Bundle, indicator_id: str, year: int, tr: Translator, lang: str) -> str:
    if indicator_id == "hsou_population_share":
        return tr.plain("trust.hsou_share_label", year=year)
    if indicator_id in b.catalog.index:
        return indicator_name(b.catalog, indicator_id, lang)
    name = tr.plain(f"methodology.ctx.{indicator_id}")
    return indicator_id if name == f"methodology.ctx.{indicator_id}" else name


def reconciliation_table(b: Bundle, table: pd.DataFrame, tr: Translator,
                         lang: str) -> pd.DataFrame:
    """:func:`reconcile.table` as /methodology shows it: published value with its source,
    ours, the difference, the verdict and why (texts in ``lang``; numbers in its style).

    Ours is shown with one decimal more than the published figure, so a reader sees where the
    rounding falls; a difference in a percentage is in percentage points.
    """
    no_data = tr.plain("common.no_data")
    rows = []
    for r in table.itertuples(index=False):
        dec = published_decimals(float(r.tolerance))
        ours_dec = dec + 1 if dec else 0
        unit = _context_unit(r.unit, lang)
        diff_unit = tr.plain("methodology.rec_pp") if unit.startswith("%") else unit
        link = source_link(r.source)
        if link:
            source = _host(link)
        elif str(r.source).startswith("derived"):
            source = tr.plain("methodology.rec_derived")
        else:
            source = "—"
        if r.status == "differs":
            reason = (tr.plain(r.reason_key) if isinstance(r.reason_key, str)
                      else tr.plain("methodology.rec_undeclared"))
        elif r.status == "not_computed":
            reason = tr.plain(f"trust.reconcile.{r.not_computed}")
        else:
            reason = ""
        computed = not (isinstance(r.ours, float) and math.isnan(r.ours))
        diff = (formatting.number(r.difference, ours_dec, lang) if computed else "")
        if computed and r.difference > 0:
            diff = "+" + diff
        rows.append({
            "territory": (tr.plain("common.czechia") if r.territory_level == "national"
                          else tr.plain("town.okres", okres=r.territory_name)
                          if r.territory_level == "okres" else str(r.territory_name)),
            "indicator": _context_name(b, str(r.indicator_id), int(r.year), tr, lang),
            "year": int(r.year),
            "published": _with_unit(formatting.number(r.published, dec, lang), unit),
            "source": source, "link": link,
            "ours": (_with_unit(formatting.number(r.ours, ours_dec, lang), unit) if computed
                     else no_data),
            "difference": _with_unit(diff, diff_unit) if computed else "",
            "status": tr.plain(f"trust.reconcile.{r.status}"), "reason": reason,
            "_order": _STATUS_ORDER.get(str(r.status), 3),
        })
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    return (out.sort_values("_order", kind="stable").drop(columns="_order")
            .reset_index(drop=True))
