"""What a valid data bundle contains: files, required columns, keys, code formats and places.

Declared once so that installation, validation and loading agree on the layout described
in ``../shared/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FileSpec:
    """One file of the bundle and the rules it must satisfy."""

    path: str
    required: bool = True
    columns: tuple[str, ...] = ()
    #: columns that together identify a row
    key: tuple[str, ...] = ()
    #: code columns → number of digits (kept as strings, leading zeros preserved)
    codes: dict[str, int] = field(default_factory=dict)
    #: columns that must hold numbers (blank allowed: blank means "no data")
    numeric: tuple[str, ...] = ()
    #: columns whose values must be True/False
    boolean: tuple[str, ...] = ()
    #: columns that may be present and are read when they are (never required: older bundles
    #: lack them); listed so that the layout is declared in one place
    optional_columns: tuple[str, ...] = ()
    #: columns whose every value must equal the given one (a layer of one kraj holds only it)
    fixed: dict[str, str] = field(default_factory=dict)

    @property
    def is_table(self) -> bool:
        """CSV (plain or gzipped) rather than GeoJSON or a document."""
        return self.path.endswith((".csv", ".csv.gz"))

    @property
    def is_layer(self) -> bool:
        return self.path.endswith(".geojson")


LONG_COLUMNS = ("indicator_id", "year", "value", "unit", "source", "ref_date", "value_type", "note")

#: Kraj whose municipality layers are part of the bundle in full detail (Ústecký kraj).
DETAILED_KRAJ = "CZ042"

#: Czechia's bounding box, WGS 84 (lon_min, lat_min, lon_max, lat_max), with ~0.05° to spare:
#: the country spans lon 12.09–18.86, lat 48.55–51.06. A boundary layer outside it has its
#: axes swapped or is not in degrees, and the map would be drawn somewhere else.
CZECHIA_BOUNDS = (12.0, 48.5, 18.9, 51.1)

#: The municipal long table's shape, shared by the Ústecký and the national file.
_OBEC_LONG: dict = dict(
    columns=("obec_code", "obec_name", "orp_code", *LONG_COLUMNS),
    key=("obec_code", "indicator_id", "year"),
    codes={"obec_code": 6, "orp_code": 4},
    numeric=("year", "value"),
)

FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "boundaries/orp.geojson",
        columns=("orp_code", "orp_name", "okres_name", "kraj_code", "kraj_name", "area_km2"),
        key=("orp_code",),
        codes={"orp_code": 4},
        numeric=("area_km2",),
    ),
    FileSpec("boundaries/kraje.geojson", columns=("kraj_code", "kraj_name"), key=("kraj_code",)),
    FileSpec(
        "boundaries/obce_ustecky.geojson",
        columns=("obec_code", "obec_name", "orp_code", "okres", "kraj_code", "area_km2"),
        key=("obec_code",),
        codes={"obec_code": 6, "orp_code": 4},
        numeric=("area_km2",),
        fixed={"kraj_code": DETAILED_KRAJ},
    ),
    FileSpec(
        "boundaries/obce_points_cz.geojson",
        columns=("obec_code", "obec_name", "orp_code", "orp_name", "okres", "kraj_code"),
        key=("obec_code",),
        codes={"obec_code": 6, "orp_code": 4},
    ),
    FileSpec(
        "boundaries/obce_ustecky_points.geojson",
        required=False,
        columns=("obec_code", "obec_name", "orp_code", "kraj_code"),
        key=("obec_code",),
        codes={"obec_code": 6, "orp_code": 4},
        fixed={"kraj_code": DETAILED_KRAJ},
    ),
    FileSpec(
        "boundaries/obce_cz.geojson",
        required=False,
        columns=("obec_code", "orp_code", "kraj_code"),
        key=("obec_code",),
        codes={"obec_code": 6, "orp_code": 4},
    ),
    FileSpec("boundaries/SOURCES.md", required=False),
    FileSpec(
        "indicators/indicators_catalog.csv",
        columns=("indicator_id", "name_cs", "name_en", "unit", "higher_is_worse", "source",
                 "source_url", "licence"),
        key=("indicator_id",),
        boolean=("higher_is_worse",),
    ),
    FileSpec(
        "indicators/indicators_orp.csv",
        columns=("orp_code", "orp_name", *LONG_COLUMNS),
        key=("orp_code", "indicator_id", "year"),
        codes={"orp_code": 4},
        numeric=("year", "value"),
    ),
    FileSpec("indicators/indicators_obec.csv", **_OBEC_LONG),
    # the same table for every obec of Czechia (optional: the app then covers Ústecký kraj)
    FileSpec("indicators/indicators_obec_cz.csv.gz", required=False, **_OBEC_LONG),
    FileSpec(
        "indicators/hsou_classification.csv",
        columns=("orp_code", "orp_name", "kraj_code", "is_hsou_srr2021",
                 "structurally_affected_kraj", "iti_metro_agglomeration",
                 "share_pop_in_agglomeration_2020", "population_2020", "hsou_list_source"),
        key=("orp_code",),
        codes={"orp_code": 4},
        boolean=("is_hsou_srr2021", "structurally_affected_kraj"),
        numeric=("share_pop_in_agglomeration_2020", "population_2020"),
        optional_columns=("hsou_list_publisher_cs", "hsou_list_publisher_en"),
    ),
    FileSpec(
        "indicators/indicators_context.csv",
        columns=("territory_level", "territory_code", "territory_name", "indicator_id", "year",
                 "ref_date", "value", "unit", "source", "note"),
        key=("territory_level", "territory_code", "indicator_id", "year", "ref_date"),
        numeric=("year", "value"),
    ),
    FileSpec(
        "indicators/support_instruments.csv",
        columns=("instrument_id", "name_cs", "name_en", "provider", "level", "target_territory",
                 "period", "allocation_czk", "eligible_hsou", "notes", "url"),
        key=("instrument_id",),
        numeric=("allocation_czk",),
    ),
    FileSpec(
        "indicators/support_by_orp.csv",
        columns=("territory_level", "territory_code", "territory_name", "instrument_id", "period",
                 "amount_czk", "amount_type", "source_url"),
        # one territory may have several amounts of one instrument (allocation, contracted…)
        key=("territory_level", "territory_code", "instrument_id", "period", "amount_type"),
        numeric=("amount_czk",),
    ),
    FileSpec(
        "indicators/funding_orp.csv",
        columns=("orp_code", "orp_name", "programme_id", "year", "measure", "value", "unit",
                 "source", "ref_date", "value_type", "note"),
        key=("orp_code", "programme_id", "year", "measure"),
        codes={"orp_code": 4},
        numeric=("year", "value"),
    ),
    FileSpec(
        "indicators/funding_obec.csv",
        columns=("obec_code", "obec_name", "orp_code", "programme_id", "year", "measure", "value",
                 "unit", "source", "ref_date", "value_type", "note"),
        key=("obec_code", "programme_id", "year", "measure"),
        codes={"obec_code": 6, "orp_code": 4},
        numeric=("year", "value"),
    ),
    FileSpec(
        "indicators/towns.csv",
        columns=("obec_code", "obec_name", "orp_code", "orp_name"),
        key=("obec_code",),
        codes={"obec_code": 6, "orp_code": 4},
    ),
    FileSpec("indicators/hsou_methodology.md", required=False),
    FileSpec("indicators/hsou_methodology_en.md", required=False),
    FileSpec("indicators/SOURCES.md", required=False),
)

SPECS: dict[str, FileSpec] = {s.path: s for s in FILES}

#: Columns read as strings whatever they look like (codes keep their leading digits).
STRING_COLUMNS = ("orp_code", "obec_code", "kraj_code", "territory_code", "okres_code",
                  "pou_code", "instrument_id", "indicator_id")
