"""The `connect-iam` command: argument parsing and dispatch only.

Each subcommand lives in its own module with `register(subparsers)` and `run(args) -> int`; heavy
imports stay inside `run`, so `connect-iam --help` does not load the catalog or the solver.

Exit codes (documented in the README): 0 ran (and, for checks, passed), 1 input error or failed
check, 2 usage error, 3 analysis result UNKNOWN.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from connect_iam.errors import ConnectIamError

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_UNKNOWN = 3

# One entry per subcommand module in connect_iam.cli, in --help order.
SUBCOMMANDS: tuple[str, ...] = (
    "simulate",
    "simulate_principal",
    "test_suite",
    "validate",
    "check",
    "diff",
)


class _Parser(argparse.ArgumentParser):
    """Usage errors exit with 2 and argparse's message, never a traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="connect-iam",
        description="Offline, exact IAM policy simulation, validation and analysis for Amazon "
        "Connect, AppIntegrations and Customer Profiles.",
    )
    from connect_iam import __version__

    parser.add_argument("--version", action="version", version=f"connect-iam {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in SUBCOMMANDS:
        import_module(f"connect_iam.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        code: int = args.run(args)
    except ConnectIamError as error:
        sys.stderr.write(f"connect-iam: error: {error}\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
