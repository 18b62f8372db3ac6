"""Where an instrument applies: its record's coverage rule applied to every ORP and obec.

A rule that depends on a list the bundle does not hold (MAS membership, a call's annex) says
"unknown" rather than guessing; an instrument without a record is unknown everywhere.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

import pandas as pd

from hsou_dash.domain.support.instruments import UNKNOWN_RULE, Records, Rule, records

#: Coverage of an ORP: whole district, some of its obce, decided by a list or condition the
#: bundle does not hold, not covered. An obec is "yes", "unknown" or "no".
ORP_STATUSES = ("all", "part", "unknown", "none")


def rule_for(instrument_id: str, recs: Records | None = None) -> Rule:
    rec = (recs or records()).get(instrument_id)
    return rec.rule if rec else UNKNOWN_RULE


def _orp_set(orp: pd.DataFrame, rule: Rule) -> set[str]:
    """ORP codes of the rule's groups and kraje, minus its exceptions."""
    codes: set[str] = set()
    if "hsou" in rule.groups:
        codes |= set(orp.loc[orp["is_hsou"], "orp_code"])
    if "structural" in rule.groups:
        codes |= set(orp.loc[orp["structurally_affected"].fillna(False).astype(bool),
                             "orp_code"])
    codes |= set(orp.loc[orp["kraj_code"].isin(rule.kraje), "orp_code"])
    return codes - set(rule.except_orp)


def obec_population(obec_values: pd.DataFrame, year: int) -> pd.Series:
    """Population of each obec on 31 Dec of ``year`` (obec_code → persons; missing = absent)."""
    rows = obec_values[(obec_values["indicator_id"] == "population")
                       & (obec_values["year"] == year) & obec_values["value"].notna()]
    return rows.set_index("obec_code")["value"].astype(float)


def _agglomeration_counts(orp: pd.DataFrame, name: str) -> pd.Series:
    """ORP → number of its obce in the named agglomeration ("… (7 obcí)")."""
    # Names are NFC since loading (bundle.read_table); normalise the record's name the same way.
    text = orp.set_index("orp_code")["iti_metro_agglomeration"].astype("string").fillna("")
    hit = text[text.str.startswith(unicodedata.normalize("NFC", name))]
    n = hit.str.extract(r"\((\d+)\s+obc")[0]
    return pd.to_numeric(n, errors="coerce")


@dataclass(frozen=True)
class Coverage:
    """Where one instrument applies: a status per ORP and per obec."""

    instrument_id: str
    rule: Rule
    orp: pd.Series    # orp_code → ORP_STATUSES
    obec: pd.Series   # obec_code → "yes" / "unknown" / "no"


def coverage(instrument_id: str, orp: pd.DataFrame, obce: pd.DataFrame,
             obec_values: pd.DataFrame, recs: Records | None = None) -> Coverage:
    """Apply the instrument's rule to every ORP and obec of Czechia.

    ``orp`` is ``Bundle.orp``, ``obce`` is ``Bundle.obce``, ``obec_values`` a long table with
    ``population`` per obec (all of Czechia) for size rules.
    """
    rule = rule_for(instrument_id, recs)
    orp_codes = orp["orp_code"].astype(str)
    obec_orp = obce.set_index("obec_code")["orp_code"].astype(str)
    if rule.kind in ("orp_set", "unknown_within"):
        inside = _orp_set(orp, rule)
        hit, obec_hit = ("all", "yes") if rule.kind == "orp_set" else ("unknown", "unknown")
        by_orp = pd.Series([hit if c in inside else "none" for c in orp_codes], index=orp_codes)
        by_obec = obec_orp.map(lambda c: obec_hit if c in inside else "no")
    elif rule.kind == "everywhere":
        by_orp = pd.Series("all", index=orp_codes)
        by_obec = pd.Series("yes", index=obec_orp.index)
    elif rule.kind == "size":
        by_obec = _by_size(rule, obec_orp, obec_values)
        by_orp = pd.Series({c: _orp_from_obce(by_obec[obec_orp == c]) for c in orp_codes})
    elif rule.kind == "agglomeration":
        by_orp = _by_agglomeration(rule, orp, orp_codes, obec_orp)
        by_obec = obec_orp.map(lambda c: {"all": "yes", "part": "unknown"}.get(by_orp.get(c),
                                                                               "no"))
    else:
        by_orp = pd.Series("unknown", index=orp_codes)
        by_obec = pd.Series("unknown", index=obec_orp.index)
    by_orp.index.name, by_obec.index.name = "orp_code", "obec_code"
    return Coverage(instrument_id, rule, by_orp.astype(object), by_obec.astype(object))


def _by_size(rule: Rule, obec_orp: pd.Series, obec_values: pd.DataFrame) -> pd.Series:
    """Obce within the rule's population bounds (in its year); no population → unknown."""
    pop = obec_population(obec_values, rule.year).reindex(obec_orp.index)
    fits = pop.between(rule.lo if rule.lo is not None else -math.inf,
                       rule.hi if rule.hi is not None else math.inf)
    qualifying = "yes" if rule.certain else "unknown"
    status = pd.Series("no", index=obec_orp.index).where(~fits, qualifying)
    return status.where(pop.notna(), "unknown")


def _by_agglomeration(rule: Rule, orp: pd.DataFrame, orp_codes: pd.Series,
                      obec_orp: pd.Series) -> pd.Series:
    """Whole ORP when all its obce belong to the agglomeration, else part, else none."""
    inside = _agglomeration_counts(orp, rule.name)
    total = obec_orp.value_counts()
    return pd.Series({c: ("none" if c not in inside.index or pd.isna(inside.get(c))
                          else "all" if inside[c] >= total.get(c, 0) else "part")
                      for c in orp_codes})


def _orp_from_obce(statuses: pd.Series) -> str:
    if statuses.empty:
        return "unknown"
    s = set(statuses)
    if s == {"yes"}:
        return "all"
    if "yes" in s:
        return "part"
    if s == {"no"}:
        return "none"
    return "unknown"


def applies_here(coverages: dict[str, Coverage], *, orp_code: str | None = None,
                 obec_code: str | None = None) -> pd.DataFrame:
    """Instruments whose target covers a place: ``instrument_id``, ``status``, ``level``.

    For an obec its own status counts (yes/unknown); for an ORP its district status
    (all/part/unknown). Instruments that certainly do not apply are left out.
    """
    rows = []
    for iid, cov in coverages.items():
        if obec_code is not None:
            status, level = cov.obec.get(obec_code), "obec"
            if status not in ("yes", "unknown"):
                continue
        elif orp_code is not None:
            status, level = cov.orp.get(orp_code), "orp"
            if status not in ("all", "part", "unknown"):
                continue
        else:
            continue
        rows.append({"instrument_id": iid, "status": status, "level": level})
    order = {s: i for i, s in enumerate(("yes", "all", "part", "unknown"))}
    out = pd.DataFrame(rows, columns=["instrument_id", "status", "level"])
    return out.sort_values("status", key=lambda s: s.map(order), kind="stable").reset_index(
        drop=True)
