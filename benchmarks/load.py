"""Load benchmark: N simultaneous sessions over Streamlit's own websocket protocol.

No browser per session: each session opens ``ws://host/_stcore/stream``, sends a ``BackMsg``
``rerun_script`` for /map with a query string (as a browser does when the URL or a widget
changes) and waits for the ``ForwardMsg`` ``script_finished``. Every session cycles
``/map?region=CZ042&indicator=…`` through six indicators, with no pause or a random pause
between "clicks". Measured per cell (target × sessions × pause): rerun latency p50/p95, errors
(exceptions drawn by the app, missing map, timeouts, dropped connections), server CPU per rerun
from ``/proc/<pid>/stat`` of the replica processes, and their total RSS. A separate step counts
RSS before and after 300 reruns, and one measures the websocket bytes of a /map rerun with
Streamlit's ``server.enableWebsocketCompression`` off and on.

Everything is local (127.0.0.1) and bounded: each cell runs ``--duration`` seconds, reruns in
flight get ``--grace`` seconds more, each session stops after ``--max-reruns``, and the whole
run stops at ``--max-time``.

Examples::

    python benchmarks/load.py                                   # short default
    python benchmarks/load.py --sessions 1,10,25,50,100 --pause 0,20 --duration 60
    python benchmarks/load.py --targets proxy --replicas 2 --sessions 25 --pause 20
    python benchmarks/load.py --only ws-bytes
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO / "benchmarks") not in sys.path:
    sys.path.insert(0, str(REPO / "benchmarks"))

import websockets  # noqa: E402
from servers import SITE, cpu_seconds, proxied, rss_mb, streamlit  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
REGION = "CZ042"
#: Six /map indicators with ORP values for Ústecký kraj; each click moves to the next one.
INDICATORS = ("unemployment_share", "ageing_index", "distraint_share", "share_age_65plus",
              "net_migration_per_1000", "total_increase_per_1000")
_DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
         ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


def query(indicator: str) -> str:
    return f"region={REGION}&indicator={indicator}"


@dataclass
class Rerun:
    """One rerun as a session saw it."""

    seconds: float
    first: bool  # the session's first run (page load, new session) or a warm indicator change
    error: str | None = None
    payload_bytes: int = 0


class RerunError(Exception):
    pass


async def rerun(ws, qs: str, page: str = "map") -> tuple[int, str | None]:
    """Send one rerun request; wait for its end. Returns (message bytes, app error or None).

    A run that ends early for a rerun (``FINISHED_EARLY_FOR_RERUN``: the app's first-visit
    redirect into its navigation frame) is followed by the real one, so keep reading.
    """
    msg = BackMsg()
    msg.rerun_script.query_string = qs
    msg.rerun_script.page_name = page
    await ws.send(msg.SerializeToString())
    size, error, drew_map = 0, None, False
    while True:
        data = await ws.recv()
        size += len(data)
        fm = ForwardMsg()
        fm.ParseFromString(data)
        kind = fm.WhichOneof("type")
        if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            element = fm.delta.new_element.WhichOneof("type")
            if element == "exception":
                error = f"exception: {fm.delta.new_element.exception.message[:120]}"
            elif element == "component_instance":
                drew_map = True
        elif kind == "script_finished" and fm.script_finished in _DONE:
            if error is None and not drew_map and page == "map":
                error = "no map in the page"
            return size, error


async def session(ws_url: str, *, stop_at: float, hard_stop: float, pause: float,
                  max_reruns: int, seed: int, out: list[Rerun]) -> None:
    """One visitor: open /map, then change the indicator until ``stop_at``."""
    rng = random.Random(seed)
    offset = rng.randrange(len(INDICATORS))
    try:
        async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                      open_timeout=max(1.0, hard_stop - time.monotonic()),
                                      ping_interval=None) as ws:
            for i in range(max_reruns):
                if i and time.monotonic() >= stop_at:
                    break
                t0 = time.monotonic()
                try:
                    size, error = await asyncio.wait_for(
                        rerun(ws, query(INDICATORS[(offset + i) % len(INDICATORS)])),
                        timeout=max(0.1, hard_stop - t0))
                except TimeoutError:
                    out.append(Rerun(time.monotonic() - t0, i == 0, "timeout (deadline)"))
                    return
                out.append(Rerun(time.monotonic() - t0, i == 0, error, size))
                if pause:
                    wait = rng.uniform(0, pause)
                    if time.monotonic() + wait >= stop_at:
                        break
                    await asyncio.sleep(wait)
    except (OSError, websockets.WebSocketException, TimeoutError) as exc:
        out.append(Rerun(0.0, True, f"connection: {type(exc).__name__}"))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


@dataclass
class Cell:
    """Figures of one (target, sessions, pause) combination."""

    target: str
    sessions: int
    pause: float
    reruns: int = 0
    warm_p50_ms: float = float("nan")
    warm_p95_ms: float = float("nan")
    first_p50_ms: float = float("nan")
    max_ms: float = float("nan")
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)  # a few distinct messages
    cpu_per_rerun_s: float = float("nan")
    proxy_cpu_s: float = 0.0
    rss_mb: float = float("nan")
    seconds: float = 0.0


async def _run_sessions(ws_url: str, n: int, pause: float, duration: float, grace: float,
                        max_reruns: int, hard_stop: float, seed: int) -> list[Rerun]:
    now = time.monotonic()
    stop_at = min(now + duration, hard_stop)
    cell_stop = min(stop_at + grace, hard_stop)
    out: list[Rerun] = []
    await asyncio.gather(*(session(ws_url, stop_at=stop_at, hard_stop=cell_stop, pause=pause,
                                   max_reruns=max_reruns, seed=seed + i, out=out)
                           for i in range(n)))
    return out


def run_cell(target: str, ws_url: str, pids: list[int], n: int, pause: float, *,
             duration: float, grace: float, max_reruns: int, hard_stop: float,
             proxy_pids: list[int] | None = None, seed: int = 1) -> Cell:
    cpu0, pcpu0, t0 = cpu_seconds(pids), cpu_seconds(proxy_pids or []), time.monotonic()
    runs = asyncio.run(_run_sessions(ws_url, n, pause, duration, grace, max_reruns, hard_stop,
                                     seed))
    cell = Cell(target, n, pause, seconds=round(time.monotonic() - t0, 1))
    done = [r for r in runs if r.error is None or not r.error.startswith(("connection",
                                                                          "timeout"))]
    warm = [r.seconds * 1000 for r in done if not r.first and r.error is None]
    first = [r.seconds * 1000 for r in done if r.first and r.error is None]
    cell.reruns = len(done)
    cell.warm_p50_ms, cell.warm_p95_ms = percentile(warm, 50), percentile(warm, 95)
    cell.first_p50_ms = percentile(first, 50)
    cell.max_ms = max((r.seconds * 1000 for r in done), default=float("nan"))
    for r in runs:
        if r.error:
            kind = r.error.split(":")[0]
            cell.error_kinds[kind] = cell.error_kinds.get(kind, 0) + 1
            if r.error not in cell.error_samples and len(cell.error_samples) < 3:
                cell.error_samples.append(r.error)
    cell.errors = sum(cell.error_kinds.values())
    if cell.reruns:
        cell.cpu_per_rerun_s = (cpu_seconds(pids) - cpu0) / cell.reruns
    cell.proxy_cpu_s = cpu_seconds(proxy_pids or []) - pcpu0
    cell.rss_mb = rss_mb(pids)
    return cell


@dataclass
class Target:
    url: str  # what the sessions connect to
    pids: list[int]  # the replicas (CPU, RSS)
    proxy_pids: list[int]  # nginx master and workers
    replica_urls: list[str]  # each replica directly, for warming up every one of them


@contextmanager
def target_server(name: str, replicas: int, compression: bool | None) -> Iterator[Target]:
    """A fresh target, 'direct' (one streamlit process) or 'proxy' (nginx + replicas), warm."""
    flags = [] if compression is None else ["--server.enableWebsocketCompression",
                                            str(compression).lower()]
    if name == "direct":
        with streamlit(SITE, *flags) as s:
            url = f"ws://127.0.0.1:{s.port}/_stcore/stream"
            yield Target(url, s.pids, [], [url])
    else:
        with proxied(replicas, compression) as d:
            nginx = [d.nginx.pid, *_children(d.nginx.pid)] if d.nginx else []
            yield Target(f"ws://127.0.0.1:{d.settings.port}/_stcore/stream", d.pids(), nginx,
                         [f"ws://127.0.0.1:{p}/_stcore/stream"
                          for p in d.settings.replica_ports])


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(p) for p in text.split()]


def warm_up(target: Target, hard_stop: float) -> None:
    """One session per replica through every indicator: caches warm before anything is timed."""
    for url in target.replica_urls:
        asyncio.run(_run_sessions(url, 1, 0, 0, 120, len(INDICATORS) + 1, hard_stop, 0))


def memory_after_reruns(target: str, replicas: int, compression: bool | None, total: int,
                        hard_stop: float, sessions: int = 10, idle: float = 15
                        ) -> dict[str, float]:
    """RSS of a fresh target: after one visit, after ``total`` reruns, after an idle pause."""
    with target_server(target, replicas, compression) as t:
        warm_up(t, hard_stop)
        start = rss_mb(t.pids)
        runs = asyncio.run(_run_sessions(t.url, sessions, 0, 3600, 120, total // sessions,
                                         hard_stop, 7))
        after = rss_mb(t.pids)
        time.sleep(idle)  # sessions closed; Streamlit keeps them for disconnectedSessionTTL
        return {"target": target, "replicas": len(t.pids), "reruns": len(runs),
                "rss_start_mb": round(start, 1), "rss_after_mb": round(after, 1),
                f"rss_after_{idle:.0f}s_idle_mb": round(rss_mb(t.pids), 1)}


# --- websocket bytes of one /map rerun, compression off vs on ----------------------------

class CountingRelay:
    """A TCP relay on 127.0.0.1 that counts the bytes on the wire in each direction."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.down = 0  # server → client
        self.up = 0

    async def _pipe(self, reader, writer, attr: str) -> None:
        try:
            while data := await reader.read(65536):
                setattr(self, attr, getattr(self, attr) + len(data))
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def _handle(self, reader, writer) -> None:
        r2, w2 = await asyncio.open_connection(self.host, self.port)
        await asyncio.gather(self._pipe(reader, w2, "up"), self._pipe(r2, writer, "down"))

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]


