"""Generate the known-answer vectors in spec/vectors/ from fixed seeds.

    python spec/vectors/generate.py           # write the files
    python spec/vectors/generate.py --check   # exit 1 if a file differs from what this script makes

Every value an operation draws at random is taken from a seeded stream and written into the vector
("randomness", in the order drawn, as spec/README.md §V says), so that an independent implementation
can feed the same values and must reproduce every output byte for byte. The seeded stream exists only
in this script; the library draws from the operating system.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import msgspec

from evote import (
    Assembly,
    Base,
    Candidate,
    CandidateId,
    CommitteeElection,
    Convener,
    DecisionRule,
    Delegation,
    ElectionId,
    Manifest,
    Matter,
    Measure,
    Motion,
    Policy,
    QuestionId,
    Rating,
    Requirement,
    SigningKey,
    Voter,
    Window,
    decrypt_tally,
    read_roll_csv,
)
from evote._internal.board.events import (
    BallotCast,
    CredentialBound,
    DelegationRevoked,
    Entry,
    NoticePosted,
    ResultsPublished,
    RollPublished,
    SharePublished,
    TallyPublished,
)
from evote._internal.board.heads import SignedTreeHead, TreeHead
from evote._internal.community.events import COMMUNITY_LAYOUT, CommunityEntry, StatementPosted
from evote._internal.community.fund import sign_statement
from evote._internal.election.results import MotionResult
from evote._internal.encoding import Bytes32, HexBytes, decode, encode, to_builtins
from evote._internal.host.board import Board
from evote._internal.host.community import CommunityBoard
from evote._internal.host.storage import MemoryStorage
from evote._internal.record import write_record
from evote._internal.trustees.ceremony import (
    CeremonyParameters,
    Complaint,
    Dealing,
    EncryptedShare,
    conclude,
    trustee_key_statement,
)
from evote._internal.trustees.decryption import TrusteeKey, combine_partial_decryptions
from evote._internal.trustees.trustee import CeremonyTrustee
from evote.cli.community import COMMUNITY, community_key
from evote.cli.demo import CLOSES, ELECTION, board_key, simulate, simulate_community
from evote.errors import InvalidPoint
from evote.hazmat import elgamal
from evote.hazmat.dlog import DiscreteLog
from evote.hazmat.group import BASE, IDENTITY, ORDER, Point, PublicKey, Scalar
from evote.hazmat.merkle import MerkleTree, leaf_hash
from evote.hazmat.proofs.disjunctive import RangeStatement, prove_range, prove_selection
from evote.hazmat.proofs.schnorr import prove_knowledge
from evote.hazmat.sealing import seal
from evote.hazmat.transcript import Domain, Transcript, hash_to_point

HERE = Path(__file__).resolve().parent
Json = dict[str, Any]


class SeededRandomness:
    """A deterministic stream: draw i is SHA-512("evote/vectors" ‖ seed ‖ i). Vectors only.

    Records every draw so that the vector can list the values an operation consumed.
    """

    def __init__(self, seed: str) -> None:
        self._seed = seed.encode()
        self._counter = itertools.count()
        self.drawn: list[str] = []

    def _block(self) -> bytes:
        index = next(self._counter).to_bytes(8, "big")
        return hashlib.sha512(b"evote/vectors\x00" + self._seed + index).digest()

    def scalar(self) -> Scalar:
        while True:
            scalar = Scalar.from_digest(self._block())
            if not scalar.is_zero():
                self.drawn.append(scalar.hex())
                return scalar

    def bytes(self, size: int) -> bytes:
        value = self._block()[:size]
        assert len(value) == size
        self.drawn.append(value.hex())
        return value

    def take(self) -> list[str]:
        """The values drawn since the last call, and forget them."""
        drawn, self.drawn = self.drawn, []
        return drawn


FINGERPRINT = hashlib.sha256(b"evote known-answer vectors: election fingerprint").digest()
CONTEXT = hashlib.sha256(b"evote known-answer vectors: voter credential").digest()


# -- group (spec §2) -------------------------------------------------------------------------------


def group_vectors() -> Json:
    multiples = [0, 1, 2, 3, 255, 2**64, ORDER - 1]
    small_order = {
        "0000000000000000000000000000000000000000000000000000000000000000": "small order (4)",
        "0000000000000000000000000000000000000000000000000000000000000080": "small order (4)",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05": "small order (8)",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a": "small order (8)",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85": "small order (8)",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa": "small order (8)",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f": "small order (2)",
        "0100000000000000000000000000000000000000000000000000000000000080": "non-canonical identity",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f": "non-canonical (y = p)",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f": "non-canonical (y = p + 1)",
    }
    torsion = bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")
    import nacl.bindings as sodium  # noqa: PLC0415 -- only to build an out-of-subgroup point

    mixed = sodium.crypto_core_ed25519_add(bytes(BASE), torsion).hex()
    invalid_points = [{"point": h, "reason": r} for h, r in small_order.items()]
    invalid_points.append(
        {"point": mixed, "reason": "on the curve, not in the prime-order subgroup"}
    )
    invalid_points.append({"point": "02" + "00" * 31, "reason": "not on the curve"})
    invalid_points.append({"point": "58" + "66" * 30, "reason": "wrong length (31 bytes)"})
    for entry in invalid_points:
        try:
            Point.from_hex(entry["point"])
        except InvalidPoint:
            continue
        raise AssertionError(f"vector point {entry['point']} unexpectedly valid")
    return {
        "order": str(ORDER),
        "base": BASE.hex(),
        "identity": IDENTITY.hex(),
        "multiples": [
            {"scalar": Scalar.from_int(k).hex(), "point": (BASE * Scalar.from_int(k)).hex()}
            for k in multiples
        ],
        "scalar_reduction": [
            {"digest": d.hex(), "scalar": Scalar.from_digest(d).hex()}
            for d in (bytes(64), b"\xff" * 64, hashlib.sha512(b"evote").digest())
        ],
        "generators": [{"name": n, "point": hash_to_point(n).hex()} for n in ("H", "evote/test")],
        "invalid_points": invalid_points,
        "invalid_scalars": [
            {"scalar": ORDER.to_bytes(32, "little").hex(), "reason": "equal to ℓ"},
            {"scalar": (ORDER + 1).to_bytes(32, "little").hex(), "reason": "above ℓ"},
            {"scalar": "ff" * 32, "reason": "above ℓ"},
            {"scalar": "00" * 31, "reason": "wrong length (31 bytes)"},
        ],
    }


# -- transcript (spec §3) --------------------------------------------------------------------------


def transcript_vectors() -> Json:
    transcript = (
        Transcript(Domain.CEREMONY)
        .fingerprint(FINGERPRINT)
        .point(BASE)
        .scalar(Scalar.from_int(7))
        .uint(2026)
        .data(b"\x00\x01")
        .text("业主大会")
    )
    return {
        "domain": Domain.CEREMONY.value,
        "fields": [
            {"type": "fingerprint", "value": FINGERPRINT.hex()},
            {"type": "point", "value": BASE.hex()},
            {"type": "scalar", "value": Scalar.from_int(7).hex()},
            {"type": "uint", "value": 2026},
            {"type": "bytes", "value": "0001"},
            {"type": "text", "value": "业主大会"},
        ],
        "encoding": transcript.encode().hex(),
        "challenge": transcript.challenge().hex(),
        "digest": transcript.digest().hex(),
    }


# -- ElGamal (spec §4) -----------------------------------------------------------------------------


def elgamal_vectors() -> Json:
    rng = SeededRandomness("elgamal")
    secret = rng.scalar()
    public = PublicKey.from_point(BASE * secret)
    rng.take()
    encryptions = []
    ciphertexts = []
    for message in (0, 1, 1, 42):
        nonce = rng.scalar()
        ciphertext = elgamal.encrypt_with_nonce(public, message, nonce)
        ciphertexts.append(ciphertext)
        encryptions.append(
            {"message": message, "nonce": nonce.hex(), "ciphertext": to_builtins(ciphertext)}
        )
    weights = [8912, 0, 12050, 1]
    weighted = [c.scale(w) for c, w in zip(ciphertexts, weights, strict=True)]
    total = elgamal.sum_ciphertexts(weighted)
    expected = sum(m * w for m, w in zip((0, 1, 1, 42), weights, strict=True))
    decoded = DiscreteLog(100_000).decode(elgamal.decrypt_to_point(secret, total))
    assert decoded == expected
    return {
        "secret_key": secret.hex(),
        "public_key": public.hex(),
        "encryptions": encryptions,
        "weights": weights,
        "weighted": [to_builtins(c) for c in weighted],
        "weighted_sum": to_builtins(total),
        "decrypted_point": elgamal.decrypt_to_point(secret, total).hex(),
        "decoded": decoded,
    }


# -- proofs (spec §5) ------------------------------------------------------------------------------


def proof_vectors() -> Json:
    rng = SeededRandomness("proofs")
    secret = rng.scalar()
    public = PublicKey.from_point(BASE * secret)
    rng.take()

    schnorr = prove_knowledge(trustee_key_statement(FINGERPRINT, 1), secret, public, randomness=rng)
    schnorr_vector = {
        "statement": {
            "domain": Domain.TRUSTEE_KEY.value,
            "fingerprint": FINGERPRINT.hex(),
            "trustee": 1,
        },
        "secret": secret.hex(),
        "public": public.hex(),
        "randomness": rng.take(),
        "proof": to_builtins(schnorr),
    }

    ciphertext = elgamal.encrypt_with_nonce(public, 1, rng.scalar())
    rng.take()
    key = TrusteeKey(
        parameters=CeremonyParameters(election=Bytes32(FINGERPRINT), trustees=1, threshold=1),
        trustee=1,
        share=secret,
        joint_key=public,
        verification_keys=(public,),
    )
    partial = key.partial_decrypt(FINGERPRINT, ciphertext, randomness=rng)
    cp_vector = {
        "statement": {
            "domain": Domain.DECRYPTION_SHARE.value,
            "fingerprint": FINGERPRINT.hex(),
            "trustee": 1,
            "ciphertext": to_builtins(ciphertext),
        },
        "secret": secret.hex(),
        "verification_key": public.hex(),
        "randomness": rng.take(),
        "partial_decryption": to_builtins(partial),
    }

    selections = []
    for value in (0, 1):
        nonce = rng.scalar()
        ciphertext = elgamal.encrypt_with_nonce(public, value, nonce)
        rng.take()
        statement = RangeStatement(FINGERPRINT, public, CONTEXT, ciphertext)
        proof = prove_selection(statement, value, nonce, randomness=rng)
        selections.append({
            "value": value,
            "nonce": nonce.hex(),
            "ciphertext": to_builtins(ciphertext),
            "randomness": rng.take(),
            "proof": to_builtins(proof),
        })  # fmt: skip

    ranges = []
    for values, bounds in (((0, 1, 0), (1, 1)), ((1, 0, 1, 1, 0), (0, 3))):
        nonces = [rng.scalar() for _ in values]
        rng.take()
        ciphertexts = [
            elgamal.encrypt_with_nonce(public, v, r) for v, r in zip(values, nonces, strict=True)
        ]
        total = elgamal.sum_ciphertexts(ciphertexts)
        nonce = nonces[0]
        for extra in nonces[1:]:
            nonce = nonce + extra
        statement = RangeStatement(FINGERPRINT, public, CONTEXT, total, *bounds)
        proof = prove_range(statement, sum(values), nonce, randomness=rng)
        ranges.append({
            "selections": list(values),
            "nonces": [r.hex() for r in nonces],
            "bounds": list(bounds),
            "sum": to_builtins(total),
            "sum_nonce": nonce.hex(),
            "randomness": rng.take(),
            "proof": to_builtins(proof),
        })  # fmt: skip

    return {
        "fingerprint": FINGERPRINT.hex(),
        "context": CONTEXT.hex(),
        "public_key": public.hex(),
        "schnorr": schnorr_vector,
        "chaum_pedersen": cp_vector,
        "selection": selections,
        "range": ranges,
    }


# -- ceremony and threshold decryption (spec §6) -------------------------------------------------


def ceremony_vectors(trustees: int, threshold: int, *, bad_share: bool = False) -> Json:
    """A full ceremony; with ``bad_share``, dealer 1 sends trustee 2 a wrong share and is caught."""
    name = f"ceremony-{threshold}-of-{trustees}" + ("-complaint" if bad_share else "")
    rng = SeededRandomness(name)
    election = Bytes32(hashlib.sha256(name.encode()).digest())
    parameters = CeremonyParameters(election=election, trustees=trustees, threshold=threshold)
    states = [CeremonyTrustee.start(parameters, i, randomness=rng) for i in parameters.indices]
    secrets = [{"trustee": s.trustee, "randomness": []} for s in states]
    # start drew, per trustee in order: k coefficients then 32 bytes for the encryption secret.
    drawn = rng.take()
    per = threshold + 1
    for index, entry in enumerate(secrets):
        entry["randomness"] = drawn[index * per : (index + 1) * per]

    announcements = []
    for state, entry in zip(states, secrets, strict=True):
        announcements.append(state.announce(randomness=rng))
        entry["announce_randomness"] = rng.take()
    dealings = []
    for state, entry in zip(states, secrets, strict=True):
        dealings.append(state.deal(announcements, randomness=rng))
        entry["deal_randomness"] = rng.take()

    if bad_share:
        keys = {a.trustee: a.encryption_key for a in announcements}
        wrong = Scalar.from_int(12345)
        bad_box = seal(keys[2], bytes(wrong), randomness=rng)
        first = dealings[0]
        shares = tuple(
            EncryptedShare(recipient=s.recipient, box=HexBytes(bad_box)) if s.recipient == 2 else s
            for s in first.shares
        )
        dealings[0] = Dealing(
            dealer=first.dealer, commitments=first.commitments, proofs=first.proofs, shares=shares
        )
        secrets[0]["bad_share"] = {"recipient": 2, "share": wrong.hex(), "randomness": rng.take()}

    complaints: list[Complaint] = []
    for state, entry in zip(states, secrets, strict=True):
        complaints.extend(state.check_shares(announcements, dealings, randomness=rng))
        entry["check_randomness"] = rng.take()
    outcome = conclude(parameters, announcements, dealings, complaints)
    keys_after = [state.finish(outcome, dealings) for state in states]

    public = outcome.joint_key
    message = 3
    nonce = rng.scalar()
    ciphertext = elgamal.encrypt_with_nonce(public, message, nonce)
    rng.take()
    partials = [key.partial_decrypt(FINGERPRINT, ciphertext, randomness=rng) for key in keys_after]
    partial_randomness = rng.take()
    combinations = []
    for size in range(threshold, trustees + 1):
        for subset in itertools.combinations(range(trustees), size):
            chosen = [partials[i] for i in subset]
            point = combine_partial_decryptions(
                FINGERPRINT, ciphertext, chosen, outcome.verification_keys, threshold
            )
            assert point == BASE * Scalar.from_int(message)
            combinations.append({"trustees": [i + 1 for i in subset], "point": point.hex()})

    return {
        "parameters": to_builtins(parameters),
        "ceremony_fingerprint": parameters.fingerprint().hex(),
        "trustees": [
            {
                **entry,
                "coefficients": [c.hex() for c in state.coefficients],
                "encryption_secret": state.encryption_secret.hex(),
                "share": key.share.hex(),
            }
            for entry, state, key in zip(secrets, states, keys_after, strict=True)
        ],
        "announcements": [to_builtins(a) for a in announcements],
        "dealings": [to_builtins(d) for d in dealings],
        "complaints": [to_builtins(c) for c in complaints],
        "outcome": to_builtins(outcome),
        "decryption": {
            "fingerprint": FINGERPRINT.hex(),
            "message": message,
            "nonce": nonce.hex(),
            "ciphertext": to_builtins(ciphertext),
            "partial_decryptions": [to_builtins(p) for p in partials],
            "randomness": partial_randomness,
            "combinations": combinations,
        },
    }


# -- election records (spec §14, §15) --------------------------------------------------------------

RECORD_SEED = 11


def _record_files(
    lines: list[bytes], heads: list[SignedTreeHead], election: ElectionId = ELECTION
) -> dict[str, bytes]:
    """The files of a record written from entry lines and heads."""
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch) / "record"
        write_record(directory, election, lines, heads)
        return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _resign(lines: list[bytes], at: int) -> list[SignedTreeHead]:
    """What a board operator holding the board key can do: sign a head over any entries."""
    tree = MerkleTree(leaf_hash(line) for line in lines)
    head = TreeHead(election=ELECTION, size=tree.size, root=Bytes32(tree.root()), at=at)
    signed = SignedTreeHead(
        head=head, signature=board_key(RECORD_SEED).sign(Domain.SIGN_TREE_HEAD, head)
    )
    return [signed]


def _edit(lines: list[bytes], kind: type, change: Any, nth: int = 0) -> list[bytes]:  # noqa: ANN401
    """Replace the ``nth`` entry whose event is a ``kind`` by ``change(entry)``."""
    found = -1
    result = []
    for line in lines:
        entry = decode(line, Entry)
        if isinstance(entry.event, kind):
            found += 1
            if found == nth:
                entry = change(entry)
        result.append(encode(entry))
    return result


def _drop(lines: list[bytes], kind: type) -> list[bytes]:
    """Remove the first entry of ``kind`` and number the later ones down."""
    entries = [decode(line, Entry) for line in lines]
    position = next(i for i, e in enumerate(entries) if isinstance(e.event, kind))
    kept = entries[:position] + entries[position + 1 :]
    return [encode(msgspec.structs.replace(e, index=i)) for i, e in enumerate(kept)]


def _flip_proof(entry: Entry) -> Entry:
    event = entry.event
    assert isinstance(event, BallotCast)
    part = event.ballot.body.questions[0]
    proof = part.proofs[0]
    challenge = Scalar.from_int(int(proof.challenges[0]) ^ 1)
    flipped = msgspec.structs.replace(proof, challenges=(challenge, *proof.challenges[1:]))
    part = msgspec.structs.replace(part, proofs=(flipped, *part.proofs[1:]))
    body = msgspec.structs.replace(
        event.ballot.body, questions=(part, *event.ballot.body.questions[1:])
    )
    ballot = msgspec.structs.replace(event.ballot, body=body)
    return msgspec.structs.replace(entry, event=BallotCast(ballot=ballot))


def _roll_area(entry: Entry) -> Entry:
    event = entry.event
    assert isinstance(event, RollPublished)
    first = event.roll.units[0]
    units = (msgspec.structs.replace(first, area=first.area + 100), *event.roll.units[1:])
    return msgspec.structs.replace(
        entry, event=RollPublished(roll=msgspec.structs.replace(event.roll, units=units))
    )


def _flip_motion_result(entry: Entry) -> Entry:
    event = entry.event
    assert isinstance(event, ResultsPublished)
    motion = event.results[0]
    assert isinstance(motion, MotionResult)
    first = msgspec.structs.replace(motion, passed=not motion.passed)
    return msgspec.structs.replace(
        entry, event=msgspec.structs.replace(event, results=(first, *event.results[1:]))
    )


def _share_point(entry: Entry) -> Entry:
    event = entry.event
    assert isinstance(event, SharePublished)
    first = event.share.partials[0]
    moved = msgspec.structs.replace(first, point=first.point + BASE)
    share = msgspec.structs.replace(event.share, partials=(moved, *event.share.partials[1:]))
    return msgspec.structs.replace(entry, event=SharePublished(share=share))


def _tally_swap(entry: Entry) -> Entry:
    event = entry.event
    assert isinstance(event, TallyPublished)
    first = event.tally.questions[0]
    a, b, *rest = first.selections
    question = msgspec.structs.replace(first, selections=(b, a, *rest))
    tally = msgspec.structs.replace(event.tally, questions=(question, *event.tally.questions[1:]))
    return msgspec.structs.replace(entry, event=TallyPublished(tally=tally))


def _time_back(entry: Entry) -> Entry:
    return msgspec.structs.replace(entry, at=entry.at - 10 * 86_400)


def _notice_text(entry: Entry) -> Entry:
    event = entry.event
    assert isinstance(event, NoticePosted)
    body = msgspec.structs.replace(event.notice.body, text="rewritten")
    notice = msgspec.structs.replace(event.notice, body=body)
    return msgspec.structs.replace(entry, event=NoticePosted(notice=notice))


#: name → (description, the check that must fail, how to make it from the valid entry lines).
INVALID_RECORDS: dict[str, tuple[str, str, Any]] = {
    "proof-bit": (
        "one bit of a selection proof's challenge flipped, so the voter's signature no longer "
        "verifies; the board operator re-signs the board",
        "15.7",
        lambda lines: _edit(lines, BallotCast, _flip_proof),
    ),
    "roll-area": (
        "one unit's area raised by 1 m² in the roll, so every ballot's fingerprint is wrong; "
        "the board operator re-signs",
        "15.8",
        lambda lines: _edit(lines, RollPublished, _roll_area),
    ),
    "result-flipped": (
        "the first motion's result turned round; the board operator re-signs",
        "15.11",
        lambda lines: _edit(lines, ResultsPublished, _flip_motion_result),
    ),
    "share-point": (
        "a partial decryption point changed; the board operator re-signs",
        "15.10",
        lambda lines: _edit(lines, SharePublished, _share_point),
    ),
    "tally-swapped": (
        "two aggregates of the tally swapped; the board operator re-signs",
        "15.9",
        lambda lines: _edit(lines, TallyPublished, _tally_swap),
    ),
    "revocation-dropped": (
        "a revocation removed, so a voided proxy ballot would count; the board operator re-signs",
        "15.9",
        lambda lines: _drop(lines, DelegationRevoked),
    ),
    "time-back": (
        "a binding dated ten days before the previous entry; the board operator re-signs",
        "15.12",
        lambda lines: _edit(lines, CredentialBound, _time_back, nth=2),
    ),
}


def _damaged(valid: dict[str, bytes]) -> dict[str, tuple[str, str, dict[str, bytes | None]]]:
    """Records damaged without the board key: name → (description, check, files to overlay).

    An overlay maps a file of the valid record to its new content; None deletes the file.
    """
    notice_line = valid["notices.jsonl"].rstrip(b"\n")
    edited = encode(_notice_text(decode(notice_line, Entry))) + b"\n"
    index = msgspec.json.decode(valid["record.json"])
    index["version"] = 3
    return {
        "unsigned-edit": (
            "a notice's text changed by someone without the board key",
            "15.2",
            {"notices.jsonl": edited},
        ),
        "missing-file": ("phases.jsonl deleted", "15.1", {"phases.jsonl": None}),
        "version-3": (
            "record.json claims format version 3",
            "15.1",
            {"record.json": msgspec.json.encode(index) + b"\n"},
        ),
    }


def record_vectors() -> dict[str, bytes]:
    """A small valid record, and invalid variants as overlays of the files that differ; and valid
    records of what the demo does not do.
    """  # noqa: D205
    board = Board(ELECTION, MemoryStorage(), board_key(RECORD_SEED))
    simulate(5, RECORD_SEED, board, randomness=SeededRandomness("record"))
    lines = list(board.raw_entries())
    valid = _record_files(lines, board.heads())
    files = {f"records/valid/{name}": data for name, data in valid.items()}
    for name, scenario in (
        ("delegations", _delegations_record),
        ("committee-tie", _committee_tie_record),
    ):
        election, scenario_lines, heads = scenario()
        for file, content in _record_files(scenario_lines, heads, election).items():
            files[f"records/valid-{name}/{file}"] = content
    variants: dict[str, tuple[str, str, dict[str, bytes | None]]] = {}
    for name, (description, check, mutate) in INVALID_RECORDS.items():
        changed = mutate(lines)
        variant = _record_files(changed, _resign(changed, CLOSES + 400))
        overlay: dict[str, bytes | None] = {n: d for n, d in variant.items() if valid.get(n) != d}
        variants[name] = (description, check, overlay)
    variants |= _damaged(valid)
    for name, (description, check, overlay) in variants.items():
        expected = {
            "check": check,
            "description": description,
            "deleted": sorted(n for n, d in overlay.items() if d is None),
        }
        files[f"records/invalid/{name}/expected.json"] = render(expected).encode()
        for file, data in overlay.items():
            if data is not None:
                files[f"records/invalid/{name}/{file}"] = data
    return files


# -- valid records of what the demo does not do (spec §6.4, §9.3, §10.4, §10.5, §11) ----------

#: The roll of the scenario records: unit, building, area (m²), owner. Areas chosen so that the
#: figures come out round; the developer holds two unsold units as one person.
SCENARIO_ROLL = """unit,building,area,owner,kind
1-101,1,120.00,P1,
1-102,1,110.00,P2,
1-201,1,100.00,P3,
1-202,1,95.00,P4,
2-101,2,90.00,P5,
2-102,2,85.00,P6,
2-201,2,80.00,P7,
2-202,2,75.00,DEV,developer
2-301,2,70.00,DEV,developer
"""
SCENARIO_OPENS = 1_790_000_000
SCENARIO_CLOSES = SCENARIO_OPENS + 7 * 86_400
AGREE, OPPOSE, ABSTAIN = Motion.AGREE, Motion.OPPOSE, Motion.ABSTAIN


class _Scenario:
    """A small election run by hand on an in-memory board, every step deterministic."""

    def __init__(self, name: str, questions: tuple[Any, ...], policy: Policy) -> None:
        self.rng = SeededRandomness(name)
        self.election = ElectionId(name)
        self.board_key = SigningKey(hashlib.sha256(f"evote vectors board {name}".encode()).digest())
        self.convener = Convener(
            SigningKey(hashlib.sha256(f"evote vectors convener {name}".encode()).digest())
        )
        self.board = Board(self.election, MemoryStorage(), self.board_key)
        self.assembly = Assembly(self.board)
        self.now = SCENARIO_OPENS - 10 * 86_400
        self.manifest = Manifest(
            election=self.election,
            title=f"业主大会 {name}",
            convener="业主委员会",
            convener_key=self.convener.key,
            board_key=self.board_key.verify_key,
            window=Window(opens=SCENARIO_OPENS, closes=SCENARIO_CLOSES),
            trustees=3,
            threshold=2,
            questions=questions,
            policy=policy,
        )
        self.assembly.open(
            self.manifest, read_roll_csv(SCENARIO_ROLL, self.election), at=self.tick()
        )
        self.voters: dict[str, Voter] = {}

    def tick(self, at: int | None = None) -> int:
        self.now = max(self.now + 60, at or 0)
        return self.now

    def ceremony(self, *, bad_share: bool) -> list[TrusteeKey]:
        """The 2-of-3 ceremony; with ``bad_share`` dealer 1 sends trustee 2 a wrong share."""
        parameters = self.manifest.ceremony_parameters()
        trustees = [CeremonyTrustee.start(parameters, i, randomness=self.rng) for i in (1, 2, 3)]
        announcements = [t.announce(randomness=self.rng) for t in trustees]
        for announcement in announcements:
            self.assembly.announce(announcement, at=self.tick())
        dealings = [t.deal(announcements, randomness=self.rng) for t in trustees]
        if bad_share:
            box = seal(announcements[1].encryption_key, bytes(Scalar.from_int(12345)),
                       randomness=self.rng)  # fmt: skip
            first = dealings[0]
            shares = tuple(
                EncryptedShare(recipient=2, box=HexBytes(box)) if s.recipient == 2 else s
                for s in first.shares
            )
            dealings[0] = msgspec.structs.replace(first, shares=shares)
        for dealing in dealings:
            self.assembly.deal(dealing, at=self.tick())
        for trustee in trustees:
            for complaint in trustee.check_shares(announcements, dealings, randomness=self.rng):
                self.assembly.complain(complaint, at=self.tick())
        outcome = self.assembly.conclude_ceremony(at=self.tick())
        return [t.finish(outcome, dealings) for t in trustees]

    def register(self) -> None:
        for person in self.assembly.election.roll.persons:
            issued = self.convener.issue_code(self.manifest, person.id, randomness=self.rng)
            self.assembly.issue_code(issued.issue, at=self.tick())
            voter = Voter.create(person.id, randomness=self.rng)
            self.assembly.bind(voter.bind(self.manifest, issued.code), at=self.tick())
            self.voters[str(person.id)] = voter

    def vote(self, person: str, choices: dict[str, list[int]]) -> None:
        opened = self.voters[person].prepare_ballot(
            self.assembly.election,
            {QuestionId(q): c for q, c in choices.items()},
            randomness=self.rng,
        )
        self.assembly.cast(opened.ballot, at=self.tick())

    def vote_for(self, proxy: str, delegation: Delegation, choices: dict[str, list[int]],
                 questions: list[str] | None = None) -> None:  # fmt: skip
        opened = self.voters[proxy].prepare_proxy_ballot(
            self.assembly.election, delegation, {QuestionId(q): c for q, c in choices.items()},
            questions=None if questions is None else [QuestionId(q) for q in questions],
            randomness=self.rng,
        )  # fmt: skip
        self.assembly.cast(opened.ballot, at=self.tick())

    def count(self, keys: list[TrusteeKey], trustees: tuple[int, int], closes: int) -> list[bytes]:
        self.assembly.close(at=closes)
        self.assembly.publish_tally(at=closes + 60)
        for trustee in trustees:
            share = decrypt_tally(keys[trustee - 1], self.assembly.box, randomness=self.rng)
            self.assembly.add_share(share, at=closes + 120)
        self.assembly.publish_results(at=closes + 180)
        notice = self.convener.notice(self.manifest, "表决结果公告", "结果已公布 Results posted",
                                      until=closes + 15 * 86_400)  # fmt: skip
        self.assembly.notice(notice, at=closes + 240)
        self.board.sign_head(at=closes + 300)
        return list(self.board.raw_entries())


def _delegations_record() -> tuple[ElectionId, list[bytes], list[SignedTreeHead]]:
    """A complaint upheld in the ceremony; a delegation passed on (depth 2); a proxy at its cap of
    two owners; the window extended; re-voting off; a custom stricter rule and a consultation.
    """  # noqa: D205

    def both(base: Base, numerator: int, denominator: int) -> tuple[Requirement, ...]:
        return tuple(
            Requirement(measure=m, base=base, numerator=numerator, denominator=denominator,
                        strict=False)
            for m in (Measure.AREA, Measure.HEADCOUNT)
        )  # fmt: skip

    # The covenant asks for more than the statute in every term: it covers ORDINARY (spec §9.1).
    stricter = DecisionRule(
        name="covenant: three quarters",
        quorum=both(Base.TOTAL, 3, 4),
        approval=both(Base.PARTICIPATING, 2, 3),
    )
    straw = DecisionRule(
        name="straw poll",
        quorum=(),
        approval=(Requirement(measure=Measure.HEADCOUNT, base=Base.PARTICIPATING, numerator=1,
                              denominator=2, strict=True),),
    )  # fmt: skip
    questions = (
        Motion(id=QuestionId("renew"), title="续聘物业服务企业", matter=Matter.PROPERTY_SERVICE),
        Motion(id=QuestionId("paint"), title="外墙翻新", matter=Matter.OTHER, rule=stricter),
        Motion(id=QuestionId("poll"), title="意见征询：增设快递柜", matter=None, rule=straw),
        Rating(id=QuestionId("service"), title="物业服务满意度"),
    )
    policy = Policy(revoting=False, max_delegations_per_proxy=2, delegation_depth=2)
    s = _Scenario("vectors-delegations", questions, policy)
    keys = s.ceremony(bad_share=True)
    s.register()
    s.tick(SCENARIO_OPENS)
    expires = SCENARIO_CLOSES + 86_400
    manifest, v = s.manifest, s.voters
    # P1 delegates to P2, who passes "renew" on to P3: a chain of depth 2.
    top = v["P1"].delegate(manifest, v["P2"].key, expires=expires)
    s.assembly.delegate(top, at=s.tick())
    onward = v["P2"].pass_on(top, v["P3"].key, expires=expires, scope=[QuestionId("renew")])
    s.assembly.delegate(onward, at=s.tick())
    # P4 holds two owners' votes, the cap of the policy.
    held = [v[o].delegate(manifest, v["P4"].key, expires=expires) for o in ("P5", "P6")]
    for delegation in held:
        s.assembly.delegate(delegation, at=s.tick())
    # The convener extends the window by two days.
    closes = SCENARIO_CLOSES + 2 * 86_400
    s.assembly.extend(s.convener.extend(manifest, closes), at=s.tick())
    everything = {"renew": [AGREE], "paint": [AGREE], "poll": [AGREE], "service": [3]}
    s.vote_for("P3", onward, {"renew": [AGREE]}, questions=["renew"])
    s.vote_for("P2", top, {"paint": [OPPOSE], "poll": [AGREE], "service": [3]},
               questions=["paint", "poll", "service"])  # fmt: skip
    s.vote("P2", everything)
    s.vote("P3", {"renew": [AGREE], "paint": [AGREE], "poll": [OPPOSE], "service": [4]})
    for delegation, choices in zip(
        held,
        ({"renew": [AGREE], "paint": [ABSTAIN]}, {"renew": [OPPOSE], "paint": [AGREE]}),
        strict=True,
    ):
        s.vote_for("P4", delegation, {**choices, "poll": [AGREE], "service": []})
    s.vote("P4", everything)
    s.vote("P7", {"renew": [AGREE], "paint": [AGREE], "poll": [ABSTAIN], "service": [2]})
    s.vote("DEV", {"renew": [OPPOSE], "paint": [AGREE], "poll": [], "service": []})
    lines = s.count(keys, (2, 3), closes)
    return s.election, lines, s.board.heads()


def _committee_tie_record() -> tuple[ElectionId, list[bytes], list[SignedTreeHead]]:
    """A committee election of 2 seats and 1 alternate place where two candidates tie exactly for
    the second seat, so a seat and the alternate place stay unfilled (spec §9.3).
    """  # noqa: D205
    committee = CommitteeElection(
        id=QuestionId("committee"), title="选举业主委员会",
        candidates=tuple(Candidate(id=CandidateId(f"C{i}"), name=f"候选人{i}") for i in range(1, 6)),
        seats=2, alternates=1,
    )  # fmt: skip
    s = _Scenario("vectors-committee-tie", (committee,), Policy())
    keys = s.ceremony(bad_share=False)
    s.register()
    s.tick(SCENARIO_OPENS)
    # Each owner approves up to two. C1: P1 P2 P5 P6 P7, 5 persons, 485 m², first. C2: P1 P3 P4 P7
    # and C3: P2 P3 P4 P5, each 4 persons and 395 m² (120 + 80 = 110 + 90): equal in both measures,
    # for the second seat and the alternate place; both pass round 1 (more than half of the 7
    # participants and of their 680 m²). C4: P6 alone; C5: nobody. The developer does not vote.
    approvals = {"P1": [0, 1], "P7": [0, 1], "P2": [0, 2], "P5": [0, 2], "P3": [1, 2],
                 "P4": [1, 2], "P6": [0, 3]}  # fmt: skip
    for person, chosen in approvals.items():
        s.vote(person, {"committee": chosen})
    lines = s.count(keys, (1, 3), SCENARIO_CLOSES)
    return s.election, lines, s.board.heads()


# -- a community's record with its election's (spec §16) ------------------------------------------

COMMUNITY_SEED, COMMUNITY_OWNERS = 1, 5  # seed 1: the fund motion passes, raising the fund fails


def _community_files(lines: list[bytes], heads: list[SignedTreeHead]) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch) / "record"
        write_record(directory, COMMUNITY, lines, heads, COMMUNITY_LAYOUT)
        return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _community_resign(lines: list[bytes]) -> list[SignedTreeHead]:
    """The community board's operator signs a head over any entries."""
    tree = MerkleTree(leaf_hash(line) for line in lines)
    at = max(msgspec.json.decode(line)["at"] for line in lines)
    head = TreeHead(election=COMMUNITY, size=tree.size, root=Bytes32(tree.root()), at=at)
    key = community_key("community board", COMMUNITY_SEED)
    return [SignedTreeHead(head=head, signature=key.sign(Domain.SIGN_TREE_HEAD, head))]


