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
from collections.abc import Callable, Iterator
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
from evote.errors import DETAIL, EvoteError, Reason, Refused, UsageError
from evote.hazmat.signing import VerifyKey

__all__ = [
    "Accepted",
    "Client",
    "CommunityClient",
    "Created",
    "ElectionClient",
    "RemoteAssembly",
    "RemoteDesk",
    "ServerError",
]

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

    def proceedings(self, progress: Callable[[int], None] | None = None) -> Proceedings:
        """The whole board replayed here by the rules: the election, its box, its results.

        ``progress`` is told of each entry applied, as it goes.
        """
        proceedings = Proceedings()
        for entry in self.entries():
            proceedings.apply(entry)
            if progress is not None:
                progress(1)
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


class RemoteAssembly:
    """An :class:`~evote.Assembly` whose board is on a server: the same calls, over HTTP.

    Each step is posted; ``at`` is the time the caller means, given to ``clock`` first (a
    demonstration's clock that the server reads, ``evote serve --clock``); a real server uses its
    own time. What the assembly knows — the election, its box, its results — comes from replaying
    the server's board here, by the rules, as far as it has gone.
    """

    def __init__(
        self, election: ElectionClient, *, clock: Callable[[int], None] | None = None
    ) -> None:
        self.remote = election
        self._clock = clock
        self._proceedings = Proceedings()
        self._size = 0

    def _at(self, at: int) -> None:
        if self._clock is not None:
            self._clock(at)

    @property
    def proceedings(self) -> Proceedings:
        """The board replayed here, brought up to date."""
        for entry in self.remote.entries(self._size):
            self._proceedings.apply(entry)
            self._size += 1
        return self._proceedings

    @property
    def election(self) -> Any:  # noqa: ANN401 -- an Election
        return self.proceedings.election

    @property
    def box(self) -> Any:  # noqa: ANN401 -- a BallotBox
        return self.proceedings.box

    def open(self, manifest: Struct, roll: Roll, *, at: int) -> None:
        self._at(at)
        self.remote.open(manifest, roll)

    def announce(self, announcement: Struct, *, at: int) -> None:
        self._at(at)
        self.remote.announce(announcement)

    def deal(self, dealing: Struct, *, at: int) -> None:
        self._at(at)
        self.remote.deal(dealing)

    def complain(self, complaint: Struct, *, at: int) -> None:
        self._at(at)
        self.remote.complain(complaint)

    def conclude_ceremony(self, *, at: int) -> Any:  # noqa: ANN401 -- a CeremonyOutcome
        self._at(at)
        self.remote.conclude_ceremony()
        return self.proceedings.election.ceremony

    def issue_code(self, issue: Struct, *, at: int) -> None:
        self._at(at)
        self.remote.issue_code(issue)

    def bind(self, binding: Struct, *, at: int) -> None:
        self._at(at)
        self.remote.bind(binding)

    def delegate(self, delegation: Struct, *, at: int) -> None:
        self._at(at)
        self.remote.delegate(delegation)

    def revoke(self, revocation: Struct, *, at: int) -> None:
        self._at(at)
        self.remote.revoke(revocation)

    def cast(self, ballot: Struct, *, at: int) -> InclusionReceipt:
        self._at(at)
        return self.remote.cast(ballot)

    def enter_paper(self, ballot: Struct, *, at: int) -> None:
        self._at(at)
        self.remote.enter_paper(ballot)

    def challenge(self, opened: Struct, *, at: int) -> None:
        self._at(at)
        self.remote.challenge(opened)

    def extend(self, extension: Struct, *, at: int) -> None:
        self._at(at)
        self.remote.extend(extension)

    def notice(self, notice: Struct, *, at: int) -> None:
        self._at(at)
        self.remote.notice(notice)

    def close(self, *, at: int) -> None:
        self._at(at)
        self.remote.close_box()

    def publish_tally(self, *, at: int) -> Any:  # noqa: ANN401 -- a Tally
        self._at(at)
        self.remote.publish_tally()
        return self.proceedings.tally

    def add_share(self, share: Struct, *, at: int) -> None:
        self._at(at)
        self.remote.add_share(share)

    def publish_results(self, *, at: int) -> Any:  # noqa: ANN401 -- the results
        self._at(at)
        self.remote.publish_results()
        return self.proceedings.results


