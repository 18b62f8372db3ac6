"""Plotly figure builders: ranked bars and trend lines. Plain data in, figures out.

Plotly renders a small HTML subset in every text (``<a href>``, ``<b>``, ``<span>``…), so every
text that comes in — names, titles, units, source lines — is escaped with :func:`esc` before
it is placed into a figure; only our own ``<br>``/``<extra>`` markup stays markup.

Every figure of the app starts from :func:`layout`, which carries the reader's number
separators (decimal comma in Czech), so axis ticks and hovers read like the tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from hsou_dash.domain.series import breaks_between
from hsou_dash.escape import plot_text as esc
from hsou_dash.text import Translator
from hsou_dash.viz import formatting, palettes

#: The shared look of every figure, without language (see :func:`layout`).
_LAYOUT = dict(
    margin=dict(l=10, r=10, t=40, b=10),
    font=dict(family="system-ui, -apple-system, Segoe UI, sans-serif", size=13),
    plot_bgcolor="white",
    paper_bgcolor="white",
)

#: Line colours of a trend chart (Okabe–Ito-like, distinguishable with colour-vision deficiency).
TREND_COLORS = ["#0050b5", "#d35400", "#5b6770", "#2e8b57", "#8e44ad"]
BREAK_COLOR = "#8a5a00"


def layout(lang: str, **overrides: object) -> dict:
    """The shared layout of every figure in ``lang``: fonts, white background and the number
    ``separators`` ("5,46" and "12 345" in Czech), so no chart shows a decimal point in Czech.
    ``overrides`` replace keys (e.g. ``margin``)."""
    return {**_LAYOUT, "separators": formatting.plotly_separators(lang), **overrides}


def esc_all(values: Iterable[object]) -> list[object]:
    """:func:`esc` for every text in ``values`` (numbers and missing values pass through)."""
    return [esc(v) if isinstance(v, str) else v for v in values]


def ranked_bars(rows: pd.DataFrame, *, label: str, value: str, text: str, title: str,
                selected: str | None = None, key: str = "orp_code",
                hsou: str | None = "is_hsou", source: str = "",
                hsou_name: str = "HSOÚ", lang: str = "cs") -> go.Figure:
    """Horizontal bars, highest at the top; the selected territory in blue, HSOÚ darker.

    Rows without a value are left out of the bars (the table lists them as "no data").
    ``text`` holds the formatted values (fixed decimals, unit) shown at the bars and in hover.
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
    fig.update_layout(**layout(lang), title=dict(text=esc(title), x=0, font=dict(size=15)),
                      height=max(260, 22 * len(data) + 80), showlegend=False)
    fig.update_xaxes(showgrid=True, gridcolor="#eeeeee", zeroline=True, zerolinecolor="#999")
    fig.update_yaxes(automargin=True, tickfont=dict(size=12))
    add_source(fig, source)
    return fig


#: Pixels a line of the source note takes under a figure (font size 10 and line spacing).
SOURCE_LINE_PX = 14


def add_source(fig: go.Figure, source: str, width: int = 70) -> None:
    """The source line inside the figure, under the plot: a PNG exported from the modebar
    (:func:`image_config`) or a screenshot then carries its source. ``source`` is plain text
    (escaped here), wrapped at about ``width`` characters; the bottom margin and the height
    grow by its lines so it never covers the axis."""
    if not source:
        return
    note = wrap(source, width)
    lines = note.count("<br>") + 1
    extra = 24 + SOURCE_LINE_PX * lines
    margin = fig.layout.margin
    fig.update_layout(height=(fig.layout.height or 450) + extra,
                      margin=dict(l=margin.l, r=margin.r, t=margin.t, b=(margin.b or 0) + extra))
    fig.add_annotation(text=note, xref="paper", yref="paper", x=0, y=0, yanchor="top",
                       yshift=-24, showarrow=False, font=dict(size=10, color="#666"),
                       xanchor="left", align="left")


