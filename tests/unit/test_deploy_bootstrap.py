"""Start-up install of the data bundle from ``HSOU_BUNDLE_URL`` (hsou_dash/ui/bootstrap.py).

A local ``http.server`` on 127.0.0.1 serves a copy of the installed bundle; the app (AppTest of
app.py) installs it into an empty data folder on its first run, shows progress to everyone
meanwhile, and lists a broken bundle's problems without a traceback or a server path.
"""

from __future__ import annotations

import functools
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from hsou_dash.data.bundle import BundleError, Problem
from hsou_dash.text import translate
from hsou_dash.ui import bootstrap
from tests.app.conftest import texts
from tests.conftest import REPO


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def bundle_copy(bundle_dir: Path, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("served") / "bundle"
    shutil.copytree(bundle_dir, dest, ignore=shutil.ignore_patterns("VERSION", ".*"))
    return dest


@pytest.fixture(scope="module")
def served(bundle_copy: Path) -> Iterator[str]:
    """Base URL of a static server on 127.0.0.1 over the bundle copy's parent folder."""
    handler = functools.partial(_QuietHandler, directory=str(bundle_copy.parent))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def fresh(monkeypatch, tmp_path) -> Path:
    """An empty data folder and cache, and a process that has not installed anything yet."""
    monkeypatch.setenv("HSOU_DATA_DIR", str(tmp_path / "data" / "bundle"))
    monkeypatch.setenv("HSOU_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(bootstrap, "INSTALLER", bootstrap.Installer())
    return tmp_path


def _app() -> AppTest:
    return AppTest.from_file(str(REPO / "app.py"), default_timeout=180)


def test_first_visit_installs_the_bundle_and_then_shows_the_app(served, fresh, monkeypatch):
    monkeypatch.setenv(bootstrap.ENV_BUNDLE_URL, f"{served}/bundle/")
    at = _app().run()
    assert not at.exception, [e.value for e in at.exception]
    assert bootstrap.INSTALLER.state == "done"
    assert bootstrap.bundle_installed((fresh / "data" / "bundle").resolve())
    assert any((fresh / "cache").rglob("*.parquet"))  # display geometry prepared, as the CLI does
    assert not at.error
    assert at.title and translate("cs", "bootstrap.title") not in [t.value for t in at.title]
    # and the next run costs nothing: no second install
    at.run()
    assert bootstrap.INSTALLER.state == "done" and not at.exception


def test_a_broken_bundle_lists_its_problems_without_traceback_or_paths(
        bundle_copy, served, fresh, monkeypatch, tmp_path):
    broken = bundle_copy.parent / "broken"
    if not broken.exists():
        shutil.copytree(bundle_copy, broken)
        (broken / "indicators" / "indicators_orp.csv").write_text("nonsense\n1\n")
    monkeypatch.setenv(bootstrap.ENV_BUNDLE_URL, f"{served}/broken/")
    at = _app().run()
    assert not at.exception
    assert bootstrap.INSTALLER.state == "failed"
    shown = texts(at) + "\n".join(str(m.value) for m in at.markdown)
    assert translate("cs", "bootstrap.failed_help") in shown
    assert "indicators\\_orp.csv" in shown or "indicators_orp.csv" in shown
    for secret in (str(tmp_path), str(REPO), "Traceback", "/tmp/"):
        assert secret not in shown
    assert not (tmp_path / "data" / "bundle").exists()  # nothing half-installed
    assert at.button  # a retry


def test_sessions_arriving_during_the_install_see_the_progress_page(fresh, monkeypatch):
    release = threading.Event()
    calls: list[str] = []

    def slow_install(source, target, **_):
        calls.append(source)
        release.wait(30)
        raise BundleError([Problem("indicators/indicators_orp.csv", "stopped by the test")])

    monkeypatch.setattr(bootstrap, "install", slow_install)
    monkeypatch.setattr(bootstrap, "MAX_WAIT_S", 1.0)
    monkeypatch.setenv(bootstrap.ENV_BUNDLE_URL, "https://user:secret@example.invalid/b/?t=x")
    first, second = _app().run(), _app().run()
    try:
        for at in (first, second):
            assert not at.exception
            assert at.status[0].label == translate("cs", "bootstrap.still_running")
            assert translate("cs", "bootstrap.wait_more") in texts(at)
            assert "secret" not in texts(at)  # the URL is shown without its credentials
        assert calls == ["https://user:secret@example.invalid/b/?t=x"]  # one install only
    finally:
        release.set()
        bootstrap.INSTALLER.wait(10)
    assert bootstrap.INSTALLER.state == "failed"


def test_one_install_per_process_even_when_many_sessions_start_it(monkeypatch, tmp_path):
    calls: list[int] = []

    def fake_install(source, target, **_):
        calls.append(1)
        time.sleep(0.3)
        raise BundleError([Problem("x", "no")])

    monkeypatch.setattr(bootstrap, "install", fake_install)
    inst = bootstrap.Installer()
    started = []
    threads = [threading.Thread(target=lambda: started.append(
        inst.start("http://127.0.0.1:9/", tmp_path / "bundle", tmp_path / "cache")))
        for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert inst.wait(10)
    assert started.count(True) == 1 and len(calls) == 1
    assert inst.state == "failed" and inst.problems == ["x: no"]
    inst.reset()  # a retry is allowed after a failure, and again only one
    assert inst.start("http://127.0.0.1:9/", tmp_path / "bundle", tmp_path / "cache")
    assert not inst.start("http://127.0.0.1:9/", tmp_path / "bundle", tmp_path / "cache")
    assert inst.wait(10) and len(calls) == 2


def test_without_bundle_url_nothing_happens(fresh, monkeypatch):
    monkeypatch.delenv(bootstrap.ENV_BUNDLE_URL, raising=False)
    bootstrap.ensure_bundle()  # outside a script run: returns before touching Streamlit
    assert bootstrap.INSTALLER.state == "idle"


def test_scrub_removes_server_paths_and_url_credentials():
    text = ("indicators/x.csv: cannot be read: DataSourceError: "
            "/srv/app/data/.bundle-ab12/indicators/x.csv: not recognized; "
            "download failed: HTTP 404 https://u:p@host.example/b/indicators/x.csv?token=s")
    out = bootstrap.scrub(text, ["https://u:p@host.example/b/indicators/x.csv?token=s"])
    assert "/srv" not in out and ".bundle-ab12" not in out and "x.csv: not recognized" in out
    assert "u:p@" not in out and "token" not in out
    assert "https://host.example/b/indicators/x.csv" in out
    assert out.startswith("indicators/x.csv: cannot be read")
