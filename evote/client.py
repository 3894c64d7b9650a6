"""A client of the reference server, for every role (design §4, issue 10).

``Client(url, token=)`` speaks to an ``evote serve``; :meth:`Client.election` and
:meth:`Client.community` give a board's client, whose methods post one step each — the same
names as :class:`~evote.Assembly`'s and :class:`~evote.CommunityDesk`'s — and read the board.
Whatever the server says is checked here too: an entry is decoded with every point validated, a
receipt or a consistency proof is verified against the board's key, and :meth:`ElectionClient.
proceedings` replays the whole board by the rules, as the verifier would, so that a trustee
decrypts only a box it recounted itself.

A refusal comes back as the library's :class:`~evote.errors.Refused`, with the server's reason
code and message; any other problem as a :class:`ServerError`. Needs ``httpx`` (the ``server``
extra).
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, TypeVar

import httpx
import msgspec

from evote._internal.board.events import Entry
from evote._internal.board.heads import (
    ConsistencyProof,
    InclusionReceipt,
    SignedTreeHead,
    verify_consistency_proof,
    verify_receipt,
)
from evote._internal.community.events import CommunityEntry
from evote._internal.community.petitions import Progress
from evote._internal.community.proceedings import CommunityProceedings
from evote._internal.encoding import Struct, decode, encode
from evote._internal.proceedings import Proceedings
from evote._internal.registry.roll import Roll
from evote.errors import DETAIL, EvoteError, Reason, Refused
from evote.hazmat.signing import VerifyKey

__all__ = ["Accepted", "Client", "CommunityClient", "Created", "ElectionClient", "ServerError"]

T = TypeVar("T")
_PAGE: Final = 1000


class ServerError(EvoteError):
    """The server answered with a problem that is not a refusal of the library's rules."""

    def __init__(self, status: int, kind: str, detail: str) -> None:
        super().__init__(f"{status} {kind}: {detail}")
        self.status, self.kind, self.detail = status, kind, detail


class Created(msgspec.Struct):
    id: str
    board_key: str
    token: str


class Accepted(msgspec.Struct):
    index: int
    head: SignedTreeHead


