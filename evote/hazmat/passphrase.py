"""Secrets at rest under a passphrase: Argon2id and XSalsa20-Poly1305 (SecretBox) (spec §6.7).

``key = Argon2id(passphrase, salt, opslimit, memlimit)`` (libsodium ``crypto_pwhash``, 32 bytes), then
``SecretBox(key).encrypt(plaintext, nonce)``. Any failure to open — wrong passphrase, altered
parameters, salt, nonce or ciphertext — is the same opaque error.
"""

from __future__ import annotations

import unicodedata
from typing import Final

import nacl.secret
from nacl.exceptions import CryptoError
from nacl.pwhash import argon2id

from evote._internal.encoding import HexBytes, Struct
from evote.errors import ParameterError, SecretFileError
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness

__all__ = ["KdfParameters", "Locked", "lock", "unlock"]

ALGORITHM: Final = "argon2id13"
MIN_OPSLIMIT: Final = argon2id.OPSLIMIT_INTERACTIVE
MIN_MEMLIMIT: Final = argon2id.MEMLIMIT_INTERACTIVE
MAX_OPSLIMIT: Final = argon2id.OPSLIMIT_SENSITIVE
MAX_MEMLIMIT: Final = argon2id.MEMLIMIT_SENSITIVE
DEFAULT_OPSLIMIT: Final = argon2id.OPSLIMIT_MODERATE
DEFAULT_MEMLIMIT: Final = argon2id.MEMLIMIT_MODERATE


class KdfParameters(Struct):
    algorithm: str
    opslimit: int
    memlimit: int
    salt: HexBytes

    def __post_init__(self) -> None:
        if self.algorithm != ALGORITHM:
            raise ParameterError(
                f"key derivation: expected {ALGORITHM!r}, found {self.algorithm!r}"
            )
        if not MIN_OPSLIMIT <= self.opslimit <= MAX_OPSLIMIT:
            raise ParameterError(
                f"key derivation: opslimit {self.opslimit} outside [{MIN_OPSLIMIT}, {MAX_OPSLIMIT}]"
            )
        if not MIN_MEMLIMIT <= self.memlimit <= MAX_MEMLIMIT:
            raise ParameterError(
                f"key derivation: memlimit {self.memlimit} outside [{MIN_MEMLIMIT}, {MAX_MEMLIMIT}]"
            )
        if len(self.salt) != argon2id.SALTBYTES:
            raise ParameterError(
                f"key derivation: salt of {len(self.salt)} bytes, expected {argon2id.SALTBYTES}"
            )


class Locked(Struct):
    kdf: KdfParameters
    nonce: HexBytes
    ciphertext: HexBytes


def _key(passphrase: str, kdf: KdfParameters) -> bytes:
    # NFC, so that the same passphrase typed on different systems gives the same key (spec §6.7).
    return argon2id.kdf(
        nacl.secret.SecretBox.KEY_SIZE,
        unicodedata.normalize("NFC", passphrase).encode("utf-8"),
        bytes(kdf.salt),
        opslimit=kdf.opslimit,
        memlimit=kdf.memlimit,
    )


def lock(
    plaintext: bytes,
    passphrase: str,
    *,
    opslimit: int = DEFAULT_OPSLIMIT,
    memlimit: int = DEFAULT_MEMLIMIT,
    randomness: Randomness = OS_RANDOMNESS,
) -> Locked:
    """Encrypt ``plaintext`` under a key derived from ``passphrase`` with a fresh salt and nonce."""
    if not passphrase:
        raise ParameterError("an empty passphrase protects nothing")
    kdf = KdfParameters(
        algorithm=ALGORITHM,
        opslimit=opslimit,
        memlimit=memlimit,
        salt=HexBytes(randomness.bytes(argon2id.SALTBYTES)),
    )
    nonce = randomness.bytes(nacl.secret.SecretBox.NONCE_SIZE)
    ciphertext = nacl.secret.SecretBox(_key(passphrase, kdf)).encrypt(plaintext, nonce).ciphertext
    return Locked(kdf=kdf, nonce=HexBytes(nonce), ciphertext=HexBytes(ciphertext))


def unlock(locked: Locked, passphrase: str) -> bytes:
    """The plaintext; :class:`SecretFileError` if the passphrase is wrong or anything was altered."""
    try:
        if len(locked.nonce) != nacl.secret.SecretBox.NONCE_SIZE:
            raise CryptoError
        return nacl.secret.SecretBox(_key(passphrase, locked.kdf)).decrypt(
            bytes(locked.ciphertext), bytes(locked.nonce)
        )
    except CryptoError:
        raise SecretFileError(
            "cannot open the secret: wrong passphrase, or the file was altered or damaged"
        ) from None
