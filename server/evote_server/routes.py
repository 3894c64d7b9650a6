"""What the routes of every kind of board share: steps, the board's pages, creation (§4).

Handlers are thin: decode the body into the library's type (every point validated), check who is
asking, have the board's host apply the step — refused, it changes nothing — and answer once the
entry and a head over it are stored. Decoding and checking run in a worker thread, off the event
loop.
"""

from __future__ import annotations

import io
import secrets
import tarfile
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import anyio
import anyio.to_thread
import msgspec
from litestar import Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import ServerSentEvent, ServerSentEventMessage

from evote import (
    Binding,
    ConsistencyProof,
    SignedTreeHead,
    SigningKey,
    check_id,
    decode,
    encode,
    export_record,
)
from evote.errors import InvalidInput, ParameterError, Reason
from evote_server.hosts import AnyRequest, Hosts, Server
from evote_server.openapi import Doc, documented
from evote_server.problems import RequestError

__all__ = [
    "Accepted",
    "Created",
    "board_pages",
    "create_route",
    "json_response",
    "run",
    "step_route",
]

T = TypeVar("T")
HostsOf = Callable[[Server], Hosts[Any]]


class Created(msgspec.Struct):
    """A new board: its id, its key (for the manifest or charter), the convener's token (once)."""

    id: str
    board_key: str
    token: str


class NewBoard(msgspec.Struct):
    """The id of the board to create."""

    id: str


class Accepted(msgspec.Struct):
    """A step published: its entry's index, and a signed head that covers it."""

    index: int
    head: SignedTreeHead


async def run(function: Callable[[], T]) -> T:
    """Run ``function`` in a worker thread: decoding and checking stay off the event loop."""
    return await anyio.to_thread.run_sync(function)


def json_response(value: object, status: int = 200) -> Response[bytes]:
    return Response(content=encode(value), status_code=status, media_type="application/json")


def accepted(host: Any) -> Response[bytes]:  # noqa: ANN401 -- an assembly or a desk
    board = host.board
    head = board.last_head
    assert head is not None
    return json_response(Accepted(index=len(board) - 1, head=head), 201)


def step_route(
    prefix: str,
    path: str,
    hosts_of: HostsOf,
    kind: type[Any] | None,
    apply: Callable[..., object],
    *,
    token: bool,
) -> Any:  # noqa: ANN401 -- a route handler
    """A route applying one step: a body of type ``kind`` (None: no body) given to
    ``apply(host, [message,] at)``; ``token``: the convener's token is needed.
    """  # noqa: D205

    async def handler(request: AnyRequest, board: FromPath[str]) -> Response[bytes]:
        server = Server.of(request)
        hosts = hosts_of(server)
        if token:
            server.require_convener(request, hosts, board)
        raw = await request.body()

        def step() -> Any:  # noqa: ANN401
            if kind is None:
                return hosts.step(board, apply)[1]
            message = decode(raw, kind)
            return hosts.step(board, lambda host, at: apply(host, message, at))[1]

        return accepted(await run(step))

    handler.__name__ = f"post_{prefix}_{path.strip('/').replace('/', '_').replace('-', '_')}"
    what = path.strip("/").replace("-", " ")
    doc = Doc(
        summary=f"{what}: " + ("the convener's step" if kind is None else f"a {kind.__name__}"),
        request=kind, response=Accepted, auth="convener" if token else None, status=201,
    )  # fmt: skip
    return post(f"/{prefix}/{{board:str}}{path}", status_code=201)(documented(doc)(handler))


HEAD_POLL: Final = 0.5  # seconds between looks at the board, for the stream of heads

#: Failed activation codes allowed in an hour, per person and per client (against guessing).
CODE_ATTEMPTS_PER_PERSON: Final = 5
CODE_ATTEMPTS_PER_CLIENT: Final = 20
_CODE_FAILURES: Final = frozenset({Reason.CODE_INVALID, Reason.CODE_USED})


