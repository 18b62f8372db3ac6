"""Speed and memory figures (a benchmark, not a test): ``make bench``.

Sections (``--only`` picks some, comma-separated):

- ``payload``: bytes of one map as folium renders it (Ústecký kraj, Czechia, municipalities);
- ``rerun``:   warm rerun of /map when a widget changes (AppTest, same process);
- ``cold``:    fresh ``streamlit run`` → Chromium → map drawn, first and second visitor;
- ``browser``: warm visit until drawn, ours against bare Streamlit / st_folium pages, and the
               bytes of a first /map visit directly and through nginx (benchmarks/browser.py);
- ``load``:    a short load table, one process vs two behind nginx (benchmarks/load.py has the
               full matrix: ``--sessions 1,10,25,50,100 --pause 0,20``);
- ``ws``:      websocket bytes of a /map rerun with Streamlit's compression off and on.

Prints a table per section and writes ``benchmarks/results/latest.json``. Targets from the
issues are printed beside a figure where one exists.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import browser  # noqa: E402
import load  # noqa: E402
import municipal  # noqa: E402
from servers import proxied, rss_mb, streamlit  # noqa: E402

from hsou_dash import config  # noqa: E402
from hsou_dash.data import geometry, loaders  # noqa: E402
from hsou_dash.text import translator  # noqa: E402
from hsou_dash.viz import indicator_view  # noqa: E402

SECTIONS = ("payload", "rerun", "cold", "browser", "load", "ws")
RESULTS: dict[str, object] = {}


def report(name: str, value: float, unit: str, target: str = "") -> None:
    RESULTS[name] = round(value, 3)
    print(f"{name:<48} {value:>12,.1f} {unit:<6} {target}", flush=True)


def heading(text: str) -> None:
    print(f"\n== {text}", flush=True)


def _rendered(m) -> int:
    """Bytes of a folium map rendered through its public API (the whole HTML document).

    streamlit-folium sends the map's script part of this document; the HTML skeleton around
    it adds about 2 KB, so this slightly over-counts what the browser receives.
    """
    return len(m.get_root().render().encode())


def map_payload(region: str) -> tuple[int, int]:
    """Bytes of one rendered /map map, and of the display GeoJSON inside it."""
    b = loaders.load_bundle(config.data_dir())
    level = geometry.NATIONAL if region == "CZ" else geometry.REGIONAL
    geo = loaders.orp_display_geometry(b.root, level, config.cache_dir())
    if region != "CZ":
        geo = geo[geo["kraj_code"] == region]
    view = indicator_view.build(b, geo, None, region=region, indicator="unemployment_share",
                                year=2020, scheme="fisher_jenks", k=5, tiles="none",
                                selected=None, tr=translator("cs"), lang="cs")
    geojson = len(json.dumps(geo.__geo_interface__, separators=(",", ":")))
    return _rendered(view.map), geojson


def municipal_payload() -> int:
    """Bytes of the Ústecký kraj municipal layer map (354 obce + ORP borders), rendered."""
    b = loaders.load_bundle(config.data_dir())
    view = municipal.municipal_view(b, region="CZ042", indicator="unemployment_share",
                                    year=2020)
    return _rendered(view.map)


def warm_rerun(key: str, choices: list[str], n: int = 9) -> float:
    """Median time of a map-page rerun after widget ``key`` changes (AppTest, same process)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/map.py").run()
    times = []
    widget = at.segmented_control if key == "map.level" else at.selectbox
    for i in range(n):
        widget(key=key).set_value(choices[i % len(choices)])
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        assert not at.exception
    return statistics.median(times[2:])  # the first runs fill the caches


