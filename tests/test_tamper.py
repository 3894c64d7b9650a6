"""Tampering with a record: every change to its meaning fails verification, saying where (spec §15).

One demo record is built per session (:mod:`tests.records`). Each case changes it as one adversary
could, and names the check that must fail and what its message must name (an entry, a file, a head,
a trustee, a question):

- *by hand*: someone edits the files, then fixes the file hashes in ``record.json`` (nothing signs
  them) unless the case says otherwise;
- *outsider*: someone rewrites entries without the board key, under the heads the board signed;
- *operator*: the board operator rewrites entries and re-signs every head with the board key, so
  that the format and board checks (§15.1, §15.2) pass — this is asserted — and the rules of the
  election must catch the change;
- *operator and voter*: the same, with a voter who re-signs their own ballot after it was changed.

Nobody here holds the convener's key, a trustee's secret, or any credential but the colluding
voter's own: whatever would need them must fail a signature or a proof.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from evote import Status, verify_record
from evote._internal.board.events import (
    CodeIssued,
    ComplaintFiled,
    CredentialBound,
    DelegationGiven,
    DelegationRevoked,
    PaperEntered,
    WindowExtended,
)
from evote._internal.election.ballots import BallotKind, prepare_ballot
from evote._internal.election.convener import extend_window
from evote._internal.election.delegation import delegate, revoke
from evote._internal.encoding import Bytes32
from evote._internal.ids import PersonId
from evote._internal.record import ENTRY_FILES, HEADS_FILE, INDEX_FILE
from evote._internal.registry.credentials import bind, issue_code
from evote._internal.trustees.ceremony import Complaint
from evote.cli.demo import CLOSES, ELECTION, OPENS
from evote.errors import Check
from evote.hazmat.group import BASE, Point, Scalar
from evote.hazmat.proofs.chaum_pedersen import ChaumPedersenProof
from evote.hazmat.signing import SigningKey, VerifyKey
from tests.records import DemoRecord, Draft, build_demo_record, flip, reindex

#: The board operator's own key (not the board's): what it signs with when it poses as someone.
STRANGER = SigningKey(b"\x07" * 32)
#: A well-formed activation code that the convener never issued.
CODE = "0" * 20


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRecord:
    record = build_demo_record(tmp_path_factory.mktemp("demo") / "record")
    events = record.events
    assert all(events[e] >= 1 for e in ("revoked", "overridden", "re-votes", "paper", "challenged"))
    report = verify_record(record.directory)
    assert report.valid, report.render()
    return record


# -- the adversaries -----------------------------------------------------------------------------

Mutation = Callable[[Draft], object]
Where = Callable[[Draft], str]
Json = Any


@dataclass(frozen=True)
class Adversary:
    #: Writes the tampered record at the path; returns it and the draft it was made from.
    tamper: Callable[[DemoRecord, Path], tuple[Path, Draft]]
    #: Leaves the format and the board consistent (entries renumbered, every head re-signed), so
    #: that checks 15.1 and 15.2 must pass unless the case says otherwise.
    consistent: bool = False


def operator(mutation: Mutation, *, renumber: bool = True) -> Adversary:
    """The board operator changes entries and re-signs the board (heads and record.json).

    ``renumber=False`` leaves every entry's index as it was, for the format check to find.
    """

    def tamper(demo: DemoRecord, path: Path) -> tuple[Path, Draft]:
        draft = demo.draft()
        mutation(draft)
        return draft.publish(path, renumber=renumber), draft

    return Adversary(tamper, consistent=renumber)


def outsider(mutation: Mutation) -> Adversary:
    """Someone without the board key changes entries; the heads stay as the board signed them."""

    def tamper(demo: DemoRecord, path: Path) -> tuple[Path, Draft]:
        draft = demo.draft()
        mutation(draft)
        return draft.forge(path), draft

    return Adversary(tamper)


def by_hand(edit: Callable[[Path], object], *, reindexed: bool = True) -> Adversary:
    """Someone edits the files, then (``reindexed``) fixes the file hashes in record.json."""

    def tamper(demo: DemoRecord, path: Path) -> tuple[Path, Draft]:
        demo.copy(path)
        edit(path)
        if reindexed:
            reindex(path)
        return path, demo.draft()

    return Adversary(tamper)


# -- where the verifier must say it failed -------------------------------------------------------


def touched(draft: Draft) -> str:
    """The entry the mutation changed, inserted or moved last."""
    return f"entry {draft.touched}:"


def entry(kind: str, role: str | None = None, nth: int = 0) -> Where:
    """The ``nth`` entry of ``kind`` (about the person in ``role``) in the tampered record."""

    def where(draft: Draft) -> str:
        person = None if role is None else getattr(draft.roles, role)
        return f"entry {draft.find(kind, person, nth)}:"

    return where


def saying(text: str) -> Where:
    return lambda _: text


def head(number: int) -> Where:
    """The head on line ``number`` of heads.jsonl, as the verifier names it."""

    def where(draft: Draft) -> str:
        signed = draft.demo.heads[number].head
        return f"the head of size {signed.size} at {signed.at}"

    return where


def one_entry_more(draft: Draft) -> str:
    size = draft.demo.index.size
    return f"{size} entries, {size + 1} in record.json"


def final_is_first_head(draft: Draft) -> str:
    return (
        f"the final head covers {draft.demo.heads[0].head.size} of {draft.demo.index.size} entries"
    )


def beyond_the_record(draft: Draft) -> str:
    return f"not a size of the {len(draft.entries)} entries of the record"


# -- editing files by hand -----------------------------------------------------------------------


def edit_line(name: str, number: int, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def edit(directory: Path) -> None:
        path = directory / name
        lines = path.read_bytes().splitlines(keepends=True)
        lines[number] = change(lines[number].rstrip(b"\n")) + b"\n"
        path.write_bytes(b"".join(lines))

    return edit


def edit_json(name: str, number: int, change: Callable[[Json], Json]) -> Callable[[Path], None]:
    """Rewrite one line as JSON, its fields in the order they were, with ``change``."""
    return edit_line(
        name, number, lambda line: msgspec.json.encode(change(msgspec.json.decode(line)))
    )


def setting(path: str, value: object) -> Callable[[Json], Json]:
    """Set the value at a dotted path of a JSON object (list items by number), and return the
    object; ``value`` may be a function of the old value.
    """

    def change(obj: Json) -> Json:
        *parents, last = path.split(".")
        node = obj
        for step in parents:
            node = node[int(step)] if isinstance(node, list) else node[step]
        key = int(last) if isinstance(node, list) else last
        node[key] = value(node[key]) if callable(value) else value
        return obj

    return change


def at_first(line: bytes) -> bytes:
    """The same entry with its fields in another order: not canonical."""
    value = msgspec.json.decode(line)
    return msgspec.json.encode(
        {"at": value["at"], "index": value["index"], "event": value["event"]}
    )


def append_copy(name: str, number: int) -> Callable[[Path], None]:
    def edit(directory: Path) -> None:
        line = (directory / name).read_bytes().splitlines(keepends=True)[number]
        with (directory / name).open("ab") as handle:
            handle.write(line)

    return edit


def move_line(source: str, number: int, target: str) -> Callable[[Path], None]:
    """Move a line to the start of another file (where its index still sorts)."""

    def edit(directory: Path) -> None:
        lines = (directory / source).read_bytes().splitlines(keepends=True)
        line = lines.pop(number)
        (directory / source).write_bytes(b"".join(lines))
        (directory / target).write_bytes(line + (directory / target).read_bytes())

    return edit


def swap_lines(name: str, first: int, second: int) -> Callable[[Path], None]:
    def edit(directory: Path) -> None:
        path = directory / name
        lines = path.read_bytes().splitlines(keepends=True)
        lines[first], lines[second] = lines[second], lines[first]
        path.write_bytes(b"".join(lines))

    return edit


def first_head_as_final(directory: Path) -> None:
    earliest = msgspec.json.decode((directory / HEADS_FILE).read_bytes().splitlines()[0])
    edit_json(INDEX_FILE, 0, setting("head", earliest))(directory)


def list_another_file(directory: Path) -> None:
    (directory / "votes.jsonl").write_bytes((directory / "notices.jsonl").read_bytes())
    index = msgspec.json.decode((directory / INDEX_FILE).read_bytes())
    index["files"].append({**index["files"][-1], "name": "votes.jsonl"})
    (directory / INDEX_FILE).write_bytes(msgspec.json.encode(index) + b"\n")


# -- changing entries ------------------------------------------------------------------------------

Locate = Callable[[Draft], int]


def first(kind: str, nth: int = 0) -> Locate:
    """The ``nth`` entry of ``kind``."""
    return lambda draft: draft.find(kind, None, nth)


def of(role: str, kind: str = "ballot", nth: int = 0) -> Locate:
    """The ``nth`` entry of ``kind`` about the person in ``role``."""
    return lambda draft: draft.find(kind, getattr(draft.roles, role), nth)


VOTER = of("voter")
BALLOT = "ballot.body"
SELECTION_PROOF = f"{BALLOT}.questions.0.proofs.0.challenges.0"
RANGE_PROOF = f"{BALLOT}.questions.1.range_proof.challenges.0"
CIPHERTEXT = f"{BALLOT}.questions.0.selections.0.alpha"


def change(locate: Locate, path: str, value: object, *, resign: bool = False) -> Mutation:
    """Set the value at ``path`` of an entry's event; its signer (a colluding voter) re-signs it if
    ``resign``.
    """

    def mutation(draft: Draft) -> None:
        position = locate(draft)
        draft.change(position, path, value)
        if resign:
            draft.resign(position)

    return mutation


def remove(*locate: Locate) -> Mutation:
    """Remove entries, one after the other."""

    def mutation(draft: Draft) -> None:
        for each in locate:
            draft.remove(each(draft))

    return mutation


def duplicate(locate: Locate) -> Mutation:
    return lambda draft: draft.duplicate(locate(draft))


def another_point(text: str) -> str:
    """A different valid group element."""
    return (Point.from_hex(text) + BASE).hex()


def give_ballot_to_absent(*, resign: bool) -> Mutation:
    """The voter's ballot now names the owner who never voted."""

    def mutation(draft: Draft) -> None:
        change(VOTER, f"{BALLOT}.person", draft.roles.absent, resign=resign)(draft)

    return mutation


