"""The ``evote`` command: the demo, and the verifier's commands for observers and courts."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from evote import Language, __version__
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
        help="run a whole owners' assembly vote, export its record and verify it",
        description=(
            "Run a whole owners' assembly vote in this process on a SQLite board: a 2-of-3 key "
            "ceremony, bindings, proxies (one revoked, one overridden), re-votes, paper ballots, "
            "a challenged ballot, the dual tally by headcount and by area, threshold decryption "
            "with one trustee absent; export the board as a record, verify it, print the results."
        ),
    )
    demo.add_argument("--owners", type=int, default=200, help="number of owners (default 200)")
    demo.add_argument(
        "--seed",
        type=int,
        default=2026,
        help="seed of the simulated owners' choices (default 2026)",
    )
    demo.add_argument(
        "--record", type=Path, default=Path("demo-record"),
        help="directory to export the record to (default demo-record; an earlier demo's is replaced)",
    )  # fmt: skip
    demo.add_argument("--jobs", type=_positive, default=_cores(), help="processes for verification")
    demo.add_argument(
        "--in-process", action="store_true",
        help="run every role in this process on SQLite boards, without a server",
    )  # fmt: skip
    _language_option(demo)

    serve = commands.add_parser(
        "serve",
        help="run the reference server on an SQLite file",
        description=(
            "Serve elections over HTTP from an SQLite file (created if missing): every phase, the "
            "board for observers, the record as one download. Creating an election needs the "
            "operator's token, kept in a file beside the database."
        ),
    )
    serve.add_argument(
        "--db", default="evote.sqlite",
        help="an SQLite file (default evote.sqlite), or a postgresql:// URL for several processes",
    )  # fmt: skip
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=_positive, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--clock", type=Path, default=None,
        help="for demonstrations only: read the server's time from this file (Unix seconds)",
    )  # fmt: skip
    serve.add_argument(
        "--operator-token-file", type=Path, default=None,
        help="file holding the operator's token (default: the database's name + .operator-token)",
    )  # fmt: skip

    observe = commands.add_parser(
        "observe",
        help="keep a board's heads and check that nothing published is rewritten",
        description=(
            "Fetch the board's latest signed head, check its signature and that it extends every "
            "head kept before (consistency proofs), keep it; follow new heads for a while; "
            "download the record and verify it against every head kept."
        ),
    )
    observe.add_argument("url", help="the server, e.g. http://127.0.0.1:8000")
    observe.add_argument("board", help="the election's or community's id")
    observe.add_argument("--board-key", help="the board key (hex) to hold the server to")
    observe.add_argument(
        "--heads", type=Path, default=None, help="where heads are kept (default BOARD.heads.jsonl)"
    )
    observe.add_argument(
        "--follow", type=float, default=0, help="seconds to keep watching for new heads (0)"
    )
    observe.add_argument(
        "--record", type=Path, default=None, help="download the record here and verify it"
    )
    _language_option(observe)

    from evote.cli.roles import add_role_commands  # noqa: PLC0415

    add_role_commands(commands)
    from evote.cli.member import add_member_commands  # noqa: PLC0415

    add_member_commands(commands)

    verify = commands.add_parser(
        "verify",
        help="recount an election from its record alone",
        description=(
            "Re-check everything in an election record: the board's Merkle tree and signed heads, "
            "the roll, the key ceremony, every binding, delegation, ballot signature and proof, "
            "the box rules, the homomorphic tally, every decryption share and the results. "
            "Exit code 0 only when every check passes."
        ),
    )
    verify.add_argument("record", type=Path, help="the record directory")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.add_argument(
        "--jobs", type=_positive, default=1, help="processes checking ballot proofs (default 1)"
    )
    _language_option(verify)
    verify.add_argument("--no-progress", action="store_true", help="no progress bar")
    verify.add_argument(
        "--head",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a signed head (or a receipt) kept outside the record, which the record must extend; "
        "repeatable",
    )
    verify.add_argument("--board-key", help="the board key (hex) the record must have")
    verify.add_argument("--manifest-hash", help="the manifest hash (hex) the record must have")
    verify.add_argument(
        "--charter-hash", help="the charter hash (hex) a community's record must have"
    )

    receipt = commands.add_parser(
        "verify-receipt",
        help="check a voter's receipt against a record, or against a signed head",
        description=(
            "Check that the ballot of a receipt is on the board: the inclusion proof under the "
            "receipt's signed head, and — with --record — that the record holds that very ballot "
            "and extends that head; with --head, that the receipt's head is consistent with it."
        ),
    )
    receipt.add_argument("receipt", type=Path, help="the receipt (JSON)")
    source = receipt.add_mutually_exclusive_group(required=True)
    source.add_argument("--record", type=Path, help="the election record")
    source.add_argument("--head", type=Path, help="a later signed head, with --proof")
    receipt.add_argument("--proof", type=Path, help="a consistency proof from the receipt's head")
    receipt.add_argument("--key", help="the board's key (hex), when checking without a record")

    consistency = commands.add_parser(
        "verify-consistency",
        help="check that a later signed head extends an earlier one",
        description=(
            "Check a consistency proof between two signed heads of the same board: both signed "
            "by the board key, and the later tree extending the earlier one."
        ),
    )
    consistency.add_argument("proof", type=Path, help="the consistency proof (JSON)")
    consistency.add_argument("--key", required=True, help="the board's key (hex)")
    return parser


def _positive(text: str) -> int:
    """An integer of at least 1, for argparse."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is below 1")
    return value


