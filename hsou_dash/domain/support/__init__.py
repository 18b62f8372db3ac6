"""Support instruments, one module per job (the pages import the names below from here).

- :mod:`.instruments` — the per-instrument records of ``instruments.toml`` (dates, bodies,
  HSOÚ relation, matrix, coverage rule, texts in both languages), validated on load
- :mod:`.register` — the register table the pages show: CSV rows joined to their records,
  period status, filters and filter options, what each allocation is
- :mod:`.eligibility` — the instrument × territory-type matrix
- :mod:`.territory` — coverage of every ORP and obec, and what applies to one place
- :mod:`.amounts` — amounts per inhabitant of whole territories, 2019 transfer measures

The /support address is parsed with every other page's, in :mod:`hsou_dash.urls`.
"""

from hsou_dash.domain.support.amounts import (
    TRANSFER_MEASURES,
    per_inhabitant,
    population_year,
    reference_year,
)
from hsou_dash.domain.support.eligibility import eligibility_matrix
from hsou_dash.domain.support.instruments import (
    ELIGIBILITY,
    MATRIX_VALUES,
    TERRITORY_TYPES,
    Event,
    Instrument,
    InstrumentsError,
    Period,
    Records,
    Rule,
    Span,
    period_status,
    records,
    texts_of,
)
from hsou_dash.domain.support.register import (
    LEVELS,
    Filters,
    allocation_kinds,
    eligibility_options,
    filter_instruments,
    instruments_table,
    level_category,
    provider_options,
)
from hsou_dash.domain.support.territory import (
    ORP_STATUSES,
    Coverage,
    applies_here,
    coverage,
    obec_population,
    rule_for,
)

__all__ = [
    "ELIGIBILITY", "LEVELS", "MATRIX_VALUES", "ORP_STATUSES", "TERRITORY_TYPES",
    "TRANSFER_MEASURES", "Coverage", "Event", "Filters", "Instrument", "InstrumentsError",
    "Period", "Records", "Rule", "Span", "allocation_kinds", "applies_here", "coverage",
    "eligibility_matrix", "eligibility_options", "filter_instruments", "instruments_table",
    "level_category", "obec_population", "per_inhabitant", "period_status", "population_year",
    "provider_options", "records", "reference_year", "rule_for",
    "texts_of",
]
