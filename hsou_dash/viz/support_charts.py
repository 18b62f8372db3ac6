"""Plotly builders for the support page. Plain rows in (already labelled), figures out.

No builder invents a value: rows without an amount are not drawn (the page lists them
separately), and an unknown end of a period is drawn dashed only up to today.

Every text that comes in (instrument and territory names, periods, titles) is escaped for
Plotly's HTML subset (see :mod:`hsou_dash.viz.charts`); ``hover`` columns are the exception:
they are markup, built by the caller from escaped parts.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from hsou_dash.escape import plot_text
from hsou_dash.viz import charts, formatting, palettes
from hsou_dash.viz.charts import esc_all

#: The app's shared figure layout with this page's taller title margin.
MARGIN = dict(l=10, r=10, t=48, b=10)
SPAN_COLORS = {"period": "#5b6770", "window": "#5b6770", "applications": "#d35400",
               "open": "#5b6770", "context": "#c3cad1"}
EVENT_COLORS = {"announced": "#0050b5", "deadline": "#b2182b", "until": "#b2182b",
                "approved": "#2e8b57", "start": "#0050b5", "milestone": "#7a8a99"}
#: matrix cell → colour (target darkest); order = colour-scale order
MATRIX_COLORS = {"target": "#08519c", "priority": "#4292c6", "eligible": "#c6dbef",
                 "overlap": "#f2e5c6", "no": "#f0f0f0", "unknown": "#ffffff"}
HSOU_COLOR, OTHER_COLOR = "#5b6770", "#b4bdc6"
#: Pixels one entry of the timeline's legend takes. The legend is a list, one entry a line,
#: under the date axis: its height is then the same at any width. Laid out in a row, plotly
#: wrapped it into as many rows as the plot's width made (one on a desktop, ten on a phone),
#: and the source line under it, placed for two rows, covered the rest on a phone.
LEGEND_ROW_PX = 20
#: Characters per line of the timeline's source line: it fits a 360 px phone.
SOURCE_CHARS = 40
#: Characters per line of a timeline row's name: long names wrap instead of taking half a
#: phone's width for the labels.
ROW_LABEL_CHARS = 22
#: Pixels an x-axis title takes below the tick labels.
AXIS_TITLE_PX = 22


def layout(lang: str, **overrides: object) -> dict:
    """:func:`charts.layout` (fonts, number separators of ``lang``) with this page's margin."""
    return charts.layout(lang, **{"margin": MARGIN, **overrides})


def localise(fig: go.Figure, lang: str) -> go.Figure:
    """Number separators of ``lang`` on a figure built elsewhere (the shared rule)."""
    fig.update_layout(separators=formatting.plotly_separators(lang))
    return fig


def _esc(text: object) -> str:
    return plot_text(text)


def _day(d: date, lang: str) -> str:
    """The app's one date style: "14. 4. 2025" / "14 Apr 2025"."""
    return formatting.date(f"{d.day}.{d.month}.{d.year}", lang)


def _title(text: str) -> dict:
    return dict(text=_esc(text), x=0, font=dict(size=15))


def allocation_bars(rows: pd.DataFrame, *, title: str, axis: str,
                    scale: float = 1e9, source: str = "", lang: str = "cs") -> go.Figure:
    """Horizontal bars of ``amount`` by ``label`` (largest on top), drawn in ``amount / scale``
    (billions by default, so the axis reads "mld. Kč" rather than "40B").

    ``rows``: label, amount, amount_text, kind (what the amount is), source (URL); rows with a
    missing amount are dropped here — they are listed apart, never drawn as zero.
    """
    data = rows.dropna(subset=["amount"]).sort_values("amount")
    hover = [f"<b>{_esc(r.label)}</b><br>{_esc(r.amount_text)}<br>{_esc(r.kind)}"
             f"<br>{_esc(r.source)}" for r in data.itertuples()]
    x = data["amount"] / scale
    fig = go.Figure(go.Bar(
        x=x, y=esc_all(data["label"]), orientation="h", marker_color=palettes.NEUTRAL,
        text=esc_all(data["amount_text"]), textposition="outside", cliponaxis=False,
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
    ))
    fig.update_layout(**layout(lang), title=_title(title), height=max(220, 44 * len(data) + 90),
                      showlegend=False, xaxis_title=_esc(axis))
    fig.update_xaxes(showgrid=True, gridcolor="#eeeeee", range=_headroom(x))
    fig.update_yaxes(automargin=True)
    source_below(fig, source, AXIS_TITLE_PX)
    return fig


def _headroom(values: pd.Series, share: float = 0.22) -> list[float]:
    """Axis range from 0 with room on the right for the value labels outside the bars."""
    top = float(values.max()) if len(values) and pd.notna(values.max()) else 1.0
    return [0.0, top * (1 + share) if top > 0 else 1.0]


