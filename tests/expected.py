"""Figures the tests expect, worked out in the tests themselves instead of copied from the
app's output: the official HSOÚ list is read from the bundle's file with plain pandas and
compared with the re-computation's selected set by plain set arithmetic, so a page that
mislabels, miscounts or misreads the list disagrees with it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hsou_dash import config
from hsou_dash.data.loaders import load_bundle
from hsou_dash.domain import hsou


@dataclass(frozen=True)
class Agreement:
    both: int            # official ORP the default re-computation finds again
    only_computed: int
    only_official: int
    official: int        # ORP on the official list (SRR ČR 2021+: 73)

    def cs(self) -> str:
        return f"{self.both} z {self.official}"

    def en(self) -> str:
        return f"{self.both} of {self.official}"


def official_hsou(bundle_dir: Path) -> set[str]:
    """ORP codes marked HSOÚ in ``hsou_classification.csv``, read without the app's loaders."""
    table = pd.read_csv(bundle_dir / "indicators/hsou_classification.csv", dtype=str)
    return set(table.loc[table["is_hsou_srr2021"].str.strip().str.lower() == "true", "orp_code"])


def default_agreement(bundle_dir: Path | None = None,
                      cutoff: int = hsou.DEFAULT_CUTOFF) -> Agreement:
    """Agreement of the default re-computation (all inputs, z-scores; cut-off ``cutoff`` %)
    with the official list."""
    root = bundle_dir or config.data_dir()
    b = load_bundle(root)
    inputs = hsou.available_inputs(b.orp_values)
    selected = hsou.recompute(b.orp_values, b.catalog, b.orp, inputs, cutoff=cutoff).selected
    official = official_hsou(root)
    return Agreement(len(selected & official), len(selected - official),
                     len(official - selected), len(official))
