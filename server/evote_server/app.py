"""The server's routes: every step of an election over HTTP, and the board for observers (§4).

Handlers are thin. Each decodes the body into the library's type (every point validated), then,
holding the election's lock, has its :class:`~evote.Assembly` apply the step — which refuses it,
changing nothing, or publishes it — and leaves a signed head over the whole board, so that the
answer (the entry's index and that head, or a ballot's receipt) is given only once the entry is
durable. Decoding and checking run in a worker thread, off the event loop.

Who may do what: observers read without logging in; a signed protocol message (a binding, a ballot,
a delegation, a share…) is checked by the library, whoever sends it; the steps that are the
convener's alone and carry no signature of their own (opening, the ceremony's conclusion, closing,
tallying, publishing results), and the trustees' ceremony messages, which the convener relays,
need the election's convener token; creating an
election needs the operator's token. Tokens are kept hashed.
"""

from __future__ import annotations

import io
import secrets
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import anyio.to_thread
import msgspec
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import State
from litestar.exceptions import HTTPException

from evote import (
    Announcement,
    Assembly,
    Ballot,
    Binding,
    Board,
    CodeIssue,
    Complaint,
    Dealing,
    Delegation,
    ElectionId,
    Extension,
    InclusionReceipt,
    Manifest,
    Notice,
    OpenedBallot,
    Revocation,
    Roll,
    SignedTreeHead,
    SigningKey,
    TallyShare,
    check_id,
    decode,
    encode,
    export_record,
)
from evote.errors import InvalidInput, ParameterError, UsageError
from evote_server.problems import RequestError, handle_http, handle_invalid, handle_usage
from evote_server.store import Database, token_hash

AnyRequest = Request[Any, Any, Any]

__all__ = ["MAX_BODY", "OPERATOR_TOKEN", "create_app"]

MAX_BODY: Final = 1 << 20  # bytes: a ballot of 64 questions is far smaller
OPERATOR_TOKEN: Final = "operator-token"  # noqa: S105 -- the settings row of the operator token's hash
T = TypeVar("T")


class Created(msgspec.Struct):
    election: str
    board_key: str
    token: str  # the convener's token, shown once


class Opening(msgspec.Struct):
    manifest: Manifest
    roll: Roll


class Accepted(msgspec.Struct):
    """A step published: its entry's index, and a signed head that covers it."""

    index: int
    head: SignedTreeHead


class Status(msgspec.Struct, omit_defaults=True):
    election: str
    phase: str
    size: int
    board_key: str
    manifest_hash: str | None = None
    head: SignedTreeHead | None = None


