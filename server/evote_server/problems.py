"""Refusals as RFC 9457 problem details: one ``type`` per stable reason code (design §4).

A step the library refuses is an :class:`evote.errors.InvalidInput` with its ``reason``; the
server answers with ``application/problem+json`` whose ``type`` is ``/problems/<reason>``, one to
one, a status that says which kind of failure it is, and the library's message in the language the
client asked for (``Accept-Language: zh`` for Chinese). The server's own problems — a missing
token, an unknown election, a body too large — have types of their own in :data:`SERVER_PROBLEMS`.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException

from evote import Language
from evote.errors import InvalidInput, Reason, UsageError

AnyRequest = Request[Any, Any, Any]

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "SERVER_PROBLEMS",
    "Problem",
    "RequestError",
    "handle_http",
    "handle_internal",
    "handle_invalid",
    "handle_usage",
    "status_of",
]

PROBLEM_MEDIA_TYPE: Final = "application/problem+json"

#: Refusals about the state of the board rather than the request itself: 409 Conflict.
_CONFLICTS: Final = frozenset({
    Reason.WRONG_PHASE, Reason.OUTSIDE_WINDOW, Reason.DUPLICATE, Reason.REPLAY,
    Reason.COUNTER_USED, Reason.CODE_USED, Reason.CREDENTIAL_IN_USE, Reason.OUT_OF_ORDER,
    Reason.TIME_GOES_BACK, Reason.SPOILED, Reason.REVOTING_DISABLED, Reason.ALREADY_SIGNED,
    Reason.NOT_SIGNED, Reason.PETITION_CLOSED, Reason.PETITION_REACHED,
})  # fmt: skip
_STATUS: Final = {Reason.MALFORMED: 400, Reason.NOT_AUTHORISED: 403}

#: The server's own problems: type → (status, title).
SERVER_PROBLEMS: Final = {
    "unauthorised": (401, "a valid token is needed for this"),
    "not-found": (404, "no such election"),
    "exists": (409, "an election with this id exists already"),
    "too-large": (413, "the request body is too large"),
    "usage": (409, "the step cannot be taken now"),
    "busy": (429, "the server is busy"),
    "too-many-attempts": (429, "too many wrong activation codes"),
    "http": (400, "the request is not one this server takes"),
    "internal": (500, "the server failed; nothing acknowledged is lost"),
}


def status_of(reason: Reason) -> int:
    if reason in _CONFLICTS:
        return 409
    return _STATUS.get(reason, 422)


class Problem(msgspec.Struct, omit_defaults=True):
    """An RFC 9457 problem detail; ``reason``, ``check`` and ``index`` extend it for evote."""

    type: str
    title: str
    status: int
    detail: str
    reason: str | None = None
    check: str | None = None
    index: int | None = None


class RequestError(Exception):
    """A problem of the server's own (:data:`SERVER_PROBLEMS`), with a detail."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def _language(request: AnyRequest) -> Language:
    accepted = request.headers.get("accept-language", "")
    return Language.ZH if accepted.lower().startswith("zh") else Language.EN


def _response(problem: Problem) -> Response[bytes]:
    return Response(
        content=msgspec.json.encode(problem),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
    )


def handle_invalid(request: AnyRequest, error: Exception) -> Response[bytes]:
    assert isinstance(error, InvalidInput)
    reason = error.reason
    check = getattr(error, "check", None)
    problem = Problem(
        type=f"/problems/{reason.value}",
        title=reason.value.replace("-", " "),
        status=status_of(reason),
        detail=error.render(_language(request)),
        reason=reason.value,
        check=None if check is None else check.value,
        index=getattr(error, "index", None),
    )
    return _response(problem)


def handle_usage(request: AnyRequest, error: Exception) -> Response[bytes]:  # noqa: ARG001
    if isinstance(error, RequestError):
        status, title = SERVER_PROBLEMS[error.kind]
        kind, detail = error.kind, error.detail
    else:
        assert isinstance(error, UsageError)
        kind, detail = "usage", str(error)
        status, title = SERVER_PROBLEMS[kind]
    response = _response(
        Problem(type=f"/problems/{kind}", title=title, status=status, detail=detail)
    )
    if kind == "busy":
        response.headers["retry-after"] = "1"
    elif kind == "too-many-attempts":
        response.headers["retry-after"] = "3600"
    return response


def handle_internal(request: AnyRequest, error: Exception) -> Response[bytes]:  # noqa: ARG001
    """Anything unforeseen: a 500 problem that says nothing of the server's inside."""
    status, title = SERVER_PROBLEMS["internal"]
    detail = f"{type(error).__name__}: the step was not acknowledged; send it again"
    return _response(Problem(type="/problems/internal", title=title, status=status, detail=detail))


def handle_http(request: AnyRequest, error: Exception) -> Response[bytes]:  # noqa: ARG001
    assert isinstance(error, HTTPException)
    kind = {401: "unauthorised", 404: "not-found", 413: "too-large"}.get(error.status_code, "http")
    status = error.status_code if kind == "http" else SERVER_PROBLEMS[kind][0]
    title = SERVER_PROBLEMS[kind][1]
    return _response(
        Problem(type=f"/problems/{kind}", title=title, status=status, detail=str(error.detail))
    )
