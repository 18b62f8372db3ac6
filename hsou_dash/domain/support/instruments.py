"""One validated record per support instrument, read from ``instruments.toml`` beside this file.

The bundle's ``support_instruments.csv`` is hand-gathered free text. What the app reads into an
instrument — its dated period, the bodies that run it, how it treats HSOÚ and the other
territory types, how its target maps onto ORP and obce, and the words that explain it in both
languages — used to be spread over four dicts, a regex period parser and the text catalogue.
It is now written down once per instrument and checked on load, so a typo (an unknown field,
a missing language, a date that is not a date, an id the bundle does not have) fails loudly
with the record's name instead of quietly turning into "unknown" on a page.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

RECORDS_FILE = Path(__file__).with_name("instruments.toml")
LANGS = ("cs", "en")

#: HSOÚ eligibility, most to least specific; "unclear" = no record says (never written in one).
ELIGIBILITY = ("exclusive", "priority", "indirect", "not_specific", "unclear")
#: Territory types of the eligibility matrix (``hsou`` follows ``eligibility``).
TERRITORY_TYPES = ("hsou", "structural", "iti", "rural")
#: Matrix cells: the type is the target / is preferred / may apply like anyone / is covered only
#: where it overlaps the target / is not covered / the sources do not say.
MATRIX_VALUES = ("target", "priority", "eligible", "overlap", "no", "unknown")
#: A stretch of time: the programme period, an application window, a window, an open start
#: ("od 2016", "2021+"), or another document's period quoted for context.
SPAN_KINDS = ("period", "applications", "window", "open", "context")
#: A dated step.
EVENT_KINDS = ("announced", "deadline", "until", "approved", "start", "milestone")
#: How a target maps onto ORP and obce (see :mod:`.territory`).
RULE_KINDS = ("orp_set", "unknown_within", "size", "agglomeration", "everywhere", "unknown")
#: ORP groups a rule may name (bundle columns ``is_hsou`` and ``structurally_affected``).
ORP_GROUPS = ("hsou", "structural")


class InstrumentsError(ValueError):
    """``instruments.toml`` is malformed or does not match the bundle; names the record."""


# --------------------------------------------------------------------------- record shapes

@dataclass(frozen=True)
class Span:
    """A stretch of time the source states (``end`` None = not stated)."""

    kind: str
    start: date | None
    end: date | None
    text: str            # the words of the CSV period it comes from


@dataclass(frozen=True)
class Event:
    """A single dated step: a call announced, a deadline, an approval."""

    kind: str
    day: date
    text: str


@dataclass(frozen=True)
class Period:
    """An instrument's period: the CSV's own words plus the dates its record states."""

    text: str
    spans: tuple[Span, ...] = ()
    events: tuple[Event, ...] = ()
    #: "od …", "2021+", "každoročně": the source says it has no fixed end
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


def period_status(p: Period, today: date) -> str:
    """Where ``today`` falls: running, ongoing (no fixed end), started_end_unknown, upcoming,
    ended, or unknown (no date at all)."""
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


@dataclass(frozen=True)
class Rule:
    """How an instrument's target maps onto ORP and obce (``kind`` from :data:`RULE_KINDS`)."""

    kind: str
    #: "size": inclusive population bounds and the population year used
    lo: float | None = None
    hi: float | None = None
    year: int | None = None
    #: "size": False when a qualifying obec is still only "unknown" (membership not in data)
    certain: bool = True
    #: "orp_set" / "unknown_within": the union of these groups and kraje, minus except_orp
    groups: tuple[str, ...] = ()
    kraje: tuple[str, ...] = ()
    except_orp: tuple[str, ...] = ()
    #: "agglomeration": the name at the start of ``iti_metro_agglomeration``
    name: str = ""


UNKNOWN_RULE = Rule("unknown")


@dataclass(frozen=True)
class Texts:
    """An instrument's own words in one language."""

    short: str           # label for charts, pickers, headings
    description: str     # what it is, in plain words
    how_covered: str     # how its coverage was decided, and what the data lack


