"""Placeholder: this page is being built (see the issue for /town)."""

import streamlit as st

from hsou_dash.ui.text import t

st.title(t("nav.town"))
