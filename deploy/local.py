"""One ``streamlit run`` process on a free localhost port, stopped also on errors.

Why here: the browser tests and the benchmarks both need a real server started the same way,
and this package already owns starting and watching Streamlit processes
(:func:`deploy.serve.wait_healthy`). Tests and benchmarks import it; the app never does.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from deploy.serve import REPO, SITE, wait_healthy

#: Flags every local server gets: localhost only, no browser, no usage statistics.
LOCAL_FLAGS = ("--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false")


def free_port() -> int:
    """A port nobody listens on now (the OS picks it; a race with another process is rare)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL after ``timeout`` seconds: a hung server never outlives its user."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


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


@contextmanager
def local_streamlit(*flags: str, script: Path = SITE, port: int | None = None,
                    log: IO[str] | None = None, env: Mapping[str, str] | None = None,
                    timeout: float = 90) -> Iterator[Server]:
    """``streamlit run script`` with :data:`LOCAL_FLAGS` and extra ``--option value`` ``flags``
    on ``port`` (default: a free one), output to ``log``; yields once ``/_stcore/health``
    answers. A server that does not come up raises ``RuntimeError`` naming the log."""
    port = port or free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         *LOCAL_FLAGS, *flags],
        cwd=REPO, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, env=None if env is None else dict(env))
    try:
        try:
            wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", timeout, proc)
        except (RuntimeError, TimeoutError) as exc:
            where = f"; see {log.name}" if log is not None else ""
            raise RuntimeError(f"streamlit run {script.name} did not start: {exc}{where}") from exc
        yield Server(proc, port)
    finally:
        stop(proc)
