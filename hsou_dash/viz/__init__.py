"""Builders: plain data in, folium maps and plotly figures out. No Streamlit."""
