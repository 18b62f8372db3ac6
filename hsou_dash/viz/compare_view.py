"""Everything /compare shows, composed outside Streamlit: scatter, side-by-side
table of up to five ORP with percentiles, and the most similar ORP with a small map."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from hsou_dash.data.loaders import Bundle
from hsou_dash.domain.aggregate import ObecGaps, aggregate, coverage_notes
from hsou_dash.domain.catalogue import (
    Break,
    aggregation_kind,
    grouped_indicators,
    indicator_name,
)
from hsou_dash.domain.longtable import rows_of, unit_of, values_for
from hsou_dash.domain.regions import in_region
from hsou_dash.domain.series import value_notes
from hsou_dash.domain.similarity import Similar, most_similar, percentile
from hsou_dash.domain.sources import SourceInfo, source_info
from hsou_dash.text import Translator, translate_plain
from hsou_dash.viz import attribution, compare_charts, formatting, maps, palettes
from hsou_dash.viz.export import csv_bytes, display_headers
from hsou_dash.viz.indicator_view import coverage_text

#: Bubble size: population of this year (31. 12. 2020, the year of most inputs).
SIZE_YEAR = 2020
#: An indicator-year enters the side-by-side table when at least this share of ORP have it,
#: so that "percentile in Czechia" is a percentile of (nearly) all ORP.
MIN_COVERAGE = 0.9
SIMILAR_FILL, OTHER_FILL = "#e08214", "#eceae4"


def _unit(values: pd.DataFrame, indicator: str, year: int) -> str:
    return unit_of(rows_of(values, indicator, year))


def _info(b: Bundle, indicator: str, years: list[int]) -> SourceInfo:
    return source_info(b.catalog, b.orp_values, indicator, years)


def _source(b: Bundle, indicator: str, years: list[int], lang: str,
            label: bool = True) -> str:
    """The one source line of ``indicator`` in ``years`` (publisher – dataset; date)."""
    return formatting.source_text(_info(b, indicator, years), lang, label=label)


def _charted_sources(infos: list[tuple[str, SourceInfo]], charted: set[str],
                     lang: str) -> str:
    """"Zdroj: publisher – dataset; date · …" of the charted indicators, each source once."""
    lines = dict.fromkeys(formatting.source_text(info, lang, label=False)
                          for label, info in infos if label in charted)
    text = " · ".join(line for line in lines if line)
    return f"{translate_plain(lang, 'trust.source_label')}: {text}" if text else ""


def sources(b: Bundle, tr: Translator, pairs: list[tuple[str, int]], lang: str) -> str:
    """"Indicator (year): publisher – dataset; date" for each input, joined (for a caption)."""
    return " · ".join(f"{indicator_name(b.catalog, i, lang)} ({y}): "
                      f"{_source(b, i, [y], lang, label=False)}" for i, y in pairs)


def source_infos(b: Bundle, pairs: list[tuple[str, int]], lang: str
                 ) -> list[tuple[str, SourceInfo]]:
    """("Indicator (year)", SourceInfo) per input, for the "how we got the data" detail."""
    return [(f"{indicator_name(b.catalog, i, lang)} ({y})", _info(b, i, [y])) for i, y in pairs]


def default_set(b: Bundle, code: str) -> list[str]:
    """The comparison opens with the chosen ORP and its two most similar ORP."""
    sim = most_similar(b.orp_values, b.orp["orp_code"].tolist(), code, n=2)
    return [code, *sim.nearest["orp_code"]]


# --- scatter -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScatterView:
    figure: go.Figure
    missing: int             # ORP of the region without one of the two values
    notes: list[Break]       # breaks and caveats of the two values (translate with year)
    export: pd.DataFrame     # the points as numbers (machine column names)
    headers: dict[str, str]  # export column → label on the page (Czech-Excel CSV)
    sources: list[str]       # "x: Zdroj: …", "y: Zdroj: …"
    infos: list[tuple[str, SourceInfo]]

    @property
    def csv(self) -> bytes:
        """The machine-readable CSV of the points."""
        return csv_bytes(self.export)


def scatter_view(b: Bundle, *, region: str, x: str, xyear: int, y: str, yyear: int,
                 sized: bool, selected: str | None, tr: Translator, lang: str) -> ScatterView:
    orp = in_region(b.orp, region)
    rows = orp[["orp_code", "orp_name", "kraj_name", "is_hsou"]].copy()
    rows["x"] = rows["orp_code"].map(values_for(b.orp_values, "orp_code", x, xyear))
    rows["y"] = rows["orp_code"].map(values_for(b.orp_values, "orp_code", y, yyear))
    rows["population"] = rows["orp_code"].map(
        values_for(b.orp_values, "orp_code", "population", SIZE_YEAR))
    no_data = tr.plain("common.no_data")
    xu, yu = _unit(b.orp_values, x, xyear), _unit(b.orp_values, y, yyear)
    rows["x_text"] = [formatting.indicator_value(v, x, xu, lang, no_data) for v in rows["x"]]
    rows["y_text"] = [formatting.indicator_value(v, y, yu, lang, no_data) for v in rows["y"]]
    rows["pop_text"] = [f"{tr.plain('common.population')} {SIZE_YEAR}: "
                        + formatting.indicator_value(v, "population", "persons", lang, no_data)
                        for v in rows["population"]]
    x_name, y_name = indicator_name(b.catalog, x, lang), indicator_name(b.catalog, y, lang)
    x_title, y_title = _axis_title(x_name, xyear, xu, lang), _axis_title(y_name, yyear, yu, lang)
    source = [f"x: {_source(b, x, [xyear], lang)}", f"y: {_source(b, y, [yyear], lang)}"]
    fig = compare_charts.scatter(
        rows, x_title=x_title, y_title=y_title, title=tr.plain("compare.scatter_title"),
        source=source, hsou_label=tr.plain("common.hsou"),
        other_label=tr.plain("common.hsou_no"), selected=selected,
        selected_label=tr.plain("compare.selected"), sized=sized,
        size_note=tr.plain("compare.size_note", year=SIZE_YEAR) if sized else "", lang=lang,
        x_decimals=formatting.indicator_decimals(x, xu),
        y_decimals=formatting.indicator_decimals(y, yu))
    shown = int(rows[["x", "y"]].notna().all(axis=1).sum())
    export = rows[["orp_code", "orp_name", "kraj_name", "is_hsou", "x", "y", "population"]]
    xcol, ycol, pcol = f"{x}_{xyear}", f"{y}_{yyear}", f"population_{SIZE_YEAR}"
    if xcol == ycol:
        ycol += "_y"
    export = export.rename(columns={"x": xcol, "y": ycol, "population": pcol})
    headers = display_headers(export.columns, lang, {
        xcol: x_title, ycol: y_title,
        pcol: f"{tr.plain('csv_header.population')} {SIZE_YEAR}"})
    notes = value_notes(x, xyear)
    notes += [n for n in value_notes(y, yyear) if n not in notes]
    return ScatterView(fig, len(rows) - shown, notes, export, headers, source,
                       source_infos(b, [(x, xyear), (y, yyear)], lang))


def _axis_title(name: str, year: int, unit: str, lang: str) -> str:
    """"Podíl nezaměstnaných osob (2020), %" — the axis says its year and unit."""
    label = formatting.unit_label(unit, lang)
    return f"{name} ({year})" + (f", {label}" if label else "")


# --- side-by-side table --------------------------------------------------------------------

def comparison_years(b: Bundle) -> dict[str, int]:
    """Per indicator, the newest year that (nearly) every ORP has; others are left out."""
    v = b.orp_values[b.orp_values["value"].notna()]
    counts = v.groupby(["indicator_id", "year"], observed=True)["orp_code"].nunique()
    enough = counts[counts >= MIN_COVERAGE * len(b.orp)].reset_index()
    newest = enough.groupby("indicator_id")["year"].max()
    ordered = [i for _, i in grouped_indicators(b.catalog, set(newest.index))]
    return {i: int(newest[i]) for i in ordered}


@dataclass(frozen=True)
class ComparisonView:
    table: pd.DataFrame      # one row per indicator, one text column per ORP, Czechia, source
    chart: go.Figure
    notes: list[Break]       # breaks and caveats of the years shown (translate with year)
    export: pd.DataFrame     # per ORP and indicator: value, percentile (machine names)
    headers: dict[str, str]  # export column → label on the page (Czech-Excel CSV)
    coverage: list[str]      # what the Czechia values leave out (plain text)
    infos: list[tuple[str, SourceInfo]]

    @property
    def csv(self) -> bytes:
        """The machine-readable CSV of the comparison."""
        return csv_bytes(self.export)


def comparison_view(b: Bundle, codes: list[str], tr: Translator, lang: str,
                    gaps: ObecGaps | None = None) -> ComparisonView:
    """Up to five ORP across every indicator (newest well-covered year), with percentiles and
    Czechia's value (numerator and denominator over the same obce: ``gaps``)."""
    names = {c: str(b.orp.loc[b.orp["orp_code"] == c, "orp_name"].iloc[0]) for c in codes}
    no_data = tr.plain("common.no_data")
    everyone = b.orp["orp_code"].tolist()
    long_rows, table_rows, notes, coverage, infos = [], [], [], [], []
    for ind, year in comparison_years(b).items():
        vals = values_for(b.orp_values, "orp_code", ind, year)
        pct = percentile(vals)
        unit = _unit(b.orp_values, ind, year)
        label = indicator_name(b.catalog, ind, lang)
        row = {"indicator": label, "year": year}
        for c in codes:
            v, p = vals.get(c, float("nan")), pct.get(c, float("nan"))
            text = formatting.indicator_value(v, ind, unit, lang, no_data)
            row[c] = text if math.isnan(p) else f"{text} · P{p:.0f}"
            long_rows.append({"orp_code": c, "orp_name": names[c], "indicator_id": ind,
                              "label": f"{label} ({year})", "year": year, "value": v,
                              "percentile": p, "value_text": text, "unit": unit,
                              "kind": aggregation_kind(ind)})
        cz = aggregate(b.orp_values, "orp_code", everyone, ind, year, gaps)
        row["cz"] = formatting.indicator_value(cz.value, ind, unit, lang, no_data)
        for n in coverage_notes(cz, "orp_code"):
            text = f"{label} ({year}): {coverage_text(n, tr, lang)}"
            if text not in coverage:
                coverage.append(text)
        info = _info(b, ind, [year])
        infos.append((f"{label} ({year})", info))
        row["source"] = formatting.source_text(info, lang, label=False)
        table_rows.append(row)
        notes += [n for n in value_notes(ind, year) if n not in notes]
    table = pd.DataFrame(table_rows, columns=["indicator", "year", *codes, "cz", "source"])
    long = pd.DataFrame(long_rows)
    rates = long[long["kind"] != "count"] if len(long) else long
    chart = compare_charts.percentile_dots(
        rates, names=names, title=tr.plain("compare.pct_title"),
        axis_title=tr.plain("compare.pct_axis"), lang=lang,
        source=_charted_sources(infos, set(rates["label"]) if len(rates) else set(), lang))
    export = long.drop(columns=["label", "value_text", "kind"]) if len(long) else long
    headers = display_headers(export.columns, lang)
    return ComparisonView(table, chart, notes, export, headers, coverage, infos)


