"""Trustee secret files (spec §6.7): round trips, and clear refusals."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from evote._internal.trustees.decryption import TrusteeKey
from evote._internal.trustees.keyfile import read_secret_file, write_secret_file
from evote._internal.trustees.trustee import CeremonyTrustee
from evote.errors import SecretFileError
from evote.hazmat.passphrase import MIN_MEMLIMIT, MIN_OPSLIMIT
from tests.support import ceremony, parameters

FAST = {"opslimit": MIN_OPSLIMIT, "memlimit": MIN_MEMLIMIT}


@pytest.fixture
def key() -> TrusteeKey:
    return ceremony(3, 2)[1][0]


def test_trustee_key_round_trips_with_default_strength(tmp_path: Path, key: TrusteeKey) -> None:
    path = tmp_path / "trustee-1.key"
    write_secret_file(path, key, "correct horse battery staple")
    assert read_secret_file(path, TrusteeKey, "correct horse battery staple") == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    document = json.loads(path.read_text())
    assert document["format"] == "evote-secret"
    assert key.share.hex() not in path.read_text()


def test_ceremony_state_round_trips(tmp_path: Path) -> None:
    state = CeremonyTrustee.start(parameters(3, 2), 2)
    path = tmp_path / "state"
    write_secret_file(path, state, "pass", **FAST)
    assert read_secret_file(path, CeremonyTrustee, "pass") == state


def test_wrong_passphrase_is_a_clear_error(tmp_path: Path, key: TrusteeKey) -> None:
    path = tmp_path / "k"
    write_secret_file(path, key, "right", **FAST)
    with pytest.raises(SecretFileError, match="wrong passphrase"):
        read_secret_file(path, TrusteeKey, "wrong")


@pytest.mark.parametrize("field", ["ciphertext", "nonce", "salt"])
def test_altered_files_are_refused(tmp_path: Path, key: TrusteeKey, field: str) -> None:
    path = tmp_path / "k"
    write_secret_file(path, key, "pw", **FAST)
    document = json.loads(path.read_text())
    holder = document["locked"]["kdf"] if field == "salt" else document["locked"]
    value = bytearray.fromhex(holder[field])
    value[0] ^= 1
    holder[field] = value.hex()
    path.write_text(json.dumps(document))
    with pytest.raises(SecretFileError, match="wrong passphrase, or the file was altered"):
        read_secret_file(path, TrusteeKey, "pw")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(version=2), "not an evote secret file"),
        (lambda d: d.update(extra=1), "unknown field"),
        (
            lambda d: d.update(kind="CeremonyTrustee"),
            "holds a CeremonyTrustee, expected a TrusteeKey",
        ),
        (lambda d: d["locked"]["kdf"].update(opslimit=1), "opslimit 1 outside"),
        (lambda d: d["locked"]["kdf"].update(memlimit=2**40), "memlimit"),
    ],
)
def test_malformed_files_are_refused_by_name(  # type: ignore[no-untyped-def]
    tmp_path: Path, key: TrusteeKey, edit, message: str
) -> None:
    path = tmp_path / "k"
    write_secret_file(path, key, "pw", **FAST)
    document = json.loads(path.read_text())
    edit(document)
    path.write_text(json.dumps(document))
    with pytest.raises(SecretFileError, match=message):
        read_secret_file(path, TrusteeKey, "pw")


def test_missing_and_garbage_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SecretFileError, match="cannot read"):
        read_secret_file(tmp_path / "absent", TrusteeKey, "pw")
    (tmp_path / "garbage").write_bytes(b"{not json")
    with pytest.raises(SecretFileError, match="malformed JSON"):
        read_secret_file(tmp_path / "garbage", TrusteeKey, "pw")


def test_empty_passphrase_is_refused(tmp_path: Path, key: TrusteeKey) -> None:
    with pytest.raises(ValueError, match="empty passphrase"):
        write_secret_file(tmp_path / "k", key, "", **FAST)


def test_passphrases_are_unicode_normalised(tmp_path: Path, key: TrusteeKey) -> None:
    composed, decomposed = "业主密码é", "业主密码e\u0301"
    assert composed != decomposed
    write_secret_file(tmp_path / "k", key, composed, **FAST)
    assert read_secret_file(tmp_path / "k", TrusteeKey, decomposed) == key


def test_decoded_secrets_keep_their_invariants(key: TrusteeKey) -> None:
    from evote._internal.encoding import decode, encode  # noqa: PLC0415
    from evote.errors import InvalidEncoding  # noqa: PLC0415

    document = json.loads(encode(key))
    document["verification_keys"] = document["verification_keys"][:2]
    with pytest.raises(InvalidEncoding, match="2 verification keys for 3 trustees"):
        decode(json.dumps(document), TrusteeKey)
    state = json.loads(encode(CeremonyTrustee.start(parameters(3, 2), 2)))
    state["coefficients"] = state["coefficients"][:1]
    with pytest.raises(InvalidEncoding, match="1 coefficients for threshold 2"):
        decode(json.dumps(state), CeremonyTrustee)
    state = json.loads(encode(CeremonyTrustee.start(parameters(3, 2), 2)))
    state["encryption_secret"] = "01" * 32
    with pytest.raises(InvalidEncoding, match="clamped"):
        decode(json.dumps(state), CeremonyTrustee)
