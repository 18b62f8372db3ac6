"""Where a number comes from, said publisher first — one answer for every page.

Two different things used to be mixed on screen: *who published the data* (ČSÚ, ÚP ČR, MF ČR,
Exekutorská komora ČR, MMR) and *how this app obtained it* (a file in a public repository, a
press article). A reader needs the first; the second belongs in a "how we got the data" detail.
:func:`source_info` returns both, separately, for an indicator and the years on screen:

* the publisher comes from the catalogue's ``source`` column (text before any parenthesis and
  before " via ", which names an intermediary that the dataset line already credits);
* the dataset comes from :data:`DATASETS`, matched on the rows' ``source`` (retrieval) text —
  so population 2021–2025 is credited to ČSÚ DataStat OBY02AT02, never to the repository that
  happened to hold a copy;
* the retrieval paths (row sources and the catalogue's ``source_url``) are kept verbatim.

The HSOÚ list is credited to MMR through ``hsou_list_publisher_cs`` / ``_en`` of
``hsou_classification.csv`` (:func:`hsou_list_source`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from hsou_dash.domain.dates import parse
from hsou_dash.domain.longtable import rows_of


@dataclass(frozen=True)
class Dataset:
    """A published dataset, recognised by a fragment of the bundle rows' ``source`` text."""

    match: str
    name_cs: str
    name_en: str


#: Every dataset the bundle's indicator rows come from, in the order they are credited. A row
#: source may match several (tax per inhabitant: budgets + population).
DATASETS: tuple[Dataset, ...] = (
    Dataset("uap_gis_obce.parquet",
            "Statistická data pro územně analytické podklady (ČSÚ, vydání 2021)",
            "Statistical data for spatial planning (ČSÚ, 2021 release)"),
    Dataset("csu_population.json",
            "DataStat OBY02AT02 Počet obyvatel k 1. 1.",
            "DataStat OBY02AT02 Population on 1 January"),
    Dataset("update21/obce.xlsx",
            "demografické údaje obcí za rok 2015 (převzaté z Mapy exekucí, ověřené proti ČSÚ)",
            "municipal demographic data 2015 (taken from Mapa exekucí, checked against ČSÚ)"),
    Dataset("indik_slctyr.parquet",
            "rozpočty obcí za rok 2019 (Státní pokladna)",
            "municipal budgets 2019 (State Treasury)"),
    Dataset("exekuce/orp.geojson",
            "Mapa exekucí (Centrální evidence exekucí)",
            "Mapa exekucí (Central Register of Distraints)"),
    Dataset("obce22.xlsx",
            "Mapa exekucí (Centrální evidence exekucí)",
            "Mapa exekucí (Central Register of Distraints)"),
    Dataset("update22/obce.xlsx",
            "Mapa exekucí (Centrální evidence exekucí)",
            "Mapa exekucí (Central Register of Distraints)"),
    Dataset("Mapa zadlužení",
            "Mapa zadlužení, 2. čtvrtletí 2024 (podle tisku)",
            "Mapa zadlužení, Q2 2024 (as reported in the press)"),
)


@dataclass(frozen=True)
class DatasetUse:
    """One dataset and the displayed years that come from it."""

    name_cs: str
    name_en: str
    years: tuple[int, ...]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_cs


@dataclass(frozen=True)
class SourceInfo:
    """Who published a number and in which dataset; how the app got it, kept apart.

    ``ref_dates`` are the bundle's raw strings in chronological order (format them with
    :func:`hsou_dash.domain.dates.ref_phrases`); ``retrieval`` are repository paths and URLs
    for a "how we obtained the data" detail, never for the source line itself.
    """

    publisher_cs: str
    publisher_en: str
    datasets: tuple[DatasetUse, ...] = ()
    ref_dates: tuple[str, ...] = ()
    retrieval: tuple[str, ...] = field(default=())

    def publisher(self, lang: str) -> str:
        return self.publisher_en if lang == "en" else self.publisher_cs

    def dataset(self, lang: str) -> str:
        """Dataset names; when they give different years, each says which ("… (2019–2020); …")."""
        if len({d.years for d in self.datasets}) <= 1:
            return "; ".join(d.name(lang) for d in self.datasets)
        return "; ".join(f"{d.name(lang)} ({_span(d.years)})" if d.years else d.name(lang)
                         for d in self.datasets)

    def line(self, lang: str) -> str:
        """"Publisher – dataset": the one source line every page shows for this number."""
        ds = self.dataset(lang)
        pub = self.publisher(lang)
        return f"{pub} – {ds}" if pub and ds else pub or ds