def _two_visits(url: str) -> tuple[float, float]:
    """Seconds until Chromium has drawn the map at ``url``: the first visitor after a start,
    then a second one (warm caches)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        br = browser._launch(p)
        results = []
        for _ in range(2):
            page = br.new_page(viewport={"width": 1400, "height": 1000})
            t1 = time.perf_counter()
            page.goto(url)
            browser._drawn(page, "map")
            results.append(time.perf_counter() - t1)
            page.close()
        br.close()
    return results[0], results[1]


def cold_start() -> tuple[float, float, float, float]:
    """Fresh ``streamlit run`` → Chromium opens /map → the first ORP polygon is drawn.
    Returns (seconds until the server answers, first visitor, second visitor, RSS MB)."""
    t0 = time.perf_counter()
    with streamlit() as server:
        server_up = time.perf_counter() - t0
        first, second = _two_visits(f"{server.url}/map?region=CZ042")
        return server_up, first, second, rss_mb(server.pids)


def cold_start_served() -> tuple[float, float, float]:
    """``make serve`` with one replica (deploy/serve.py: health, then the warm-up run through
    the script health check, then nginx) → Chromium opens /map → first ORP polygon drawn.
    Returns (seconds until serve.py is ready, first visitor, second visitor)."""
    t0 = time.perf_counter()
    with proxied(1) as d:
        ready = time.perf_counter() - t0
        return ready, *_two_visits(f"{d.url}/map?region=CZ042")


def main(argv: list[str] | None = None) -> int:
    # Builders and AppTest outside `streamlit run` warn about a missing ScriptRunContext on
    # every cached call; Streamlit resets log levels when it reads its config, so disable it.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True
    logging.getLogger("streamlit.runtime.state.session_state_proxy").disabled = True
    ap = argparse.ArgumentParser(description="HSOÚ dashboard benchmarks (see the docstring)")
    ap.add_argument("--only", default=",".join(SECTIONS),
                    help=f"comma list of sections: {', '.join(SECTIONS)}")
    ap.add_argument("--rounds", type=int, default=5, help="browser: warm visits per page")
    ap.add_argument("--load-sessions", default="1,10")
    ap.add_argument("--load-duration", type=float, default=15)
    args = ap.parse_args(argv)
    only = {s.strip() for s in args.only.split(",")}
    unknown = only - set(SECTIONS)
    if unknown:
        ap.error(f"unknown section(s): {', '.join(sorted(unknown))}")

    if "payload" in only or "rerun" in only or "cold" in only:
        print(f"{'figure':<48} {'value':>12} {'unit':<6} target")
    if "payload" in only:
        uk_map, uk_geo = map_payload("CZ042")
        cz_map, cz_geo = map_payload("CZ")
        report("payload ÚK map, rendered (GeoJSON+styles+JS)", uk_map / 1024, "KB", "< 100 KB")
        report("  of which display GeoJSON ÚK", uk_geo / 1024, "KB")
        report("payload CZ map, rendered (GeoJSON+styles+JS)", cz_map / 1024, "KB", "< 400 KB")
        report("  of which display GeoJSON CZ", cz_geo / 1024, "KB")
        report("payload ÚK municipal layer map, rendered", municipal_payload() / 1024, "KB",
               "< 250 KB")
    if "rerun" in only:
        report("warm rerun /map, indicator change (median)",
               warm_rerun("map.indicator", ["ageing_index", "unemployment_share",
                                            "distraint_share"]) * 1000, "ms", "< 250 ms")
        report("warm rerun /map, ORP ↔ municipalities (median)",
               warm_rerun("map.level", ["obec", "orp"]) * 1000, "ms", "< 400 ms")
    if "cold" in only:
        up, first, second, rss = cold_start()
        report("cold start: server health OK", up, "s")
        report("cold start: first visitor until map drawn", first, "s")
        report("second visitor until map drawn", second, "s")
        report("server RSS after two map visits", rss, "MB")
        ready, first, second = cold_start_served()
        report("served (1 replica + nginx): ready after", ready, "s")
        report("served: first visitor until map drawn", first, "s", "< 3 s")
        report("served: second visitor until map drawn", second, "s")
    if "browser" in only:
        heading(f"Warm visit until drawn, Chromium, same run (median of {args.rounds})")
        warm = browser.warm_visits(args.rounds)
        load.print_rows(warm)
        heading("Where a warm visit's time goes (s after navigation, median of 3)")
        times = browser.timelines()
        load.print_rows(times)
        heading("First visit of /map, empty browser cache: bytes")
        first = browser.first_visit_bytes()
        load.print_rows(first)
        RESULTS["browser"] = {"warm": warm, "timeline": times, "first_visit": first}
    if "load" in only:
        heading(f"Load: /map indicator changes, {args.load_duration:g} s per cell, no pause "
                "(full matrix: benchmarks/load.py --help)")
        hard_stop = time.monotonic() + 1800
        cells = load.matrix(["direct", "proxy"], [int(n) for n in args.load_sessions.split(",")],
                            [0.0], replicas=2, compression=None, duration=args.load_duration,
                            grace=60, max_reruns=1000, hard_stop=hard_stop, quiet=True)
        load.print_cells(cells)
        RESULTS["load"] = [vars(c) for c in cells]
    if "ws" in only:
        heading("Websocket bytes of one /map indicator change (server → browser)")
        rows = load.ws_bytes()
        load.print_rows(rows)
        RESULTS["ws_bytes"] = rows
    out = REPO / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(RESULTS, indent=2, ensure_ascii=False,
                                                default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
