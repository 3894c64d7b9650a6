"""The tally (spec §12): grouped sums, decryption of aggregates only, robust combination."""

from __future__ import annotations

import msgspec
import pytest

from evote._internal.election.counting import decrypt_tally
from evote._internal.election.manifest import Motion, Policy
from evote._internal.election.tally import aggregate_selections, combine_tally
from evote._internal.ids import QuestionId
from evote._internal.registry.roll import Figures
from evote._internal.trustees.decryption import PartialDecryption, verify_partial_decryption
from evote.errors import ParameterError, ThresholdError, UsageError
from evote.hazmat.elgamal import Ciphertext, encrypt, sum_ciphertexts
from evote.hazmat.group import BASE, PublicKey
from tests.elections import World, world

HOLDINGS = {"A": [8912, 8912], "B": [8912], "C": [10230], "D": [6512], "E": [8912]}


def _voted() -> World:
    w = world(HOLDINGS)
    w.bind_everyone()
    w.open()
    for person, choice in {"A": 0, "B": 0, "C": 1, "D": 2, "E": 0}.items():
        w.box.cast(w.ballot(person, {"hire": [choice], "committee": [0, 1]}).ballot, at=w.tick())
    w.close()
    return w


def test_sums_by_headcount_and_by_area() -> None:
    w = _voted()
    hire = {c.question: c for c in w.counts()}[QuestionId("hire")]
    assert hire.participation == Figures(area=17824 + 8912 + 10230 + 6512 + 8912, headcount=5)
    assert hire.selections == (
        Figures(area=17824 + 8912 + 8912, headcount=3),
        Figures(area=10230, headcount=1),
        Figures(area=6512, headcount=1),
    )


def test_grouping_by_weight_gives_the_plain_weighted_sum() -> None:
    w = world(HOLDINGS)
    key = w.election.joint_key
    votes = [(weight, [encrypt(key, 1)[0], encrypt(key, 0)[0]]) for weight in (5, 7, 5, 5, 9, 7)]
    (first, second) = aggregate_selections(2, votes)
    assert first.headcount == sum_ciphertexts(v[1][0] for v in votes)
    assert first.area == sum_ciphertexts(v[1][0].scale(v[0]) for v in votes)
    assert second.area == sum_ciphertexts(v[1][1].scale(v[0]) for v in votes)
    with pytest.raises(ParameterError, match="3 selections, expected 2"):
        aggregate_selections(2, [(5, [*votes[0][1], votes[0][1][0]])])


def test_an_empty_question_tallies_to_zero() -> None:
    w = world(HOLDINGS)
    w.bind_everyone()
    w.close()
    for counts in w.counts():
        assert counts.participation == Figures(area=0, headcount=0)
        assert all(s == Figures(area=0, headcount=0) for s in counts.selections)


def test_trustees_decrypt_only_the_aggregates_of_a_closed_box() -> None:
    w = world(HOLDINGS)
    w.bind_everyone()
    w.open()
    w.box.cast(w.ballot("A", {"hire": [Motion.AGREE]}).ballot, at=w.tick())
    with pytest.raises(UsageError, match="still open"):
        decrypt_tally(w.keys[0], w.box)
    other = world(HOLDINGS, policy=Policy(revoting=False))  # another manifest, another key
    other.close()
    with pytest.raises(UsageError, match="another election"):
        decrypt_tally(w.keys[0], other.box)
    w.close()
    share = decrypt_tally(w.keys[0], w.box)
    assert len(share.partials) == len(w.box.tally().ciphertexts())


def test_a_bad_share_is_set_aside_when_enough_good_ones_remain() -> None:
    w = _voted()
    tally = w.box.tally()
    good = [decrypt_tally(k, w.box) for k in w.keys]
    first = good[1].partials[0]
    forged = msgspec.structs.replace(first, point=first.point + BASE)
    bad = msgspec.structs.replace(good[1], partials=(forged, *good[1].partials[1:]))
    counts = combine_tally(w.election, tally, [bad, good[0], good[2]])
    assert counts == combine_tally(w.election, tally, good[:2])
    with pytest.raises(ThresholdError, match="trustee 2: question hire, selection 0, headcount"):
        combine_tally(w.election, tally, [bad, good[0]])
    with pytest.raises(ThresholdError, match="1 valid tally share"):
        combine_tally(w.election, tally, [good[0], good[0]])


def test_a_trustee_whose_later_share_is_valid_is_not_named_as_set_aside() -> None:
    w = _voted()
    tally = w.box.tally()
    good = [decrypt_tally(k, w.box) for k in w.keys]
    first = good[1].partials[0]
    forged = msgspec.structs.replace(first, point=first.point + BASE)
    bad = msgspec.structs.replace(good[1], partials=(forged, *good[1].partials[1:]))
    with pytest.raises(ThresholdError) as caught:
        combine_tally(w.election, tally, [bad, good[1]])
    assert str(caught.value) == "1 valid tally share(s), 2 needed"
    with pytest.raises(ThresholdError, match=r"\(trustee 2: repeated trustee\)"):
        combine_tally(w.election, tally, [bad, good[1], good[1]])


def test_combining_verifies_each_partial_decryption_once(monkeypatch: pytest.MonkeyPatch) -> None:
    w = _voted()
    tally = w.box.tally()
    shares = [decrypt_tally(k, w.box) for k in w.keys]
    expected = combine_tally(w.election, tally, shares[:2])
    verified: list[int] = []

    def counting(
        fingerprint: bytes, ciphertext: Ciphertext, partial: PartialDecryption, key: PublicKey
    ) -> None:
        verified.append(partial.trustee)
        verify_partial_decryption(fingerprint, ciphertext, partial, key)

    monkeypatch.setattr("evote._internal.election.tally.verify_partial_decryption", counting)
    monkeypatch.setattr("evote._internal.trustees.decryption.verify_partial_decryption", counting)
    assert combine_tally(w.election, tally, shares) == expected  # the first two shares are chosen
    assert sorted(verified) == sorted(s.trustee for s in shares for _ in tally.ciphertexts())
