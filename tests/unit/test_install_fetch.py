"""Installing from an http(s) source that misbehaves: every case ends in a problem list, in
seconds, and leaves nothing installed.

Each server listens on 127.0.0.1 only, in a thread; handlers that stall wait on an event that
the fixture sets on teardown, and every loop is bounded, so a failing test cannot hang.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from hsou_dash.__main__ import main as cli
from hsou_dash.data.bundle import BundleError, FetchLimits, install, validate

FAST = FetchLimits(deadline=30, min_rate=0, grace=0, request_timeout=10)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args, **kwargs) -> None:  # keep pytest output clean
        pass


@contextmanager
def serve(handler: Callable[..., http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/"
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    """Set on teardown: stalling handlers return at once."""
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture
def copy(bundle_source: Path) -> Path:
    return bundle_source


def _problems(source: str, target: Path, limits: FetchLimits = FAST) -> list[str]:
    with pytest.raises(BundleError) as err:
        install(source, target, limits=limits, lock_timeout=5)
    assert not target.exists() and not target.is_symlink()  # nothing half-installed
    assert not list(target.parent.glob(f".{target.name}-staging-*"))
    return [str(p) for p in err.value.problems]


def test_a_source_that_hangs_on_every_file_fails_at_the_deadline(stop, tmp_path):
    """Before: 60 s per request × every file ≈ 20 minutes."""
    class Hang(_Quiet):
        def do_GET(self) -> None:
            stop.wait(30)

    with serve(Hang) as url:
        t0 = time.monotonic()
        msgs = _problems(url, tmp_path / "bundle",
                         FetchLimits(deadline=1.5, min_rate=0, request_timeout=60))
        elapsed = time.monotonic() - t0
    assert elapsed < 6, elapsed
    assert len(msgs) == 1, msgs
    assert msgs[0].startswith("boundaries/orp.geojson: download stopped: the download did not "
                              "finish within 1.5 s"), msgs


def test_a_trickle_fails_on_the_minimum_rate(stop, tmp_path):
    """One byte every 0.7 s keeps every per-request timeout happy and never ends (before);
    the average rate after the grace period stops it."""
    class Trickle(_Quiet):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(60):  # bounded: at most 60 bytes
                try:
                    self.wfile.write(b"a")
                    self.wfile.flush()
                except OSError:
                    return
                if stop.wait(0.7):
                    return

    with serve(Trickle) as url:
        t0 = time.monotonic()
        msgs = _problems(url, tmp_path / "bundle",
                         FetchLimits(deadline=60, min_rate=1000, grace=2, request_timeout=2))
        elapsed = time.monotonic() - t0
    assert elapsed < 7, elapsed
    assert len(msgs) == 1 and "download stopped: the transfer is too slow" in msgs[0], msgs
    assert "below the minimum of 1 kB/s" in msgs[0]


def test_a_trickle_also_meets_the_deadline(stop, tmp_path):
    class Trickle(_Quiet):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(60):
                try:
                    self.wfile.write(b"a")
                    self.wfile.flush()
                except OSError:
                    return
                if stop.wait(0.5):
                    return

    with serve(Trickle) as url:
        t0 = time.monotonic()
        msgs = _problems(url, tmp_path / "bundle",
                         FetchLimits(deadline=2, min_rate=0, request_timeout=60))
        assert time.monotonic() - t0 < 7
    assert "did not finish within 2 s" in msgs[0], msgs


def test_a_body_shorter_than_its_content_length_is_a_problem(copy, tmp_path):
    """The server announces the whole file and closes half-way (before: half the rows got
    installed without notice)."""
    class Half(_Quiet):
        def copyfile(self, source, outputfile) -> None:
            data = source.read()
            outputfile.write(data[:len(data) // 2])
            self.close_connection = True

    with serve(functools.partial(Half, directory=str(copy))) as url:
        msgs = _problems(url, tmp_path / "bundle")
    size = (copy / "indicators/indicators_orp.csv").stat().st_size
    assert (f"indicators/indicators_orp.csv: download incomplete: received {size // 2} of {size} "
            "bytes, the connection closed early") in "\n".join(msgs), msgs
    assert sum("download incomplete" in m for m in msgs) >= 15  # every file, not just one


def test_a_body_without_length_cut_mid_line_is_a_problem(copy, tmp_path):
    """HTTP/1.0 without Content-Length: the end of the connection is the end of the file, so
    a CSV must end with a whole line."""
    data = (copy / "indicators/indicators_orp.csv").read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 20

    class Cut(_Quiet):
        def do_GET(self) -> None:
            if not self.path.endswith("indicators_orp.csv"):
                return super().do_GET()
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.end_headers()
            self.wfile.write(data[:cut])

    with serve(functools.partial(Cut, directory=str(copy))) as url:
        msgs = _problems(url, tmp_path / "bundle")
    assert len(msgs) == 1, msgs
    assert msgs[0].startswith("indicators/indicators_orp.csv: download may be cut off: no "
                              "Content-Length and the file does not end with a line break")


def test_a_source_answering_html_for_every_file(stop, tmp_path):
    """A web app's catch-all page instead of files: before, a KeyError in the cross checks."""
    class Html(_Quiet):
        def do_GET(self) -> None:
            body = b"<!DOCTYPE html>\n<html><head><title>Home</title></head><body></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with serve(Html) as url:
        msgs = _problems(url, tmp_path / "bundle")
    joined = "\n".join(msgs)
    for rel, kind in (("boundaries/orp.geojson", "GeoJSON"),
                      ("indicators/indicators_catalog.csv", "CSV"),
                      ("indicators/indicators_obec_cz.csv.gz", "gzipped CSV"),
                      ("indicators/hsou_methodology_en.md", "Markdown")):
        assert f"{rel}: answered HTML instead of {kind} ({url}{rel})" in joined, joined


