"""An election's routes: every phase over HTTP (design §4).

Signed protocol messages — code issues, bindings, delegations, revocations, challenges, paper
ballots, extensions, notices, decryption shares, ballots — are checked by the library, whoever
sends them. The convener's own steps that carry no signature (opening, the ceremony's conclusion,
closing, tallying, publishing results) and the trustees' ceremony messages, which the convener
relays (they prove what they say but are not signed by their sender, so that a stranger could take
a trustee's place first), need the election's convener token.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec
from litestar import Response, get, post
from litestar.params import FromPath

from evote import (
    Announcement,
    Assembly,
    Ballot,
    CodeIssue,
    Complaint,
    Dealing,
    Delegation,
    Entry,
    Extension,
    InclusionReceipt,
    Manifest,
    Notice,
    OpenedBallot,
    Revocation,
    Roll,
    SignedTreeHead,
    TallyShare,
    decode,
    decode_prevalidated,
)
from evote.errors import Reason, Refused, UsageError
from evote_server.hosts import AnyRequest, Hosts, Server
from evote_server.openapi import Doc, documented
from evote_server.problems import RequestError
from evote_server.routes import (
    Accepted,
    accepted,
    binding_route,
    board_pages,
    create_route,
    head_pages,
    json_response,
    run,
    step_route,
)

__all__ = ["ROUTES"]

PREFIX: Final = "elections"


class Opening(msgspec.Struct):
    manifest: Manifest
    roll: Roll


class Status(msgspec.Struct, omit_defaults=True):
    election: str
    phase: str
    size: int
    board_key: str
    manifest_hash: str | None = None
    head: SignedTreeHead | None = None


def _hosts(server: Server) -> Hosts[Assembly]:
    return server.elections


@get(f"/{PREFIX}/{{board:str}}")
@documented(Doc("the election's phase, size, keys and latest head", response=Status))
async def election_status(request: AnyRequest, board: FromPath[str]) -> Response[bytes]:
    def read(assembly: Assembly) -> Status:
        proceedings, log = assembly.proceedings, assembly.board
        opened = proceedings.phase.value > 0
        return Status(
            election=board,
            phase=proceedings.phase.name.lower(),
            size=len(log),
            board_key=log.verify_key.hex() if log.verify_key else "",
            manifest_hash=proceedings.manifest.hash().hex() if opened else None,
            head=log.last_head,
        )

    hosts = _hosts(Server.of(request))
    return json_response(await run(lambda: hosts.read(board, read)))


@post(f"/{PREFIX}/{{board:str}}/open", status_code=201)
@documented(Doc("the manifest and the roll, entries 0 and 1", request=Opening, response=Accepted,
                auth="convener", status=201))  # fmt: skip
async def open_election(request: AnyRequest, board: FromPath[str]) -> Response[bytes]:
    """The manifest and the roll, entries 0 and 1 (the convener's token)."""
    server = Server.of(request)
    server.require_convener(request, server.elections, board)
    raw = await request.body()

    def step() -> Assembly:
        opening = decode(raw, Opening)
        return server.elections.step(
            board, lambda a, at: a.open(opening.manifest, opening.roll, at=at)
        )[1]

    return accepted(await run(step))


@post(f"/{PREFIX}/{{board:str}}/ballots", status_code=201)
@documented(Doc("a ballot, cast: its receipt; the same ballot again, the same entry",
                request=Ballot, response=InclusionReceipt, status=201))  # fmt: skip
async def cast(request: AnyRequest, board: FromPath[str]) -> Response[bytes]:
    """A ballot, cast: its receipt under a head signed after it is stored; resent, the same."""
    server = Server.of(request)
    raw = await request.body()
    if server.proofs is None:
        ballot = await run(lambda: decode(raw, Ballot))
        proofs = None
    else:  # decoded, every point validated, and its proofs checked in a worker, outside the lock
        election = server.concluded.get(board)
        if election is None:  # fixed once the ceremony concludes: read once, then kept
            try:
                election = await run(lambda: server.elections.read(board, lambda a: a.election))
            except UsageError as error:  # no election to cast in yet
                raise Refused(Reason.WRONG_PHASE, f"no ballot yet: {error}") from None
            server.concluded[board] = election
        proofs = await server.proofs.check(board, election, raw)
        # The worker validated every point of these very bytes; the cast checks that its
        # proofs are this ballot's (by its tracking code).
        ballot = await run(lambda: decode_prevalidated(raw, Ballot))

    def step() -> InclusionReceipt:
        return server.elections.step(board, lambda a, at: a.cast(ballot, at=at, proofs=proofs))[0]

    return json_response(await run(step), 201)


@get(f"/{PREFIX}/{{board:str}}/receipts/{{index:int}}")
@documented(Doc("the receipt of the ballot at an entry, under the latest head",
                response=InclusionReceipt))  # fmt: skip
async def receipt(
    request: AnyRequest, board: FromPath[str], index: FromPath[int]
) -> Response[bytes]:
    """The receipt of the ballot at entry ``index`` under the latest head."""

    def read(assembly: Assembly) -> InclusionReceipt:
        log = assembly.board
        head = log.last_head
        if head is None or not 0 <= index < head.head.size:
            raise RequestError("not-found", f"no entry {index} under the latest head")
        try:
            return log.receipt(next(log.entries(index)), head)
        except UsageError as error:
            raise RequestError("not-found", str(error)) from None

    hosts = _hosts(Server.of(request))
    return json_response(await run(lambda: hosts.read(board, read)))


@get(f"/{PREFIX}/{{board:str}}/ballots/{{tracking_code:str}}")
@documented(Doc("the receipt of the ballot with a tracking code", response=InclusionReceipt))
async def receipt_by_tracking_code(
    request: AnyRequest, board: FromPath[str], tracking_code: FromPath[str]
) -> Response[bytes]:
    """A voter's receipt, found by the tracking code they kept, under the latest head."""
    try:
        code = bytes.fromhex(tracking_code)
    except ValueError:
        raise RequestError("http", "a tracking code is 64 hex digits") from None

    def read(assembly: Assembly) -> InclusionReceipt:
        index = assembly.entry_of(code)
        head = assembly.board.last_head
        if index is None or head is None or head.head.size <= index:
            raise RequestError("not-found", f"no ballot with tracking code {tracking_code}")
        return assembly.board.receipt(next(assembly.board.entries(index)), head)

    hosts = _hosts(Server.of(request))
    return json_response(await run(lambda: hosts.read(board, read)))


def _step(path: str, kind: type[Any] | None, apply: Any, *, token: bool) -> Any:  # noqa: ANN401
    return step_route(PREFIX, path, _hosts, kind, apply, token=token)


ROUTES: Final = (
    create_route(PREFIX, "election"),
    election_status,
    open_election,
    cast,
    receipt,
    receipt_by_tracking_code,
    *board_pages(PREFIX, _hosts, Entry),
    *head_pages(PREFIX, _hosts),
    _step("/announcements", Announcement, lambda a, m, at: a.announce(m, at=at), token=True),
    _step("/dealings", Dealing, lambda a, m, at: a.deal(m, at=at), token=True),
    _step("/complaints", Complaint, lambda a, m, at: a.complain(m, at=at), token=True),
    _step("/ceremony", None, lambda a, at: a.conclude_ceremony(at=at), token=True),
    _step("/codes", CodeIssue, lambda a, m, at: a.issue_code(m, at=at), token=False),
    binding_route(PREFIX, _hosts),
    _step("/delegations", Delegation, lambda a, m, at: a.delegate(m, at=at), token=False),
    _step("/revocations", Revocation, lambda a, m, at: a.revoke(m, at=at), token=False),
    _step("/challenges", OpenedBallot, lambda a, m, at: a.challenge(m, at=at), token=False),
    _step("/paper", Ballot, lambda a, m, at: a.enter_paper(m, at=at), token=False),
    _step("/extensions", Extension, lambda a, m, at: a.extend(m, at=at), token=False),
    _step("/notices", Notice, lambda a, m, at: a.notice(m, at=at), token=False),
    _step("/close", None, lambda a, at: a.close(at=at), token=True),
    _step("/tally", None, lambda a, at: a.publish_tally(at=at), token=True),
    _step("/shares", TallyShare, lambda a, m, at: a.add_share(m, at=at), token=False),
    _step("/results", None, lambda a, at: a.publish_results(at=at), token=True),
)
