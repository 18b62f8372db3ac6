"""The territories of a region: the one place that knows ``CZ`` means every kraj.

Pages, views and exports all ask "which rows belong to the chosen region?" of a table with a
``kraj_code`` column (ORP, obce, their geometry); the answer must not differ between a map and
the CSV beside it.
"""

from __future__ import annotations

from typing import TypeVar

import pandas as pd

from hsou_dash.config import NATIONAL_CODE

Frame = TypeVar("Frame", bound=pd.DataFrame)


def in_region(table: Frame, region: str) -> Frame:
    """Rows of ``table`` in kraj ``region``; all of them for ``CZ`` (Czechia)."""
    return table if region == NATIONAL_CODE else table[table["kraj_code"] == region]


def orp_codes(orp: pd.DataFrame, region: str) -> list[str]:
    """Codes of the ORP in ``region`` (a kraj, or ``CZ``)."""
    return in_region(orp, region)["orp_code"].tolist()


def obec_codes(obce: pd.DataFrame, region: str) -> list[str]:
    """Codes of the municipalities in ``region`` (a kraj, or ``CZ``)."""
    return in_region(obce, region)["obec_code"].tolist()