def _span(years: tuple[int, ...]) -> str:
    ys = sorted(years)
    if len(ys) > 1 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}–{ys[-1]}"
    return ", ".join(str(y) for y in ys)


def publisher_of(catalog_source: str) -> str:
    """The publisher named by a catalogue ``source`` text.

    "ČSÚ (derived)" → "ČSÚ"; "Exekutorská komora ČR via Mapa exekucí" → "Exekutorská komora
    ČR"; "ÚP ČR/MPSV via ČSÚ (derived, HSOÚ indicator)" → "ÚP ČR/MPSV". Parentheses hold
    processing remarks, and "via" names the intermediary that the dataset already credits.
    """
    text = re.sub(r"\([^)]*\)", "", str(catalog_source))
    text = text.split(" via ")[0]
    text = re.sub(r"\s+,", ",", re.sub(r"\s+", " ", text))
    return text.strip(" ,;")


def _datasets_of(row_source: str) -> list[Dataset]:
    """Datasets named in a row source, in the order the text names them (numerator first)."""
    found = [d for d in DATASETS if d.match in row_source]
    return sorted(found, key=lambda d: row_source.find(d.match))


def source_info(catalog: pd.DataFrame, values: pd.DataFrame, indicator_id: str,
                years: Iterable[int] | None = None) -> SourceInfo:
    """The source of ``indicator_id`` as shown for ``years`` (default: every year it has).

    ``values`` is a long table (ORP or obec values; kraj and Czechia values are aggregated
    from ORP values, so they take the ORP rows' source). Publisher from the catalogue,
    datasets and reference dates from the rows of those years, retrieval paths kept apart.
    """
    rows = rows_of(values, indicator_id)
    if years is not None:
        rows = rows[rows["year"].isin([int(y) for y in years])]
    rows = rows[rows["value"].notna()] if "value" in rows else rows
    pub = publisher_of(catalog.at[indicator_id, "source"]) if indicator_id in catalog.index \
        else ""
    uses: dict[str, tuple[Dataset, set[int]]] = {}
    retrieval: list[str] = []
    by_source = rows.groupby(rows["source"].astype(str), observed=True)["year"]
    for src, yrs in sorted(by_source, key=lambda kv: (kv[1].min(), kv[0])):
        retrieval.append(src)
        for d in _datasets_of(src):
            uses.setdefault(d.name_cs, (d, set()))[1].update(int(y) for y in yrs)
    if indicator_id in catalog.index and "source_url" in catalog.columns:
        url = catalog.at[indicator_id, "source_url"]
        if isinstance(url, str) and url.strip():
            retrieval += [u.strip() for u in url.split(";") if u.strip()]
    dates = sorted({str(d) for d in rows["ref_date"].dropna().astype(str)},
                   key=lambda d: (parse(d).sort_key, d))
    datasets = tuple(DatasetUse(d.name_cs, d.name_en, tuple(sorted(ys)))
                     for d, ys in uses.values())
    return SourceInfo(pub, pub, datasets, tuple(dates), tuple(dict.fromkeys(retrieval)))


def hsou_list_source(orp: pd.DataFrame) -> SourceInfo:
    """Source of the HSOÚ list, publisher (MMR) first, from the classification columns.

    ``orp`` is a frame with ``hsou_list_publisher_cs`` / ``_en`` (as in
    ``hsou_classification.csv``) and ``hsou_list_source`` (retrieval path). Text before the
    first " – " is the publisher, the rest the document. Missing columns give empty fields, so
    a page can tell the publisher is unknown rather than show a repository path instead.
    """
    def first(col: str) -> str:
        if col not in orp.columns:
            return ""
        vals = orp[col].dropna().astype(str)
        return vals.iloc[0].strip() if len(vals) else ""

    cs, en = first("hsou_list_publisher_cs"), first("hsou_list_publisher_en")
    pub_cs, _, doc_cs = cs.partition(" – ")
    pub_en, _, doc_en = en.partition(" – ")
    retrieval = tuple(dict.fromkeys(orp["hsou_list_source"].dropna().astype(str))) \
        if "hsou_list_source" in orp.columns else ()
    datasets = (DatasetUse(doc_cs, doc_en, ()),) if doc_cs or doc_en else ()
    return SourceInfo(pub_cs.strip(), pub_en.strip(), datasets, (), retrieval)