def _json_edit(lines: list[bytes], kind: str, change: Any, nth: int = 0) -> list[bytes]:  # noqa: ANN401
    """Change the JSON of the ``nth`` entry of ``kind`` (its event, in place)."""
    entries = [msgspec.json.decode(line) for line in lines]
    found = [i for i, e in enumerate(entries) if e["event"]["type"] == kind]
    change(entries[found[nth]])
    return [msgspec.json.encode(e) for e in entries]


def _json_drop(lines: list[bytes], kind: str, nth: int = 0) -> list[bytes]:
    entries = [msgspec.json.decode(line) for line in lines]
    found = [i for i, e in enumerate(entries) if e["event"]["type"] == kind]
    del entries[found[nth]]
    for index, entry in enumerate(entries):
        entry["index"] = index
    return [msgspec.json.encode(e) for e in entries]


def _over_amount(lines: list[bytes]) -> list[bytes]:
    """The bank pays more under the fund motion than it authorised, and signs every statement."""
    bank = community_key("bank", COMMUNITY_SEED)
    entries = [decode(line, CommunityEntry) for line in lines]
    balance: int | None = None
    result = []
    for original in entries:
        entry, event = original, original.event
        if isinstance(event, StatementPosted):
            body = event.statement.body
            transactions = tuple(
                msgspec.structs.replace(t, amount=t.amount - 60_000_000) if t.decision else t
                for t in body.transactions
            )
            changed = balance is not None or transactions != body.transactions
            if changed:
                opening = body.opening if balance is None else balance
                body = msgspec.structs.replace(
                    body, opening=opening, transactions=transactions,
                    closing=opening + sum(t.amount for t in transactions),
                )  # fmt: skip
                balance = body.closing
                event = StatementPosted(statement=sign_statement(body, bank))
                entry = msgspec.structs.replace(entry, event=event)
        result.append(encode(entry))
    return result


