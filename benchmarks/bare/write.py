"""Bare Streamlit page (one ``st.write``): the floor any Streamlit page costs (benchmark only).

Run by ``benchmarks/browser.py`` beside the real app, to tell Streamlit's own cost from ours.
"""

import streamlit as st

with st.container(key="bare_text"):  # the benchmark looks for this container's text
    st.write("Bare Streamlit page")