class _Elections:
    """Each election's assembly, rebuilt from its board on first use, and its lock."""

    def __init__(self, database: Database, clock: Callable[[], float]) -> None:
        self.database = database
        self.clock = clock
        self._assemblies: dict[str, Assembly] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def lock(self, election: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(election, threading.Lock())

    def assembly(self, election: str) -> Assembly:
        """The election's assembly; call with its lock held."""
        found = self._assemblies.get(election)
        if found is not None:
            return found
        row = self.database.board(election)
        if row is None:
            raise RequestError("not-found", f"no election {election!r}")
        board = Board(
            ElectionId(election), self.database.storage(election), SigningKey(row.key_seed)
        )
        assembly = Assembly(board)
        self._assemblies[election] = assembly
        return assembly

    def step(self, election: str, action: Callable[[Assembly, int], T]) -> tuple[T, Assembly]:
        """Apply ``action`` at the server's time, and sign a head over the whole board."""
        with self.lock(election):
            assembly = self.assembly(election)
            board = assembly.board
            at = max(int(self.clock()), board.latest)
            try:
                result = action(assembly, at)
            except InvalidInput:
                raise  # refused: nothing changed
            except BaseException:
                self._assemblies.pop(election, None)  # rebuilt from the board next time
                raise
            last = board.last_head
            if last is None or last.head.size != len(board):
                board.sign_head(at=max(at, board.latest))
            return result, assembly

    def read(self, election: str, action: Callable[[Assembly], T]) -> T:
        with self.lock(election):
            return action(self.assembly(election))


def _bearer(request: AnyRequest) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise RequestError("unauthorised", "send the token as 'Authorization: Bearer <token>'")
    return token.strip()


class _Server:
    """What every handler needs: the database, the elections' assemblies and the clock."""

    def __init__(self, database: Database, clock: Callable[[], float]) -> None:
        self.database = database
        self.clock = clock
        self.elections = _Elections(database, clock)

    def require_convener(self, request: AnyRequest, election: str) -> None:
        token = _bearer(request)
        row = self.database.board(election)
        if row is None:
            raise RequestError("not-found", f"no election {election!r}")
        if not row.token_matches(token):
            raise RequestError("unauthorised", "this is not the convener's token")


def _server(request: AnyRequest) -> _Server:
    server = request.app.state.server
    assert isinstance(server, _Server)
    return server


async def _run(function: Callable[[], T]) -> T:
    """Run ``function`` in a worker thread: decoding and checking stay off the event loop."""
    return await anyio.to_thread.run_sync(function)


def _json(value: object, status: int = 200) -> Response[bytes]:
    return Response(content=encode(value), status_code=status, media_type="application/json")


def _accepted(result: tuple[object, Assembly]) -> Response[bytes]:
    board = result[1].board
    head = board.last_head
    assert head is not None
    return _json(Accepted(index=len(board) - 1, head=head), 201)


def _step_route(
    path: str, kind: type[Any] | None, apply: Callable[..., object], *, token: bool
) -> Any:  # noqa: ANN401 -- a route handler
    """A route that applies one step: a message of type ``kind`` (None: no body) given to
    ``apply(assembly, [message,] at)``; ``token``: the convener's token is needed.
    """  # noqa: D205

    async def handler(request: AnyRequest, election: str) -> Response[bytes]:
        server = _server(request)
        if token:
            server.require_convener(request, election)
        raw = await request.body()

        def step() -> tuple[object, Assembly]:
            if kind is None:
                return server.elections.step(election, apply)
            message = decode(raw, kind)
            return server.elections.step(election, lambda a, at: apply(a, message, at))

        return _accepted(await _run(step))

    handler.__name__ = f"post_{path.strip('/').replace('/', '_')}"
    return post(f"/elections/{{election:str}}{path}", status_code=201)(handler)


@get("/health", sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@post("/elections", status_code=201)
async def create_election(request: AnyRequest) -> Response[bytes]:
    """A new election: its board key, and the convener's token (shown once)."""
    server = _server(request)
    token = _bearer(request)
    expected = server.database.setting(OPERATOR_TOKEN)
    if expected is None or not secrets.compare_digest(expected, token_hash(token)):
        raise RequestError("unauthorised", "creating an election needs the operator's token")
    try:
        wanted = msgspec.json.decode(await request.body(), type=dict[str, str])
    except msgspec.DecodeError as error:
        raise RequestError("http", f'expected {{"election": "<id>"}}: {error}') from None
    election = wanted.get("election", "")
    try:
        check_id(election, "election id")
    except ParameterError as error:
        raise RequestError("http", str(error)) from None
    key = SigningKey.generate()
    convener_token = secrets.token_urlsafe(32)
    created = int(server.clock())
    if not server.database.create_board(election, "election", key.seed, convener_token, created):
        raise RequestError("exists", f"election {election!r} exists already")
    return _json(
        Created(election=election, board_key=key.verify_key.hex(), token=convener_token), 201
    )


@get("/elections/{election:str}")
async def election_status(request: AnyRequest, election: str) -> Response[bytes]:
    server = _server(request)

    def read(assembly: Assembly) -> Status:
        proceedings, board = assembly.proceedings, assembly.board
        opened = proceedings.phase.value > 0
        return Status(
            election=election,
            phase=proceedings.phase.name.lower(),
            size=len(board),
            board_key=board.verify_key.hex() if board.verify_key else "",
            manifest_hash=proceedings.manifest.hash().hex() if opened else None,
            head=board.last_head,
        )

    return _json(await _run(lambda: server.elections.read(election, read)))


@post("/elections/{election:str}/open", status_code=201)
async def open_election(request: AnyRequest, election: str) -> Response[bytes]:
    """The manifest and the roll, entries 0 and 1 (the convener's token)."""
    server = _server(request)
    server.require_convener(request, election)
    raw = await request.body()

    def step() -> tuple[object, Assembly]:
        opening = decode(raw, Opening)
        return server.elections.step(
            election, lambda a, at: a.open(opening.manifest, opening.roll, at=at)
        )

    return _accepted(await _run(step))


@post("/elections/{election:str}/ballots", status_code=201)
async def cast(request: AnyRequest, election: str) -> Response[bytes]:
    """A ballot, cast: its receipt under a head signed after it is stored; resent, the same."""
    server = _server(request)
    raw = await request.body()

    def step() -> InclusionReceipt:
        ballot = decode(raw, Ballot)
        receipt, _ = server.elections.step(election, lambda a, at: a.cast(ballot, at=at))
        return receipt

    return _json(await _run(step), 201)


@get("/elections/{election:str}/entries")
async def entries(
    request: AnyRequest, election: str, start: int = 0, limit: int = 1000
) -> Response[bytes]:
    """Entries from ``start``, at most ``limit``, as a JSON array of their canonical JSON."""
    if start < 0 or not 1 <= limit <= 10_000:
        raise RequestError("http", "start ≥ 0 and 1 ≤ limit ≤ 10,000")
    server = _server(request)

    def read(assembly: Assembly) -> bytes:
        lines = []
        for data in assembly.board.raw_entries(start):
            lines.append(data)
            if len(lines) == limit:
                break
        return b"[" + b",".join(lines) + b"]"

    content = await _run(lambda: server.elections.read(election, read))
    return Response(content=content, media_type="application/json")


@get("/elections/{election:str}/heads/latest")
async def latest_head(request: AnyRequest, election: str) -> Response[bytes]:
    server = _server(request)
    head = await _run(lambda: server.elections.read(election, lambda a: a.board.last_head))
    if head is None:
        raise RequestError("not-found", f"election {election!r} has no signed head yet")
    return _json(head)


@get("/elections/{election:str}/receipts/{index:int}")
async def receipt(request: AnyRequest, election: str, index: int) -> Response[bytes]:
    """The receipt of the ballot at entry ``index`` under the latest head."""
    server = _server(request)

    def read(assembly: Assembly) -> InclusionReceipt:
        board = assembly.board
        head = board.last_head
        if head is None or not 0 <= index < head.head.size:
            raise RequestError("not-found", f"no entry {index} under the latest head")
        try:
            return board.receipt(next(board.entries(index)), head)
        except UsageError as error:
            raise RequestError("not-found", str(error)) from None

    return _json(await _run(lambda: server.elections.read(election, read)))


@get("/elections/{election:str}/record")
async def record(request: AnyRequest, election: str) -> Response[bytes]:
    """The whole record (spec §14.1), as one ``.tar.gz``."""
    server = _server(request)

    def read(assembly: Assembly) -> bytes:
        with tempfile.TemporaryDirectory() as scratch:
            directory = Path(scratch) / election
            export_record(assembly.board, directory)
            buffer = io.BytesIO()
            with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
                archive.add(directory, arcname=election)
            return buffer.getvalue()

    content = await _run(lambda: server.elections.read(election, read))
    return Response(
        content=content,
        media_type="application/gzip",
        headers={"content-disposition": f'attachment; filename="{election}-record.tar.gz"'},
    )


STEPS: Final = (
    _step_route("/announcements", Announcement, lambda a, m, at: a.announce(m, at=at), token=True),
    _step_route("/dealings", Dealing, lambda a, m, at: a.deal(m, at=at), token=True),
    _step_route("/complaints", Complaint, lambda a, m, at: a.complain(m, at=at), token=True),
    _step_route("/ceremony", None, lambda a, at: a.conclude_ceremony(at=at), token=True),
    _step_route("/codes", CodeIssue, lambda a, m, at: a.issue_code(m, at=at), token=False),
    _step_route("/bindings", Binding, lambda a, m, at: a.bind(m, at=at), token=False),
    _step_route("/delegations", Delegation, lambda a, m, at: a.delegate(m, at=at), token=False),
    _step_route("/revocations", Revocation, lambda a, m, at: a.revoke(m, at=at), token=False),
    _step_route("/challenges", OpenedBallot, lambda a, m, at: a.challenge(m, at=at), token=False),
    _step_route("/paper", Ballot, lambda a, m, at: a.enter_paper(m, at=at), token=False),
    _step_route("/extensions", Extension, lambda a, m, at: a.extend(m, at=at), token=False),
    _step_route("/notices", Notice, lambda a, m, at: a.notice(m, at=at), token=False),
    _step_route("/close", None, lambda a, at: a.close(at=at), token=True),
    _step_route("/tally", None, lambda a, at: a.publish_tally(at=at), token=True),
    _step_route("/shares", TallyShare, lambda a, m, at: a.add_share(m, at=at), token=False),
    _step_route("/results", None, lambda a, at: a.publish_results(at=at), token=True),
)


def create_app(database: Database, *, clock: Callable[[], float] = time.time) -> Litestar:
    """The server over ``database``; ``clock`` gives the time of each step (Unix seconds)."""
    return Litestar(
        route_handlers=[
            health,
            create_election,
            election_status,
            open_election,
            cast,
            entries,
            latest_head,
            receipt,
            record,
            *STEPS,
        ],
        exception_handlers={
            InvalidInput: handle_invalid,
            UsageError: handle_usage,
            RequestError: handle_usage,
            HTTPException: handle_http,
        },
        state=State({"server": _Server(database, clock)}),
        request_max_body_size=MAX_BODY,
        openapi_config=None,
    )
