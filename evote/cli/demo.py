"""``evote demo``: a whole owners' assembly vote, published on a board and recounted from its record.

A simulated estate — owners of one or more flats, the developer's unsold flats, co-owned flats —
votes on an ordinary and a special motion, elects an owners' committee and rates the property
service. Three trustees hold the key; any two decrypt and one of them is absent at the end. Owners
bind phones with one-time codes; some delegate to a proxy, one revokes, one votes in person after
delegating (overriding the proxy); some vote twice; some return paper ballots; one audits their
phone (a Benaloh challenge). Every step is published on a board kept in a SQLite file; the board is
exported as a record, which the independent verifier then recounts; the results are printed with
area and headcount side by side, and checked against the simulated intentions.
"""

from __future__ import annotations

import hashlib
import random
import shlex
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from evote import (
    OS_RANDOMNESS,
    Assembly,
    Board,
    Candidate,
    CandidateId,
    CeremonyTrustee,
    CommitteeElection,
    CommunityBoard,
    Convener,
    Convening,
    ElectionId,
    Figures,
    InclusionReceipt,
    Language,
    Manifest,
    Matter,
    Motion,
    PersonId,
    QuestionCounts,
    QuestionId,
    Randomness,
    Rating,
    Roll,
    SigningKey,
    SqliteStorage,
    TrusteeKey,
    VerifyKey,
    Voter,
    Window,
    decrypt_tally,
    encode,
    export_record,
    read_secret_file,
    verify_community_record,
    write_secret_file,
)
from evote.cli.community import (
    COMMUNITY,
    CommunityOutcome,
    after_election,
    before_election,
    community_key,
    convening,
    meeting_notice,
)
from evote.cli.invocation import evote_command
from evote.cli.served import download, serving
from evote.client import RemoteAssembly, RemoteDesk
from evote.errors import UsageError
from evote.simulation import estate

__all__ = ["DemoOutcome", "run_demo", "simulate", "simulate_community"]

ELECTION = ElectionId("demo-2026-assembly")
OPENS, CLOSES = 1_780_000_000, 1_780_000_000 + 15 * 86_400  # a 15-day vote (domain rule 21)
QUESTIONS = (
    Motion(id=QuestionId("renew"), title="续聘物业服务企业 Renew the property company",
           matter=Matter.PROPERTY_SERVICE),
    Motion(id=QuestionId("fund"), title="使用维修资金更换电梯 Use the fund to replace lifts",
           matter=Matter.USE_FUND, amount=80_000_000),
    Motion(id=QuestionId("raise"), title="续筹维修资金 Replenish the maintenance fund",
           matter=Matter.RAISE_FUND),
    CommitteeElection(
        id=QuestionId("committee"), title="选举业主委员会 Elect the owners' committee",
        candidates=tuple(Candidate(id=CandidateId(f"C{i}"), name=f"候选人{i}") for i in range(1, 10)),
        seats=5, alternates=2,
    ),
    Rating(id=QuestionId("service"), title="物业服务满意度 Satisfaction with the service"),
)  # fmt: skip
#: How likely an owner approves each candidate: some are popular, some are not.
POPULARITY = (0.78, 0.72, 0.66, 0.6, 0.55, 0.5, 0.35, 0.25, 0.15)

Choices = dict[QuestionId, list[int]]


def _choices(rng: random.Random) -> Choices:
    renew = rng.choices([Motion.AGREE, Motion.OPPOSE, Motion.ABSTAIN], weights=(6, 3, 1))[0]
    fund = rng.choices([Motion.AGREE, Motion.OPPOSE, Motion.ABSTAIN], weights=(7, 2, 1))[0]
    more = rng.choices([Motion.AGREE, Motion.OPPOSE, Motion.ABSTAIN], weights=(7, 2, 1))[0]
    approved = [i for i, p in enumerate(POPULARITY) if rng.random() < p]
    return {
        QuestionId("renew"): [renew],
        QuestionId("fund"): [fund],
        QuestionId("raise"): [more],
        QuestionId("committee"): sorted(rng.sample(approved, min(5, len(approved)))),
        QuestionId("service"): [] if rng.random() < 0.1 else [rng.choice(range(5))],
    }