def timeline(items: list[dict], *, today: date, title: str, today_label: str,
             open_end_label: str, source: str = "", lang: str = "cs") -> go.Figure:
    """One row per instrument: spans as bars, single steps as dots, a line at ``today``.

    ``items``: dicts with ``label``, ``status``, ``spans`` [(kind, kind_label, start, end|None,
    text)] and ``events`` [(kind, kind_label, day, text)]. An open end is drawn dashed to today.
    """
    fig = go.Figure()
    shown: set[str] = set()
    labels = [charts.wrap(str(it["label"]), ROW_LABEL_CHARS) for it in items]
    for it, y in zip(items, labels, strict=True):
        for kind, kind_label, start, end, text in it["spans"]:
            if start is None:
                continue
            open_end = end is None
            stop = today if open_end else end
            if stop < start:
                stop = start
            extra = f" ({open_end_label})" if open_end else ""
            fig.add_trace(go.Scatter(
                x=[start, stop], y=[y, y], mode="lines",
                line=dict(width=6 if kind == "context" or open_end else 12,
                          color=SPAN_COLORS.get(kind, "#999"),
                          dash="dash" if open_end else "solid"),
                name=_esc(kind_label), legendgroup=kind_label,
                showlegend=kind_label not in shown,
                hovertemplate=f"<b>{y}</b><br>{_esc(kind_label)}: {_esc(text)}{_esc(extra)}"
                              f"<br>{_esc(it['status'])}<extra></extra>",
            ))
            shown.add(kind_label)
        for kind, kind_label, day, text in it["events"]:
            fig.add_trace(go.Scatter(
                x=[day], y=[y], mode="markers",
                marker=dict(size=12, symbol="diamond", color=EVENT_COLORS.get(kind, "#7a8a99"),
                            line=dict(width=1, color="white")),
                name=_esc(kind_label), legendgroup=kind_label,
                showlegend=kind_label not in shown,
                hovertemplate=f"<b>{y}</b><br>{_esc(kind_label)} {_day(day, lang)}"
                              f"<br>{_esc(text)}<extra></extra>",
            ))
            shown.add(kind_label)
    # add_vline's annotation breaks on date axes: a shape and an annotation instead
    fig.add_shape(type="line", x0=today, x1=today, y0=0, y1=1, yref="paper",
                  line=dict(color=palettes.HIGHLIGHT, width=2))
    fig.add_annotation(x=today, y=1, yref="paper", text=f"{_esc(today_label)} {_day(today, lang)}",
                       showarrow=False, yanchor="bottom", xanchor="right",  # ends at the line:
                       font=dict(color=palettes.HIGHLIGHT))  # never cut at the right edge
    fig.update_layout(**layout(lang, margin=dict(l=10, r=10, t=48, b=40)), title=_title(title),
                      height=max(300, 40 * len(items) + 190), hovermode="closest",
                      legend=dict(orientation="v", yanchor="top", y=-0.08, x=0, xanchor="left",
                                  font=dict(size=11), tracegroupgap=0))
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], automargin=True)
    days = [d for it in items for _, _, a, b, _ in it["spans"] for d in (a, b) if d]
    days += [d for it in items for _, _, d, _ in it["events"]] + [today]
    lo, hi = min(days), max(days)
    # years as ticks, as many as the width takes (plotly's automatic spacing: every second
    # year on a wide screen; a phone's ~170 px of plot got 14 overlapping labels with a tick
    # forced every 12 months)
    fig.update_xaxes(type="date", showgrid=True, gridcolor="#eeeeee",
                     tickformat="%Y", ticklabelmode="period",
                     range=[date(lo.year, 1, 1), date(hi.year + 1, 3, 1)])
    # under the legend (one line per kind shown); at the plot's right end, so that on a phone
    # it reaches left under the row names instead of past the screen's edge
    source_below(fig, source, len(shown) * LEGEND_ROW_PX + 24, width=SOURCE_CHARS, right=True)
    return fig


def source_below(fig: go.Figure, source: str, room: int = 0, width: int = 110,
                 right: bool = False) -> None:
    """The source line under the plot as :func:`charts.add_source` places it, moved down
    (with the figure growing) by ``room`` pixels that an axis title or a legend under the axis
    takes, so the two never overlap; ``right``: ending at the plot's right edge."""
    if not source:
        return
    charts.add_source(fig, source, width=width)
    if right:
        fig.layout.annotations[-1].update(x=1, xanchor="right")
    if room:
        fig.layout.annotations[-1].yshift -= room
        fig.update_layout(height=fig.layout.height + room,
                          margin=dict(b=fig.layout.margin.b + room))