def not_bound_to_absent(draft: Draft) -> str:
    absent = draft.roles.absent
    return (
        f"entry {draft.touched}: refused (not-authorised): not the bound credential of {absent!r}"
    )


def add_owner(roll: Json) -> Json:
    """A new owner of a new flat on the roll, everything in order."""
    unit = {"id": "1栋-0099-0", "building": "1栋", "area": 9000}
    roll["units"] = sorted([*roll["units"], unit], key=lambda u: u["id"])
    roll["persons"].append({"id": "P0099", "kind": "owner", "units": [unit["id"]]})
    return roll


def add_complaint(draft: Draft) -> None:
    """A complaint nobody made, with a proof that proves nothing."""
    proof = ChaumPedersenProof(challenge=Scalar.from_int(1), response=Scalar.from_int(2))
    complaint = Complaint(accuser=2, dealer=1, shared_point=BASE, proof=proof)
    draft.insert(draft.find("ceremony"), ComplaintFiled(complaint=complaint))


def bind_with_used_code(draft: Draft) -> None:
    """The operator binds its own key to the absent owner with the code their binding revealed."""
    position = draft.find("binding", draft.roles.absent)
    code = draft.event(position)["binding"]["body"]["code"]
    binding = bind(ELECTION, draft.manifest_hash, PersonId(draft.roles.absent), STRANGER, code)
    draft.insert(position + 1, CredentialBound(binding=binding))


