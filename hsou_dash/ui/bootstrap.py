"""Install the data bundle at first start, for hosts that cannot run a set-up step.

Some hosts only run ``streamlit run app.py`` (a PaaS, a container started without a volume).
There, set ``HSOU_BUNDLE_URL`` to an http(s) base URL of a bundle: when no bundle is installed,
the first visit starts the installation, in a background thread, with the same code as
``python -m hsou_dash data install`` (:func:`hsou_dash.data.bundle.install` into
``config.data_dir()``, then :func:`hsou_dash.data.loaders.build_caches`). Every session, the first
and any arriving meanwhile, sees a progress page that turns into the app by itself when the
data are ready, or a list of problems (no traceback, no server path) with a retry button.

Only one installation runs per process (a lock), and a file lock beside the data folder keeps
several processes sharing that folder from installing it twice. Without ``HSOU_BUNDLE_URL``
:func:`ensure_bundle` does nothing at all: pages explain a missing bundle themselves.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from hsou_dash import config
from hsou_dash.assets import ensure_leaflet
from hsou_dash.data.bundle import BundleError, install
from hsou_dash.data.loaders import build_caches, check_present
from hsou_dash.ui.text import t

ENV_BUNDLE_URL = "HSOU_BUNDLE_URL"
#: How often a waiting page looks at the installation, and how long it waits before it offers
#: a reload button instead (a script thread should not sleep forever on a stuck download).
POLL_S = 0.5
MAX_WAIT_S = 600.0
#: Steps of an installation, in order; each is a text key ``bootstrap.step_<name>``.
STEPS = ("download", "caches", "assets")

_LOG = logging.getLogger(__name__)


def bundle_installed(root: Path) -> bool:
    """Whether every required bundle file is in place (the loader's own presence check)."""
    try:
        check_present(root)
    except BundleError:
        return False
    return True


def public_url(url: str) -> str:
    """``url`` without credentials, query or fragment: safe to show to any visitor."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


_ABS_PATH = re.compile(r"(?<![\w.:/])/(?:[\w.@+~-]+/)+([\w.@+~-]+)")


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove what a visitor must not see from a problem text: server paths and URL secrets.

    Absolute file-system paths shrink to their last part (``…/.bundle-x/boundaries/orp.geojson``
    → ``orp.geojson``; the file name is what a bundle author needs). URL paths are left alone
    (the lookbehind skips a ``/`` that follows a host). ``secrets`` (the configured URL) are
    replaced by their :func:`public_url`.
    """
    for s in secrets:
        if s:
            text = text.replace(s, public_url(s))
    return _ABS_PATH.sub(r"\1", text)


@contextmanager
def _dir_lock(target: Path) -> Iterator[None]:
    """Exclusive lock shared by every process preparing ``target`` (blocks until free).

    The bundle install takes its own lock; this one also covers the display caches built
    after it, so another process never serves a half-prepared data folder.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.install.lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _locked_elsewhere(target: Path) -> bool:
    """Whether another process holds the install lock right now (it is still installing)."""
    path = target.parent / f".{target.name}.install.lock"
    if not path.exists():
        return False
    with open(path, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
    return False


@dataclass
class Installer:
    """The process-wide state of the one installation (idle → running → done | failed)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    state: str = "idle"
    step: str = ""
    problems: list[str] = field(default_factory=list)
    started: float = 0.0
    thread: threading.Thread | None = None

    def start(self, source: str, target: Path, cache_dir: Path) -> bool:
        """Start installing unless an installation is running or done; True if this call did."""
        with self.lock:
            if self.state in ("running", "done"):
                return False
            self.state, self.step, self.problems = "running", STEPS[0], []
            self.started = time.monotonic()
            self.thread = threading.Thread(target=self._run, args=(source, target, cache_dir),
                                           name="hsou-bundle-install", daemon=True)
            self.thread.start()
            return True

    def _run(self, source: str, target: Path, cache_dir: Path) -> None:
        problems: list[str] = []
        try:
            with _dir_lock(target):
                if not bundle_installed(target.resolve()):  # another process may have done it
                    install(source, target)
                self.step = "caches"
                build_caches(target.resolve(), cache_dir)  # the folder the install put in place
                self.step = "assets"
                ensure_leaflet()
        except BundleError as exc:
            problems = [scrub(str(p), [source]) for p in exc.problems] or [scrub(str(exc))]
        except Exception as exc:  # anything else: the detail goes to the server log only
            _LOG.exception("Installing the data bundle from %s failed", public_url(source))
            problems = [scrub(f"{type(exc).__name__}: {exc}", [source])]
        with self.lock:
            self.problems = problems
            self.state = "failed" if problems else "done"

    def mark_done(self) -> None:
        with self.lock:
            if self.state == "idle":
                self.state = "done"

    def reset(self) -> None:
        """Allow another attempt after a failure."""
        with self.lock:
            if self.state == "failed":
                self.state, self.problems = "idle", []

    def wait(self, timeout: float) -> bool:
        """Block until the installation stops running (tests, tools); True if it finished."""
        thread = self.thread
        if thread is not None:
            thread.join(timeout)
        return self.state in ("done", "failed")


#: One per process: Streamlit keeps imported modules across reruns and sessions.
INSTALLER = Installer()


def ensure_bundle() -> None:
    """Make sure the data are there before a page runs (called by app.py on every run).

    Costs nothing in the usual cases: ``HSOU_BUNDLE_URL`` unset, or the bundle found once.
    Otherwise it starts the installation if needed and draws the progress page, then either
    reruns into the app or stops with the problems.
    """
    source = os.environ.get(ENV_BUNDLE_URL, "").strip()
    if not source or INSTALLER.state == "done":
        return
    # The install target is the data path itself (the install swaps a symlink there); the
    # bundle is read from what it resolves to.
    target, cache_dir = config.data_target(), config.cache_dir()
    if INSTALLER.state == "idle" and bundle_installed(config.data_dir()) \
            and not _locked_elsewhere(target):
        INSTALLER.mark_done()
        return
    if INSTALLER.state == "idle":
        INSTALLER.start(source, target, cache_dir)
    _progress_page(source)


def _progress_page(source: str) -> None:
    st.title(t("bootstrap.title"))
    st.caption(t("bootstrap.intro", url=public_url(source)))
    if INSTALLER.state == "running":
        with st.status(t("bootstrap.installing", seconds=0), expanded=True) as status:
            step_slot = st.empty()
            deadline = time.monotonic() + MAX_WAIT_S
            while INSTALLER.state == "running" and time.monotonic() < deadline:
                number = STEPS.index(INSTALLER.step) + 1 if INSTALLER.step in STEPS else 1
                step_slot.write(t("bootstrap.step", n=number, total=len(STEPS),
                                  what=t(f"bootstrap.step_{INSTALLER.step or STEPS[0]}")))
                status.update(label=t("bootstrap.installing",
                                      seconds=int(time.monotonic() - INSTALLER.started)),
                              expanded=True)
                time.sleep(POLL_S)
            if INSTALLER.state != "running":
                step_slot.empty()
            if INSTALLER.state == "done":
                status.update(label=t("bootstrap.done"), state="complete", expanded=False)
            elif INSTALLER.state == "failed":
                status.update(label=t("bootstrap.failed"), state="error", expanded=False)
            else:
                status.update(label=t("bootstrap.still_running"), state="running")
    if INSTALLER.state == "done":
        st.rerun()
    if INSTALLER.state == "failed":
        st.error(t("bootstrap.failed_help"))
        st.markdown("\n".join(f"- {_md_escape(p)}" for p in INSTALLER.problems[:50]))
        if st.button(t("bootstrap.retry")):
            INSTALLER.reset()
            st.rerun()
    else:
        st.info(t("bootstrap.wait_more"))
        if st.button(t("bootstrap.reload")):
            st.rerun()
    st.stop()


def _md_escape(text: str) -> str:
    """Problem texts are data (file names, values), not Markdown."""
    return re.sub(r"([\\`*_{}\[\]<>#|~])", r"\\\1", text)
