"""The public set-up (``make serve``): nginx in front of two replicas, driven like a visitor.

Starts ``deploy/serve.py``'s :class:`Deployment` on free ports, checks what nginx adds (gzip,
caching, security headers, affinity, request-size limit), draws /map through it in Chromium
with a Content-Security-Policy listener in every frame, then SIGKILLs the replica a browser is
pinned to and shows that a new visit pinned to the same (dead) replica is still served.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from deploy.serve import Deployment, Settings
from tests.browser.conftest import ARTIFACTS, LOCAL_HOSTS, _free_port, map_frame

pytestmark = pytest.mark.browser

MAP = "/map?region=CZ042&indicator=unemployment_share&year=2020"
# Reports every CSP violation of a frame (the app and the component iframe) to the test.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', e => window.__cspViolation(
  `${e.violatedDirective} blocked ${e.blockedURI} in ${e.documentURI}`));
"""


@pytest.fixture(scope="module")
def proxy(bundle_dir: Path) -> Iterator[Deployment]:
    ports = set()
    while len(ports) < 3:
        ports.add(_free_port())
    port, *replica_ports = sorted(ports)
    settings = Settings(port=port, replicas=2, replica_ports=replica_ports, listen="127.0.0.1",
                        run_dir=ARTIFACTS / "serve-run", debug_headers=True)
    ARTIFACTS.mkdir(exist_ok=True)  # not tmp: nginx's unprivileged workers must reach it
    with open(ARTIFACTS / "proxy.log", "w") as log, Deployment(settings, log=log) as d:
        yield d


def get(url: str, cookie: str | None = None, **headers: str):
    """GET ``url``; returns (status, headers, body) and never raises on HTTP errors."""
    if cookie:
        headers["Cookie"] = f"hsou_route={cookie}"
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def replica_of(proxy: Deployment, cookie: str) -> str:
    """The replica (127.0.0.1:port) nginx sends a browser with this route cookie to."""
    return get(f"{proxy.url}/_stcore/health", cookie)[1]["X-HSOU-Replica"].split(",")[-1].strip()


def test_headers_gzip_caching_affinity_and_size_limit(proxy):
    status, headers, body = get(f"{proxy.url}/")
    assert status == 200
    csp = headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'self'" in script_src and "unsafe-inline" not in script_src
    assert "frame-ancestors 'self'" in csp and "default-src 'self'" in csp
    assert "http" not in csp  # no third-party origin allowed for anything
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] and headers["Permissions-Policy"]
    assert re.match(r"hsou_route=\w{32}; Path=/; HttpOnly", headers["Set-Cookie"])

    js = re.search(r'src="\./(static/js/index\.[\w-]+\.js)"', body.decode()).group(1)
    status, headers, _ = get(f"{proxy.url}/{js}", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    status, headers, _ = get(f"{proxy.url}/app/static/leaflet/leaflet.js",
                             **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "public, max-age=3600"
    # the map component's hashed build file: immutable like Streamlit's own (Streamlit itself
    # sends it with no validator, so a browser fetched it again on every map visit)
    component = "/component/streamlit_folium.st_folium"
    page = get(f"{proxy.url}{component}/index.html")[2].decode()
    main_js = re.search(r'src="\.?/?(static/js/main\.[0-9a-f]{8}\.js)"', page).group(1)
    status, headers, _ = get(f"{proxy.url}{component}/{main_js}", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    status, headers, _ = get(f"{proxy.url}{component}/index.html")
    assert status == 200 and "immutable" not in headers.get("Cache-Control", "")

    # affinity: one cookie, one replica; many cookies reach both replicas
    assert len({replica_of(proxy, "a" * 32) for _ in range(5)}) == 1
    assert len({replica_of(proxy, f"{i:032x}") for i in range(20)}) == 2

    # a 13 MB request body is refused by nginx before it reaches a replica
    u = urlparse(proxy.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.putrequest("PUT", "/_stcore/upload_file/x/y")
    conn.putheader("Content-Length", str(13 * 1024 * 1024))
    conn.endheaders()
    assert conn.getresponse().status == 413
    conn.close()


def _visit_map(browser, proxy: Deployment, cookie: str | None = None):
    """Open /map in a fresh context; return (context, CSP violations, external requests)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="cs-CZ")
    violations: list[str] = []
    external: list[str] = []
    context.expose_binding("__cspViolation", lambda _source, text: violations.append(text))
    context.add_init_script(CSP_LISTENER)

    def route(r):
        if (urlparse(r.request.url).hostname or "") in LOCAL_HOSTS or \
                r.request.url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    requested: list[str] = []
    context.on("request", lambda r: requested.append(urlparse(r.url).path))
    if cookie:
        context.add_cookies([{"name": "hsou_route", "value": cookie, "url": proxy.url}])
    page = context.new_page()
    page.on("console", lambda m: "Content Security Policy" in m.text
            and violations.append(m.text))
    page.set_default_timeout(45_000)
    page.goto(f"{proxy.url}{MAP}")
    frame = map_frame(page)
    assert frame.locator("path.leaflet-interactive").count() == 16
    # the replicas' page shell (hsou_dash.page_shell): no probing under /map/ first (0.1 s)
    assert not [p for p in requested if p.startswith("/map/_stcore")], requested
    assert requested.count("/_stcore/health") == 1
    return context, violations, external


def test_map_through_proxy_without_csp_violations_and_after_a_replica_dies(browser, proxy):
    context, violations, external = _visit_map(browser, proxy)
    assert not violations, violations
    assert not external, external
    cookie = next(c["value"] for c in context.cookies() if c["name"] == "hsou_route")
    context.close()

    pinned = replica_of(proxy, cookie)
    index = proxy.settings.replica_ports.index(int(pinned.rsplit(":", 1)[1]))
    os.kill(proxy.replicas[index].pid, signal.SIGKILL)
    proxy.replicas[index].wait(timeout=10)

    # A new visit carrying the dead replica's route cookie is served by the other one.
    context, violations, _ = _visit_map(browser, proxy, cookie=cookie)
    assert not violations, violations
    context.close()
    assert replica_of(proxy, cookie) != pinned
