"""Command line: ``python -m hsou_dash data install SOURCE`` and ``data check [DIR]``.

Errors are printed as one line per problem (file, row, what is wrong); exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hsou_dash import config
from hsou_dash.assets import ensure_leaflet
from hsou_dash.data.bundle import BundleError, install, validate
from hsou_dash.data.loaders import build_caches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hsou_dash")
    sub = parser.add_subparsers(dest="group", required=True)
    data = sub.add_parser("data", help="install or check the data bundle")
    dsub = data.add_subparsers(dest="command", required=True)
    inst = dsub.add_parser("install", help="install a bundle from a folder or an http(s) URL")
    inst.add_argument("source")
    inst.add_argument("--target", type=Path, default=None,
                      help=f"bundle folder (default ${config.ENV_DATA_DIR} or data/bundle)")
    chk = dsub.add_parser("check", help="validate an installed (or any) bundle folder")
    chk.add_argument("folder", nargs="?", type=Path, default=None)
    args = parser.parse_args(argv)

    if args.command == "install":
        target = (args.target or config.data_dir()).resolve()
        try:
            install(args.source, target)
        except BundleError as exc:
            print(f"Bundle NOT installed ({len(exc.problems)} problem(s)):", file=sys.stderr)
            for p in exc.problems:
                print(f"  - {p}", file=sys.stderr)
            return 2
        built = build_caches(target, config.cache_dir())
        ensure_leaflet()
        print(f"Bundle installed in {target}; {len(built)} display layer(s) cached in "
              f"{config.cache_dir()}; Leaflet in {config.static_dir() / 'leaflet'}")
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