def _meeting_late(lines: list[bytes]) -> list[bytes]:
    entries = [msgspec.json.decode(line) for line in lines]
    for entry in entries:
        event = entry["event"]
        if event["type"] == "notice" and event["notice"]["body"]["kind"] == "meeting":
            entry["at"] += 10 * 86_400  # 10 days before voting opens, not the 15 required
    return [msgspec.json.encode(e) for e in entries]


def _append(key: str, suffix: str) -> Any:  # noqa: ANN401
    """A change that appends ``suffix`` to the text at the dotted path ``key`` of an event."""

    def change(entry: Json) -> None:
        *parents, last = key.split(".")
        node = entry["event"]
        for name in parents:
            node = node[name]
        node[last] += suffix

    return change


def _reached_headcount(entry: Json) -> None:
    entry["event"]["reaching"]["progress"]["signed"]["headcount"] += 1


COMMUNITY_INVALID: dict[str, tuple[str, str, Any]] = {
    "charter-community": (
        "the charter names another community, so its roll is not its own", "16.2",
        lambda lines: _json_edit(lines, "charter", _append("charter.community", "-x")),
    ),
    "reached-figures": (
        "the reached entry's signed headcount is one more than the signatures", "16.3",
        lambda lines: _json_edit(lines, "petition-reached", _reached_headcount),
    ),
    "signature-dropped": (
        "a signature removed, so the reached moment comes too early", "16.3",
        lambda lines: _json_drop(lines, "petition-signature", 1),
    ),
    "objection-altered": (
        "an objection's text changed after the owner signed it", "16.4",
        lambda lines: _json_edit(lines, "objection", _append("objection.body.text", "!")),
    ),
    "statement-missing": (
        "a day's statement removed from the chain", "16.5",
        lambda lines: _json_drop(lines, "statement", 3),
    ),
    "opinion-altered": (
        "an opinion's text changed after the owner signed it", "16.6",
        lambda lines: _json_edit(lines, "opinion", _append("opinion.body.text", "!")),
    ),
    "transfer-over-amount": (
        "the bank pays the lift contractor more than the fund motion authorised", "16.7",
        _over_amount,
    ),
    "meeting-notice-late": (
        "the meeting notice posted 10 days before voting opens, not 15", "16.7", _meeting_late,
    ),
}  # fmt: skip


