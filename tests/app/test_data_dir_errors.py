"""The app survives its data directory: unreadable files give the bundle message on every page,
never a traceback, and never a server path.

Tests run as root, for whom ``chmod 000`` stops nothing. So unreadability is simulated the way
a non-root server meets it: ``os.stat``, ``os.scandir`` and ``open`` (builtins and ``io``, which
pathlib and gzip use) raise ``PermissionError(EACCES)`` for every path inside the copy's
``indicators/`` folder — what ``stat``/``open`` return for entries of a mode-000 directory.
GDAL reads ``boundaries/`` itself and is not affected, as in the real case.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import shutil
from pathlib import Path

import pytest

from tests.app.conftest import open_page, rank_tables, texts

PAGES = ["home", "map", "orp", "town", "support", "compare", "methodology"]


def deny(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make everything inside ``folder`` unreadable to this process (see module docstring)."""
    prefix = str(folder) + os.sep

    def denied(path: object) -> bool:
        try:
            p = os.fspath(path)  # type: ignore[arg-type]
        except TypeError:  # a file descriptor
            return False
        if isinstance(p, bytes):
            p = p.decode(errors="replace")
        return p.startswith(prefix)

    def guard(real):
        def call(path, *args, **kwargs):
            if denied(path):
                raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
            return real(path, *args, **kwargs)
        return call

    monkeypatch.setattr(os, "stat", guard(os.stat))
    monkeypatch.setattr(os, "scandir", guard(os.scandir))
    monkeypatch.setattr(builtins, "open", guard(builtins.open))
    monkeypatch.setattr(io, "open", guard(io.open))


@pytest.fixture(scope="module")
def data_copy(bundle_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full copy of the installed bundle (its VERSION too: same content, so the display
    geometry cached for it is reused and the tests stay fast)."""
    dest = tmp_path_factory.mktemp("data") / "bundle"
    shutil.copytree(bundle_dir, dest, ignore=shutil.ignore_patterns(".installed"))
    return dest


def _visible(at) -> str:
    """Everything a visitor could read: texts, alerts, code blocks, expander labels, and any
    exception the page raised."""
    parts = [texts(at)]
    parts += [c.value for c in at.code]
    parts += [str(e.label) for e in at.expander]
    parts += [str(e.value) + str(getattr(e, "stack_trace", "")) for e in at.exception]
    return "\n".join(parts)


def _assert_clean(at, root: Path) -> None:
    shown = _visible(at)
    assert not at.exception, shown
    for leak in (str(root), str(root.parent), "Traceback", "/tmp/", "/work/", "/root"):
        assert leak not in shown, (leak, shown)


def _bundle_message(at) -> bool:
    return any("make run" in e.value for e in at.error)


@pytest.mark.parametrize("page", PAGES)
def test_unreadable_indicators_folder_every_page(page, data_copy, monkeypatch):
    """Before: PermissionError tracebacks naming server paths on 7 of 8 pages."""
    monkeypatch.setenv("HSOU_DATA_DIR", str(data_copy))
    deny(monkeypatch, data_copy / "indicators")
    at = open_page(page)
    _assert_clean(at, data_copy)
    assert _bundle_message(at), [e.value for e in at.error]
    assert "Permission denied" in "\n".join(c.value for c in at.code)
    assert not at.dataframe and not rank_tables(at)  # nothing half-drawn


def test_files_read_lazily_break_while_the_app_runs(bundle_dir, tmp_path, monkeypatch):
    """The bundle is loaded and cached; then the folder becomes unreadable. Pages that read
    further files on demand (support tables, documents, national obec values) show the bundle
    message through app.py's guard; the others keep working from memory."""
    root = tmp_path / "bundle"
    shutil.copytree(bundle_dir, root, ignore=shutil.ignore_patterns(".installed"))
    monkeypatch.setenv("HSOU_DATA_DIR", str(root))
    at = open_page("compare")  # home, then compare: bundle, towns and geometry in memory
    assert not at.exception and not _bundle_message(at)

    deny(monkeypatch, root / "indicators")
    for page in ("support", "methodology", "orp", "compare", "home"):
        at = open_page(page)
        _assert_clean(at, root)
        if page in ("support", "methodology", "orp"):
            assert _bundle_message(at), (page, [e.value for e in at.error])
            assert "Permission denied" in "\n".join(c.value for c in at.code), page
        else:
            assert not _bundle_message(at), page


def test_a_file_replaced_by_a_folder(bundle_dir, tmp_path, monkeypatch):
    """A real OSError, no simulation: IsADirectoryError while the methodology page reads its
    document (an optional file, so the bundle itself still loads)."""
    root = tmp_path / "bundle"
    shutil.copytree(bundle_dir, root, ignore=shutil.ignore_patterns(".installed"))
    (root / "indicators/hsou_methodology.md").unlink()
    (root / "indicators/hsou_methodology.md").mkdir()
    monkeypatch.setenv("HSOU_DATA_DIR", str(root))
    at = open_page("methodology")
    _assert_clean(at, root)
    assert _bundle_message(at)
    assert "indicators/hsou_methodology.md: cannot be read: Is a directory" in \
        "\n".join(c.value for c in at.code)
