"""A community's record, with its election's, verified and tampered with (spec §16.7, §16.8).

The demo's community and vote are simulated once, small; each test writes a changed copy of the
community's record — re-signed by the board, as a dishonest board could — and checks that the
verifier fails the check that names the change, and only where it should.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import pytest

from evote import (
    Board,
    Bytes32,
    CommunityBoard,
    ElectionQuestion,
    MemoryStorage,
    QuestionId,
    SignedTreeHead,
    Status,
    Transaction,
    TreeHead,
    decode,
    encode,
    export_record,
    verify_community_record,
)
from evote._internal.community.events import COMMUNITY_LAYOUT, CommunityEntry
from evote._internal.community.fund import sign_statement
from evote._internal.record import write_record
from evote.cli.community import COMMUNITY, CommunityOutcome, community_key
from evote.cli.demo import ELECTION, board_key, simulate_community
from evote.errors import Check, Reason
from evote.hazmat.merkle import MerkleTree, leaf_hash
from evote.hazmat.transcript import Domain
from tests.records import SeededRandomness

SEED, OWNERS = 8, 12  # seed 8: the fund motion passes, raising the fund fails
Json = dict[str, object]


@dataclass
class Demo:
    directory: Path  # the community's record, the election's under elections/
    lines: list[bytes]
    community: CommunityOutcome
    manifest_hash: bytes

    def entries(self) -> list[CommunityEntry]:
        return [decode(line, CommunityEntry) for line in self.lines]

    def write(self, directory: Path, lines: list[bytes]) -> Path:
        """The community's record with ``lines``, its heads signed again by the board's key."""
        tree = MerkleTree()
        for line in lines:
            tree.append(leaf_hash(line))
        latest = max(msgspec.json.decode(line)["at"] for line in lines)
        head = TreeHead(election=COMMUNITY, size=tree.size, root=Bytes32(tree.root()), at=latest)
        key = community_key("community board", SEED)
        signed = SignedTreeHead(head=head, signature=key.sign(Domain.SIGN_TREE_HEAD, head))
        write_record(directory, COMMUNITY, lines, [signed], COMMUNITY_LAYOUT)
        shutil.copytree(self.directory / "elections", directory / "elections")
        return directory


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    randomness = SeededRandomness(b"community")
    community_board = CommunityBoard(
        COMMUNITY, MemoryStorage(), community_key("community board", SEED)
    )
    board = Board(ELECTION, MemoryStorage(), board_key(SEED))
    community, outcome = simulate_community(
        OWNERS, SEED, community_board, board, randomness=randomness
    )
    directory = tmp_path_factory.mktemp("community") / "record"
    export_record(community_board, directory)
    (directory / "elections").mkdir()
    export_record(board, directory / "elections" / ELECTION)
    return Demo(
        directory=directory,
        lines=list(community_board.raw_entries()),
        community=community,
        manifest_hash=outcome.assembly.election.manifest.hash(),
    )


def _failed(directory: Path) -> set[str]:
    verdict = verify_community_record(directory)
    return {c.id.value for c in verdict.community.checks.values() if c.status is Status.FAIL}


def test_the_demo_community_verifies_with_its_election(demo: Demo) -> None:
    verdict = verify_community_record(demo.directory, jobs=2)
    assert verdict.valid, verdict.render()
    summary = verdict.community.summary
    assert summary.petitions is not None
    reached = {p.petition: p.reached_at is not None for p in summary.petitions}
    assert reached == {"interim-meeting-2026": True, "dismiss-property-2026": False}
    assert summary.balance is not None
    assert [*verdict.elections] == [str(demo.directory / "elections" / ELECTION)]
    # Rewritten unchanged, it still verifies: the harness changes nothing by itself.
    assert verify_community_record(demo.write(demo.directory.parent / "same", demo.lines)).valid


def test_without_its_election_the_links_fail(demo: Demo, tmp_path: Path) -> None:
    alone = tmp_path / "alone"
    shutil.copytree(demo.directory, alone)
    shutil.rmtree(alone / "elections")
    verdict = verify_community_record(alone)
    links = verdict.community.checks[Check.LINKS]
    assert links.status is Status.FAIL
    said = " ".join(f.render() for f in links.findings)
    assert "whose record is not given" in said


# -- one change per kind of entry, each caught by its check ----------------------------------------


def _edit(kind: str, change: Callable[[Json], None], nth: int = 0) -> Callable[[Demo], list[bytes]]:
    """Change the ``nth`` entry of ``kind`` in place (its JSON), keeping the rest."""

    def edit(demo: Demo) -> list[bytes]:
        lines = list(demo.lines)
        found = [
            i for i, ln in enumerate(lines) if msgspec.json.decode(ln)["event"]["type"] == kind
        ]
        index = found[nth]
        entry = msgspec.json.decode(lines[index])
        change(entry["event"])
        lines[index] = msgspec.json.encode(entry)
        return lines

    return edit


def _drop(kind: str, nth: int = 0) -> Callable[[Demo], list[bytes]]:
    """Remove the ``nth`` entry of ``kind``, renumbering the entries after it."""

    def drop(demo: Demo) -> list[bytes]:
        entries = [msgspec.json.decode(ln) for ln in demo.lines]
        found = [i for i, e in enumerate(entries) if e["event"]["type"] == kind]
        del entries[found[nth]]
        for index, entry in enumerate(entries):
            entry["index"] = index
        return [msgspec.json.encode(e) for e in entries]

    return drop


def _change(path: str, new: Callable[[object], object]) -> Callable[[Json], None]:
    """Replace the value at ``path`` (names and list indices, dotted) by ``new(value)``."""

    def change(event: Json) -> None:
        *parents, last = path.split(".")
        node: Any = event
        for name in parents:
            node = node[int(name)] if isinstance(node, list) else node[name]
        node[last] = new(node[last])

    return change


def _set(path: str, value: object) -> Callable[[Json], None]:
    return _change(path, lambda _: value)


def _text(path: str) -> Callable[[Json], None]:
    return _change(path, lambda old: f"{old} (altered)")


def _later(path: str) -> Callable[[Json], None]:
    return _change(path, lambda old: old + 1)  # type: ignore[operator]


def _statement(
    demo: Demo, change: Callable[[list[Transaction]], list[Transaction]], nth: int = 10
) -> list[bytes]:
    """The ``nth`` statement with its transactions changed, signed again by the bank, and every
    later statement chained on it (so that only ``change`` is wrong).
    """
    entries = demo.entries()
    bank = community_key("bank", SEED)
    statements = [i for i, e in enumerate(entries) if e.event.__struct_config__.tag == "statement"]
    lines = list(demo.lines)
    balance = None
    for count, index in enumerate(statements):
        entry = entries[index]
        body = entry.event.statement.body  # type: ignore[union-attr]
        if count < nth:
            continue
        transactions = list(body.transactions)
        if count == nth:
            transactions = change(transactions)
        opening = body.opening if balance is None else balance
        new = msgspec.structs.replace(
            body, opening=opening, transactions=tuple(transactions),
            closing=opening + sum(t.amount for t in transactions),
        )  # fmt: skip
        balance = new.closing
        event = msgspec.structs.replace(entry.event, statement=sign_statement(new, bank))
        lines[index] = encode(msgspec.structs.replace(entry, event=event))
    return lines


def _transfer(demo: Demo, **changes: object) -> list[bytes]:
    def change(transactions: list[Transaction]) -> list[Transaction]:
        return [
            msgspec.structs.replace(t, **changes) if t.decision is not None else t
            for t in transactions
        ]

    return _statement(demo, change)


def _foreign(demo: Demo) -> list[bytes]:
    other = Bytes32(bytes(32))
    return _transfer(demo, decision=ElectionQuestion(election=other, question=QuestionId("fund")))


def _failed_motion(demo: Demo) -> list[bytes]:
    decision = ElectionQuestion(election=Bytes32(demo.manifest_hash), question=QuestionId("raise"))
    return _transfer(demo, decision=decision)


def _over_amount(demo: Demo) -> list[bytes]:
    return _transfer(demo, amount=-80_000_001)


def _a_rating_is_no_motion(demo: Demo) -> list[bytes]:
    decision = ElectionQuestion(
        election=Bytes32(demo.manifest_hash), question=QuestionId("service")
    )
    return _transfer(demo, decision=decision)


def _ends_before_reached(demo: Demo) -> list[bytes]:
    """The record stops right after the signature that reached the petition's rule."""
    kinds = [msgspec.json.decode(line)["event"]["type"] for line in demo.lines]
    return demo.lines[: kinds.index("petition-reached")]


