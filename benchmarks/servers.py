"""Servers for the benchmarks: single Streamlit processes, the nginx set-up, /proc figures.

Everything listens on 127.0.0.1 and is stopped by the context managers, also on errors.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from deploy.local import Server, free_port, local_streamlit  # noqa: E402
from deploy.serve import SITE, Deployment, Settings  # noqa: E402

BENCH = REPO / "benchmarks"
BARE_WRITE = BENCH / "bare" / "write.py"
BARE_FOLIUM = BENCH / "bare" / "folium_map.py"
LOGS = BENCH / "results" / "logs"
_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of the processes (all their threads), from /proc/<pid>/stat."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
    return total / _TICK


def rss_mb(pids: Sequence[int]) -> float:
    """Resident memory of the processes, summed (MB)."""
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total_kb / 1024


def _ensure_bare_static() -> None:
    """The bare folium page serves Leaflet like the app: from a ``static`` folder beside it."""
    link = BARE_FOLIUM.parent / "static"
    if not link.exists():
        link.symlink_to(REPO / "static", target_is_directory=True)


@contextmanager
def streamlit(script: Path = SITE, *flags: str) -> Iterator[Server]:
    """Start ``streamlit run script`` on a free port with extra ``--option value`` flags."""
    if script.parent == BARE_FOLIUM.parent:
        _ensure_bare_static()
    LOGS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with (open(LOGS / f"{script.stem}-{port}.log", "w") as log,
          # as the public replicas: code edited meanwhile must not reload mid-benchmark
          local_streamlit("--server.enableStaticServing", "true", "--server.fileWatcherType",
                          "none", *flags, script=script, port=port, log=log) as server):
        yield server


@contextmanager
def proxied(replicas: int = 2, compression: bool | None = None) -> Iterator[Deployment]:
    """The ``make serve`` set-up (nginx + replicas) on free ports, run folder in results/."""
    ports: set[int] = set()
    while len(ports) < replicas + 1:
        ports.add(free_port())
    port, *replica_ports = sorted(ports)
    LOGS.mkdir(parents=True, exist_ok=True)
    settings = Settings(port=port, replicas=replicas, replica_ports=replica_ports,
                        listen="127.0.0.1", run_dir=BENCH / "results" / "serve-run",
                        websocket_compression=compression)
    with open(LOGS / f"proxy-{port}.log", "w") as log, Deployment(settings, log=log) as d:
        yield d
