"""folium's map template without its zoom lock.

folium's ``Map`` writes ``<meta name="viewport" content="…, maximum-scale=1.0,
user-scalable=no">`` into the map's document, which forbids pinch zoom on phones (WCAG 1.4.4,
axe ``meta-viewport``). This is the same template with only that meta tag opened up; a map uses
it by ``m._template = ZOOMABLE_TEMPLATE``.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap

import folium
from folium.template import Template

LOCKED = "maximum-scale=1.0, user-scalable=no"


def _map_template_source() -> str:
    tree = ast.parse(textwrap.dedent(inspect.getsource(folium.Map)))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == "_template" and isinstance(node.value, ast.Call)):
            return node.value.args[0].value
    raise RuntimeError("folium.Map has no _template")  # pragma: no cover


def zoomable_source() -> str:
    """folium's Map template with the viewport meta tag allowing zoom."""


    source = _map_template_source()
    opened = re.sub(r",\s*maximum-scale=1\.0,\s*user-scalable=no", "", source)
    if opened == source:  # folium changed its template: keep the map working, unchanged
        return source
    return opened


ZOOMABLE_TEMPLATE = Template(zoomable_source())