@dataclass(frozen=True)
class OwnRow:
    """A user's own indicator as one row of the side-by-side table (``ui/upload.py``)."""

    indicator_id: str
    label: str                  # "Vlastní: …": never mistaken for an official indicator
    year: int
    unit: str
    values: dict[str, float]    # ORP code → value (as uploaded; missing: no key or NaN)
    cz: str                     # Czechia's value as text, or why there is none
    source: str                 # the user's source line


def with_own_rows(view: ComparisonView, rows: list[OwnRow], b: Bundle, lang: str,
                  no_data: str) -> ComparisonView:
    """``view`` plus the user's indicators as rows under the official ones — a new view, the
    shared cached one is not changed. No percentile: an upload may cover a few ORP only, and a
    "percentile in Czechia" of those would mislead; so they stay out of the percentile chart."""
    if not rows:
        return view
    codes = [c for c in view.table.columns if c not in ("indicator", "year", "cz", "source")]
    names = b.orp.set_index("orp_code")["orp_name"]
    table_rows, long_rows = [], []
    for r in rows:
        texts = {c: formatting.indicator_value(r.values.get(c, math.nan), r.indicator_id,
                                               r.unit, lang, no_data) for c in codes}
        table_rows.append({"indicator": r.label, "year": r.year, **texts, "cz": r.cz,
                           "source": r.source})
        long_rows += [{"orp_code": c, "orp_name": names.get(c, ""), "indicator_id": r.indicator_id,
                       "year": r.year, "value": r.values.get(c, math.nan),
                       "percentile": math.nan, "unit": r.unit} for c in codes]
    table = pd.concat([view.table, pd.DataFrame(table_rows, columns=view.table.columns)],
                      ignore_index=True)
    own = pd.DataFrame(long_rows).reindex(columns=view.export.columns)
    export = pd.concat([view.export, own], ignore_index=True) if len(view.export) else own
    return dataclasses.replace(view, table=table, export=export,
                               headers=display_headers(export.columns, lang))


