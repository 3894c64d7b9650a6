"""The key ceremony (spec §6.2–§6.4): honest runs, cheating dealers, complaints true and false."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evote._internal.encoding import Bytes32, HexBytes
from evote._internal.trustees.ceremony import (
    Announcement,
    CeremonyParameters,
    Complaint,
    Dealing,
    DealingProblem,
    EncryptedShare,
    Fault,
    Finding,
    Verdict,
    check_announcements,
    check_dealing,
    conclude,
    rule_on_complaint,
)
from evote._internal.trustees.trustee import CeremonyTrustee
from evote.errors import CeremonyError, InvalidEncoding, ParameterError
from evote.hazmat.group import BASE, Point, Scalar
from evote.hazmat.proofs.chaum_pedersen import ChaumPedersenProof
from evote.hazmat.randomness import OS_RANDOMNESS
from evote.hazmat.sealing import EncryptionSecret, seal
from tests.support import parameters
from tests.tampering import flatten, tamper

SHAPES = [(n, k) for n in range(1, 6) for k in range(1, n + 1)]


class Run:
    """A ceremony run in process, round by round, so that tests can interfere with any message."""

    def __init__(self, trustees: int, threshold: int) -> None:
        self.parameters = parameters(trustees, threshold)
        self.states = [CeremonyTrustee.start(self.parameters, i) for i in self.parameters.indices]
        self.announcements = [s.announce() for s in self.states]
        self.dealings = [s.deal(self.announcements) for s in self.states]
        self.keys = {a.trustee: a.encryption_key for a in self.announcements}

    def complaints(self) -> list[Complaint]:
        return [c for s in self.states for c in s.check_shares(self.announcements, self.dealings)]

    def replace_share(self, dealer: int, recipient: int, box: bytes) -> None:
        dealing = self.dealings[dealer - 1]
        shares = tuple(
            EncryptedShare(recipient=s.recipient, box=HexBytes(box))
            if s.recipient == recipient
            else s
            for s in dealing.shares
        )
        self.dealings[dealer - 1] = Dealing(
            dealer=dealing.dealer,
            commitments=dealing.commitments,
            proofs=dealing.proofs,
            shares=shares,
        )


@pytest.mark.parametrize(("trustees", "threshold"), SHAPES)
def test_honest_ceremony_gives_consistent_keys(trustees: int, threshold: int) -> None:
    run = Run(trustees, threshold)
    assert run.complaints() == []
    outcome = conclude(run.parameters, run.announcements, run.dealings, [])
    assert outcome.qualified == tuple(range(1, trustees + 1))
    assert outcome.disqualified == ()
    keys = [s.finish(outcome, run.dealings) for s in run.states]
    for key in keys:
        assert BASE * key.share == outcome.verification_key(key.trustee)
        assert key.joint_key == outcome.joint_key
    # The joint key is the sum of the dealers' constant-term commitments.
    joint: Point = run.dealings[0].commitments[0]
    for dealing in run.dealings[1:]:
        joint = joint + dealing.commitments[0]
    assert joint == outcome.joint_key


@pytest.mark.parametrize(
    ("box_for", "finding"),
    [
        pytest.param(
            lambda run: seal(run.keys[2], bytes(Scalar.from_int(7))),
            Finding.SHARE_MISMATCH,
            id="wrong share",
        ),
        pytest.param(
            lambda run: seal(run.keys[2], b"\xff" * 32), Finding.NOT_A_SCALAR, id="not a scalar"
        ),
        pytest.param(
            lambda _: seal(EncryptionSecret.generate().public, bytes(Scalar.from_int(7))),
            Finding.BOX_DOES_NOT_OPEN,
            id="sealed to another key",
        ),
        pytest.param(
            lambda run: seal(run.keys[2], b"\x01" * 33)[:80],
            Finding.BOX_DOES_NOT_OPEN,
            id="truncated box",
        ),
    ],
)
def test_a_bad_share_is_caught_by_an_upheld_complaint(box_for, finding: Finding) -> None:  # type: ignore[no-untyped-def]
    run = Run(3, 2)
    run.replace_share(dealer=1, recipient=2, box=box_for(run))
    complaints = run.complaints()
    assert [(c.accuser, c.dealer) for c in complaints] == [(2, 1)]
    outcome = conclude(run.parameters, run.announcements, run.dealings, complaints)
    assert outcome.qualified == (2, 3)
    assert [(d.dealer, d.fault) for d in outcome.disqualified] == [(1, Fault.COMPLAINT_UPHELD)]
    assert outcome.rulings[0].verdict is Verdict.UPHELD
    assert outcome.rulings[0].finding is finding
    # Every trustee, the cheating dealer included, still gets a working share from dealers 2 and 3.
    for state in run.states:
        key = state.finish(outcome, run.dealings)
        assert BASE * key.share == outcome.verification_key(state.trustee)


def test_a_false_complaint_is_dismissed_and_changes_nothing() -> None:
    run = Run(3, 2)
    honest = conclude(run.parameters, run.announcements, run.dealings, [])
    liar = run.states[1]
    complaint = liar._complain(run.keys, run.dealings[0], OS_RANDOMNESS)
    outcome = conclude(run.parameters, run.announcements, run.dealings, [complaint])
    assert outcome.rulings[0].verdict is Verdict.DISMISSED
    assert outcome.rulings[0].finding is Finding.SHARE_MATCHES
    assert outcome.qualified == (1, 2, 3)
    assert outcome.joint_key == honest.joint_key


def test_a_complaint_with_a_forged_point_is_refused() -> None:
    run = Run(3, 2)
    complaint = run.states[1]._complain(run.keys, run.dealings[0], OS_RANDOMNESS)
    forged = Complaint(
        accuser=2, dealer=1, shared_point=complaint.shared_point + BASE, proof=complaint.proof
    )
    ruling = rule_on_complaint(run.parameters, run.keys, run.dealings[0], forged)
    assert (ruling.verdict, ruling.finding) == (Verdict.INVALID, Finding.BAD_PROOF)
    # An invalid complaint cannot block the ceremony, nor harm the accused dealer.
    outcome = conclude(run.parameters, run.announcements, run.dealings, [forged])
    assert outcome.qualified == (1, 2, 3)


def test_a_complaint_cannot_be_moved_to_another_accuser() -> None:
    run = Run(3, 2)
    complaint = run.states[1]._complain(run.keys, run.dealings[0], OS_RANDOMNESS)
    moved = Complaint(
        accuser=3, dealer=1, shared_point=complaint.shared_point, proof=complaint.proof
    )
    ruling = rule_on_complaint(run.parameters, run.keys, run.dealings[0], moved)
    assert ruling.verdict is Verdict.INVALID
    self_accusation = Complaint(
        accuser=1, dealer=1, shared_point=complaint.shared_point, proof=complaint.proof
    )
    ruling = rule_on_complaint(run.parameters, run.keys, run.dealings[0], self_accusation)
    assert (ruling.verdict, ruling.finding) == (Verdict.INVALID, Finding.WRONG_TRUSTEES)


def test_publicly_invalid_dealings_disqualify_without_complaint() -> None:
    run = Run(4, 2)
    first, second = run.dealings[0], run.dealings[1]
    run.dealings[0] = Dealing(
        dealer=1, commitments=first.commitments[:1], proofs=first.proofs[:1], shares=first.shares
    )
    run.dealings[1] = Dealing(
        dealer=2, commitments=second.commitments, proofs=second.proofs[::-1], shares=second.shares
    )
    assert run.complaints() == []
    outcome = conclude(run.parameters, run.announcements, run.dealings, [])
    faults = {d.dealer: (d.fault, d.problem, d.item) for d in outcome.disqualified}
    assert faults == {
        1: (Fault.MALFORMED_DEALING, DealingProblem.COMMITMENT_COUNT, None),
        2: (Fault.MALFORMED_DEALING, DealingProblem.COEFFICIENT_PROOF, 0),
    }
    assert outcome.qualified == (3, 4)


def test_missing_dealing_disqualifies_and_too_few_qualified_stops_the_ceremony() -> None:
    run = Run(3, 2)
    outcome = conclude(run.parameters, run.announcements, run.dealings[1:], [])
    assert outcome.disqualified[0].fault is Fault.NO_DEALING
    with pytest.raises(CeremonyError, match="only 1 qualified dealer"):
        conclude(run.parameters, run.announcements, run.dealings[2:], [])


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: Dealing(dealer=d.dealer, commitments=d.commitments, proofs=d.proofs,
                           shares=d.shares[:-1]), "expected shares for trustees"),
        (lambda d: Dealing(dealer=d.dealer, commitments=d.commitments, proofs=d.proofs,
                           shares=d.shares[::-1]), "expected shares for trustees"),
        (lambda d: Dealing(dealer=d.dealer, commitments=d.commitments[::-1], proofs=d.proofs,
                           shares=d.shares), "does not verify"),
        (lambda d: Dealing(dealer=9, commitments=d.commitments, proofs=d.proofs,
                           shares=d.shares), "outside"),
    ],
)  # fmt: skip
def test_check_dealing_names_what_is_wrong(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    run = Run(3, 2)
    with pytest.raises(CeremonyError, match=message):
        check_dealing(run.parameters, mutate(run.dealings[0]))


def test_a_box_whose_ephemeral_key_is_off_the_subgroup_disqualifies() -> None:
    run = Run(3, 2)
    box = bytearray(run.dealings[0].shares[0].box)
    box[:32] = (2**255 - 20).to_bytes(32, "little")  # u = p − 1: no Edwards point
    run.replace_share(dealer=1, recipient=2, box=bytes(box))
    with pytest.raises(CeremonyError, match="share for trustee 2"):
        check_dealing(run.parameters, run.dealings[0])


def test_announcements_must_be_complete_distinct_and_proved() -> None:
    run = Run(3, 2)
    with pytest.raises(CeremonyError, match="no announcement from trustee"):
        check_announcements(run.parameters, run.announcements[:2])
    with pytest.raises(CeremonyError, match="announced twice"):
        check_announcements(run.parameters, [*run.announcements, run.announcements[0]])
    stolen = Announcement(
        trustee=2,
        encryption_key=run.announcements[0].encryption_key,
        proof=run.announcements[0].proof,
    )
    with pytest.raises(CeremonyError, match="another trustee's encryption key"):
        check_announcements(run.parameters, [run.announcements[0], stolen, run.announcements[2]])
    unproved = Announcement(
        trustee=1,
        encryption_key=run.announcements[1].encryption_key,
        proof=run.announcements[0].proof,
    )
    with pytest.raises(CeremonyError, match="Schnorr proof does not verify"):
        check_announcements(run.parameters, [unproved, *run.announcements[2:]])


def test_messages_from_another_ceremony_do_not_verify() -> None:
    run = Run(3, 2)
    other = CeremonyParameters(election=Bytes32(bytes(32)), trustees=3, threshold=2)
    with pytest.raises(CeremonyError, match="Schnorr proof"):
        check_announcements(other, run.announcements)
    with pytest.raises(CeremonyError, match="coefficient 0"):
        check_dealing(other, run.dealings[0])


def test_a_repeated_dealing_counts_once_and_two_different_ones_disqualify() -> None:
    run = Run(3, 2)
    once = conclude(run.parameters, run.announcements, run.dealings, [])
    twice = conclude(run.parameters, run.announcements, [*run.dealings, run.dealings[0]], [])
    assert twice == once
    other = run.states[0].deal(run.announcements)  # fresh proofs and boxes: a different dealing
    outcome = conclude(run.parameters, run.announcements, [*run.dealings, other], [])
    assert [(d.dealer, d.fault) for d in outcome.disqualified] == [(1, Fault.EQUIVOCATION)]


def test_repeated_complaints_are_each_ruled() -> None:
    run = Run(3, 2)
    run.replace_share(dealer=1, recipient=2, box=seal(run.keys[2], bytes(Scalar.from_int(7))))
    complaints = run.complaints()
    outcome = conclude(run.parameters, run.announcements, run.dealings, complaints * 2)
    assert [r.verdict for r in outcome.rulings] == [Verdict.UPHELD, Verdict.UPHELD]
    assert [d.dealer for d in outcome.disqualified] == [1]


@pytest.mark.parametrize(("trustees", "threshold"), [(0, 0), (3, 0), (3, 4), (65, 2)])
def test_bad_shapes_are_refused(trustees: int, threshold: int) -> None:
    with pytest.raises(ParameterError, match="threshold"):
        CeremonyParameters(election=Bytes32(bytes(32)), trustees=trustees, threshold=threshold)


def test_share_boxes_have_a_fixed_length() -> None:
    with pytest.raises(InvalidEncoding, match="expected 80 bytes"):
        EncryptedShare(recipient=2, box=HexBytes(bytes(79)))


@given(st.data())
def test_any_change_breaks_a_complaint(data: st.DataObject) -> None:
    run = _COMPLAINT_RUN
    complaint = run.states[1]._complain(run.keys, run.dealings[0], OS_RANDOMNESS)
    case = flatten(
        accuser=complaint.accuser,
        shared_point=complaint.shared_point,
        challenge=complaint.proof.challenge,
        response=complaint.proof.response,
    )
    _, tampered = tamper(data, case)
    forged = Complaint(
        accuser=tampered["accuser"],
        dealer=1,
        shared_point=tampered["shared_point"],
        proof=ChaumPedersenProof(challenge=tampered["challenge"], response=tampered["response"]),
    )
    ruling = rule_on_complaint(run.parameters, run.keys, run.dealings[0], forged)
    assert ruling.verdict is Verdict.INVALID


_COMPLAINT_RUN = Run(4, 2)


def test_a_trustee_refuses_announcements_that_give_it_another_key() -> None:
    run = Run(3, 2)
    state = run.states[0]
    assert state._encryption is state._encryption  # derived once, then kept
    impostor = CeremonyTrustee.start(run.parameters, 1)  # a valid announcement for index 1
    swapped = [impostor.announce(), *run.announcements[1:]]
    check_announcements(run.parameters, swapped)  # publicly fine: only trustee 1 can tell
    own_key = "the key announced for trustee 1 is not this trustee's own"
    with pytest.raises(CeremonyError, match=own_key):
        state.deal(swapped)
    with pytest.raises(CeremonyError, match=own_key):
        state.check_shares(swapped, run.dealings)
    swapped_keys = {**run.keys, 1: swapped[0].encryption_key}
    with pytest.raises(CeremonyError, match=own_key):
        state._complain(swapped_keys, run.dealings[1], OS_RANDOMNESS)
    # With its own key announced, its complaint is proved against that key and rules normally.
    complaint = state._complain(run.keys, run.dealings[1], OS_RANDOMNESS)
    ruling = rule_on_complaint(run.parameters, run.keys, run.dealings[1], complaint)
    assert (ruling.verdict, ruling.finding) == (Verdict.DISMISSED, Finding.SHARE_MATCHES)
