"""A one-page A4 fact sheet of one ORP as PDF, in the spirit of Ústecký kraj's HSOÚ sheets.

Why a PDF drawn here rather than a printed web page: officials file and hand out one page per
district, and a browser's print of a Streamlit page spreads over several pages with widgets in
it. The sheet is composed from the ORP profile the /orp page shows (:mod:`orp_view`: the same
formatted values, kraj and Czechia beside them, ranks "1 = highest", footnotes and
publisher-first sources), so a number on paper is the number on screen.

Matplotlib's PDF backend draws it with DejaVu Sans embedded as TrueType (every Czech letter,
text extractable and searchable). All bundle strings are drawn with ``parse_math=False``: a
name with ``$`` never becomes TeX. Always exactly one page: text that would not fit (long
footnote lists) is cut with a pointer to the online profile. No Streamlit here.
"""

from __future__ import annotations

import io
import textwrap
from datetime import date

import geopandas as gpd
import matplotlib
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, PathPatch

from hsou_dash.text import Translator
from hsou_dash.viz import formatting, palettes, print_map
from hsou_dash.viz.orp_view import OrpProfile

A4 = (8.27, 11.69)  # inches, portrait
MARGIN = 0.55
#: (table column, label key, width in inches, alignment)
COLUMNS = (
    ("indicator", "exports.sheet_col_indicator", 2.45, "left"),
    ("value", "exports.sheet_col_value", 1.2, "right"),
    ("kraj", "exports.sheet_col_kraj", 1.1, "right"),
    ("cz", "exports.sheet_col_cz", 1.2, "right"),
    ("rank_kraj", "exports.sheet_col_rank_kraj", 0.5, "right"),
    ("rank_cz", "exports.sheet_col_rank_cz", 0.52, "right"),
    ("src", "exports.sheet_col_src", 0.25, "center"),
)
FOCUS = palettes.SELECTED
CONTEXT = "#cfd6dd"


class _Sheet:
    """Text placement in inches from the top-left corner of the page (PDF reading order)."""

    def __init__(self, fig: Figure):
        self.fig = fig

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return x / A4[0], 1 - y / A4[1]

    def text(self, x: float, y: float, s: str, size: float, **kwargs) -> None:
        print_map.text(self.fig, *self.xy(x, y), s, fontsize=size, va="top", **kwargs)

    @staticmethod
    def wrap(s: str, size: float, width_in: float) -> list[str]:
        """``s`` in lines that fit ``width_in`` at ``size`` points (estimated widths)."""
        return textwrap.wrap(s, max(6, int(width_in * 72 / (size * 0.6)))) or [""]

    def paragraph(self, x: float, y: float, s: str, size: float, width_in: float,
                  max_lines: int | None = None, **kwargs) -> float:
        """Wrapped text; returns the y below it. ``width_in`` sets the characters a line."""
        lines = self.wrap(s, size, width_in)
        if max_lines is not None and len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = lines[-1][:-1] + "…"
        self.text(x, y, "\n".join(lines), size, linespacing=1.25, **kwargs)
        return y + len(lines) * size * 1.25 / 72 + 0.04


def _day(d: date, lang: str) -> str:
    """The generation date in the app's one date style ("29. 11. 2026" / "29 Nov 2026")."""
    return formatting.date(f"{d.day:02d}.{d.month:02d}.{d.year}", lang)


def _fit(s: str, width_in: float, size: float, bold: bool = False) -> float:
    """A font size at most ``size`` at which ``s`` fits ``width_in`` (long unit labels such
    as "bytů na 1000 obyv." shrink rather than run into the next column)."""
    return max(4.0, min(size, width_in * 72 / (max(len(s), 1) * (0.58 if bold else 0.5))))


def _clip(s: str, chars: int) -> str:
    return s if len(s) <= chars else s[: chars - 1].rstrip() + "…"


