"""The election record: the board exported as a directory of canonical JSON files (spec §14).

::

    record/
      record.json          format, version, election, size, the final signed head, and per file
                           its number of entries and SHA-256
      manifest.json        entry 0                 roll.json         entry 1
      ceremony.jsonl       announcements, dealings, complaints, the outcome
      registration.jsonl   activation codes, bindings
      delegations.jsonl    delegations, revocations
      ballots.jsonl        ballots, paper ballots, challenged ballots
      phases.jsonl         extensions, the close
      counting.jsonl       the tally, decryption shares, the results
      notices.jsonl        notices (公示)
      heads.jsonl          every signed tree head the board published

Each line is one entry's canonical JSON (the Merkle leaf data), in increasing index order within
its file; a verifier merges the files by index. Nothing else is needed to recount the election.
"""

from __future__ import annotations

import hashlib
import heapq
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, Protocol

import msgspec

from evote._internal.board.events import KINDS
from evote._internal.board.heads import SignedTreeHead
from evote._internal.encoding import Bytes32, Struct, decode, encode
from evote._internal.ids import ElectionId, check_id
from evote._internal.messages import Figure, Message, Text
from evote.errors import EvoteError, RecordError, UsageError

__all__ = [
    "ELECTION_LAYOUT",
    "FILE_OF",
    "FORMAT",
    "VERSION",
    "Layout",
    "RecordError",
    "RecordFile",
    "RecordIndex",
    "RecordLine",
    "RecordReader",
    "write_record",
]

FORMAT: Final = "evote-record"
VERSION: Final = 2
INDEX_FILE: Final = "record.json"
HEADS_FILE: Final = "heads.jsonl"

#: Which file holds each kind of event (spec §14.1): what the kind says of itself.
FILE_OF: Final = {str(kind.__struct_config__.tag): kind.file for kind in KINDS}
ENTRY_FILES: Final = tuple(dict.fromkeys(FILE_OF.values()))

# What is wrong with a record as a whole, or with one of its files (spec §14.1, §15.1).
_ENTRY_UNREADABLE = Text(
    "entry-unreadable", "an entry that cannot be read: {detail}", "无法读取的条目：{detail}"
)
_UNKNOWN_TYPE = Text(
    "entry-unknown-type", "an entry of unknown type {kind!r}", "类型未知的条目 {kind!r}"
)
_INDEX_UNREADABLE = Text(
    "index-unreadable", "{path}: cannot read the record index: {problem}",
    "{path}：无法读取记录索引：{problem}",
)  # fmt: skip
_OTHER_VERSION = Text(
    "record-version", "{path}: record format version {version}; this evote reads {supported}",
    "{path}：记录格式版本为 {version}；本 evote 读取的版本为 {supported}",
)  # fmt: skip
_NOT_AN_INDEX = Text(
    "not-record-index", "{path}: not an evote record index: {detail}",
    "{path}：不是 evote 记录索引：{detail}",
)  # fmt: skip
_OTHER_FORMAT = Text(
    "record-kind", "{path}: {kind}, where {expected} is expected",
    "{path}：这是{kind}，此处需要的是{expected}",
)  # fmt: skip
_FILES_LISTED = Text(
    "files-listed",
    "{index_file} must list {expected}, each once and in this order; it lists {listed}",
    "{index_file} 必须按此顺序、各列一次 {expected}；它列出的是 {listed}",
)
_NONE = Text("none", "none", "无")
_UNLISTED = Text(
    "file-unlisted", "{name}: not listed in {index_file}", "{name}：未列入 {index_file}"
)
_NOT_OF_FORMAT = Text(
    "file-not-of-format", "{name}: not a file of this format", "{name}：不是此格式的文件"
)
_FILE_MISSING = Text("file-missing", "{name}: missing", "{name}：缺失")
_FILE_ALTERED = Text(
    "file-altered", "{name}: its SHA-256 differs from the one in {index_file}",
    "{name}：其 SHA-256 与 {index_file} 中记载的不同",
)  # fmt: skip
_FILE_LINES = Text(
    "file-lines", "{name}: {lines} lines, {index_file} says {entries}",
    "{name}：共 {lines} 行，{index_file} 记载为 {entries} 行",
)  # fmt: skip


class RecordFile(Struct):
    name: str
    entries: int
    sha256: Bytes32


class RecordIndex(Struct):
    """``record.json`` (spec §14.1)."""

    format: Literal["evote-record"]
    version: Literal[2]
    election: ElectionId
    size: int
    head: SignedTreeHead
    files: tuple[RecordFile, ...]

    def __post_init__(self) -> None:
        check_id(self.election, "election")  # never print what a record names unchecked (§7.1)

    @property
    def board(self) -> str:
        """The id of the board the record is of: the election's."""
        return self.election