def eligibility_matrix(cells: pd.DataFrame, *, title: str, row_labels: list[str],
                       col_labels: list[str], cell_labels: dict[str, str],
                       source: str = "", lang: str = "cs") -> go.Figure:
    """Instruments × territory types, coloured by cell category (see ``MATRIX_COLORS``)."""
    order = list(MATRIX_COLORS)
    z = cells.map(lambda c: order.index(c) if c in order else order.index("unknown"))
    text = cells.map(lambda c: _esc(cell_labels.get(c, c)))
    n = len(order)
    scale = []
    for i, color in enumerate(MATRIX_COLORS.values()):
        scale += [[i / n, color], [(i + 1) / n, color]]
    fig = go.Figure(go.Heatmap(
        z=z.to_numpy(), x=esc_all(col_labels), y=esc_all(row_labels), text=text.to_numpy(),
        # category i sits in the middle of colour band i: (i + .5) / n on the scale
        texttemplate="%{text}", colorscale=scale, zmin=-0.5, zmax=n - 0.5, showscale=False,
        xgap=2, ygap=2, hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
    ))
    fig.update_layout(**layout(lang), title=_title(title),
                      height=max(260, 42 * len(row_labels) + 110))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(side="top")
    source_below(fig, source)
    return fig


def per_inhabitant_bars(rows: pd.DataFrame, *, title: str, axis: str, source: str = "",
                        lang: str = "cs") -> go.Figure:
    """``rows``: label, value, text, hover (markup from escaped parts). Missing values are
    not drawn."""
    data = rows.dropna(subset=["value"]).sort_values("value")
    fig = go.Figure(go.Bar(
        x=data["value"], y=esc_all(data["label"]), orientation="h",
        marker_color=palettes.NEUTRAL, text=esc_all(data["text"]), textposition="outside",
        cliponaxis=False,
        hovertext=data["hover"], hovertemplate="%{hovertext}<extra></extra>",
    ))
    fig.update_layout(**layout(lang), title=_title(title), height=max(220, 44 * len(data) + 90),
                      showlegend=False, xaxis_title=_esc(axis))
    fig.update_xaxes(showgrid=True, gridcolor="#eeeeee", range=_headroom(data["value"], 0.3),
                     tickformat=",.0f")
    fig.update_yaxes(automargin=True)
    source_below(fig, source, AXIS_TITLE_PX)
    return fig


def hsou_side_by_side(rows: pd.DataFrame, *, title: str, panels: tuple[str, str], unit: str,
                      source: str, bars_up_to: int = 40, lang: str = "cs") -> go.Figure:
    """HSOÚ and non-HSOÚ territories in two panels with a shared value axis.

    ``rows``: name, value, text, is_hsou. Up to ``bars_up_to`` territories per panel: ranked
    bars; more: one dot per territory with a box (median line), so 200+ names stay readable.
    Missing values are left out (the table says "no data").
    """
    data = rows.dropna(subset=["value"])
    data = data.assign(name=esc_all(data["name"]), text=esc_all(data["text"]))
    panels = (_esc(panels[0]), _esc(panels[1]))
    unit = _esc(unit)
    groups = [data[data["is_hsou"]], data[~data["is_hsou"]]]
    n = max(len(g) for g in groups)
    many = n > bars_up_to
    fig = make_subplots(rows=1, cols=2, shared_xaxes=not many, shared_yaxes=many,
                        subplot_titles=[f"{p} ({len(g)})" for p, g in zip(panels, groups,
                                                                           strict=True)],
                        horizontal_spacing=0.22 if not many else 0.06)
    hover = "%{hovertext}<extra>" + _esc(source) + "</extra>"
    for col, (g, color) in enumerate(zip(groups, (HSOU_COLOR, OTHER_COLOR), strict=True),
                                     start=1):
        g = g.sort_values("value")
        if many:
            fig.add_trace(go.Box(y=g["value"], hovertext=g["name"] + ": " + g["text"],
                                 boxpoints="all", jitter=0.5, pointpos=0, marker_color=color,
                                 line_color="#333", fillcolor="rgba(0,0,0,0)",
                                 name=panels[col - 1], hovertemplate=hover, showlegend=False),
                          row=1, col=col)
            continue
        fig.add_trace(go.Bar(x=g["value"], y=g["name"], orientation="h", marker_color=color,
                             text=g["text"], textposition="outside", cliponaxis=False,
                             hovertext=g["name"] + ": " + g["text"], hovertemplate=hover,
                             showlegend=False), row=1, col=col)
        # same bar thickness in both panels: each spans n category slots, ranked from the top
        fig.update_yaxes(range=[len(g) - n - 0.5, len(g) - 0.5], row=1, col=col)
    fig.update_layout(**layout(lang), title=_title(title),
                      height=460 if many else max(260, 24 * n + 120))
    if many:
        fig.update_yaxes(title_text=unit, gridcolor="#eeeeee", tickformat=",.0f", row=1, col=1)
    else:
        fig.update_xaxes(title_text=unit, gridcolor="#eeeeee", tickformat=",.0f",
                         range=_headroom(data["value"], 0.45))
        fig.update_yaxes(automargin=True, tickfont=dict(size=11))
    source_below(fig, source, 0 if many else AXIS_TITLE_PX)
    return fig