async def _ws_bytes(port: int, pids: list[int], reruns: int) -> dict[str, float]:
    relay = CountingRelay("127.0.0.1", port)
    relay_port = await relay.start()
    async with websockets.connect(f"ws://127.0.0.1:{relay_port}/_stcore/stream",
                                  subprotocols=["streamlit"], max_size=None,
                                  ping_interval=None) as ws:
        extension = ws.response.headers.get("Sec-WebSocket-Extensions") or "none"
        await rerun(ws, query(INDICATORS[0]))  # first visit, not counted
        for ind in INDICATORS[1:]:  # warm every indicator once
            await rerun(ws, query(ind))
        payload = wire = 0
        cpu0 = cpu_seconds(pids)
        t0 = time.monotonic()
        for i in range(reruns):
            before = relay.down
            size, error = await rerun(ws, query(INDICATORS[i % len(INDICATORS)]))
            if error:
                raise RerunError(error)
            payload += size
            wire += relay.down - before
        seconds = time.monotonic() - t0
        cpu = cpu_seconds(pids) - cpu0
    relay.server.close()
    return {"extension": extension, "payload_kb_per_rerun": round(payload / reruns / 1024, 1),
            "wire_kb_per_rerun": round(wire / reruns / 1024, 1),
            "server_cpu_ms_per_rerun": round(cpu / reruns * 1000, 1),
            "latency_ms_per_rerun": round(seconds / reruns * 1000, 1)}