def bind_unissued(draft: Draft) -> None:
    binding = bind(ELECTION, draft.manifest_hash, PersonId(draft.roles.paper), STRANGER, CODE)
    draft.insert(draft.find("binding", nth=-1) + 1, CredentialBound(binding=binding))


def issue_and_bind(draft: Draft) -> None:
    """The operator issues a code itself, to the owner who votes on paper, and binds its own key."""
    person = PersonId(draft.roles.paper)
    position = draft.find("binding", nth=-1) + 1
    issue = issue_code(
        ELECTION, draft.manifest_hash, person, CODE, STRANGER
    )  # the operator lacks the convener's key
    draft.insert(position, CodeIssued(issue=issue))
    draft.insert(
        position + 1,
        CredentialBound(binding=bind(ELECTION, draft.manifest_hash, person, STRANGER, CODE)),
    )


def delegate_for_absent(draft: Draft) -> None:
    """A delegation of the absent owner's vote to the proxy, signed by the operator."""
    position = draft.find("delegation")
    proxy = VerifyKey.from_hex(draft.event(position)["delegation"]["body"]["proxy"])
    delegation = delegate(
        ELECTION, draft.manifest_hash, PersonId(draft.roles.absent), STRANGER, proxy, expires=CLOSES
    )
    draft.insert(position + 1, DelegationGiven(delegation=delegation))


def revoke_by_stranger(draft: Draft) -> None:
    position = draft.find("delegation", draft.roles.delegated)
    revocation = revoke(ELECTION, draft.manifest_hash, draft.payload(position).id(), STRANGER)
    draft.insert(position + 1, DelegationRevoked(revocation=revocation))


def revoke_before_proxy_votes(draft: Draft) -> None:
    """The revocation moves before the proxy's ballot, which now uses a revoked delegation."""
    ballot = draft.find("ballot", draft.roles.revoked)
    draft.move(draft.find("revocation"), ballot, at=draft.entries[ballot - 1]["at"])


def cast_after_close(draft: Draft) -> None:
    ballot = draft.find("ballot", draft.roles.voter)
    draft.move(ballot, draft.find("close"), at=CLOSES + 30)


def cast_before_opening(draft: Draft) -> None:
    ballot, binding = draft.find("ballot", draft.roles.voter), draft.find("binding", nth=-1)
    draft.move(ballot, binding + 1, at=draft.entries[binding]["at"])


