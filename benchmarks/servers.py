"""Servers for the benchmarks: single Streamlit processes, the nginx set-up, /proc figures.

Everything listens on 127.0.0.1 and is stopped by the context managers, also on errors.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from deploy.serve import Deployment, Settings, wait_healthy  # noqa: E402

BENCH = REPO / "benchmarks"
BARE_WRITE = BENCH / "bare" / "write.py"
BARE_FOLIUM = BENCH / "bare" / "folium_map.py"
LOGS = BENCH / "results" / "logs"
_TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


@dataclass
class Server:
    """One ``streamlit run`` process on 127.0.0.1."""

    proc: subprocess.Popen
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pids(self) -> list[int]:
        return [self.proc.pid] if self.proc.poll() is None else []


def _ensure_bare_static() -> None:
    """The bare folium page serves Leaflet like the app: from a ``static`` folder beside it."""
    link = BARE_FOLIUM.parent / "static"
    if not link.exists():
        link.symlink_to(REPO / "static", target_is_directory=True)


@contextmanager
def streamlit(script: Path = REPO / "app.py", *flags: str) -> Iterator[Server]:
    """Start ``streamlit run script`` on a free port with extra ``--option value`` flags."""
    if script.parent == BARE_FOLIUM.parent:
        _ensure_bare_static()
    LOGS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with open(LOGS / f"{script.stem}-{port}.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.enableStaticServing", "true",
             # as the public replicas: code edited meanwhile must not reload mid-benchmark
             "--server.fileWatcherType", "none", *flags],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", 90, proc)
            yield Server(proc, port)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


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
