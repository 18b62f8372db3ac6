"""The "Support that applies here" section, shared by the ORP and town profiles.

It lists the instruments whose target territory covers the place (by the coverage rules of
:mod:`hsou_dash.domain.support`) and links each to its detail on /support. It says "may apply"
honestly where the decisive list (MAS membership, a call's annex) is not in the data.

Register fields (names, provider, target, period, notes, URL) come from the bundle and are
shown in Markdown, so each is escaped with :func:`hsou_dash.escape.md`; the source URL becomes
a link only when it is http(s).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from hsou_dash.config import DEFAULT_REGION
from hsou_dash.data.bundle import redact_paths
from hsou_dash.data.loaders import Bundle, SupportTables
from hsou_dash.domain import support
from hsou_dash.domain.sources import source_info
from hsou_dash.escape import md, md_link
from hsou_dash.ui import cache, state, widgets
from hsou_dash.ui.text import lang, t, t_plain, tr
from hsou_dash.viz import alt_text, attribution, support_view


def instruments(b: Bundle) -> pd.DataFrame | None:
    """The register as of today (cached per day: the status column depends on it), or None
    after saying why when the bundle's register and the app's instrument records disagree."""
    try:
        return cache.support_instruments(str(b.root), date.today().isoformat())
    except support.InstrumentsError as exc:
        st.error(t("support.here.records_mismatch", detail=redact_paths(str(exc))))
        return None


def render_support_section(b: Bundle, *, orp_code: str | None = None,
                           obec_code: str | None = None) -> None:
    """Heading, the instruments covering the ORP (or obec) and a link to /support.

    Pass ``obec_code`` for a municipality (its own status counts, e.g. by population size),
    otherwise ``orp_code``. Renders a short notice, never an error, if the register is absent.
    """
    st.subheader(t("support.here.title"))
    table = instruments(b)
    if table is None:
        return
    if table.empty:
        st.info(t("support.here.unavailable"))
        return
    st.caption(t("support.here.intro_obec" if obec_code else "support.here.intro_orp"))
    here = support.applies_here(cache.support_coverage(str(b.root)), orp_code=orp_code,
                                obec_code=obec_code)
    if here.empty:
        st.info(t("support.here.none"))
    else:
        rows = here.rename(columns={"status": "coverage"}).merge(table, on="instrument_id")
        shown = support_view.here_table(rows, tr(), lang(), obec=obec_code is not None)
        cards = support_view.catalogue_cards(rows, tr(), lang(), how=shown["how"].tolist())
        cards_or_table("support_here", cards, lambda: _here_table(shown))
        if rows["coverage"].eq("unknown").any():
            st.caption(t("support.here.uncertain"))
        with st.expander(t("support.coverage.conditions")):
            st.markdown("\n".join(f"- **{md(support_view.short(r, tr(), lang()))}**: "
                                   f"{support_view.how_covered(r, tr())}"
                                   for _, r in rows.iterrows()))
    money = support_view.place_transfers(cache.support_tables(str(b.root)), tr(), lang(),
                                         orp_code=orp_code, obec_code=obec_code)
    if money:
        st.caption(money)
    widgets.page_link("support", t("support.here.all_link"))


def _here_table(shown: pd.DataFrame) -> None:
    """The "support that applies here" table (wide screens)."""
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
            "name": st.column_config.TextColumn(t("support.col_name"), width="large"),
            "how": t("support.here.col_how"),
            "provider": t("support.col_provider"),
            "period": t("support.col_period"),
            "status": t("support.col_status"),
            "eligibility": t("support.col_eligibility"),
            "allocation": t("support.col_allocation"),
            "detail": st.column_config.LinkColumn(t("support.col_detail"),
                                                  display_text=t("support.open_detail")),
            "source": st.column_config.LinkColumn(t("support.col_source"),
                                                  display_text=t("support.open_source")),
        })


def cards_or_table(key: str, cards: list[str], table: Callable[[], None]) -> None:
    """Support items twice, one of them visible (``page_frame`` CSS): on a phone one bordered
    card per instrument, whose fields wrap within the screen; on a wider screen ``table``,
    whose many columns a phone would push off to the right."""
    with st.container(key=f"narrow_{key}"):
        for card in cards:
            with st.container(border=True):
                st.markdown(card)
    with st.container(key=f"wide_{key}"):
        table()


def catalogue_columns() -> dict:
    """Column labels and link columns of the /support catalogue table."""
    return {
        "name": st.column_config.TextColumn(t("support.col_name"), width="large", pinned=True),
        "provider": t("support.col_provider"), "level": t("support.col_level"),
        "target": t("support.col_target"), "period": t("support.col_period"),
        "status": t("support.col_status"), "allocation": t("support.col_allocation"),
        "alloc_kind": t("support.col_alloc_kind"), "eligibility": t("support.col_eligibility"),
        "description": st.column_config.TextColumn(t("support.col_description"), width="large"),
        "detail": st.column_config.LinkColumn(t("support.col_detail"),
                                              display_text=t("support.open_detail")),
        "source": st.column_config.LinkColumn(t("support.col_source"),
                                              display_text=t("support.open_source")),
    }


def render_catalogue(shown: pd.DataFrame, kinds: pd.Series) -> None:
    """The catalogue as cards on a phone, as its twelve-column table on a wider screen."""
    df, _ = support_view.catalogue(shown, kinds, tr(), lang())
    cards_or_table("support_catalogue", support_view.catalogue_cards(shown, tr(), lang()),
                   lambda: st.dataframe(df, hide_index=True, width="stretch",
                                        column_config=catalogue_columns()))


def render_instrument_card(row: pd.Series) -> None:
    """One instrument in plain words: what it is, who runs it, when, how much, source."""
    st.markdown(f"#### {md(support_view.name(row, lang()))}")
    st.markdown(md(support_view.description(row, tr())))
    alloc = md(support_view.czk(row["allocation_czk"], tr(), lang()))
    period = f"{md(row['period'])} — {t('support.status.' + row['status'])}"
    st.markdown("\n".join([
        f"- **{t('support.col_provider')}:** {md(row['provider'])}",
        f"- **{t('support.col_level')}:** {t('support.level.' + row['level_cat'])}",
        f"- **{t('support.col_target')}:** {md(row['target_territory'])}",
        f"- **{t('support.col_period')}:** {period}",
        f"- **{t('support.col_allocation')}:** {alloc}",
        f"- **{t('support.col_eligibility')}:** {t('support.elig.' + row['eligibility'])} "
        f"(„{md(row['eligible_hsou'])}“)",
        f"- **{t('support.col_source')}:** {md_link(row['url'], row['url'])}",
    ]))
    if row.get("notes"):
        st.caption(f"{t('support.col_notes')}: {md(row['notes'])}")


def render_coverage(b: Bundle, table: pd.DataFrame, iid: str, label: str) -> None:
    """Coverage map of one instrument (all of Czechia) beside its card and coverage rule."""
    root = str(b.root)
    cov = cache.support_coverage(root)[iid]
    row = table.set_index("instrument_id", drop=False).loc[iid]
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.subheader(t("support.coverage.title"))
        fmap = support_view.coverage_map(cache.region_geometry(root, "CZ"), b.orp, cov, label,
                                         tr(), attribution=attribution.boundaries(b, tr()))
        st_folium(fmap, key="support.cov_map", height=520, use_container_width=True,
                  returned_objects=[])
        widgets.attribution()
        counts = cov.orp.value_counts()
        st.caption(f"{t('alt.label')}: " + t("support.coverage.counts",
                     **{s: int(counts.get(s, 0)) for s in support.ORP_STATUSES}))
        st.markdown(f"**{t('support.coverage.conditions')}:** "
                    f"{support_view.how_covered(row, tr())}")
    with right:
        render_instrument_card(row)


def render_transfers(b: Bundle, tables: SupportTables) -> tuple[str, str, str]:
    """The 2019 transfers tab: controls, choropleth, HSOÚ vs other chart, Praha note, notes.

    Returns the chosen (region, measure, scale) for the URL.
    """
    root = str(b.root)
    st.subheader(t("support.transfers.title"))
    st.markdown(t("support.transfers.intro"))
    c1, c2, c3 = st.columns([2, 3, 2])
    with c1:
        region = widgets.region_select(b, "support.region")
    measure = c2.selectbox(t("support.transfers.measure"), list(support.TRANSFER_MEASURES),
                           key="support.measure",
                           format_func=lambda m: t(f"support.transfers.m.{m}"))
    scales = ["orp", "obec"] if region == DEFAULT_REGION else ["orp"]
    state.keep_valid("support.scale", scales, "orp")
    scale = c3.radio(t("support.transfers.level"), scales, key="support.scale", horizontal=True,
                     format_func=lambda s: t(f"support.transfers.level_{s}"))
    geo = (cache.obec_geometry(root) if scale == "obec"
           else cache.region_geometry(root, region))
    tv = support_view.transfers(*support_view.transfer_inputs(b, tables, region, scale), geo,
                                measure, tr(), lang(),
                                attribution=attribution.boundaries(b, tr()))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st_folium(tv.map, key="support.transfers_map", height=520, use_container_width=True,
                  returned_objects=[])
        widgets.map_alt(alt_text.for_table(tv.table, title=t_plain(
            f"support.transfers.m.{measure}") + " (2019)", area=widgets.region_name(b, region),
            tr=tr()))
        widgets.source_note(tv.source_info, key="support.transfers_source", text=tv.source)
        widgets.attribution()
    with right:
        st.markdown(f"**{tv.median}**")
        if tv.praha_note:
            st.warning(t("support.transfers.praha", note=tv.praha_note),
                       icon=":material/warning:")
        if scale == "obec":
            st.warning(t("support.transfers.obec_caveat"), icon=":material/warning:")
    widgets.chart(tv.ranked, key="support.transfers_ranked")
    with st.expander(t("support.transfers.notes")):
        st.dataframe(tv.table[["name", "hsou", "value_text", "note"]], hide_index=True,
                     width="stretch", column_config={
                         "name": t("support.transfers.col_name"), "hsou": t("common.hsou"),
                         "value_text": t("support.transfers.col_value"),
                         "note": t("support.transfers.col_note")})
    return region, measure, scale


def render_territories(b: Bundle, tables: SupportTables, shown: pd.DataFrame) -> None:
    """Amounts by kraj / ITI area / Czechia, and per inhabitant where the population is known."""
    st.caption(t("support.territory.intro"))
    rows = support.per_inhabitant(tables.by_territory, b.orp, b.orp_values)
    years = rows["pop_year"].dropna().astype(int).unique().tolist()
    population = source_info(b.catalog, b.orp_values, "population", years) if years else None
    df, fig, undrawn = support_view.territories(rows, shown, tr(), lang(), population)
    columns = ("instrument", "territory", "period", "amount", "type", "population", "pop_year",
               "per_inh")
    st.dataframe(df, hide_index=True, width="stretch", column_config={
        **{c: t(f"support.territory.col_{c}") for c in columns},
        "source": st.column_config.LinkColumn(t("support.col_source"),
                                              display_text=t("support.open_source"))})
    if fig is not None:
        widgets.chart(fig, key="support.per_inh")
        st.caption(t("support.territory.chart_note"))
    if undrawn:
        st.caption(t("support.territory.not_drawn", rows="; ".join(undrawn)))