def test_redirects_are_followed_and_optional_files_may_be_absent(copy, tmp_path):
    """Every path answers 302 to the real one; obce_cz.geojson and the .gz are 404 there."""
    class Redirect(_Quiet):
        def do_GET(self) -> None:
            if self.path.startswith("/source/"):
                return super().do_GET()
            self.send_response(302)
            self.send_header("Location", "/source" + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()

    with serve(functools.partial(Redirect, directory=str(tmp_path))) as url:
        done = install(url, tmp_path / "bundle", limits=FAST, lock_timeout=5)
    assert validate(done.root) == []
    assert not (done.root / "indicators/indicators_obec_cz.csv.gz").exists()


def test_limits_come_from_the_environment_and_the_command_line(stop, tmp_path, monkeypatch,
                                                               capsys):
    class Hang(_Quiet):
        def do_GET(self) -> None:
            stop.wait(30)

    monkeypatch.setenv("HSOU_CACHE_DIR", str(tmp_path / "cache"))
    with serve(Hang) as url:
        monkeypatch.setenv("HSOU_FETCH_DEADLINE", "1")
        monkeypatch.setenv("HSOU_FETCH_MIN_RATE", "0")
        assert FetchLimits.from_env().deadline == 1
        t0 = time.monotonic()
        with pytest.raises(BundleError, match="did not finish within 1 s"):
            install(url, tmp_path / "env")  # limits and lock timeout from the environment
        assert time.monotonic() - t0 < 5

        monkeypatch.setenv("HSOU_FETCH_DEADLINE", "600")
        t0 = time.monotonic()
        assert cli(["data", "install", url, "--target", str(tmp_path / "cli"),
                    "--deadline", "1"]) == 2
        assert time.monotonic() - t0 < 5
    err = capsys.readouterr().err
    assert "did not finish within 1 s" in err and "Traceback" not in err

    monkeypatch.setenv("HSOU_FETCH_DEADLINE", "soon")
    with pytest.raises(BundleError, match="HSOU_FETCH_DEADLINE='soon' is not a number"):
        install(url, tmp_path / "bad")
