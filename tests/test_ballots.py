"""Ballots (spec §10): shape, blank motions, tracking codes, challenges, codes and credentials."""

from __future__ import annotations

import msgspec
import pytest

from evote._internal.election.ballots import (
    OpenedBallot,
    check_ballot,
    check_opened_ballot,
    proof_context,
)
from evote._internal.election.manifest import Motion
from evote._internal.encoding import decode, encode
from evote._internal.ids import PersonId, QuestionId
from evote._internal.registry.credentials import (
    ALPHABET,
    code_hash,
    new_activation_code,
    normalize_code,
)
from evote.errors import InvalidProof, InvalidSignature, ParameterError, Reason, Refused
from evote.hazmat.dlog import DiscreteLog
from evote.hazmat.elgamal import decrypt_to_point
from evote.hazmat.signing import SigningKey
from evote.hazmat.transcript import Domain
from tests.elections import ELECTION, World, world

HOLDINGS = {"A": [10000], "B": [8000]}
ALL = [QuestionId(q) for q in ("hire", "fund", "committee", "service")]


def _opened(choices: dict[str, list[int]]) -> tuple[OpenedBallot, World]:
    w = world(HOLDINGS)
    w.bind_everyone()
    return w.ballot("A", choices), w


def test_a_ballot_covers_every_question_with_its_shape() -> None:
    opened, w = _opened({"hire": [Motion.AGREE], "committee": [0, 2], "service": [4]})
    ballot = opened.ballot
    assert [p.question for p in ballot.body.questions] == ALL
    assert [len(p.selections) for p in ballot.body.questions] == [3, 3, 3, 5]
    values = {o.question: o.values for o in opened.openings}
    assert values == {"hire": (1, 0, 0), "fund": (0, 0, 1), "committee": (1, 0, 1),
                      "service": (0, 0, 0, 0, 1)}  # fmt: skip
    check_ballot(w.election, ballot, ALL)


def test_a_blank_motion_is_an_abstention() -> None:
    opened, _ = _opened({})
    assert opened.openings[0].values == (0, 0, 1)  # domain rule 12
    assert opened.openings[2].values == (0, 0, 0)  # a blank committee ballot approves nobody
    assert opened.openings[3].values == (0, 0, 0, 0, 0)  # no score


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ({"hire": [0, 1]}, "2 selection\\(s\\) chosen, allowed 1 to 1"),
        ({"committee": [0, 1, 2]}, "3 selection\\(s\\) chosen, allowed 0 to 2"),
        ({"service": [5]}, "numbered 0…4"),
        ({"committee": [1, 1]}, "chosen twice"),
        ({"nope": [0]}, "not on this ballot"),
    ],
)
def test_impossible_choices_are_refused_on_the_device(
    choices: dict[str, list[int]], message: str
) -> None:
    w = world(HOLDINGS)
    w.bind_everyone()
    with pytest.raises(ParameterError, match=message):
        w.ballot("A", choices)


def test_the_ballot_decrypts_to_the_choices_only_with_the_joint_secret() -> None:
    # The trustees' shares interpolate the joint secret; here only to check the encryption.
    from evote._internal.trustees.polynomial import lagrange_coefficients  # noqa: PLC0415

    opened, w = _opened({"hire": [Motion.OPPOSE]})
    keys = w.keys
    coefficients = lagrange_coefficients([1, 2])
    secret = keys[0].share * coefficients[1] + keys[1].share * coefficients[2]
    decoder = DiscreteLog(1)
    hire = opened.ballot.body.questions[0]
    assert [decoder.decode(decrypt_to_point(secret, c)) for c in hire.selections] == [0, 1, 0]


def test_tracking_codes_identify_the_whole_ballot() -> None:
    first, _ = _opened({"hire": [0]})
    second, _ = _opened({"hire": [0]})
    assert first.ballot.tracking_code() != second.ballot.tracking_code()
    round_trip = decode(encode(first.ballot), type(first.ballot))
    assert round_trip.tracking_code() == first.ballot.tracking_code()


def test_a_challenged_ballot_is_publicly_checkable() -> None:
    opened, w = _opened({"hire": [Motion.AGREE], "committee": [1]})
    published = decode(encode(opened), OpenedBallot)
    check_opened_ballot(w.election, published, ALL)
    lie = msgspec.structs.replace(
        published.openings[1], values=(1, 0, 0)
    )  # claims "agree" on fund, which was encrypted as abstain
    forged = msgspec.structs.replace(
        published, openings=(published.openings[0], lie, *published.openings[2:])
    )
    with pytest.raises(InvalidProof, match="does not reproduce"):
        check_opened_ballot(w.election, forged, ALL)


def test_checks_name_the_failing_part() -> None:
    opened, w = _opened({"hire": [0]})
    ballot = opened.ballot
    with pytest.raises(Refused) as refused:
        check_ballot(w.election, ballot, ALL[:2])
    assert refused.value.reason is Reason.MALFORMED
    other = SigningKey.generate()
    resigned = msgspec.structs.replace(
        ballot, signature=other.sign(Domain.SIGN_BALLOT, ballot.body)
    )
    with pytest.raises(InvalidSignature, match="ballot"):
        check_ballot(w.election, resigned, ALL)


def test_proof_contexts_separate_every_place() -> None:
    key = SigningKey.generate().verify_key
    a, b = PersonId("A"), PersonId("B")
    hire, fund = QuestionId("hire"), QuestionId("fund")
    contexts = {
        proof_context(a, key, hire, 0), proof_context(a, key, hire, 1), proof_context(a, key, hire, None),
        proof_context(b, key, hire, 0), proof_context(a, key, fund, 0),
        proof_context(a, SigningKey.generate().verify_key, hire, 0),
    }  # fmt: skip
    assert len(contexts) == 6


def test_activation_codes() -> None:
    code = new_activation_code()
    assert len(code) == 23
    assert code.count("-") == 3
    assert all(c in ALPHABET for c in code.replace("-", ""))
    assert normalize_code(code.lower().replace("-", " ")) == code.replace("-", "")
    assert normalize_code("OIL" + code.replace("-", "")[3:]) == "011" + code.replace("-", "")[3:]
    first, rerun = bytes(32), bytes([1] * 32)  # two manifests of the same election id
    assert code_hash(ELECTION, first, PersonId("A"), code) != code_hash(
        ELECTION, first, PersonId("B"), code
    )
    assert code_hash(ELECTION, first, PersonId("A"), code) != code_hash(
        ELECTION, rerun, PersonId("A"), code
    )
    with pytest.raises(ParameterError, match="20 symbols"):
        normalize_code("ABC")
    with pytest.raises(ParameterError):
        normalize_code("U" * 20)  # U is not in Crockford's alphabet
