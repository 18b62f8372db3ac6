"""One style for the reference dates the bundle stores in several ways.

The bundle writes ``31.12.2020``, ``20.4.2020``, ``2020`` (a value *for* a whole year, such as
births or tax revenue) and ``Q2 2024``. Shown as stored, a year reads "stav k 2020", which is
wrong: a year total is not a state on a day. Here every form becomes one phrase per language:
"k 31. 12. 2020" / "as of 31 Dec 2020", "za rok 2020" / "for 2020", "za 2. čtvrtletí 2024" /
"for Q2 2024". Pure functions; the phrase templates live in ``text/trust.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from hsou_dash.text import DEFAULT_LANG, catalogue

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_DAY = re.compile(r"^\s*(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_QUARTER = re.compile(r"^\s*Q([1-4])\s+(\d{4})\s*$", re.IGNORECASE)


def _text(lang: str, key: str, **fields: object) -> str:
    """Plain text from the catalogue (no Markdown escaping: the caller picks the sink)."""
    texts = catalogue()
    template = texts.get(lang, {}).get(key) or texts[DEFAULT_LANG].get(key) or key
    return template.format(**fields)


@dataclass(frozen=True)
class RefDate:
    """A parsed reference date; ``kind == "raw"`` keeps a form this module does not know."""

    kind: Literal["day", "year", "quarter", "raw"]
    year: int = 0
    month: int = 0
    day: int = 0
    quarter: int = 0
    raw: str = ""

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Chronological order: a year or quarter sorts at its end (it covers the period)."""
        if self.kind == "day":
            return (self.year, self.month, self.day)
        if self.kind == "quarter":
            return (self.year, self.quarter * 3, 31)
        if self.kind == "year":
            return (self.year, 12, 32)
        return (9999, 99, 99)


def parse(ref: object) -> RefDate:
    """Parse one bundle ``ref_date`` string (anything unknown is kept verbatim)."""
    text = "" if ref is None else str(ref).strip()
    if m := _DAY.match(text):
        d, mo, y = (int(g) for g in m.groups())
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return RefDate("day", year=y, month=mo, day=d, raw=text)
    if m := _YEAR.match(text):
        return RefDate("year", year=int(m.group(1)), raw=text)
    if m := _QUARTER.match(text):
        return RefDate("quarter", year=int(m.group(2)), quarter=int(m.group(1)), raw=text)
    return RefDate("raw", raw=text)


def format_date(ref: object, lang: str) -> str:
    """The date alone: "31. 12. 2020" / "31 Dec 2020", "2020", "2. čtvrtletí 2024" / "Q2 2024"."""
    r = parse(ref)
    if r.kind == "day":
        if lang == "en":
            return f"{r.day} {_MONTHS_EN[r.month - 1]} {r.year}"
        return f"{r.day}.\u00a0{r.month}.\u00a0{r.year}"
    if r.kind == "year":
        return str(r.year)
    if r.kind == "quarter":
        return _text(lang, "trust.date.quarter", quarter=r.quarter, year=r.year)
    return r.raw


def ref_phrase(ref: object, lang: str) -> str:
    """The date with the right preposition: "k 31. 12. 2020", "za rok 2020", "za 2. čtvrtletí
    2024" (en: "as of 31 Dec 2020", "for 2020", "for Q2 2024"); unknown forms verbatim."""
    r = parse(ref)
    if r.kind == "day":
        return _text(lang, "trust.date.as_of", date=format_date(r.raw, lang))
    if r.kind == "year":
        return _text(lang, "trust.date.for_year", year=r.year)
    if r.kind == "quarter":
        return _text(lang, "trust.date.for_period", period=format_date(r.raw, lang))
    return r.raw


def ref_phrases(refs: Iterable[object], lang: str) -> str:
    """Several reference dates as one phrase, chronological and without repeats.

    Days are listed after one "k"/"as of" ("k 31. 12. 2019, 31. 12. 2020"), years after one
    "za roky"/"for" ("za roky 2015, 2020"); a quarter keeps its own preposition; groups are
    separated by "; ". Empty input gives "".
    """
    parsed = {parse(r) for r in refs if r is not None and str(r).strip()
              and str(r).strip().lower() != "nan"}
    ordered = sorted(parsed, key=lambda r: (r.sort_key, r.raw))
    days = [r for r in ordered if r.kind == "day"]
    years = [r for r in ordered if r.kind == "year"]
    rest = [r for r in ordered if r.kind not in ("day", "year")]
    parts = []
    if days:
        parts.append(_text(lang, "trust.date.as_of",
                           date=", ".join(format_date(r.raw, lang) for r in days)))
    if len(years) == 1:
        parts.append(ref_phrase(years[0].raw, lang))
    elif years:
        parts.append(_text(lang, "trust.date.for_years",
                           years=", ".join(str(r.year) for r in years)))
    parts += [ref_phrase(r.raw, lang) for r in rest]
    return "; ".join(parts)
