"""A community's routes: its board over HTTP (spec §16, design §4).

Signed messages — code issues, bindings, petitions, petition delegations and their revocations,
signatures, notices, objections, answers, roll corrections, statements, opinions, replies — are
checked by the library, whoever sends them. Founding the board (the charter and the first roll)
and closing the petitions whose deadline has come carry no signature: they need the community's
convener token.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec
from litestar import Response, get, post
from litestar.params import FromPath

from evote import (
    Answer,
    Charter,
    CodeIssue,
    CommunityDesk,
    CommunityEntry,
    CommunityNotice,
    DelegationRevocation,
    Objection,
    Opinion,
    Petition,
    PetitionDelegation,
    PetitionSignature,
    Progress,
    Reply,
    Roll,
    RollCorrection,
    SignedTreeHead,
    Statement,
    decode,
)
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

PREFIX: Final = "communities"


class Founding(msgspec.Struct):
    charter: Charter
    roll: Roll


class Status(msgspec.Struct, omit_defaults=True):
    community: str
    size: int
    board_key: str
    charter_hash: str | None = None
    petitions: tuple[str, ...] = ()
    head: SignedTreeHead | None = None


def _hosts(server: Server) -> Hosts[CommunityDesk]:
    return server.communities


@get(f"/{PREFIX}/{{board:str}}")
@documented(Doc("the community's size, keys, petitions and latest head", response=Status))
async def community_status(request: AnyRequest, board: FromPath[str]) -> Response[bytes]:
    def read(desk: CommunityDesk) -> Status:
        proceedings, log = desk.proceedings, desk.board
        return Status(
            community=board,
            size=len(log),
            board_key=log.verify_key.hex() if log.verify_key else "",
            charter_hash=proceedings.charter_hash.hex() if proceedings.charter else None,
            petitions=tuple(proceedings.petitions),
            head=log.last_head,
        )

    hosts = _hosts(Server.of(request))
    return json_response(await run(lambda: hosts.read(board, read)))


@post(f"/{PREFIX}/{{board:str}}/found", status_code=201)
@documented(Doc("the charter and the first roll, entries 0 and 1", request=Founding,
                response=Accepted, auth="convener", status=201))  # fmt: skip
async def found(request: AnyRequest, board: FromPath[str]) -> Response[bytes]:
    """The charter and the first roll, entries 0 and 1 (the convener's token)."""
    server = Server.of(request)
    server.require_convener(request, server.communities, board)
    raw = await request.body()

    def step() -> CommunityDesk:
        founding = decode(raw, Founding)

        def apply(desk: CommunityDesk, at: int) -> None:
            desk.found(founding.charter, at=at)
            desk.publish_roll(founding.roll, at=at)

        return server.communities.step(board, apply)[1]

    return accepted(await run(step))


@get(f"/{PREFIX}/{{board:str}}/petitions/{{petition:str}}")
@documented(Doc("a petition's progress against its rule", response=Progress))
async def petition_progress(
    request: AnyRequest, board: FromPath[str], petition: FromPath[str]
) -> Response[bytes]:
    """A petition's progress now: the signers' figures against each requirement (spec §16.3)."""

    def read(desk: CommunityDesk) -> object:
        tally = desk.proceedings.petitions.get(petition)
        if tally is None:
            raise RequestError("not-found", f"no petition {petition!r}")
        return tally.progress()

    hosts = _hosts(Server.of(request))
    return json_response(await run(lambda: hosts.read(board, read)))


def _step(path: str, kind: type[Any] | None, apply: Any, *, token: bool) -> Any:  # noqa: ANN401
    return step_route(PREFIX, path, _hosts, kind, apply, token=token)


ROUTES: Final = (
    create_route(PREFIX, "community"),
    community_status,
    found,
    petition_progress,
    *board_pages(PREFIX, _hosts, CommunityEntry),
    *head_pages(PREFIX, _hosts),
    _step("/codes", CodeIssue, lambda d, m, at: d.issue_code(m, at=at), token=False),
    binding_route(PREFIX, _hosts),
    _step("/petitions", Petition, lambda d, m, at: d.open_petition(m, at=at), token=False),
    _step("/signatures", PetitionSignature, lambda d, m, at: d.sign_petition(m, at=at),
          token=False),
    _step("/petition-delegations", PetitionDelegation, lambda d, m, at: d.delegate(m, at=at),
          token=False),
    _step("/delegation-revocations", DelegationRevocation,
          lambda d, m, at: d.revoke_delegation(m, at=at), token=False),
    _step("/close-due", None, lambda d, at: d.close_due(at=at), token=True),
    _step("/notices", CommunityNotice, lambda d, m, at: d.post_notice(m, at=at), token=False),
    _step("/objections", Objection, lambda d, m, at: d.file_objection(m, at=at), token=False),
    _step("/answers", Answer, lambda d, m, at: d.answer(m, at=at), token=False),
    _step("/roll-corrections", RollCorrection, lambda d, m, at: d.correct_roll(m, at=at),
          token=False),
    _step("/statements", Statement, lambda d, m, at: d.post_statement(m, at=at), token=False),
    _step("/opinions", Opinion, lambda d, m, at: d.give_opinion(m, at=at), token=False),
    _step("/replies", Reply, lambda d, m, at: d.reply(m, at=at), token=False),
)  # fmt: skip
