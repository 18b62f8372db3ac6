"""Presenter mode from the address: ``present=1``, ``contrast=1`` and ``indicators=a,b,c``.

A presenter prepares a link before the talk (``/map?present=1&indicators=unemployment_share,
distraint_share,ageing_index``) and steps through the list with the arrow keys in the room:
everything the projected view depends on lives in the URL, so the same link opens the same
slides on another laptop. The address is parsed in :mod:`hsou_dash.urls` (like every other
parameter); this module holds what the mode is and how it steps. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Presenter:
    """What the URL asks of the presenter mode (all off by default)."""

    present: bool = False
    contrast: bool = False
    #: the indicators the arrow keys step through, known ones only, each once, in link order
    indicators: tuple[str, ...] = ()


def step(indicators: tuple[str, ...] | list[str], current: str, delta: int) -> str:
    """The indicator ``delta`` places after ``current`` in ``indicators``, going round at the
    ends (the last slide's → key brings back the first). From an indicator outside the list,
    → goes to its first and ← to its last. An empty list keeps ``current``."""
    items = list(indicators)
    if not items:
        return current
    if current not in items:
        return items[0] if delta > 0 else items[-1]
    return items[(items.index(current) + delta) % len(items)]

