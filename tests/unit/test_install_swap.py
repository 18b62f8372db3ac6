"""Installing is crash-safe and shareable: versioned folders behind an atomically swapped
symlink, a lock against concurrent installs, leftovers of killed installs cleaned up, and a
tree other users can read."""

from __future__ import annotations

import fcntl
import functools
import http.server
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from hsou_dash import config
from hsou_dash.__main__ import main as cli
from hsou_dash.data import bundle as bundle_mod
from hsou_dash.data.bundle import (
    VERSION_FILE,
    BundleError,
    FetchLimits,
    bundle_hash,
    install,
    lock_path,
    missing_required,
    versions_dir,
)
from hsou_dash.data.loaders import bundle_version, load_bundle
from tests.conftest import REPO

FAST = FetchLimits(deadline=30, min_rate=0, grace=0, request_timeout=10)

#: Install in a child process (killed or run twice at once by the tests below).
CHILD = """
import sys
from pathlib import Path
from hsou_dash.data.bundle import BundleError, FetchLimits, install
try:
    done = install(sys.argv[1], Path(sys.argv[2]), lock_timeout=float(sys.argv[3]),
                   limits=FetchLimits(deadline=60, min_rate=0, request_timeout=60))
except BundleError as exc:
    print(exc, file=sys.stderr)
    sys.exit(2)
print(done.version)
"""


def _child(source: str | Path, target: Path, lock_timeout: float = 60) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(source), str(target),
                             str(lock_timeout)], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.fixture
def copy(bundle_source: Path) -> Path:
    return bundle_source


def _rename_indicator(source: Path, new_name: str) -> None:
    """A second bundle: the same files with one indicator name changed."""
    path = source / "indicators/indicators_catalog.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    parts = lines[1].split(",")
    parts[1] = new_name  # name_cs
    lines[1] = ",".join(parts)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _complete(target: Path) -> bool:
    return target.is_dir() and not missing_required(target.resolve())


def _staging(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}-staging-*"))


def test_installed_tree_is_a_readable_versioned_symlink(copy: Path, tmp_path: Path):
    """Before: the bundle folder came from mkdtemp, mode 0700, unreadable to an app running as
    another user. A restrictive umask must not change that."""
    target = tmp_path / "data" / "bundle"
    old = os.umask(0o077)
    try:
        done = install(copy, target, limits=FAST, lock_timeout=5)
    finally:
        os.umask(old)
    assert target.is_symlink() and not os.path.isabs(os.readlink(target))
    assert target.resolve() == done.root == versions_dir(target) / done.version[:16]
    assert (done.root / VERSION_FILE).read_text().strip() == done.version == bundle_hash(copy)
    assert bundle_version(target.resolve()) == done.version
    for folder in (target.parent, versions_dir(target)):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755, folder
    for dirpath, _dirs, files in os.walk(done.root):
        assert stat.S_IMODE(os.stat(dirpath).st_mode) == 0o755, dirpath
        for name in files:
            assert stat.S_IMODE(os.stat(os.path.join(dirpath, name)).st_mode) == 0o644, name


def test_a_new_install_is_seen_by_a_fresh_load_and_never_half(copy: Path, tmp_path: Path,
                                                              monkeypatch):
    """config.data_dir() resolves the symlink: a new version is a new path (the app's cache
    key). A reader polling all along never finds the target incomplete."""
    target = tmp_path / "bundle"
    monkeypatch.setenv("HSOU_DATA_DIR", str(target))
    v1 = install(copy, target, limits=FAST, lock_timeout=5)
    assert config.data_dir() == v1.root

    seen_incomplete: list[float] = []
    done = threading.Event()

    def reader() -> None:
        for _ in range(200_000):  # bounded; ends with the installs
            if done.is_set():
                return
            if not _complete(target):
                seen_incomplete.append(time.monotonic())
            time.sleep(0.0005)  # leave the installs most of the CPU

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        _rename_indicator(copy, "Index stáří v2")
        v2 = install(copy, target, limits=FAST, lock_timeout=5)
        _rename_indicator(copy, "Index stáří v3")
        # a caller passing the resolved folder (config.data_dir()) still installs into the link
        v3 = install(copy, config.data_dir(), limits=FAST, lock_timeout=5)
    finally:
        done.set()
        thread.join(10)
    assert not seen_incomplete
    assert len({v1.version, v2.version, v3.version}) == 3
    assert config.data_dir() == v3.root and bundle_version(config.data_dir()) == v3.version
    assert load_bundle(config.data_dir()).catalog["name_cs"].iloc[0] == "Index stáří v3"
    # the previous version stays for sessions still reading it; older ones go
    assert v3.previous == v2.root and v3.removed == (v1.root.name,)
    assert sorted(p.name for p in versions_dir(target).iterdir()) == sorted(
        [v2.root.name, v3.root.name])
    # the same content again: same version, nothing deleted
    again = install(copy, target, limits=FAST, lock_timeout=5)
    assert again.root == v3.root and again.removed == () and v2.root.is_dir()


def test_an_older_real_directory_is_migrated_and_kept_as_previous(copy: Path, tmp_path: Path):
    target = tmp_path / "bundle"
    shutil.copytree(copy, target)  # what older versions installed, with mkdtemp's mode
    os.chmod(target, 0o700)
    done = install(copy, target, limits=FAST, lock_timeout=5)
    assert target.is_symlink() and _complete(target)
    assert done.previous is not None and done.previous.name.startswith("legacy-")
    assert done.previous.parent == versions_dir(target) and not missing_required(done.previous)
    assert stat.S_IMODE(done.previous.stat().st_mode) == 0o755


