"""The registry of owners: the roll, the activation codes issued and the credentials bound (spec §11.2).

A registry exists as soon as its roll does, before any ballot: the convener issues each person a
one-time activation code and publishes its hash, and the owner binds a credential by revealing the
code (spec §10.1). The ballot box asks the registry who holds which credential; later, petitions
will too. A second binding for the same person (a lost phone) replaces the credential: the old one
can sign nothing more, what it signed before stands.

Every method checks its submission completely before changing anything: it is either recorded or
refused with a :class:`~evote.errors.Refused` naming the reason, leaving the registry as it was.
"""

from __future__ import annotations

from evote._internal.ids import PersonId
from evote._internal.messages import Text
from evote._internal.registry.credentials import Binding, CodeIssue, code_hash, normalize_code
from evote._internal.registry.roll import Person, Roll
from evote.errors import ParameterError, Reason, Refused, refusing
from evote.hazmat.signing import VerifyKey, verify_signature
from evote.hazmat.transcript import Domain

__all__ = ["Registry"]

_NOT_ON_ROLL = Text(
    "not-on-roll", "{person!r} is not a person on the roll", "{person!r} 不是名册上的人员"
)
_REPLACED = Text(
    "credential-replaced", "this credential was replaced by a new binding",
    "该凭证已被新的凭证绑定取代",
)  # fmt: skip
_OTHER_ELECTION = Text(
    "other-election", "{what} for election {election!r}", "{what}针对的是另一选举 {election!r}"
)
_OTHER_MANIFEST = Text(
    "other-manifest", "{what} for another manifest of election {election!r} (a reused id)",
    "{what}针对的是选举 {election!r} 的另一份选举清单（选举标识被重复使用）",
)  # fmt: skip
_CODE_ISSUE = Text("code-issue", "code issue", "激活码发放")
_CODE_ISSUE_SIGNED = Text(
    "code-issue-signer", "code issue (not signed by the convener)", "激活码发放（非召集人签名）"
)
_BINDING = Text("binding", "binding", "凭证绑定")
_CODE_ISSUED = Text(
    "code-issued", "this activation code hash was issued before", "该激活码哈希此前已发放过"
)
_CODE_NOT_CANONICAL = Text(
    "code-not-canonical", "the code is not in canonical form (spec §10.1)",
    "激活码不是规范格式（技术规范 §10.1）",
)  # fmt: skip
_NO_SUCH_CODE = Text(
    "code-unknown", "no such activation code for {person!r}", "没有发给 {person!r} 的此激活码"
)
_CODE_USED = Text("code-used", "this activation code has been used", "该激活码已被使用")
_KEY_IN_USE = Text(
    "credential-in-use", "this key is already in use in this election", "该密钥已在本次选举中使用"
)


class Registry:
    """Who may vote, and with which credential: the roll, its codes and its bindings (spec §11.2).

    ``convener_key`` signs the code issues; it can never be bound as a credential. Issues and
    bindings name the election and its manifest hash ``manifest``: one signed for another election
    that reused the id is refused as ``wrong-election`` (spec §10.1).
    """

    def __init__(self, roll: Roll, convener_key: VerifyKey, manifest: bytes) -> None:
        self.roll = roll
        self._convener_key = convener_key
        self.manifest = bytes(manifest)
        self._codes: dict[bytes, PersonId] = {}  # code hash → the person it was issued to
        self._used_codes: set[bytes] = set()
        self._credential: dict[PersonId, VerifyKey] = {}
        self._holder: dict[VerifyKey, PersonId] = {}
        self._epoch: dict[VerifyKey, int] = {}  # 1 for the first binding accepted, and so on
        self._replaced: set[VerifyKey] = set()

    # -- who is who ----------------------------------------------------------------------------

    def person(self, person: PersonId) -> Person:
        """The person on the roll; refused as ``not-on-roll`` otherwise."""
        found = self.roll.person(person)
        if found is None:
            raise Refused(Reason.NOT_ON_ROLL, _NOT_ON_ROLL, person=person)
        return found

    def credential(self, person: PersonId) -> VerifyKey | None:
        """The credential bound to ``person`` now, if any."""
        return self._credential.get(person)

    def holder(self, credential: VerifyKey) -> PersonId | None:
        """The person whose credential this is or was (a replaced one included)."""
        return self._holder.get(credential)

    def epoch(self, credential: VerifyKey) -> int:
        """The place of this credential's binding among all bindings: 1, 2, … (spec §11.3)."""
        return self._epoch[credential]

    def is_replaced(self, credential: VerifyKey) -> bool:
        """Whether a later binding replaced this credential: it can sign nothing more."""
        return credential in self._replaced

    def require_live(self, credential: VerifyKey) -> None:
        if credential in self._replaced:
            raise Refused(Reason.NOT_AUTHORISED, _REPLACED)

    @property
    def unbound(self) -> list[PersonId]:
        """The persons of the roll who have bound no credential yet, in roll order."""
        return [p.id for p in self.roll.persons if p.id not in self._credential]

    def require_election(self, election: str, manifest: bytes, what: Text) -> None:
        """Refuse as ``wrong-election`` what was signed for another election or manifest.

        ``what`` names the signed item (a code issue, a binding…).
        """
        if election != self.roll.election:
            raise Refused(Reason.WRONG_ELECTION, _OTHER_ELECTION, what=what, election=election)
        if bytes(manifest) != self.manifest:
            raise Refused(Reason.WRONG_ELECTION, _OTHER_MANIFEST, what=what, election=election)

    # -- codes and bindings (spec §10.1, §11.2) ------------------------------------------------

    def issue_code(self, issue: CodeIssue) -> None:
        """Record the hash of an activation code the convener issued to a person."""
        body = issue.body
        self.require_election(body.election, body.manifest, _CODE_ISSUE)
        self.person(body.person)
        with refusing():
            verify_signature(
                self._convener_key, Domain.SIGN_CODE_ISSUE, body, issue.signature,
                what=_CODE_ISSUE_SIGNED,
            )  # fmt: skip
        if bytes(body.code_hash) in self._codes:
            raise Refused(Reason.CODE_INVALID, _CODE_ISSUED)
        self._codes[bytes(body.code_hash)] = body.person

    def bind(self, binding: Binding) -> None:
        """Bind a credential with a one-time code; a second binding replaces the first."""
        body = binding.body
        self.require_election(body.election, body.manifest, _BINDING)
        self.person(body.person)
        with refusing():
            verify_signature(
                body.credential, Domain.SIGN_BINDING, body, binding.signature, what=_BINDING
            )
        try:
            canonical = normalize_code(body.code) == body.code
        except ParameterError:
            canonical = False
        if not canonical:
            raise Refused(Reason.CODE_INVALID, _CODE_NOT_CANONICAL)
        digest = bytes(code_hash(body.election, body.manifest, body.person, body.code))
        if self._codes.get(digest) != body.person:
            raise Refused(Reason.CODE_INVALID, _NO_SUCH_CODE, person=body.person)
        if digest in self._used_codes:
            raise Refused(Reason.CODE_USED, _CODE_USED)
        if body.credential in self._holder or body.credential == self._convener_key:
            raise Refused(Reason.CREDENTIAL_IN_USE, _KEY_IN_USE)
        previous = self._credential.get(body.person)
        if previous is not None:
            self._replaced.add(previous)
        self._used_codes.add(digest)
        self._credential[body.person] = body.credential
        self._holder[body.credential] = body.person
        self._epoch[body.credential] = len(self._epoch) + 1