@dataclass(frozen=True)
class Instrument:
    """Everything the app knows about one instrument beyond the CSV's free text."""

    instrument_id: str
    providers: tuple[str, ...]
    eligibility: str
    matrix: Mapping[str, str]
    rule: Rule
    period: Period
    texts: Mapping[str, Texts] = field(default_factory=dict)


@dataclass(frozen=True)
class Records:
    """The whole file: provider bodies in filter order and the records by id."""

    bodies: tuple[str, ...]
    instruments: Mapping[str, Instrument]

    def get(self, instrument_id: str) -> Instrument | None:
        return self.instruments.get(instrument_id)


# --------------------------------------------------------------------------- reading

_RECORD_FIELDS = {"providers", "eligibility", "matrix", "coverage", "period", *LANGS}
_RULE_FIELDS = {"kind", "min", "max", "year", "certain", "groups", "kraje", "except_orp",
                "name"}


class _Record:
    """Typed access to one TOML table; every complaint names the record and the field."""

    def __init__(self, where: str, table: object):
        if not isinstance(table, dict):
            raise InstrumentsError(f"{where}: expected a table")
        self.where, self.table = where, table

    def fail(self, what: str) -> InstrumentsError:
        return InstrumentsError(f"{self.where}: {what}")

    def only(self, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
        unknown = sorted(set(self.table) - set(allowed))
        if unknown:
            raise self.fail(f"unknown field(s) {', '.join(unknown)}")
        missing = [k for k in required if k not in self.table]
        if missing:
            raise self.fail(f"missing field(s) {', '.join(missing)}")

    def get(self, key: str, kind: type | tuple[type, ...], default: object = None) -> object:
        value = self.table.get(key, default)
        if value is default:
            return value
        # bool is an int, datetime is a date: check the exact type the field needs
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if type(value) not in kinds:
            names = " or ".join("TOML date (YYYY-MM-DD)" if k is date else k.__name__
                                for k in kinds)
            raise self.fail(f"{key} must be a {names}, got {value!r}")
        return value

    def choice(self, key: str, choices: Iterable[str]) -> str:
        value = self.get(key, str)
        if value not in tuple(choices):
            raise self.fail(f"{key} = {value!r} is not one of {', '.join(choices)}")
        return value

    def strings(self, key: str, choices: Iterable[str] | None = None) -> tuple[str, ...]:
        values = self.get(key, list, [])
        if not all(isinstance(v, str) for v in values):
            raise self.fail(f"{key} must be a list of strings")
        bad = [v for v in values if choices is not None and v not in tuple(choices)]
        if bad:
            raise self.fail(f"{key}: {', '.join(map(repr, bad))} not among "
                            f"{', '.join(choices)}")
        return tuple(values)


def _span(rec: _Record) -> Span:
    rec.only({"kind", "start", "end", "text"}, ("kind", "text"))
    span = Span(rec.choice("kind", SPAN_KINDS), rec.get("start", date), rec.get("end", date),
                rec.get("text", str))
    if span.start is None and span.end is None:
        raise rec.fail("a span needs a start or an end")
    if span.start and span.end and span.start > span.end:
        raise rec.fail(f"start {span.start} is after end {span.end}")
    return span


def _event(rec: _Record) -> Event:
    rec.only({"kind", "day", "text"}, ("kind", "day", "text"))
    return Event(rec.choice("kind", EVENT_KINDS), rec.get("day", date), rec.get("text", str))


def _period(rec: _Record) -> Period:
    rec.only({"open_ended", "spans", "events"})
    spans = tuple(_span(_Record(f"{rec.where}.spans[{n}]", s))
                  for n, s in enumerate(rec.get("spans", list, [])))
    events = tuple(_event(_Record(f"{rec.where}.events[{n}]", e))
                   for n, e in enumerate(rec.get("events", list, [])))
    return Period("", spans, events, bool(rec.get("open_ended", bool, False)))


def _rule(rec: _Record) -> Rule:
    rec.only(_RULE_FIELDS, ("kind",))
    kind = rec.choice("kind", RULE_KINDS)
    rule = Rule(kind, lo=rec.get("min", int), hi=rec.get("max", int), year=rec.get("year", int),
                certain=rec.get("certain", bool, True), groups=rec.strings("groups", ORP_GROUPS),
                kraje=rec.strings("kraje"), except_orp=rec.strings("except_orp"),
                name=rec.get("name", str, ""))
    needs = {"size": rule.year is not None and (rule.lo is not None or rule.hi is not None),
             "orp_set": bool(rule.groups or rule.kraje),
             "unknown_within": bool(rule.groups or rule.kraje),
             "agglomeration": bool(rule.name)}
    if not needs.get(kind, True):
        raise rec.fail(f"a {kind!r} rule lacks what it selects by")
    return rule


def _texts(rec: _Record) -> Texts:
    rec.only({"short", "description", "how_covered"}, ("short", "description", "how_covered"))
    texts = Texts(*(rec.get(k, str) for k in ("short", "description", "how_covered")))
    if not all(s.strip() for s in (texts.short, texts.description, texts.how_covered)):
        raise rec.fail("empty text")
    return texts


def _instrument(iid: str, rec: _Record, bodies: tuple[str, ...]) -> Instrument:
    rec.only(_RECORD_FIELDS, _RECORD_FIELDS)  # every field, both languages
    matrix = _Record(f"{rec.where}.matrix", rec.table["matrix"])
    matrix.only(TERRITORY_TYPES[1:], TERRITORY_TYPES[1:])
    return Instrument(
        instrument_id=iid,
        providers=rec.strings("providers", bodies),
        eligibility=rec.choice("eligibility", ELIGIBILITY[:-1]),
        matrix={t: matrix.choice(t, MATRIX_VALUES) for t in TERRITORY_TYPES[1:]},
        rule=_rule(_Record(f"{rec.where}.coverage", rec.table["coverage"])),
        period=_period(_Record(f"{rec.where}.period", rec.table["period"])),
        texts={lang: _texts(_Record(f"{rec.where}.{lang}", rec.table[lang])) for lang in LANGS},
    )


def parse_records(data: Mapping[str, object], source: str = RECORDS_FILE.name) -> Records:
    """Check and convert the parsed TOML; raise :class:`InstrumentsError` naming the record."""
    top = _Record(source, dict(data))
    top.only({"bodies", "instruments"}, ("bodies", "instruments"))
    bodies = top.strings("bodies")
    table = top.get("instruments", dict)
    return Records(bodies, {iid: _instrument(iid, _Record(f"{source}: record {iid!r}", rec),
                                             bodies)
                            for iid, rec in table.items()})


def read_records(path: Path) -> Records:
    """Parse and check one records file (a TOML syntax error, e.g. 2023-02-31, included)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentsError(f"{path.name}: {exc}") from exc
    return parse_records(data, path.name)


@cache
def records() -> Records:
    """The package's records, read and checked once per process."""
    return read_records(RECORDS_FILE)


def check_against_bundle(recs: Records, bundle_ids: Iterable[str]) -> None:
    """Every record must describe an instrument the bundle's register has.

    A record without its CSV row means the register and this file drifted apart (a renamed
    id, an older bundle): its texts and dates would describe nothing, so it is an error.
    """
    ids = set(bundle_ids)
    stray = [iid for iid in recs.instruments if iid not in ids]
    if stray:
        raise InstrumentsError(
            f"{RECORDS_FILE.name}: record(s) {', '.join(map(repr, stray))} not in the bundle's "
            "support_instruments.csv")


def texts_of(instrument_id: str, lang: str) -> Texts | None:
    """The instrument's own words in ``lang`` (None: an instrument this file does not know)."""
    rec = records().get(instrument_id)
    if rec is None:
        return None
    return rec.texts.get(lang) or rec.texts[LANGS[0]]