def _language_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        type=Language,
        choices=list(Language),
        default=_default_language(),
        help="language of the report and results: en or zh (default: from LANG, else en)",
    )


def _default_language() -> Language:
    """Chinese where the environment asks for it (``LANG=zh_CN.UTF-8``), English otherwise."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return Language.ZH if value.lower().startswith("zh") else Language.EN
    return Language.EN


def _cores() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        return _run(arguments)
    except EvoteError as error:
        print(f"evote: error: {error.diagnostics()}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"evote: error: {error}", file=sys.stderr)
        return 1


def _run(arguments: argparse.Namespace) -> int:
    """Run the command ``arguments`` name; its exit status."""
    commands = {
        "demo": _demo, "serve": _serve, "observe": _observe, "convener": _role,
        "trustee": _role, "owner": _role, "verify": _verify, "member": _member,
    }  # fmt: skip
    command = commands.get(arguments.command)
    if command is not None:
        return command(arguments)
    from evote.cli import verification  # noqa: PLC0415

    if arguments.command == "verify-receipt":
        return verification.verify_receipt_command(
            arguments.receipt, arguments.record, arguments.head, arguments.proof, arguments.key
        )
    return verification.verify_consistency_command(arguments.proof, arguments.key)


def _demo(arguments: argparse.Namespace) -> int:
    from evote.cli.demo import run_demo  # noqa: PLC0415 -- keep `evote --help` fast

    return run_demo(
        owners=arguments.owners,
        seed=arguments.seed,
        record=arguments.record,
        jobs=arguments.jobs,
        language=arguments.lang,
        in_process=arguments.in_process,
    )


def _serve(arguments: argparse.Namespace) -> int:
    from evote.cli.serve import serve  # noqa: PLC0415

    return serve(
        arguments.db, host=arguments.host, port=arguments.port,
        token_file=arguments.operator_token_file, clock=arguments.clock,
    )  # fmt: skip


def _observe(arguments: argparse.Namespace) -> int:
    from evote.cli.observe import observe  # noqa: PLC0415

    return observe(
        arguments.url, arguments.board, board_key=arguments.board_key,
        heads=arguments.heads, follow=arguments.follow, record=arguments.record,
        language=arguments.lang,
    )  # fmt: skip


def _member(arguments: argparse.Namespace) -> int:
    from evote.cli.member import member_command  # noqa: PLC0415

    return member_command(arguments)


def _role(arguments: argparse.Namespace) -> int:
    from evote.cli.roles import run_role  # noqa: PLC0415

    return run_role(arguments)


def _verify(arguments: argparse.Namespace) -> int:
    from evote.cli import verification  # noqa: PLC0415

    return verification.verify(
        arguments.record,
        as_json=arguments.json,
        jobs=arguments.jobs,
        progress=not arguments.no_progress and sys.stderr.isatty(),
        heads=arguments.head,
        board_key=arguments.board_key,
        manifest_hash=arguments.manifest_hash,
        charter_hash=arguments.charter_hash,
        language=arguments.lang,
    )


if __name__ == "__main__":
    sys.exit(main())