@dataclass
class DemoOutcome:
    """What the simulation did, what should count, and a receipt to check by hand."""

    assembly: Assembly | RemoteAssembly
    board_key: SigningKey
    events: dict[str, int]
    counted: dict[PersonId, Choices] = field(default_factory=dict)
    receipt: InclusionReceipt | None = None


class _Simulation:
    """Everything trustees, owners, proxies and the convener do, in time order."""

    def __init__(
        self, assembly: Assembly | RemoteAssembly, rng: random.Random, randomness: Randomness
    ) -> None:
        self.assembly, self.rng, self.randomness = assembly, rng, randomness
        self.convener = Convener(SigningKey.generate(randomness=randomness))
        self.voters: dict[PersonId, Voter] = {}
        self.paper_voters: list[PersonId] = []
        self.counted: dict[PersonId, Choices] = {}
        self.receipt: InclusionReceipt | None = None
        self.now = OPENS - 30 * 86_400
        self.events = dict.fromkeys(
            ("bound", "delegated", "revoked", "overridden", "direct", "re-votes", "paper",
             "challenged"), 0,
        )  # fmt: skip

    def tick(self) -> int:
        self.now += 60
        return self.now

    def ceremony(self) -> list[TrusteeKey]:
        """The three trustees' key ceremony, every message on the board."""
        parameters = self.assembly.proceedings.manifest.ceremony_parameters()
        randomness = self.randomness
        trustees = [
            CeremonyTrustee.start(parameters, i, randomness=randomness) for i in parameters.indices
        ]
        announcements = [t.announce(randomness=randomness) for t in trustees]
        for announcement in announcements:
            self.assembly.announce(announcement, at=self.tick())
        dealings = [t.deal(announcements, randomness=randomness) for t in trustees]
        for dealing in dealings:
            self.assembly.deal(dealing, at=self.tick())
        for trustee in trustees:
            for complaint in trustee.check_shares(announcements, dealings, randomness=randomness):
                self.assembly.complain(complaint, at=self.tick())
        outcome = self.assembly.conclude_ceremony(at=self.tick())
        return [t.finish(outcome, dealings) for t in trustees]

    def register(self) -> None:
        """The convener issues codes; most owners bind a phone, the others will vote on paper."""
        manifest = self.assembly.election.manifest
        for person in self.assembly.election.roll.persons:
            if self.rng.random() < 0.06:
                self.paper_voters.append(person.id)
                continue
            issued = self.convener.issue_code(manifest, person.id, randomness=self.randomness)
            self.assembly.issue_code(issued.issue, at=self.tick())
            voter = Voter.create(person.id, randomness=self.randomness)
            self.assembly.bind(voter.bind(manifest, issued.code), at=self.tick())
            self.voters[person.id] = voter
            self.events["bound"] += 1

    def cast(self, voter: Voter, choices: Choices) -> None:
        opened = voter.prepare_ballot(self.assembly.election, choices, randomness=self.randomness)
        self._receipt(self.assembly.cast(opened.ballot, at=self.tick()))

    def _receipt(self, receipt: InclusionReceipt) -> None:
        self.receipt = self.receipt or receipt

    def delegations(self) -> list[PersonId]:
        """Some owners delegate; the first revokes, the second votes in person after all."""
        bound = sorted(self.voters)
        proxies = self.rng.sample(bound, k=max(1, len(bound) // 40))
        owners = self.rng.sample([p for p in bound if p not in proxies], k=max(3, len(bound) // 12))
        election = self.assembly.election
        for index, owner in enumerate(owners):
            proxy = self.voters[proxies[index % len(proxies)]]
            delegation = self.voters[owner].delegate(election.manifest, proxy.key, expires=CLOSES)
            self.assembly.delegate(delegation, at=self.tick())
            self.events["delegated"] += 1
            intent = _choices(self.rng)
            opened = proxy.prepare_proxy_ballot(
                election, delegation, intent, randomness=self.randomness
            )
            self._receipt(self.assembly.cast(opened.ballot, at=self.tick()))
            self.counted[owner] = intent
            if index == 0:
                self.assembly.revoke(self.voters[owner].revoke(delegation), at=self.tick())
                self.events["revoked"] += 1
                del self.counted[owner]
            elif index == 1:
                own = _choices(self.rng)
                self.cast(self.voters[owner], own)
                self.events["overridden"] += 1
                self.counted[owner] = own
        return owners

    def own_votes(self, delegating: list[PersonId]) -> None:
        """Most others vote on their phone; one audits it first (Benaloh); one votes again."""
        for person, voter in sorted(self.voters.items()):
            if person in delegating or self.rng.random() > 0.82:
                continue
            intent = _choices(self.rng)
            if self.events["challenged"] == 0:
                audited = voter.prepare_ballot(
                    self.assembly.election, intent, randomness=self.randomness
                )
                self.assembly.challenge(audited, at=self.tick())
                self.events["challenged"] += 1
            self.cast(voter, intent)
            self.events["direct"] += 1
            if self.events["direct"] == 2:  # changes their mind: the later ballot counts
                intent = _choices(self.rng)
                self.cast(voter, intent)
                self.events["re-votes"] += 1
            self.counted[person] = intent

    def paper(self) -> None:
        """The convener enters the paper ballots that came back, with the hash of each scan."""
        for person in self.paper_voters:
            if self.rng.random() > 0.7:
                continue
            intent = _choices(self.rng)
            ballot = self.convener.paper_ballot(
                self.assembly.election,
                person,
                intent,
                scan=f"scan of the paper ballot of {person}".encode(),
                randomness=self.randomness,
            )
            self.assembly.enter_paper(ballot, at=self.tick())
            self.events["paper"] += 1
            self.counted[person] = intent


def simulate(
    owners: int, seed: int, board: Board | RemoteAssembly,
    *, randomness: Randomness = OS_RANDOMNESS, roll: Roll | None = None,
    convened_by: Convening | None = None, key: VerifyKey | None = None,
    key_files: Path | None = None,
) -> DemoOutcome:  # fmt: skip
    """Run the whole vote onto ``board``: a board here, whose key must be the one
    :func:`board_key` gives, or a server's (a :class:`~evote.client.RemoteAssembly`) whose key
    is ``key``.

    ``roll`` is the election's roll (by default a simulated estate of ``owners``); ``convened_by``
    the petition the manifest cites; with ``key_files``, a new directory, the trustees keep their
    keys there in files under passphrases and read them back to decrypt.
    """  # noqa: D205
    rng = random.Random(seed)  # noqa: S311 -- simulates the owners' choices, not cryptography
    assembly = Assembly(board) if isinstance(board, Board) else board
    simulation = _Simulation(assembly, rng, randomness)
    manifest = Manifest(
        election=ELECTION,
        title="2026年度业主大会 Owners' assembly 2026",
        convener="业主大会筹备组 Preparatory group",
        convener_key=simulation.convener.key,
        board_key=key or board_key(seed).verify_key,
        window=Window(opens=OPENS, closes=CLOSES),
        trustees=3,
        threshold=2,
        questions=QUESTIONS,
        convened_by=convened_by,
    )
    assembly.open(manifest, roll or estate(ELECTION, owners, rng), at=simulation.tick())
    keys = simulation.ceremony()
    if key_files is not None:  # each trustee keeps their key in a file, under their passphrase
        key_files.mkdir(mode=0o700)
        for trustee_key in keys:
            write_secret_file(key_files / f"trustee-{trustee_key.trustee}.key", trustee_key,
                              _passphrase(trustee_key.trustee))  # fmt: skip
    simulation.register()
    simulation.now = OPENS
    simulation.own_votes(simulation.delegations())
    simulation.paper()
    assembly.close(at=CLOSES)
    assembly.publish_tally(at=CLOSES + 60)
    for trustee_key in (keys[0], keys[2]):  # trustee 2 is absent
        if key_files is not None:
            path = key_files / f"trustee-{trustee_key.trustee}.key"
            trustee_key = read_secret_file(path, TrusteeKey, _passphrase(trustee_key.trustee))  # noqa: PLW2901
        share = decrypt_tally(trustee_key, assembly.box, randomness=randomness)
        assembly.add_share(share, at=CLOSES + 120)
    assembly.publish_results(at=CLOSES + 180)
    results = simulation.convener.notice(
        assembly.election.manifest, "表决结果公告 Results", "The results of the 2026 assembly vote.",
        until=CLOSES + 15 * 86_400,
    )  # fmt: skip
    assembly.notice(results, at=CLOSES + 240)
    if isinstance(board, Board):  # a server signs a head after each step
        board.sign_head(at=CLOSES + 300)
    return DemoOutcome(
        assembly=assembly,
        board_key=board_key(seed),
        events=simulation.events,
        counted=simulation.counted,
        receipt=simulation.receipt,
    )


def simulate_community(
    owners: int, seed: int, community_board: CommunityBoard | RemoteDesk,
    board: Board | RemoteAssembly, *, randomness: Randomness = OS_RANDOMNESS,
    keys: tuple[VerifyKey, VerifyKey] | None = None, key_files: Path | None = None,
) -> tuple[CommunityOutcome, DemoOutcome]:  # fmt: skip
    """The community's board before and after the vote, and the vote it convenes (spec §16).

    Boards here: ``community_board``'s key must be ``community_key("community board", seed)``,
    ``board``'s :func:`board_key`, and both end with a signed head over every entry. A server's
    (:class:`~evote.client.RemoteDesk`, :class:`~evote.client.RemoteAssembly`): ``keys`` are
    their board keys, the community's then the election's.
    """
    community_key_, election_key = keys or (None, None)
    community = before_election(
        community_board, owners, seed, OPENS, randomness=randomness, board_key=community_key_
    )
    assert community.roll is not None
    roll = Roll(election=ELECTION, units=community.roll.units, persons=community.roll.persons)
    outcome = simulate(
        owners, seed, board, roll=roll, convened_by=convening(), randomness=randomness,
        key=election_key, key_files=key_files,
    )  # fmt: skip
    manifest = outcome.assembly.election.manifest
    meeting_notice(community, manifest, at=OPENS - 20 * 86_400)
    results = tuple(outcome.assembly.proceedings.results or ())
    after_election(community, manifest, results, seed, decided=CLOSES + 300)
    if isinstance(community_board, CommunityBoard):  # a server signs a head after each step
        community_board.sign_head(at=community_board.latest)
    return community, outcome


def _passphrase(trustee: int) -> str:
    """The demo trustees' passphrases (a real trustee's is their own secret)."""
    return f"demo passphrase of trustee {trustee}"


def board_key(seed: int) -> SigningKey:
    """The demo board's key (a real board keeps its key secret and never derives it)."""
    return SigningKey(hashlib.sha256(f"evote demo board {seed}".encode()).digest())


def expected_counts(roll: Roll, counted: Mapping[PersonId, Choices]) -> list[QuestionCounts]:
    """The tally computed from the simulated intentions, in the clear."""
    weights = roll.weights
    result = []
    for question in QUESTIONS:
        chosen = {
            person: set(choices[question.id] or ([Motion.ABSTAIN] if isinstance(question, Motion) else []))
            for person, choices in counted.items()
        }  # fmt: skip
        result.append(QuestionCounts(
            question=question.id,
            participation=roll.figures(chosen),
            selections=tuple(
                Figures(area=sum(weights[p] for p, s in chosen.items() if i in s),
                        headcount=sum(1 for s in chosen.values() if i in s))
                for i in range(len(question.options()))
            ),
        ))  # fmt: skip
    return result


def _fresh(path: Path, marker: str) -> None:
    """Remove an earlier demo's output at ``path``, and nothing else."""
    if not path.exists():
        return
    keys = (
        path.is_dir()
        and path.name.endswith(marker)
        and all(p.name.startswith("trustee-") and p.suffix == ".key" for p in path.iterdir())
    )  # the trustees' key files of an earlier demo
    if (path.is_dir() and (path / marker).is_file()) or keys:
        shutil.rmtree(path)
    elif path.is_file() and path.name.endswith(marker):
        path.unlink()
    else:
        raise UsageError(f"{path} exists and is not an earlier demo's output; choose another path")


#: What the demo says, in each language.
_SAY: Final = {
    Language.EN: {
        "title": "evote demo — {title}",
        "roll": "  roll: {persons} persons (the property developer, for its unsold units, counts as "
        "one), {units} units, {area:,.2f} m²; 3 trustees, any 2 decrypt",
        "events": "  {bound} owners bound a phone; {delegated} delegated to a proxy ({revoked} "
        "revoked, {overridden} voted in person after all); {direct} voted in person, {re_votes} of "
        "them twice; {paper} paper ballots; {challenged} ballot challenged and spoiled",
        "decrypted": "  decrypted by trustees 1 and 3 (trustee 2 absent); totals equal the "
        "intentions",
        "community": "  community {community}: {bound} owners bound a phone; petition for an interim "
        "meeting reached by {signed} owners ({by_proxy} through a proxy, {withdrawn} withdrew), "
        "convening this vote; "
        "{failed} petition failed; {objections} objection to the roll upheld, roll corrected; "
        "meeting notice posted 20 days before voting opened",
        "community-after": "  after the vote: the results posted; {statements} daily fund "
        "statements, {transfers} large transfer citing the fund motion; {opinions} opinions "
        "on the service, each with a reply",
        "keys": "  the trustees' keys in files under their passphrases, in {keys}/",
        "boards": "  boards: {entries} entries in {board}, {community_entries} in {community_board}",
        "served": "  served by evote serve at {url} from {database}, every role a client over HTTP",
        "exported": "  records exported to {record}/ (the election's in {election_record}/)",
        "recount": "  recount it yourself:  {command}",
        "receipt": "  check a voter's receipt:  {command}",
        "done": "  done in {seconds:.1f} s",
    },
    Language.ZH: {
        "title": "evote 演示 — {title}",
        "roll": "  业主名册：{persons} 人（开发建设单位的未售出房屋合计为一人），{units} 个专有部分，"
        "{area:,.2f} m²；3 名受托人，任意 2 名即可解密",
        "events": "  {bound} 名业主绑定了手机；{delegated} 名委托了代理人（{revoked} 名撤销委托，"
        "{overridden} 名最终亲自投票）；{direct} 名亲自投票，其中 {re_votes} 名投了两次；"
        "{paper} 张纸质选票；{challenged} 张选票被查验并作废",
        "decrypted": "  由受托人 1 和 3 解密（受托人 2 缺席）；总数与投票意愿一致",
        "community": "  社区 {community}：{bound} 名业主绑定了手机；召开临时会议的联名由 {signed} 名业主"
        "达到要求（{by_proxy} 名由受托人代签，{withdrawn} 名撤回签名），召集了本次表决；"
        "{failed} 个联名未达到要求；"
        "{objections} 项名册异议成立，名册已更正；会议通知于投票开始前 20 天发布",
        "community-after": "  表决之后：公布表决结果；{statements} 份共有资金日流水，"
        "{transfers} 笔大额转账引用了维修资金议题；{opinions} 条服务意见，均已回复",
        "keys": "  受托人的密钥以各自口令保护的文件保存在 {keys}/",
        "boards": "  公告板：{entries} 条，保存在 {board}；社区公告板 {community_entries} 条，保存在 "
        "{community_board}",
        "served": "  由 evote serve 在 {url} 提供服务（数据库 {database}），各方均通过 HTTP 访问",
        "exported": "  记录已导出至 {record}/（选举记录在 {election_record}/）",
        "recount": "  自行重新计票：  {command}",
        "receipt": "  核对业主的回执：  {command}",
        "done": "  用时 {seconds:.1f} 秒",
    },
}


def run_demo(
    *, owners: int, seed: int, record: Path, jobs: int, language: Language = Language.EN,
    in_process: bool = False,
) -> int:  # fmt: skip
    """The demo over a real server on SQLite (or, ``in_process``, on boards of this process)."""
    if owners < 3:
        raise UsageError("--owners must be at least 3")
    started = time.perf_counter()
    record = Path(record)
    receipt_file = record.with_name(record.name + ".receipt.json")
    files = {
        suffix: record.with_name(record.name + suffix)
        for suffix in (
            ".board.sqlite",
            ".community.sqlite",
            ".server.sqlite",
            ".clock",
            ".trustees",
        )
    }
    _fresh(record, "record.json")
    _fresh(receipt_file, ".receipt.json")
    for suffix, path in files.items():
        _fresh(path, suffix)
        for extra in ("-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
    say = _SAY[language]
    election_record = record / "elections" / ELECTION
    if in_process:
        community, outcome, sizes = _in_process(owners, seed, record, files)
        _summary(say, community, outcome)
        where = say["boards"].format(
            entries=sizes[0], board=files[".board.sqlite"], community_entries=sizes[1],
            community_board=files[".community.sqlite"],
        )  # fmt: skip
    else:
        with serving(files[".server.sqlite"], files[".clock"], OPENS - 80 * 86_400) as server:
            desk, remote, keys = server.hosts(COMMUNITY, ELECTION)
            community, outcome = simulate_community(
                owners, seed, desk, remote, keys=keys, key_files=files[".trustees"]
            )
            _summary(say, community, outcome)  # read from the server's boards
            download(desk, record)
            (record / "elections").mkdir(mode=0o755)
            (record / "elections").chmod(0o755)
            download(remote, election_record)
            where = say["served"].format(url=server.url, database=server.database)
            where += "\n" + say["keys"].format(keys=files[".trustees"])
    if outcome.receipt is not None:
        receipt_file.write_bytes(encode(outcome.receipt) + b"\n")
    print(where)
    print(say["exported"].format(record=record, election_record=election_record), end="\n\n")
    verdict = verify_community_record(record, jobs=jobs)
    evote = evote_command()
    print(verdict.render(language, command=evote), end="")
    print()
    print(say["recount"].format(command=f"{evote} verify {shlex.quote(str(record))}"))
    receipt = f"{evote} verify-receipt {shlex.quote(str(receipt_file))} --record "
    print(say["receipt"].format(command=receipt + shlex.quote(str(election_record))))
    print(say["done"].format(seconds=time.perf_counter() - started))
    return 0 if verdict.valid else 1


def _summary(say: Mapping[str, str], community: CommunityOutcome, outcome: DemoOutcome) -> None:
    """What happened, and the check that the decrypted tally is what the owners meant."""
    assembly = outcome.assembly
    election = assembly.election
    roll = election.roll
    _say_community(say, election.manifest.title, roll, community)
    print(say["events"].format_map({k.replace("-", "_"): v for k, v in outcome.events.items()}))
    counts = assembly.proceedings.counts
    if counts is None or list(counts) != expected_counts(roll, outcome.counted):
        raise RuntimeError("the decrypted tally differs from the simulated intentions: a bug")
    print(say["decrypted"])
    print(say["community-after"].format_map(community.events))


def _in_process(
    owners: int, seed: int, record: Path, files: dict[str, Path]
) -> tuple[CommunityOutcome, DemoOutcome, tuple[int, int]]:
    """The demo on boards of this process, each in its SQLite file; exported to ``record``."""
    community_storage = SqliteStorage(files[".community.sqlite"])
    community_board = CommunityBoard(
        COMMUNITY, community_storage, community_key("community board", seed)
    )
    storage = SqliteStorage(files[".board.sqlite"])
    board = Board(ELECTION, storage, board_key(seed))
    community, outcome = simulate_community(owners, seed, community_board, board)
    election_record = record / "elections" / ELECTION
    export_record(community_board, record)
    election_record.parent.mkdir()
    election_record.parent.chmod(0o755)  # for everyone to read, whatever the umask (spec §14.1)
    export_record(board, election_record)
    storage.close()
    community_storage.close()
    return community, outcome, (len(board), len(community_board))


def _say_community(
    say: Mapping[str, str], title: str, roll: Roll, community: CommunityOutcome
) -> None:
    print(say["title"].format(title=title))
    print(say["roll"].format(persons=roll.totals.headcount, units=len(roll.units),
                             area=roll.totals.area / 100))  # fmt: skip
    petitions = community.desk.proceedings.petitions
    failed = sum(1 for t in petitions.values() if t.reached_at is None)
    events = {k.replace(" ", "_"): v for k, v in community.events.items()}
    print(say["community"].format(community=COMMUNITY, failed=failed, **events))
