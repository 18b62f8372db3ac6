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
from dataclasses import dataclass

import pandas as pd

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class CsvFormat:
    """How the bytes of a CSV are laid out.

    Today there is one format: comma, decimal point, CRLF, UTF-8 with a byte-order mark (so
    Excel detects UTF-8 and Czech letters survive). A Czech-Excel variant (``;``, decimal comma,
    Czech column headers) is meant to become another instance — headers would be one more
    field here, e.g. a column → label mapping — chosen in one place, so views keep calling
    :func:`csv_bytes` unchanged.
    """

    sep: str = ","
    decimal: str = "."
    encoding: str = "utf-8-sig"
    #: RFC 4180 line ends; with them a text cell holding a bare CR or LF is quoted (with
    #: ``"\n"`` Python's writer leaves a CR unquoted and spreadsheets split the row there).
    lineterminator: str = "\r\n"


STANDARD = CsvFormat()


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


def csv_bytes(df: pd.DataFrame, *, fmt: CsvFormat = STANDARD,
              float_format: str | None = None) -> bytes:
    """``df`` (without its index) as CSV bytes ready for ``st.download_button``."""
    text = neutralise(df).to_csv(index=False, sep=fmt.sep, decimal=fmt.decimal,
                                 float_format=float_format, lineterminator=fmt.lineterminator)
    return text.encode(fmt.encoding)