def swap_revote(draft: Draft) -> None:
    """A vote and its re-vote change places; the times stay in order."""
    one, two = (draft.find("ballot", draft.roles.revoter, nth) for nth in (0, 1))
    draft.swap(one, two)
    draft.entries[one]["at"], draft.entries[two]["at"] = (
        draft.entries[two]["at"],
        draft.entries[one]["at"],
    )


def swap_ballots(draft: Draft) -> None:
    """Two ballots change places, each keeping its time: time goes back."""
    voter = draft.find("ballot", draft.roles.voter)
    draft.swap(voter, voter + 1)


def cast_challenged(draft: Draft) -> None:
    position = draft.find("challenge")
    ballot = draft.event(position)["opened"]["ballot"]
    draft.insert(position + 1, {"type": "ballot", "ballot": ballot})


class _Nonces:
    """The operator's randomness for a ballot of its own: nothing in it is secret."""

    def __init__(self) -> None:
        self._drawn = 0

    def scalar(self) -> Scalar:
        self._drawn += 1
        return Scalar.from_int(7919 * self._drawn)

    def bytes(self, size: int) -> bytes:
        return b"\x05" * size


def paper_by_stranger(draft: Draft) -> None:
    """A paper ballot for the absent owner, signed by the operator, not the convener."""
    opened = prepare_ballot(
        draft.demo.election(), PersonId(draft.roles.absent), STRANGER, {},
        counter=1, kind=BallotKind.PAPER, scan=Bytes32(b"\x11" * 32), randomness=_Nonces(),
    )  # fmt: skip
    draft.insert(draft.find("paper") + 1, PaperEntered(ballot=opened.ballot))


def extend_the_window(draft: Draft) -> None:
    # Signed with the operator's own key: it lacks the convener's (and 120 days is too long anyway).
    extension = extend_window(ELECTION, draft.manifest_hash, CLOSES + 120 * 86_400, STRANGER)
    draft.insert(draft.find("close"), WindowExtended(extension=extension))


def close_early(draft: Draft) -> None:
    draft.retime(draft.find("close"), CLOSES - 60)


def go_back_in_time(draft: Draft) -> None:
    draft.retime(draft.find("ballot", draft.roles.voter), OPENS)


def empty_heads(directory: Path) -> None:
    (directory / HEADS_FILE).write_bytes(b"")


# -- the cases -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    adversary: Adversary
    check: Check
    where: Where = touched
    status: Status = Status.FAIL
    #: Whether an operator's re-signed board still passes 15.2 (not without a manifest to name
    #: the board key).
    board_passes: bool = True
    #: Whether the verifier is given the heads the board published before (voters' receipts,
    #: observers' copies), which the operator cannot re-sign.
    kept_heads: bool = False


def case(name: str, *fields: Any, **options: Any) -> Any:
    """A named case."""
    return pytest.param(Case(*fields, **options), id=name)


