"""HSOÚ dashboard: data bundle → loaders → domain → builders → thin Streamlit pages."""

__version__ = "0.1.0"