def binding_route(prefix: str, hosts_of: HostsOf) -> Any:  # noqa: ANN401 -- a route handler
    """``POST …/bindings``: a binding, with failed codes counted per person and per client.

    Past the limit within the hour, a binding is turned away (429) before it is looked at.
    """

    async def handler(request: AnyRequest, board: FromPath[str]) -> Response[bytes]:
        server = Server.of(request)
        hosts = hosts_of(server)
        raw = await request.body()
        client = request.client.host if request.client else "unknown"

        def step() -> Any:  # noqa: ANN401
            binding = decode(raw, Binding)
            hour = int(server.clock()) // 3600
            keys = (
                (f"person:{board}:{binding.body.person}", CODE_ATTEMPTS_PER_PERSON),
                (f"client:{client}", CODE_ATTEMPTS_PER_CLIENT),
            )
            for key, limit in keys:
                if server.database.attempts(key, hour) >= limit:
                    raise RequestError(
                        "too-many-attempts",
                        f"{limit} wrong activation codes within the hour: wait before trying again",
                    )
            try:
                return hosts.step(board, lambda host, at: host.bind(binding, at=at))[1]
            except InvalidInput as error:
                if error.reason in _CODE_FAILURES:
                    for key, _ in keys:
                        server.database.count_attempt(key, hour)
                raise

        return accepted(await run(step))

    handler.__name__ = f"post_{prefix}_bindings"
    doc = Doc(
        summary="a binding; wrong codes are counted, per person and per client",
        request=Binding, response=Accepted, status=201,
    )  # fmt: skip
    return post(f"/{prefix}/{{board:str}}/bindings", status_code=201)(documented(doc)(handler))


def create_route(prefix: str, kind: str) -> Any:  # noqa: ANN401 -- a route handler
    """``POST /<prefix>`` with ``{"id": …}``: a new board of ``kind`` (the operator's token)."""

    async def handler(request: AnyRequest) -> Response[bytes]:
        server = Server.of(request)
        server.require_operator(request)
        try:
            wanted = msgspec.json.decode(await request.body(), type=dict[str, str])
        except msgspec.DecodeError as error:
            raise RequestError("http", f'expected {{"id": "<id>"}}: {error}') from None
        board = wanted.get("id", "")
        try:
            check_id(board, f"{kind} id")
        except ParameterError as error:
            raise RequestError("http", str(error)) from None
        key = SigningKey.generate()
        token = secrets.token_urlsafe(32)
        if not server.database.create_board(board, kind, key.seed, token, int(server.clock())):
            raise RequestError("exists", f"{board!r} exists already")
        return json_response(Created(id=board, board_key=key.verify_key.hex(), token=token), 201)

    handler.__name__ = f"create_{kind}"
    doc = Doc(summary=f"a new {kind}: its board key and convener token", request=NewBoard,
              response=Created, auth="operator", status=201)  # fmt: skip
    return post(f"/{prefix}", status_code=201)(documented(doc)(handler))


