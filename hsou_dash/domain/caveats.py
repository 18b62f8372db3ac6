"""Known caveats of the data bundle (see indicators/SOURCES.md), as text keys per indicator/year.

Surfaced next to the numbers they concern, so nobody reads them without the warning.
"""

from __future__ import annotations

_DISTRAINT_2022 = {"persons_in_distraint", "executions_count", "persons_3plus_executions",
                   "distraint_share"}
_END_YEAR = {"total_increase_per_1000", "net_migration_per_1000", "dwellings_completed_per_1000"}
_MZ2024 = {"distraint_share_mz2024", "persons_in_distraint_mz2024", "executions_count_mz2024",
           "pop_15plus_mz2024"}


def caveats(indicator_id: str, year: int | None) -> list[str]:
    """Text keys of the caveats that apply to this indicator and year."""
    keys = []
    if indicator_id in _DISTRAINT_2022 and year == 2022:
        keys.append("map.caveat_distraint_2022")
    if indicator_id in _END_YEAR:
        keys.append("map.caveat_end_year")
    if indicator_id in _MZ2024:
        keys.append("map.caveat_mz2024")
    return keys
