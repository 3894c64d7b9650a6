"""What the convener signs besides paper ballots: window extensions and notices (spec §10.5).

The convener's key is named in the manifest. Activation codes are issued under it too
(:class:`~evote._internal.registry.credentials.CodeIssue`). Whoever keeps the board cannot forge
these: an extension or a notice without the convener's signature is refused.
"""

from __future__ import annotations

from evote._internal.encoding import Struct
from evote._internal.ids import ElectionId
from evote.hazmat.signing import Signature, SigningKey
from evote.hazmat.transcript import Domain

__all__ = ["Extension", "ExtensionBody", "Notice", "NoticeBody", "extend_window", "post_notice"]


class ExtensionBody(Struct):
    """The voting window of ``election`` now closes at ``closes`` (Unix seconds; domain rule 26)."""

    election: ElectionId
    closes: int


class Extension(Struct):
    body: ExtensionBody
    signature: Signature


class NoticeBody(Struct):
    """A notice (公示): its subject and text, posted until ``until`` (Unix seconds)."""

    election: ElectionId
    subject: str
    text: str
    until: int


class Notice(Struct):
    body: NoticeBody
    signature: Signature


def extend_window(election: ElectionId, closes: int, convener: SigningKey) -> Extension:
    body = ExtensionBody(election=election, closes=closes)
    return Extension(body=body, signature=convener.sign(Domain.SIGN_EXTENSION, body))


def post_notice(
    election: ElectionId, subject: str, text: str, until: int, convener: SigningKey
) -> Notice:
    body = NoticeBody(election=election, subject=subject, text=text, until=until)
    return Notice(body=body, signature=convener.sign(Domain.SIGN_NOTICE, body))