# fmt: off
CASES = [
    # -- 15.1 record format and files ------------------------------------------------------------
    case("file missing",
         by_hand(lambda d: (d / "delegations.jsonl").unlink(), reindexed=False),
         Check.FORMAT, saying("delegations.jsonl: missing")),
    case("extra line, record.json untouched",
         by_hand(append_copy("notices.jsonl", 0), reindexed=False),
         Check.FORMAT, saying("notices.jsonl: 2 lines, record.json says 1")),
    case("extra line, file hashes fixed",
         by_hand(append_copy("notices.jsonl", 0)),
         Check.FORMAT, saying("appears again, or out of order, in notices.jsonl")),
    case("whitespace in a line",
         by_hand(edit_line("manifest.json", 0, lambda line: line.replace(b"{", b"{ ", 1))),
         Check.FORMAT, saying("entry 0 in manifest.json is not in canonical form")),
    case("fields of a line reordered",
         by_hand(edit_line("notices.jsonl", 0, at_first)),
         Check.FORMAT, saying("in notices.jsonl is not in canonical form")),
    case("fields of a ballot's line reordered",
         by_hand(edit_line("ballots.jsonl", 0, at_first)),
         Check.FORMAT, saying("in ballots.jsonl is not in canonical form")),
    case("upper-case hex",
         by_hand(edit_json("delegations.jsonl", 0, setting("event.delegation.signature", str.upper))),
         Check.FORMAT, saying("a line of delegations.jsonl does not decode")),
    case("a line that is not UTF-8",
         by_hand(edit_line("notices.jsonl", 0, lambda line: line.replace(b"Results", b"R\xe9sults"))),
         Check.FORMAT, saying("a line of notices.jsonl does not decode")),
    case("entry moved to another file",
         by_hand(move_line("ballots.jsonl", -1, "notices.jsonl")),
         Check.FORMAT, saying("entry in notices.jsonl")),
    case("two lines of a file swapped",
         by_hand(swap_lines("ballots.jsonl", 3, 4)),
         Check.FORMAT, saying("out of order, in ballots.jsonl")),
    case("record.json: version 3",
         by_hand(edit_json(INDEX_FILE, 0, setting("version", 3)), reindexed=False),
         Check.FORMAT, saying("record format version 3")),
    case("record.json: version 1 (the format before manifest-bound signatures)",
         by_hand(edit_json(INDEX_FILE, 0, setting("version", 1)), reindexed=False),
         Check.FORMAT, saying("record format version 1; this evote reads 2")),
    case("record.json: the files listed out of order",
         by_hand(edit_json(INDEX_FILE, 0, lambda index: {**index, "files": index["files"][::-1]}),
                 reindexed=False),
         Check.FORMAT, saying("each once and in this order")),
    case("record.json: an election id with terminal escapes",
         by_hand(edit_json(INDEX_FILE, 0, setting("election", "x\u001b[2J\u001b[32m"))),
         Check.FORMAT, saying("contains a control or invisible formatting character")),
    case("record.json: an unknown field",
         by_hand(edit_json(INDEX_FILE, 0, setting("signed_by", "me")), reindexed=False),
         Check.FORMAT, saying("record.json: not an evote record index")),
    case("record.json: the size",
         by_hand(edit_json(INDEX_FILE, 0, setting("size", lambda n: n + 1)), reindexed=False),
         Check.FORMAT, one_entry_more),
    case("record.json: a file not of the format",
         by_hand(list_another_file, reindexed=False),
         Check.FORMAT, saying("votes.jsonl: not a file of this format")),
    case("record.json: the election",
         by_hand(edit_json(INDEX_FILE, 0, setting("election", "another")), reindexed=False),
         Check.FORMAT, saying("record.json")),
    case("a point that is not a point",
         operator(change(VOTER, CIPHERTEXT, "ff" * 32)),
         Check.FORMAT, saying("a line of ballots.jsonl does not decode")),
    case("an index skipped",
         operator(remove(of("absent", "code")), renumber=False),
         Check.FORMAT, saying("missing (found entry")),
    case("an index repeated",
         operator(duplicate(first("notice")), renumber=False),
         Check.FORMAT, saying("appears again, or out of order, in notices.jsonl")),
    # -- 15.2 the board, without its key -------------------------------------------------------
    case("a head's signature",
         by_hand(edit_json(HEADS_FILE, 0, setting("signature", flip))),
         Check.BOARD, head(0)),
    case("heads reordered",
         by_hand(swap_lines(HEADS_FILE, 0, 1)),
         Check.BOARD, saying("the heads of heads.jsonl do not grow in size")),
    case("heads removed",
         by_hand(empty_heads),
         Check.BOARD, saying("heads.jsonl")),
    case("final head replaced by an earlier one",
         by_hand(first_head_as_final, reindexed=False),
         Check.BOARD, final_is_first_head),
    case("final head's root",
         by_hand(edit_json(INDEX_FILE, 0, setting("head.head.root", flip)), reindexed=False),
         Check.BOARD, head(-1)),
    case("entry changed, not re-signed",
         outsider(change(first("notice"), "text", "Nothing to see.")),
         Check.BOARD, head(-1)),
    case("entry removed, not re-signed",
         outsider(remove(VOTER)),
         Check.BOARD, beyond_the_record),
    # -- 15.3 manifest and roll, by the operator -------------------------------------------------
    case("manifest removed",
         operator(remove(first("manifest"))),
         Check.SETUP, saying("entry 0: refused (wrong-phase): the first entry must be"),
         board_passes=False),
    case("roll removed",
         operator(remove(first("roll"))),
         Check.SETUP, saying("entry 1: refused (wrong-phase): the roll must follow the manifest")),
    case("roll published twice",
         operator(duplicate(first("roll"))),
         Check.SETUP),
    # -- 15.4 the key ceremony, bound to the manifest's hash -------------------------------------
    case("manifest: the title",
         operator(change(first("manifest"), "manifest.title", "Another assembly")),
         Check.CEREMONY, entry("announcement")),
    case("manifest: the threshold",
         operator(change(first("manifest"), "manifest.threshold", 3)),
         Check.CEREMONY, entry("announcement")),
    case("manifest: a motion's matter",
         operator(change(first("manifest"), "manifest.questions.1.matter", "rebuild")),
         Check.CEREMONY, entry("announcement")),
    case("manifest: the window",
         operator(change(first("manifest"), "manifest.window.closes", CLOSES + 86_400)),
         Check.CEREMONY, entry("announcement")),
    case("announcement removed",
         operator(remove(first("announcement", 2))),
         Check.CEREMONY, entry("dealing")),
    case("dealing removed",
         operator(remove(first("dealing", 2))),
         Check.CEREMONY, entry("ceremony")),
    case("dealing: a commitment",
         operator(change(first("dealing", 1), "dealing.commitments.1", another_point)),
         Check.CEREMONY, entry("ceremony")),
    case("complaint added",
         operator(add_complaint),
         Check.CEREMONY, entry("ceremony")),
    case("outcome: the joint key",
         operator(change(first("ceremony"), "outcome.joint_key", another_point)),
         Check.CEREMONY),
    case("outcome: a verification key",
         operator(change(first("ceremony"), "outcome.verification_keys.1", another_point)),
         Check.CEREMONY),
    # -- 15.5 codes and bindings -------------------------------------------------------------------
    case("binding: the code",
         operator(change(of("voter", "binding"), "binding.body.code", CODE)),
         Check.REGISTRATION),
    case("binding with a used code",
         operator(bind_with_used_code),
         Check.REGISTRATION),
    case("binding without an issued code",
         operator(bind_unissued),
         Check.REGISTRATION),
    case("code issue removed",
         operator(remove(of("voter", "code"))),
         Check.REGISTRATION, entry("binding", "voter")),
    case("code issued by the operator",
         operator(issue_and_bind),
         Check.REGISTRATION, saying("not signed by the convener")),
    # -- 15.6 delegations and revocations ----------------------------------------------------------
    case("delegation signed by a non-owner",
         operator(delegate_for_absent),
         Check.DELEGATIONS),
    case("delegation: its expiry",
         operator(change(of("delegated", "delegation"), "delegation.body.expires", CLOSES - 60)),
         Check.DELEGATIONS),
    case("revocation by a stranger",
         operator(revoke_by_stranger),
         Check.DELEGATIONS),
    case("delegation repeated",
         operator(duplicate(first("delegation"))),
         Check.DELEGATIONS),
    case("revocation repeated",
         operator(duplicate(first("revocation"))),
         Check.DELEGATIONS),
    # -- 15.7 ballot signatures and proofs ---------------------------------------------------------
    case("ballot: a bit of a selection proof",
         operator(change(VOTER, SELECTION_PROOF, flip)),
         Check.BALLOT_PROOFS, saying("the signature does not verify")),
    case("ballot: a bit of a selection proof, re-signed by the voter",
         operator(change(VOTER, SELECTION_PROOF, flip, resign=True)),
         Check.BALLOT_PROOFS, saying("question renew, selection 0: selection proof")),
    case("ballot: a bit of a range proof, re-signed by the voter",
         operator(change(VOTER, RANGE_PROOF, flip, resign=True)),
         Check.BALLOT_PROOFS, saying("question fund: range proof")),
    case("ballot: a ciphertext, re-signed by the voter",
         operator(change(VOTER, CIPHERTEXT, another_point, resign=True)),
         Check.BALLOT_PROOFS, saying("question renew, selection 0")),
    case("paper ballot: the scan",
         operator(change(of("paper", "paper"), f"{BALLOT}.scan", flip)),
         Check.BALLOT_PROOFS),
    case("challenged ballot: an opening",
         operator(change(first("challenge"), "opened.openings.0.values.0", lambda v: 1 - v)),
         Check.BALLOT_PROOFS, saying("question renew, selection 0: the opening")),
    # -- 15.8 the ballot box -----------------------------------------------------------------------
    case("ballot: the person",
         operator(give_ballot_to_absent(resign=False)),
         Check.BOX_RULES, not_bound_to_absent),
    case("ballot moved to another owner, re-signed by the voter",
         operator(give_ballot_to_absent(resign=True)),
         Check.BOX_RULES, not_bound_to_absent),
    case("ballot repeated",
         operator(duplicate(VOTER)),
         Check.BOX_RULES),
    case("revoked delegation used",
         operator(revoke_before_proxy_votes),
         Check.BOX_RULES, entry("ballot", "revoked")),
    case("delegation removed",
         operator(remove(of("delegated", "delegation"))),
         Check.BOX_RULES, entry("ballot", "delegated")),
    case("ballot after the close",
         operator(cast_after_close),
         Check.BOX_RULES),
    case("ballot before the window opens",
         operator(cast_before_opening),
         Check.BOX_RULES),
    case("challenged ballot cast",
         operator(cast_challenged),
         Check.BOX_RULES),
    case("challenge repeated",
         operator(duplicate(first("challenge"))),
         Check.BOX_RULES),
    case("paper ballot not signed by the convener",
         operator(paper_by_stranger),
         Check.BOX_RULES),
    case("direct ballot entered as paper",
         operator(change(VOTER, "type", "paper")),
         Check.BOX_RULES),
    case("window extended",
         operator(extend_the_window),
         Check.BOX_RULES),
    case("close before the window ends",
         operator(close_early),
         Check.BOX_RULES),
    case("roll: a unit's area",
         operator(change(first("roll"), "roll.units.0.area", lambda area: area + 1)),
         Check.BOX_RULES, entry("ballot")),
    case("roll: an owner added",
         operator(change(first("roll"), "roll", add_owner)),
         Check.BOX_RULES, entry("ballot")),
    # -- 15.9 the tally ----------------------------------------------------------------------------
    case("ballot removed",
         operator(remove(VOTER)),
         Check.TALLY, entry("tally")),
    case("revocation removed",
         operator(remove(first("revocation"))),
         Check.TALLY, entry("tally")),
    case("re-vote removed",
         operator(remove(of("revoter", nth=1))),
         Check.TALLY, entry("tally")),
    case("close removed",
         operator(remove(first("close"))),
         Check.TALLY, entry("tally")),
    case("tally: a sum",
         operator(change(first("tally"), "tally.questions.0.selections.0.area.beta", another_point)),
         Check.TALLY),
    case("tally: a participation",
         operator(change(first("tally"), "tally.questions.2.participation.area", lambda a: a - 1)),
         Check.TALLY),
    # -- 15.10 decryption ----------------------------------------------------------------------------
    case("share: a partial decryption",
         operator(change(first("share"), "share.partials.3.point", another_point)),
         Check.DECRYPTION, saying("partial decryption of trustee 1")),
    case("share removed: fewer than k",
         operator(remove(first("share", 1))),
         Check.DECRYPTION, saying("1 valid tally share(s), 2 needed")),
    case("share repeated",
         operator(duplicate(first("share"))),
         Check.DECRYPTION, saying("trustee 1 shared twice")),
    case("share: relabelled as another trustee's",
         operator(change(first("share", 1), "share.trustee", 2)),
         Check.DECRYPTION, saying("a partial decryption marked as trustee 3's")),
    case("results: a count",
         operator(change(first("results"), "counts.0.selections.0.headcount", lambda n: n + 1)),
         Check.DECRYPTION),
    # -- 15.11 the results ---------------------------------------------------------------------------
    case("results: a motion passes",
         operator(change(first("results"), "results.1.passed", lambda passed: not passed)),
         Check.RESULTS),
    case("results: the quorum",
         operator(change(first("results"), "results.0.quorum_met", lambda met: not met)),
         Check.RESULTS),
    case("record ends before the results",
         operator(remove(first("notice"), first("results"))),
         Check.RESULTS, saying("the record ends before the results"), status=Status.SKIP),
    # -- 15.12 order and time ------------------------------------------------------------------------
    case("time goes back",
         operator(go_back_in_time),
         Check.ORDER),
    case("two ballots swapped",
         operator(swap_ballots),
         Check.ORDER),
    case("ceremony outcome removed",
         operator(remove(first("ceremony"))),
         Check.ORDER, entry("code")),
    # -- what only heads kept outside the record, or the convener's signature, could show -------
    case("notice: its text",
         operator(change(first("notice"), "notice.body.text", "The vote is cancelled.")),
         Check.SETUP, saying("a notice not signed by the convener")),
    # The tally does not change: only heads published before and kept outside the record show it.
    case("superseded ballot removed",
         operator(remove(of("revoter"))),
         Check.BOARD, saying("kept outside"), kept_heads=True),
    case("challenge removed",
         operator(remove(first("challenge"))),
         Check.BOARD, saying("kept outside"), kept_heads=True),
]
# fmt: on


