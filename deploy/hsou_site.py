"""The site's server: ``app.py`` in Streamlit's own server, with the page shell of
:mod:`hsou_dash.page_shell` (a shared link such as ``/map?…`` connects ~0.1 s sooner).

``streamlit run deploy/hsou_site.py`` finds the ``st.App`` below and serves ``app.py`` through
it; every Streamlit option and flag works as with ``streamlit run app.py``. ``make run``,
``make serve``'s replicas, the browser tests and the benchmarks all start the app this way;
``make dev`` and the AppTests run ``app.py`` itself (same pages, without the shell line).
"""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # started by path: make the app's package importable
    sys.path.insert(0, str(REPO))

import streamlit as st  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from hsou_dash.page_shell import ShellMiddleware  # noqa: E402

app = st.App(REPO / "app.py", middleware=[
    Middleware(ShellMiddleware, base_path=st.get_option("server.baseUrlPath") or "")])
