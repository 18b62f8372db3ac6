"""CSV downloads that are safe to open in a spreadsheet. Every download of the app goes here.

Why: Excel and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in
some versions, a leading tab or carriage return) as a formula — ``=HYPERLINK("http://…")`` in a
municipality's name becomes a live link in the reader's spreadsheet, and worse formulas can
reach other files or run commands. Names come from data bundles that may come from anywhere,
so every text cell is checked. Following OWASP's advice, such a cell gets a leading apostrophe,
which spreadsheets show as plain text. Numbers are left alone: ``-1.5`` in a numeric column
(or a text cell that is exactly a number) stays a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from hsou_dash.text import catalogue as text_catalogue

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class CsvFormat:
    """How the bytes of a CSV are laid out.

    Two instances: :data:`STANDARD` (machine-readable: comma, decimal point, the stable
    English/machine column names) and :data:`CZECH_EXCEL` (semicolon, decimal comma, the column
    labels shown on the page — what a Czech Excel opens correctly with a double click, where
    a comma-separated file lands in one column and "5.46" becomes a date). Both are CRLF,
    UTF-8 with a byte-order mark (so Excel detects UTF-8 and Czech letters survive), and both
    neutralise formulas.
    """

    sep: str = ","
    decimal: str = "."
    encoding: str = "utf-8-sig"
    #: RFC 4180 line ends; with them a text cell holding a bare CR or LF is quoted (with
    #: ``"\n"`` Python's writer leaves a CR unquoted and spreadsheets split the row there).
    lineterminator: str = "\r\n"
    #: use the display labels passed as ``headers`` to :func:`csv_bytes` for column names
    display_headers: bool = False


STANDARD = CsvFormat()
CZECH_EXCEL = CsvFormat(sep=";", decimal=",", display_headers=True)


def safe_cell(value: object) -> object:
    """``value`` as written to the CSV: text that a spreadsheet would run as a formula gets a
    leading apostrophe; numbers, and text that is exactly a number, are unchanged."""
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names cannot start a formula.

    Only text columns (object, string, category) are touched; numeric columns keep their
    dtype, so numbers are written as numbers.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s) \
                or pd.api.types.is_datetime64_any_dtype(s):
            continue
        out[col] = s.astype(object).map(safe_cell)
    out.columns = [safe_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


#: Text-catalogue prefix of the column labels of the Czech-Excel CSV (``csv_header.<column>``).
HEADER_PREFIX = "csv_header"


def display_headers(columns: Iterable[object], lang: str,
                    overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Column → label for the Czech-Excel CSV: the catalogue's label of every known machine
    column name (one home for them, so every download of the app says "Kód ORP" the same
    way), then ``overrides`` (labels that carry a unit or a year). Unknown columns keep their
    name."""
    texts = text_catalogue().get(lang, {})
    out = {str(c): texts[f"{HEADER_PREFIX}.{c}"] for c in columns
           if f"{HEADER_PREFIX}.{c}" in texts}
    return {**out, **(overrides or {})}


def csv_bytes(df: pd.DataFrame, *, fmt: CsvFormat = STANDARD,
              float_format: str | None = None,
              headers: Mapping[str, str] | None = None) -> bytes:
    """``df`` (without its index) as CSV bytes ready for ``st.download_button``.

    ``headers`` maps column → label; it is used only by a format with ``display_headers``
    (columns without a label keep their name). Labels are data like any cell: neutralised.
    """
    if fmt.display_headers and headers:
        df = df.rename(columns={c: headers[c] for c in df.columns if c in headers})
    text = neutralise(df).to_csv(index=False, sep=fmt.sep, decimal=fmt.decimal,
                                 float_format=float_format, lineterminator=fmt.lineterminator)
    return text.encode(fmt.encoding)