@pytest.mark.parametrize("case", CASES)
def test_tampering_is_caught(demo: DemoRecord, case: Case, tmp_path: Path) -> None:
    directory, draft = case.adversary.tamper(demo, tmp_path / "record")
    report = verify_record(directory, heads=demo.heads if case.kept_heads else ())
    result = report.checks[case.check]
    assert not report.valid, report.render()
    assert result.status is case.status, report.render()
    where = case.where(draft)
    assert where in result.message, f"{where!r} is not in: {result.message}"
    if case.adversary.consistent and case.board_passes:
        # A forgery as good as the board key makes it: only what the case changed is caught.
        for check in {Check.FORMAT, Check.BOARD} - {case.check}:
            assert report.checks[check].status is Status.PASS, report.render()


def test_the_voters_order_of_re_votes_decides_not_the_boards(
    demo: DemoRecord, tmp_path: Path
) -> None:
    # A vote and its re-vote change places on the board: the later-signed ballot (the greater
    # counter) still counts, so the record keeps its tally and results (spec §11.3).
    directory, _ = operator(swap_revote).tamper(demo, tmp_path / "record")
    report = verify_record(directory)
    assert report.valid, report.render()
    original = verify_record(demo.directory).summary
    assert report.summary.results is not None
    assert report.summary.results == original.results


