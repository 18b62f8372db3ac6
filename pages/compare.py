"""Placeholder: this page is being built (see the issue for /compare)."""

import streamlit as st

from hsou_dash.ui.text import t

st.title(t("nav.compare"))
