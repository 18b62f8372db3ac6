"""Speed and memory figures (a benchmark, not a test): payload, warm rerun, cold start, RSS.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/run.py``). Prints a table and writes
``benchmarks/results/latest.json``. Targets from the issues are printed beside each figure.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hsou_dash import config  # noqa: E402
from hsou_dash.data import geometry, loaders  # noqa: E402
from hsou_dash.text import translator  # noqa: E402
from hsou_dash.viz import indicator_view  # noqa: E402

RESULTS: dict[str, float] = {}


def report(name: str, value: float, unit: str, target: str = "") -> None:
    RESULTS[name] = round(value, 3)
    print(f"{name:<48} {value:>12,.1f} {unit:<6} {target}")


def map_payload(region: str) -> tuple[int, int]:
    """Bytes the browser receives for one map: the component's script and the GeoJSON in it."""
    from streamlit_folium import _get_map_string

    b = loaders.load_bundle(config.data_dir())
    level = geometry.NATIONAL if region == "CZ" else geometry.REGIONAL
    geo = loaders.orp_display_geometry(b.root, level, config.cache_dir())
    if region != "CZ":
        geo = geo[geo["kraj_code"] == region]
    view = indicator_view.build(b, geo, None, region=region, indicator="unemployment_share",
                                year=2020, scheme="fisher_jenks", k=5, tiles="none",
                                selected=None, tr=translator("cs"), lang="cs")
    view.map.get_root().render()
    script = _get_map_string(view.map)
    geojson = len(json.dumps(geo.__geo_interface__, separators=(",", ":")))
    return len(script.encode()), geojson


def municipal_payload() -> int:
    """Bytes of the Ústecký kraj municipal layer map script (354 obce + ORP borders)."""
    from streamlit_folium import _get_map_string

    b = loaders.load_bundle(config.data_dir())
    view = indicator_view.municipal_view(b, region="CZ042", indicator="unemployment_share",
                                         year=2020)
    view.map.get_root().render()
    return len(_get_map_string(view.map).encode())


def warm_rerun(key: str, choices: list[str], n: int = 9) -> float:
    """Median time of a map-page rerun after widget ``key`` changes (AppTest, same process)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/map.py").run()
    times = []
    widget = at.radio if key == "map.level" else at.selectbox
    for i in range(n):
        widget(key=key).set_value(choices[i % len(choices)])
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        assert not at.exception
    return statistics.median(times[2:])  # the first runs fill the caches


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cold_start() -> tuple[float, float, float, int]:
    """Fresh ``streamlit run`` → Chromium opens /map → the first ORP polygon is drawn."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"),
                             "--server.port", str(port), "--server.headless", "true"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        server_up = time.perf_counter() - t0
        with sync_playwright() as p:
            br = p.chromium.launch(executable_path=os.environ.get("HSOU_CHROMIUM",
                                                                  "/usr/bin/chromium"),
                                   headless=True, args=["--no-sandbox", "--disable-gpu"])
            results = []
            for _ in range(2):  # first visitor after start, then a second (warm caches)
                page = br.new_page(viewport={"width": 1400, "height": 1000})
                t1 = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/map?region=CZ042")
                frame = page.frame_locator("iframe[title*='st_folium']").first
                frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
                results.append(time.perf_counter() - t1)
                page.close()
            br.close()
        return server_up, results[0], results[1], _rss_kb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    print(f"{'figure':<48} {'value':>12} {'unit':<6} target")
    uk_script, uk_geo = map_payload("CZ042")
    cz_script, cz_geo = map_payload("CZ")
    report("payload ÚK map script (GeoJSON+styles+JS)", uk_script / 1024, "KB", "< 100 KB")
    report("  of which display GeoJSON ÚK", uk_geo / 1024, "KB")
    report("payload CZ map script (GeoJSON+styles+JS)", cz_script / 1024, "KB", "< 400 KB")
    report("  of which display GeoJSON CZ", cz_geo / 1024, "KB")
    report("payload ÚK municipal layer map script", municipal_payload() / 1024, "KB", "< 250 KB")
    report("warm rerun /map, indicator change (median)",
           warm_rerun("map.indicator", ["ageing_index", "unemployment_share",
                                        "distraint_share"]) * 1000, "ms", "< 250 ms")
    report("warm rerun /map, ORP ↔ municipalities (median)",
           warm_rerun("map.level", ["obec", "orp"]) * 1000, "ms", "< 400 ms")
    up, first, second, rss = cold_start()
    report("cold start: server health OK", up, "s")
    report("cold start: first visitor until map drawn", first, "s")
    report("second visitor until map drawn", second, "s")
    report("server RSS after two map visits", rss / 1024, "MB")
    out = REPO / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(RESULTS, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
