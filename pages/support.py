"""/support — what help exists, for whom, how much; and what municipal budgets received (2019)."""

from datetime import date

import streamlit as st

from hsou_dash.config import DEFAULT_REGION
from hsou_dash.domain import support
from hsou_dash.escape import md
from hsou_dash.ui import cache, state, widgets
from hsou_dash.ui import support_section as section
from hsou_dash.ui.text import lang, t, t_plain, tr
from hsou_dash.urls import SUPPORT_TABS as TABS
from hsou_dash.urls import parse_support_params
from hsou_dash.viz import support_view as view

b = widgets.bundle_or_stop()
root, today = str(b.root), date.today()
table, tables = section.instruments(b), cache.support_tables(root)
if table is None:  # register and instrument records disagree: said why, nothing else to show
    st.stop()
ids = table["instrument_id"].tolist()
params, fresh = state.read("support")
elig_options = support.eligibility_options(table)
parsed = parse_support_params(params, b.kraje, ids, support.provider_options(table), elig_options)
v = parsed.values
tab_labels = {t(f"support.tab_{n}"): n for n in TABS}
state.seed({"support.providers": list(v["providers"]), "support.levels": list(v["levels"]),
            "support.elig": list(v["eligibility"]), "support.measure": v["measure"],
            "support.instrument": v["instrument"] or (ids[0] if ids else None),
            "support.region": v["region"], "support.scale": v["scale"],
            "support.tab": t(f"support.tab_{v['tab']}"),
            "support._picked": bool(v["instrument"])}, fresh)
labels = {r["instrument_id"]: view.short(r, tr(), lang()) for _, r in table.iterrows()}

st.title(t("support.title"))
st.caption(t("support.intro"))
state.show_notices(parsed.notices, fresh)
if table.empty:
    st.info(t("support.here.unavailable"))
    st.stop()
st.markdown(f":small[{t('support.honesty')}]")

f1, f2, f3 = st.columns(3)
providers = f1.multiselect(t("support.filter_provider"), support.provider_options(table),
                           key="support.providers", placeholder=t("support.filter_all"))
levels = f2.multiselect(t("support.filter_level"), list(support.LEVELS), key="support.levels",
                        placeholder=t("support.filter_all"),
                        format_func=lambda x: t(f"support.level.{x}"))
elig = f3.multiselect(t("support.filter_elig"), elig_options, key="support.elig",
                      placeholder=t("support.filter_all"),
                      format_func=lambda x: t(f"support.elig.{x}"))
shown = support.filter_instruments(table, support.Filters(tuple(providers), tuple(levels),
                                                          tuple(elig)))
kinds = support.allocation_kinds(table, tables.by_territory)
st.caption(t("support.n_shown", n=len(shown), total=len(table)))

# Lazy tabs: only the open tab runs, and a map is drawn only while visible (Leaflet cannot
# size itself inside a hidden tab). Widgets of closed tabs keep their value through the URL.
state.keep_valid("support.tab", tab_labels, t(f"support.tab_{v['tab']}"))
tabs = dict(zip(TABS, st.tabs(list(tab_labels), key="support.tab", on_change="rerun"),
                strict=True))
tab = tab_labels[st.session_state["support.tab"]]
iid = st.session_state.get("support.instrument") or v["instrument"]
region = st.session_state.get("support.region", v["region"])
measure = st.session_state.get("support.measure", v["measure"])
scale = st.session_state.get("support.scale", v["scale"])

with tabs[tab]:
    if tab == "catalogue":
        if shown.empty:
            st.info(t("support.none_shown"))
        section.render_catalogue(shown, kinds)
        st.caption(t("support.quoted"))
        widgets.csv_downloads(view.catalogue_export(shown, kinds),
                              t_plain("support.download_name"), "support.dl",
                              float_format="%.0f")
        for _, row in shown.iterrows():
            elig_label = t(f"support.elig.{row['eligibility']}")
            with st.expander(f"{md(labels[row['instrument_id']])} — {elig_label}"):
                section.render_instrument_card(row)
    elif tab == "money":
        fig, missing = view.allocations(shown, kinds, tr(), lang(), today)
        if fig is None:
            st.info(t("support.alloc.empty"))
        else:
            widgets.chart(fig, key="support.alloc")
            st.caption(t("support.alloc.note"))
        st.markdown(f"**{t('support.alloc.missing_title')}:** "
                    + (", ".join(md(name) for name in missing)
                       or t("support.alloc.none_missing")))
        fig, unknown = view.timeline(shown, today, tr(), lang())
        if fig is not None:
            widgets.chart(fig, key="support.timeline")
            st.caption(t("support.timeline.note"))
        if unknown:
            st.caption(t("support.timeline.unknown", names=", ".join(unknown)))
    elif tab == "matrix":
        if not shown.empty:
            widgets.chart(view.matrix(shown, tr(), lang(), today), key="support.matrix")
        st.caption(t("support.matrix.note"))
    elif tab == "territory":
        section.render_territories(b, tables, shown)
    elif tab == "coverage":
        iid = st.selectbox(t("support.coverage.pick"), ids, key="support.instrument",
                           format_func=lambda i: labels[i],
                           on_change=lambda: st.session_state.update({"support._picked": True}))
        section.render_coverage(b, table, iid, labels[iid])
    else:
        region, measure, scale = section.render_transfers(b, tables)

state.write("support", {
    "tab": None if tab == "catalogue" and not st.session_state.get("support._picked") else tab,
    "instrument": iid if st.session_state.get("support._picked") else None,
    "provider": ",".join(providers), "level": ",".join(levels), "elig": ",".join(elig),
    "region": region if region != DEFAULT_REGION else None,
    "measure": measure if measure != support.TRANSFER_MEASURES[0] else None,
    "scale": scale if scale != "orp" else None})
