"""Streamlit's page shell (its ``index.html``) as this site serves it.

Streamlit's client looks for its server under every prefix of the address it was opened at: a
link to ``/map?…`` first asks ``/map/_stcore/health`` and ``/map/_stcore/host-config``, gets
404, waits 100 ms and only then tries ``/_stcore/…``. That is ~0.1 s of every visit that does
not start at ``/`` — most shared links. The client reads its start-up settings from
``window.__streamlit`` before its own script runs, so one line in the shell
(:func:`boot_script`) tells it where the site lives.

No option of Streamlit's sets this, and its server offers no hook into the shell; its ASGI
entry point (``st.App``) accepts middleware, so :class:`ShellMiddleware` adds the line to the
shell as it leaves the server (``deploy/hsou_site.py``). The public set-up's nginx serves
what its replicas send, and allows the line in its Content-Security-Policy by hash.

No streamlit import here: the middleware is plain ASGI, testable alone.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Streamlit's module script in its ``index.html``: the boot line goes right before it.
MODULE_TAG = '<script type="module"'

#: Streamlit's own routes (assets, websocket, health, components, media, uploads): never a shell.
_NOT_PAGES = ("/_stcore/", "/static/", "/component/", "/media/", "/app/static/")

#: Request headers dropped on the way to Streamlit for a page: the shell comes back whole
#: (~8 KB) and uncompressed, so it can be changed; no revalidation against the unchanged file.
_DROP_REQUEST = {b"accept-encoding", b"if-none-match", b"if-modified-since", b"if-range",
                 b"range"}
#: Response headers that described Streamlit's file, not the changed page.
_DROP_RESPONSE = {b"content-length", b"etag", b"last-modified", b"accept-ranges"}
_MAX_SHELL = 1 << 20  # Streamlit's shell is ~8 KB; anything larger passes through unchanged


def boot_script(base_path: str = "") -> str:
    """The line that tells Streamlit's client its server is at ``/<base_path>/`` of this origin.

    ``base_path`` is Streamlit's ``server.baseUrlPath`` (configuration, not visitor input); it is
    still written as a JSON string with ``<`` escaped, so it can never end the script element.
    """
    parts = [p for p in base_path.strip("/").split("/") if p]
    path = json.dumps("/" + "".join(f"{p}/" for p in parts)).replace("<", "\\u003c")
    return ("window.__streamlit=Object.assign(window.__streamlit||{},"
            f"{{BACKEND_BASE_URL:location.origin+{path}}});")


#: The line for a site at the root of its host (the public set-up; its CSP hash).
BOOT_SCRIPT = boot_script()


def served_index_html(html: str, base_path: str = "") -> str:
    """Streamlit's shell with :func:`boot_script` before the app's module script.

    Raises ``ValueError`` when the shell has no module script (a Streamlit upgrade changed it):
    :class:`ShellMiddleware` then serves the shell unchanged; the tests and the CSP fail loud.
    """
    if MODULE_TAG not in html:
        raise ValueError("Streamlit's index.html has no module script to put the boot line before")
    return html.replace(MODULE_TAG, f"<script>{boot_script(base_path)}</script>{MODULE_TAG}", 1)


def is_page_request(scope: Scope) -> bool:
    """A GET or HEAD for a page of the app (``/``, ``/map`` …), not a file or an API route."""
    if scope.get("type") != "http" or scope.get("method") not in ("GET", "HEAD"):
        return False
    path = scope.get("path", "")
    if any(p in path for p in _NOT_PAGES):
        return False
    return "." not in path.rsplit("/", 1)[-1]  # /favicon.png, /manifest.json: Streamlit's files


def _is_shell(start: Message) -> bool:
    """A response start that may carry the shell: 200, HTML, not encoded."""
    headers = {k.lower(): v for k, v in start.get("headers", [])}
    return (start.get("status") == 200 and b"content-encoding" not in headers
            and headers.get(b"content-type", b"").startswith(b"text/html"))


class ShellMiddleware:
    """ASGI middleware: every page Streamlit answers with its shell gets :func:`boot_script`.

    Everything else (assets, the websocket, health checks, errors, non-HTML answers) passes
    through untouched and streaming. A HEAD gets the headers of the changed page.
    """

    def __init__(self, app: ASGIApp, base_path: str = "") -> None:
        self.app = app
        self.base_path = base_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_page_request(scope):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        inner = {**scope, "method": "GET", "headers": [
            (k, v) for k, v in scope.get("headers", []) if k.lower() not in _DROP_REQUEST]}
        held: Message | None = None  # the response start of a shell, sent with its body
        body: list[bytes] = []
        size = 0

        async def relay(message: Message) -> None:
            nonlocal held, size
            if message["type"] == "http.response.start":
                if _is_shell(message):
                    held = message
                else:
                    await send(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            more = message.get("more_body", False)
            if held is None:  # not a shell (or a huge one already on its way)
                if not head:
                    await send(message)
                elif not more:
                    await send({"type": "http.response.body", "body": b""})
                return
            body.append(message.get("body", b""))
            size += len(body[-1])
            if more and size <= _MAX_SHELL:
                return
            await self._send_shell(send, held, b"".join(body), head, more)
            held = None

        await self.app(inner, receive, relay)

    async def _send_shell(self, send: Send, start: Message, raw: bytes, head: bool,
                          more: bool) -> None:
        """Send the held start and the (changed) shell; a body too large to be the shell, or
        one without the module script, goes out as it came."""
        page = raw
        if not more:
            try:
                page = served_index_html(raw.decode("utf-8"), self.base_path).encode("utf-8")
            except (UnicodeDecodeError, ValueError):
                page = raw
        headers = list(start.get("headers", []))
        if not more:  # the headers of the changed page, not of Streamlit's file
            headers = [(k, v) for k, v in headers if k.lower() not in _DROP_RESPONSE]
            headers.append((b"content-length", str(len(page)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else page,
                    "more_body": more})
