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
    Delegation,
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
from evote.cli.progress import progress_bar
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
            with progress_bar("issuing codes", len(persons)) as advance:
                for person in persons:
                    issued = convener.issue_code(manifest, person)
                    election.issue_code(issued.issue)
                    writer.writerow([person, issued.code])
                    advance(1)
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
    with progress_bar("recounting the board", int(client.status()["size"])) as advance:
        box = client.proceedings(advance).box  # recounted here, from the server's board
    accepted = client.add_share(decrypt_tally(key, box))
    print(f"trustee {key.trustee}: share posted, entry {accepted.index}")
    return 0


# -- an owner's device -----------------------------------------------------------------------------


def owner_command(action: str, arguments: Any) -> int:  # noqa: ANN401
    if action == "bind":
        return _bind(arguments)
    device = _Device(arguments.device)
    step = {"key": device.key, "delegate": device.delegate, "revoke": device.revoke,
            "vote": device.vote, "check": device.check}[action]  # fmt: skip
    return step(arguments)


def _bind(arguments: Any) -> int:  # noqa: ANN401
    client = Client(arguments.url).election(arguments.election)
    manifest = client.proceedings().manifest
    voter = Voter.create(PersonId(arguments.person))
    client.bind(voter.bind(manifest, arguments.code))
    write_profile(arguments.device, {
        "url": arguments.url, "election": arguments.election, "person": arguments.person,
        "credential": voter.credential.seed.hex(), "counter": 0,
        "board_key": client.status()["board_key"],
    })  # fmt: skip
    print(f"{arguments.person}: bound; this device's credential is in {arguments.device}")
    return 0


def _prompt_choices(manifest: Manifest) -> dict[QuestionId, list[int]]:
    """Ask for each question's choice on the terminal, until each answer is one the ballot takes."""
    choices: dict[QuestionId, list[int]] = {}
    for question in manifest.questions:
        low, high = question.bounds()
        print(f"\n{question.title} [{question.id}]")
        for index, option in enumerate(question.options()):
            label = option
            if hasattr(question, "candidates"):
                label = f"{question.candidates[index].name} ({option})"
            print(f"  {index}: {label}")
        hint = "one number" if (low, high) == (1, 1) else f"{low} to {high} numbers, by commas"
        while True:
            answer = input(f"your choice ({hint}): ").strip()
            try:
                picked = sorted({int(part) for part in answer.split(",") if part.strip()})
            except ValueError:
                print("  numbers only, please")
                continue
            if low <= len(picked) <= high and all(0 <= p < len(question.options()) for p in picked):
                choices[question.id] = picked
                break
            print(f"  choose {hint}, from the list")
    return choices


