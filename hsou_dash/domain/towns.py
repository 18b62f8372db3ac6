"""Municipalities (obce) as places: finding them by name, where they belong, how far to trust
their rates.

Pure functions over the bundle's tables; no Streamlit and no display formatting here.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from hsou_dash.domain.aggregate import ObecGaps, base_counts
from hsou_dash.domain.profile import Level
from hsou_dash.domain.regions import obec_codes, orp_codes

#: A rate whose denominator counts fewer persons than this swings wildly from year to year
#: (one person more or less moves it by over a percentage point): flag it as unreliable.
SMALL_DENOMINATOR = 100

#: Columns of :func:`featured` (and of the home page's "towns" box).
FEATURED_COLUMNS = ["obec_code", "obec_name", "orp_code", "orp_name"]


# --- name search -------------------------------------------------------------------------

def fold(text: str) -> str:
    """Lower case without diacritics, so that "mastov" finds "Mašťov" and "USTI" "Ústí"."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain.replace("-", " ")).strip()


def search_index(obce: pd.DataFrame) -> pd.DataFrame:
    """``obce`` plus folded names, built once so each keystroke is a cheap string scan."""
    out = obce[["obec_code", "obec_name", "orp_code", "orp_name", "okres", "kraj_code",
                "kraj_name"]].copy()
    out["folded"] = out["obec_name"].map(fold)
    out["folded_place"] = (out["orp_name"] + " " + out["okres"]).map(fold)
    dup = out.groupby("folded")["obec_code"].transform("size")
    out["same_name"] = dup.astype(int)
    return out.reset_index(drop=True)


def search(index: pd.DataFrame, query: str, limit: int = 30,
           prefer_kraj: str | None = None) -> pd.DataFrame:
    """Municipalities whose name contains every word of ``query`` (diacritics optional).

    A word may also match the ORP or okres ("lhota kolin" narrows the many Lhotas), so
    towns with the same name can be told apart. Best matches first: exact name, name
    starting with the query, a word of the name starting with it, then any other match;
    within a score, towns of ``prefer_kraj`` first, then by name and okres. ``same_name`` > 1
    says the name is shared.
    """
    q = fold(query)
    if not q:
        return index.iloc[0:0]
    words = q.split(" ")
    name, place = index["folded"], index["folded_place"]
    hit = pd.Series(True, index=index.index)
    in_name = pd.Series(True, index=index.index)
    for w in words:
        w_name = name.str.contains(w, regex=False)
        hit &= w_name | place.str.contains(w, regex=False)
        in_name &= w_name
    found = index[hit].copy()
    if found.empty:
        return found
    n = found["folded"]
    first = words[0]
    score = pd.Series(4, index=found.index)
    score[in_name[found.index]] = 3
    score[n.str.contains(r"(?:^| )" + re.escape(first), regex=True)
          & in_name[found.index]] = 2
    score[n.str.startswith(q)] = 1
    score[n == q] = 0
    found["score"] = score
    found["elsewhere"] = found["kraj_code"] != prefer_kraj if prefer_kraj else False
    found = found.sort_values(["score", "elsewhere", "folded", "okres", "obec_code"])
    return found.head(limit).reset_index(drop=True)


def find(obce: pd.DataFrame, code: str | None) -> pd.Series | None:
    """The row of ``obce`` for a 6-digit code, or ``None`` for anything else."""
    if not code or not re.fullmatch(r"\d{6}", str(code).strip()):
        return None
    rows = obce[obce["obec_code"] == str(code).strip()]
    return None if rows.empty else rows.iloc[0]


# --- roll-up obec → ORP → kraj → Czechia ------------------------------------------------

@dataclass(frozen=True)
class Membership:
    """Where a municipality belongs, as the bundle records it (RÚIAN, June 2024)."""

    obec_code: str
    obec_name: str
    orp_code: str
    orp_name: str
    okres: str
    kraj_code: str
    kraj_name: str
    is_hsou: bool


