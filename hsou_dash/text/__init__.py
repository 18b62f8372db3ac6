"""The one catalogue of user-visible text, Czech first, English second.

Strings live in ``*.toml`` files beside this module, one per part of the app, each with a
``[cs]`` and an ``[en]`` table (nested tables flatten to dotted keys: ``[cs.map] title`` →
``map.title``). Splitting by part keeps edits local; loading merges them into one catalogue and
refuses a key defined twice.

Interpolated fields are untrusted (names from a data bundle, values from a URL), so
:func:`translate` escapes each one for Markdown — the default, because most text ends up in a
Streamlit Markdown sink. Sinks that show text verbatim (select box options, table cells, Plotly,
file names, CSV) use :func:`translate_plain`, which interpolates as is; otherwise backslashes
would show there. Catalogue text itself is trusted and may contain Markdown.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from hsou_dash.escape import Markdown, md

LANGS = ("cs", "en")
DEFAULT_LANG = "cs"
TEXT_DIR = Path(__file__).parent


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


def _template(lang: str, key: str) -> str:
    table = catalogue().get(lang) or catalogue()[DEFAULT_LANG]
    return table.get(key) or catalogue()[DEFAULT_LANG].get(key) or key


def _markdown_field(value: object) -> object:
    """Numbers stay numbers (format specs like ``{n:d}`` keep working, digits need no
    escaping); anything else is escaped for Markdown."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return md(value)


def translate(lang: str, key: str, **kwargs: object) -> Markdown:
    """Text for ``key`` in ``lang`` for a Markdown sink: every field in ``kwargs`` is escaped,
    so a name like ``![x](http://…)`` shows as those characters. A missing key shows itself."""
    text = _template(lang, key)
    if kwargs:
        text = text.format(**{k: _markdown_field(v) for k, v in kwargs.items()})
    return Markdown(text)


def translate_plain(lang: str, key: str, **kwargs: object) -> str:
    """Text for ``key`` with fields interpolated verbatim, for sinks that do not render
    Markdown (select box options, table cells, Plotly, Folium after HTML escaping, file names).
    Never hand its result to a Markdown sink."""
    text = _template(lang, key)
    return text.format(**kwargs) if kwargs else text


class Translator:
    """``tr(key, **fields)`` bound to one language, for builders that need labels.

    Calling it gives Markdown-safe text (fields escaped); ``tr.plain(key, **fields)`` gives
    the verbatim variant for plain-text sinks.
    """

    __slots__ = ("lang",)

    def __init__(self, lang: str):
        self.lang = lang if lang in LANGS else DEFAULT_LANG

    def __call__(self, key: str, **kwargs: object) -> Markdown:
        return translate(self.lang, key, **kwargs)

    def plain(self, key: str, **kwargs: object) -> str:
        return translate_plain(self.lang, key, **kwargs)


def translator(lang: str) -> Translator:
    """A translator bound to ``lang`` (an unknown language falls back to Czech)."""
    return Translator(lang)
