"""The only Streamlit-aware modules: caching, URL state, shared widgets, text lookup."""
