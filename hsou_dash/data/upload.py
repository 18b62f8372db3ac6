"""Read and validate a user's own indicator (CSV or XLSX bytes). No Streamlit here.

An upload is untrusted in every way a bundle file can be, and more: it comes from a person's
spreadsheet, so it may be Windows-1250, use semicolons and decimal commas, carry codes that
Excel turned into numbers, or be a different file altogether. It is checked with the care of
the bundle validation (:mod:`hsou_dash.data.bundle`): every problem names its row (as a
spreadsheet numbers it, header = row 1) and its column, and a file with any problem is refused
as a whole — nothing half-read reaches the map. Problems carry text keys (``upload.problem.*``)
so the page can say them in Czech or English.

Values are never invented: an empty cell stays missing ("no data"), and a value becomes a
number only when the cell is one (decimal comma or point, spaces as thousands separators).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

#: Largest upload accepted (bytes) and most data rows: beyond them the file is refused before
#: it is parsed, so one visitor cannot hold a server process for long.
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
#: Columns read from a workbook (a file of one indicator needs a handful).
MAX_COLUMNS = 50
#: At most this many problems are listed (the rest are counted).
MAX_PROBLEMS = 50

Level = Literal["orp", "obec"]
Aggregation = Literal["none", "sum", "ratio"]
AGGREGATIONS: tuple[Aggregation, ...] = ("none", "sum", "ratio")
#: Digits of the territory codes (ČSÚ): ORP 4, obec 6.
CODE_DIGITS: dict[Level, int] = {"orp": 4, "obec": 6}
#: Encodings tried in order; the last one is accepted with a hint to save as UTF-8.
ENCODINGS = ("utf-8-sig", "cp1250")

#: Accepted column headers (folded: lower case, no diacritics, spaces as "_") → role.
ALIASES: dict[str, str] = {
    "orp_code": "orp_code", "kod_orp": "orp_code", "orp_kod": "orp_code",
    "obec_code": "obec_code", "kod_obce": "obec_code", "obec_kod": "obec_code",
    "orp_name": "orp_name", "nazev_orp": "orp_name", "orp": "orp_name",
    "obec_name": "obec_name", "nazev_obce": "obec_name", "obec": "obec_name",
    "value": "value", "hodnota": "value",
    "year": "year", "rok": "year",
    "unit": "unit", "jednotka": "unit",
    "indicator_name": "name", "name": "name", "nazev_ukazatele": "name", "ukazatel": "name",
    "source": "source", "zdroj": "source",
    "numerator": "numerator", "citatel": "numerator",
    "denominator": "denominator", "jmenovatel": "denominator",
}


@dataclass(frozen=True)
class UploadProblem:
    """One finding, phrased through the text catalogue (``key``) with its place in the file."""

    key: str
    row: int | None = None        # spreadsheet row (header = 1), None: the whole file
    column: str | None = None     # the column as the file names it
    fields: tuple[tuple[str, str], ...] = ()

    def field_dict(self) -> dict[str, str]:
        return dict(self.fields)


@dataclass(frozen=True)
class Territories:
    """The codes and names an upload is checked against (from the loaded bundle), and the
    folding that makes "usti" match "Ústí" — the town search's, passed in by the domain
    (``user_indicator.territories``) so that this layer does not reach up into it."""

    orp: pd.DataFrame     # orp_code, orp_name
    obce: pd.DataFrame    # obec_code, obec_name, orp_code
    fold: Callable[[str], str]


@dataclass(frozen=True)
class Options:
    """What the person said beside the file; each text overrides the file's column."""

    year: int | None = None
    name: str = ""
    unit: str = ""
    source: str = ""
    aggregation: Aggregation = "none"
    #: value = scale × numerator / denominator (only with ``aggregation == "ratio"``)
    scale: float = 1.0


@dataclass(frozen=True)
class ParsedUpload:
    """A valid upload: one indicator at one level, one row per territory and year."""

    level: Level
    #: ``code``, ``year`` (int), ``value`` (float, NaN = no data) and, when given,
    #: ``numerator`` and ``denominator`` (float)
    values: pd.DataFrame
    name: str
    unit: str
    source: str
    aggregation: Aggregation
    scale: float
    file_name: str


