"""Command line: ``python -m hsou_dash data install SOURCE`` and ``data check [DIR]``.

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
from hsou_dash.data.bundle import (
    DEFAULT_LOCK_TIMEOUT,
    BundleError,
    FetchLimits,
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hsou_dash")
    sub = parser.add_subparsers(dest="group", required=True)
    data = sub.add_parser("data", help="install or check the data bundle")
    dsub = data.add_subparsers(dest="command", required=True)
    inst = dsub.add_parser("install", help="install a bundle from a folder or an http(s) URL")
    inst.add_argument("source")
    inst.add_argument("--target", type=Path, default=None,
                      help=f"bundle folder (default ${config.ENV_DATA_DIR} or data/bundle); "
                           "becomes a symlink to <target>.versions/<content hash>")
    d = FetchLimits()
    inst.add_argument("--deadline", type=_seconds, default=None,
                      help=f"seconds for the whole download (default ${config.ENV_FETCH_DEADLINE}"
                           f" or {d.deadline:g}; 0 = none)")
    inst.add_argument("--min-rate", type=_seconds, default=None,
                      help=f"minimum average kB/s after the grace period (default "
                           f"${config.ENV_FETCH_MIN_RATE} or {d.min_rate / 1000:g}; 0 = none)")
    inst.add_argument("--grace", type=_seconds, default=None,
                      help=f"seconds before the minimum rate applies (default "
                           f"${config.ENV_FETCH_GRACE} or {d.grace:g})")
    inst.add_argument("--timeout", type=_seconds, default=None,
                      help=f"seconds one request may wait for data (default "
                           f"${config.ENV_FETCH_TIMEOUT} or {d.request_timeout:g})")
    inst.add_argument("--lock-timeout", type=_seconds, default=None,
                      help=f"seconds to wait for another install into the same target (default "
                           f"${config.ENV_INSTALL_LOCK_TIMEOUT} or {DEFAULT_LOCK_TIMEOUT:g})")
    chk = dsub.add_parser("check", help="validate an installed (or any) bundle folder")
    chk.add_argument("folder", nargs="?", type=Path, default=None)
    args = parser.parse_args(argv)

    if args.command == "install":
        # not resolved: the target is a symlink that the install swaps
        target = (args.target or config.data_target()).absolute()
        try:
            limits = _limits(args)
            lock_timeout = (config.env_number(config.ENV_INSTALL_LOCK_TIMEOUT,
                                              DEFAULT_LOCK_TIMEOUT)
                            if args.lock_timeout is None else args.lock_timeout)
        except ValueError as exc:
            print(f"Bundle NOT installed: {exc}", file=sys.stderr)
            return 2
        try:
            done = install(args.source, target, limits=limits, lock_timeout=lock_timeout)
        except BundleError as exc:
            print(f"Bundle NOT installed ({len(exc.problems)} problem(s)):", file=sys.stderr)
            for p in exc.problems:
                print(f"  - {p}", file=sys.stderr)
            return 2
        print(f"Bundle {done.version[:16]} installed: {target} -> {done.root}")
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