class AnyIndex(Protocol):
    """What every kind of record index holds (spec §14.1, §16.1)."""

    @property
    def board(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def head(self) -> SignedTreeHead: ...
    @property
    def files(self) -> tuple[RecordFile, ...]: ...


@dataclass(frozen=True)
class Layout:
    """A kind of record: its format and version, its index, and the file of each kind of entry."""

    format: str
    version: int
    index_type: type[Struct]
    make_index: Callable[[str, int, SignedTreeHead, tuple[RecordFile, ...]], Struct]
    file_of: Mapping[str, str]  # entry type → file
    sole_place: Mapping[str, float]  # files whose one entry has a fixed place, and where it sorts

    @property
    def entry_files(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.file_of.values()))


class _Peek(msgspec.Struct):
    """The two fields needed to route an entry without decoding it."""

    index: int
    event: _PeekEvent


class _PeekEvent(msgspec.Struct):
    type: str


_PEEK: Final = msgspec.json.Decoder(_Peek)

#: What reading a line of a record can raise: msgspec's errors are ValueErrors; deep nesting recurses.
_UNREADABLE: Final = (ValueError, RecursionError)


def _peek(line: bytes) -> _Peek | None:
    """The index and type of an entry line, or None if it cannot be read that far."""
    try:
        return _PEEK.decode(line)
    except _UNREADABLE:
        return None


