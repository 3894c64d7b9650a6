"""The worked examples written into spec/ are what the code computes (spec §7, §10, §13, §16).

Each example is rebuilt here from the seeds the spec names, and its bytes, hashes and signatures
must appear in the spec's text exactly: a change of wire form that forgets the spec fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evote import (
    Bytes32,
    ElectionId,
    Manifest,
    Matter,
    Motion,
    PersonId,
    QuestionId,
    SigningKey,
    Window,
    encode,
)
from evote._internal.board.events import Entry, NoticePosted
from evote._internal.community.charter import Charter, CommunityId, Organiser, OrganiserRole
from evote._internal.community.petitions import SignatureBody, sign_petition
from evote._internal.election.convener import Extension, Notice, extend_window, post_notice
from evote._internal.election.delegation import delegate, revoke
from evote._internal.registry.credentials import bind, code_hash, issue_code
from evote.hazmat.group import PublicKey
from evote.hazmat.merkle import leaf_hash
from evote.hazmat.signing import signed_message
from evote.hazmat.transcript import Domain, Transcript

SPEC = Path(__file__).resolve().parent.parent / "spec"
CONVENER = SigningKey(bytes(range(32)))
BOARD = SigningKey(bytes(range(32, 64)))
CREDENTIAL = SigningKey(bytes([1] * 32))
PROXY = SigningKey(bytes([2] * 32))
EXAMPLE = ElectionId("example")
PERSON = PersonId("张三")
CODE = "ABCDE-FGHJK-MNPQR-STVWX"
ROLL_HASH = bytes.fromhex("4f6de8267b928f85ecbb2f37b7835bbdb2611e4af8cadabb838453fd2a40fe88")
JOINT_KEY = "41390f5a4897e5a4ddbba7a1745c532512b6a7fdc1a442e41efe03ba8b0c97e6"

MANIFEST = Manifest(
    election=EXAMPLE,
    title="业主大会 2026",
    convener="业主委员会",
    convener_key=CONVENER.verify_key,
    board_key=BOARD.verify_key,
    window=Window(opens=1767225600, closes=1768435200),
    trustees=3,
    threshold=2,
    questions=(
        Motion(id=QuestionId("hire"), title="续聘物业服务企业", matter=Matter.PROPERTY_SERVICE),
    ),
)
MANIFEST_HASH = Bytes32(MANIFEST.hash())


def _spec(section: str) -> str:
    (path,) = SPEC.glob(f"{section}-*.md")
    return path.read_text(encoding="utf-8")


def _in(section: str, *texts: str) -> None:
    spec = _spec(section)
    for text in texts:
        assert text in spec, f"§{section} does not say: {text[:100]}"


def test_the_manifest_its_hash_and_the_fingerprint() -> None:
    data = encode(MANIFEST).decode()
    _in("7", f"Its canonical JSON, {len(encode(MANIFEST))} bytes", data, MANIFEST_HASH.hex())
    fingerprint = (
        Transcript(Domain.ELECTION)
        .data(MANIFEST_HASH)
        .data(ROLL_HASH)
        .point(PublicKey.from_hex(JOINT_KEY))
        .digest()
    )
    _in("7", fingerprint.hex(), f"0600000020{MANIFEST_HASH.hex()}")


def test_the_code_issue_and_the_binding() -> None:
    digest = code_hash(EXAMPLE, MANIFEST_HASH, PERSON, CODE)
    issue = issue_code(EXAMPLE, MANIFEST_HASH, PERSON, CODE, CONVENER)
    binding = bind(EXAMPLE, MANIFEST_HASH, PERSON, CREDENTIAL, CODE)
    _in("10", bytes(digest).hex(), encode(issue).decode(), encode(binding).decode())
    issue_size = len(encode(issue.body))
    _in("10", f"the body encodes to {issue_size} bytes, the signed\nmessage is "
              f"{len(signed_message(Domain.SIGN_CODE_ISSUE, issue.body))} bytes")  # fmt: skip
    _in("7", f"Its body encodes to {len(encode(binding.body))} bytes; the signed message M is "
             f"{len(signed_message(Domain.SIGN_BINDING, binding.body))} bytes")  # fmt: skip


def test_the_delegation_and_its_revocation() -> None:
    given = delegate(EXAMPLE, MANIFEST_HASH, PERSON, CREDENTIAL, PROXY.verify_key,
                     expires=1768000000)  # fmt: skip
    revocation = revoke(EXAMPLE, MANIFEST_HASH, given.id(), CREDENTIAL)
    _in("10", encode(given).decode(), bytes(given.id()).hex(), encode(revocation).decode())


@pytest.mark.parametrize("kind", ["extension", "notice"])
def test_what_the_convener_signs(kind: str) -> None:
    signed: Extension | Notice
    if kind == "extension":
        signed = extend_window(EXAMPLE, MANIFEST_HASH, 1769040000, CONVENER)
        domain = Domain.SIGN_EXTENSION
    else:
        signed = post_notice(EXAMPLE, MANIFEST_HASH, "公示", "名单已张贴 Roll posted", 1768435200,
                             CONVENER)  # fmt: skip
        domain = Domain.SIGN_NOTICE
    size, message = len(encode(signed.body)), len(signed_message(domain, signed.body))
    _in("10", encode(signed).decode(),
        f"its body encodes to {size}", f"the signed message is {message} bytes")  # fmt: skip


def test_the_notice_entry_and_its_leaf() -> None:
    notice = post_notice(EXAMPLE, MANIFEST_HASH, "公示", "名单已张贴 Roll posted", 1768435200,
                         CONVENER)  # fmt: skip
    entry = encode(Entry(index=2, at=1767225600, event=NoticePosted(notice=notice)))
    _in("13", entry.decode(), f"Its canonical JSON, {len(entry)} bytes", leaf_hash(entry).hex())


# -- the community board (spec §16) ---------------------------------------------------------------

COMMUNITY_CONVENER = SigningKey(bytes([3] * 32))
COMMUNITY_BOARD = SigningKey(bytes([4] * 32))
BANK = SigningKey(bytes([5] * 32))
SECRETARY = SigningKey(bytes([6] * 32))
CHARTER = Charter(
    community=CommunityId("lianhua-garden"),
    name="莲花花园",
    convener="莲花街道办事处",
    convener_key=COMMUNITY_CONVENER.verify_key,
    board_key=COMMUNITY_BOARD.verify_key,
    bank_key=BANK.verify_key,
    organisers=(
        Organiser(key=SECRETARY.verify_key, role=OrganiserRole.PARTY_BRANCH, name="社区党委书记"),
    ),
)


def test_the_charter_and_its_hash() -> None:
    data = encode(CHARTER)
    transcript = Transcript(Domain.CHARTER).data(data)
    assert transcript.digest() == CHARTER.hash()
    keys = [k.verify_key.hex() for k in (COMMUNITY_CONVENER, COMMUNITY_BOARD, BANK, SECRETARY)]
    _in("16", data.decode(), f"Its canonical JSON, {len(data)} bytes", CHARTER.hash().hex(), *keys)


def test_a_petition_signature() -> None:
    body = SignatureBody(
        community=CHARTER.community, charter=Bytes32(CHARTER.hash()), petition="interim-2026",
        person=PERSON, number=1,
    )  # fmt: skip
    signed = sign_petition(body, CREDENTIAL)
    message = signed_message(Domain.SIGN_PETITION_SIGNATURE, body)
    size = len(encode(body))
    header = message[: len(message) - size].hex()
    _in("16", encode(signed).decode(), f"its body encodes to {size} bytes",
        f"the signed message is {len(message)} bytes", header)  # fmt: skip
