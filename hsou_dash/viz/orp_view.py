"""The ORP profile, composed outside Streamlit: fact-sheet table, trends, locator, obce list."""

from __future__ import annotations

import math
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from hsou_dash.data.loaders import Bundle
from hsou_dash.domain.catalogue import indicator_name
from hsou_dash.domain.caveats import caveats
from hsou_dash.domain.profile import Level, aggregate_series, profile, series, trend_indicators
from hsou_dash.text import Translator
from hsou_dash.viz import charts, format, maps
from hsou_dash.viz.export import csv_bytes

KEY_INDICATORS = ("unemployment_share", "distraint_share", "ageing_index",
                  "total_increase_per_1000")


@dataclass(frozen=True)
class OrpProfile:
    code: str
    facts: pd.Series                 # the Bundle.orp row
    table: pd.DataFrame              # formatted fact-sheet rows, one per indicator
    raw: pd.DataFrame                # the numbers behind the table (profile())
    csv: bytes
    caveats: list[str]               # text keys
    trend_options: list[str]
    levels: list[Level]              # ORP, kraj, Czechia (for trends)


def levels(b: Bundle, code: str) -> tuple[Level, Level, Level]:
    kraj_code = b.orp.loc[b.orp["orp_code"] == code, "kraj_code"].iloc[0]
    kraj = b.orp.loc[b.orp["kraj_code"] == kraj_code, "orp_code"].tolist()
    return (Level("orp", b.orp_values, "orp_code", [code]),
            Level("kraj", b.orp_values, "orp_code", kraj),
            Level("cz", b.orp_values, "orp_code", b.orp["orp_code"].tolist()))


def build(b: Bundle, code: str, tr: Translator, lang: str) -> OrpProfile:
    own, kraj, cz = levels(b, code)
    raw = profile(b.orp_values, "orp_code", code, [kraj, cz], [kraj, cz])
    no_data = tr("common.no_data")

    def fmt(v: float, unit: str) -> str:
        return format.value(v, unit, lang, no_data)

    def rank(r: pd.Series, level: str) -> str:
        if r[f"rank_{level}"] is None or (isinstance(r[f"rank_{level}"], float)
                                          and math.isnan(r[f"rank_{level}"])):
            return no_data
        return tr.plain("common.rank_of", rank=int(r[f"rank_{level}"]), n=int(r[f"n_{level}"]))

    table = pd.DataFrame({
        "theme": [tr(f"theme.{t}") for t in raw["theme"]],
        "indicator": [indicator_name(b.catalog, i, lang) for i in raw["indicator_id"]],
        "year": raw["year"],
        "value": [fmt(v, u) for v, u in zip(raw["value"], raw["unit"], strict=True)],
        "kraj": [fmt(v, u) for v, u in zip(raw["kraj"], raw["unit"], strict=True)],
        "cz": [fmt(v, u) for v, u in zip(raw["cz"], raw["unit"], strict=True)],
        "rank_kraj": [rank(r, "kraj") for _, r in raw.iterrows()],
        "rank_cz": [rank(r, "cz") for _, r in raw.iterrows()],
        "ref_date": raw["ref_date"].astype(str),
        "source": raw["source"].astype(str),
    })
    notes = sorted({k for i, y in zip(raw["indicator_id"], raw["year"], strict=True)
                    for k in caveats(i, int(y))})
    export = raw.drop(columns=["theme"]).rename(columns={"kraj": "kraj_value", "cz": "cz_value"})
    export.insert(0, "orp_code", code)
    return OrpProfile(
        code=code, facts=b.orp.loc[b.orp["orp_code"] == code].iloc[0], table=table, raw=raw,
        csv=csv_bytes(export), caveats=notes,
        trend_options=trend_indicators(b.orp_values, "orp_code", code),
        levels=[own, kraj, cz],
    )


def trend_figure(b: Bundle, p: OrpProfile, indicator: str, tr: Translator,
                 lang: str) -> go.Figure:
    """ORP against its kraj and Czechia over every year the ORP has."""
    own = series(b.orp_values, "orp_code", p.code, indicator)
    years = own.index.tolist()
    rows = b.orp_values[(b.orp_values["indicator_id"] == indicator)
                        & b.orp_values["year"].isin(years)]
    unit = str(rows["unit"].dropna().iloc[0]) if len(rows) else ""
    lines = {str(p.facts["orp_name"]): own,
             str(p.facts["kraj_name"]): aggregate_series(p.levels[1], indicator, years),
             tr("common.czechia"): aggregate_series(p.levels[2], indicator, years)}
    src = format.source_line(tr, b.catalog.at[indicator, "source"], rows["ref_date"].unique())
    return charts.trend(lines, title=indicator_name(b.catalog, indicator, lang),
                        unit=format.unit_label(unit, lang), source=src,
                        highlight=str(p.facts["orp_name"]))


def locator_map(geo: gpd.GeoDataFrame, p: OrpProfile, tr: Translator) -> folium.Map:
    return maps.locator(geo, "orp_code", p.code, attribution=tr("common.attribution"),
                        context_label=str(p.facts["kraj_name"]),
                        focus_label=str(p.facts["orp_name"]))


def municipalities(b: Bundle, code: str, obec_values: pd.DataFrame) -> pd.DataFrame:
    """Obce of the ORP with their latest population (and its year), largest first."""
    obce = b.obce.loc[b.obce["orp_code"] == code, ["obec_code", "obec_name"]].copy()
    pop = obec_values[(obec_values["indicator_id"] == "population")
                      & obec_values["obec_code"].isin(obce["obec_code"])
                      & obec_values["value"].notna()]
    latest = pop.sort_values("year").groupby("obec_code").tail(1).set_index("obec_code")
    obce["population"] = obce["obec_code"].map(latest["value"])
    obce["year"] = obce["obec_code"].map(latest["year"]).astype("Int64")
    obce["profile"] = "/town?obec=" + obce["obec_code"]
    return obce.sort_values(["population", "obec_name"], ascending=[False, True],
                            na_position="last").reset_index(drop=True)
