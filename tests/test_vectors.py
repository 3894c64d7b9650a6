"""Known-answer vectors (spec/vectors/): current, and verified by the public functions.

Two checks per file: regenerating from the fixed seeds reproduces the file byte for byte (so the code
still computes exactly what the spec's vectors say), and the vectors' public parts verify through
the same functions an independent verifier would use, reading only the JSON.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from evote import Status, verify_community_record, verify_record
from evote._internal.encoding import decode
from evote._internal.trustees.ceremony import (
    Announcement,
    CeremonyOutcome,
    CeremonyParameters,
    Complaint,
    Dealing,
    conclude,
    trustee_key_statement,
)
from evote._internal.trustees.decryption import PartialDecryption, combine_partial_decryptions
from evote.errors import InvalidPoint, InvalidScalar
from evote.hazmat.dlog import DiscreteLog
from evote.hazmat.elgamal import Ciphertext, decrypt_to_point, sum_ciphertexts
from evote.hazmat.group import BASE, ORDER, Point, PublicKey, Scalar
from evote.hazmat.proofs.disjunctive import (
    DisjunctiveProof,
    RangeStatement,
    verify_range,
    verify_selection,
)
from evote.hazmat.proofs.schnorr import SchnorrProof, knowledge_holds
from evote.hazmat.transcript import Domain, Transcript, hash_to_point

VECTORS = Path(__file__).resolve().parent.parent / "spec" / "vectors"


@cache
def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_vectors", VECTORS / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def test_every_vector_file_is_current() -> None:
    built = _generator().build()
    present = {
        p.relative_to(VECTORS).as_posix()
        for p in VECTORS.rglob("*")
        if p.is_file() and p.suffix != ".py" and p.name != "README.md"
    }
    assert sorted(built) == sorted(present)
    for name, data in built.items():
        assert (VECTORS / name).read_bytes() == data, name


def test_group_vectors() -> None:
    v = _load("group.json")
    assert int(v["order"]) == ORDER
    assert v["base"] == BASE.hex()
    for entry in v["multiples"]:
        assert (BASE * Scalar.from_hex(entry["scalar"])).hex() == entry["point"]
    for entry in v["scalar_reduction"]:
        assert Scalar.from_digest(bytes.fromhex(entry["digest"])).hex() == entry["scalar"]
    for entry in v["generators"]:
        assert hash_to_point(entry["name"]).hex() == entry["point"]
    for entry in v["invalid_points"]:
        with pytest.raises(InvalidPoint):
            Point.from_hex(entry["point"])
    for entry in v["invalid_scalars"]:
        with pytest.raises(InvalidScalar):
            Scalar.from_hex(entry["scalar"])


def test_transcript_vector() -> None:
    v = _load("transcript.json")
    transcript = Transcript(Domain(v["domain"]))
    for field in v["fields"]:
        kind, value = field["type"], field["value"]
        if kind == "fingerprint":
            transcript.fingerprint(bytes.fromhex(value))
        elif kind == "point":
            transcript.point(Point.from_hex(value))
        elif kind == "scalar":
            transcript.scalar(Scalar.from_hex(value))
        elif kind == "uint":
            transcript.uint(value)
        elif kind == "bytes":
            transcript.data(bytes.fromhex(value))
        else:
            transcript.text(value)
    assert transcript.encode().hex() == v["encoding"]
    assert transcript.challenge().hex() == v["challenge"]
    assert transcript.digest().hex() == v["digest"]


def test_elgamal_vector() -> None:
    v = _load("elgamal.json")
    secret = Scalar.from_hex(v["secret_key"])
    assert (BASE * secret).hex() == v["public_key"]
    weighted = []
    for entry, weight, expected in zip(v["encryptions"], v["weights"], v["weighted"], strict=True):
        ciphertext = decode(json.dumps(entry["ciphertext"]), Ciphertext)
        assert ciphertext.alpha == BASE * Scalar.from_hex(entry["nonce"])
        weighted.append(ciphertext.scale(weight))
        assert weighted[-1] == decode(json.dumps(expected), Ciphertext)
    total = sum_ciphertexts(weighted)
    assert total == decode(json.dumps(v["weighted_sum"]), Ciphertext)
    point = decrypt_to_point(secret, total)
    assert point.hex() == v["decrypted_point"]
    assert DiscreteLog(10**6).decode(point) == v["decoded"]


def test_proof_vectors_verify() -> None:
    v = _load("proofs.json")
    fingerprint, context = bytes.fromhex(v["fingerprint"]), bytes.fromhex(v["context"])
    key = PublicKey.from_hex(v["public_key"])
    schnorr = v["schnorr"]
    assert knowledge_holds(
        trustee_key_statement(fingerprint, schnorr["statement"]["trustee"]),
        decode(json.dumps(schnorr["proof"]), SchnorrProof),
        PublicKey.from_hex(schnorr["public"]),
    )
    for entry in v["selection"]:
        verify_selection(
            RangeStatement(
                fingerprint, key, context, decode(json.dumps(entry["ciphertext"]), Ciphertext)
            ),
            decode(json.dumps(entry["proof"]), DisjunctiveProof),
        )
    for entry in v["range"]:
        lo, hi = entry["bounds"]
        verify_range(
            RangeStatement(
                fingerprint, key, context, decode(json.dumps(entry["sum"]), Ciphertext), lo, hi
            ),
            decode(json.dumps(entry["proof"]), DisjunctiveProof),
        )


@pytest.mark.parametrize(
    "name", ["ceremony-2-of-3.json", "ceremony-3-of-5.json", "ceremony-2-of-3-complaint.json"]
)
def test_ceremony_vectors_conclude_and_decrypt(name: str) -> None:
    v = _load(name)
    parameters = decode(json.dumps(v["parameters"]), CeremonyParameters)
    assert parameters.fingerprint().hex() == v["ceremony_fingerprint"]
    outcome = conclude(
        parameters,
        [decode(json.dumps(a), Announcement) for a in v["announcements"]],
        [decode(json.dumps(d), Dealing) for d in v["dealings"]],
        [decode(json.dumps(c), Complaint) for c in v["complaints"]],
    )
    assert outcome == decode(json.dumps(v["outcome"]), CeremonyOutcome)
    for trustee in v["trustees"]:
        share = Scalar.from_hex(trustee["share"])
        assert BASE * share == outcome.verification_key(trustee["trustee"])
    decryption = v["decryption"]
    ciphertext = decode(json.dumps(decryption["ciphertext"]), Ciphertext)
    partials = [decode(json.dumps(p), PartialDecryption) for p in decryption["partial_decryptions"]]
    for combination in decryption["combinations"]:
        chosen = [partials[t - 1] for t in combination["trustees"]]
        point = combine_partial_decryptions(
            bytes.fromhex(decryption["fingerprint"]),
            ciphertext,
            chosen,
            outcome.verification_keys,
            parameters.threshold,
        )
        assert point.hex() == combination["point"]
        assert DiscreteLog(10).decode(point) == decryption["message"]


def test_the_complaint_vector_disqualifies_the_cheating_dealer() -> None:
    v = _load("ceremony-2-of-3-complaint.json")
    assert v["outcome"]["qualified"] == [2, 3]
    assert v["outcome"]["rulings"][0]["verdict"] == "upheld"
    assert v["outcome"]["disqualified"][0]["fault"] == "complaint-upheld"


RECORDS = VECTORS / "records"


VALID_RECORDS = sorted(p.name for p in RECORDS.iterdir() if p.name.startswith("valid"))


@pytest.mark.parametrize("name", VALID_RECORDS)
def test_the_valid_records_verify(name: str) -> None:
    report = verify_record(RECORDS / name)
    assert report.valid, report.render()


def _events(name: str, file: str) -> list[dict[str, Any]]:
    lines = (RECORDS / name / file).read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["event"] for line in lines]


def test_the_valid_records_cover_what_the_demo_does_not() -> None:
    """A complaint upheld, a delegation passed on (depth 2), a proxy at its cap, an extension,
    re-voting off, a custom stricter rule and a consultation; a committee tie (spec §14.1 vectors).
    """
    (manifest,) = _events("valid-delegations", "manifest.json")
    policy = manifest["manifest"]["policy"]
    assert policy == {"revoting": False, "max_delegations_per_proxy": 2, "delegation_depth": 2}
    motions = {q["id"]: q for q in manifest["manifest"]["questions"] if q["kind"] == "motion"}
    assert motions["paint"]["matter"] == "other-major-matter"
    assert motions["paint"]["rule"]["name"] == "covenant: three quarters"
    assert motions["poll"]["matter"] is None
    ceremony = _events("valid-delegations", "ceremony.jsonl")
    assert [e["type"] for e in ceremony].count("complaint") == 1
    (outcome,) = [e["outcome"] for e in ceremony if e["type"] == "ceremony"]
    assert outcome["disqualified"] == [
        {"dealer": 1, "fault": "complaint-upheld", "problem": None, "item": None, "accuser": 2}
    ]
    delegations = [
        e["delegation"]["body"] for e in _events("valid-delegations", "delegations.jsonl")
    ]
    assert any(d["parent"] is not None for d in delegations)  # passed on: depth 2
    proxies = [d["proxy"] for d in delegations if d["parent"] is None]
    assert max(proxies.count(p) for p in proxies) == policy["max_delegations_per_proxy"]
    assert "extension" in [e["type"] for e in _events("valid-delegations", "phases.jsonl")]
    (results,) = [
        e for e in _events("valid-committee-tie", "counting.jsonl") if e["type"] == "results"
    ]
    (committee,) = results["results"]
    assert committee["ties"] == [
        {"round": 1, "candidates": ["C2", "C3"], "seats": 1, "alternates": 1}
    ]


@pytest.mark.parametrize(
    "variant", sorted(p.name for p in (RECORDS / "invalid").iterdir()), ids=str
)
def test_each_invalid_record_fails_its_named_check(variant: str, tmp_path: Path) -> None:
    overlay = RECORDS / "invalid" / variant
    expected = json.loads((overlay / "expected.json").read_text(encoding="utf-8"))
    record = tmp_path / "record"
    shutil.copytree(RECORDS / "valid", record)
    for path in overlay.iterdir():
        if path.name != "expected.json":
            shutil.copyfile(path, record / path.name)
    for name in expected["deleted"]:
        (record / name).unlink()
    report = verify_record(record)
    assert not report.valid
    failed = {c.id for c in report.checks.values() if c.status is Status.FAIL}
    assert expected["check"] in failed, report.render()


def test_the_community_record_verifies_with_its_election() -> None:
    verdict = verify_community_record(RECORDS / "community")
    assert verdict.valid, verdict.render()
    assert len(verdict.elections) == 1
    summary = verdict.community.summary
    assert summary.petitions is not None
    assert {p.petition: p.reached_at is not None for p in summary.petitions} == {
        "interim-meeting-2026": True,
        "dismiss-property-2026": False,
    }
    kinds = {e["type"] for name in ("petitions.jsonl", "notices.jsonl", "fund.jsonl",
                                    "opinions.jsonl") for e in _events("community", name)}  # fmt: skip
    assert kinds == {
        "petition", "petition-delegation", "petition-signature", "petition-reached",
        "petition-closed", "notice",
        "objection", "answer", "roll-correction", "statement", "opinion", "reply",
    }  # fmt: skip
    signatures = [e["signature"]["body"] for e in _events("community", "petitions.jsonl")
                  if e["type"] == "petition-signature"]  # fmt: skip
    assert any(s["withdraw"] for s in signatures)
    assert any(s["proxy"] is not None for s in signatures)  # signed by a proxy, by delegation
    transfers = [t for e in _events("community", "fund.jsonl")
                 for t in e["statement"]["body"]["transactions"] if t["decision"]]  # fmt: skip
    assert len(transfers) == 1


@pytest.mark.parametrize(
    "variant", sorted(p.name for p in (RECORDS / "community-invalid").iterdir()), ids=str
)
def test_each_invalid_community_record_fails_its_named_check(variant: str, tmp_path: Path) -> None:
    overlay = RECORDS / "community-invalid" / variant
    expected = json.loads((overlay / "expected.json").read_text(encoding="utf-8"))
    record = tmp_path / "record"
    shutil.copytree(RECORDS / "community", record)
    for path in overlay.iterdir():
        if path.name != "expected.json":
            shutil.copyfile(path, record / path.name)
    verdict = verify_community_record(record)
    assert not verdict.valid
    report = verdict.community
    failed = {c.id for c in report.checks.values() if c.status is Status.FAIL}
    assert expected["check"] in failed, report.render()
    assert all(r.valid for r in verdict.elections.values())  # the election's record is untouched
