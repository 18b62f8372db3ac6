"""Bare Streamlit page (one ``st.write``): the floor any Streamlit page costs (benchmark only).

Run by ``benchmarks/browser.py`` beside the real app, to tell Streamlit's own cost from ours.
"""

import streamlit as st

st.write("Bare Streamlit page")
