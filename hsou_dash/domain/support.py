"""Support instruments: parsing the catalogue, who each instrument covers, money per inhabitant.

The catalogue (``support_instruments.csv``) is hand-gathered free text. This module turns it into
facts the pages can filter, draw and join — and nothing more: a period that cannot be read stays
unknown, an allocation that was not published stays missing (never zero), and a coverage rule
that depends on a list the bundle does not hold says "unknown" instead of guessing.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from hsou_dash.domain.aggregate import aggregate
from hsou_dash.domain.params import Parsed, parse_choice

LEVELS = ("EU", "national", "regional")
#: Normalised HSOÚ eligibility, most to least specific; "unclear" = text not recognised.
ELIGIBILITY = ("exclusive", "priority", "indirect", "not_specific", "unclear")
#: Territory types of the eligibility matrix.
TERRITORY_TYPES = ("hsou", "structural", "iti", "rural")
#: Cell values of the matrix: the type is the target / is preferred / may apply like anyone /
#: is covered only where it overlaps the target / is not covered / the texts do not say.
MATRIX_VALUES = ("target", "priority", "eligible", "overlap", "no", "unknown")
#: Coverage of an ORP: whole district, some of its obce, not covered, or decided by a list or
#: condition the bundle does not hold.
ORP_STATUSES = ("all", "part", "unknown", "none")
#: Coverage of one obec.
OBEC_STATUSES = ("yes", "unknown", "no")
#: Period status against a given day.
PERIOD_STATUSES = ("running", "ongoing", "started_end_unknown", "upcoming", "ended", "unknown")

TRANSFER_MEASURES = ("municipal_transfers_received_czk_per_capita",
                     "municipal_transfers_share_of_revenue", "municipal_transfers_received_czk")
#: Tabs of the /support page (``tab`` URL parameter).
TABS = ("catalogue", "money", "matrix", "territory", "coverage", "transfers")


# --------------------------------------------------------------------------- periods

@dataclass(frozen=True)
class Span:
    """A stretch of time named in the period text (``end`` None = not stated)."""

    kind: str            # "period", "applications", "window", "open", "context"
    start: date | None
    end: date | None
    text: str            # the fragment it was read from


@dataclass(frozen=True)
class Event:
    """A single dated step: a call announced, a deadline, an approval."""

    kind: str            # "announced", "deadline", "until", "approved", "start", "milestone"
    day: date
    text: str


@dataclass(frozen=True)
class Period:
    """What the free-text ``period`` says, with start/end only where the text gives them."""

    text: str
    spans: tuple[Span, ...] = ()
    events: tuple[Event, ...] = ()
    #: "od …", "2021+", "každoročně": the text says it has no fixed end
    open_ended: bool = False

    @property
    def start(self) -> date | None:
        days = [s.start for s in self.spans if s.kind != "context" and s.start]
        days += [e.day for e in self.events if e.kind in ("announced", "start", "approved",
                                                          "milestone")]
        return min(days) if days else None

    @property
    def end(self) -> date | None:
        if self.open_ended:
            return None
        days = [s.end for s in self.spans if s.kind != "context" and s.end]
        days += [e.day for e in self.events if e.kind in ("deadline", "until")]
        return max(days) if days else None

    @property
    def known(self) -> bool:
        return bool(self.spans or self.events)


_MONTHS = {"ledna": 1, "února": 2, "března": 3, "dubna": 4, "května": 5, "června": 6,
           "července": 7, "srpna": 8, "září": 9, "října": 10, "listopadu": 11, "prosince": 12}
_DAY_RANGE = re.compile(r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})?\s*[–-]\s*"
                        r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})")
_DATE = re.compile(r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})")
_YEAR_RANGE = re.compile(r"(?<![\d/.\-])((?:19|20)\d{2})\s*[–-]\s*((?:19|20)\d{2})(?![\d/])")
_MONTH_FROM = re.compile(r"\bod\s+(" + "|".join(_MONTHS) + r")\s+((?:19|20)\d{2})")
_YEAR_FROM = re.compile(r"\bod\s+((?:19|20)\d{2})(?![\d/.])")
_YEAR_PLUS = re.compile(r"(?<![\d/.\-])((?:19|20)\d{2})\+")
_TO_MONTH = re.compile(r"\bto\s+(\d{1,2})/((?:19|20)\d{2})")
_ONLY_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*(?:\(.*\))?\s*$")
#: keyword (lower case, matched as a word start) → event kind for a date that follows it
_EVENT_WORDS = {"vyhlášen": "announced", "uzávěrk": "deadline", "schválen": "approved",
                "do": "until", "od": "start"}
_CONTEXT_WORDS = ("dle ", "strategie")


def _day(d: str, m: str, y: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _month_end(y: int, m: int) -> date:
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def _event_kind(before: str) -> str:
    """The keyword nearest before a date decides what the date is."""
    low = before.lower()
    best, pos = "milestone", -1
    for word, kind in _EVENT_WORDS.items():
        for m in re.finditer(rf"(?<!\w){word}", low):
            if m.start() > pos:
                best, pos = kind, m.start()
    return best


def parse_period(text: object) -> Period:
    """Read start/end dates, spans and dated steps from a free-text period.

    Recognised: ``2. 5. – 5. 6. 2023`` (window), ``14. 4. 2025`` (a step; the word before it
    says which: vyhlášena, uzávěrka, do, schválena, od), ``2021–2027`` (period; "context" when
    it names another document's period, e.g. "dle Strategie … 2022–2027"), ``od ledna 2015``,
    ``od 2016``, ``2021+`` and ``každoročně`` (no fixed end), ``to 06/2025`` and a bare year.
    Anything else is left out, so an unreadable text gives an unknown period, never a guess.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
        return Period("")
    raw = str(text).strip()
    spans: list[Span] = []
    events: list[Event] = []
    open_ended = "každoročně" in raw.lower()
    only = _ONLY_YEAR.match(raw)
    if only:
        y = int(only.group(1))
        return Period(raw, (Span("period", date(y, 1, 1), date(y, 12, 31), raw),))
    for clause in raw.split(";"):
        rest = clause
        for m in _DAY_RANGE.finditer(clause):
            y2 = m.group(6)
            start, end = _day(m.group(1), m.group(2), m.group(3) or y2), _day(*m.group(4, 5, 6))
            kind = "applications" if "žádost" in clause[:m.start()].lower() else "window"
            spans.append(Span(kind, start, end, m.group(0)))
            rest = rest.replace(m.group(0), " " * len(m.group(0)))
        after = 0  # a keyword speaks for the first date after it, not for later ones
        for m in _DATE.finditer(rest):
            day = _day(*m.group(1, 2, 3))
            if day:
                kind = _event_kind(rest[after:m.start()])
                words = clause[after:m.end()].split("(")[-1].strip(" ,)")
                events.append(Event(kind, day, words))
                open_ended |= kind == "start"
            after = m.end()
        for m in _YEAR_RANGE.finditer(rest):
            before = rest[max(0, m.start() - 40):m.start()].lower()
            kind = "context" if any(w in before for w in _CONTEXT_WORDS) else "period"
            spans.append(Span(kind, date(int(m.group(1)), 1, 1), date(int(m.group(2)), 12, 31),
                              m.group(0)))
        for m in _MONTH_FROM.finditer(rest):
            spans.append(Span("open", date(int(m.group(2)), _MONTHS[m.group(1)], 1), None,
                              m.group(0)))
            open_ended = True
        for m in _YEAR_FROM.finditer(rest):
            spans.append(Span("open", date(int(m.group(1)), 1, 1), None, m.group(0)))
            open_ended = True
        for m in _YEAR_PLUS.finditer(rest):
            spans.append(Span("open", date(int(m.group(1)), 1, 1), None, m.group(0)))
            open_ended = True
        for m in _TO_MONTH.finditer(rest):
            if 1 <= int(m.group(1)) <= 12:
                events.append(Event("until", _month_end(int(m.group(2)), int(m.group(1))),
                                    m.group(0)))
    return Period(raw, tuple(spans), tuple(events), open_ended and bool(spans or events))


def period_status(p: Period, today: date) -> str:
    """Where ``today`` falls: running, ongoing (no fixed end), started but end not published,
    upcoming, ended, or unknown."""
    start, end = p.start, p.end
    if start is None and end is None:
        return "unknown"
    if start is not None and start > today:
        return "upcoming"
    if end is not None:
        return "ended" if end < today else "running"
    if p.open_ended:
        return "ongoing"
    return "started_end_unknown"


def reference_year(text: object) -> int | None:
    """First year a period text names (``2021–2027`` → 2021, ``to 06/2025`` → 2025)."""
    m = re.search(r"(?:19|20)\d{2}", str(text or ""))
    return int(m.group(0)) if m else None


# --------------------------------------------------------------------------- catalogue

def eligibility_category(text: object) -> str:
    """``eligible_hsou`` free text → one of :data:`ELIGIBILITY`.

    "yes (exclusive …)" → exclusive; "yes (priority / bonus / emphasis …)" → priority;
    "indirect …" → indirect; "not …" → not_specific. A bare "yes" is recorded only for an
    instrument whose target is HSOÚ alone (rsk_hsou_studies) and reads as exclusive. Anything
    else is "unclear" — the catalogue shows the original text beside it.
    """
    low = str(text or "").strip().lower()
    if not low or low == "nan":
        return "unclear"
    if low.startswith("not"):
        return "not_specific"
    if low.startswith("indirect"):
        return "indirect"
    if low.startswith("yes"):
        if "exclusive" in low and "not exclusive" not in low:
            return "exclusive"
        if any(w in low for w in ("priority", "bonus", "emphasis", "preferen")):
            return "priority"
        if low == "yes":
            return "exclusive"
    return "unclear"


def level_category(text: object) -> str:
    low = str(text or "").strip().lower()
    return {"eu": "EU", "national": "national", "regional": "regional"}.get(low, "unknown")


#: Bodies recognised in the ``provider`` text (one instrument may name several).
PROVIDER_BODIES: dict[str, tuple[str, ...]] = {
    "MMR": ("ministerstvo pro místní rozvoj", "mmr"),
    "MŽP": ("ministerstvo životního prostředí",),
    "SFŽP": ("sfžp",),
    "MV": ("ministerstvo vnitra",),
    "Úřad vlády": ("úřad vlády",),
    "ASZ": ("agentura pro sociální začleňování",),
    "RSK / kraj": ("rsk", "krajský úřad", "kraji"),
    "ITI Ústí n. L.": ("statutární město ústí nad labem",),
}


def providers_of(text: object) -> tuple[str, ...]:
    """Bodies named in a provider text; an unrecognised text stays a body of its own."""
    low = str(text or "").lower()
    found = tuple(name for name, words in PROVIDER_BODIES.items()
                  if any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", low) for w in words))
    return found or ((str(text).strip(),) if low.strip() and low != "nan" else ())


def instruments_table(raw: pd.DataFrame, today: date) -> pd.DataFrame:
    """One row per instrument with parsed period, normalised level/eligibility and providers.

    ``allocation_czk`` stays NaN where the catalogue has none ("not published"), never 0.
    """
    df = raw.copy()
    text_cols = ["name_cs", "name_en", "provider", "level", "target_territory", "period",
                 "eligible_hsou", "notes", "url"]
    df[text_cols] = df[text_cols].astype(object).where(df[text_cols].notna(), "")
    df["instrument_id"] = df["instrument_id"].astype(str)
    df["allocation_czk"] = pd.to_numeric(df["allocation_czk"], errors="coerce").astype(float)
    df["level_cat"] = df["level"].map(level_category)
    df["eligibility"] = df["eligible_hsou"].map(eligibility_category)
    df["providers"] = df["provider"].map(providers_of)
    periods = df["period"].map(parse_period)
    df["period_parsed"] = periods
    df["start"] = [p.start for p in periods]
    df["end"] = [p.end for p in periods]
    df["open_ended"] = [p.open_ended for p in periods]
    df["status"] = [period_status(p, today) for p in periods]
    return df.reset_index(drop=True)


@dataclass
class Filters:
    """Catalogue filters; an empty tuple means "all"."""

    providers: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    eligibility: tuple[str, ...] = ()


def filter_instruments(table: pd.DataFrame, f: Filters) -> pd.DataFrame:
    keep = pd.Series(True, index=table.index)
    if f.providers:
        keep &= table["providers"].map(lambda ps: bool(set(ps) & set(f.providers)))
    if f.levels:
        keep &= table["level_cat"].isin(f.levels)
    if f.eligibility:
        keep &= table["eligibility"].isin(f.eligibility)
    return table[keep].reset_index(drop=True)


def eligibility_options(table: pd.DataFrame) -> list[str]:
    """Eligibility categories the register uses, in :data:`ELIGIBILITY` order."""
    present = set(table["eligibility"])
    return [e for e in ELIGIBILITY if e in present]


def provider_options(table: pd.DataFrame) -> list[str]:
    seen: list[str] = []
    for ps in table["providers"]:
        seen += [p for p in ps if p not in seen]
    order = list(PROVIDER_BODIES)
    return sorted(seen, key=lambda p: (order.index(p) if p in order else len(order), p))


def allocation_kinds(instruments: pd.DataFrame, by_territory: pd.DataFrame) -> pd.Series:
    """What each catalogue allocation is ("call allocation", "indicative support" …), taken
    from ``support_by_orp.csv`` where the same instrument lists the same amount."""
    amounts = by_territory.assign(amount=pd.to_numeric(by_territory["amount_czk"],
                                                       errors="coerce"))
    out = {}
    for _, r in instruments.iterrows():
        hit = amounts[(amounts["instrument_id"] == r["instrument_id"])
                      & (amounts["amount"] == r["allocation_czk"])]
        out[r["instrument_id"]] = str(hit["amount_type"].iloc[0]) if len(hit) else None
    return pd.Series(out, dtype=object)


# --------------------------------------------------------------------------- eligibility matrix

#: instrument × territory type, read from target_territory / eligible_hsou / notes of the
#: catalogue. The HSOÚ column follows :func:`eligibility_category`; the others are written out
#: because the texts name them in prose. An instrument missing here gets "unknown" cells.
MATRIX: dict[str, dict[str, str]] = {
    "mmr_117D7624_hsou": {"structural": "overlap", "iti": "overlap", "rural": "overlap"},
    "mmr_prr2019_2023": {"structural": "eligible", "iti": "eligible", "rural": "eligible"},
    "mmr_prr_3001_10000": {"structural": "priority", "iti": "eligible", "rural": "eligible"},
    "restart": {"structural": "target", "iti": "overlap", "rural": "overlap"},
    "opst": {"structural": "target", "iti": "overlap", "rural": "overlap"},
    "opst_call23_uk": {"structural": "overlap", "iti": "overlap", "rural": "overlap"},
    "iti_ucha": {"structural": "overlap", "iti": "target", "rural": "overlap"},
    "clld_mas": {"structural": "eligible", "iti": "overlap", "rural": "target"},
    "mv_ppk": {"structural": "eligible", "iti": "eligible", "rural": "eligible"},
    "asz_kpsvl": {"structural": "eligible", "iti": "eligible", "rural": "eligible"},
    "rsk_hsou_studies": {"structural": "overlap", "iti": "overlap", "rural": "overlap"},
}
_HSOU_CELL = {"exclusive": "target", "priority": "priority", "indirect": "eligible",
              "not_specific": "eligible", "unclear": "unknown"}


def eligibility_matrix(instruments: pd.DataFrame) -> pd.DataFrame:
    """Index instrument_id, columns :data:`TERRITORY_TYPES`, cells from :data:`MATRIX_VALUES`."""
    rows = {}
    for _, r in instruments.iterrows():
        known = MATRIX.get(r["instrument_id"], {})
        rows[r["instrument_id"]] = {"hsou": _HSOU_CELL[r["eligibility"]],
                                    **{t: known.get(t, "unknown") for t in TERRITORY_TYPES[1:]}}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(TERRITORY_TYPES))


# --------------------------------------------------------------------------- coverage

@dataclass(frozen=True)
class Rule:
    """How an instrument's target maps onto ORP and obce (see :data:`RULES`)."""

    kind: str   # "orp_set", "size", "agglomeration", "unknown_within", "everywhere", "unknown"
    #: for "size": inclusive population bounds and the population year used
    lo: float | None = None
    hi: float | None = None
    year: int | None = None
    #: for "size": False when a qualifying obec is still only "unknown" (membership not in data)
    certain: bool = True
    #: for "orp_set"/"unknown_within": which ORP (named selectors, see :func:`_orp_set`)
    orp: tuple[str, ...] = field(default_factory=tuple)
    #: for "agglomeration": the name at the start of ``iti_metro_agglomeration``
    name: str = ""


RULES: dict[str, Rule] = {
    # The 2025 call: obce in HSOÚ; "v ÚK všechny SO ORP kromě Roudnice n. L." — so Bílina too,
    # although the bundle's SRR 2021+ list (73 ORP) does not flag it.
    "mmr_117D7624_hsou": Rule("orp_set", orp=("hsou", "kraj:CZ042", "except:4211")),
    "mmr_prr2019_2023": Rule("size", hi=10_000, year=2022),
    "mmr_prr_3001_10000": Rule("size", lo=3_001, hi=10_000, year=2022),
    "restart": Rule("orp_set", orp=("structural",)),
    "opst": Rule("orp_set", orp=("structural",)),
    # "vymezená oblast obcí ÚK (příloha č. 1 výzvy)": the annex is not in the bundle.
    "opst_call23_uk": Rule("unknown_within", orp=("kraj:CZ042",)),
    "iti_ucha": Rule("agglomeration", name="Ústecko-chomutovská aglomerace"),
    # MAS cover obce up to 25 000 inhabitants that joined one; membership is not in the bundle.
    "clld_mas": Rule("size", hi=25_000, year=2020, certain=False),
    "mv_ppk": Rule("everywhere"),
    "asz_kpsvl": Rule("unknown"),
    # HSOÚ in every kraj; in ÚK the kraj made a study for every SO ORP.
    "rsk_hsou_studies": Rule("orp_set", orp=("hsou", "kraj:CZ042")),
}


def rule_for(instrument_id: str) -> Rule:
    return RULES.get(instrument_id, Rule("unknown"))


def _orp_set(orp: pd.DataFrame, selectors: Iterable[str]) -> set[str]:
    codes: set[str] = set()
    drop: set[str] = set()
    for s in selectors:
        if s == "hsou":
            codes |= set(orp.loc[orp["is_hsou"], "orp_code"])
        elif s == "structural":
            codes |= set(orp.loc[orp["structurally_affected"].fillna(False).astype(bool),
                                 "orp_code"])
        elif s.startswith("kraj:"):
            codes |= set(orp.loc[orp["kraj_code"] == s[5:], "orp_code"])
        elif s.startswith("except:"):
            drop.add(s[7:])
    return codes - drop


def obec_population(obec_values: pd.DataFrame, year: int) -> pd.Series:
    """Population of each obec on 31 Dec of ``year`` (obec_code → persons; missing = absent)."""
    rows = obec_values[(obec_values["indicator_id"] == "population")
                       & (obec_values["year"] == year) & obec_values["value"].notna()]
    return rows.set_index("obec_code")["value"].astype(float)


def _agglomeration_counts(orp: pd.DataFrame, name: str) -> pd.Series:
    """ORP → number of its obce in the named agglomeration ("… (7 obcí)")."""
    # Names are NFC since loading (bundle.read_table); normalise the caller's name the same way.
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
    obec: pd.Series   # obec_code → OBEC_STATUSES


def coverage(instrument_id: str, orp: pd.DataFrame, obce: pd.DataFrame,
             obec_values: pd.DataFrame) -> Coverage:
    """Apply the instrument's rule to every ORP and obec of Czechia.

    ``orp`` is ``Bundle.orp``, ``obce`` is ``Bundle.obce``, ``obec_values`` a long table with
    ``population`` per obec (all of Czechia) for size rules.
    """
    rule = rule_for(instrument_id)
    orp_codes = orp["orp_code"].astype(str)
    obec_orp = obce.set_index("obec_code")["orp_code"].astype(str)
    if rule.kind == "orp_set":
        inside = _orp_set(orp, rule.orp)
        st = pd.Series(["all" if c in inside else "none" for c in orp_codes], index=orp_codes)
        ob = obec_orp.map(lambda c: "yes" if c in inside else "no")
    elif rule.kind == "unknown_within":
        inside = _orp_set(orp, rule.orp)
        st = pd.Series(["unknown" if c in inside else "none" for c in orp_codes], index=orp_codes)
        ob = obec_orp.map(lambda c: "unknown" if c in inside else "no")
    elif rule.kind == "everywhere":
        st = pd.Series("all", index=orp_codes)
        ob = pd.Series("yes", index=obec_orp.index)
    elif rule.kind == "size":
        pop = obec_population(obec_values, rule.year).reindex(obec_orp.index)
        fits = pop.between(rule.lo if rule.lo is not None else -math.inf,
                           rule.hi if rule.hi is not None else math.inf)
        qualifying = "yes" if rule.certain else "unknown"
        ob = pd.Series("no", index=obec_orp.index).where(~fits, qualifying)
        ob = ob.where(pop.notna(), "unknown")
        st = pd.Series({c: _orp_from_obce(ob[obec_orp == c]) for c in orp_codes})
    elif rule.kind == "agglomeration":
        inside = _agglomeration_counts(orp, rule.name)
        total = obec_orp.value_counts()
        st = pd.Series({c: ("none" if c not in inside.index or pd.isna(inside.get(c))
                            else "all" if inside[c] >= total.get(c, 0) else "part")
                        for c in orp_codes})
        ob = obec_orp.map(lambda c: {"all": "yes", "part": "unknown"}.get(st.get(c), "no"))
    else:
        st = pd.Series("unknown", index=orp_codes)
        ob = pd.Series("unknown", index=obec_orp.index)
    st.index.name, ob.index.name = "orp_code", "obec_code"
    return Coverage(instrument_id, rule, st.astype(object), ob.astype(object))


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


# --------------------------------------------------------------------------- per inhabitant

def _members(orp: pd.DataFrame, level: str, code: str, name: str) -> list[str] | None:
    """ORP making up a ``support_by_orp`` territory, or None when the bundle cannot say.

    A name with a qualifier ("Ústecký kraj – území 9 MAS", "(vymezené obce)") is only part of
    the kraj, and an ITI area takes parts of ORP: their population is not in the bundle.
    """
    if level == "iti_area" or "(" in name or " – " in name:
        return None
    if level == "national" and code == "CZ":
        return orp["orp_code"].tolist()
    if level in ("kraj", "kraje"):
        kraje = code.split("+")
        members = orp.loc[orp["kraj_code"].isin(kraje), "orp_code"].tolist()
        return members if members and set(kraje) <= set(orp["kraj_code"]) else None
    return None


def population_year(orp_values: pd.DataFrame, members: list[str], wanted: int) -> int | None:
    """Population year to divide by: 31 Dec of ``wanted``, else the nearest year in which every
    member has a value (ties: the earlier year)."""
    rows = orp_values[(orp_values["indicator_id"] == "population")
                      & orp_values["orp_code"].isin(members) & orp_values["value"].notna()]
    complete = [int(y) for y, g in rows.groupby("year") if g["orp_code"].nunique() == len(members)]
    if not complete:
        return None
    return min(complete, key=lambda y: (abs(y - wanted), y))


def per_inhabitant(by_territory: pd.DataFrame, orp: pd.DataFrame,
                   orp_values: pd.DataFrame) -> pd.DataFrame:
    """``support_by_orp`` rows with the territory's population and the amount per inhabitant.

    Population is summed over the territory's ORP on 31 Dec of the year before the period's
    first year (i.e. 1 Jan of that year), or the nearest complete year; ``pop_year`` says which.
    Territories whose population the bundle does not hold get NaN and ``pop_reason``.
    """
    out = by_territory.copy()
    out["amount_czk"] = pd.to_numeric(out["amount_czk"], errors="coerce").astype(float)
    pops, years, reasons = [], [], []
    for _, r in out.iterrows():
        members = _members(orp, str(r["territory_level"]), str(r["territory_code"]),
                           str(r["territory_name"]))
        first = reference_year(r["period"])
        year = (population_year(orp_values, members, first - 1)
                if members is not None and first is not None else None)
        if members is None:
            pops.append(math.nan), years.append(None), reasons.append("partial_territory")
            continue
        if year is None:
            pops.append(math.nan), years.append(None), reasons.append("no_population")
            continue
        agg = aggregate(orp_values, "orp_code", members, "population", year)
        pops.append(agg.value), years.append(year), reasons.append(None)
    out["population"] = pops
    out["pop_year"] = pd.array(years, dtype="Int64")
    out["pop_reason"] = reasons
    out["per_inhabitant"] = out["amount_czk"] / out["population"]
    return out


# --------------------------------------------------------------------------- URL state

def _multi(name: str, raw: str | None, allowed: list[str], out: Parsed) -> tuple[str, ...]:
    if not raw:
        return ()
    picked, bad = [], []
    for part in raw.split(","):
        part = part.strip()
        (picked if part in allowed else bad).append(part)
    if bad:
        out.notices.append(("notice.unknown_param", {"name": name, "value": ",".join(bad)}))
    return tuple(dict.fromkeys(picked))


def parse_support_params(params: dict[str, str], instrument_ids: list[str],
                         providers: list[str], eligibility: list[str] | None = None) -> Parsed:
    """instrument, provider/level/elig (comma lists), measure and scale of the /support URL.

    ``region`` is parsed by the caller with :func:`hsou_dash.domain.params.parse_region`.
    """
    out = Parsed()
    raw = params.get("instrument")
    instrument = raw if raw in instrument_ids else None
    if raw and instrument is None:
        out.notices.append(("support.notice_unknown_instrument", {"value": raw}))
    measure = parse_choice("measure", params.get("measure"), list(TRANSFER_MEASURES),
                           TRANSFER_MEASURES[0], out)
    out.values.update(
        instrument=instrument,
        providers=_multi("provider", params.get("provider"), providers, out),
        levels=_multi("level", params.get("level"), list(LEVELS), out),
        eligibility=_multi("elig", params.get("elig"), eligibility or list(ELIGIBILITY), out),
        measure=measure,
        scale=parse_choice("scale", params.get("scale"), ["orp", "obec"], "orp", out),
        # a link to one instrument opens on its map unless it names another tab
        tab=parse_choice("tab", params.get("tab"), list(TABS),
                         "coverage" if instrument else "catalogue", out),
    )
    return out