@dataclass(frozen=True)
class UploadResult:
    """The upload, or ``None`` and the problems; ``notes`` never block (an encoding hint)."""

    upload: ParsedUpload | None
    problems: list[UploadProblem] = field(default_factory=list)
    notes: list[UploadProblem] = field(default_factory=list)
    #: problems found beyond :data:`MAX_PROBLEMS` (not listed)
    more: int = 0


class _Refused(Exception):
    """The file cannot be read at all (one problem, nothing else checked)."""

    def __init__(self, key: str, **fields: object):
        super().__init__(key)
        self.problem = UploadProblem(key, fields=tuple((k, str(v)) for k, v in fields.items()))


# --- reading bytes into a table of text cells -----------------------------------------------

def _is_xlsx(data: bytes, file_name: str) -> bool:
    return data[:4] == b"PK\x03\x04" or file_name.lower().endswith((".xlsx", ".xlsm"))


def _read_xlsx(data: bytes) -> pd.DataFrame:
    """The first sheet, every cell as text (codes keep leading zeros when stored as text).

    Read row by row (openpyxl's read-only mode) and never beyond :data:`MAX_ROWS` rows and
    :data:`MAX_COLUMNS` columns: a 10 MB workbook can unpack to far more than that.
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = list(itertools.islice(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True),
                                     MAX_ROWS + 2))
        book.close()
    except (zipfile.BadZipFile, ValueError, KeyError, OSError, TypeError, IndexError) as exc:
        raise _Refused("upload.problem.bad_xlsx") from exc
    if len(rows) > MAX_ROWS + 1:
        raise _Refused("upload.problem.too_many_rows", n=f"> {MAX_ROWS}", limit=MAX_ROWS)
    if not rows:
        raise _Refused("upload.problem.empty")
    frame = pd.DataFrame(rows, dtype=object).map(_excel_cell)
    header = list(frame.iloc[0])
    return _body(frame.iloc[1:], header)


def _body(rows: pd.DataFrame, header: list[str]) -> pd.DataFrame:
    """Data rows under ``header`` (cells stripped), indexed by spreadsheet row number
    (header = 1); rows with no cell filled are dropped without renumbering the others."""
    body = rows.astype(str).apply(lambda col: col.str.strip())
    body.columns = header
    body.index = pd.RangeIndex(2, len(body) + 2)
    return body[body.ne("").any(axis=1)]


def _excel_cell(value: object) -> str:
    """An Excel cell as the text a person sees: 4213.0 → "4213", empty → ""."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with (UTF-8, with or without BOM, then cp1250)."""
    if b"\x00" in data[:4096]:
        raise _Refused("upload.problem.binary")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise _Refused("upload.problem.encoding")


