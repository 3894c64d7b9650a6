"""Activation codes and credential bindings (spec §10.1).

The convener issues each person a one-time activation code, delivered out of band, and publishes
only its hash. The owner's device generates an Ed25519 credential and binds it to the person by
revealing the code, signed with the new credential: anyone can check the code against the published
hash and the signature against the credential, and a used code can never serve again. Binding
again with a newly issued code (a lost phone) replaces the credential, visibly: the old one can
sign nothing more, while what it signed before stands until the owner replaces or revokes it.
"""

from __future__ import annotations

from typing import Final

from evote._internal.encoding import Bytes32, Struct
from evote._internal.ids import ElectionId, PersonId
from evote.errors import ParameterError
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness
from evote.hazmat.signing import Signature, SigningKey, VerifyKey
from evote.hazmat.transcript import Domain, Transcript

__all__ = [
    "Binding",
    "BindingBody",
    "CodeIssue",
    "CodeIssueBody",
    "bind",
    "code_hash",
    "issue_code",
    "new_activation_code",
    "normalize_code",
]

#: Crockford's base 32: no I, L, O or U, so that codes survive being read aloud or retyped.
ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: 20 symbols = 100 bits: beyond any guessing, even against the published hash.
CODE_LENGTH: Final = 20
_LOOKALIKES: Final = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_activation_code(*, randomness: Randomness = OS_RANDOMNESS) -> str:
    """A fresh code, grouped for reading: ``XXXXX-XXXXX-XXXXX-XXXXX``."""
    # 5 bits per symbol from 16 random bytes (128 bits, of which 100 are used).
    value = int.from_bytes(randomness.bytes(16), "big")
    symbols = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in range(CODE_LENGTH))
    return "-".join(symbols[i : i + 5] for i in range(0, CODE_LENGTH, 5))


def normalize_code(text: str) -> str:
    """The canonical form of a typed code: upper case, no hyphens or spaces, I/L→1, O→0.

    Only ASCII is accepted, so that the mapping is the same everywhere (spec §10.1).
    """
    if not text.isascii():
        raise ParameterError("activation code: only the ASCII letters and digits of the code")
    compact = text.upper().replace("-", "").replace(" ", "").translate(_LOOKALIKES)
    if len(compact) != CODE_LENGTH or any(c not in ALPHABET for c in compact):
        raise ParameterError(f"activation code: expected {CODE_LENGTH} symbols of base 32")
    return compact


def code_hash(election: ElectionId, manifest: bytes, person: PersonId, code: str) -> Bytes32:
    """``SHA-256(TAG activation-code ‖ TEXT election ‖ BYTES manifest ‖ TEXT person ‖ TEXT code)``.

    ``manifest`` is the election's manifest hash: a code is for one election's content, never for
    another that reuses its id (spec §10.1).
    """
    digest = (
        Transcript(Domain.ACTIVATION_CODE)
        .text(election)
        .data(manifest)
        .text(person)
        .text(normalize_code(code))
        .digest()
    )
    return Bytes32(digest)


class CodeIssueBody(Struct):
    """``manifest`` is the manifest hash of the election: the issue serves that election only."""

    election: ElectionId
    manifest: Bytes32
    person: PersonId
    code_hash: Bytes32


class CodeIssue(Struct):
    """The convener issued ``person`` an activation code with this hash, and signs so (§10.1)."""

    body: CodeIssueBody
    signature: Signature


def issue_code(
    election: ElectionId, manifest: Bytes32, person: PersonId, code: str, convener: SigningKey
) -> CodeIssue:
    """What the convener publishes when it gives ``person`` the activation code ``code``."""
    body = CodeIssueBody(
        election=election,
        manifest=manifest,
        person=person,
        code_hash=code_hash(election, manifest, person, code),
    )
    return CodeIssue(body=body, signature=convener.sign(Domain.SIGN_CODE_ISSUE, body))


class BindingBody(Struct):
    election: ElectionId
    manifest: Bytes32
    person: PersonId
    credential: VerifyKey
    code: str


class Binding(Struct):
    """A credential bound to a person by revealing its activation code, signed by the credential."""

    body: BindingBody
    signature: Signature


def bind(
    election: ElectionId, manifest: Bytes32, person: PersonId, credential: SigningKey, code: str
) -> Binding:
    """What the owner's device sends to bind ``credential`` to ``person`` with ``code``."""
    body = BindingBody(
        election=election,
        manifest=manifest,
        person=person,
        credential=credential.verify_key,
        code=normalize_code(code),
    )
    return Binding(body=body, signature=credential.sign(Domain.SIGN_BINDING, body))
