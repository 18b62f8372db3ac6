"""Who may apply: the instrument × territory-type matrix of the "Kdo může žádat" tab."""

from __future__ import annotations

import pandas as pd

from hsou_dash.domain.support.instruments import TERRITORY_TYPES, Records, records

#: The HSOÚ column follows the instrument's HSOÚ relation.
_HSOU_CELL = {"exclusive": "target", "priority": "priority", "indirect": "eligible",
              "not_specific": "eligible", "unclear": "unknown"}


def eligibility_matrix(instruments: pd.DataFrame, recs: Records | None = None) -> pd.DataFrame:
    """Index instrument_id, columns :data:`TERRITORY_TYPES`, cells from ``MATRIX_VALUES``.

    ``instruments`` needs ``instrument_id`` and ``eligibility``; an instrument without a record
    gets "unknown" in every column but HSOÚ.
    """
    recs = recs or records()
    rows = {}
    for iid, elig in zip(instruments["instrument_id"], instruments["eligibility"], strict=True):
        rec = recs.get(iid)
        known = rec.matrix if rec else {}
        rows[iid] = {"hsou": _HSOU_CELL[elig],
                     **{t: known.get(t, "unknown") for t in TERRITORY_TYPES[1:]}}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(TERRITORY_TYPES))