def membership(obce: pd.DataFrame, orp: pd.DataFrame, code: str) -> Membership | None:
    """ORP, okres, kraj and HSOÚ status of municipality ``code``; ``None`` if unknown."""
    row = find(obce, code)
    if row is None:
        return None
    hsou = orp.loc[orp["orp_code"] == row["orp_code"], "is_hsou"]
    return Membership(str(row["obec_code"]), str(row["obec_name"]), str(row["orp_code"]),
                      str(row["orp_name"]), str(row["okres"]), str(row["kraj_code"]),
                      str(row["kraj_name"]), bool(hsou.iloc[0]) if len(hsou) else False)


def obce_of_orp(obce: pd.DataFrame, orp_code: str) -> list[str]:
    return obce.loc[obce["orp_code"] == orp_code, "obec_code"].tolist()


@dataclass(frozen=True)
class ObecLayer:
    """Where the map's municipal layer exists: kraje with obec polygons, and their values.

    ``indicators`` are those the bundle has at municipal level (both obec files carry the
    same set), so offering the layer reads nothing; ``values`` is called only when a kraj is
    actually shown by municipality, so the national obec table is read only for a kraj other
    than Ústecký.
    """

    regions: frozenset[str]
    obce: pd.DataFrame
    values: Callable[[str], pd.DataFrame]
    indicators: frozenset[str] = frozenset()


def obec_indicators(layer: ObecLayer | None, region: str, available: list[str]) -> list[str]:
    """Indicators the municipal layer can show in ``region`` ([] when it cannot be shown)."""
    if layer is None or region not in layer.regions:
        return []
    return [i for i in available if i in layer.indicators]


@dataclass(frozen=True)
class TownLevels:
    """The comparison and ranking levels of a town profile (see :func:`profile.profile`)."""

    compare: list[Level]
    rank_within: list[Level]
    orp: Level
    kraj: Level


def levels(m: Membership, orp: pd.DataFrame, orp_values: pd.DataFrame, obce: pd.DataFrame,
           obec_values: pd.DataFrame, gaps: ObecGaps | None = None) -> TownLevels:
    """ORP, kraj and Czechia over ORP values (ratios recomputed from summed counts over the
    same obce, hence ``gaps``); ranks among the obce of the ORP and of the kraj over obec
    values."""
    orp_level = Level("orp", orp_values, "orp_code", [m.orp_code], gaps)
    kraj_level = Level("kraj", orp_values, "orp_code", orp_codes(orp, m.kraj_code), gaps)
    cz_level = Level("cz", orp_values, "orp_code", orp["orp_code"].tolist(), gaps)
    return TownLevels(
        compare=[orp_level, kraj_level, cz_level],
        rank_within=[Level("orp", obec_values, "obec_code", obce_of_orp(obce, m.orp_code)),
                     Level("kraj", obec_values, "obec_code", obec_codes(obce, m.kraj_code))],
        orp=orp_level, kraj=kraj_level,
    )


# --- small numbers ----------------------------------------------------------------------

def is_unreliable(denominator: float | None, threshold: int = SMALL_DENOMINATOR) -> bool:
    """True when a rate rests on fewer than ``threshold`` persons (0 included).

    An unknown denominator is not flagged: it is shown as "no data" instead.
    """
    if denominator is None or (isinstance(denominator, float) and math.isnan(denominator)):
        return False
    return float(denominator) < threshold


def counts(values: pd.DataFrame, key: str, codes: list[str], indicator_id: str, year: int,
           threshold: int = SMALL_DENOMINATOR) -> pd.DataFrame:
    """:func:`aggregate.base_counts` of many territories plus the small-number flag.

    Index ``codes``; columns ``numerator``, ``denominator`` (NaN = no data) and ``unreliable``.
    For counts (no denominator) every flag is False and both columns are NaN.
    """
    out = base_counts(values, key, codes, indicator_id, year)
    out["unreliable"] = out["denominator"].map(lambda d: is_unreliable(d, threshold))
    return out


