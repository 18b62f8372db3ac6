"""Sections of /methodology that only say where numbers come from and how far they hold:
the background document in the reader's language, the "how we got the data" details and
our numbers against published ones. Kept here so the page stays a short layout script."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from hsou_dash.escape import md_document
from hsou_dash.ui import cache
from hsou_dash.ui.text import lang, t
from hsou_dash.viz import methodology_view, trust_view

#: The background document per language; the other one is the fallback (marked as such).
DOCUMENTS = {"cs": ("hsou_methodology", "hsou_methodology_en"),
             "en": ("hsou_methodology_en", "hsou_methodology")}


def render_background_document(root: str) -> None:
    """The bundle's notes on the HSOÚ delimitation, in the page's language when the bundle
    has them (otherwise the other language, said in the label); repository shorthand becomes
    a public link, and images, HTML and non-http(s) links are dropped (``md_document``)."""
    own, other = DOCUMENTS.get(lang(), DOCUMENTS["cs"])
    doc = cache.document(root, own)
    fallback = None if doc else cache.document(root, other)
    label = "methodology.source_doc_other_lang" if fallback else "methodology.source_doc"
    with st.expander(t(label)):
        if doc or fallback:
            st.markdown(md_document(trust_view.public_links(doc or fallback)))
        else:
            st.caption(t("methodology.source_doc_missing"))


def catalogue_columns() -> dict:
    """Column labels of the indicator catalogue (the source link only for http(s) URLs)."""
    return {
        "indicator_id": t("methodology.col_id"),
        "source_url": st.column_config.LinkColumn(t("methodology.col_source_url"),
                                                  display_text=t("methodology.open_link")),
        **{c: t(f"methodology.col_{c}") for c in
           ("theme", "name", "definition", "unit", "direction", "years", "ref_dates", "source",
            "licence", "caveats", "hsou")}}


def render_retrieval(root: str, catalogue: pd.DataFrame) -> None:
    """How we got the data: the files and addresses of every indicator, then the bundle's
    own SOURCES.md documents (they name repository paths: that is what they are for)."""
    with st.expander(t("methodology.how_obtained_indicators")):
        st.markdown(trust_view.retrieval_markdown(methodology_view.catalogue_retrieval(catalogue)))
    for name, label in (("indicator_sources", "sources_doc"),
                        ("boundary_sources", "boundary_doc")):
        doc = cache.document(root, name)
        if doc:
            with st.expander(t(f"methodology.{label}")):
                st.markdown(md_document(doc))


def render_reconciliation(root: str) -> None:
    """Published regional and national figures against ours, with the verdict and why."""
    st.header(t("methodology.rec_header"))
    st.markdown(t("methodology.rec_intro"))
    st.dataframe(cache.reconciliation(root, lang()), hide_index=True, width="stretch",
                 column_config={
        "link": st.column_config.LinkColumn(t("methodology.col_link"),
                                            display_text=t("methodology.open_link")),
        "year": st.column_config.NumberColumn(t("common.year"), format="%d"),
        "status": t("methodology.col_rec_status"),
        **{c: t(f"methodology.col_{c}") for c in ("territory", "indicator", "published",
                                                  "source", "ours", "difference", "reason")}})
    st.caption(t("methodology.rec_note"))
