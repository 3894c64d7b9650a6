"""The OpenAPI 3.1 document: made from the library's types, current in spec/, served (issue 10)."""

from __future__ import annotations

import json

from evote_server import SqliteDatabase, create_app
from evote_server.openapi import SPEC_FILE, openapi


def test_the_document_in_spec_is_current() -> None:
    made = openapi(create_app(SqliteDatabase(":memory:"), workers=0))
    kept = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    assert json.loads(json.dumps(made)) == kept, "run: make vectors"


def test_every_route_is_documented_with_its_types() -> None:
    app = create_app(SqliteDatabase(":memory:"), workers=0)
    document = openapi(app)
    assert document["openapi"] == "3.1.0"
    served = {r.path for r in app.routes} - {"/health", "/openapi.json"}
    assert len(document["paths"]) == len(served)
    cast = document["paths"]["/elections/{board}/ballots"]["post"]
    assert cast["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Ballot"
    }
    assert cast["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/InclusionReceipt"
    }
    assert "application/problem+json" in cast["responses"]["default"]["content"]
    close = document["paths"]["/elections/{board}/close"]["post"]
    assert close["security"] == [{"convener": []}]
    assert document["paths"]["/communities"]["post"]["security"] == [{"operator": []}]
    # Keys, digests and points travel as lower-case hex of a fixed length (spec §1.3).
    assert '"pattern": "^[0-9a-f]{64}$"' in json.dumps(document)
