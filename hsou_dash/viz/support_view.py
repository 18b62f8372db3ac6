"""Everything the /support page shows, composed outside Streamlit (tables, figures, maps).

Labels come through a translator; free-text fields of the register (provider, target, period,
notes) are shown verbatim because no translation of them exists in the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import folium
import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from hsou_dash.domain import support, wording
from hsou_dash.domain.classify import classify
from hsou_dash.domain.regions import in_region
from hsou_dash.domain.sources import DATASETS, DatasetUse, SourceInfo
from hsou_dash.escape import Markdown, md, md_link, plot_text, safe_url
from hsou_dash.text import Translator
from hsou_dash.urls import href
from hsou_dash.viz import formatting, maps, palettes, support_charts
from hsou_dash.viz.export import csv_bytes

COVERAGE_COLORS = {"all": "#08519c", "part": "#6baed6", "unknown": "#f4c27a", "none": "#ececec"}
#: Praha's ORP code: obec and kraj at once, so its municipal transfers include kraj money
PRAHA = "1000"


def own_words(row: pd.Series, lang: str) -> support.Texts | None:
    """The instrument's texts from its record (package data, trusted like the text catalogue);
    None for an instrument the records do not know."""
    return support.texts_of(str(row["instrument_id"]), lang)


def name(row: pd.Series, lang: str) -> str:
    value = row.get("name_en" if lang == "en" else "name_cs")
    return str(value) if isinstance(value, str) and value else str(row["instrument_id"])


def short(row: pd.Series, tr: Translator, lang: str) -> str:
    """Label for charts and pickers: the record's, else the register's name (cut to 40)."""
    own = own_words(row, lang)
    if own:
        return Markdown(own.short)
    full = name(row, lang)
    return full if len(full) <= 40 else full[:38] + "…"


def description(row: pd.Series, tr: Translator) -> str:
    """What the instrument is: the record's words, else the register's own notes."""
    own = own_words(row, tr.lang)
    if own:
        return Markdown(own.description)
    notes = row.get("notes")
    return str(notes) if isinstance(notes, str) else ""


def how_covered(row: pd.Series, tr: Translator) -> str:
    """How the coverage was decided (plain words, with what the data lack)."""
    own = own_words(row, tr.lang)
    return Markdown(own.how_covered) if own else tr("support.rule.unknown")


def czk(amount: float | None, tr: Translator, lang: str) -> str:
    """41e9 → "41 mld. Kč"; a missing amount → "not published" (never 0)."""
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return tr("support.not_published")
    for scale, unit in ((1e9, "support.bn"), (1e6, "support.mn")):
        if abs(amount) >= scale:
            decimals = 1 if amount % scale else 0
            return f"{formatting.number(amount / scale, decimals, lang)}\u00a0{tr(unit)}"
    return f"{formatting.number(amount, 0, lang)}\u00a0{tr('support.unit_czk')}"


def detail_url(instrument_id: str, lang: str) -> str:
    """Link to the instrument on /support (the id comes from the bundle, so it is encoded)."""
    return href("support", lang, instrument=instrument_id)


def source_links(urls: pd.Series) -> list[str | None]:
    """Source URLs for a link column: http(s) only (``None`` = no link), never
    ``javascript:`` or another scheme a bundle might carry."""
    return [safe_url(u) for u in urls]


# --------------------------------------------------------------------------- catalogue

def catalogue(table: pd.DataFrame, kinds: pd.Series, tr: Translator,
              lang: str) -> tuple[pd.DataFrame, bytes]:
    """The catalogue as shown (labels, links) and as downloaded (raw fields, blanks kept)."""
    shown = pd.DataFrame({
        "name": [name(r, lang) for _, r in table.iterrows()],
        "provider": table["provider"].astype(str),
        "level": [tr(f"support.level.{v}") for v in table["level_cat"]],
        "target": table["target_territory"].astype(str),
        "period": table["period"].astype(str),
        "status": [tr(f"support.status.{s}") for s in table["status"]],
        "allocation": [czk(a, tr, lang) for a in table["allocation_czk"]],
        "alloc_kind": [kinds.get(i) or "" for i in table["instrument_id"]],
        "eligibility": [tr(f"support.elig.{e}") for e in table["eligibility"]],
        "description": [description(r, tr) for _, r in table.iterrows()],
        "detail": [detail_url(i, lang) for i in table["instrument_id"]],
        "source": source_links(table["url"]),
    })
    return shown, csv_bytes(catalogue_export(table, kinds), float_format="%.0f")


def catalogue_cards(table: pd.DataFrame, tr: Translator, lang: str,
                    how: list[str] | None = None) -> list[Markdown]:
    """The catalogue for a phone: one short card per instrument (Markdown), the fields a
    reader compares — name, provider, level, relation to HSOÚ, period with today's status,
    allocation — one per line, so nothing sits off to the right of a 390 px screen as in
    the ten-column table. ``how``: on a profile, how each instrument covers the place
    (catalogue text, one per row), shown under the name. Register fields are data: each is
    escaped here."""
    cards = []
    for i, (_, r) in enumerate(table.iterrows()):
        level, elig, status = r["level_cat"], r["eligibility"], r["status"]
        lines = [
            f"**{md(name(r, lang))}**",
            *([f"{tr('support.here.col_how')}: {how[i]}"] if how is not None else []),
            f"{tr('support.col_provider')}: {md(r['provider'])}",
            f"{tr('support.col_level')}: {tr(f'support.level.{level}')}",
            f"{tr('support.col_eligibility')}: {tr(f'support.elig.{elig}')}",
            f"{tr('support.col_period')}: {md(r['period'])} — "
            f"{tr(f'support.status.{status}')}",
            f"{tr('support.col_allocation')}: **{md(czk(r['allocation_czk'], tr, lang))}**",
        ]
        if safe_url(r["url"]):
            lines.append(md_link(tr.plain("support.col_source"), r["url"]))
        cards.append(Markdown("  \n".join(lines)))
    return cards


def catalogue_export(table: pd.DataFrame, kinds: pd.Series) -> pd.DataFrame:
    """The catalogue as downloaded: raw fields, blanks kept (a missing allocation stays
    blank = not published)."""
    export = table[["instrument_id", "name_cs", "name_en", "provider", "level",
                    "target_territory", "period"]].copy()
    export["period_start"] = [d.isoformat() if d else "" for d in table["start"]]
    export["period_end"] = [d.isoformat() if d else "" for d in table["end"]]
    export["status_today"] = table["status"]
    export["allocation_czk"] = table["allocation_czk"]          # blank = not published
    export["allocation_published"] = table["allocation_czk"].notna()
    export["allocation_kind"] = [kinds.get(i) or "" for i in table["instrument_id"]]
    export["hsou_eligibility"] = table["eligibility"]
    export["eligible_hsou_text"] = table["eligible_hsou"]
    export["notes"] = table["notes"]
    export["url"] = table["url"]
    return export


def here_table(rows: pd.DataFrame, tr: Translator, lang: str, obec: bool) -> pd.DataFrame:
    """The "support that applies here" table: ``support.applies_here`` rows (status renamed
    ``coverage``) joined to the parsed register."""
    status_key = "obec_status" if obec else "orp_status"
    return pd.DataFrame({
        "name": [name(r, lang) for _, r in rows.iterrows()],
        "how": [tr(f"support.{status_key}.{s}") for s in rows["coverage"]],
        "provider": rows["provider"].astype(str),
        "period": rows["period"].astype(str),
        "status": [tr(f"support.status.{s}") for s in rows["status"]],
        "eligibility": [tr(f"support.elig.{e}") for e in rows["eligibility"]],
        "allocation": [czk(a, tr, lang) for a in rows["allocation_czk"]],
        "detail": [detail_url(i, lang) for i in rows["instrument_id"]],
        "source": source_links(rows["url"]),
    })


def place_transfers(tables, tr: Translator, lang: str, *, orp_code: str | None = None,
                    obec_code: str | None = None) -> str | None:
    """One sentence on the transfers the place's budgets received in 2019 (all sources mixed),
    or None when the bundle has no such row (obce outside Ústecký kraj)."""
    if obec_code is not None:
        f, key, code = tables.funding_obec, "obec_code", obec_code
    elif orp_code is not None:
        f, key, code = tables.funding_orp, "orp_code", orp_code
    else:
        return None
    rows = f[f[key] == code].set_index("measure")
    total, per_cap, share = (rows["value"].get(m) for m in (
        "municipal_transfers_received_czk", "municipal_transfers_received_czk_per_capita",
        "municipal_transfers_share_of_revenue"))
    if total is None or pd.isna(total):
        return None
    no_data = tr("common.no_data")
    text = tr(f"support.here.transfers_{'obec' if key == 'obec_code' else 'orp'}",
              total=czk(total, tr, lang),
              per_capita=formatting.value(per_cap, "CZK per inhabitant", lang, no_data),
              share=formatting.value(share, "% of total revenue", lang, no_data))
    praha = praha_note(f[f[key] == code], key)
    return f"{text} {tr('support.transfers.praha', note=praha)}" if praha else text


# --------------------------------------------------------------------------- charts

def chart_source(tr: Translator, lang: str, today: date | None = None) -> str:
    """The visible source line of the register's charts (plain text): where the register
    comes from and the day its statuses refer to. The register itself bears no date of its
    own, so none is invented: the amounts and periods are dated by their pages."""
    day = today or date.today()
    return tr.plain("support.chart_source",
                    today=formatting.date(f"{day.day}.{day.month}.{day.year}", lang))


def allocations(table: pd.DataFrame, kinds: pd.Series, tr: Translator, lang: str,
                today: date | None = None) -> tuple[go.Figure | None, list[str]]:
    """Bars for instruments with a published allocation; names of those without."""
    rows = pd.DataFrame({
        "label": [short(r, tr, lang) for _, r in table.iterrows()],
        "amount": table["allocation_czk"],
        "amount_text": [czk(a, tr, lang) for a in table["allocation_czk"]],
        "kind": [f"{tr('support.alloc.hover_kind')}: "
                 f"{kinds.get(i) or tr('support.alloc.kind_unknown')}"
                 for i in table["instrument_id"]],
        "source": [f"{tr('common.source')}: {u}" for u in table["url"]],
    })
    missing = rows.loc[rows["amount"].isna(), "label"].tolist()
    if rows["amount"].notna().sum() == 0:
        return None, missing
    fig = support_charts.allocation_bars(rows, title=tr("support.alloc.title"),
                                         axis=tr("support.alloc.axis"), lang=lang,
                                         source=chart_source(tr, lang, today))
    return fig, missing


def timeline(table: pd.DataFrame, today: date, tr: Translator,
             lang: str) -> tuple[go.Figure | None, list[str]]:
    """Timeline of every instrument whose period could be read; names of the others."""
    items, unknown = [], []
    for _, r in table.iterrows():
        p: support.Period = r["period_parsed"]
        label = short(r, tr, lang)
        if not p.known:
            unknown.append(label)
            continue
        spans = [(s.kind, tr(f"support.timeline.{s.kind}"), s.start, s.end, s.text)
                 for s in p.spans]
        if p.open_ended and p.start and not any(s.end is None for s in p.spans):
            # "od 19. 10. 2015", "každoročně": a dated start with no end → ongoing since then
            spans.append(("open", tr("support.timeline.open"), p.start, None, p.text))
        items.append({
            "label": label, "status": tr(f"support.status.{r['status']}"),
            "spans": spans,
            "events": [(e.kind, tr(f"support.timeline.{e.kind}"), e.day, e.text)
                       for e in p.events],
        })
    if not items:
        return None, unknown
    fig = support_charts.timeline(items, today=today, title=tr("support.timeline.title"),
                                  today_label=tr("support.today"),
                                  open_end_label=tr("support.timeline.open_end"), lang=lang,
                                  source=chart_source(tr, lang, today))
    return fig, unknown


def matrix(table: pd.DataFrame, tr: Translator, lang: str,
           today: date | None = None) -> go.Figure:
    cells = support.eligibility_matrix(table)
    return support_charts.eligibility_matrix(
        cells, title=tr("support.matrix.title"),
        row_labels=[short(r, tr, lang) for _, r in table.iterrows()],
        col_labels=[tr(f"support.matrix.{c}") for c in support.TERRITORY_TYPES],
        cell_labels={v: tr(f"support.matrix.{v}") for v in support.MATRIX_VALUES},
        lang=lang, source=chart_source(tr, lang, today),
    )


def territories(rows: pd.DataFrame, table: pd.DataFrame, tr: Translator, lang: str,
                population: SourceInfo | None = None, today: date | None = None
                ) -> tuple[pd.DataFrame, go.Figure | None, list[str]]:
    """``support.per_inhabitant`` rows for the shown instruments: table, chart, undrawn rows.
    The chart prints the register's source and ``population``'s (the divisor's)."""
    labels = {r["instrument_id"]: short(r, tr, lang) for _, r in table.iterrows()}
    rows = rows[rows["instrument_id"].isin(labels)].reset_index(drop=True)
    no_data = tr("common.no_data")
    shown = pd.DataFrame({
        "instrument": rows["instrument_id"].map(labels),
        "territory": rows["territory_name"].astype(str),
        "period": [wording.period(p, lang, tr.plain) for p in rows["period"]],
        "amount": [czk(a, tr, lang) for a in rows["amount_czk"]],
        "type": [wording.amount_kind(a, lang, tr.plain) for a in rows["amount_type"]],
        "population": [formatting.value(v, "persons", lang, no_data) for v in rows["population"]],
        "pop_year": rows["pop_year"],
        "per_inh": [formatting.value(v, "CZK per inhabitant", lang,
                                 tr(f"support.territory.{why}") if isinstance(why, str)
                                 else no_data)
                    for v, why in zip(rows["per_inhabitant"], rows["pop_reason"], strict=True)],
        "source": source_links(rows["source_url"]),
    })
    label = shown["instrument"] + " · " + shown["territory"] + " · " + shown["period"]
    e = plot_text  # hover is Plotly markup: every part from data is escaped
    hover = [f"<b>{e(lab)}</b><br>{e(a)}" + (f" ({e(ty)})" if ty else "") + f"<br>{e(p)} "
             f"{e(tr('support.territory.col_population'))}"
             + (f" ({e(y)})" if not pd.isna(y) else "") + "<br>"
             f"{e(tr('common.source'))}: {e(s)}"
             for lab, a, ty, p, y, s in zip(label, shown["amount"], shown["type"],
                                            shown["population"], shown["pop_year"],
                                            rows["source_url"].astype(str), strict=True)]
    chart_rows = pd.DataFrame({"label": label, "value": rows["per_inhabitant"],
                               "text": shown["per_inh"], "hover": hover})
    undrawn = label[rows["per_inhabitant"].isna()].tolist()
    fig = None
    if chart_rows["value"].notna().any():
        fig = support_charts.per_inhabitant_bars(
            chart_rows, title=tr("support.territory.chart_title"),
            axis=tr("support.territory.axis"), lang=lang,
            source=_with_population(chart_source(tr, lang, today), population, tr, lang))
    return shown, fig, undrawn


def _with_population(source: str, population: SourceInfo | None, tr: Translator,
                     lang: str) -> str:
    """The register's source line, then the population's: "… · Obyvatel: ČSÚ – …; k …"."""
    if population is None:
        return source
    pop = formatting.source_text(population, lang, label=False)
    return f"{source} · {tr.plain('support.territory.col_population')}: {pop}" if pop \
        else source


# --------------------------------------------------------------------------- maps

def coverage_map(geo: gpd.GeoDataFrame, orp: pd.DataFrame, cov: support.Coverage,
                 title: str, tr: Translator, height: int = 520, *,
                 attribution: str) -> folium.Map:
    """ORP coloured by the instrument's coverage status (categorical, four classes)."""
    rows = orp[["orp_code", "orp_name", "kraj_name"]].copy()
    status = rows["orp_code"].map(cov.orp).fillna("unknown")
    rows["fill"] = status.map(COVERAGE_COLORS)
    rows["status"] = [tr(f"support.orp_status.{s}") for s in status]
    present = [s for s in support.ORP_STATUSES if (status == s).any()]
    legend = maps.Legend(tr.plain("support.coverage.legend", name=title),
                         [(COVERAGE_COLORS[s], tr(f"support.orp_status.{s}")) for s in present])
    return maps.choropleth(geo, rows, key="orp_code",
                           tooltip={"orp_name": tr("common.orp"), "kraj_name": tr("common.kraj"),
                                    "status": title},
                           legend=legend, attribution=attribution, height=height)


@dataclass(frozen=True)
class TransfersView:
    map: folium.Map
    ranked: go.Figure
    table: pd.DataFrame      # name, hsou, value text, note
    median: str
    source: str
    praha_note: str | None   # the data's own note on Praha, when Praha is in view
    unit: str
    source_info: SourceInfo | None = None   # publisher, dataset, date; retrieval kept apart


def transfers(funding: pd.DataFrame, key: str, names: pd.DataFrame, is_hsou: pd.Series,
              geo: gpd.GeoDataFrame, measure: str, tr: Translator, lang: str,
              height: int = 520, *, attribution: str) -> TransfersView:
    """Choropleth and HSOÚ/non-HSOÚ ranked chart of one 2019 transfer measure.

    ``funding`` is funding_orp/funding_obec; ``names`` holds ``key`` and ``name`` of the
    territories in view (those of ``geo``); ``is_hsou`` is indexed by ``key``.
    """
    rows = funding[(funding["measure"] == measure) & funding[key].isin(names[key])]
    values = rows.set_index(key)["value"].reindex(names[key])
    unit = str(rows["unit"].dropna().iloc[0]) if rows["unit"].notna().any() else ""
    no_data = tr("common.no_data")
    text = values.map(lambda v: formatting.value(v, unit, lang, no_data))
    base = names[[key, "name"]].copy()
    base["is_hsou"] = base[key].map(is_hsou).fillna(False).astype(bool)
    base["hsou"] = base["is_hsou"].map({True: tr("common.hsou_yes"), False: tr("common.hsou_no")})
    # obec values are very skewed (one large grant in a small obec): quantiles keep classes
    # readable; ORP values are not, natural breaks suit them
    cls = classify(values, "quantiles" if key == "obec_code" else "fisher_jenks")
    colors = palettes.for_direction(cls.k, "neutral")  # amounts of money: size, not a rating
    map_rows = maps.classed_rows(base, key, values, cls.classes, colors, text)
    map_rows["value_text"] = map_rows["value_text"].fillna(no_data)
    title = f"{tr(f'support.transfers.m.{measure}')} (2019)"
    legend = maps.Legend(title, maps.legend_items(
        cls.bounds, colors, lambda v: formatting.number(v, formatting.decimals_for(unit, v), lang),
        no_data, bool(values.isna().any())))
    fmap = maps.choropleth(geo, map_rows, key=key,
                           tooltip={"name": tr("support.transfers.col_name"),
                                    "value_text": title, "hsou": tr("common.hsou_status")},
                           legend=legend, attribution=attribution, height=height)
    info = transfers_source(rows)
    src = formatting.source_text(info, lang)
    chart = map_rows.assign(text=map_rows["value_text"])
    ranked = support_charts.hsou_side_by_side(
        chart, title=tr.plain("support.transfers.ranked_title",
                              measure=tr(f"support.transfers.m.{measure}")),
        panels=(tr("support.transfers.panel_hsou"), tr("support.transfers.panel_other")),
        unit=formatting.unit_label(unit, lang), source=src, lang=lang)
    med = {g: values[base.set_index(key)["is_hsou"] == g].median() for g in (True, False)}
    n = {g: int(values[base.set_index(key)["is_hsou"] == g].notna().sum()) for g in (True, False)}
    median = tr(f"support.transfers.median_{'obec' if key == 'obec_code' else 'orp'}",
                hsou=formatting.value(med[True], unit, lang, no_data), n_hsou=n[True],
                other=formatting.value(med[False], unit, lang, no_data), n_other=n[False])
    notes = rows.set_index(key)["note"]
    table = pd.DataFrame({"name": base["name"], "hsou": base["hsou"],
                          "value": values.to_numpy(), "value_text": text.to_numpy(),
                          "note": base[key].map(notes).astype(object).to_numpy()})
    return TransfersView(map=fmap, ranked=ranked, table=table, median=median, source=src,
                         praha_note=praha_note(rows, key), unit=unit, source_info=info)


#: Publisher of the 2019 budget data (the rows name it inside their retrieval text).
TRANSFERS_PUBLISHER = {"cs": "MF ČR", "en": "Ministry of Finance (MF ČR)"}


def transfers_source(rows: pd.DataFrame) -> SourceInfo:
    """Publisher-first source of 2019 transfer rows: MF ČR and the budget dataset (with ČSÚ
    population for values per inhabitant); the repository paths only as retrieval."""
    texts = rows["source"].dropna().astype(str).unique().tolist() if len(rows) else []
    joined = " ".join(texts)
    found = sorted((d for d in DATASETS if d.match in joined), key=lambda d: joined.find(d.match))
    years = tuple(sorted({int(y) for y in rows["year"].dropna()})) if "year" in rows else ()
    uses = tuple(DatasetUse(d.name_cs, d.name_en, years) for d in found)
    extra = [d for d in found if d.match == "csu_population.json"]
    cs = TRANSFERS_PUBLISHER["cs"] + (", ČSÚ" if extra else "")
    en = TRANSFERS_PUBLISHER["en"] + (", ČSÚ" if extra else "")
    dates = tuple(sorted({str(d) for d in rows["ref_date"].dropna()})) if len(rows) else ()
    return SourceInfo(cs, en, uses, dates, tuple(texts))


def praha_note(rows: pd.DataFrame, key: str) -> str | None:
    """The source's own sentence on Praha (obec and kraj at once), when Praha is in view."""
    if key != "orp_code":
        return None
    notes = rows.loc[rows[key] == PRAHA, "note"].dropna().astype(str)
    if notes.empty:
        return None
    parts = [p.strip() for p in notes.iloc[0].split(";") if "Praha" in p]
    return "; ".join(parts) or notes.iloc[0]


def transfer_inputs(b, tables, region: str,
                    scale: str) -> tuple[pd.DataFrame, str, pd.DataFrame, pd.Series]:
    """(funding rows, key, territories in view with ``name``, HSOÚ flag by key) for
    :func:`transfers`; ``scale`` "obec" is Ústecký kraj only (the file covers nothing else)."""
    is_hsou_orp = b.orp.set_index("orp_code")["is_hsou"]
    if scale == "obec":
        f = tables.funding_obec
        names = (f[["obec_code", "obec_name", "orp_code"]].drop_duplicates("obec_code")
                 .rename(columns={"obec_name": "name"}))
        return f, "obec_code", names, names.set_index("obec_code")["orp_code"].map(is_hsou_orp)
    orp = in_region(b.orp, region)
    names = orp[["orp_code", "orp_name"]].rename(columns={"orp_name": "name"})
    return tables.funding_orp, "orp_code", names, is_hsou_orp