def _meeting_notice_late(demo: Demo) -> list[bytes]:
    lines = list(demo.lines)
    entries = [msgspec.json.decode(ln) for ln in lines]
    (index,) = [
        i for i, e in enumerate(entries)
        if e["event"]["type"] == "notice" and e["event"]["notice"]["body"]["kind"] == "meeting"
    ]  # fmt: skip
    entries[index]["at"] += 10 * 86_400  # 10 days before voting opens, not 20
    lines[index] = msgspec.json.encode(entries[index])
    return lines


R = Reason
TAMPERS: dict[str, tuple[Callable[[Demo], list[bytes]], Check, Reason | str]] = {
    "charter-community": (
        _edit("charter", _set("charter.community", "elsewhere")), Check.CHARTER, R.WRONG_ELECTION,
    ),
    "roll-area": (_edit("roll", _set("roll.units.0.area", 1)), Check.PETITIONS, R.PROGRESS_MISMATCH),
    "code-issue": (
        _edit("code", _set("issue.body.code_hash", "00" * 32)), Check.REGISTRATION, R.BAD_SIGNATURE,
    ),
    "binding-person": (
        _edit("binding", _text("binding.body.person")), Check.REGISTRATION, R.NOT_ON_ROLL,
    ),
    "petition-deadline": (
        _edit("petition", _later("petition.body.deadline")), Check.PETITIONS, R.BAD_SIGNATURE,
    ),
    "signature-person": (
        _edit("petition-signature", _text("signature.body.person")), Check.PETITIONS,
        R.NOT_ON_ROLL,
    ),
    "signature-dropped": (_drop("petition-signature", 1), Check.PETITIONS, R.PROGRESS_MISMATCH),
    "reached-figures": (
        _edit("petition-reached", _set("reaching.progress.signed.headcount", 99)), Check.PETITIONS,
        R.PROGRESS_MISMATCH,
    ),
    "reached-dropped": (_drop("petition-reached"), Check.PETITIONS, R.PROGRESS_MISMATCH),
    "delegation-scope": (
        _edit("petition-delegation", _set("delegation.body.scope", ["committee-members"])),
        Check.PETITIONS, R.BAD_SIGNATURE,
    ),
    "delegation-dropped": (_drop("petition-delegation"), Check.PETITIONS, R.NOT_AUTHORISED),
    "ends-before-reached": (_ends_before_reached, Check.PETITIONS, "reached-unsaid"),
    "closed-figures": (
        _edit("petition-closed", _set("closing.progress.signed.area", 1)), Check.PETITIONS,
        R.PROGRESS_MISMATCH,
    ),
    "notice-text": (_edit("notice", _text("notice.body.text")), Check.NOTICES, R.BAD_SIGNATURE),
    "objection-text": (
        _edit("objection", _text("objection.body.text")), Check.NOTICES, R.BAD_SIGNATURE,
    ),
    "answer-upheld": (
        _edit("answer", _set("answer.body.upheld", False)), Check.NOTICES, R.BAD_SIGNATURE,
    ),
    "correction-reason": (
        _edit("roll-correction", _text("correction.body.reason")), Check.NOTICES, R.BAD_SIGNATURE,
    ),
    "statement-dropped": (_drop("statement", 5), Check.FUND, R.STATEMENT_CHAIN),
    "statement-closing": (
        _edit("statement", _set("statement.body.closing", 1)), Check.FUND, R.BAD_SIGNATURE,
    ),
    "opinion-text": (_edit("opinion", _text("opinion.body.text")), Check.OPINIONS, R.BAD_SIGNATURE),
    "reply-replier": (
        _edit("reply", _set("reply.body.replier", community_key("bank", SEED).verify_key.hex())),
        Check.OPINIONS, R.NOT_AUTHORISED,
    ),
    "transfer-foreign-decision": (_foreign, Check.LINKS, "cited-election-unknown"),
    "transfer-failed-decision": (_failed_motion, Check.LINKS, "decision-not-passed"),
    "transfer-over-amount": (_over_amount, Check.LINKS, "decision-over-amount"),
    "transfer-cites-a-rating": (_a_rating_is_no_motion, Check.LINKS, "cited-question"),
    "meeting-notice-late": (_meeting_notice_late, Check.LINKS, "no-meeting-notice"),
}  # fmt: skip


@pytest.mark.parametrize("name", TAMPERS)
def test_each_change_is_caught_by_its_check(demo: Demo, tmp_path: Path, name: str) -> None:
    tamper, check, expected = TAMPERS[name]
    verdict = verify_community_record(demo.write(tmp_path / name, tamper(demo)))
    findings = verdict.community.checks[check].findings
    found = [f.reason if isinstance(expected, Reason) else f.said.text.key for f in findings]
    assert expected in found, verdict.community.render()
