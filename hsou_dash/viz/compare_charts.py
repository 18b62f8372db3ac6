"""Plotly figures of the compare page: a two-indicator scatter and a percentile dot plot.

Texts that come in (names, indicator titles, sources) are escaped for Plotly's HTML subset, as
in :mod:`hsou_dash.viz.charts`.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from hsou_dash.escape import plot_text as esc
from hsou_dash.viz import palettes
from hsou_dash.viz.charts import esc_all, layout
from hsou_dash.viz.support_charts import AXIS_TITLE_PX, source_below

#: One colour per compared ORP (Okabe–Ito, distinguishable with colour-vision deficiencies).
SERIES_COLORS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00"]
HSOU_MARKER = "#b2182b"
OTHER_MARKER = "#8c9aa6"


def _sizes(pop: pd.Series) -> list[float]:
    """Marker diameters with area proportional to population (largest 40 px)."""
    top = float(pop.max()) if pop.notna().any() else 0.0
    if top <= 0:
        return [9.0] * len(pop)
    return [max(5.0, 40.0 * math.sqrt(p / top)) if pd.notna(p) else 5.0 for p in pop]


def scatter(rows: pd.DataFrame, *, x_title: str, y_title: str, title: str,
            source: str | list[str], hsou_label: str, other_label: str,
            selected: str | None = None, selected_label: str = "", sized: bool = False,
            size_note: str = "", lang: str = "cs", x_decimals: int | None = None,
            y_decimals: int | None = None) -> go.Figure:
    """ORP as points: ``x``, ``y`` (numbers), ``x_text``, ``y_text``, ``orp_name``,
    ``orp_code``, ``is_hsou``, ``population`` and ``pop_text`` (shown in hover when ``sized``).

    HSOÚ ORP are red diamonds, the others grey circles; the selected ORP is ringed in blue.
    Rows missing either value are left out (the page says how many). ``source``: one line or
    several (shown one per line under the chart). Axis ticks use the separators of ``lang``
    (decimal comma in Czech) and, when given, the indicators' decimals.
    """
    data = rows.dropna(subset=["x", "y"])
    text_cols = ["orp_name", "x_text", "y_text", "pop_text"]
    data = data.assign(**{c: esc_all(data[c]) for c in text_cols})
    x_title, y_title, title = esc(x_title), esc(y_title), esc(title)
    hsou_label, other_label, selected_label = esc(hsou_label), esc(other_label), \
        esc(selected_label)
    lines = [source] if isinstance(source, str) else list(source)
    source = "<br>".join(esc(line) for line in lines)
    size_note = esc(size_note)
    fig = go.Figure()
    size_all = pd.Series(_sizes(data["population"]), index=data.index) if sized else None
    for is_hsou, name, color, symbol in ((False, other_label, OTHER_MARKER, "circle"),
                                         (True, hsou_label, HSOU_MARKER, "diamond")):
        part = data[data["is_hsou"] == is_hsou]
        size = size_all[part.index].tolist() if sized else 10
        extra = "<br>%{customdata[3]}" if sized else ""
        fig.add_trace(go.Scatter(
            x=part["x"], y=part["y"], mode="markers", name=name,
            marker=dict(color=color, symbol=symbol, size=size, opacity=0.75,
                        line=dict(width=0.6, color="white")),
            customdata=part[text_cols].to_numpy(),
            hovertemplate=(f"<b>%{{customdata[0]}}</b> ({name})<br>{x_title}: %{{customdata[1]}}"
                           f"<br>{y_title}: %{{customdata[2]}}{extra}<extra></extra>"),
        ))
    if selected is not None and selected in set(data["orp_code"]):
        sel = data[data["orp_code"] == selected]
        fig.add_trace(go.Scatter(
            x=sel["x"], y=sel["y"], mode="markers+text", name=selected_label,
            text=sel["orp_name"], textposition="top center",
            textfont=dict(color=palettes.SELECTED, size=13),
            marker=dict(size=(size_all[sel.index].tolist() if sized else 16),
                        color="rgba(0,0,0,0)", line=dict(width=3, color=palettes.SELECTED)),
            hoverinfo="skip",
        ))
    fig.update_layout(**layout(lang), height=520,
                      title=dict(text=title, x=0, font=dict(size=15)),
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right",
                                  x=1), xaxis_title=x_title,
                      yaxis_title=y_title)
    fig.update_xaxes(showgrid=True, gridcolor="#eeeeee", zeroline=False,
                     tickformat=",.0f" if x_decimals == 0 else None)
    fig.update_yaxes(showgrid=True, gridcolor="#eeeeee", zeroline=False,
                     tickformat=",.0f" if y_decimals == 0 else None)
    note = f"{source}<br>{size_note}" if size_note else source
    fig.add_annotation(text=note, xref="paper", yref="paper", x=0, y=-0.16, yanchor="top",
                       showarrow=False, font=dict(size=10, color="#666"), xanchor="left",
                       align="left")
    fig.update_layout(margin=dict(l=10, r=10, t=50, b=110))
    return fig


def percentile_dots(rows: pd.DataFrame, *, names: dict[str, str], title: str,
                    axis_title: str, source: str = "", lang: str = "cs") -> go.Figure:
    """One row per indicator, one coloured dot per ORP at its percentile in Czechia (0–100).

    ``rows``: ``label`` (indicator, display order top-down), ``orp_code``, ``percentile``,
    ``value_text``. Missing percentiles are simply absent (no dot). ``source`` (plain text:
    the charted indicators' sources and dates) is printed under the plot, so a screenshot or
    the PNG export carries it, not only the table above.
    """
    rows = rows.assign(label=esc_all(rows["label"]), value_text=esc_all(rows["value_text"])) \
        if len(rows) else rows
    labels = list(dict.fromkeys(rows["label"])) if len(rows) else []
    fig = go.Figure()
    for i, (code, name) in enumerate(names.items()):
        name = esc(name)
        part = rows[(rows["orp_code"] == code) & rows["percentile"].notna()]
        fig.add_trace(go.Scatter(
            x=part["percentile"], y=part["label"], mode="markers", name=name,
            marker=dict(size=13, color=SERIES_COLORS[i % len(SERIES_COLORS)],
                        symbol=["circle", "square", "diamond", "triangle-up", "x"][i % 5],
                        line=dict(width=0.8, color="white")),
            customdata=part[["value_text"]].to_numpy(),
            hovertemplate=f"<b>{name}</b><br>%{{y}}: %{{customdata[0]}}"
                          "<br>P %{x:.0f}<extra></extra>",
        ))
    fig.update_layout(**layout(lang), height=max(300, 34 * len(labels) + 140),
                      title=dict(text=esc(title), x=0, font=dict(size=15)),
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
                      xaxis_title=esc(axis_title))
    fig.update_xaxes(range=[-2, 102], dtick=25, showgrid=True, gridcolor="#e6e6e6")
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], automargin=True)
    source_below(fig, source, AXIS_TITLE_PX)  # under the axis title
    return fig