class RemoteDesk:
    """A :class:`~evote.CommunityDesk` whose board is on a server: the same calls, over HTTP.

    As :class:`RemoteAssembly`: ``at`` goes to ``clock``, if any, before each step; each step
    returns the :class:`Accepted` index of its entry. The charter and the first roll are posted
    together, when the roll comes.
    """

    def __init__(
        self, community: CommunityClient, *, clock: Callable[[int], None] | None = None
    ) -> None:
        self.remote = community
        self._clock = clock
        self._proceedings = CommunityProceedings()
        self._size = 0
        self._charter: Struct | None = None

    def _at(self, at: int) -> None:
        if self._clock is not None:
            self._clock(at)

    @property
    def proceedings(self) -> CommunityProceedings:
        """The board replayed here, brought up to date."""
        for entry in self.remote.entries(self._size):
            self._proceedings.apply(entry)
            self._size += 1
        return self._proceedings

    @property
    def charter(self) -> Any:  # noqa: ANN401 -- a Charter
        return self.proceedings.charter

    def progress(self, petition: str) -> Progress:
        return self.remote.progress(petition)

    def found(self, charter: Struct, *, at: int) -> None:
        """Kept until the first roll: the server takes both as one step."""
        self._at(at)
        self._charter = charter

    def publish_roll(self, roll: Roll, *, at: int) -> Accepted:
        if self._charter is None:
            raise UsageError("found the community with its charter first")
        self._at(at)
        return self.remote.found(self._charter, roll)

    def _post(self, step: Callable[[Struct], Accepted], message: Struct, at: int) -> Accepted:
        self._at(at)
        return step(message)

    def issue_code(self, issue: Struct, *, at: int) -> Accepted:
        return self._post(self.remote.issue_code, issue, at)

    def bind(self, binding: Struct, *, at: int) -> Accepted:
        return self._post(self.remote.bind, binding, at)

    def open_petition(self, petition: Struct, *, at: int) -> Accepted:
        return self._post(self.remote.open_petition, petition, at)

    def delegate(self, delegation: Struct, *, at: int) -> Accepted:
        return self._post(self.remote.delegate, delegation, at)

    def revoke_delegation(self, revocation: Struct, *, at: int) -> Accepted:
        return self._post(self.remote.revoke_delegation, revocation, at)

    def sign_petition(self, signature: Struct, *, at: int) -> Accepted:
        """The server publishes the "reached" entry in the same step, if the rule is met."""
        return self._post(self.remote.sign_petition, signature, at)

    def close_due(self, *, at: int) -> Accepted:
        self._at(at)
        return self.remote.close_due()

    def post_notice(self, notice: Struct, *, at: int) -> Accepted:
        return self._post(self.remote.post_notice, notice, at)

    def file_objection(self, objection: Struct, *, at: int) -> Accepted:
        return self._post(self.remote.file_objection, objection, at)

    def answer(self, answer: Struct, *, at: int) -> Accepted:
        return self._post(self.remote.answer, answer, at)

    def correct_roll(self, correction: Struct, *, at: int) -> Accepted:
        return self._post(self.remote.correct_roll, correction, at)

    def post_statement(self, statement: Struct, *, at: int) -> Accepted:
        return self._post(self.remote.post_statement, statement, at)

    def give_opinion(self, opinion: Struct, *, at: int) -> Accepted:
        return self._post(self.remote.give_opinion, opinion, at)

    def reply(self, reply: Struct, *, at: int) -> Accepted:
        return self._post(self.remote.reply, reply, at)