# --- similar districts ---------------------------------------------------------------------

@dataclass(frozen=True)
class SimilarView:
    similar: Similar
    table: pd.DataFrame      # the focus ORP first, then the nearest; formatted input values
    map: folium.Map | None
    inputs: list[str]        # "indicator (year)" labels of the distance inputs


def similar_view(b: Bundle, geo: gpd.GeoDataFrame, code: str, tr: Translator,
                 lang: str) -> SimilarView:
    sim = most_similar(b.orp_values, b.orp["orp_code"].tolist(), code)
    labels = [f"{indicator_name(b.catalog, i, lang)} ({y})" for i, y in sim.indicators]
    if not sim.placed:
        return SimilarView(sim, pd.DataFrame(), None, labels)
    info = b.orp.set_index("orp_code")
    order = [code, *sim.nearest["orp_code"]]
    dist = dict(zip(sim.nearest["orp_code"], sim.nearest["distance"], strict=True))
    no_data = tr.plain("common.no_data")
    table = pd.DataFrame({
        "orp_code": order,
        "orp_name": [info.at[c, "orp_name"] for c in order],
        "kraj_name": [info.at[c, "kraj_name"] for c in order],
        "hsou": [tr.plain("common.hsou_yes") if info.at[c, "is_hsou"]
                 else tr.plain("common.hsou_no") for c in order],
        "distance": [0.0] + [round(dist[c], 2) for c in order[1:]],
    })
    for (ind, year), label in zip(sim.indicators, labels, strict=True):
        vals = values_for(b.orp_values, "orp_code", ind, year)
        unit = _unit(b.orp_values, ind, year)
        table[label] = [formatting.indicator_value(vals.get(c, float("nan")), ind, unit, lang,
                                               no_data) for c in order]
    return SimilarView(sim, table, similar_map(geo, b, code, order[1:], tr), labels)


def similar_map(geo: gpd.GeoDataFrame, b: Bundle, code: str, similar: list[str],
                tr: Translator) -> folium.Map:
    """Czechia with the focus ORP in blue and its most similar ORP in orange."""
    rows = b.orp[["orp_code", "orp_name"]].copy()
    role = {code: tr.plain("compare.role_focus"),
            **{c: tr.plain("compare.role_similar") for c in similar}}
    rows["role"] = rows["orp_code"].map(role).fillna("")
    rows["fill"] = [palettes.SELECTED if c == code else SIMILAR_FILL if c in similar
                    else OTHER_FILL for c in rows["orp_code"]]
    legend = maps.Legend(tr.plain("compare.similar_legend"),
                         [(palettes.SELECTED, tr.plain("compare.role_focus")),
                          (SIMILAR_FILL, tr.plain("compare.role_similar"))])
    return maps.choropleth(geo, rows, key="orp_code",
                           tooltip={"orp_name": tr.plain("common.orp"),
                                    "role": tr.plain("compare.role")},
                           legend=legend, attribution=attribution.boundaries(b, tr),
                           height=360)
