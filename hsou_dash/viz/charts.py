"""Plotly figure builders: ranked bars and trend lines. Plain data in, figures out.

Plotly renders a small HTML subset in every text (``<a href>``, ``<b>``, ``<span>``…), so every
text that comes in — names, titles, units, source lines — is escaped with :func:`esc` before
it is placed into a figure; only our own ``<br>``/``<extra>`` markup stays markup.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from hsou_dash.escape import plot_text as esc
from hsou_dash.viz import palettes

_LAYOUT = dict(
    margin=dict(l=10, r=10, t=40, b=10),
    font=dict(family="system-ui, -apple-system, Segoe UI, sans-serif", size=13),
    plot_bgcolor="white",
    paper_bgcolor="white",
)


def esc_all(values: Iterable[object]) -> list[object]:
    """:func:`esc` for every text in ``values`` (numbers and missing values pass through)."""
    return [esc(v) if isinstance(v, str) else v for v in values]


def ranked_bars(rows: pd.DataFrame, *, label: str, value: str, text: str, title: str,
                selected: str | None = None, key: str = "orp_code",
                hsou: str | None = "is_hsou", source: str = "",
                hsou_name: str = "HSOÚ") -> go.Figure:
    """Horizontal bars, highest at the top; the selected territory in blue, HSOÚ darker.

    Rows without a value are left out of the bars (the table lists them as "no data").
    """
    data = rows.dropna(subset=[value]).sort_values(value, ascending=True)
    colors = []
    for _, r in data.iterrows():
        if selected is not None and r[key] == selected:
            colors.append(palettes.HIGHLIGHT)
        elif hsou and bool(r.get(hsou, False)):
            colors.append("#5b6770")
        else:
            colors.append("#b4bdc6")
    names = [esc(f"{r[label]} ({hsou_name})" if hsou and bool(r.get(hsou, False))
                 else r[label]) for _, r in data.iterrows()]
    fig = go.Figure(go.Bar(
        x=data[value], y=names, orientation="h", marker_color=colors,
        text=esc_all(data[text]), textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra>" + esc(source) + "</extra>",
    ))
    fig.update_layout(**_LAYOUT, title=dict(text=esc(title), x=0, font=dict(size=15)),
                      height=max(260, 22 * len(data) + 80), showlegend=False)
    fig.update_xaxes(showgrid=True, gridcolor="#eeeeee", zeroline=True, zerolinecolor="#999")
    fig.update_yaxes(automargin=True, tickfont=dict(size=12))
    return fig


def trend(series: dict[str, pd.Series], *, title: str, unit: str, source: str,
          highlight: str | None = None) -> go.Figure:
    """One line per territory (name → values by year). Missing years stay gaps, never joined."""
    fig = go.Figure()
    palette = ["#0050b5", "#d35400", "#5b6770", "#2e8b57", "#8e44ad"]
    for i, (name, s) in enumerate(series.items()):
        s = s.sort_index()
        fig.add_trace(go.Scatter(
            x=s.index.astype(int), y=s.values, mode="lines+markers", name=esc(name),
            connectgaps=False,
            line=dict(width=4 if name == highlight else 2, color=palette[i % len(palette)]),
            hovertemplate="%{fullData.name}<br>%{x}: %{y:,.2f} " + esc(unit)
                          + "<extra></extra>",
        ))
    fig.update_layout(**_LAYOUT, title=dict(text=esc(title), x=0, font=dict(size=15)),
                      height=320, legend=dict(orientation="h", y=-0.2), yaxis_title=esc(unit))
    fig.update_xaxes(dtick=1, showgrid=False)
    fig.update_yaxes(gridcolor="#eeeeee")
    fig.add_annotation(text=esc(source), xref="paper", yref="paper", x=0, y=-0.42,
                       showarrow=False,
                       font=dict(size=10, color="#666"), xanchor="left")
    return fig
