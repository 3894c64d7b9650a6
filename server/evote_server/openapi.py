"""The server's OpenAPI 3.1 document, made from the msgspec types of the library (issue 10).

Each route handler says what it takes and gives with :func:`documented`; :func:`openapi` walks the
app's routes and writes the document, with the JSON Schema of every wire type from msgspec. Bytes,
points and scalars travel as lower-case hex (spec §1.3). The document is served at
``/openapi.json`` and kept in ``spec/openapi.json``, which a test keeps current.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

import msgspec
from litestar import Litestar

from evote import __version__
from evote_server.problems import Problem

__all__ = ["SPEC_FILE", "Doc", "documented", "openapi"]

F = TypeVar("F", bound=Callable[..., Any])
_REF: Final = "#/components/schemas/{name}"
#: Where the document is kept, beside the protocol's specification.
SPEC_FILE: Final = Path(__file__).resolve().parents[2] / "spec" / "openapi.json"


@dataclass(frozen=True)
class Doc:
    """What one operation takes and gives."""

    summary: str
    request: type[Any] | None = None  # a JSON body of this type
    response: Any = None  # a JSON answer of this type; a media type string for other answers
    auth: str | None = None  # "operator" or "convener": the bearer token needed
    status: int = 200
    query: tuple[tuple[str, str], ...] = ()  # (name, description), integers


def documented(doc: Doc) -> Callable[[F], F]:
    def mark(function: F) -> F:
        function.__evote_doc__ = doc  # type: ignore[attr-defined]
        return function

    return mark


def _hex(kind: type[Any]) -> dict[str, Any]:
    if hasattr(kind, "from_hex"):  # bytes, points, scalars: canonical lower-case hex (§1.3)
        length = getattr(kind, "LENGTH", None)
        pattern = "^([0-9a-f]{2})*$" if length is None else f"^[0-9a-f]{{{2 * length}}}$"
        return {"type": "string", "pattern": pattern}
    raise NotImplementedError(kind)


def openapi(app: Litestar) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``app``'s documented routes."""
    operations: list[tuple[str, str, Doc]] = []
    for route in app.routes:
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        for handler in getattr(route, "route_handlers", ()):
            doc = getattr(handler.fn, "__evote_doc__", None)
            if doc is not None:
                operations.extend((path, method, doc) for method in sorted(handler.http_methods))
    kinds: list[Any] = [Problem]
    for _, _, doc in operations:
        kinds += [
            k for k in (doc.request, doc.response) if k is not None and not isinstance(k, str)
        ]
    unique = list(dict.fromkeys(kinds))
    schemas, components = msgspec.json.schema_components(
        unique, schema_hook=_hex, ref_template=_REF
    )
    schema_of = dict(zip(unique, schemas, strict=True))
    paths: dict[str, dict[str, Any]] = {}
    for path, method, doc in sorted(operations, key=lambda o: (o[0], o[1])):
        paths.setdefault(path, {})[method.lower()] = _operation(path, doc, schema_of)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "evote reference server",
            "version": __version__,
            "description": "Verifiable e-voting for owners' assemblies: every phase of an "
            "election and a community's board over HTTP. Refusals are RFC 9457 problem details "
            "whose type is /problems/<reason>, the library's stable reason code.",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "operator": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "the operator's token: creates boards",
                },
                "convener": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a board's convener token",
                },
            },
        },
    }


def _operation(path: str, doc: Doc, schema_of: dict[Any, Any]) -> dict[str, Any]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"\{(\w+)\}", path)
    ]
    parameters += [
        {"name": name, "in": "query", "required": False, "description": text,
         "schema": {"type": "integer"}}
        for name, text in doc.query
    ]  # fmt: skip
    operation: dict[str, Any] = {"summary": doc.summary}
    if parameters:
        operation["parameters"] = parameters
    if doc.request is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schema_of[doc.request]}},
        }
    if doc.response is None:
        success: dict[str, Any] = {"description": "done"}
    elif isinstance(doc.response, str):
        success = {"description": "done", "content": {doc.response: {}}}
    else:
        success = {
            "description": "done",
            "content": {"application/json": {"schema": schema_of[doc.response]}},
        }
    problem = {"application/problem+json": {"schema": schema_of[Problem]}}
    operation["responses"] = {
        str(doc.status): success,
        "default": {"description": "a problem: the step is refused, nothing changed",
                    "content": problem},
    }  # fmt: skip
    if doc.auth is not None:
        operation["security"] = [{doc.auth: []}]
    return operation


def _document() -> str:
    from evote_server.app import create_app  # noqa: PLC0415 -- the app imports this module
    from evote_server.store import SqliteDatabase  # noqa: PLC0415

    return json.dumps(openapi(create_app(SqliteDatabase(":memory:"), workers=0)), indent=2) + "\n"


def main() -> int:
    """Write ``spec/openapi.json``; with ``--check``, say whether it is current (exit 1 if not)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    arguments = parser.parse_args()
    target = SPEC_FILE
    document = _document()
    if arguments.check:
        current = target.is_file() and target.read_text(encoding="utf-8") == document
        print(f"{target}: {'current' if current else 'stale: run make vectors'}")
        return 0 if current else 1
    target.write_text(document, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
