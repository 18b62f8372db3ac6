"""Browser figures in Chromium: warm visits side by side, bytes of a first visit.

1. Warm visit until drawn: our /map and / (and /map through the public set-up, ``make serve``)
   against a bare ``st.write`` page and a bare
   ``st_folium`` page with the same 16 ORP polygons, all served at the same time and visited
   in turns (so the machine's noise hits all alike), each from a warm browser cache and warm
   server caches. "Drawn" is the first ORP path in the map iframe, or the bare page's text,
   as the page itself sees it: a script polls the document every 4 ms and notes the time
   (:data:`MARK_DRAWN`). Playwright's own waiting polls at growing intervals (up to 0.5 s)
   and added 0.05-0.45 s at random, more to the faster page.
2. Where the time of a warm visit goes: navigation → websocket open → the server's
   ``script_finished`` → map drawn, ours /map against the bare st_folium page.
3. First visit of /map from an empty browser cache, directly from one Streamlit process and
   through nginx (gzip): bytes on the wire (HTTP, compressed as sent) and decoded, requests,
   websocket payload, and whether Plotly's bundle was fetched.

Run: ``python benchmarks/browser.py [--rounds 5]`` (``make bench`` runs it too).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO / "benchmarks") not in sys.path:
    sys.path.insert(0, str(REPO / "benchmarks"))

from servers import BARE_FOLIUM, BARE_WRITE, proxied, streamlit  # noqa: E402

CHROMIUM = os.environ.get("HSOU_CHROMIUM", "/usr/bin/chromium")
MAP = "/map?region=CZ042&indicator=unemployment_share&year=2020"
MAP_PATH = ".leaflet-overlay-pane path"
BARE_TEXT = "Bare Streamlit page"
RESULTS = REPO / "benchmarks" / "results"


#: Injected into every page before its own scripts: poll for the first ORP path in the
#: st_folium iframe (same origin) or the bare page's text; note when it was first seen.
#: (Two querySelector calls: cheap, no layout, so the polling does not slow the page.)
MARK_DRAWN = """
(() => {
  if (window !== window.top) return;
  window.__hsouDrawn = null;
  const seen = () => {
    const f = document.querySelector("iframe[title*='st_folium']");
    try {
      if (f && f.contentDocument && f.contentDocument.querySelector('@PATH@')) return true;
    } catch (e) { /* not loaded yet */ }
    return !!document.querySelector('.st-key-bare_text [data-testid="stMarkdownContainer"]');
  };
  const poll = () => { if (seen()) window.__hsouDrawn = Date.now(); else setTimeout(poll, 4); };
  poll();
})();
""".replace("@PATH@", MAP_PATH)


def _launch(p):
    return p.chromium.launch(executable_path=CHROMIUM, headless=True,
                             args=["--no-sandbox", "--disable-gpu",
                                   "--disable-background-networking",
                                   "--disable-component-update", "--no-first-run"])


def _drawn(page, kind: str, timeout: float = 60_000) -> None:
    if kind == "map":
        frame = page.frame_locator("iframe[title*='st_folium']").first
        frame.locator(MAP_PATH).first.wait_for(state="attached", timeout=timeout)
    else:
        page.get_by_text(BARE_TEXT).first.wait_for(timeout=timeout)


def _drawn_at(page, timeout: float = 60) -> float:
    """The wall-clock time (s) at which the page saw its map or text drawn (:data:`MARK_DRAWN`).

    Asked for every 50 ms from here: how late we ask does not change the time the page noted.
    (Not ``wait_for_function``: its predicate is evaluated as a string, which the public
    set-up's Content-Security-Policy refuses.)"""
    deadline = time.monotonic() + timeout
    while (drawn := page.evaluate("window.__hsouDrawn")) is None:
        if time.monotonic() > deadline:
            raise TimeoutError("the map was not drawn within the timeout")
        time.sleep(0.05)
    return drawn / 1000


def _visit(context, url: str) -> float:
    """Seconds from asking for ``url`` until the page saw its map (or text) drawn."""
    page = context.new_page()
    try:
        t0 = time.time()
        page.goto(url, wait_until="commit")
        return _drawn_at(page) - t0
    finally:
        page.close()


def _context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(MARK_DRAWN)
    return context


def warm_visits(rounds: int = 5) -> list[dict]:
    """Median/min time until drawn of a warm visit, ours and the bare pages, same run."""
    from playwright.sync_api import sync_playwright

    with ExitStack() as stack:
        ours = stack.enter_context(streamlit())
        bare_map = stack.enter_context(streamlit(BARE_FOLIUM))
        bare = stack.enter_context(streamlit(BARE_WRITE))
        public = stack.enter_context(proxied(2))
        targets = [("ours /map (ÚK, 16 ORP)", f"{ours.url}{MAP}"),
                   ("ours / (home)", f"{ours.url}/"),
                   ("ours /map via nginx, 2 replicas", f"{public.url}{MAP}"),
                   ("bare st_folium, same 16 ORP", f"{bare_map.url}/"),
                   ("bare st.write", f"{bare.url}/")]
        times: dict[str, list[float]] = {name: [] for name, _ in targets}
        with sync_playwright() as p:
            browser = _launch(p)
            context = _context(browser)
            for _, url in targets:  # prime browser cache and server caches, not timed
                _visit(context, url)
                _visit(context, url)
            for r in range(rounds):
                for name, url in targets[r % len(targets):] + targets[:r % len(targets)]:
                    times[name].append(_visit(context, url))
            browser.close()
    floor = statistics.median(times["bare st.write"])
    folium_floor = statistics.median(times["bare st_folium, same 16 ORP"])
    return [{"page": name, "median_s": round(statistics.median(v), 2),
             "min_s": round(min(v), 2), "max_s": round(max(v), 2),
             "x_bare_write": round(statistics.median(v) / floor, 1),
             "x_bare_folium": round(statistics.median(v) / folium_floor, 1)}
            for name, v in times.items()]


def _timeline(context, url: str) -> dict[str, float]:
    """Where a warm visit's time goes: seconds from navigation to the websocket opening, to the
    server's ``script_finished`` (every element sent), and to the map drawn in the browser."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    marks: dict[str, float] = {}

    def frame(e):
        if e["response"]["opcode"] != 2 or "script_finished" in marks:
            return
        msg = ForwardMsg()
        msg.ParseFromString(base64.b64decode(e["response"]["payloadData"]))
        if msg.WhichOneof("type") == "script_finished" and \
                msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            marks["script_finished"] = time.perf_counter()

    cdp.on("Network.webSocketCreated",
           lambda e: marks.setdefault("websocket", time.perf_counter()))
    cdp.on("Network.webSocketFrameReceived", frame)
    t0 = time.perf_counter()
    wall0 = time.time()
    page.goto(url, wait_until="commit")
    marks["drawn"] = t0 + _drawn_at(page) - wall0
    page.close()
    return {k: round(v - t0, 2) for k, v in sorted(marks.items(), key=lambda kv: kv[1])}


def timelines(rounds: int = 3) -> list[dict]:
    """Median timeline of warm visits: ours /map vs the bare st_folium page."""
    from playwright.sync_api import sync_playwright

    rows = []
    with ExitStack() as stack:
        ours = stack.enter_context(streamlit())
        bare_map = stack.enter_context(streamlit(BARE_FOLIUM))
        with sync_playwright() as p:
            browser = _launch(p)
            context = _context(browser)
            for name, url in (("ours /map", f"{ours.url}{MAP}"),
                              ("bare st_folium", f"{bare_map.url}/")):
                _visit(context, url)
                _visit(context, url)
                runs = [_timeline(context, url) for _ in range(rounds)]
                rows.append({"page": name, **{
                    f"{k}_s": round(statistics.median(r[k] for r in runs if k in r), 2)
                    for k in ("websocket", "script_finished", "drawn")}})
            browser.close()
    return rows


def _first_visit_bytes(browser, base: str) -> dict:
    """Everything a first visit of /map transfers, from an empty cache, until the map is drawn
    and the page has settled."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    wire = decoded = requests = ws_payload = 0
    urls: list[str] = []

    def finished(e):
        nonlocal wire, requests
        wire += e["encodedDataLength"]
        requests += 1

    def data(e):
        nonlocal decoded
        decoded += e["dataLength"]

    def ws_frame(e):
        nonlocal ws_payload
        r = e["response"]
        ws_payload += len(base64.b64decode(r["payloadData"])) if r["opcode"] == 2 \
            else len(r["payloadData"].encode())

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.dataReceived", data)
    cdp.on("Network.requestWillBeSent", lambda e: urls.append(e["request"]["url"]))
    cdp.on("Network.webSocketFrameReceived", ws_frame)
    page.goto(f"{base}{MAP}")
    _drawn(page, "map")
    time.sleep(3)  # late chunks and the component's own files
    context.close()
    return {"http_wire_kb": round(wire / 1024), "http_decoded_kb": round(decoded / 1024),
            "requests": requests, "ws_payload_kb": round(ws_payload / 1024),
            "plotly_js_fetched": any("PlotlyChart" in u for u in urls),
            "br_wire_kb": _brotli_kb(urls)}


def _brotli_kb(urls: list[str]) -> int:
    """The same HTTP requests fetched again with ``Accept-Encoding: br, gzip`` (Chromium asks
    for brotli over HTTPS only, and these servers speak plain HTTP on 127.0.0.1): bytes of
    the bodies as sent (brotli where the server offers it, else gzip or identity)."""
    import urllib.request

    total = 0
    for url in dict.fromkeys(u for u in urls if u.startswith("http")):
        req = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                total += len(r.read())
        except OSError:
            continue
    return round(total / 1024)


def first_visit_bytes() -> list[dict]:
    """First visit of /map, directly and through nginx (2 replicas), same browser."""
    from playwright.sync_api import sync_playwright

    with streamlit() as direct, proxied(2) as proxy, sync_playwright() as p:
        browser = _launch(p)
        for url in (direct.url, proxy.url):  # warm the servers (and nginx's cache) first
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{url}{MAP}")
            _drawn(page, "map")
            context.close()
        rows = [{"via": "streamlit directly", **_first_visit_bytes(browser, direct.url)},
                {"via": "nginx (gzip; br_wire_kb: brotli)",
                 **_first_visit_bytes(browser, proxy.url)}]
        browser.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    from load import print_rows

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    warm = warm_visits(args.rounds)
    print("Warm visit until drawn (Chromium, same run, median of "
          f"{args.rounds}; ×: against the bare pages)")
    print_rows(warm)
    print("\nWhere a warm visit's time goes (s after navigation; median of 3)")
    times = timelines()
    print_rows(times)
    first = first_visit_bytes()
    print("\nFirst visit of /map, empty browser cache")
    print_rows(first)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "browser-latest.json").write_text(json.dumps(
        {"warm": warm, "timeline": times, "first": first}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