class Client:
    """The server at ``url``; ``token`` is the operator's or a convener's, when one is needed."""

    def __init__(
        self, url: str, *, token: str | None = None, timeout: float = 120,
        transport: httpx.BaseTransport | None = None,
    ) -> None:  # fmt: skip
        headers = {} if token is None else {"authorization": f"Bearer {token}"}
        self._http = httpx.Client(
            base_url=url, headers=headers, timeout=timeout, transport=transport
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- requests ------------------------------------------------------------------------------

    def request(self, method: str, path: str, *, content: bytes | None = None,
                params: dict[str, int] | None = None) -> httpx.Response:  # fmt: skip
        """Send a request; raise the refusal or the problem the server answers with."""
        response = self._http.request(method, path, content=content, params=params)
        if response.is_success:
            return response
        try:
            problem = response.json()
        except ValueError:
            problem = {}
        reason, detail = problem.get("reason"), problem.get("detail", response.text)
        if reason in Reason._value2member_map_:
            raise Refused(Reason(reason), DETAIL, index=problem.get("index"), detail=detail)
        kind = str(problem.get("type", "")).removeprefix("/problems/") or "http"
        raise ServerError(response.status_code, kind, detail)

    def post(self, path: str, message: Struct | None = None) -> httpx.Response:
        return self.request("POST", path, content=None if message is None else encode(message))

    def get(self, path: str, kind: type[T], **params: int) -> T:
        return decode(self.request("GET", path, params=params or None).content, kind)

    # -- boards --------------------------------------------------------------------------------

    def create_election(self, election: str) -> Created:
        """A new election (the operator's token): its board key and its convener's token."""
        body = msgspec.json.encode({"id": election})
        return msgspec.json.decode(self.request("POST", "/elections", content=body).content,
                                   type=Created)  # fmt: skip

    def create_community(self, community: str) -> Created:
        body = msgspec.json.encode({"id": community})
        return msgspec.json.decode(self.request("POST", "/communities", content=body).content,
                                   type=Created)  # fmt: skip

    def election(self, election: str) -> ElectionClient:
        return ElectionClient(self, election)

    def community(self, community: str) -> CommunityClient:
        return CommunityClient(self, community)


class _BoardClient:
    """What every board's client shares: steps posted, entries and heads read."""

    prefix: str
    entry_type: type[Any]

    def __init__(self, client: Client, board: str) -> None:
        self.client = client
        self.board = board
        self.path = f"/{self.prefix}/{board}"

    def _step(self, path: str, message: Struct | None = None) -> Accepted:
        response = self.client.post(f"{self.path}{path}", message)
        return decode(response.content, Accepted)

    def entries(self, start: int = 0) -> Iterator[Any]:
        """Every entry from ``start``, decoded with every point validated, a page at a time."""
        while True:
            raw = self.client.request(
                "GET", f"{self.path}/entries", params={"start": start, "limit": _PAGE}
            ).content
            page = msgspec.json.decode(raw)
            for line in page:
                yield decode(msgspec.json.encode(line), self.entry_type)
            if len(page) < _PAGE:
                return
            start += len(page)

    def latest_head(self, board_key: VerifyKey | None = None) -> SignedTreeHead:
        """The board's latest signed head; with ``board_key``, its signature checked."""
        head = self.client.get(f"{self.path}/heads/latest", SignedTreeHead)
        if board_key is not None:
            from evote._internal.board.heads import verify_head  # noqa: PLC0415

            verify_head(head, board_key)
        return head

    def consistency(self, old: int, new: int, board_key: VerifyKey) -> ConsistencyProof:
        """The proof that the head of size ``new`` extends that of size ``old``, verified."""
        proof = self.client.get(f"{self.path}/consistency", ConsistencyProof, old=old, new=new)
        verify_consistency_proof(proof, board_key)
        return proof

    def download_record(self, directory: Path) -> Path:
        """The whole record, unpacked into ``directory`` (which must not exist); its path."""
        directory = Path(directory)
        if directory.exists():
            raise FileExistsError(f"{directory} exists already")
        archive = self.client.request("GET", f"{self.path}/record").content
        directory.mkdir(parents=True)
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            tar.extractall(directory, filter="data")
        return directory / self.board


class ElectionClient(_BoardClient):
    """One election on the server: each method posts one step (names as :class:`Assembly`'s)."""

    prefix = "elections"
    entry_type = Entry

    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = msgspec.json.decode(self.client.request("GET", self.path).content)
        return status

    def open(self, manifest: Struct, roll: Roll) -> Accepted:
        body = msgspec.json.encode({"manifest": msgspec.json.decode(encode(manifest)),
                                    "roll": msgspec.json.decode(encode(roll))})  # fmt: skip
        response = self.client.request("POST", f"{self.path}/open", content=body)
        return decode(response.content, Accepted)

    def announce(self, announcement: Struct) -> Accepted:
        return self._step("/announcements", announcement)

    def deal(self, dealing: Struct) -> Accepted:
        return self._step("/dealings", dealing)

    def complain(self, complaint: Struct) -> Accepted:
        return self._step("/complaints", complaint)

    def conclude_ceremony(self) -> Accepted:
        return self._step("/ceremony")

    def issue_code(self, issue: Struct) -> Accepted:
        return self._step("/codes", issue)

    def bind(self, binding: Struct) -> Accepted:
        return self._step("/bindings", binding)

    def delegate(self, delegation: Struct) -> Accepted:
        return self._step("/delegations", delegation)

    def revoke(self, revocation: Struct) -> Accepted:
        return self._step("/revocations", revocation)

    def cast(self, ballot: Struct, board_key: VerifyKey | None = None) -> InclusionReceipt:
        """Cast a ballot; its receipt (checked against ``board_key``, if given)."""
        response = self.client.post(f"{self.path}/ballots", ballot)
        receipt = decode(response.content, InclusionReceipt)
        if board_key is not None:
            verify_receipt(receipt, board_key)
        return receipt

    def challenge(self, opened: Struct) -> Accepted:
        return self._step("/challenges", opened)

    def enter_paper(self, ballot: Struct) -> Accepted:
        return self._step("/paper", ballot)

    def extend(self, extension: Struct) -> Accepted:
        return self._step("/extensions", extension)

    def notice(self, notice: Struct) -> Accepted:
        return self._step("/notices", notice)

    def close_box(self) -> Accepted:
        return self._step("/close")

    def publish_tally(self) -> Accepted:
        return self._step("/tally")

    def add_share(self, share: Struct) -> Accepted:
        return self._step("/shares", share)

    def publish_results(self) -> Accepted:
        return self._step("/results")

    def receipt(self, tracking_code: bytes, board_key: VerifyKey | None = None) -> InclusionReceipt:
        """The receipt of the ballot with ``tracking_code``, under the latest head."""
        receipt = self.client.get(f"{self.path}/ballots/{bytes(tracking_code).hex()}",
                                  InclusionReceipt)  # fmt: skip
        if board_key is not None:
            verify_receipt(receipt, board_key)
        return receipt

    def proceedings(self) -> Proceedings:
        """The whole board replayed here by the rules: the election, its box, its results."""
        proceedings = Proceedings()
        for entry in self.entries():
            proceedings.apply(entry)
        return proceedings


class CommunityClient(_BoardClient):
    """One community on the server (names as :class:`CommunityDesk`'s)."""

    prefix = "communities"
    entry_type = CommunityEntry

    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = msgspec.json.decode(self.client.request("GET", self.path).content)
        return status

    def found(self, charter: Struct, roll: Roll) -> Accepted:
        body = msgspec.json.encode({"charter": msgspec.json.decode(encode(charter)),
                                    "roll": msgspec.json.decode(encode(roll))})  # fmt: skip
        response = self.client.request("POST", f"{self.path}/found", content=body)
        return decode(response.content, Accepted)

    def issue_code(self, issue: Struct) -> Accepted:
        return self._step("/codes", issue)

    def bind(self, binding: Struct) -> Accepted:
        return self._step("/bindings", binding)

    def open_petition(self, petition: Struct) -> Accepted:
        return self._step("/petitions", petition)

    def delegate(self, delegation: Struct) -> Accepted:
        return self._step("/petition-delegations", delegation)

    def revoke_delegation(self, revocation: Struct) -> Accepted:
        return self._step("/delegation-revocations", revocation)

    def sign_petition(self, signature: Struct) -> Accepted:
        return self._step("/signatures", signature)

    def close_due(self) -> Accepted:
        return self._step("/close-due")

    def post_notice(self, notice: Struct) -> Accepted:
        return self._step("/notices", notice)

    def file_objection(self, objection: Struct) -> Accepted:
        return self._step("/objections", objection)

    def answer(self, answer: Struct) -> Accepted:
        return self._step("/answers", answer)

    def correct_roll(self, correction: Struct) -> Accepted:
        return self._step("/roll-corrections", correction)

    def post_statement(self, statement: Struct) -> Accepted:
        return self._step("/statements", statement)

    def give_opinion(self, opinion: Struct) -> Accepted:
        return self._step("/opinions", opinion)

    def reply(self, reply: Struct) -> Accepted:
        return self._step("/replies", reply)

    def progress(self, petition: str) -> Progress:
        return self.client.get(f"{self.path}/petitions/{petition}", Progress)

    def proceedings(self) -> CommunityProceedings:
        proceedings = CommunityProceedings()
        for entry in self.entries():
            proceedings.apply(entry)
        return proceedings
