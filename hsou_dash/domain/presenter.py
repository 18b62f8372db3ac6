"""Presenter mode from the address: ``present=1``, ``contrast=1`` and ``indicators=a,b,c``.

A presenter prepares a link before the talk (``/map?present=1&indicators=unemployment_share,
distraint_share,ageing_index``) and steps through the list with the arrow keys in the room:
everything the projected view depends on lives in the URL, so the same link opens the same
slides on another laptop. No Streamlit here: the page reads, this module decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from hsou_dash.urls import Notice

#: More than this many indicators in one link is not a talk but a mistake (or an attack).
MAX_INDICATORS = 20
_ON, _OFF = ("1", "true", "yes", "ano"), ("0", "false", "no", "ne")


@dataclass(frozen=True)
class Presenter:
    """What the URL asks of the presenter mode (all off by default)."""

    present: bool = False
    contrast: bool = False
    #: the indicators the arrow keys step through, known ones only, each once, in link order
    indicators: tuple[str, ...] = ()


def _flag(name: str, raw: str | None, notices: list[Notice]) -> bool:
    """``1`` (or true/yes/ano) is on, ``0`` or nothing is off; anything else is off with a
    notice, so a typo in a prepared link is seen before the talk, not in it."""
    if raw is None or raw.strip() == "":
        return False
    value = raw.strip().lower()
    if value in _ON:
        return True
    if value not in _OFF:
        notices.append(("notice.unknown_param", {"name": name, "value": raw}))
    return False


def parse_presenter(params: dict[str, str], available: list[str] | None
                    ) -> tuple[Presenter, list[Notice]]:
    """:class:`Presenter` of the query ``params`` and the notices for what was not understood
    (``available``: the indicators the page can show, in any order; ``None``: the page has no
    indicator to step through, and ``indicators`` is not its business)."""
    notices: list[Notice] = []
    present = _flag("present", params.get("present"), notices)
    contrast = _flag("contrast", params.get("contrast"), notices)
    if available is None:
        return Presenter(present, contrast), notices
    known = set(available)
    chosen: list[str] = []
    for raw in (params.get("indicators") or "").split(","):
        item = raw.strip()
        if not item or item in chosen:
            continue
        if item not in known:
            notices.append(("notice.unknown_indicator", {"value": item}))
        elif len(chosen) < MAX_INDICATORS:
            chosen.append(item)
    return Presenter(present, contrast, tuple(chosen)), notices


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


def indicators_param(indicators: tuple[str, ...] | list[str]) -> str | None:
    """The ``indicators`` value written back to the URL (``None``: leave it out)."""
    return ",".join(indicators) or None
