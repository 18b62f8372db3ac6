"""Which series breaks and year caveats a displayed value or span must carry.

The breaks themselves are declared once, in :data:`hsou_dash.domain.catalogue.BREAKS`; this
module only answers "what applies here", so a trend chart, a map of one year and a comparison
table all show the same notes for the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

from hsou_dash.domain.catalogue import BREAKS, INDICATOR_NOTES, Break


def _applies(b: Break, territory: str | None) -> bool:
    """A territorial break (some ORP only) applies only when that ORP is displayed.

    ``territory`` ``None`` stands for a kraj, Czechia or a map of many territories: the
    reassignment of obce between ORP happened inside kraje, so it changes no kraj total.
    """
    return not b.territories or (territory is not None and territory in b.territories)


def breaks_between(indicator_id: str, years: Iterable[int],
                   territory: str | None = None) -> list[Break]:
    """Breaks (not caveats) that fall inside the span of ``years``, oldest first.

    A break of year Y lies inside the span when the span has a year before Y and a year at or
    after Y: only then does a displayed change straddle the change of basis.
    """
    ys = sorted({int(y) for y in years})
    if len(ys) < 2:
        return []
    lo, hi = ys[0], ys[-1]
    return [b for b in BREAKS.get(indicator_id, ())
            if b.kind == "break" and lo < b.year <= hi and _applies(b, territory)]


def year_notes(indicator_id: str, year: int, territory: str | None = None,
               compared_with: Iterable[int] = ()) -> list[Break]:
    """Notes for a value of ``year``: its caveats, plus breaks between it and ``compared_with``.

    A single year on its own basis needs no break note (a 2023 population is a correct 2023
    population); it needs one as soon as it is set against a year on the other side.
    """
    caveats = [b for b in BREAKS.get(indicator_id, ())
               if b.kind == "caveat" and b.year == int(year) and _applies(b, territory)]
    return caveats + breaks_between(indicator_id, [year, *compared_with], territory)


def span_notes(indicator_id: str, years: Iterable[int],
               territory: str | None = None) -> list[Break]:
    """Everything a chart or table over ``years`` must say: the breaks inside the span, then
    the caveats of every displayed year (each note once)."""
    ys = sorted({int(y) for y in years})
    out = breaks_between(indicator_id, ys, territory)
    for y in ys:
        out += [b for b in year_notes(indicator_id, y, territory) if b not in out]
    return out


def value_notes(indicator_id: str, year: int, territory: str | None = None,
                compared_with: Iterable[int] = ()) -> list[Break]:
    """Every note a value of ``year`` carries: :func:`year_notes` (its caveats, breaks against
    ``compared_with``), then the indicator's all-year caveats (:data:`INDICATOR_NOTES`, given
    ``year`` so that every note translates the same way: ``tr(n.text_key, year=n.year)``)."""
    out = year_notes(indicator_id, year, territory, compared_with)
    return out + [Break(int(year), "caveat", k) for k in INDICATOR_NOTES.get(indicator_id, ())
                  if k not in {b.text_key for b in out}]


def picker_notes(indicator_id: str, year: int, years: Iterable[int],
                 territory: str | None = None) -> list[Break]:
    """What a year picker must say about the chosen ``year`` among the offered ``years``:
    :func:`value_notes` against the neighbouring years offered (the ones a reader switches
    to and compares with). So 2021 of population carries the census break (2020 is on the
    other side), 2016 does not; a caveat of the year shows whatever the neighbours."""
    ys = sorted({int(y) for y in years} | {int(year)})
    i = ys.index(int(year))
    return value_notes(indicator_id, year, territory, ys[max(i - 1, 0): i + 2])