def test_one_unreadable_line_is_one_finding(demo: DemoRecord, tmp_path: Path) -> None:
    # A binding's line is cut short: the replay stops there, so the ballots it would have allowed
    # are not reported as refused; the stages after it are marked as not checked (spec §15.1).
    directory = demo.copy(tmp_path / "record")
    path = directory / "registration.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[3] = lines[3][:40] + b"\n"
    path.write_bytes(b"".join(lines))
    reindex(directory)
    report = verify_record(directory)
    failures = [(c.id, f) for c in report.checks.values() for f in c.failures]
    # The line, and — since the board signed another line there — its heads, as one finding.
    assert [check for check, _ in failures] == [Check.FORMAT, Check.BOARD], failures
    assert "a line of registration.jsonl does not decode" in failures[0][1]
    assert "heads, of sizes" in failures[1][1]
    for later in (Check.TALLY, Check.DECRYPTION, Check.RESULTS):
        assert report.checks[later].status is Status.SKIP
        assert "the replay stopped at entry" in report.checks[later].message


def test_an_unreadable_ballot_line_reads_the_same_with_workers(
    demo: DemoRecord, tmp_path: Path
) -> None:
    directory = demo.copy(tmp_path / "record")
    path = directory / "ballots.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2][:60] + b"\n"
    path.write_bytes(b"".join(lines))
    reindex(directory)
    alone = verify_record(directory).to_json()
    assert verify_record(directory, jobs=2).to_json() == alone
    (finding,) = alone["checks"][0]["findings"]
    assert finding["message"].count("does not decode") == 1


