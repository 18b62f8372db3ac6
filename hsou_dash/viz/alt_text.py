"""Text alternatives of the maps: one sentence, built from the data the map shows, that says
what a sighted reader takes from it ("Nejvyšší hodnotu má Most (7,09 %), nejnižší Roudnice nad
Labem (3,37 %).").

Pure functions: plain text out (names from the bundle verbatim), so the caller escapes it for
its sink (``md`` for a Streamlit caption).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from hsou_dash.text import Translator


def _clean(pairs: Iterable[tuple[str, float | None]]) -> list[tuple[str, float]]:
    out = []
    for name, value in pairs:
        if value is None:
            continue
        try:
            v = float(value)
        except (TypeError, ValueError):
            continue
        if not math.isnan(v):
            out.append((str(name), v))
    return out


def _names(items: list[str], tr: Translator, limit: int = 3) -> str:
    """"A", "A a B", "A, B a C", "A, B, C a 2 další" (in the reader's language)."""
    if len(items) > limit:
        rest = len(items) - limit
        return tr.plain("alt.list_more", names=", ".join(items[:limit]), n=rest)
    if len(items) <= 1:
        return "".join(items)
    return tr.plain("alt.list_and", names=", ".join(items[:-1]), last=items[-1])


def extremes(pairs: Iterable[tuple[str, float | None]], *, title: str,
             fmt: Callable[[float], str], tr: Translator, area: str = "") -> str:
    """The map of ``title`` over named territories: the highest and lowest value (ties named
    together) and how many have no value. ``fmt`` formats a value with its unit."""
    all_pairs = list(pairs)
    if not all_pairs:
        return tr.plain("alt.no_values")
    values = _clean(all_pairs)
    missing = len(all_pairs) - len(values)
    head = tr.plain("alt.map_of", title=title, n=len(all_pairs), area=area) if area else \
        tr.plain("alt.map_of_plain", title=title, n=len(all_pairs))
    if not values:
        return " ".join([head, tr.plain("alt.no_values")])
    top = max(v for _, v in values)
    low = min(v for _, v in values)
    high_names = [n for n, v in values if v == top]
    low_names = [n for n, v in values if v == low]
    parts = [head]
    if top == low:
        parts.append(tr.plain("alt.all_same", value=fmt(top)))
    else:
        parts.append(tr.plain("alt.extremes", high=_names(high_names, tr), high_value=fmt(top),
                              low=_names(low_names, tr), low_value=fmt(low)))
    if missing:
        parts.append(tr.plain("alt.missing", n=missing))
    return " ".join(parts)


def for_table(table, *, title: str, area: str, tr: Translator) -> str:
    """:func:`extremes` of a map page's rank table: names in ``obec_name`` (else
    ``orp_name``), numbers in ``value``, their display text in ``value_text`` when present."""
    name = next(c for c in ("obec_name", "orp_name", "name") if c in table.columns)
    texts = (dict(zip(table["value"], table["value_text"], strict=False))
             if "value_text" in table.columns else {})
    return extremes(zip(table[name], table["value"], strict=True), title=title,
                    fmt=lambda v: str(texts.get(v, v)), tr=tr, area=area)


def hsou_status(names: Iterable[str], flags: Iterable[bool], *, area: str,
                tr: Translator) -> str:
    """The HSOÚ status map: how many of the ORP shown are HSOÚ and which are not."""
    pairs = list(zip(names, flags, strict=True))
    hsou = [n for n, f in pairs if f]
    other = [n for n, f in pairs if not f]
    text = tr.plain("alt.hsou_count", area=area, n_hsou=len(hsou), n=len(pairs))
    if other and len(other) <= 5:
        text += " " + tr.plain("alt.hsou_not", names=_names(other, tr, limit=5))
    return text


def locator(place: str, within: str, tr: Translator, *, hsou: bool | None = None) -> str:
    """A locator map: where ``place`` lies (``within``: its ORP, region)."""
    text = tr.plain("alt.locator", place=place, within=within)
    if hsou is not None:
        text += " " + tr.plain("alt.locator_hsou" if hsou else "alt.locator_not_hsou")
    return text


def similar(focus: str, others: list[str], tr: Translator) -> str:
    """The map of the ORP most similar to ``focus``."""
    return tr.plain("alt.similar", focus=focus, names=_names(others, tr, limit=10))


def coverage(counts: dict[str, int], labels: dict[str, str], *, title: str,
             tr: Translator) -> str:
    """A coverage map: how many ORP fall in each class (``labels`` name the classes)."""
    parts = [tr.plain("alt.coverage_count", label=labels.get(k, k), n=n)
             for k, n in counts.items() if n]
    return tr.plain("alt.coverage", title=title, parts="; ".join(parts) or "—")
