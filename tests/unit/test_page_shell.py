"""The page shell as the site serves it (hsou_dash.page_shell), driven as plain ASGI."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from starlette.responses import FileResponse, PlainTextResponse, Response

from deploy.serve import SITE, streamlit_index_html
from hsou_dash.page_shell import (
    BOOT_SCRIPT,
    MODULE_TAG,
    ShellMiddleware,
    boot_script,
    is_page_request,
    served_index_html,
)

INDEX = streamlit_index_html()


def _call(app, path: str, method: str = "GET", headers: dict[str, str] | None = None,
          ) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request through an ASGI app: (status, headers, body)."""
    scope = {"type": "http", "method": method, "path": path, "query_string": b"",
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
    sent: list[dict] = []
    requested = False

    async def receive():  # the request once; then no disconnect while the answer is sent
        nonlocal requested
        if requested:
            await asyncio.Event().wait()
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    # its own thread and event loop: Playwright's sync API (browser tests in the same
    # session) keeps a loop running in the main thread, where asyncio.run() refuses
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


def _streamlit_like(seen: list[dict] | None = None):
    """Stands in for Streamlit's server: its index.html for pages, a file for the rest."""
    async def app(scope, receive, send):
        if seen is not None:
            seen.append(scope)
        path = scope["path"]
        if path.startswith("/_stcore/"):
            response: Response = PlainTextResponse("ok")
        elif path == "/missing":
            response = PlainTextResponse("not found", status_code=404)
        else:
            response = FileResponse(INDEX, media_type="text/html")
        await response(scope, receive, send)
    return app


def test_boot_script_names_the_sites_base_path_and_cannot_end_its_element():
    assert boot_script() == BOOT_SCRIPT
    assert 'location.origin+"/"' in BOOT_SCRIPT
    assert 'location.origin+"/hsou/"' in boot_script("/hsou/")
    assert 'location.origin+"/a/b/"' in boot_script("a//b")
    hostile = boot_script('x"</script><script>alert(1)//')
    assert "</script" not in hostile and "<" not in hostile
    path = hostile.split("location.origin+", 1)[1].rstrip("});")
    assert json.loads(path).startswith("/x")  # still one JSON string: no way out of it


def test_the_shell_gets_the_line_once_before_streamlits_script():
    served = served_index_html(INDEX.read_text())
    assert served.count(BOOT_SCRIPT) == 1
    assert served.index(BOOT_SCRIPT) < served.index(MODULE_TAG)
    with pytest.raises(ValueError):
        served_index_html("<html><script src=x.js></script></html>")


@pytest.mark.parametrize("path", ["/", "/map", "/town"])
def test_every_page_is_served_with_the_line_and_without_validators(path):
    seen: list[dict] = []
    status, headers, body = _call(
        ShellMiddleware(_streamlit_like(seen)), path,
        headers={"Accept-Encoding": "gzip", "If-None-Match": '"x"', "Range": "bytes=0-10"})
    assert status == 200 and body.decode().count(BOOT_SCRIPT) == 1
    assert int(headers["content-length"]) == len(body)
    assert "etag" not in headers and "last-modified" not in headers
    # Streamlit is asked for the whole, uncompressed file (a 304 or a range cannot be changed)
    sent = {k for k, _ in seen[0]["headers"]}
    assert not sent & {b"accept-encoding", b"if-none-match", b"range"}


def test_head_gets_the_headers_of_the_changed_page():
    _, get_headers, body = _call(ShellMiddleware(_streamlit_like()), "/map")
    status, headers, empty = _call(ShellMiddleware(_streamlit_like()), "/map", method="HEAD")
    assert status == 200 and empty == b""
    assert headers["content-length"] == get_headers["content-length"] == str(len(body))


@pytest.mark.parametrize("path", ["/_stcore/health", "/map/_stcore/health", "/static/js/x.js",
                                  "/app/static/leaflet/leaflet.js", "/component/a/index.html",
                                  "/favicon.png", "/missing"])
def test_files_routes_and_errors_pass_through_untouched(path):
    seen: list[dict] = []
    app = ShellMiddleware(_streamlit_like(seen))
    status, headers, body = _call(app, path, headers={"If-None-Match": '"x"'})
    assert BOOT_SCRIPT.encode() not in body
    if path != "/missing":
        assert (b"if-none-match", b'"x"') in seen[0]["headers"]  # revalidation kept


def test_only_page_requests_are_candidates():
    page = {"type": "http", "method": "GET", "path": "/map"}
    assert is_page_request(page)
    assert not is_page_request({**page, "method": "POST"})
    assert not is_page_request({**page, "type": "websocket"})
    assert not is_page_request({**page, "path": "/_stcore/stream"})
    assert not is_page_request({**page, "path": "/manifest.json"})


def test_a_shell_without_the_module_script_is_served_unchanged():
    async def other(scope, receive, send):
        await Response("<html><p>maintenance</p></html>", media_type="text/html")(
            scope, receive, send)
    status, headers, body = _call(ShellMiddleware(other), "/")
    assert status == 200 and body == b"<html><p>maintenance</p></html>"
    assert headers["content-length"] == str(len(body))


def test_the_site_launcher_is_what_streamlit_run_serves_through_st_app():
    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(Path(SITE))
    assert found.is_asgi_app and found.import_string == "hsou_site:app"
    text = SITE.read_text()
    assert "ShellMiddleware" in text and '"app.py"' in text