def _locator(fig: Figure, geo: gpd.GeoDataFrame, code: str, box: tuple[float, float, float,
             float]) -> None:
    """The kraj's ORP, the sheet's one in blue (``box``: left, bottom, width, height)."""
    ax = fig.add_axes(box)
    drawn = geo.to_crs(print_map.DRAW_CRS)
    patches, faces = [], []
    for geom, c in zip(drawn.geometry, drawn["orp_code"], strict=True):
        path = print_map.geometry_path(geom)
        if path is not None:
            patches.append(PathPatch(path))
            faces.append(FOCUS if c == code else CONTEXT)
    ax.add_collection(PatchCollection(patches, facecolors=faces, edgecolors="white",
                                      linewidths=0.6))
    minx, miny, maxx, maxy = drawn.total_bounds
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal")
    ax.set_axis_off()


def render_pdf(p: OrpProfile, geo: gpd.GeoDataFrame, tr: Translator, lang: str,
               today: date | None = None, *, attribution: str) -> bytes:
    """The fact sheet of profile ``p`` as PDF bytes; ``geo`` holds the ORP polygons of its
    kraj (``cache.region_geometry``) for the locator map; ``today`` is the generation date;
    ``attribution`` the boundary line (``viz.attribution.boundaries``)."""
    f = p.facts
    today = today or date.today()
    name, kraj = str(f["orp_name"]), str(f["kraj_name"])
    with print_map.RENDER_LOCK, matplotlib.rc_context(print_map.RC):
        fig = Figure(figsize=A4, dpi=72, facecolor="white")
        s = _Sheet(fig)
        x0, width = MARGIN, A4[0] - 2 * MARGIN
        text_w = width - 2.75  # the locator map takes the top right
        s.text(x0, 0.5, tr.plain("exports.sheet_title", name=name), 18, fontweight="bold",
               color="#111111")
        y = s.paragraph(x0, 0.86, tr.plain("orp.kraj_line", kraj=kraj,
                                           okres=str(f["okres_name"]),
                                           area=formatting.number(f["area_km2"], 0, lang)),
                        10, text_w, color="#333333")
        hsou = bool(f["is_hsou"])
        status = textwrap.wrap(tr.plain("orp.hsou_yes" if hsou else "orp.hsou_no"),
                               int((text_w - 0.2) * 72 / (9.5 * 0.62)))
        box_h = 0.12 + len(status) * 9.5 * 1.25 / 72
        fig.add_artist(FancyBboxPatch(s.xy(x0, y + box_h + 0.04), text_w / A4[0],
                                      box_h / A4[1], boxstyle="round,pad=0.004",
                                      transform=fig.transFigure,
                                      facecolor="#fde0dc" if hsou else "#e3f1e6",
                                      edgecolor="#b3261e" if hsou else "#2e7d32",
                                      linewidth=0.8))
        s.text(x0 + 0.08, y + 0.1, "\n".join(status), 9.5, fontweight="bold",
               linespacing=1.25, color="#7a1510" if hsou else "#1b5e20")
        y += box_h - 0.3
        y = s.paragraph(x0, y + 0.42, tr.plain("exports.sheet_hsou_source",
                                               source=p.hsou_source), 7, text_w,
                        max_lines=3, color="#333333")
        facts = [tr.plain("orp.structural")] if bool(f["structurally_affected"]) else []
        agg = f["iti_metro_agglomeration"]
        facts.append(tr.plain("orp.agglomeration", name=agg, share=formatting.number(
            f["share_pop_in_agglomeration_2020"], 1, lang)) if isinstance(agg, str)
            else tr.plain("orp.no_agglomeration"))
        for fact in facts:
            y = s.paragraph(x0, y, f"• {fact}", 8, text_w, max_lines=2, color="#222222")
        # locator map, top right
        s.text(x0 + width - 2.55, 0.5, tr.plain("exports.sheet_locator"), 8,
               color="#444444")
        left, top = (x0 + width - 2.55) / A4[0], 1 - 0.68 / A4[1]
        _locator(fig, geo, p.code, (left, top - 1.75 / A4[1], 2.55 / A4[0], 1.75 / A4[1]))
        y = max(y, 2.5) + 0.1

        # the indicator table
        s.text(x0, y, tr.plain("exports.sheet_indicators"), 11, fontweight="bold")
        y += 0.26
        letters: dict[str, str] = {}
        dates_of: dict[str, list[str]] = {}
        for src, ref in zip(p.table["source"], p.table["ref_date"], strict=True):
            letters.setdefault(src, chr(ord("A") + len(letters)))
            if ref and ref not in dates_of.setdefault(src, []):
                dates_of[src].append(ref)
        x = x0
        for _, key, w, align in COLUMNS:
            hx = x + 0.04 if align == "left" else x + w - 0.04 if align == "right" else x + w / 2
            s.paragraph(hx, y, tr.plain(key), 6.2, w, max_lines=2, fontweight="bold",
                        ha=align, color="#333333")
            x += w
        y += 0.26
        row_h = 0.142
        for i, r in enumerate(p.table.itertuples(index=False)):
            if i % 2 == 0:
                fig.add_artist(FancyBboxPatch(s.xy(x0, y + row_h - 0.03), width / A4[0],
                                              row_h / A4[1], boxstyle="square,pad=0",
                                              transform=fig.transFigure, facecolor="#f2f4f6",
                                              edgecolor="none"))
            cells = {"indicator": _clip(f"{r.indicator} ({r.year})", 49), "value": r.value,
                     "kraj": r.kraj, "cz": r.cz, "rank_kraj": r.rank_kraj,
                     "rank_cz": r.rank_cz, "src": letters[r.source]}
            x = x0
            for col, _, w, align in COLUMNS:
                hx = x + 0.04 if align == "left" else (x + w - 0.04 if align == "right"
                                                        else x + w / 2)
                size = 6.2 if col == "indicator" else _fit(str(cells[col]), w - 0.06, 6.2,
                                                              bold=col == "value")
                s.text(hx, y, str(cells[col]), size, ha=align,
                       fontweight="bold" if col == "value" else "normal", color="#111111")
                x += w
            y += row_h
        y = s.paragraph(x0, y + 0.05, tr.plain("exports.sheet_rank_note"), 6.5, width,
                        color="#444444")

        # sources with their reference dates, then the footnotes of the table
        s.text(x0, y + 0.05, tr.plain("exports.sheet_sources"), 9, fontweight="bold")
        y += 0.25
        for src, letter in letters.items():
            when = ", ".join(dates_of.get(src, []))
            y = s.paragraph(x0, y, f"{letter}  {src}" + (f" ({when})" if when else ""), 6.5,
                            width, max_lines=2, color="#222222")
        footer_top = A4[1] - 0.75
        if p.notes:
            s.text(x0, y + 0.04, tr.plain("exports.sheet_notes"), 9, fontweight="bold")
            y += 0.24
            line_h = 6.5 * 1.25 / 72
            for i, note in enumerate(p.notes, 1):
                lines = min(2, len(s.wrap(f"[{i}] {note}", 6.5, width)))
                last = i == len(p.notes)
                # this note, and unless it is the last one the "… more notes" line, must fit
                if y + lines * line_h + 0.04 + (0 if last else line_h) > footer_top - 0.08:
                    s.text(x0, y, tr.plain("exports.sheet_more_notes",
                                           n=len(p.notes) - i + 1), 6.5, color="#444444")
                    break
                y = s.paragraph(x0, y, f"[{i}] {note}", 6.5, width, max_lines=2,
                                color="#222222")
        s.paragraph(x0, footer_top, attribution, 6.5, width,
                    color="#444444")
        s.paragraph(x0, footer_top + 0.16, tr.plain(
            "exports.sheet_generated", date=_day(today, lang)), 6.5,
            width, color="#444444")
        buf = io.BytesIO()
        fig.savefig(buf, format="pdf", metadata={
            "Title": tr.plain("exports.sheet_title", name=name), "Creator": "HSOÚ dashboard",
            "Producer": None, "CreationDate": None})
    return buf.getvalue()
