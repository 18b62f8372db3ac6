"""Every text key the code asks for exists in the catalogue — including the keys it builds
with f-strings (``t(f"map.scheme_{s}")``), whose families are expanded from the enumerations
they are built over.

The code is read as syntax (ast), not with a regular expression: a call of ``t``, ``t_plain``,
``tr``, ``….plain`` or ``translate_plain`` names its key as a string, a conditional of two
strings, or a template. A template's values are found where the code takes them from — a loop
or comprehension over a literal, the literal options of the widget whose ``format_func`` it
is, a conditional of two strings — or else in :data:`FAMILIES`, which lists the enumeration
each remaining family is built over. A template found in neither fails the test: a new key
family must say what it ranges over.
"""

from __future__ import annotations

import ast
import itertools
import string
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from hsou_dash.text import catalogue

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted([*REPO.glob("pages/*.py"), REPO / "app.py", *REPO.glob("hsou_dash/**/*.py")])
TRANSLATE = {"t", "t_plain", "tr"}


def _support():
    from hsou_dash.domain import support

    return support


def _breaks() -> set[str]:
    from hsou_dash.domain.catalogue import BREAKS

    return {b.text_key.rsplit(".", 1)[-1] for bs in BREAKS.values() for b in bs
            if b.kind == "break"}


def _const(name: str) -> Callable[[], Iterable[str]]:
    """``module:NAME`` (``NAME`` a tuple/list/dict of values), imported when the test runs."""
    module, attr = name.split(":")

    def load() -> Iterable[str]:
        import importlib

        return list(getattr(importlib.import_module(module), attr))
    return load


INSTRUMENTS = "hsou_dash.domain.support.instruments"

#: Key families whose values the code takes from a constant or from data, with those values.
FAMILIES: dict[str, Callable[[], Iterable]] = {
    "orp.col_{}": _const("hsou_dash.viz.orp_view:TABLE_COLUMNS"),
    "nav.{}": _const("hsou_dash.urls:PATHS"),
    "map.scheme_{}": _const("hsou_dash.domain.classify:SCHEMES"),
    "basemap.{}": _const("hsou_dash.viz.maps:TILES"),
    "methodology.method_{}": _const("hsou_dash.domain.hsou:STANDARDISATIONS"),
    "methodology.srr_{}": _const("hsou_dash.domain.hsou:SRR_INDICATORS"),
    "methodology.cat_{}": _const("hsou_dash.domain.hsou:CATEGORIES"),
    "methodology.leg_{}": _const("hsou_dash.domain.hsou:CATEGORIES"),
    "theme.{}": lambda: [*_const("hsou_dash.domain.catalogue:THEMES")(), "other"],
    "bootstrap.step_{}": _const("hsou_dash.ui.bootstrap:STEPS"),
    "chart.break_short.{}": _breaks,
    # reconcile.compare: the verdict, and why a published figure was not recomputed
    "trust.reconcile.{}": lambda: ["agrees", "differs", "not_computed", "okres_level",
                                   "unknown_territory", "indicator_not_in_app",
                                   "year_not_in_bundle"],
    "support.tab_{}": _const("hsou_dash.urls:SUPPORT_TABS"),
    "support.level.{}": lambda: _support().LEVELS,
    "support.elig.{}": lambda: _support().ELIGIBILITY,
    "support.matrix.{}": lambda: [*_support().TERRITORY_TYPES, *_support().MATRIX_VALUES],
    "support.orp_status.{}": lambda: _support().ORP_STATUSES,
    "support.transfers.m.{}": lambda: _support().TRANSFER_MEASURES,
    "support.timeline.{}": lambda: [*_const(f"{INSTRUMENTS}:SPAN_KINDS")(),
                                    *_const(f"{INSTRUMENTS}:EVENT_KINDS")()],
    # instruments.period_status
    "support.status.{}": lambda: ["running", "ongoing", "started_end_unknown", "upcoming",
                                  "ended", "unknown"],
    # support_view.here_table: an ORP's or an obec's coverage (territory.py)
    "support.{}.{}": lambda: [*(("orp_status", s) for s in _support().ORP_STATUSES),
                              *(("obec_status", s) for s in ("yes", "unknown", "no"))],
    # amounts.per_inhabitant: why a territory has no population
    "support.territory.{}": lambda: ["partial_territory", "no_population"],
    "upload.level_{}": lambda: ["orp", "obec"],
    # ui.upload.profile_section: the profile table's columns (totals per orp / kraj / cz)
    "upload.col_{}": lambda: ["indicator", "year", "value", "rank", "orp", "kraj", "cz",
                              "source"],
    # support_section.render_transfers: municipal scale only where obce are drawn
    "support.transfers.level_{}": lambda: ["orp", "obec"],
}
#: Families whose missing keys the code handles itself (it shows the id when there is none).
OPTIONAL = {"methodology.ctx.{}"}