def community_vectors() -> dict[str, bytes]:
    """A community's record with its election's under ``elections/``, and invalid overlays."""
    community_board = CommunityBoard(
        COMMUNITY, MemoryStorage(), community_key("community board", COMMUNITY_SEED)
    )
    board = Board(ELECTION, MemoryStorage(), board_key(COMMUNITY_SEED))
    simulate_community(
        COMMUNITY_OWNERS, COMMUNITY_SEED, community_board, board,
        randomness=SeededRandomness("community"),
    )  # fmt: skip
    lines = list(community_board.raw_entries())
    valid = _community_files(lines, community_board.heads())
    files = {f"records/community/{name}": data for name, data in valid.items()}
    election = _record_files(list(board.raw_entries()), board.heads())
    files |= {f"records/community/elections/{ELECTION}/{n}": d for n, d in election.items()}
    for name, (description, check, mutate) in COMMUNITY_INVALID.items():
        changed = mutate(lines)
        variant = _community_files(changed, _community_resign(changed))
        expected = {"check": check, "description": description, "deleted": []}
        files[f"records/community-invalid/{name}/expected.json"] = render(expected).encode()
        for file, data in variant.items():
            if valid.get(file) != data:
                files[f"records/community-invalid/{name}/{file}"] = data
    return files


