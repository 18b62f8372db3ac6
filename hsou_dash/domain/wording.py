"""Short English phrases of the data bundle in the reader's language.

The support register records the kind of an amount ("call allocation ("téměř 2,4 mld.")") and
some periods ("to 06/2025") in English. On Czech pages the known kinds and period forms are
said in Czech; quoted source text (in quotation marks) is kept, anything unknown shows as
recorded. Also the "(22 obcí)" suffix of Czech agglomeration names, said in English.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: Leading phrase of ``amount_type`` → text key (``support.amount_kind.<key>``).
AMOUNT_KINDS = {
    "call allocation": "call_allocation",
    "allocation": "allocation",
    "approved projects": "approved_projects",
    "paid to beneficiaries": "paid",
    "indicative support": "indicative",
    "funds used by MAS": "mas_funds",
    "proposed state support": "proposed",
}

_QUOTED = re.compile(r"\"([^\"]+)\"")


def amount_kind(text: object, lang: str, plain: Callable[[str], str]) -> str:
    """``amount_type`` for a ``lang`` page: English as recorded; in Czech the kind translated
    (``plain(key)`` looks the text key up) with any quoted source words kept („…“)."""
    if not isinstance(text, str) or not text.strip():
        return ""
    if lang == "en":
        return text
    lead = text.split("(")[0].split(",")[0].strip()
    key = AMOUNT_KINDS.get(lead)
    if key is None:
        return text
    quoted = _QUOTED.findall(text)
    out = plain(f"support.amount_kind.{key}")
    return out + (" (" + ", ".join(f"„{q}“" for q in quoted) + ")" if quoted else "")


def period(text: object, lang: str, plain: Callable[[str], str]) -> str:
    """A period of the register: "to 06/2025" → "do 06/2025"; "2017 (1st action plan,
    proposal)" → "2017 (1. akční plán, návrh)"; ranges and years unchanged."""
    if not isinstance(text, str):
        return ""
    if lang == "en":
        return text
    m = re.fullmatch(r"to (\d{2}/\d{4})", text.strip())
    if m:
        return plain("support.period_to").format(when=m.group(1))
    if text.strip() == "2017 (1st action plan, proposal)":
        return plain("support.period_restart_2017")
    return text


def indicator_name(name: str, lang: str) -> str:
    """An indicator name of the bundle without Czech abbreviations an English reader cannot
    decode: "Share of unemployed persons (PNO, 15–64)" → "… (aged 15–64)" (PNO is "podíl
    nezaměstnaných osob", the name itself)."""
    if lang != "en":
        return name
    return re.sub(r"\(PNO, (\d)", r"(aged \1", name)


def count_suffix(name: str, lang: str, plain: Callable[[str], str]) -> str:
    """"Ústecko-chomutovská aglomerace (22 obcí)" in English: "… (22 municipalities)"."""
    m = re.fullmatch(r"(.*?)\s*\((\d+) obcí\)", str(name))
    if lang == "cs" or not m:
        return str(name)
    return f"{m.group(1)} ({plain('common.n_municipalities').format(n=m.group(2))})"
