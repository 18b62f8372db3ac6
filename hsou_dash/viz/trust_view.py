"""What the profile and methodology pages say *about* a number: its source line, footnotes
for series breaks, year caveats and coverage, and the "how we got the data" detail.

Why a module of its own: the ORP profile, the town profile and /methodology must phrase the
same note the same way (one home per rule, declared in :mod:`hsou_dash.domain`), and keep the
retrieval paths (repository files, raw URLs) out of the source line — they only appear in the
"how we got the data" detail, one click away. No Streamlit here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from hsou_dash.domain import series, sources
from hsou_dash.domain.aggregate import Aggregate, CoverageNote, coverage_notes
from hsou_dash.domain.catalogue import Break
from hsou_dash.escape import Markdown, md
from hsou_dash.text import Translator
from hsou_dash.viz import formatting

#: A retrieval reference of the bundle: ``github:owner/repo`` (optionally ``@commit`` and a path).
_GITHUB_REPO = re.compile(r"github:([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?=[@:\s,;)]|$)")


def source_info(values: pd.DataFrame, catalog: pd.DataFrame, indicator_id: str,
                years: Iterable[int] | None = None) -> sources.SourceInfo:
    """:func:`sources.source_info` for the years on screen (the one answer for a number)."""
    return sources.source_info(catalog, values, indicator_id, years)


def source_text(info: sources.SourceInfo, lang: str, label: bool = True) -> str:
    """"Zdroj: ČSÚ – …; k 31. 12. 2020" — the line every figure carries (plain text)."""
    return formatting.source_text(info, lang, label=label)


def break_text(b: Break, tr: Translator, plain: bool = True) -> str:
    """The declared text of a break or caveat (texts use ``{year}``: the break's year)."""
    return tr.plain(b.text_key, year=b.year) if plain else tr(b.text_key, year=b.year)


def coverage_text(note: CoverageNote, tr: Translator, lang: str, plain: bool = True) -> str:
    """"bez 10 obcí (1 549 obyvatel) bez údajů o daňových příjmech" and the like."""
    pop = (tr.plain("trust.gap.population_unknown") if math.isnan(note.population)
           else formatting.number(note.population, 0, lang))
    share = "" if math.isnan(note.share) else formatting.number(note.share, 0, lang)
    fn = tr.plain if plain else tr
    return fn(note.text_key, n=note.n, population=pop, share=share)


def coverage_texts(agg: Aggregate, key: str, territory: str, tr: Translator, lang: str,
                   own: bool = False) -> list[str]:
    """"Česko: bez 10 obcí (1 549 obyvatel) …" — what a region value next to it leaves out.

    ``own``: the value is the territory's own published one (the profile's ORP), not an
    aggregate; only the obce its numerator lacks by construction are worth saying then. For a
    value that is "no data", the members without data are not listed (the reason is).
    """
    notes = coverage_notes(agg, key)
    if own:
        notes = [n for n in notes if agg.gap_key and n.text_key.startswith(agg.gap_key)]
    elif math.isnan(agg.value):
        notes = [n for n in notes if not n.text_key.startswith(("trust.gap.orp.",
                                                                "trust.gap.obec."))]
    return [f"{territory}: {coverage_text(n, tr, lang)}" for n in notes]


def value_notes(indicator_id: str, year: int, territory: str | None = None,
                compared_with: Iterable[int] = ()) -> list[tuple[str, int | None]]:
    """Text keys (with the year their text needs) of every note a value of ``year`` carries:
    the declared breaks and caveats, then the indicator's all-year notes
    (:func:`series.value_notes`)."""
    return [(b.text_key, b.year) for b in series.value_notes(indicator_id, year, territory,
                                                             compared_with)]


def span_texts(indicator_id: str, years: Iterable[int], tr: Translator,
               territory: str | None = None) -> list[str]:
    """Everything a trend or a catalogue row over ``years`` must say, as Markdown-safe
    catalogue text: the breaks inside the span, the caveats of its years, then the
    indicator's all-year notes (each once)."""
    ys = sorted({int(y) for y in years})
    notes = series.span_notes(indicator_id, ys, territory)
    keys = {b.text_key for b in notes}
    if ys:
        notes += [b for b in series.value_notes(indicator_id, ys[-1], territory)
                  if b.text_key not in keys]
    return [break_text(b, tr, plain=False) for b in notes]


@dataclass
class Footnotes:
    """Numbered notes under a table; the same text gets the same number everywhere."""

    texts: list[str] = field(default_factory=list)

    def mark(self, text: str) -> str:
        """The marker of ``text`` ("[2]"), adding it to the list the first time."""
        if text not in self.texts:
            self.texts.append(text)
        return f"[{self.texts.index(text) + 1}]"

    def marks(self, texts: Iterable[str]) -> str:
        return " ".join(self.mark(t) for t in texts)

    def markdown(self) -> Markdown:
        """The notes as a numbered Markdown list (texts escaped: data may be in them)."""
        return Markdown("\n".join(f"{i}. {md(t)}" for i, t in enumerate(self.texts, 1)))


def with_mark(text: str, marks: str) -> str:
    return f"{text} {marks}" if marks else text


def key_texts(keys: Sequence[tuple[str, int | None]], tr: Translator) -> list[str]:
    """Plain texts of :func:`value_notes` keys."""
    return [tr.plain(k, year=y) if y is not None else tr.plain(k) for k, y in keys]


def retrieval_markdown(items: Sequence[tuple[str, Sequence[str]]]) -> Markdown:
    """The "how we got the data" list: one line per figure, its retrieval paths verbatim
    (escaped: they come from the bundle)."""
    lines = [f"- **{md(label)}**: " + "; ".join(md(p) for p in paths)
             for label, paths in items if paths]
    return Markdown("\n".join(lines))


def public_links(text: str) -> str:
    """``github:owner/repo`` in a bundle document → a link to the public repository page.

    The documents cite where a file was taken from; a reader needs the repository page, not
    our retrieval shorthand. Run before :func:`hsou_dash.escape.md_document`, which keeps
    only http(s) link targets.
    """
    return _GITHUB_REPO.sub(
        lambda m: f"[github.com/{m.group(1)}](https://github.com/{m.group(1)})", text)
