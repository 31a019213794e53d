"""Entry point of `jacobian-rrmc`: dispatches to the subcommand modules.

Each subcommand module exposes ``register(subparsers)`` (adds its parser and sets
``handler``) and raises `UsageError` for bad input, which becomes one line on stderr and
exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from jacobian_rrmc import __version__

# Subcommand modules, in the order `--help` lists them.
SUBCOMMANDS = ("demo", "jacobian", "urdf", "workspace", "train", "benchmark", "generate")


class UsageError(Exception):
    """Bad command-line input: reported as one line on stderr, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="jacobian-rrmc", description="Resolved-rate motion control with pluggable Jacobians.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in SUBCOMMANDS:
        importlib.import_module(f"jacobian_rrmc.cli.{name}_command").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return int(args.handler(args) or 0)
    except UsageError as error:
        print(f"jacobian-rrmc: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    # Under `python -m` this file is `__main__`, a second copy whose UsageError is not the class
    # the subcommands raise; run the importable module's main so bad input still exits with 2.
    from jacobian_rrmc.cli.main import main as package_main

    sys.exit(package_main())
