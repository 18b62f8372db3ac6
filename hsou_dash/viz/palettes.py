"""Colour-blind-safe sequential palettes (ColorBrewer via plotly) and the no-data grey.

Which palette an indicator gets is decided here, from its direction in the catalogue
(:func:`hsou_dash.domain.catalogue.direction`), and nowhere else — map, municipal layer and
support map all call :func:`for_indicator`:

* ``higher_worse``: YlOrRd, the darkest red on the highest class;
* ``higher_better``: the same YlOrRd reversed, the darkest red on the lowest class;
* ``neutral`` (counts and amounts: the size of a territory, not its condition): ColorBrewer
  Blues, darker = more; no red, so a small ORP does not look "bad" for having few inhabitants.
"""

from __future__ import annotations

import pandas as pd
from plotly.colors import sample_colorscale, sequential

from hsou_dash.domain.catalogue import Direction, direction

NO_DATA = "#d9d9d9"
HSOU_OUTLINE = "#1b1b1b"
SELECTED = "#0050b5"
#: A multi-hue sequence (ColorBrewer YlOrRd) readable with the common colour-vision deficiencies.
BASE = sequential.YlOrRd
#: Counts and amounts: single-hue ColorBrewer Blues (colour-blind safe, no better/worse).
NEUTRAL_SCALE = sequential.Blues
#: Bars and markers that are not part of a classed map.
NEUTRAL = "#7a8a99"
HIGHLIGHT = "#0050b5"


def _sample(scale: list[str], k: int, lo: float = 0.08) -> list[str]:
    if k <= 0:
        return []
    if k == 1:
        return [_hex(sample_colorscale(scale, [0.6], colortype="rgb")[0])]
    # min(): lo + (1 - lo) * 5 / 5 is 1.0000000000000002 for lo = 0.08, past the scale's end,
    # and plotly's sampler then indexed out of range (a map of 6 classes raised IndexError)
    stops = [min(1.0, lo + (1 - lo) * i / (k - 1)) for i in range(k)]
    return [_hex(c) for c in sample_colorscale(scale, stops, colortype="rgb")]


def sequential_colors(k: int, higher_is_worse: bool) -> list[str]:
    """``k`` worse/better colours for classes in ascending value order; the darkest is always
    the worst. Prefer :func:`for_direction`, which also handles neutral indicators."""
    colors = _sample(BASE, k)
    return colors if higher_is_worse else colors[::-1]


def for_direction(k: int, way: Direction) -> list[str]:
    """``k`` colours for classes in ascending value order for an indicator of direction
    ``way``: worse palette (darkest = worst) or, for ``neutral``, Blues (darkest = highest)."""
    if way == "neutral":
        return _sample(NEUTRAL_SCALE, k, lo=0.15)
    return sequential_colors(k, way == "higher_worse")


def for_indicator(catalog: pd.DataFrame, indicator_id: str, k: int) -> list[str]:
    """The class colours of ``indicator_id`` (see the module docstring)."""
    return for_direction(k, direction(catalog, indicator_id))


def legend_key(way: Direction) -> str:
    """Text key of the legend line that says what a darker colour means."""
    return f"map.legend_{way}"


def _hex(rgb: str) -> str:
    parts = rgb[rgb.index("(") + 1: rgb.index(")")].split(",")
    r, g, b = (int(round(float(p))) for p in parts[:3])
    return f"#{r:02x}{g:02x}{b:02x}"