# --- reading the code ----------------------------------------------------------------------

def _key_node(call: ast.Call) -> ast.expr | None:
    f = call.func
    if isinstance(f, ast.Name) and f.id in TRANSLATE or (
            isinstance(f, ast.Attribute) and f.attr == "plain"):
        return call.args[0] if call.args else None
    if isinstance(f, ast.Name) and f.id == "translate_plain" and len(call.args) > 1:
        return call.args[1]
    return None


def _literal(node: ast.expr) -> list | None:
    """The values of a literal tuple/list (of strings or of tuples of strings) — written
    there, or behind a name assigned a literal in the same file or imported from a module —
    else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
            "list", "tuple") and node.args:
        node = node.args[0]
    if isinstance(node, ast.Name):
        return _named(node)
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        return None
    return list(value) if isinstance(value, list | tuple) else None


def _named(name: ast.Name) -> list | None:
    """A name's values: a literal it is assigned in its file, or the constant it imports."""
    module = name
    while getattr(module, "parent", None) is not None:
        module = module.parent
    for node in ast.walk(module):
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, ast.AnnAssign) and node.value
                   else [])
        if any(isinstance(t, ast.Name) and t.id == name.id for t in targets):
            try:
                value = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError):
                continue
            if isinstance(value, list | tuple):
                return list(value)
        if isinstance(node, ast.ImportFrom) and node.module and any(
                (a.asname or a.name) == name.id for a in node.names):
            import importlib

            real = next(a.name for a in node.names if (a.asname or a.name) == name.id)
            value = getattr(importlib.import_module(node.module), real, None)
            if isinstance(value, list | tuple | dict):
                return list(value)
    return None


def _bound_values(name: str, node: ast.AST) -> list | None:
    """Values ``name`` takes where it is bound around ``node``: a loop or comprehension over a
    literal (tuple targets unpacked), or a widget's literal options for its format_func."""
    while (node := getattr(node, "parent", None)) is not None:
        gens = (node.generators if isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp
                                                   | ast.GeneratorExp)
                else [node] if isinstance(node, ast.For) else [])
        for gen in gens:
            values = _literal(gen.iter)
            if isinstance(gen.target, ast.Name) and gen.target.id == name:
                return values
            if isinstance(gen.target, ast.Tuple) and values is not None:
                names = [getattr(e, "id", None) for e in gen.target.elts]
                if name in names:
                    return [v[names.index(name)] for v in values]
        if isinstance(node, ast.Lambda) and name in [a.arg for a in node.args.args]:
            call = getattr(getattr(node, "parent", None), "parent", None)
            if isinstance(call, ast.Call) and len(call.args) > 1:
                return _literal(call.args[1])
            return None
    return None


def _placeholder_values(value: ast.expr) -> list | None:
    if isinstance(value, ast.IfExp):
        both = [value.body, value.orelse]
        if all(isinstance(v, ast.Constant) for v in both):
            return [v.value for v in both]
    if isinstance(value, ast.Name):
        return _bound_values(value.id, value)
    return None