def _delimiter(first_line: str) -> str:
    """``;`` (Czech Excel), tab, or ``,`` — whichever the header line has most of."""
    counts = {d: first_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(text: str) -> pd.DataFrame:
    """Every cell as text. pandas' C parser reads 100,000 rows in a fraction of a second; a
    file it refuses (a row with more cells than the header) goes through the csv module,
    which accepts extra *empty* cells (Excel writes them) and names the row otherwise."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise _Refused("upload.problem.empty")
    sep = _delimiter(lines[0])
    try:
        raw = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, na_filter=False,
                          skip_blank_lines=False, engine="c")
    except pd.errors.ParserError:
        raw = _read_csv_slowly(text, sep)
    header = [h.strip() for h in raw.iloc[0]]
    return _body(raw.iloc[1:], header)


def _read_csv_slowly(text: str, sep: str) -> pd.DataFrame:
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    except csv.Error as exc:
        raise _Refused("upload.problem.bad_csv", detail=str(exc)) from exc
    width = len(rows[0])
    for i, r in enumerate(rows[1:], start=2):
        if len(r) > width and any(c.strip() for c in r[width:]):
            raise _Refused("upload.problem.extra_cells", row=i)
    return pd.DataFrame([(r + [""] * width)[:width] for r in rows], dtype=str)


def read_cells(data: bytes, file_name: str) -> tuple[pd.DataFrame, list[UploadProblem]]:
    """The file as a table of text cells, and notes (e.g. read as Windows-1250).

    Raises :class:`_Refused` for a file that cannot be a table at all.
    """
    if len(data) > MAX_BYTES:
        raise _Refused("upload.problem.too_big", mb=MAX_BYTES // (1024 * 1024))
    if not data.strip():
        raise _Refused("upload.problem.empty")
    notes: list[UploadProblem] = []
    if _is_xlsx(data, file_name):
        table = _read_xlsx(data)
    else:
        text, encoding = _decode(data)
        if encoding == "cp1250":
            notes.append(UploadProblem("upload.note.cp1250"))
        table = _read_csv(text)
    if table.empty:
        raise _Refused("upload.problem.empty")
    if len(table) > MAX_ROWS:
        raise _Refused("upload.problem.too_many_rows", n=len(table), limit=MAX_ROWS)
    return table, notes


# --- columns ----------------------------------------------------------------------------------

def column_roles(headers: Iterable[str], fold: Callable[[str], str]
                 ) -> tuple[dict[str, str], list[UploadProblem]]:
    """Role → header as the file names it ("Kód ORP" → ``orp_code``), and problems (a role
    given twice)."""
    roles: dict[str, str] = {}
    problems = []
    for h in headers:
        role = ALIASES.get(fold(h).replace(" ", "_"))
        if role is None:
            continue
        if role in roles:
            problems.append(UploadProblem("upload.problem.column_twice", column=h,
                                          fields=(("first", roles[role]),)))
        else:
            roles[role] = h
    return roles, problems


# --- cells ------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def parse_number(text: str) -> float | None:
    """A cell as a number: "5,46", "5.46", "12 345", "1 234,5", "1,234.5", "−3"; ``None``
    when it is not one. Empty cells are handled by the caller (they stay missing)."""
    s = _SPACES.sub("", text).replace("\u2212", "-")
    if "," in s and "." in s:  # the later one is the decimal separator
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") \
            else s.replace(",", "")
    elif s.count(",") == 1:
        s = s.replace(",", ".")
    if not _NUMBER.fullmatch(s):
        return None
    value = float(s)
    return value if pd.notna(value) and abs(value) != float("inf") else None


def _codes(cells: pd.Series) -> pd.Series:
    """Excel's "4213.0" is the code 4213; anything else is kept as typed."""
    return cells.astype(str).str.replace(r"^(\d+)\.0$", r"\1", regex=True)


# --- validation ---------------------------------------------------------------------------

class _Collector:
    """Problems found so far, the first :data:`MAX_PROBLEMS` kept."""

    def __init__(self) -> None:
        self.items: list[UploadProblem] = []
        self.count = 0

    def add(self, key: str, row: int | None = None, column: str | None = None,
            **fields: object) -> None:
        self.count += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(UploadProblem(key, row, column,
                                            tuple((k, str(v)) for k, v in fields.items())))


def _row(cells: pd.Series, i: int) -> int:
    """The spreadsheet row of the ``i``-th cell: tables are indexed by row number (header
    = 1), so a blank line skipped in the file does not shift the rows named after it."""
    return int(cells.index[i])


#: A cell that is plainly a number ("5", "-5,46", "5.46"): converted in one go.
_PLAIN = r"[+-]?\d+(?:[.,]\d+)?"


def _numbers(cells: pd.Series, column: str, found: _Collector) -> pd.Series:
    """Floats of a column; an empty cell is NaN (missing), text is a problem. Plain cells
    are converted in one vectorised step; only the others go through :func:`parse_number`
    (100,000 rows in well under a second)."""
    text = cells.astype(str)
    plain = text.str.fullmatch(_PLAIN)
    out = pd.to_numeric(text.where(plain, "").str.replace(",", ".", regex=False),
                        errors="coerce").astype(float)
    for i in np.flatnonzero((~plain & text.ne("")).to_numpy()):
        value = parse_number(text.iat[i])
        if value is None:
            found.add("upload.problem.not_number", _row(text, i), column, value=text.iat[i][:40])
        else:
            out.iat[i] = value
    return out


def _level_and_codes(table: pd.DataFrame, roles: dict[str, str], places: Territories,
                     found: _Collector) -> tuple[Level | None, pd.Series | None]:
    """The territory level and a code per row (by code column, else by name, folded)."""
    for level in ("orp", "obec"):
        col = roles.get(f"{level}_code")
        if col is not None:
            return level, _check_codes(_codes(table[col]), level, col, places, found)
    for level in ("orp", "obec"):
        col = roles.get(f"{level}_name")
        if col is not None:
            return level, _match_names(table[col], level, col, places, found)
    found.add("upload.problem.no_territory")
    return None, None


def _known(level: Level, places: Territories) -> pd.DataFrame:
    frame = places.orp if level == "orp" else places.obce
    return frame[[f"{level}_code", f"{level}_name"]]


def _check_codes(codes: pd.Series, level: Level, column: str, places: Territories,
                 found: _Collector) -> pd.Series:
    digits = CODE_DIGITS[level]
    empty = codes.eq("")
    shaped = codes.str.fullmatch(rf"\d{{{digits}}}")
    known = codes.isin(set(_known(level, places)[f"{level}_code"]))
    for i in np.flatnonzero((~known).to_numpy()):
        code = codes.iat[i]
        if empty.iat[i]:
            found.add("upload.problem.empty_code", _row(codes, i), column)
        elif not shaped.iat[i]:
            found.add("upload.problem.code_format", _row(codes, i), column, value=code[:40],
                      digits=digits)
        else:
            found.add("upload.problem.unknown_code", _row(codes, i), column, value=code)
    return codes


def _match_names(names: pd.Series, level: Level, column: str, places: Territories,
                 found: _Collector) -> pd.Series:
    """Codes of names matched without diacritics or case ("usti nad labem"); a name that
    matches nothing, or several places (obce of the same name), is a problem."""
    known = _known(level, places)
    index: dict[str, list[str]] = {}
    for code, name in zip(known[f"{level}_code"], known[f"{level}_name"], strict=True):
        index.setdefault(places.fold(name), []).append(code)
    out = []
    for i, name in enumerate(names):
        hits = index.get(places.fold(name), []) if name else []
        if not name:
            found.add("upload.problem.empty_code", _row(names, i), column)
        elif not hits:
            found.add("upload.problem.unknown_name", _row(names, i), column, value=name[:60])
        elif len(hits) > 1:
            found.add("upload.problem.ambiguous_name", _row(names, i), column, value=name[:60],
                      n=len(hits))
        out.append(hits[0] if len(hits) == 1 else "")
    return pd.Series(out, index=names.index, dtype=object)


def _years(table: pd.DataFrame, roles: dict[str, str], default: int | None,
           found: _Collector) -> pd.Series:
    col = roles.get("year")
    if col is None:
        if default is None:
            found.add("upload.problem.no_year")
        return pd.Series(default if default is not None else 0, index=table.index)
    text = _codes(table[col])
    if default is not None:
        text = text.mask(text.eq(""), str(default))
    good = text.str.fullmatch(r"\d{4}")
    years = pd.to_numeric(text.where(good, "0")).astype(int)
    good &= years.between(1900, 2100)
    for i in np.flatnonzero((~good).to_numpy()):
        found.add("upload.problem.bad_year", _row(text, i), col, value=table[col].iat[i][:40])
    return years.where(good, 0)


def _one_text(table: pd.DataFrame, roles: dict[str, str], role: str, given: str,
              found: _Collector, limit: int = 200) -> str:
    """The one value of a per-file text column (name, unit, source); ``given`` wins."""
    if given.strip():
        return given.strip()[:limit]
    col = roles.get(role)
    if col is None:
        return ""
    distinct = [v for v in dict.fromkeys(table[col]) if v]
    if len(distinct) > 1:
        found.add("upload.problem.several_texts", None, col, first=distinct[0][:40],
                  second=distinct[1][:40])
    return distinct[0][:limit] if distinct else ""


def _duplicates(codes: pd.Series, years: pd.Series, column: str, found: _Collector) -> None:
    """Each repeat of a territory and year, naming the row where it first appeared."""
    key = pd.DataFrame({"code": codes, "year": years})
    dup = key.duplicated(keep="first") & key["code"].ne("")
    if not dup.any():
        return
    firsts = key[~key.duplicated(keep="first")]
    first = dict(zip(zip(firsts["code"], firsts["year"], strict=True), firsts.index,
                     strict=True))
    for row in key.index[dup.to_numpy()]:
        code, year = key.at[row, "code"], key.at[row, "year"]
        found.add("upload.problem.duplicate", int(row), column, value=code, year=year,
                  first=int(first[(code, year)]))


def _ratio_check(values: pd.Series, num: pd.Series, den: pd.Series, scale: float,
                 column: str, found: _Collector) -> None:
    """A value given beside its numerator and denominator must be scale × num / den
    (within rounding), else the kraj total would disagree with the rows."""
    for i in values.index:
        v, n, d = values[i], num[i], den[i]
        if pd.isna(v) or pd.isna(n) or pd.isna(d) or d == 0:
            continue
        expected = scale * n / d
        if abs(v - expected) > max(0.01 * abs(expected), 0.05):
            found.add("upload.problem.ratio_mismatch", int(i), column, value=v,
                      expected=round(expected, 3))


def validate(table: pd.DataFrame, places: Territories, options: Options,
             file_name: str = "") -> UploadResult:
    """Check a table of text cells (:func:`read_cells`) and build the upload."""
    found = _Collector()
    roles, twice = column_roles(table.columns, places.fold)
    for p in twice:
        found.add(p.key, p.row, p.column, **p.field_dict())
    level, codes = _level_and_codes(table, roles, places, found)
    value_col = roles.get("value")
    if value_col is None:
        found.add("upload.problem.no_value")
        values = pd.Series(float("nan"), index=table.index)
    else:
        values = _numbers(table[value_col], value_col, found)
    years = _years(table, roles, options.year, found)
    parts = {"value": values}
    for role in ("numerator", "denominator"):
        if role in roles:
            parts[role] = _numbers(table[roles[role]], roles[role], found)
    if options.aggregation == "ratio":
        if not {"numerator", "denominator"} <= parts.keys():
            found.add("upload.problem.ratio_columns")
        elif value_col is not None:
            _ratio_check(values, parts["numerator"], parts["denominator"], options.scale,
                         value_col, found)
    if codes is not None and level is not None:
        _duplicates(codes, years, roles.get(f"{level}_code") or roles[f"{level}_name"], found)
    name = _one_text(table, roles, "name", options.name, found)
    unit = _one_text(table, roles, "unit", options.unit, found, limit=40)
    source = _one_text(table, roles, "source", options.source, found, limit=300)
    if found.count or level is None or codes is None:
        return UploadResult(None, found.items, more=max(found.count - len(found.items), 0))
    frame = pd.DataFrame({"code": codes.astype(str), "year": years.astype(int), **parts})
    upload = ParsedUpload(level=level, values=frame.reset_index(drop=True),
                          name=name or _stem(file_name), unit=unit, source=source,
                          aggregation=options.aggregation, scale=float(options.scale),
                          file_name=file_name)
    return UploadResult(upload)


def _stem(file_name: str) -> str:
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()
    return stem[:80]


def parse_upload(data: bytes, file_name: str, places: Territories,
                 options: Options | None = None) -> UploadResult:
    """Read and validate an uploaded file: the upload, or every problem with row and column.

    Never raises for a bad file: whatever it is (too big, binary, not CSV, wrong encoding,
    empty) it comes back as problems.
    """
    try:
        table, notes = read_cells(data, file_name)
    except _Refused as refused:
        return UploadResult(None, [refused.problem])
    result = validate(table, places, options or Options(), file_name)
    return UploadResult(result.upload, result.problems, [*notes, *result.notes], result.more)