def test_leftovers_of_crashes_are_repaired(copy: Path, tmp_path: Path):
    """Older versions could die between their two renames, leaving only ``bundle.old`` and no
    ``bundle``; their mkdtemp staging folders (``.bundle-xxxxxxxx``) stayed forever."""
    target = tmp_path / "bundle"
    shutil.copytree(copy, tmp_path / "bundle.old")
    (tmp_path / ".bundle-k3j_x9a1" / "indicators").mkdir(parents=True)
    empty = tmp_path / "empty-source"
    empty.mkdir()
    with pytest.raises(BundleError, match="required file is missing"):
        install(empty, target, limits=FAST, lock_timeout=5)  # fails, yet repairs first
    assert target.is_symlink() and _complete(target)
    assert not (tmp_path / "bundle.old").exists()
    assert not (tmp_path / ".bundle-k3j_x9a1").exists()

    # a dangling link (its folder deleted by hand) points to the newest complete version
    version = target.resolve()
    os.replace(version, version.with_name("elsewhere"))
    assert not target.exists()
    with pytest.raises(BundleError):
        install(empty, target, limits=FAST, lock_timeout=5)
    assert _complete(target) and target.resolve().name == "elsewhere"

    # older versions could also die just before deleting bundle.old: 32 MB left for good
    shutil.copytree(copy, tmp_path / "bundle.old")
    with pytest.raises(BundleError):
        install(empty, target, limits=FAST, lock_timeout=5)
    assert not (tmp_path / "bundle.old").exists() and _complete(target)


def test_a_crash_before_the_swap_leaves_the_old_version_in_place(copy: Path, tmp_path: Path,
                                                                 monkeypatch):
    target = tmp_path / "bundle"
    v1 = install(copy, target, limits=FAST, lock_timeout=5)
    _rename_indicator(copy, "changed")

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bundle_mod.os, "replace", crash)
    with pytest.raises(BundleError, match="cannot install here: No space left on device"):
        install(copy, target, limits=FAST, lock_timeout=5)
    monkeypatch.undo()
    assert target.resolve() == v1.root and _complete(target)
    assert not _staging(target) and not list(tmp_path.glob(".bundle.link-*"))


def test_a_running_install_holds_the_lock(copy: Path, tmp_path: Path, capsys, monkeypatch):
    """Before: no lock, the loser of two installs crashed in rmtree."""
    target = tmp_path / "bundle"
    monkeypatch.setenv("HSOU_CACHE_DIR", str(tmp_path / "cache"))
    fd = os.open(lock_path(target), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        t0 = time.monotonic()
        with pytest.raises(BundleError, match="another install is running into this data "
                                              r"directory \(lock file \.bundle\.lock, waited "
                                              "0.5 s\\)"):
            install(copy, target, limits=FAST, lock_timeout=0.5)
        assert 0.5 <= time.monotonic() - t0 < 3
        assert cli(["data", "install", str(copy), "--target", str(target),
                    "--lock-timeout", "0.2"]) == 2
    finally:
        os.close(fd)
    err = capsys.readouterr().err
    assert "another install is running" in err and "Traceback" not in err
    assert not target.exists()


def test_two_installs_at_once_both_succeed_one_after_the_other(copy: Path, tmp_path: Path):
    target = tmp_path / "bundle"
    procs = [_child(copy, target), _child(copy, target)]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "Traceback" not in err
    assert outs[0][0] == outs[1][0]  # same content, same version
    assert _complete(target) and not _staging(target)
    assert [p.name for p in versions_dir(target).iterdir()] == [target.resolve().name]


def test_a_killed_install_keeps_the_bundle_and_its_staging_is_cleaned(copy: Path,
                                                                       tmp_path: Path):
    """SIGKILL while fetching (a source that stalls) and while validating (a local source):
    the target still points to a complete bundle at once, and the next install removes the
    staging folders the killed ones left (before: 32 MB ``.bundle-*`` folders stayed)."""
    target = tmp_path / "bundle"
    v1 = install(copy, target, limits=FAST, lock_timeout=5)
    requested, release = threading.Event(), threading.Event()

    class Stall(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args, **kwargs) -> None:
            pass

        def do_GET(self) -> None:
            requested.set()
            release.wait(30)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Stall))
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    try:
        proc = _child(f"http://127.0.0.1:{srv.server_address[1]}/", target)
        assert requested.wait(30), proc.stderr.read() if proc.poll() is not None else "no request"
        assert _staging(target)  # it is fetching into staging
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=10)
    finally:
        release.set()
        srv.shutdown()
        srv.server_close()
    assert target.resolve() == v1.root and _complete(target)
    assert len(_staging(target)) == 1

    _rename_indicator(copy, "killed while validating")
    proc = _child(copy, target)
    for _ in range(3000):  # ≤ 30 s: kill once the last file is copied, i.e. validating
        staged = _staging(target)
        if any((s / "indicators/towns.csv").exists() for s in staged) or proc.poll() is not None:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    assert _complete(target)  # v1, or the new version if the kill came late: never half

    done = install(copy, target, limits=FAST, lock_timeout=5)
    assert not _staging(target) and _complete(target) and target.resolve() == done.root