def image_config(filename: str) -> dict:
    """The ``config`` for ``st.plotly_chart`` whose modebar camera saves a PNG at twice the
    on-screen scale (sharp on slides and in print) under ``filename`` (without ``.png``;
    characters outside letters, digits, ``-`` and ``_`` are replaced)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in filename) or "graf"
    return {"toImageButtonOptions": {"format": "png", "filename": safe, "scale": 2},
            "displaylogo": False}


@dataclass(frozen=True)
class BreakMark:
    """A change of basis drawn on a trend chart: a dashed line between ``year - 1`` and
    ``year``, a short ``label`` on it ("Sčítání 2021") and the full ``text`` on hover."""

    year: int
    label: str
    text: str


def break_marks(indicator_id: str, years: Iterable[int], tr: Translator,
                territory: str | None = None) -> list[BreakMark]:
    """The breaks of :func:`hsou_dash.domain.series.breaks_between` inside ``years``, with
    their texts in ``tr``'s language (plain: the chart escapes them)."""
    out = []
    for b in breaks_between(indicator_id, years, territory):
        short = b.text_key.rsplit(".", 1)[-1]
        out.append(BreakMark(b.year, tr.plain(f"chart.break_short.{short}", year=b.year),
                             tr.plain(b.text_key, year=b.year)))
    return out


def _full_range(series: dict[str, pd.Series]) -> list[int]:
    """Every year from the first to the last shown, so a missing year is a gap on the axis."""
    years = sorted({int(y) for s in series.values() for y in s.dropna().index})
    return list(range(years[0], years[-1] + 1)) if years else []


def wrap(text: str, width: int = 60) -> str:
    """Text broken into lines of about ``width`` characters (escaped words): hover text, and
    axis labels that must fit a phone."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join(esc(x) for x in [*lines, line] if x)


def trend(series: dict[str, pd.Series], *, title: str, unit: str, source: str,
          highlight: str | None = None, decimals: int = 1, lang: str = "cs",
          breaks: Sequence[BreakMark] = (), missing_label: str | None = None) -> go.Figure:
    """One line per territory (name → values by year). Missing years stay gaps, never joined.

    The x axis runs over every year from the first to the last, and each line carries
    ``None`` for a year it lacks: plotly then breaks the line there (``connectgaps=False``
    alone is not enough — a year simply absent from x would be joined over). ``breaks`` are
    drawn as dashed vertical lines half-way between the years with their label on top and
    their text on hover. ``missing_label`` (e.g. "bez dat") adds the years without any value
    to the note under the chart. Hovers use the indicator's ``decimals`` and ``unit`` label.
    """
    fig = go.Figure()
    years = _full_range(series)
    for i, (name, s) in enumerate(series.items()):
        s = s.dropna()
        s.index = s.index.astype(int)
        y = [float(s[yr]) if yr in s.index else None for yr in years]
        fig.add_trace(go.Scatter(
            x=years, y=y, mode="lines+markers", name=esc(name), connectgaps=False,
            line=dict(width=4 if name == highlight else 2,
                      color=TREND_COLORS[i % len(TREND_COLORS)]),
            hovertemplate="%{fullData.name}<br>%{x}: " + formatting.hover_number("y", decimals,
                                                                            esc(unit))
                          + "<extra></extra>",
        ))
    fig.update_layout(**layout(lang), title=dict(text=esc(title), x=0, font=dict(size=15)),
                      height=340, legend=dict(orientation="h", y=-0.2), yaxis_title=esc(unit))
    fig.update_xaxes(dtick=1, showgrid=False, tickformat="d", hoverformat="d")
    # whole numbers grouped in thousands ("12 345", not "12k"); fractions keep plotly's ticks
    fig.update_yaxes(gridcolor="#eeeeee", tickformat=",.0f" if decimals == 0 else None)
    for b in breaks:
        fig.add_shape(type="line", x0=b.year - 0.5, x1=b.year - 0.5, yref="paper", y0=0, y1=1,
                      line=dict(color=BREAK_COLOR, width=1.5, dash="dash"))
        fig.add_annotation(x=b.year - 0.5, y=1, yref="paper", yanchor="bottom",
                           text=esc(b.label), hovertext=wrap(b.text), showarrow=False,
                           font=dict(size=11, color=BREAK_COLOR))
    note = esc(source)
    empty = [yr for yr in years if all(yr not in s.dropna().index.astype(int)
                                       for s in series.values())]
    if missing_label and empty:
        note += "<br>" + esc(f"{missing_label}: {', '.join(str(y) for y in empty)}")
    fig.add_annotation(text=note, xref="paper", yref="paper", x=0, y=-0.42, yanchor="top",
                       showarrow=False, font=dict(size=10, color="#666"), xanchor="left",
                       align="left")
    fig.update_layout(margin=dict(l=10, r=10, t=56 if breaks else 40, b=10))
    return fig
