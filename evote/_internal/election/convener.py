"""The convener and what it signs: code issues, paper ballots, extensions, notices (spec §10.5).

The convener's key is named in the manifest. Whoever keeps the board cannot forge what it signs:
an activation code, a paper ballot, an extension or a notice without its signature is refused.
:class:`Convener` holds the key; each method returns the signed message to publish.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from evote._internal.election.ballots import Ballot, BallotKind, prepare_ballot
from evote._internal.election.election import Election
from evote._internal.election.manifest import Manifest
from evote._internal.encoding import Bytes32, Struct
from evote._internal.ids import ElectionId, PersonId, QuestionId
from evote._internal.registry.credentials import CodeIssue, issue_code, new_activation_code
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness
from evote.hazmat.signing import Signature, SigningKey, VerifyKey
from evote.hazmat.transcript import Domain

__all__ = [
    "Convener",
    "Extension",
    "ExtensionBody",
    "IssuedCode",
    "Notice",
    "NoticeBody",
    "extend_window",
    "post_notice",
]


class ExtensionBody(Struct):
    """The voting window of ``election`` now closes at ``closes`` (Unix seconds; domain rule 26)."""

    election: ElectionId
    manifest: Bytes32
    closes: int


class Extension(Struct):
    body: ExtensionBody
    signature: Signature


class NoticeBody(Struct):
    """A notice (公示): its subject and text, posted until ``until`` (Unix seconds)."""

    election: ElectionId
    manifest: Bytes32
    subject: str
    text: str
    until: int


class Notice(Struct):
    body: NoticeBody
    signature: Signature


def extend_window(
    election: ElectionId, manifest: Bytes32, closes: int, convener: SigningKey
) -> Extension:
    body = ExtensionBody(election=election, manifest=manifest, closes=closes)
    return Extension(body=body, signature=convener.sign(Domain.SIGN_EXTENSION, body))


def post_notice(
    election: ElectionId,
    manifest: Bytes32,
    subject: str,
    text: str,
    until: int,
    convener: SigningKey,
) -> Notice:
    body = NoticeBody(election=election, manifest=manifest, subject=subject, text=text, until=until)
    return Notice(body=body, signature=convener.sign(Domain.SIGN_NOTICE, body))


@dataclass(frozen=True)
class IssuedCode:
    """A code for one person: ``code`` goes to them out of band, ``issue`` on the board."""

    code: str
    issue: CodeIssue


class Convener:
    """The convener's key, and what it signs (spec §10.1, §10.5).

    The key is the manifest's ``convener_key``; it is never a voter's credential.
    """

    __slots__ = ("_key",)

    def __init__(self, key: SigningKey) -> None:
        self._key = key

    @property
    def key(self) -> VerifyKey:
        return self._key.verify_key

    def issue_code(
        self, manifest: Manifest, person: PersonId, *, randomness: Randomness = OS_RANDOMNESS
    ) -> IssuedCode:
        """A fresh one-time activation code for ``person``, and its signed issue (spec §10.1)."""
        code = new_activation_code(randomness=randomness)
        issue = issue_code(manifest.election, _hash(manifest), person, code, self._key)
        return IssuedCode(code=code, issue=issue)

    def paper_ballot(
        self,
        election: Election,
        person: PersonId,
        choices: Mapping[QuestionId, Collection[int]],
        *,
        scan: bytes,
        counter: int = 1,
        randomness: Randomness = OS_RANDOMNESS,
    ) -> Ballot:
        """The returned paper ballot of ``person``, encrypted and signed for entry (spec §10.2).

        ``scan`` is the scanned paper; its SHA-256 goes into the ballot. ``counter`` numbers the
        paper ballots entered for ``person``: a later paper (a corrected entry) takes a greater one.
        """
        opened = prepare_ballot(
            election,
            person,
            self._key,
            choices,
            counter=counter,
            kind=BallotKind.PAPER,
            scan=Bytes32(hashlib.sha256(scan).digest()),
            randomness=randomness,
        )
        return opened.ballot

    def extend(self, manifest: Manifest, closes: int) -> Extension:
        """Extend the voting window of the election to ``closes`` (domain rule 26)."""
        return extend_window(manifest.election, _hash(manifest), closes, self._key)

    def notice(self, manifest: Manifest, subject: str, text: str, *, until: int) -> Notice:
        """A notice (公示) posted until ``until``."""
        return post_notice(manifest.election, _hash(manifest), subject, text, until, self._key)


def _hash(manifest: Manifest) -> Bytes32:
    return Bytes32(manifest.hash())
