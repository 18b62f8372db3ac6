"""Every page's address in one place: reading its query parameters and building in-app links.

A shared link is the app's only public interface besides the screen, so one module owns it
(as datasette's ``Urls`` does): the pages call one ``parse_<page>_params`` each and never read
a parameter themselves, and every link the app writes by hand goes through :func:`href`, so it
keeps the reader's language. Pure: no Streamlit here (``hsou_dash.ui.state`` moves the values
between ``st.query_params`` and the widgets).

A notice is ``(text_key, fields)`` for the UI to translate; an unknown or malformed value never
raises, it falls back to the default view. Every value that comes back is one the bundle knows,
so a page may use it without checking again.

Two modules, imported from here (``from hsou_dash.urls import …``):

- :mod:`.core` — links (:func:`href`, :func:`link_params`) and one parser per kind of value
- :mod:`.pages` — one ``parse_<page>_params`` per page, presenter mode, and the URL forms of
  the lists pages write back
"""

# The package's names are its two modules' ``__all__``: one list each to keep up to date.
from hsou_dash.urls import core, pages
from hsou_dash.urls.core import *  # noqa: F403
from hsou_dash.urls.pages import *  # noqa: F403

__all__ = [*core.__all__, *pages.__all__]
