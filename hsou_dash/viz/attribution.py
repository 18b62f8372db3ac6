"""The boundary attribution every map carries, with the date of the boundaries installed.

One function, so that the maps, the captions under them, the pictures and the fact sheet say
the same thing — and say the date the bundle's ``boundaries/SOURCES.md`` gives (a refresh
with ``data boundaries`` changes it), never a date fixed in the text catalogue.
"""

from __future__ import annotations

from hsou_dash.data.loaders import Bundle
from hsou_dash.text import Translator


def state(b: Bundle, tr: Translator) -> str:
    """"stav 06/2024" / "as of 06/2024", or that the date is unknown."""
    if b.boundaries_state is None:
        return tr.plain("common.boundaries_state_unknown")
    return tr.plain("common.boundaries_state", date=b.boundaries_state)


def boundaries(b: Bundle, tr: Translator) -> str:
    """The attribution line required by ČÚZK's licence (CC BY 4.0), as plain text."""
    return tr.plain("common.attribution", state=state(b, tr))