def build() -> dict[str, bytes]:
    """Every vector file, by its path under spec/vectors/."""
    documents = {
        "group.json": group_vectors(),
        "transcript.json": transcript_vectors(),
        "elgamal.json": elgamal_vectors(),
        "proofs.json": proof_vectors(),
        "ceremony-2-of-3.json": ceremony_vectors(3, 2),
        "ceremony-3-of-5.json": ceremony_vectors(5, 3),
        "ceremony-2-of-3-complaint.json": ceremony_vectors(3, 2, bad_share=True),
    }
    files = {name: render(content).encode() for name, content in documents.items()}
    return files | record_vectors() | community_vectors()


def render(content: Any) -> str:  # noqa: ANN401 -- JSON
    return json.dumps(content, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    arguments = parser.parse_args()
    built = build()
    present = {
        p.relative_to(HERE).as_posix()
        for p in HERE.rglob("*")
        if p.is_file()
        and p.suffix != ".py"
        and not p.name.startswith(".")
        and p.name != "README.md"
    }
    changed = [
        name for name, data in built.items()
        if not (HERE / name).is_file() or (HERE / name).read_bytes() != data
    ]  # fmt: skip
    extra = sorted(present - set(built))
    stale = sorted(changed) + extra
    if arguments.check:
        if stale:
            print(
                f"stale vectors (run spec/vectors/generate.py): {', '.join(stale)}", file=sys.stderr
            )
            return 1
        return 0
    for name in extra:
        (HERE / name).unlink()
    for name in changed:
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(built[name])
        print(f"wrote spec/vectors/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