def write_record(
    directory: Path,
    election: str,
    entries: Iterable[bytes],
    heads: Sequence[SignedTreeHead],
    layout: Layout | None = None,
) -> Struct:
    """Write entries (canonical JSON, in index order) and heads as a record (spec §14.1).

    ``election`` is the id of the board (a community's for a community record, §16.1); ``layout``
    the kind of record, an election's by default.

    The last head is the record's final head. Only what cannot be written is refused here (no head,
    an entry that cannot be read or is of an unknown type); checking is the verifier's job.
    """
    directory = Path(directory)
    if directory.exists():
        raise UsageError(f"{directory} exists already; a record is written to a new directory")
    if not heads:
        raise UsageError("a record needs at least one signed head")
    layout = layout or ELECTION_LAYOUT
    file_of, entry_files = layout.file_of, layout.entry_files
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent or None))
    try:
        handles = {name: (staging / name).open("wb") for name in entry_files}
        counts = dict.fromkeys(entry_files, 0)
        digests = {name: hashlib.sha256() for name in entry_files}
        size = 0
        try:
            for data in entries:
                try:
                    kind = _PEEK.decode(data).event.type
                except _UNREADABLE as error:
                    raise RecordError(_ENTRY_UNREADABLE, detail=str(error)) from None
                if kind not in file_of:
                    raise RecordError(_UNKNOWN_TYPE, kind=kind)
                name, line = file_of[kind], data + b"\n"
                handles[name].write(line)
                digests[name].update(line)
                counts[name] += 1
                size += 1
        finally:
            for handle in handles.values():
                handle.close()
        head_lines = b"".join(encode(h) + b"\n" for h in heads)
        (staging / HEADS_FILE).write_bytes(head_lines)
        files = [
            RecordFile(name=n, entries=counts[n], sha256=Bytes32(digests[n].digest()))
            for n in entry_files
        ]
        files.append(
            RecordFile(
                name=HEADS_FILE,
                entries=len(heads),
                sha256=Bytes32(hashlib.sha256(head_lines).digest()),
            )
        )
        index = layout.make_index(election, size, heads[-1], tuple(files))
        (staging / INDEX_FILE).write_bytes(encode(index) + b"\n")
        _publishable(staging)
        os.replace(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return index


def _publishable(directory: Path) -> None:
    """A record is for everyone to read: the directory 0755, its files 0644 (spec §14.1).

    (``mkdtemp`` makes a private directory, and the umask may hide files from others.)
    """
    directory.chmod(0o755)
    for path in directory.iterdir():
        path.chmod(0o644)


@dataclass(frozen=True, slots=True)
class RecordLine:
    """One entry line of a record, as routed: its index and type as far as they can be read."""

    index: int  # -1 if the line cannot be read
    kind: str | None  # the event type, None if the line cannot be read
    file: str
    data: bytes


class RecordReader:
    """Reads a record directory: its index, its files checked against it, its entries by index."""

    def __init__(self, directory: Path, layout: Layout | None = None) -> None:
        self.layout = layout = layout or ELECTION_LAYOUT
        self.directory = Path(directory)
        path = self.directory / INDEX_FILE
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise RecordError(
                _INDEX_UNREADABLE, path=str(path), problem=str(error.strerror)
            ) from None
        kind = _format_of(raw)
        if isinstance(kind, str) and kind != layout.format and kind in _FORMATS:
            raise RecordError(_OTHER_FORMAT, path=str(path), kind=_FORMATS[kind],
                              expected=_FORMATS[layout.format])  # fmt: skip
        version = _version_of(raw)
        if version is not None and version != layout.version:
            raise RecordError(
                _OTHER_VERSION, path=str(path), version=version, supported=layout.version
            )
        try:
            self.index: AnyIndex = decode(raw.rstrip(b"\n"), layout.index_type)  # type: ignore[assignment]
        except EvoteError as error:
            raise RecordError(_NOT_AN_INDEX, path=str(path), detail=str(error)) from None
        self.files = {f.name: f for f in self.index.files}

    def check_files(self) -> list[Message]:
        """Every problem with the files: missing, unlisted, altered or miscounted (spec §15.1)."""
        problems = []
        names = [f.name for f in self.index.files]
        entry_files = self.layout.entry_files
        if names != [*entry_files, HEADS_FILE]:
            problems.append(
                _said(
                    _FILES_LISTED,
                    index_file=INDEX_FILE,
                    expected=[*entry_files, HEADS_FILE],
                    listed=names or _NONE,
                )
            )
        expected = {*entry_files, HEADS_FILE}
        listed = set(self.files)
        problems += [
            _said(_UNLISTED, name=name, index_file=INDEX_FILE) for name in sorted(expected - listed)
        ]
        problems += [_said(_NOT_OF_FORMAT, name=name) for name in sorted(listed - expected)]
        for name in sorted(listed & expected):
            listing = self.files[name]
            path = self.directory / name
            if not path.is_file():
                problems.append(_said(_FILE_MISSING, name=name))
                continue
            digest, lines = hashlib.sha256(), 0
            with path.open("rb") as handle:
                for line in handle:
                    digest.update(line)
                    lines += 1
            if digest.digest() != bytes(listing.sha256):
                problems.append(_said(_FILE_ALTERED, name=name, index_file=INDEX_FILE))
            if lines != listing.entries:
                problems.append(
                    _said(
                        _FILE_LINES,
                        name=name,
                        lines=lines,
                        index_file=INDEX_FILE,
                        entries=listing.entries,
                    )
                )
        return problems

    def lines(self, name: str) -> Iterator[bytes]:
        """The lines of one file, without their newline; nothing if the file is missing."""
        path = self.directory / name
        if not path.is_file():
            return
        with path.open("rb") as handle:
            for line in handle:
                yield line.rstrip(b"\n")

    def entries(self) -> Iterator[RecordLine]:
        """Every entry line of the record, merged by index (spec §14.1).

        A line whose index cannot be read is merged where it stands in its file: just after the
        last readable line before it in the file, or, at the top of the file, just before the first.
        """

        def routed(name: str) -> Iterator[tuple[float, RecordLine]]:
            on_top: list[bytes] = []  # unreadable lines before the file's first readable one
            last: int | None = None
            for line in self.lines(name):
                peeked = _peek(line)
                if peeked is None:
                    if last is None:
                        on_top.append(line)
                    else:
                        yield last + 0.5, RecordLine(-1, None, name, line)
                    continue
                for data in on_top:
                    yield peeked.index - 0.5, RecordLine(-1, None, name, data)
                on_top.clear()
                last = peeked.index
                yield peeked.index, RecordLine(peeked.index, peeked.event.type, name, line)
            for data in on_top:  # the file has no readable line: where its entries always are
                yield sole_place.get(name, -0.5), RecordLine(-1, None, name, data)

        sole_place = self.layout.sole_place
        entry_files = self.layout.entry_files
        merged = heapq.merge(*(routed(name) for name in entry_files), key=lambda item: item[0])
        return (line for _, line in merged)

    def heads(self) -> list[bytes]:
        return list(self.lines(HEADS_FILE))


def _said(text: Text, **figures: Figure) -> Message:
    return Message(text, figures)


#: The files whose one entry has a fixed place (spec §14.2): the manifest is entry 0, the roll 1.
_SOLE_PLACE: Final = {"manifest.json": -0.5, "roll.json": 0.5}


def _election_index(
    election: str, size: int, head: SignedTreeHead, files: tuple[RecordFile, ...]
) -> RecordIndex:
    return RecordIndex(
        format=FORMAT, version=VERSION, election=ElectionId(election), size=size, head=head,
        files=files,
    )  # fmt: skip


#: An election's record (spec §14.1).
ELECTION_LAYOUT: Final = Layout(
    format=FORMAT,
    version=VERSION,
    index_type=RecordIndex,
    make_index=_election_index,
    file_of=FILE_OF,
    sole_place=_SOLE_PLACE,
)


class _Version(msgspec.Struct):
    version: object = None
    format: object = None


_VERSION: Final = msgspec.json.Decoder(_Version)
#: The kinds of record, by their ``format`` (spec §14.1, §16.1).
_FORMATS: Final = {
    FORMAT: Text("an-election-record", "an election's record", "选举记录"),
    "evote-community-record": Text("a-community-record", "a community's record", "社区记录"),
}


def _format_of(raw: bytes) -> object:
    try:
        return _VERSION.decode(raw).format
    except _UNREADABLE:
        return None


def _version_of(raw: bytes) -> int | None:
    try:
        value = _VERSION.decode(raw).version
    except _UNREADABLE:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