class _Device:
    """An owner's device: its profile, its credential, and the election's client."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.profile = read_profile(path, "url", "election", "person", "credential", "counter",
                                    "board_key")  # fmt: skip
        self.client = Client(self.profile["url"]).election(self.profile["election"])
        self.board_key = VerifyKey.from_hex(self.profile["board_key"])
        self.voter = Voter(
            PersonId(self.profile["person"]),
            SigningKey(bytes.fromhex(self.profile["credential"])),
            counter=int(self.profile["counter"]),
        )

    def _cast(self, ballot: Any, receipt_path: Path) -> InclusionReceipt:  # noqa: ANN401
        receipt = self.client.cast(ballot, self.board_key)
        self.profile["counter"] = self.voter.counter  # the next ballot takes a greater one
        write_profile(self.path, self.profile)
        Path(receipt_path).write_bytes(encode(receipt) + b"\n")
        return receipt

    def key(self, arguments: Any) -> int:  # noqa: ANN401, ARG002
        print(self.voter.key.hex())
        return 0

    def delegate(self, arguments: Any) -> int:  # noqa: ANN401
        manifest = self.client.proceedings().manifest
        scope = [QuestionId(q) for q in arguments.scope] or None
        delegation = self.voter.delegate(manifest, VerifyKey.from_hex(arguments.proxy),
                                         expires=arguments.expires, scope=scope)  # fmt: skip
        self.client.delegate(delegation)
        Path(arguments.out).write_bytes(encode(delegation) + b"\n")
        print(f"delegated to {arguments.proxy}; give {arguments.out} to the proxy")
        return 0

    def revoke(self, arguments: Any) -> int:  # noqa: ANN401
        delegation = decode(Path(arguments.delegation).read_bytes(), Delegation)
        accepted = self.client.revoke(self.voter.revoke(delegation))
        print(f"revoked: entry {accepted.index}")
        return 0

    def vote(self, arguments: Any) -> int:  # noqa: ANN401
        election = self.client.proceedings().election
        if arguments.choices is None:
            choices = _prompt_choices(election.manifest)
        else:
            wanted = json.loads(Path(arguments.choices).read_text(encoding="utf-8"))
            choices = {QuestionId(q): list(c) for q, c in wanted.items()}
        if arguments.for_owner is not None:  # as a proxy, for the owner who delegated
            delegation = decode(Path(arguments.for_owner).read_bytes(), Delegation)
            opened = self.voter.prepare_proxy_ballot(election, delegation, choices)
            receipt = self._cast(opened.ballot, arguments.receipt)
            print(f"cast for {delegation.body.owner}: tracking code "
                  f"{receipt.tracking_code.hex()}, entry {receipt.index}")  # fmt: skip
            return 0
        if arguments.challenge:  # audit this device first: the ballot is opened and spoiled
            audited = self.voter.prepare_ballot(election, choices)
            self.client.challenge(audited)
            Path(arguments.challenge).write_bytes(encode(audited) + b"\n")
            print(f"challenged ballot {audited.ballot.tracking_code().hex()}: its openings are "
                  f"in {arguments.challenge}; check them elsewhere")  # fmt: skip
        receipt = self._cast(self.voter.prepare_ballot(election, choices).ballot, arguments.receipt)
        print(f"cast: tracking code {receipt.tracking_code.hex()}, entry {receipt.index}; the "
              f"receipt is in {arguments.receipt}")  # fmt: skip
        return 0

    def check(self, arguments: Any) -> int:  # noqa: ANN401
        receipt = decode(Path(arguments.receipt).read_bytes(), InclusionReceipt)
        latest = self.client.receipt(receipt.tracking_code, self.board_key)
        self.client.consistency(receipt.head.head.size, latest.head.head.size, self.board_key)
        print(
            f"tracking code {receipt.tracking_code.hex()} is entry {latest.index} under the "
            f"board's latest head (size {latest.head.head.size}), which extends the receipt's"
        )
        return 0


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
    vote.add_argument("--choices", type=Path, default=None,
                      help='JSON: {"question": [option index, …], …}; without it, asked here')  # fmt: skip
    vote.add_argument("--receipt", type=Path, default=Path("receipt.json"))
    vote.add_argument("--challenge", type=Path, default=None,
                      help="first audit the device: a ballot opened and spoiled, kept here")  # fmt: skip
    vote.add_argument("--for", dest="for_owner", type=Path, default=None,
                      help="as a proxy: the delegation (JSON) of the owner you vote for")  # fmt: skip
    vote.add_argument("--device", **device)
    key = owner_steps.add_parser("key", help="print this device's public credential")
    key.add_argument("--device", **device)
    delegate = owner_steps.add_parser("delegate", help="give your vote to a proxy")
    delegate.add_argument("--proxy", required=True, help="the proxy's credential (hex)")
    delegate.add_argument("--expires", type=int, required=True, help="Unix seconds")
    delegate.add_argument("--scope", nargs="*", default=[], help="questions (default: all)")
    delegate.add_argument("--out", type=Path, default=Path("delegation.json"))
    delegate.add_argument("--device", **device)
    revoke = owner_steps.add_parser("revoke", help="withdraw a delegation")
    revoke.add_argument("--delegation", type=Path, required=True)
    revoke.add_argument("--device", **device)
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
