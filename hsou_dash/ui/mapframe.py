"""A folium map in streamlit-folium's component, with its rendering done once per map.

``st_folium`` renders the whole folium tree (Jinja templates, GeoJSON, bounds) on every rerun,
~40–70 ms of CPU for our maps, although nothing changes while a visitor only clicks around.
:func:`component_args` does exactly what ``st_folium`` 0.27.4 does before it calls its
component (the same helpers of ``streamlit_folium``), and the pages cache its result with the
view it belongs to; :func:`show` then only sends the cached strings. streamlit-folium
normalises the element ids (``map_div``, ``geo_json_div_1`` …), so identical inputs give an
identical script and the same component key: the map is not re-mounted by a rerun.

No public API gives this: ``st_folium(..., render=False)`` still builds every string on every
rerun. So the four private helpers it takes are read in one guarded place,
:func:`_private_api` (checked against streamlit-folium 0.27.4): if one is missing or no
longer takes a map, every map goes through the public ``st_folium`` instead (slower, same
picture), never a crashed page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

import folium
import streamlit as st
import streamlit_folium as sf  # declares the component: import from a script run

#: Key of :func:`component_args`' result when the private path is unavailable: the folium map
#: itself, for :func:`show` to hand to ``st_folium``.
PUBLIC = "public_st_folium_map"


class _Private(NamedTuple):
    """streamlit-folium's private helpers that ``st_folium`` uses internally."""

    get_html: Callable[[folium.Map], str]
    get_header: Callable[[folium.Map], str]
    get_map_string: Callable[[folium.Map], str]
    component: Callable[..., Any]


@cache  # once per process: a map made by the private path is also shown by it
def _private_api() -> _Private | None:
    """The only access to streamlit-folium's private names; ``None`` when one is gone."""
    try:
        from streamlit_folium import (
            _component_func,
            _get_header,
            _get_html,
            _get_map_string,
        )
    except (ImportError, AttributeError):
        return None
    return _Private(_get_html, _get_header, _get_map_string, _component_func)


def component_args(fig: folium.Map, key: str, returned_objects: list[str] | None,
                   height: int) -> dict[str, Any]:
    """The arguments ``st_folium(fig, key=key, height=height, use_container_width=True,
    returned_objects=returned_objects)`` passes to its component (``fig`` is rendered and
    altered: build it for this call only). Without the private helpers: the arguments for
    ``st_folium`` itself, the map under :data:`PUBLIC`."""
    private = _private_api()
    public = {PUBLIC: fig, "key": key, "height": height, "returned_objects": returned_objects}
    if private is None:
        return public
    fig.get_root().render()
    fig.render()
    try:  # a helper that no longer takes a map fails before it changes the map
        html = private.get_html(fig)
        header = private.get_header(fig)
        leaflet = private.get_map_string(fig)
    except TypeError:
        return public
    defaults = {"last_active_drawing": None, "last_clicked": None, "last_object_clicked": None}
    defaults = {k: v for k, v in defaults.items() if returned_objects is None
                or k in returned_objects}
    css = list(dict.fromkeys(h for e in _walk(fig) for _, h in getattr(e, "default_css", [])))
    js = list(dict.fromkeys(s for e in _walk(fig) for _, s in getattr(e, "default_js", [])))
    return dict(script=leaflet, header=header, html=html, id=sf.get_full_id(fig),
                key=sf.generate_js_hash(leaflet, key, False), height=height, width=None,
                returned_objects=returned_objects, default=defaults, zoom=None, center=None,
                feature_group=None, return_on_hover=False, layer_control=None, pixelated=False,
                css_links=css, js_links=js, wrap_longitude=False)


def _walk(fig):
    yield fig
    for child in getattr(fig, "_children", {}).values():
        yield from _walk(child)


def show(args: dict[str, Any], key: str, on_change: Callable[[], None] | None = None) -> Any:
    """Draw a map from :func:`component_args`; like ``st_folium``, a change of the returned
    value is copied to ``st.session_state[key]`` before ``on_change`` runs."""
    private = _private_api()
    if PUBLIC in args or private is None:  # made without the private path: show it without
        return sf.st_folium(args[PUBLIC], key=key, height=args["height"],
                            use_container_width=True, returned_objects=args["returned_objects"],
                            on_change=on_change)
    hash_key = args["key"]

    def _changed() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    return private.component(**{**args, "on_change": _changed})