def test_at_least_thirty_kinds_are_caught() -> None:
    assert len(CASES) >= 30


#: Cases whose ballot lines the workers of ``--jobs`` see (spec §15.14).
IN_BALLOTS_FILE = (
    "fields of a ballot's line reordered",
    "entry moved to another file",
    "two lines of a file swapped",
    "ballot: a bit of a selection proof",
    "ballot: a bit of a range proof, re-signed by the voter",
    "challenged ballot: an opening",
    "ballot repeated",
)


@pytest.mark.parametrize("case", [c for c in CASES if c.id in IN_BALLOTS_FILE])
def test_workers_find_what_the_main_process_finds(
    demo: DemoRecord, case: Case, tmp_path: Path
) -> None:
    directory, _ = case.adversary.tamper(demo, tmp_path / "record")
    alone = verify_record(directory).to_json()
    assert not alone["valid"]
    assert verify_record(directory, jobs=2).to_json() == alone


@settings(max_examples=8)
@given(data=st.data())
def test_any_flipped_bit_is_caught(demo: DemoRecord, data: st.DataObject) -> None:
    """A bit flipped anywhere in an entry file or heads.jsonl, with record.json made to match: the
    record is invalid, a check says why, and nothing escapes the verifier.
    """
    name = data.draw(st.sampled_from((*ENTRY_FILES, HEADS_FILE)), label="file")
    lines = (demo.directory / name).read_bytes().splitlines(keepends=True)
    number = data.draw(st.integers(0, len(lines) - 1), label="line")
    bit = data.draw(st.integers(0, 8 * len(lines[number]) - 1), label="bit")
    line = bytearray(lines[number])
    line[bit // 8] ^= 1 << (bit % 8)
    assume(_is_utf8(line))  # not UTF-8: the case "a line that is not UTF-8"
    with tempfile.TemporaryDirectory() as scratch:
        directory = demo.copy(Path(scratch) / "record")
        (directory / name).write_bytes(b"".join([*lines[:number], line, *lines[number + 1 :]]))
        reindex(directory)
        report = verify_record(directory)
    assert not report.valid
    assert any(c.status is Status.FAIL for c in report.checks.values()), report.render()


def _is_utf8(data: bytes | bytearray) -> bool:
    try:
        bytes(data).decode()
    except UnicodeDecodeError:
        return False
    return True


def test_an_unreadable_first_line_of_a_file_stays_in_its_place(
    demo: DemoRecord, tmp_path: Path
) -> None:
    # The first code issue's line becomes garbage: merged where it stood (before the next line of
    # its file), it stops the replay there — not at entry 0, which would lose the manifest.
    directory = demo.copy(tmp_path / "record")
    path = directory / "registration.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[0] = b"garbage\n"
    path.write_bytes(b"".join(lines))
    reindex(directory)
    report = verify_record(directory)
    failures = [(c.id, f) for c in report.checks.values() for f in c.failures]
    assert [check for check, _ in failures] == [Check.FORMAT, Check.BOARD], failures
    assert report.checks[Check.SETUP].status is Status.PASS  # the manifest and the roll applied
    first = demo.draft().find("code")
    assert f"the replay stopped at entry {first}," in report.checks[Check.TALLY].message
