"""The reference server's application: elections and communities over HTTP (design §4).

Who may do what: observers read without logging in; a signed protocol message is checked by the
library, whoever sends it; the convener's steps that carry no signature need the board's convener
token; creating a board needs the operator's token. Tokens are kept hashed (:mod:`.store`).
Refusals are RFC 9457 problem details (:mod:`.problems`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Final

from litestar import Litestar, Response, get
from litestar.datastructures import State
from litestar.exceptions import HTTPException

from evote.errors import InvalidInput, UsageError
from evote_server import communities, elections
from evote_server.hosts import OPERATOR_TOKEN, AnyRequest, Server
from evote_server.openapi import openapi
from evote_server.problems import (
    RequestError,
    handle_http,
    handle_internal,
    handle_invalid,
    handle_usage,
)
from evote_server.proofs import ProofChecker
from evote_server.store import Database

__all__ = ["MAX_BODY", "OPERATOR_TOKEN", "create_app"]

MAX_BODY: Final = 16 << 20  # bytes: a roll of tens of thousands of owners, a ballot of 64 × 64


@get("/health", sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/openapi.json")
async def openapi_document(request: AnyRequest) -> Response[bytes]:
    """This server's OpenAPI 3.1 document (spec/openapi.json)."""
    document = openapi(request.app)
    return Response(content=json.dumps(document, indent=2).encode(), media_type="application/json")


def create_app(
    database: Database, *, clock: Callable[[], float] = time.time, workers: int | None = None
) -> Litestar:
    """The server over ``database``; ``clock`` gives the time of each step (Unix seconds).

    Ballots' proofs are checked in ``workers`` processes (default: one per core; 0: in the step).
    """
    server = Server(database, clock)

    def start() -> None:
        if workers != 0:
            server.proofs = ProofChecker(database.location, workers)

    def stop() -> None:
        if server.proofs is not None:
            server.proofs.close()

    return Litestar(
        route_handlers=[health, openapi_document, *elections.ROUTES, *communities.ROUTES],
        exception_handlers={
            InvalidInput: handle_invalid,
            UsageError: handle_usage,
            RequestError: handle_usage,
            HTTPException: handle_http,
            Exception: handle_internal,
        },
        state=State({"server": server}),
        on_startup=[start],
        on_shutdown=[stop],
        request_max_body_size=MAX_BODY,
        openapi_config=None,
    )