def _keys(node: ast.expr, where: str, found: dict, unresolved: list) -> None:
    """Add the keys ``node`` names (or its template family) to ``found``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if "." in node.value and " " not in node.value:
            found.setdefault(node.value, where)
    elif isinstance(node, ast.IfExp):
        _keys(node.body, where, found, unresolved)
        _keys(node.orelse, where, found, unresolved)
    elif isinstance(node, ast.JoinedStr | ast.BinOp):
        parts = (node.values if isinstance(node, ast.JoinedStr)
                 else [node.left, ast.FormattedValue(node.right, -1, None)]
                 if isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant)
                 else [])
        if not parts:
            return
        template = "".join(p.value if isinstance(p, ast.Constant) else "{}" for p in parts)
        holes = [p.value for p in parts if isinstance(p, ast.FormattedValue)]
        if template in OPTIONAL:
            return
        if template in FAMILIES:
            values = [v if isinstance(v, tuple) else (v,) for v in FAMILIES[template]()]
        else:
            each = [_placeholder_values(h) for h in holes]
            if any(v is None for v in each):
                unresolved.append(f"{template} ({where})")
                return
            values = list(itertools.product(*each))
        for combo in values:
            found.setdefault(template.format(*combo), f"{template} ({where})")


def used_keys() -> tuple[dict[str, str], list[str]]:
    """Every key the code names → where; and the templates no enumeration resolves."""
    found: dict[str, str] = {}
    unresolved: list[str] = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                child.parent = node
        for node in ast.walk(tree):
            key = _key_node(node) if isinstance(node, ast.Call) else None
            if key is not None:
                _keys(key, f"{path.relative_to(REPO)}:{node.lineno}", found, unresolved)
    return found, unresolved


# --- the tests -----------------------------------------------------------------------------

def test_every_key_family_has_an_enumeration():
    _, unresolved = used_keys()
    assert not unresolved, f"add these families to FAMILIES: {unresolved}"


def test_every_text_key_used_in_code_exists():
    found, _ = used_keys()
    cat = catalogue()["cs"]
    missing = sorted(f"{k}  ← {where}" for k, where in found.items() if k not in cat)
    assert not missing, "\n".join(missing)
    # the reader finds what it must: plain keys and f-string families alike
    assert {"map.title", "map.scheme_fisher_jenks", "methodology.cat_both",
            "support.status.running", "nav.methodology"} <= set(found)


def test_the_reader_resolves_families_and_fails_on_a_missing_key(tmp_path, monkeypatch):
    """A made-up page: a family over a literal, one over widget options, one key missing."""
    page = tmp_path / "pages" / "fake.py"
    page.parent.mkdir()
    page.write_text(
        "for size in ('slide', 'print'):\n    t(f'exports.map_{size}')\n"
        "st.radio('x', ['one', 'two'], format_func=lambda s: t(f'fake.{s}'))\n"
        "t('map.no_such_key')\n"
        "t(f'map.{unknown}')\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.SOURCES", [page])
    monkeypatch.setattr(f"{__name__}.REPO", tmp_path)
    found, unresolved = used_keys()
    assert set(found) == {"exports.map_slide", "exports.map_print", "fake.one", "fake.two",
                          "map.no_such_key"}
    assert unresolved == ["map.{} (pages/fake.py:5)"]
    with pytest.raises(AssertionError, match="map.no_such_key"):
        test_every_text_key_used_in_code_exists()


def test_catalogue_has_every_key_in_both_languages():
    cat = catalogue()
    assert set(cat["cs"]) == set(cat["en"])
    for lang, table in cat.items():
        empty = [k for k, v in table.items() if not v.strip()]
        assert not empty, (lang, empty)
        # a placeholder is named the same in both languages
        if lang != "cs":
            for key, text in table.items():
                names = {f[1] for f in string.Formatter().parse(text) if f[1]}
                assert names == {f[1] for f in string.Formatter().parse(cat["cs"][key])
                                 if f[1]}, key