# --- featured towns ---------------------------------------------------------------------

def featured(towns: pd.DataFrame, obce: pd.DataFrame) -> pd.DataFrame:
    """The towns presented at the 2024 HSOÚ conference (``towns.csv``): code, name, ORP.

    Only codes the bundle knows as municipalities are kept; names and ORP come from the
    municipality table so every page spells them the same way.
    """
    codes = towns["obec_code"].astype(str).tolist()
    known = obce[obce["obec_code"].isin(codes)].set_index("obec_code")
    rows = [known.loc[c] for c in codes if c in known.index]
    if not rows:
        return pd.DataFrame(columns=FEATURED_COLUMNS)
    out = pd.DataFrame(rows).rename_axis("obec_code").reset_index()
    return out[FEATURED_COLUMNS].reset_index(drop=True)


# --- place pickers (ORP, obec, kraj) ------------------------------------------------------

def scored_places(query: str, labels: dict[str, str],
                  first: Callable[[str], bool] | None = None) -> list[tuple[int, str]]:
    """Keys of ``labels`` whose label contains every word of ``query``, diacritics optional
    ("usti" finds "Ústí nad Labem"), best first: exact label, label starting with the query, a
    word of the label starting with it, then any other match; ties keep ``labels``' order.

    Keys ``first`` marks (the districts, on the home page) come before the others whose name
    starts with the query, exact or not: "usti" lists the ORP Ústí nad Labem before three
    villages called just Ústí, which its visitors are far less likely to mean.

    Only the name counts for "exact" and "starts with": "Most" ranks "Most (Ústecký kraj)"
    first, the part in brackets is a qualifier. Each key comes with its score, 0 (exact name)
    to 4, so a caller can tell an exact hit from a partial one.
    """
    q = fold(query)
    if not q:
        return []
    words = q.split(" ")
    ranked: list[tuple[int, int, int, int, str]] = []
    for order, (key, label) in enumerate(labels.items()):
        folded, name = _folded_label(str(label))
        if not all(w in folded for w in words):
            continue
        if name == q:
            score = 0
        elif name.startswith(q):
            score = 1
        elif re.search(r"(?:^| )" + re.escape(q), name):
            score = 2
        elif all(re.search(r"(?:^| )" + re.escape(w), folded) for w in words):
            score = 3
        else:
            score = 4
        preferred = first is not None and score <= 1 and first(key)
        ranked.append((0 if score <= 1 else score, 0 if preferred else 1, score, order, key))
    return [(score, key) for _, _, score, _, key in sorted(ranked)]


@functools.lru_cache(maxsize=16_384)
def _folded_label(label: str) -> tuple[str, str]:
    """``label`` and its name (without the bracketed qualifier), folded. Cached: the home
    search folds all ~6,450 place labels per query (~30 ms), the same labels every time."""
    folded = fold(label)
    return folded, fold(re.sub(r"\s*\(.*\)\s*$", "", label)) or folded


def rank_places(query: str, labels: dict[str, str],
                first: Callable[[str], bool] | None = None) -> list[str]:
    """The keys of :func:`scored_places`, best first."""
    return [key for _, key in scored_places(query, labels, first)]


def unique_place(scored: list[tuple[int, str]], kind: Callable[[str], str]) -> str | None:
    """The place a search may open at once, or ``None`` when the visitor has to choose.

    It is the only match, or the exact-name match when no other place of its ``kind`` bears
    that name: "mastov" opens Mašťov and "teplice" the ORP Teplice (a district and its seat
    share the name: the first, the district in the search's order, wins), while "lhota" (many
    municipalities) or "usti" (three villages called Ústí) list the matches instead of guessing.
    """
    if len(scored) == 1:
        return scored[0][1]
    exact = [key for score, key in scored if score == 0]
    kinds = [kind(key) for key in exact]
    if exact and len(set(kinds)) == len(kinds):
        return exact[0]
    return None