def board_pages(prefix: str, hosts_of: HostsOf, entry: type[Any]) -> list[Any]:
    """What observers read of a board: entries by range, the latest head, the whole record."""

    async def entries(
        request: AnyRequest,
        board: FromPath[str],
        start: FromQuery[int] = 0,
        limit: FromQuery[int] = 1000,
    ) -> Response[bytes]:
        """Entries from ``start``, at most ``limit``, as a JSON array of their canonical JSON."""
        if start < 0 or not 1 <= limit <= 10_000:
            raise RequestError("http", "start ≥ 0 and 1 ≤ limit ≤ 10,000")
        hosts = hosts_of(Server.of(request))

        def read(host: Any) -> bytes:  # noqa: ANN401
            lines = []
            for data in host.board.raw_entries(start):
                lines.append(data)
                if len(lines) == limit:
                    break
            return b"[" + b",".join(lines) + b"]"

        content = await run(lambda: hosts.read(board, read))
        return Response(content=content, media_type="application/json")

    async def latest_head(request: AnyRequest, board: FromPath[str]) -> Response[bytes]:
        hosts = hosts_of(Server.of(request))
        head = await run(lambda: hosts.read(board, lambda host: host.board.last_head))
        if head is None:
            raise RequestError("not-found", f"{board!r} has no signed head yet")
        return json_response(head)

    async def record(request: AnyRequest, board: FromPath[str]) -> Response[bytes]:
        """The whole record (spec §14.1, §16.1) as one ``.tar.gz``."""
        hosts = hosts_of(Server.of(request))

        def read(host: Any) -> bytes:  # noqa: ANN401
            with tempfile.TemporaryDirectory() as scratch:
                directory = Path(scratch) / board
                export_record(host.board, directory)
                buffer = io.BytesIO()
                with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
                    archive.add(directory, arcname=board)
                return buffer.getvalue()

        content = await run(lambda: hosts.read(board, read))
        return Response(
            content=content, media_type="application/gzip",
            headers={"content-disposition": f'attachment; filename="{board}-record.tar.gz"'},
        )  # fmt: skip

    entries_of: Any = list[entry]  # type: ignore[valid-type]
    pages = []
    for name, function, path, doc in (
        ("entries", entries, "/entries",
         Doc("entries by range, as their canonical JSON", response=entries_of,
             query=(("start", "the first index (0)"), ("limit", "at most this many (1000)")))),
        ("latest_head", latest_head, "/heads/latest",
         Doc("the latest signed head", response=SignedTreeHead)),
        ("record", record, "/record", Doc("the whole record, .tar.gz", response="application/gzip")),
    ):  # fmt: skip
        function.__name__ = f"{prefix}_{name}"
        pages.append(get(f"/{prefix}/{{board:str}}{path}")(documented(doc)(function)))
    return pages


def head_pages(prefix: str, hosts_of: HostsOf) -> list[Any]:
    """What observers who keep heads read: new heads as they come, and consistency proofs."""

    async def consistency(
        request: AnyRequest, board: FromPath[str], old: FromQuery[int], new: FromQuery[int]
    ) -> Response[bytes]:
        """The proof that the board's signed head of size ``new`` extends that of size ``old``."""
        hosts = hosts_of(Server.of(request))

        def read(host: Any) -> object:  # noqa: ANN401
            log = host.board
            heads = {h.head.size: h for h in log.heads()}
            if old not in heads or new not in heads or old > new:
                raise RequestError("not-found", f"no signed heads of sizes {old} ≤ {new}")
            return log.consistency(heads[old], heads[new])

        return json_response(await run(lambda: hosts.read(board, read)))

    async def head_stream(request: AnyRequest, board: FromPath[str]) -> ServerSentEvent:
        """Every new signed head, as server-sent events, for observers who keep heads."""
        hosts = hosts_of(Server.of(request))
        hosts.row(board)  # 404 before the stream starts

        async def heads() -> AsyncIterator[ServerSentEventMessage]:
            last = None
            while True:
                head = await run(lambda: hosts.read(board, lambda host: host.board.last_head))
                if head is not None and head != last:
                    last = head
                    yield ServerSentEventMessage(
                        data=encode(head).decode(), event="head", id=str(head.head.size)
                    )
                await anyio.sleep(HEAD_POLL)

        return ServerSentEvent(heads())

    stream = get(f"/{prefix}/{{board:str}}/heads/stream")
    consistent = get(f"/{prefix}/{{board:str}}/consistency")
    head_stream.__name__ = f"{prefix}_head_stream"
    consistency.__name__ = f"{prefix}_consistency"
    stream_doc = Doc("every new signed head, as server-sent events", response="text/event-stream")
    proof_doc = Doc(
        "the proof that the head of size new extends the head of size old",
        response=ConsistencyProof,
        query=(("old", "the earlier size"), ("new", "the later size")),
    )
    return [
        stream(documented(stream_doc)(head_stream)),
        consistent(documented(proof_doc)(consistency)),
    ]
