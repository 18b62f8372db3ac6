"""The one catalogue of user-visible text, Czech first, English second.

Strings live in ``*.toml`` files beside this module, one per part of the app, each with a
``[cs]`` and an ``[en]`` table (nested tables flatten to dotted keys: ``[cs.map] title`` →
``map.title``). Splitting by part keeps edits local; loading merges them into one catalogue and
refuses a key defined twice.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path

LANGS = ("cs", "en")
DEFAULT_LANG = "cs"
TEXT_DIR = Path(__file__).parent

Translator = Callable[..., str]


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = str(v)
    return out


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """``{lang: {key: text}}`` merged from every TOML file in this folder."""
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for path in sorted(TEXT_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for lang in LANGS:
            for key, text in _flatten(data.get(lang, {})).items():
                if key in merged[lang]:
                    raise ValueError(f"text key {key!r} ({lang}) defined twice; see {path.name}")
                merged[lang][key] = text
    return merged


def translate(lang: str, key: str, **kwargs: object) -> str:
    """Text for ``key`` in ``lang``, formatted with ``kwargs``; a missing key shows itself."""
    table = catalogue().get(lang) or catalogue()[DEFAULT_LANG]
    text = table.get(key) or catalogue()[DEFAULT_LANG].get(key) or key
    return text.format(**kwargs) if kwargs else text


def translator(lang: str) -> Translator:
    """A ``tr(key, **kwargs)`` bound to one language, for builders that need labels."""
    lang = lang if lang in LANGS else DEFAULT_LANG

    def tr(key: str, **kwargs: object) -> str:
        return translate(lang, key, **kwargs)

    return tr
