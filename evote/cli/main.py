"""The ``evote`` command: ``evote demo`` and ``evote --version`` for now."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from evote import __version__
from evote.errors import EvoteError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evote",
        description="Verifiable e-voting for owners' assemblies.",
    )
    parser.add_argument("--version", action="version", version=f"evote {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="run a whole owners' assembly vote end to end and print the results",
        description=(
            "Run a whole owners' assembly vote in this process: a 2-of-3 key ceremony, bindings, "
            "proxies (one revoked, one overridden), re-votes, paper ballots, a challenged ballot, "
            "the dual tally by headcount and by area, threshold decryption with one trustee "
            "absent, and the results of two motions, a committee election and a rating."
        ),
    )
    demo.add_argument("--owners", type=int, default=200, help="number of owners (default 200)")
    demo.add_argument(
        "--seed",
        type=int,
        default=2026,
        help="seed of the simulated owners' choices (default 2026)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        if arguments.command == "demo":
            from evote.cli.demo import run_demo  # noqa: PLC0415 -- keep `evote --help` fast

            return run_demo(owners=arguments.owners, seed=arguments.seed)
    except EvoteError as error:
        print(f"evote: error: {error.diagnostics()}", file=sys.stderr)
        return 1
    return 2  # pragma: no cover -- argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
