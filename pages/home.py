import streamlit as st

from hsou_dash.ui.text import t

st.title(t("nav.home"))
