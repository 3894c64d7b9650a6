"""``evote member``: an owner's device on a community's board, against a server (spec §16).

``join`` binds the device with the activation code the community's convener issued; ``sign``
signs a petition (or withdraws the signature), ``object`` files an objection to a notice, and
``progress`` shows how far a petition has come. The device's file (mode 0600) keeps the
credential and the number of the last action on each item, so that the next one takes a greater.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evote import Charter, Member, PersonId, SigningKey
from evote.cli.profiles import read_profile, write_profile
from evote.client import Client, CommunityClient
from evote.errors import UsageError

__all__ = ["add_member_commands", "member_command"]


def member_command(arguments: Any) -> int:  # noqa: ANN401 -- argparse's namespace
    if arguments.action == "join":
        community = Client(arguments.url).community(arguments.community)
        member = Member(PersonId(arguments.person), SigningKey.generate(), _charter(community))
        community.bind(member.join(arguments.code))
        write_profile(arguments.device, {
            "url": arguments.url, "community": arguments.community, "person": arguments.person,
            "credential": member.credential.seed.hex(), "numbers": {},
        })  # fmt: skip
        print(f"{arguments.person}: joined {arguments.community}; the credential is in "
              f"{arguments.device}")  # fmt: skip
        return 0
    profile = read_profile(arguments.device, "url", "community", "person", "credential", "numbers")
    community = Client(profile["url"]).community(profile["community"])
    if arguments.action == "progress":
        return _progress(community, arguments.petition)
    member = Member(
        PersonId(profile["person"]), SigningKey(bytes.fromhex(profile["credential"])),
        _charter(community), numbers=profile["numbers"],
    )  # fmt: skip
    if arguments.action == "sign":
        accepted = community.sign_petition(member.sign(arguments.petition,
                                                      withdraw=arguments.withdraw))  # fmt: skip
        done = "withdrawn" if arguments.withdraw else "signed"
        print(f"{done} petition {arguments.petition}: entry {accepted.index}")
        _progress(community, arguments.petition)
    else:
        text = Path(arguments.text_file).read_text(encoding="utf-8").strip()
        accepted = community.file_objection(member.object(arguments.notice, text))
        print(f"objection to notice {arguments.notice}: entry {accepted.index}")
    profile["numbers"] = member.numbers
    write_profile(arguments.device, profile)
    return 0


def _charter(community: CommunityClient) -> Charter:
    charter = community.proceedings().charter
    if charter is None:
        raise UsageError("the community has no charter yet")
    return charter


def _progress(community: CommunityClient, petition: str) -> int:
    progress = community.progress(petition)
    signed, totals = progress.signed, progress.totals
    state = "reached" if progress.reached else "not reached yet"
    print(f"petition {petition}: {signed.area / 100:,.2f} of {totals.area / 100:,.2f} m², "
          f"{signed.headcount} of {totals.headcount} persons — {state}")  # fmt: skip
    return 0


def add_member_commands(commands: Any) -> None:  # noqa: ANN401 -- argparse's subparsers
    member = commands.add_parser("member", help="an owner's device on a community's board")
    steps = member.add_subparsers(dest="action", required=True, metavar="STEP")
    device = {"default": Path("member.json"), "type": Path,
              "help": "this device's credential (default member.json)"}  # fmt: skip
    join = steps.add_parser("join", help="bind this device with your activation code")
    join.add_argument("url")
    join.add_argument("community")
    join.add_argument("--person", required=True)
    join.add_argument("--code", required=True)
    join.add_argument("--device", **device)
    sign = steps.add_parser("sign", help="sign a petition, or withdraw your signature")
    sign.add_argument("petition")
    sign.add_argument("--withdraw", action="store_true")
    sign.add_argument("--device", **device)
    objection = steps.add_parser("object", help="object to a notice while it is posted")
    objection.add_argument("notice")
    objection.add_argument("--text-file", type=Path, required=True)
    objection.add_argument("--device", **device)
    progress = steps.add_parser("progress", help="a petition's figures against its rule")
    progress.add_argument("petition")
    progress.add_argument("--device", **device)
