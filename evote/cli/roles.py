"""The commands of each role against a server (issue 10): the convener, trustees, owners.

- ``evote convener create|open|codes|relay|step``: create the election (the operator's token),
  open it from a manifest template and a roll CSV, issue every person an activation code (a CSV
  to deliver out of band), relay the trustees' ceremony messages, and take the convener's steps
  (``conclude``, ``close``, ``tally``, ``results``). The profile keeps the convener's token and
  signing key.
- ``evote trustee start|deal|finish|decrypt``: the trustee's side of the ceremony — the state and
  then the key in passphrase-protected files, the messages written out for the convener to relay
  — and the decryption of the closed box, recounted here from the server's board.
- ``evote owner bind|vote|check``: the owner's device — a credential bound with the activation
  code, a ballot from a choices file (optionally audited first: a Benaloh challenge), the receipt
  kept and checked against the board.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from evote import (
    Announcement,
    CeremonyTrustee,
    Complaint,
    Convener,
    Dealing,
    ElectionId,
    InclusionReceipt,
    Manifest,
    PersonId,
    QuestionId,
    SigningKey,
    TrusteeKey,
    VerifyKey,
    Voter,
    decode,
    decrypt_tally,
    encode,
    read_roll_csv,
    read_secret_file,
    write_secret_file,
)
from evote.cli.profiles import read_profile, write_profile
from evote.client import Client
from evote.errors import InvalidInput, UsageError

__all__ = ["convener_command", "owner_command", "trustee_command"]

# -- the convener ----------------------------------------------------------------------------------


def convener_command(action: str, arguments: Any) -> int:  # noqa: ANN401 -- argparse's namespace
    profile_path: Path = arguments.profile
    if action == "create":
        token = Path(arguments.operator_token_file).read_text(encoding="ascii").strip()
        with Client(arguments.url, token=token) as operator:
            created = operator.create_election(arguments.election)
        key = SigningKey.generate()
        write_profile(profile_path, {
            "url": arguments.url, "election": arguments.election, "token": created.token,
            "board_key": created.board_key, "convener_key": key.seed.hex(),
        })  # fmt: skip
        print(f"created election {arguments.election}; board key {created.board_key}")
        print(f"the convener's token and key are in {profile_path} (keep it private)")
        return 0
    profile = read_profile(profile_path, "url", "election", "token", "board_key", "convener_key")
    election = Client(profile["url"], token=profile["token"]).election(profile["election"])
    convener = Convener(SigningKey(bytes.fromhex(profile["convener_key"])))
    if action == "open":
        template = json.loads(Path(arguments.manifest).read_text(encoding="utf-8"))
        template.update(election=profile["election"], convener_key=convener.key.hex(),
                        board_key=profile["board_key"])  # fmt: skip
        manifest = decode(json.dumps(template).encode(), Manifest)
        roll = read_roll_csv(Path(arguments.roll), ElectionId(profile["election"]))
        election.open(manifest, roll)
        print(f"opened: manifest hash {manifest.hash().hex()}; {roll.totals.headcount} persons")
        return 0
    if action == "codes":
        proceedings = election.proceedings()
        manifest = proceedings.manifest
        persons = [p.id for p in proceedings.registry.roll.persons]
        with Path(arguments.out).open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["person", "code"])
            for person in persons:
                issued = convener.issue_code(manifest, person)
                election.issue_code(issued.issue)
                writer.writerow([person, issued.code])
        Path(arguments.out).chmod(0o600)
        print(f"{len(persons)} codes issued; deliver each from {arguments.out}, then delete it")
        return 0
    if action == "relay":
        for path in arguments.messages:
            accepted = election.client.post(
                f"{election.path}/{_kind_path(Path(path).read_bytes())}",
                _ceremony_message(Path(path).read_bytes()),
            )
            print(f"{path}: entry {accepted.json()['index']}")
        return 0
    steps = {
        "conclude": election.conclude_ceremony, "close": election.close_box,
        "tally": election.publish_tally, "results": election.publish_results,
    }  # fmt: skip
    done = steps[arguments.step]()
    print(f"{arguments.step}: entry {done.index}")
    return 0


def _ceremony_message(raw: bytes) -> Announcement | Dealing | Complaint:
    kinds: tuple[type[Announcement | Dealing | Complaint], ...] = (Announcement, Dealing, Complaint)
    for kind in kinds:
        try:
            message: Announcement | Dealing | Complaint = decode(raw, kind)
        except InvalidInput:
            continue
        return message
    raise UsageError("not an announcement, a dealing or a complaint")


def _kind_path(raw: bytes) -> str:
    message = _ceremony_message(raw)
    return {Announcement: "announcements", Dealing: "dealings", Complaint: "complaints"}[
        type(message)
    ]


# -- a trustee -------------------------------------------------------------------------------------


def _passphrase(path: Path) -> str:
    return Path(path).read_text(encoding="utf-8").rstrip("\n")


def trustee_command(action: str, arguments: Any) -> int:  # noqa: ANN401
    client = Client(arguments.url).election(arguments.election)
    passphrase = _passphrase(arguments.passphrase_file)
    if action == "start":
        manifest = client.proceedings().manifest
        trustee = CeremonyTrustee.start(manifest.ceremony_parameters(), arguments.index)
        write_secret_file(arguments.state, trustee, passphrase)
        Path(arguments.out).write_bytes(encode(trustee.announce()) + b"\n")
        print(f"trustee {arguments.index}: state in {arguments.state}; give {arguments.out} "
              "to the convener to relay")  # fmt: skip
        return 0
    trustee = read_secret_file(arguments.state, CeremonyTrustee, passphrase)
    events = [e.event for e in client.entries()]
    announcements = [e.announcement for e in events if hasattr(e, "announcement")]
    dealings = [e.dealing for e in events if hasattr(e, "dealing")]
    if action == "deal":
        Path(arguments.out).write_bytes(encode(trustee.deal(announcements)) + b"\n")
        print(f"trustee {trustee.trustee}: give {arguments.out} to the convener to relay")
        return 0
    if action == "finish":
        complaints = trustee.check_shares(announcements, dealings)
        if complaints:
            for index, complaint in enumerate(complaints):
                Path(f"{arguments.out}.complaint-{index}").write_bytes(encode(complaint) + b"\n")
            print(f"trustee {trustee.trustee}: {len(complaints)} complaint(s) written: relay them")
            return 1
        key = trustee.finish(client.proceedings().election.ceremony, dealings)
        write_secret_file(arguments.out, key, passphrase)
        print(f"trustee {trustee.trustee}: the key is in {arguments.out}")
        return 0
    raise UsageError(f"unknown trustee step {action!r}")  # pragma: no cover


def trustee_decrypt(arguments: Any) -> int:  # noqa: ANN401
    client = Client(arguments.url).election(arguments.election)
    key = read_secret_file(arguments.key, TrusteeKey, _passphrase(arguments.passphrase_file))
    box = client.proceedings().box  # recounted here, from the server's board, by the rules
    accepted = client.add_share(decrypt_tally(key, box))
    print(f"trustee {key.trustee}: share posted, entry {accepted.index}")
    return 0


# -- an owner's device -----------------------------------------------------------------------------


def owner_command(action: str, arguments: Any) -> int:  # noqa: ANN401
    device_path: Path = arguments.device
    if action == "bind":
        client = Client(arguments.url).election(arguments.election)
        manifest = client.proceedings().manifest
        voter = Voter.create(PersonId(arguments.person))
        client.bind(voter.bind(manifest, arguments.code))
        status = client.status()
        write_profile(device_path, {
            "url": arguments.url, "election": arguments.election, "person": arguments.person,
            "credential": voter.credential.seed.hex(), "counter": 0,
            "board_key": status["board_key"],
        })  # fmt: skip
        print(f"{arguments.person}: bound; this device's credential is in {device_path}")
        return 0
    device = read_profile(device_path, "url", "election", "person", "credential", "counter",
                          "board_key")  # fmt: skip
    client = Client(device["url"]).election(device["election"])
    board_key = VerifyKey.from_hex(device["board_key"])
    if action == "vote":
        voter = Voter(PersonId(device["person"]), SigningKey(bytes.fromhex(device["credential"])),
                      counter=int(device["counter"]))  # fmt: skip
        wanted = json.loads(Path(arguments.choices).read_text(encoding="utf-8"))
        choices = {QuestionId(q): list(c) for q, c in wanted.items()}
        election = client.proceedings().election
        if arguments.challenge:  # audit this device first: the ballot is opened and spoiled
            opened = voter.prepare_ballot(election, choices)
            client.challenge(opened)
            Path(arguments.challenge).write_bytes(encode(opened) + b"\n")
            print(f"challenged ballot {opened.ballot.tracking_code().hex()}: its openings are in "
                  f"{arguments.challenge}; check them elsewhere")  # fmt: skip
        ballot = voter.prepare_ballot(election, choices).ballot
        receipt = client.cast(ballot, board_key)
        device["counter"] = voter.counter
        write_profile(device_path, device)
        Path(arguments.receipt).write_bytes(encode(receipt) + b"\n")
        print(f"cast: tracking code {receipt.tracking_code.hex()}, entry {receipt.index}; the "
              f"receipt is in {arguments.receipt}")  # fmt: skip
        return 0
    if action == "check":
        receipt = decode(Path(arguments.receipt).read_bytes(), InclusionReceipt)
        latest = client.receipt(receipt.tracking_code, board_key)
        client.consistency(receipt.head.head.size, latest.head.head.size, board_key)
        print(
            f"tracking code {receipt.tracking_code.hex()} is entry {latest.index} under the "
            f"board's latest head (size {latest.head.head.size}), which extends the receipt's"
        )
        return 0
    raise UsageError(f"unknown owner step {action!r}")  # pragma: no cover


# -- the commands' arguments -----------------------------------------------------------------------


def add_role_commands(commands: Any) -> None:  # noqa: ANN401 -- argparse's subparsers
    """``evote convener``, ``evote trustee`` and ``evote owner``, with their steps."""
    _convener_commands(commands)
    _trustee_commands(commands)
    _owner_commands(commands)


def _convener_commands(commands: Any) -> None:  # noqa: ANN401
    convener = commands.add_parser("convener", help="the convener's steps against a server")
    steps = convener.add_subparsers(dest="action", required=True, metavar="STEP")
    profile = {"default": Path("convener.json"), "type": Path,
               "help": "the convener's profile: token and key (default convener.json)"}  # fmt: skip
    create = steps.add_parser("create", help="create the election (the operator's token)")
    create.add_argument("url")
    create.add_argument("election")
    create.add_argument("--operator-token-file", type=Path, required=True)
    create.add_argument("--profile", **profile)
    opening = steps.add_parser("open", help="publish the manifest and the roll")
    opening.add_argument("--manifest", type=Path, required=True,
                         help="a manifest without its election and keys (JSON)")  # fmt: skip
    opening.add_argument("--roll", type=Path, required=True, help="the roll (CSV, spec §8.3)")
    opening.add_argument("--profile", **profile)
    codes = steps.add_parser("codes", help="issue every person an activation code")
    codes.add_argument("--out", type=Path, required=True, help="person,code CSV (mode 0600)")
    codes.add_argument("--profile", **profile)
    relay = steps.add_parser("relay", help="post trustees' ceremony messages")
    relay.add_argument("messages", nargs="+", type=Path)
    relay.add_argument("--profile", **profile)
    step = steps.add_parser("step", help="conclude the ceremony, close, tally or publish results")
    step.add_argument("step", choices=["conclude", "close", "tally", "results"])
    step.add_argument("--profile", **profile)


def _trustee_commands(commands: Any) -> None:  # noqa: ANN401
    trustee = commands.add_parser("trustee", help="a trustee's steps against a server")
    trustee_steps = trustee.add_subparsers(dest="action", required=True, metavar="STEP")
    for name, text in (
        ("start", "start the ceremony: the state file, and the announcement to relay"),
        ("deal", "deal shares to the others: the dealing to relay"),
        ("finish", "check the shares dealt to you and make your key file"),
        ("decrypt", "decrypt the closed box's sums with your key file; post the share"),
    ):
        parser = trustee_steps.add_parser(name, help=text)
        parser.add_argument("url")
        parser.add_argument("election")
        parser.add_argument("--passphrase-file", type=Path, required=True)
        if name == "decrypt":
            parser.add_argument("--key", type=Path, required=True, help="your key file")
            continue
        parser.add_argument("--state", type=Path, required=True, help="your ceremony state file")
        parser.add_argument("--out", type=Path, required=True, help="where to write the result")
        if name == "start":
            parser.add_argument("--index", type=int, required=True, help="your index, 1 … n")


def _owner_commands(commands: Any) -> None:  # noqa: ANN401
    owner = commands.add_parser("owner", help="an owner's device against a server")
    owner_steps = owner.add_subparsers(dest="action", required=True, metavar="STEP")
    device = {"default": Path("device.json"), "type": Path,
              "help": "this device's credential (default device.json)"}  # fmt: skip
    bind = owner_steps.add_parser("bind", help="bind this device with your activation code")
    bind.add_argument("url")
    bind.add_argument("election")
    bind.add_argument("--person", required=True)
    bind.add_argument("--code", required=True)
    bind.add_argument("--device", **device)
    vote = owner_steps.add_parser("vote", help="cast a ballot from a choices file")
    vote.add_argument("--choices", type=Path, required=True,
                      help='JSON: {"question": [option index, …], …}')  # fmt: skip
    vote.add_argument("--receipt", type=Path, default=Path("receipt.json"))
    vote.add_argument("--challenge", type=Path, default=None,
                      help="first audit the device: a ballot opened and spoiled, kept here")  # fmt: skip
    vote.add_argument("--device", **device)
    check = owner_steps.add_parser("check", help="check a receipt against the board")
    check.add_argument("--receipt", type=Path, default=Path("receipt.json"))
    check.add_argument("--device", **device)


def run_role(arguments: Any) -> int:  # noqa: ANN401 -- argparse's namespace
    if arguments.command == "convener":
        return convener_command(arguments.action, arguments)
    if arguments.command == "trustee":
        if arguments.action == "decrypt":
            return trustee_decrypt(arguments)
        return trustee_command(arguments.action, arguments)
    return owner_command(arguments.action, arguments)
