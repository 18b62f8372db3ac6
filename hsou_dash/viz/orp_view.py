"""The ORP profile, composed outside Streamlit: fact-sheet table, trends, locator, obce list.

Every number here carries what a reader needs to trust it, decided in :mod:`hsou_dash.domain`
and phrased by :mod:`hsou_dash.viz.trust_view`: the publisher-first source line and reference
date of its year, a footnote when the year has a caveat or the kraj/Czechia value leaves units
out (coverage-matched ratios need the obce a numerator lacks: ``gaps``), and the retrieval
paths kept apart for the "how we got the data" detail.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from hsou_dash import urls
from hsou_dash.data.loaders import Bundle
from hsou_dash.domain import dates, sources
from hsou_dash.domain.aggregate import ObecGaps
from hsou_dash.domain.catalogue import indicator_name
from hsou_dash.domain.longtable import rows_of, unit_of
from hsou_dash.domain.profile import Level, aggregate_series, profile, series, trend_indicators
from hsou_dash.domain.regions import orp_codes
from hsou_dash.escape import Markdown
from hsou_dash.text import Translator
from hsou_dash.viz import charts, formatting, maps, trust_view
from hsou_dash.viz.export import csv_bytes

KEY_INDICATORS = ("unemployment_share", "distraint_share", "ageing_index",
                  "total_increase_per_1000")
#: Columns of the fact-sheet table, in display order (labels: ``orp.col_<name>``).
TABLE_COLUMNS = ("theme", "indicator", "year", "value", "kraj", "cz", "rank_kraj", "rank_cz",
                 "ref_date", "source")


@dataclass(frozen=True)
class KeyFigure:
    """One headline metric: label with its year, value, kraj/Czechia beside it, source."""

    indicator_id: str
    label: str
    value: str
    kraj: str
    cz: str
    help: str                        # source line, date and notes (plain text)
    marks: str = ""                  # footnote markers of the value ("[1] [2]")


@dataclass(frozen=True)
class OrpProfile:
    code: str
    facts: pd.Series                 # the Bundle.orp row
    table: pd.DataFrame              # formatted fact-sheet rows, one per indicator
    raw: pd.DataFrame                # the numbers behind the table (profile())
    export: pd.DataFrame             # what the CSV holds (numbers, sources, notes)
    csv: bytes
    notes: list[str]                 # footnotes [1], [2] … of the table (plain text)
    trend_options: list[str]
    levels: list[Level]              # ORP, kraj, Czechia (for trends)
    key_figures: list[KeyFigure]
    hsou_source: str                 # "MMR – Strategie regionálního rozvoje ČR 2021+ …"
    retrieval: Markdown              # how we got the data (repository paths, URLs)


def levels(b: Bundle, code: str, gaps: ObecGaps | None = None) -> tuple[Level, Level, Level]:
    """The ORP, its kraj and Czechia over ORP values; ``gaps`` keeps numerator and denominator
    of ratios over a declared obec gap on the same obce (else those read "no data")."""
    kraj_code = b.orp.loc[b.orp["orp_code"] == code, "kraj_code"].iloc[0]
    kraj = orp_codes(b.orp, kraj_code)
    return (Level("orp", b.orp_values, "orp_code", [code], gaps),
            Level("kraj", b.orp_values, "orp_code", kraj, gaps),
            Level("cz", b.orp_values, "orp_code", b.orp["orp_code"].tolist(), gaps))


def _rank(r: pd.Series, level: str, tr: Translator, no_data: str) -> str:
    pos = r[f"rank_{level}"]
    if pos is None or (isinstance(pos, float) and math.isnan(pos)):
        return no_data
    return tr.plain("common.rank_of", rank=int(pos), n=int(r[f"n_{level}"]))


def build(b: Bundle, code: str, tr: Translator, lang: str,
          gaps: ObecGaps | None = None) -> OrpProfile:
    """The fact sheet of ORP ``code`` (pass ``gaps``: see :func:`levels`)."""
    own, kraj, cz = levels(b, code, gaps)
    facts = b.orp.loc[b.orp["orp_code"] == code].iloc[0]
    raw = profile(b.orp_values, "orp_code", code, [kraj, cz], [kraj, cz])
    own_rows = b.orp_values[b.orp_values["orp_code"] == code]
    no_data = tr("common.no_data")
    names = {"orp": str(facts["orp_name"]), "kraj": str(facts["kraj_name"]),
             "cz": tr.plain("common.czechia")}
    notes = trust_view.Footnotes()
    rows, export_rows, key_figures, retrieval = [], [], [], []
    for _, r in raw.iterrows():
        ind, year, unit = r["indicator_id"], int(r["year"]), r["unit"]
        info = trust_view.source_info(own_rows, b.catalog, ind, [year])
        # notes of the year (caveats) go with the ORP's value; coverage with each level's
        year_texts = trust_view.key_texts(trust_view.value_notes(ind, year, code), tr)
        marks, texts = {}, {}
        for lvl in (own, kraj, cz):
            cov = trust_view.coverage_texts(lvl.aggregate(ind, year), "orp_code",
                                            names[lvl.name], tr, lang, own=lvl is own)
            texts[lvl.name] = (year_texts if lvl.name == "orp" else []) + cov
            marks[lvl.name] = notes.marks(texts[lvl.name])
        cells = {name: trust_view.with_mark(
            formatting.indicator_value(v, ind, unit, lang, no_data), marks[name])
            for name, v in (("orp", r["value"]), ("kraj", r["kraj"]), ("cz", r["cz"]))}
        name = indicator_name(b.catalog, ind, lang)
        rows.append({
            "theme": tr.plain(f"theme.{r['theme']}"), "indicator": name, "year": year,
            "value": cells["orp"], "kraj": cells["kraj"], "cz": cells["cz"],
            "rank_kraj": _rank(r, "kraj", tr, no_data), "rank_cz": _rank(r, "cz", tr, no_data),
            "ref_date": dates.ref_phrase(r["ref_date"], lang), "source": info.line(lang),
        })
        export_rows.append({
            "orp_code": code, "indicator_id": ind, "year": year, "value": r["value"],
            "kraj_value": r["kraj"], "cz_value": r["cz"], "unit": unit,
            "rank_kraj": r["rank_kraj"], "n_kraj": r["n_kraj"], "rank_cz": r["rank_cz"],
            "n_cz": r["n_cz"], "ref_date": r["ref_date"], "source": info.line(lang),
            "retrieval": r["source"], "value_type": r["value_type"],
            "notes": " ".join(t for lvl in ("orp", "kraj", "cz") for t in texts[lvl]),
        })
        retrieval.append((f"{name} ({year})", info.retrieval))
        if ind in KEY_INDICATORS:
            help_text = "\n\n".join([trust_view.source_text(info, lang), *texts["orp"]])
            key_figures.append(KeyFigure(
                ind, f"{name} ({year})",
                formatting.indicator_value(r["value"], ind, unit, lang, no_data),
                cells["kraj"], cells["cz"], help_text, marks["orp"]))
    hsou = sources.hsou_list_source(b.orp[b.orp["orp_code"] == code])
    retrieval.append((tr.plain("orp.hsou_list"), hsou.retrieval))
    export = pd.DataFrame(export_rows)
    order = {i: n for n, i in enumerate(KEY_INDICATORS)}
    return OrpProfile(
        code=code, facts=facts, table=pd.DataFrame(rows, columns=list(TABLE_COLUMNS)),
        raw=raw, export=export, csv=csv_bytes(export), notes=notes.texts,
        trend_options=trend_indicators(b.orp_values, "orp_code", code),
        levels=[own, kraj, cz],
        key_figures=sorted(key_figures, key=lambda k: order[k.indicator_id]),
        hsou_source=hsou.line(lang) or tr.plain("common.no_data"),
        retrieval=trust_view.retrieval_markdown(retrieval),
    )


def trend_figure(b: Bundle, p: OrpProfile, indicator: str, tr: Translator,
                 lang: str) -> go.Figure:
    """ORP against its kraj and Czechia over every year the ORP has: a year without data is
    a gap in every line (never joined over), breaks in the series are marked."""
    own = series(b.orp_values, "orp_code", p.code, indicator)
    years = own.index.tolist()
    rows = rows_of(b.orp_values, indicator)
    unit = unit_of(rows[rows["orp_code"] == p.code])
    lines = {str(p.facts["orp_name"]): own,
             str(p.facts["kraj_name"]): aggregate_series(p.levels[1], indicator, years),
             tr.plain("common.czechia"): aggregate_series(p.levels[2], indicator, years)}
    info = trust_view.source_info(rows, b.catalog, indicator, years)
    return charts.trend(lines, title=indicator_name(b.catalog, indicator, lang),
                        unit=formatting.unit_label(unit, lang),
                        source=trust_view.source_text(info, lang),
                        highlight=str(p.facts["orp_name"]),
                        decimals=formatting.indicator_decimals(indicator, unit), lang=lang,
                        breaks=charts.break_marks(indicator, years, tr, p.code),
                        missing_label=tr.plain("chart.missing_years"))


def trend_notes(b: Bundle, p: OrpProfile, indicator: str, tr: Translator) -> list[str]:
    """What the trend chart must say under it: breaks inside the span, caveats of its years."""
    years = series(b.orp_values, "orp_code", p.code, indicator).index.tolist()
    return trust_view.span_texts(indicator, years, tr, p.code)


def locator_map(geo: gpd.GeoDataFrame, p: OrpProfile, tr: Translator,
                look: maps.Look = maps.PLAIN, names: Mapping[str, str] | None = None, *,
                attribution: str) -> folium.Map:
    """The ORP within its kraj; presenter mode (``look``) writes ``names`` (code → ORP name)
    on the map; ``attribution``: the boundary line (``viz.attribution.boundaries``)."""
    return maps.locator(geo, "orp_code", p.code, attribution=attribution,
                        context_label=str(p.facts["kraj_name"]),
                        focus_label=str(p.facts["orp_name"]), look=look,
                        labels=names if look.big else None)


def municipalities(b: Bundle, code: str, obec_values: pd.DataFrame,
                   lang: str = "cs") -> pd.DataFrame:
    """Obce of the ORP with their latest population (and its year), largest first.

    ``population_text`` is the count as the reader's language writes it ("50 856"): a
    Streamlit number column would follow the browser's locale, not the page's language.
    """
    obce = b.obce.loc[b.obce["orp_code"] == code, ["obec_code", "obec_name"]].copy()
    pop = rows_of(obec_values, "population")
    pop = pop[pop["obec_code"].isin(obce["obec_code"]) & pop["value"].notna()]
    latest = pop.sort_values("year").groupby("obec_code").tail(1).set_index("obec_code")
    obce["population"] = obce["obec_code"].map(latest["value"])
    obce["year"] = obce["obec_code"].map(latest["year"]).astype("Int64")
    obce["population_text"] = [formatting.number(v, 0, lang) if pd.notna(v) else ""
                               for v in obce["population"]]
    obce["profile"] = [urls.href("town", lang, obec=c) for c in obce["obec_code"]]
    return obce.sort_values(["population", "obec_name"], ascending=[False, True],
                            na_position="last").reset_index(drop=True)