def ws_bytes(reruns: int = 18) -> list[dict[str, float]]:
    """A /map indicator-change rerun on the wire, with websocket compression off and on."""
    rows = []
    for on in (False, True):
        with streamlit(SITE, "--server.enableWebsocketCompression",
                       str(on).lower()) as s:
            row = asyncio.run(_ws_bytes(s.port, s.pids, reruns))
            rows.append({"compression": "on" if on else "off", **row})
    return rows


# --- reporting ---------------------------------------------------------------------------

def _f(v: float, digits: int = 0) -> str:
    return "–" if v != v else f"{v:,.{digits}f}"


def print_cells(cells: list[Cell]) -> None:
    print(f"{'target':<16}{'sessions':>8}{'pause':>7}{'reruns':>8}{'first p50':>11}"
          f"{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}{'CPU s/rerun':>12}"
          f"{'RSS MB':>9}{'nginx CPU s':>12}")
    for c in cells:
        print(f"{c.target:<16}{c.sessions:>8}{_f(c.pause):>7}{c.reruns:>8}"
              f"{_f(c.first_p50_ms):>11}{_f(c.warm_p50_ms):>9}{_f(c.warm_p95_ms):>9}"
              f"{_f(c.max_ms):>9}{c.errors:>8}{_f(c.cpu_per_rerun_s, 3):>12}"
              f"{_f(c.rss_mb):>9}{_f(c.proxy_cpu_s, 2):>12}")
        if c.error_kinds:
            print(f"{'':<16}errors: {c.error_kinds}")
            for sample in c.error_samples:
                print(f"{'':<16}  e.g. {sample}")
    sys.stdout.flush()  # cells take minutes: show each as it comes, also into a file


