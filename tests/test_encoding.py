"""The wire encoding (spec §1.3): round trips, and decoding refuses anything off-spec by path."""

from __future__ import annotations

import json

import pytest

from evote._internal.encoding import Bytes32, Struct, decode, encode
from evote._internal.trustees.ceremony import (
    Announcement,
    CeremonyOutcome,
    CeremonyParameters,
    Dealing,
)
from evote._internal.trustees.decryption import PartialDecryption
from evote.errors import InvalidEncoding
from evote.hazmat.elgamal import Ciphertext, encrypt
from evote.hazmat.proofs.disjunctive import DisjunctiveProof, RangeStatement, prove_selection
from evote.hazmat.proofs.schnorr import SchnorrProof
from tests.support import FINGERPRINT, ceremony, parameters

OUTCOME, KEYS = ceremony(3, 2)
CIPHERTEXT, NONCE = encrypt(OUTCOME.joint_key, 1)
PROOF = prove_selection(
    RangeStatement(FINGERPRINT, OUTCOME.joint_key, b"ctx", CIPHERTEXT), 1, NONCE
)


def test_structs_round_trip_through_canonical_json() -> None:
    partial = KEYS[0].partial_decrypt(FINGERPRINT, CIPHERTEXT)
    values: list[tuple[object, type[Struct]]] = [
        (CIPHERTEXT, Ciphertext),
        (PROOF, DisjunctiveProof),
        (OUTCOME, CeremonyOutcome),
        (partial, PartialDecryption),
        (parameters(3, 2), CeremonyParameters),
    ]
    for value, kind in values:
        encoded = encode(value)
        assert decode(encoded, kind) == value
        assert encode(decode(encoded, kind)) == encoded
        assert b" " not in encoded


def test_byte_strings_are_lower_case_hex_and_fields_keep_their_order() -> None:
    document = json.loads(encode(CIPHERTEXT))
    assert list(document) == ["alpha", "beta"]
    assert document["alpha"] == CIPHERTEXT.alpha.hex()


def _ciphertext_json(**changes: object) -> bytes:
    document = json.loads(encode(CIPHERTEXT))
    document.update(changes)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_ciphertext_json(extra=1), "unknown field `extra`"),
        (_ciphertext_json(alpha="00" * 32), "at `\\$.alpha`"),
        (_ciphertext_json(beta="58" + "66" * 30), "expected 32 bytes, found 31 - at `\\$.beta`"),
        (_ciphertext_json(beta=CIPHERTEXT.beta.hex().upper()), "lower-case"),
        (_ciphertext_json(beta=5), "expected a hex string"),
        (b'{"alpha": "' + CIPHERTEXT.alpha.hex().encode() + b'"}', "missing required field `beta`"),
        (b"{not json", "malformed JSON"),
        (b"", "malformed JSON"),
    ],
)
def test_bad_ciphertexts_are_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(InvalidEncoding, match=message):
        decode(data, Ciphertext)


def test_bad_scalars_in_proofs_are_refused_by_path() -> None:
    document = json.loads(encode(PROOF))
    document["responses"][1] = "ff" * 32
    with pytest.raises(
        InvalidEncoding, match=r"not below the group order .* at `\$.responses\[1\]`"
    ):
        decode(json.dumps(document), DisjunctiveProof)


def test_identity_public_keys_are_refused_in_messages() -> None:
    proof = SchnorrProof(challenge=PROOF.challenges[0], response=PROOF.responses[0])
    announcement = Announcement(trustee=1, encryption_key=OUTCOME.joint_key, proof=proof)
    document = json.loads(encode(announcement))
    document["encryption_key"] = "01" + "00" * 31
    with pytest.raises(
        InvalidEncoding, match=r"identity point is not allowed .* `\$.encryption_key`"
    ):
        decode(json.dumps(document), Announcement)


def test_invalid_parameters_are_refused_on_decoding() -> None:
    document = json.loads(encode(parameters(3, 2)))
    document["threshold"] = 4
    with pytest.raises(InvalidEncoding, match="need 1 ≤ threshold ≤ trustees"):
        decode(json.dumps(document), CeremonyParameters)
    document["threshold"] = 2
    document["election"] = "ab" * 31
    with pytest.raises(InvalidEncoding, match="expected 32 bytes"):
        decode(json.dumps(document), CeremonyParameters)


def test_share_boxes_of_the_wrong_length_are_refused() -> None:
    dealing = json.loads(encode(_a_dealing()))
    dealing["shares"][0]["box"] = dealing["shares"][0]["box"][:-2]
    with pytest.raises(InvalidEncoding, match="expected 80 bytes, found 79"):
        decode(json.dumps(dealing), Dealing)


def _a_dealing() -> Dealing:
    from evote._internal.trustees.trustee import CeremonyTrustee  # noqa: PLC0415

    params = parameters(3, 2)
    states = [CeremonyTrustee.start(params, i) for i in params.indices]
    announcements = [s.announce() for s in states]
    return states[0].deal(announcements)


def test_bytes32_is_exactly_32_bytes() -> None:
    assert decode(json.dumps("ab" * 32), Bytes32) == bytes.fromhex("ab" * 32)
    with pytest.raises(InvalidEncoding):
        decode(json.dumps("ab" * 33), Bytes32)
