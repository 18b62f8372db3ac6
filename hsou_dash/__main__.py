"""Command line: ``python -m hsou_dash data install SOURCE``, ``data check [DIR]`` and
``data boundaries SOURCE…`` (refresh the boundaries from a ČÚZK RÚIAN export).

Errors are printed as one line per problem (file, row, what is wrong); exit code 2. Never a
traceback for a bad bundle, a slow source or a busy data directory: those are the operator's
to fix, and they need the list, not the stack.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hsou_dash import config
from hsou_dash.assets import ensure_leaflet
from hsou_dash.data import boundaries
from hsou_dash.data.bundle import (
    DEFAULT_LOCK_TIMEOUT,
    BundleError,
    FetchLimits,
    Installed,
    install,
    validate,
)
from hsou_dash.data.loaders import build_caches, bundle_version, prune_caches


def _limits(args: argparse.Namespace) -> FetchLimits:
    """Fetch limits: command-line options over ``HSOU_FETCH_*`` over the defaults."""
    env = FetchLimits.from_env()
    return FetchLimits(
        deadline=env.deadline if args.deadline is None else args.deadline,
        min_rate=env.min_rate if args.min_rate is None else args.min_rate * 1000,
        grace=env.grace if args.grace is None else args.grace,
        request_timeout=env.request_timeout if args.timeout is None else args.timeout,
    )


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a number ≥ 0")
    return value


def _lock_timeout(args: argparse.Namespace) -> float:
    """``--lock-timeout`` over ``HSOU_INSTALL_LOCK_TIMEOUT`` over the default."""
    if args.lock_timeout is not None:
        return args.lock_timeout
    return config.env_number(config.ENV_INSTALL_LOCK_TIMEOUT, DEFAULT_LOCK_TIMEOUT)


def _lock_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lock-timeout", type=_seconds, default=None,
                        help=f"seconds to wait for another install into the same target "
                             f"(default ${config.ENV_INSTALL_LOCK_TIMEOUT} or "
                             f"{DEFAULT_LOCK_TIMEOUT:g})")


def _fetch_options(parser: argparse.ArgumentParser) -> None:
    """``--deadline``, ``--min-rate``, ``--grace``, ``--timeout`` of ``data install``, each
    saying the environment variable and default it overrides (one table, one help format)."""
    d = FetchLimits()
    for flag, what, env, default in (
        ("--deadline", "seconds for the whole download", config.ENV_FETCH_DEADLINE,
         f"{d.deadline:g}; 0 = none"),
        ("--min-rate", "minimum average kB/s after the grace period", config.ENV_FETCH_MIN_RATE,
         f"{d.min_rate / 1000:g}; 0 = none"),
        ("--grace", "seconds before the minimum rate applies", config.ENV_FETCH_GRACE,
         f"{d.grace:g}"),
        ("--timeout", "seconds one request may wait for data", config.ENV_FETCH_TIMEOUT,
         f"{d.request_timeout:g}"),
    ):
        parser.add_argument(flag, type=_seconds, default=None,
                            help=f"{what} (default ${env} or {default})")


def _target_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", type=Path, default=None,
                        help=f"bundle folder (default ${config.ENV_DATA_DIR} or data/bundle); "
                             "becomes a symlink to <target>.versions/<content hash>")


def _refused(what: str, exc: BundleError) -> int:
    print(f"{what} ({len(exc.problems)} problem(s)):", file=sys.stderr)
    for p in exc.problems:
        print(f"  - {p}", file=sys.stderr)
    return 2


def _prepare_caches(done: Installed) -> int:
    """Display geometry of the new version (and Leaflet), as after every install; the bundle
    is in place whatever happens here, so a failure is only a warning."""
    cache = config.cache_dir()
    try:
        prune_caches(cache, set(done.removed))
        built = build_caches(done.root, cache)
        ensure_leaflet()
    except (BundleError, OSError) as exc:  # the bundle is in place; caches are rebuilt lazily
        print(f"Warning: display caches not prepared ({exc}); the app builds them on first "
              "use", file=sys.stderr)
        return 0
    print(f"{len(built)} display layer(s) of version {bundle_version(done.root)[:16]} cached "
          f"in {cache}; Leaflet in {config.static_dir() / 'leaflet'}")
    return 0


def _boundaries_parser(dsub: argparse._SubParsersAction) -> None:
    bnd = dsub.add_parser("boundaries", help="refresh the boundaries from a ČÚZK RÚIAN export "
                                             "(Shapefile, GeoPackage, GeoJSON or a ZIP of them)")
    bnd.add_argument("source", nargs="+", type=Path,
                     help="files or folders holding the ORP and obce layers (ORP_P, OBCE_P)")
    _target_option(bnd)
    bnd.add_argument("--date", default=None,
                     help="state date of the export, YYYY-MM-DD or YYYY-MM (default: from the "
                          "file names, else 'unknown' in the attribution)")
    bnd.add_argument("--crs", default=None,
                     help="coordinate system of the export, over what its files say (EPSG:5514 "
                          "for S-JTSK, EPSG:4326 for WGS 84; a GeoJSON without a crs member "
                          "is otherwise read as WGS 84)")
    bnd.add_argument("--encoding", default=None,
                     help="attribute encoding, over what the files say (ČÚZK Shapefiles: cp1250)")
    bnd.add_argument("--tolerance", type=_seconds, default=boundaries.DEFAULT_TOLERANCE_M,
                     help="coverage simplification in metres (default "
                          f"{boundaries.DEFAULT_TOLERANCE_M:g})")
    bnd.add_argument("--output", type=Path, default=None,
                     help="write the converted boundaries/ into this folder instead of "
                          "installing them (for a new bundle whose indicators follow the "
                          "new territory)")
    _lock_option(bnd)


def _summary(prep: boundaries.Prepared) -> None:
    """What changed against the installed boundaries, and notes on the import."""
    for line in prep.changes.lines():
        print(f"  {line}")
    for note in prep.notes:
        print(f"  Note: {note}")


def _boundaries(args: argparse.Namespace) -> int:
    """``data boundaries``: convert, check, swap (or only write with ``--output``)."""
    target = (args.target or config.data_target()).absolute()
    opts = boundaries.ReadOptions(crs=args.crs, encoding=args.encoding,
                                  tolerance=args.tolerance)
    try:
        date = boundaries.parse_date(args.date) if args.date else None
        lock_timeout = _lock_timeout(args)
    except ValueError as exc:
        print(f"Boundaries NOT refreshed: {exc}", file=sys.stderr)
        return 2
    try:
        if args.output is not None:
            prep, used = boundaries.export(args.source, target.resolve(), args.output.absolute(),
                                           date=date, opts=opts)
            _summary(prep)
            for problem in prep.changes.problems():
                print(f"  {problem}")
            print(f"Boundaries written to {args.output / 'boundaries'} (date {used.shown()}); "
                  "nothing installed")
            return 0
        done = boundaries.refresh(args.source, target, date=date, opts=opts,
                                  lock_timeout=lock_timeout)
    except BundleError as exc:
        return _refused("Boundaries NOT refreshed; the installed bundle is unchanged", exc)
    _summary(done.prepared)
    print(f"Boundaries from {', '.join(done.prepared.labels)} (date {done.date.shown()}) "
          f"installed: {target} -> {done.installed.root}")
    return _prepare_caches(done.installed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hsou_dash")
    sub = parser.add_subparsers(dest="group", required=True)
    data = sub.add_parser("data", help="install or check the data bundle")
    dsub = data.add_subparsers(dest="command", required=True)
    inst = dsub.add_parser("install", help="install a bundle from a folder or an http(s) URL")
    inst.add_argument("source")
    _target_option(inst)
    _fetch_options(inst)
    _lock_option(inst)
    _boundaries_parser(dsub)
    chk = dsub.add_parser("check", help="validate an installed (or any) bundle folder")
    chk.add_argument("folder", nargs="?", type=Path, default=None)
    args = parser.parse_args(argv)

    if args.command == "boundaries":
        return _boundaries(args)
    if args.command == "install":
        # not resolved: the target is a symlink that the install swaps
        target = (args.target or config.data_target()).absolute()
        try:
            limits = _limits(args)
            lock_timeout = _lock_timeout(args)
        except ValueError as exc:
            print(f"Bundle NOT installed: {exc}", file=sys.stderr)
            return 2
        try:
            done = install(args.source, target, limits=limits, lock_timeout=lock_timeout)
        except BundleError as exc:
            return _refused("Bundle NOT installed", exc)
        print(f"Bundle {done.version[:16]} installed: {target} -> {done.root}")
        return _prepare_caches(done)
    folder = (args.folder or config.data_dir()).resolve()
    if not folder.is_dir():
        print(f"{folder}: no such folder (install a bundle first)", file=sys.stderr)
        return 2
    problems = validate(folder)
    for p in problems:
        print(f"  - {p}", file=sys.stderr)
    print(f"{folder}: {'valid' if not problems else f'{len(problems)} problem(s)'}")
    return 0 if not problems else 2


if __name__ == "__main__":
    sys.exit(main())