def print_rows(rows: list[dict]) -> None:
    if not rows:
        return
    keys = list(dict.fromkeys(k for r in rows for k in r))
    widths = {k: max(len(k), *(len(str(r.get(k, ""))) for r in rows)) + 2 for k in keys}
    print("".join(f"{k:>{widths[k]}}" for k in keys))
    for r in rows:
        print("".join(f"{str(r.get(k, '')):>{widths[k]}}" for k in keys))


def matrix(targets: list[str], sessions: list[int], pauses: list[float], *, replicas: int,
           compression: bool | None, duration: float, grace: float, max_reruns: int,
           hard_stop: float, quiet: bool = False) -> list[Cell]:
    """Run every cell, target by target (each target started once, warm); print as it goes."""
    cells: list[Cell] = []
    for target in targets:
        label = "direct, 1 proc" if target == "direct" else f"nginx, {replicas} proc"
        with target_server(target, replicas, compression) as t:
            warm_up(t, hard_stop)
            for pause in pauses:
                for n in sessions:
                    if time.monotonic() + duration > hard_stop:
                        print(f"(skipped {label} ×{n} pause {pause}: --max-time reached)")
                        continue
                    cell = run_cell(label, t.url, t.pids, n, pause, duration=duration,
                                    grace=grace, max_reruns=max_reruns, hard_stop=hard_stop,
                                    proxy_pids=t.proxy_pids)
                    if not quiet:
                        print_cells([cell])
                    cells.append(cell)
    return cells


def _list(text: str, kind=int) -> list:
    return [kind(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--targets", default="direct,proxy",
                    help="direct (one streamlit process) and/or proxy (nginx + replicas)")
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--sessions", default="1,10", help="comma list, e.g. 1,10,25,50,100")
    ap.add_argument("--pause", default="0", help="max random pause between clicks (s), e.g. 0,20")
    ap.add_argument("--duration", type=float, default=20, help="seconds per cell")
    ap.add_argument("--grace", type=float, default=90,
                    help="seconds a rerun still in flight at the end of a cell may take")
    ap.add_argument("--max-reruns", type=int, default=1000, help="per session and cell")
    ap.add_argument("--max-time", type=float, default=3600, help="global deadline (s)")
    ap.add_argument("--memory-reruns", type=int, default=300,
                    help="reruns for the RSS-growth step (0: skip)")
    ap.add_argument("--compression", choices=["config", "on", "off"], default="config",
                    help="server.enableWebsocketCompression of the servers started")
    ap.add_argument("--only", choices=["load", "memory", "ws-bytes"], default=None)
    ap.add_argument("--json", type=Path, default=RESULTS / "load-latest.json")
    args = ap.parse_args(argv)
    hard_stop = time.monotonic() + args.max_time
    compression = None if args.compression == "config" else args.compression == "on"
    targets = _list(args.targets, str)
    out: dict[str, object] = {"args": vars(args) | {"json": str(args.json)}}

    if args.only in (None, "load"):
        cells = matrix(targets, _list(args.sessions), _list(args.pause, float),
                       replicas=args.replicas, compression=compression,
                       duration=args.duration, grace=args.grace,
                       max_reruns=args.max_reruns, hard_stop=hard_stop)
        print("\nLoad, /map indicator changes (p50/p95 of warm reruns; first = page load)")
        print_cells(cells)
        out["cells"] = [asdict(c) for c in cells]
    if args.only in (None, "memory") and args.memory_reruns:
        rows = [memory_after_reruns(t, args.replicas, compression, args.memory_reruns,
                                    hard_stop) for t in targets]
        print(f"\nMemory: total replica RSS around {args.memory_reruns} reruns (10 sessions)")
        print_rows(rows)
        out["memory"] = rows
    if args.only in (None, "ws-bytes"):
        rows = ws_bytes()
        print("\nWebsocket bytes of one /map indicator change (server → browser)")
        print_rows(rows)
        out["ws_bytes"] = rows
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
