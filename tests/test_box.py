"""The ballot box (spec §11): every refusal reason leaves the box unchanged; precedence rules."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

import msgspec
import pytest

from evote._internal.election.ballots import Ballot, BallotKind
from evote._internal.election.box import MAX_EXTENSION, BallotBox
from evote._internal.election.convener import extend_window
from evote._internal.election.delegation import Delegation, delegate, revoke
from evote._internal.election.manifest import Motion, Policy
from evote._internal.election.rules import Matter
from evote._internal.encoding import Bytes32
from evote._internal.ids import ElectionId, PersonId, QuestionId
from evote._internal.registry.roll import Figures
from evote.errors import Reason, Refused, UsageError
from evote.hazmat.elgamal import Ciphertext
from evote.hazmat.signing import Signature, SigningKey
from evote.hazmat.transcript import Domain
from tests.elections import CLOSES, CONVENER, ELECTION, OPENS, World, world

A, B, Z = PersonId("A"), PersonId("B"), PersonId("Z")
HIRE = QuestionId("hire")
HOLDINGS = {"A": [10000, 12000], "B": [8000], "C": [9000], "D": [6000]}
YES = {"hire": [Motion.AGREE]}
NO = {"hire": [Motion.OPPOSE]}


def _open_world(policy: Policy | None = None) -> World:
    w = world(HOLDINGS, policy=policy)
    w.bind_everyone()
    w.open()
    return w


def _snapshot(box: BallotBox) -> tuple[object, ...]:
    return (box.accepted, box.tracking_codes, box.votes(), box.participation())


def _refused(box: BallotBox, reason: Reason, action: Callable[[], object]) -> None:
    before = _snapshot(box)
    with pytest.raises(Refused) as caught:
        action()
    assert caught.value.reason is reason, caught.value
    assert _snapshot(box) == before


def _resign(ballot: Ballot, signer: SigningKey, **changes: object) -> Ballot:
    body = msgspec.structs.replace(ballot.body, **changes)
    return Ballot(body=body, signature=signer.sign(Domain.SIGN_BALLOT, body))


# -- one test per refusal reason ---------------------------------------------------------------


def test_not_on_roll() -> None:
    w = _open_world()
    stranger = SigningKey.generate()
    ballot = w.ballot("Z", YES, signer=stranger).ballot
    _refused(w.box, Reason.NOT_ON_ROLL, lambda: w.box.cast(ballot, at=w.tick()))


def test_outside_window_before_opening_after_closing_and_after_close() -> None:
    w = world(HOLDINGS)
    w.bind_everyone()
    early = w.ballot("A", YES).ballot
    _refused(w.box, Reason.OUTSIDE_WINDOW, lambda: w.box.cast(early, at=OPENS - 1))
    late = w.ballot("B", YES).ballot
    _refused(w.box, Reason.OUTSIDE_WINDOW, lambda: w.box.cast(late, at=CLOSES))
    w.close()
    _refused(w.box, Reason.OUTSIDE_WINDOW, lambda: w.box.cast(late, at=CLOSES + 5))


def test_wrong_fingerprint() -> None:
    w = _open_world()
    other = world({**HOLDINGS, "E": [5000]})  # same manifest, another roll: another fingerprint
    other.bind_everyone()
    foreign = other.ballot("A", YES, signer=w.credentials["A"]).ballot
    _refused(w.box, Reason.WRONG_FINGERPRINT, lambda: w.box.cast(foreign, at=w.tick()))


def test_malformed_ballots() -> None:
    w = _open_world()
    partial = w.ballot("A", YES, questions=[HIRE]).ballot  # a direct ballot must cover all
    _refused(w.box, Reason.MALFORMED, lambda: w.box.cast(partial, at=w.tick()))
    full = w.ballot("A", YES).ballot
    first = full.body.questions[0]
    short = msgspec.structs.replace(first, selections=first.selections[:2])
    truncated = _resign(full, w.credentials["A"], questions=(short, *full.body.questions[1:]))
    _refused(w.box, Reason.MALFORMED, lambda: w.box.cast(truncated, at=w.tick()))
    as_paper = w.ballot("A", YES, kind=BallotKind.PAPER, signer=CONVENER, scan=Bytes32(bytes(32)))
    _refused(w.box, Reason.MALFORMED, lambda: w.box.cast(as_paper.ballot, at=w.tick()))
    _refused(w.box, Reason.MALFORMED, lambda: w.box.enter_paper(full, at=w.tick()))


def test_bad_signature() -> None:
    w = _open_world()
    ballot = w.ballot("A", YES).ballot
    forged = Ballot(body=ballot.body, signature=Signature(bytes(64)))
    _refused(w.box, Reason.BAD_SIGNATURE, lambda: w.box.cast(forged, at=w.tick()))
    other = w.ballot("A", NO).ballot
    swapped = Ballot(body=other.body, signature=ballot.signature)  # a replayed signature
    _refused(w.box, Reason.BAD_SIGNATURE, lambda: w.box.cast(swapped, at=w.tick()))


def test_bad_proof() -> None:
    w = _open_world()
    ballot = w.ballot("A", YES).ballot
    first = ballot.body.questions[0]
    # Swap two selections: still 0/1 each, signed anew, but each proof is bound to its place.
    swapped = msgspec.structs.replace(
        first, selections=(first.selections[1], first.selections[0], first.selections[2])
    )
    tampered = _resign(ballot, w.credentials["A"], questions=(swapped, *ballot.body.questions[1:]))
    _refused(w.box, Reason.BAD_PROOF, lambda: w.box.cast(tampered, at=w.tick()))


def test_a_ballot_moved_to_another_voter_fails_its_proofs() -> None:
    w = _open_world()
    ballot = w.ballot("A", YES).ballot
    moved = _resign(ballot, w.credentials["B"], person=B, credential=w.credentials["B"].verify_key)
    _refused(w.box, Reason.BAD_PROOF, lambda: w.box.cast(moved, at=w.tick()))


def test_not_authorised() -> None:
    w = _open_world()
    by_other = w.ballot("A", YES, signer=w.credentials["B"]).ballot
    _refused(w.box, Reason.NOT_AUTHORISED, lambda: w.box.cast(by_other, at=w.tick()))
    paper = w.ballot("A", YES, kind=BallotKind.PAPER, scan=Bytes32(bytes(32))).ballot
    _refused(w.box, Reason.NOT_AUTHORISED, lambda: w.box.enter_paper(paper, at=w.tick()))
    old = w.credentials["A"]
    w.bind("A")  # a new phone: the old credential is revoked
    stale = w.ballot("A", YES, signer=old).ballot
    _refused(w.box, Reason.NOT_AUTHORISED, lambda: w.box.cast(stale, at=w.tick()))


def test_replayed_ciphertext() -> None:
    w = _open_world()
    first = w.ballot("A", YES).ballot
    w.box.cast(first, at=w.tick())
    second = w.ballot("A", NO).ballot
    reused = msgspec.structs.replace(
        second.body.questions[0], selections=first.body.questions[0].selections,
        proofs=first.body.questions[0].proofs, range_proof=first.body.questions[0].range_proof,
    )  # fmt: skip
    replay = _resign(second, w.credentials["A"], questions=(reused, *second.body.questions[1:]))
    _refused(w.box, Reason.REPLAY, lambda: w.box.cast(replay, at=w.tick()))


def test_spoiled_ballot_can_never_be_cast() -> None:
    w = _open_world()
    opened = w.ballot("A", YES)
    w.box.spoil(opened, at=w.tick())
    _refused(w.box, Reason.SPOILED, lambda: w.box.cast(opened.ballot, at=w.tick()))
    assert w.box.votes()[HIRE] == []


def test_revoting_disabled() -> None:
    w = _open_world(Policy(revoting=False))
    w.box.cast(w.ballot("A", YES).ballot, at=w.tick())
    again = w.ballot("A", NO).ballot
    _refused(w.box, Reason.REVOTING_DISABLED, lambda: w.box.cast(again, at=w.tick()))


def test_counter_used_or_out_of_range() -> None:
    w = _open_world()
    w.box.cast(w.ballot("A", YES, counter=7).ballot, at=w.tick())
    again = w.ballot("A", NO, counter=7).ballot  # another ballot, the same counter
    _refused(w.box, Reason.COUNTER_USED, lambda: w.box.cast(again, at=w.tick()))
    for counter in (0, 2**53):
        outside = _resign(w.ballot("B", YES).ballot, w.credentials["B"], counter=counter)
        _refused(w.box, Reason.MALFORMED, functools.partial(w.box.cast, outside, at=w.tick()))


def _counted(w: World, person: str = "A") -> Bytes32:
    (vote,) = [v for v in w.box.votes()[HIRE] if v.person == person]
    return vote.tracking_code


def test_the_voters_last_ballot_counts_in_whatever_order_it_arrives() -> None:
    # The board receives the re-vote (counter 2) before the first vote (counter 1): the operator's
    # order of appending does not decide which counts, the voter's does (spec §11.3).
    w = _open_world()
    first, second = w.ballot("A", YES, counter=1).ballot, w.ballot("A", NO, counter=2).ballot
    w.box.cast(second, at=w.tick())
    w.box.cast(first, at=w.tick())
    assert _counted(w) == second.tracking_code()
    # A new phone starts its own series: its first ballot follows everything the old one signed.
    w.bind("A")
    newest = w.ballot("A", YES, counter=1).ballot
    w.box.cast(newest, at=w.tick())
    assert _counted(w) == newest.tracking_code()


def test_a_later_paper_entry_replaces_an_earlier_one_by_its_counter() -> None:
    w = _open_world()
    scan = Bytes32(bytes(32))
    corrected = w.ballot("B", NO, kind=BallotKind.PAPER, signer=CONVENER, scan=scan, counter=2)
    entered = w.ballot("B", YES, kind=BallotKind.PAPER, signer=CONVENER, scan=scan, counter=1)
    w.box.enter_paper(corrected.ballot, at=w.tick())
    w.box.enter_paper(entered.ballot, at=w.tick())
    assert _counted(w, "B") == corrected.ballot.tracking_code()


# -- delegations -------------------------------------------------------------------------------


def _delegation_world(policy: Policy | None = None) -> tuple[World, SigningKey]:
    """An open box whose proxy is D, an owner with a bound credential."""
    w = _open_world(policy)
    return w, w.credentials["D"]


def _delegate(w: World, delegation: Delegation) -> None:
    w.box.delegate(delegation, at=w.tick())


def test_delegation_refusals() -> None:
    w, proxy = _delegation_world(Policy(max_delegations_per_proxy=1))
    a = w.credentials["A"]
    expires = CLOSES + 100
    refusals = [
        delegate(ELECTION, w.manifest_hash, A, a, a.verify_key, expires=expires),  # to oneself
        delegate(ELECTION, w.manifest_hash, A, a, proxy.verify_key, expires=w.now),  # expired
        delegate(
            ELECTION,
            w.manifest_hash,
            A,
            a,
            proxy.verify_key,
            expires=expires,
            scope=[QuestionId("nope")],
        ),
        delegate(
            ELECTION, w.manifest_hash, A, a, SigningKey.generate().verify_key, expires=expires
        ),  # unbound
    ]
    for delegation in refusals:
        _refused(w.box, Reason.DELEGATION_INVALID, functools.partial(_delegate, w, delegation))
    foreign = delegate(
        ElectionId("elsewhere"), w.manifest_hash, A, a, proxy.verify_key, expires=expires
    )
    _refused(w.box, Reason.WRONG_ELECTION, functools.partial(_delegate, w, foreign))
    # The same id, another manifest (a re-run): a delegation signed for it never replays here.
    reused = delegate(ELECTION, Bytes32(bytes(32)), A, a, proxy.verify_key, expires=expires)
    _refused(w.box, Reason.WRONG_ELECTION, functools.partial(_delegate, w, reused))
    not_owner = delegate(
        ELECTION, w.manifest_hash, A, w.credentials["B"], proxy.verify_key, expires=expires
    )
    _refused(w.box, Reason.NOT_AUTHORISED, lambda: w.box.delegate(not_owner, at=w.tick()))
    w.box.delegate(
        delegate(ELECTION, w.manifest_hash, A, a, proxy.verify_key, expires=expires), at=w.tick()
    )
    over_cap = delegate(
        ELECTION, w.manifest_hash, B, w.credentials["B"], proxy.verify_key, expires=expires
    )
    _refused(w.box, Reason.DELEGATION_INVALID, lambda: w.box.delegate(over_cap, at=w.tick()))
    twice = delegate(
        ELECTION, w.manifest_hash, A, a, w.credentials["C"].verify_key, expires=expires
    )
    _refused(w.box, Reason.DELEGATION_INVALID, lambda: w.box.delegate(twice, at=w.tick()))


def test_redelegation_depth_and_cycles() -> None:
    w, proxy = _delegation_world(Policy(delegation_depth=2))
    a, b = w.credentials["A"], w.credentials["B"]
    first = delegate(ELECTION, w.manifest_hash, A, a, b.verify_key, expires=CLOSES + 100)
    w.box.delegate(first, at=w.tick())
    back = delegate(
        ELECTION, w.manifest_hash, A, b, a.verify_key, expires=CLOSES + 100, parent=first.id()
    )
    _refused(w.box, Reason.DELEGATION_INVALID, lambda: w.box.delegate(back, at=w.tick()))
    onward = delegate(
        ELECTION, w.manifest_hash, A, b, proxy.verify_key, expires=CLOSES + 100, parent=first.id()
    )
    w.box.delegate(onward, at=w.tick())
    third = delegate(ELECTION, w.manifest_hash, A, proxy, w.credentials["C"].verify_key,
                     expires=CLOSES + 100, parent=onward.id())  # fmt: skip
    _refused(w.box, Reason.DELEGATION_INVALID, lambda: w.box.delegate(third, at=w.tick()))
    # Depth 1 (the default) refuses any passing on.
    w1, proxy1 = _delegation_world()
    top = delegate(
        ELECTION, w1.manifest_hash, A, w1.credentials["A"], proxy1.verify_key, expires=CLOSES + 100
    )
    w1.box.delegate(top, at=w1.tick())
    passed = delegate(ELECTION, w1.manifest_hash, A, proxy1, w1.credentials["C"].verify_key,
                      expires=CLOSES + 100, parent=top.id())  # fmt: skip
    _refused(w1.box, Reason.DELEGATION_INVALID, lambda: w1.box.delegate(passed, at=w1.tick()))


def test_proxy_ballot_refusals() -> None:
    w, proxy = _delegation_world()
    a = w.credentials["A"]
    delegation = delegate(
        ELECTION, w.manifest_hash, A, a, proxy.verify_key, expires=CLOSES + 100, scope=[HIRE]
    )
    unknown = w.ballot("A", YES, signer=proxy, kind=BallotKind.PROXY, questions=[HIRE],
                       delegation=delegation.id()).ballot  # fmt: skip
    _refused(w.box, Reason.DELEGATION_INVALID, lambda: w.box.cast(unknown, at=w.tick()))
    w.box.delegate(delegation, at=w.tick())
    wider = w.ballot("A", YES, signer=proxy, kind=BallotKind.PROXY, delegation=delegation.id())
    _refused(w.box, Reason.MALFORMED, lambda: w.box.cast(wider.ballot, at=w.tick()))
    for_b = w.ballot("B", YES, signer=proxy, kind=BallotKind.PROXY, questions=[HIRE],
                     delegation=delegation.id()).ballot  # fmt: skip
    _refused(w.box, Reason.DELEGATION_INVALID, lambda: w.box.cast(for_b, at=w.tick()))
    w.box.revoke(revoke(ELECTION, w.manifest_hash, delegation.id(), a), at=w.tick())
    revoked = w.ballot("A", YES, signer=proxy, kind=BallotKind.PROXY, questions=[HIRE],
                       delegation=delegation.id()).ballot  # fmt: skip
    _refused(w.box, Reason.DELEGATION_INVALID, lambda: w.box.cast(revoked, at=w.tick()))


def test_expired_delegation_cannot_be_used() -> None:
    w, proxy = _delegation_world()
    delegation = delegate(
        ELECTION, w.manifest_hash, A, w.credentials["A"], proxy.verify_key, expires=w.now + 5
    )
    w.box.delegate(delegation, at=w.tick())
    late = w.ballot("A", YES, signer=proxy, kind=BallotKind.PROXY, delegation=delegation.id())
    _refused(w.box, Reason.DELEGATION_INVALID, lambda: w.box.cast(late.ballot, at=w.now + 10))


# -- what counts -------------------------------------------------------------------------------


def _hire(w: World) -> dict[str, int]:
    """The decrypted headcount of agree / oppose on 'hire'."""
    counts = {c.question: c for c in w.counts()}[HIRE]
    return {"agree": counts.selections[0].headcount, "oppose": counts.selections[1].headcount}


def test_a_revote_replaces_and_resending_is_idempotent() -> None:
    w = _open_world()
    first = w.ballot("A", YES).ballot
    receipt = w.box.cast(first, at=w.tick())
    assert w.box.cast(first, at=w.tick()) == receipt
    w.box.cast(w.ballot("A", NO).ballot, at=w.tick())
    w.close()
    assert _hire(w) == {"agree": 0, "oppose": 1}


@pytest.mark.parametrize("owner_first", [True, False])
def test_the_owners_own_ballot_overrides_the_proxy_whatever_the_order(owner_first: bool) -> None:
    w, proxy = _delegation_world()
    delegation = delegate(
        ELECTION, w.manifest_hash, A, w.credentials["A"], proxy.verify_key, expires=CLOSES + 9
    )
    w.box.delegate(delegation, at=w.tick())
    own = w.ballot("A", NO).ballot
    by_proxy = w.ballot("A", YES, signer=proxy, kind=BallotKind.PROXY, delegation=delegation.id())
    for ballot in (own, by_proxy.ballot) if owner_first else (by_proxy.ballot, own):
        w.box.cast(ballot, at=w.tick())
    w.close()
    assert _hire(w) == {"agree": 0, "oppose": 1}


def test_a_proxy_votes_with_the_owners_weight_and_revocation_voids_it() -> None:
    w, proxy = _delegation_world()
    delegation = delegate(
        ELECTION, w.manifest_hash, A, w.credentials["A"], proxy.verify_key, expires=CLOSES + 9
    )
    w.box.delegate(delegation, at=w.tick())
    by_proxy = w.ballot("A", YES, signer=proxy, kind=BallotKind.PROXY, delegation=delegation.id())
    w.box.cast(by_proxy.ballot, at=w.tick())
    assert w.box.participation()[HIRE] == Figures(area=22000, headcount=1)
    w.box.revoke(
        revoke(ELECTION, w.manifest_hash, delegation.id(), w.credentials["A"]), at=w.tick()
    )
    assert w.box.participation()[HIRE] == Figures(area=0, headcount=0)
    w.close()
    assert _hire(w) == {"agree": 0, "oppose": 0}


@pytest.mark.parametrize("paper_first", [True, False])
def test_electronic_beats_paper_whatever_the_order(paper_first: bool) -> None:
    w = _open_world()
    scan = Bytes32(hashlib.sha256(b"scan of A's paper ballot").digest())
    paper = w.ballot("A", YES, kind=BallotKind.PAPER, signer=CONVENER, scan=scan).ballot
    electronic = w.ballot("A", NO).ballot
    if paper_first:
        w.box.enter_paper(paper, at=w.tick())
        w.box.cast(electronic, at=w.tick())
    else:
        w.box.cast(electronic, at=w.tick())
        w.box.enter_paper(paper, at=w.tick())
    w.close()
    assert _hire(w) == {"agree": 0, "oppose": 1}


def test_a_paper_ballot_counts_alone() -> None:
    w = _open_world()
    scan = Bytes32(hashlib.sha256(b"scan").digest())
    w.box.enter_paper(w.ballot("B", YES, kind=BallotKind.PAPER, signer=CONVENER, scan=scan).ballot,
                      at=w.tick())  # fmt: skip
    w.close()
    assert _hire(w) == {"agree": 1, "oppose": 0}


def test_rebinding_keeps_what_the_old_credential_signed_and_the_new_one_replaces_it() -> None:
    w = _open_world()
    w.box.cast(w.ballot("A", YES).ballot, at=w.tick())
    old = w.credentials["A"]
    w.bind("A")  # lost phone: the old credential can sign nothing more
    assert w.box.participation()[HIRE].headcount == 1
    stale = w.ballot("A", NO, signer=old).ballot
    _refused(w.box, Reason.NOT_AUTHORISED, lambda: w.box.cast(stale, at=w.tick()))
    w.box.cast(w.ballot("A", NO).ballot, at=w.tick())
    w.close()
    assert _hire(w) == {"agree": 0, "oppose": 1}


def test_passing_on_part_of_a_delegation() -> None:
    w = _open_world(Policy(delegation_depth=2))
    a, b, d = w.credentials["A"], w.credentials["B"], w.credentials["D"]
    top = delegate(ELECTION, w.manifest_hash, A, a, b.verify_key, expires=CLOSES + 9)
    w.box.delegate(top, at=w.tick())
    first = w.ballot("A", YES, signer=b, kind=BallotKind.PROXY, delegation=top.id()).ballot
    w.box.cast(first, at=w.tick())
    service = QuestionId("service")
    onward = delegate(ELECTION, w.manifest_hash, A, b, d.verify_key, expires=CLOSES + 9, scope=[service],
                      parent=top.id())  # fmt: skip
    w.box.delegate(onward, at=w.tick())
    assert w.box.participation()[HIRE].headcount == 1  # B still votes for A on "hire"
    assert w.box.participation()[service].headcount == 0  # but no longer on "service"
    whole = w.ballot("A", NO, signer=b, kind=BallotKind.PROXY, delegation=top.id()).ballot
    _refused(w.box, Reason.MALFORMED, lambda: w.box.cast(whole, at=w.tick()))
    rest = [HIRE, QuestionId("fund"), QuestionId("committee")]
    b_again = w.ballot("A", NO, signer=b, kind=BallotKind.PROXY, delegation=top.id(),
                       questions=rest).ballot  # fmt: skip
    w.box.cast(b_again, at=w.tick())
    by_d = w.ballot("A", {"service": [4]}, signer=d, kind=BallotKind.PROXY,
                    delegation=onward.id(), questions=[service]).ballot  # fmt: skip
    w.box.cast(by_d, at=w.tick())
    assert w.box.participation()[service] == Figures(area=22000, headcount=1)
    w.close()
    assert _hire(w) == {"agree": 0, "oppose": 1}


def test_delegating_and_revoking_again_and_again_leaves_nothing_to_scan() -> None:
    # White box: each delegation is checked against the standing ones only, so one owner who
    # delegates and revokes n times costs O(n), not O(n²) (spec §11.2). Before, every revoked
    # delegation stayed in the lists scanned.
    w = _open_world(Policy(delegation_depth=2, max_delegations_per_proxy=1))
    a, b, d = w.credentials["A"], w.credentials["B"], w.credentials["D"]
    for _ in range(30):
        top = delegate(ELECTION, w.manifest_hash, A, a, b.verify_key, expires=CLOSES + 9)
        w.box.delegate(top, at=w.tick())
        onward = delegate(ELECTION, w.manifest_hash, A, b, d.verify_key, expires=CLOSES + 9,
                          parent=top.id())  # fmt: skip
        w.box.delegate(onward, at=w.tick())
        w.box.revoke(revoke(ELECTION, w.manifest_hash, top.id(), a), at=w.tick())
    given = w.box._given[A]
    assert (given.members, given.unexpired, given.covered) == ({}, {}, {})
    assert w.box._held == {B: {}, PersonId("D"): {}}
    # Nobody holds A's vote any more: D may take another owner under its cap of one.
    c_to_d = delegate(ELECTION, w.manifest_hash, PersonId("C"), w.credentials["C"], d.verify_key,
                      expires=CLOSES + 9)  # fmt: skip
    w.box.delegate(c_to_d, at=w.tick())
    assert w.box._held[PersonId("D")] == {PersonId("C"): 1}


def test_an_expired_delegation_leaves_the_scan_once_no_step_can_precede_its_expiry() -> None:
    w, proxy = _delegation_world()
    a = w.credentials["A"]
    short = delegate(ELECTION, w.manifest_hash, A, a, proxy.verify_key, expires=w.now + 3)
    w.box.delegate(short, at=w.tick())
    later = delegate(ELECTION, w.manifest_hash, A, a, proxy.verify_key, expires=CLOSES + 9)
    # Refused at a time long after the expiry (B is not A's credential): the refusal must not
    # forget the short delegation, which still stands at the next accepted step.
    by_b = delegate(ELECTION, w.manifest_hash, A, w.credentials["B"], proxy.verify_key,
                    expires=CLOSES + 9)  # fmt: skip
    _refused(w.box, Reason.NOT_AUTHORISED, lambda: w.box.delegate(by_b, at=w.now + 100))
    _refused(w.box, Reason.DELEGATION_INVALID, lambda: w.box.delegate(later, at=w.tick()))
    w.box.delegate(later, at=w.tick(w.now + 5))  # the short one has expired: A delegates anew
    # The next check drops the expired one: no later step can come before its expiry.
    twice = delegate(ELECTION, w.manifest_hash, A, a, proxy.verify_key, expires=CLOSES + 8)
    _refused(w.box, Reason.DELEGATION_INVALID, lambda: w.box.delegate(twice, at=w.tick()))
    assert list(w.box._given[A].unexpired) == [bytes(later.id())]


def test_a_paper_ballot_is_not_challenged() -> None:
    w = _open_world()
    paper = w.ballot("A", YES, kind=BallotKind.PAPER, signer=CONVENER, scan=Bytes32(bytes(32)))
    _refused(w.box, Reason.MALFORMED, lambda: w.box.spoil(paper, at=w.tick()))


def test_the_window_can_be_extended_within_three_months_except_for_committee_elections() -> None:
    motions_only = (Motion(id=HIRE, title="Hire", matter=Matter.PROPERTY_SERVICE),)
    w = world(HOLDINGS, questions=motions_only)
    w.bind_everyone()
    w.open()
    too_far = CLOSES + MAX_EXTENSION + 1
    _refused(
        w.box,
        Reason.EXTENSION_INVALID,
        lambda: w.box.extend(
            extend_window(ELECTION, w.manifest_hash, too_far, CONVENER), at=w.tick()
        ),
    )
    _refused(
        w.box,
        Reason.EXTENSION_INVALID,
        lambda: w.box.extend(
            extend_window(ELECTION, w.manifest_hash, CLOSES - 1, CONVENER), at=w.tick()
        ),
    )
    w.box.extend(extend_window(ELECTION, w.manifest_hash, CLOSES + 86_400, CONVENER), at=w.tick())
    w.box.cast(w.ballot("A", YES).ballot, at=CLOSES + 10)  # after the original close
    _refused(w.box, Reason.OUTSIDE_WINDOW, lambda: w.box.close(at=CLOSES + 20))
    w.box.close(at=CLOSES + 86_400)
    with_committee = _open_world()
    _refused(
        with_committee.box,
        Reason.EXTENSION_INVALID,
        lambda: with_committee.box.extend(
            extend_window(ELECTION, with_committee.manifest_hash, CLOSES + 86_400, CONVENER),
            at=with_committee.tick(),
        ),
    )


def test_a_challenge_checks_the_openings() -> None:
    w = _open_world()
    opened = w.ballot("A", YES)
    bad = msgspec.structs.replace(
        opened,
        openings=(
            msgspec.structs.replace(opened.openings[0], values=(0, 1, 0)),
            *opened.openings[1:],
        ),
    )
    _refused(w.box, Reason.BAD_PROOF, lambda: w.box.spoil(bad, at=w.tick()))
    w.box.spoil(opened, at=w.tick())


def test_a_cast_ballot_cannot_be_challenged_afterwards() -> None:
    w = _open_world()
    opened = w.ballot("A", YES)
    w.box.cast(opened.ballot, at=w.tick())
    _refused(w.box, Reason.REPLAY, lambda: w.box.spoil(opened, at=w.tick()))


def test_tallying_needs_a_closed_box() -> None:
    w = _open_world()
    with pytest.raises(UsageError, match="still open"):
        w.box.tally()


def test_an_identity_selection_is_refused_as_a_bad_proof() -> None:
    # α = O would publish the vote; even correctly proved, it is refused (spec §5.3).
    w = _open_world()
    ballot = w.ballot("A", YES).ballot
    first = ballot.body.questions[0]
    clear = Ciphertext(alpha=first.selections[2].alpha - first.selections[2].alpha,
                       beta=first.selections[2].beta)  # fmt: skip
    broken = msgspec.structs.replace(first, selections=(*first.selections[:2], clear))
    tampered = _resign(ballot, w.credentials["A"], questions=(broken, *ballot.body.questions[1:]))
    _refused(w.box, Reason.BAD_PROOF, lambda: w.box.cast(tampered, at=w.tick()))
