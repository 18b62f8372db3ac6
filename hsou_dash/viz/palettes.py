"""Colour-blind-safe sequential palettes (ColorBrewer via plotly) and the no-data grey."""

from __future__ import annotations

from plotly.colors import sample_colorscale, sequential

NO_DATA = "#d9d9d9"
HSOU_OUTLINE = "#1b1b1b"
SELECTED = "#0050b5"
#: A multi-hue sequence (ColorBrewer YlOrRd) readable with the common colour-vision deficiencies.
BASE = sequential.YlOrRd
#: Bars and markers that are not part of a classed map.
NEUTRAL = "#7a8a99"
HIGHLIGHT = "#0050b5"


def sequential_colors(k: int, higher_is_worse: bool) -> list[str]:
    """``k`` colours for classes in ascending value order; the darkest is always the worst."""
    if k <= 0:
        return []
    if k == 1:
        return [sample_colorscale(BASE, [0.6], colortype="rgb")[0]]
    stops = [0.08 + 0.92 * i / (k - 1) for i in range(k)]
    colors = [_hex(c) for c in sample_colorscale(BASE, stops, colortype="rgb")]
    return colors if higher_is_worse else colors[::-1]


def _hex(rgb: str) -> str:
    parts = rgb[rgb.index("(") + 1: rgb.index(")")].split(",")
    r, g, b = (int(round(float(p))) for p in parts[:3])
    return f"#{r:02x}{g:02x}{b:02x}"
