"""Classification of indicator values into map classes (mapclassify).

Natural breaks (Fisher–Jenks) by default, quantiles or equal intervals; 3–7 classes. Missing
values get their own "no data" class (index −1) and are never placed in a numeric class.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd

SCHEMES = ("fisher_jenks", "quantiles", "equal_interval")
DEFAULT_SCHEME = "fisher_jenks"
MIN_K, MAX_K, DEFAULT_K = 3, 7, 5


@dataclass(frozen=True)
class Classification:
    """Class bounds and the class of each territory."""

    #: lower and upper bound of each class, ascending
    bounds: list[tuple[float, float]]
    #: class index per territory (same index as the input), −1 = no data
    classes: pd.Series

    @property
    def k(self) -> int:
        return len(self.bounds)


def classify(values: pd.Series, scheme: str = DEFAULT_SCHEME, k: int = DEFAULT_K
             ) -> Classification:
    """Classify ``values`` (NaN = no data) into at most ``k`` classes with ``scheme``."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown classification scheme {scheme!r}")
    k = int(min(max(k, MIN_K), MAX_K))
    present = values.dropna().astype(float)
    classes = pd.Series(-1, index=values.index, dtype=int)
    if present.empty:
        return Classification([], classes)
    n_unique = present.nunique()
    k = min(k, n_unique)
    lo = float(present.min())
    if k <= 1:
        classes[present.index] = 0
        return Classification([(lo, float(present.max()))], classes)
    y = present.to_numpy()
    if scheme == "fisher_jenks":
        with warnings.catch_warnings():  # "Numba not installed": fine for a few hundred values
            warnings.simplefilter("ignore", UserWarning)
            c = mapclassify.FisherJenks(y, k=k)
    elif scheme == "quantiles":
        c = mapclassify.Quantiles(y, k=k)
    else:
        c = mapclassify.EqualInterval(y, k=k)
    uppers = [float(b) for b in c.bins]
    # Quantiles on tied data can return repeated bins; keep distinct, non-empty classes only.
    uppers = sorted(set(uppers))
    idx = np.searchsorted(np.asarray(uppers), y, side="left")
    idx = np.minimum(idx, len(uppers) - 1)
    classes[present.index] = idx
    lowers = [lo] + uppers[:-1]
    return Classification(list(zip(lowers, uppers, strict=True)), classes)
