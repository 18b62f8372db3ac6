"""The /support address: tab, instrument, filters, transfer measure and scale.

Kept thin and on its own so it can join the other pages' parsers in :mod:`hsou_dash.urls`
(``region`` is parsed there already, with :func:`hsou_dash.urls.parse_region`).
"""

from __future__ import annotations

from hsou_dash.domain.support.amounts import TRANSFER_MEASURES
from hsou_dash.domain.support.instruments import ELIGIBILITY
from hsou_dash.domain.support.register import LEVELS
from hsou_dash.urls import Parsed, parse_choice

#: Tabs of the /support page (``tab`` URL parameter).
TABS = ("catalogue", "money", "matrix", "territory", "coverage", "transfers")


def _multi(name: str, raw: str | None, allowed: list[str], out: Parsed) -> tuple[str, ...]:
    """A comma list: known values kept once each, in order; the rest named in one notice."""
    if not raw:
        return ()
    picked, bad = [], []
    for part in raw.split(","):
        part = part.strip()
        (picked if part in allowed else bad).append(part)
    if bad:
        out.notices.append(("notice.unknown_param", {"name": name, "value": ",".join(bad)}))
    return tuple(dict.fromkeys(picked))


def parse_support_params(params: dict[str, str], instrument_ids: list[str],
                         providers: list[str], eligibility: list[str] | None = None) -> Parsed:
    """instrument, provider/level/elig (comma lists), measure, scale and tab of /support."""
    out = Parsed()
    raw = params.get("instrument")
    instrument = raw if raw in instrument_ids else None
    if raw and instrument is None:
        out.notices.append(("support.notice_unknown_instrument", {"value": raw}))
    measure = parse_choice("measure", params.get("measure"), list(TRANSFER_MEASURES),
                           TRANSFER_MEASURES[0], out)
    out.values.update(
        instrument=instrument,
        providers=_multi("provider", params.get("provider"), providers, out),
        levels=_multi("level", params.get("level"), list(LEVELS), out),
        eligibility=_multi("elig", params.get("elig"), eligibility or list(ELIGIBILITY), out),
        measure=measure,
        scale=parse_choice("scale", params.get("scale"), ["orp", "obec"], "orp", out),
        # a link to one instrument opens on its map unless it names another tab
        tab=parse_choice("tab", params.get("tab"), list(TABS),
                         "coverage" if instrument else "catalogue", out),
    )
    return out
