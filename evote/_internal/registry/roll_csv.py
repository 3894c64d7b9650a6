"""Import the roll from a CSV file, one line per unit (spec §8.3).

The file is checked whole: every error is collected with its line and column, and when there is
any, :class:`RollCsvError` carries the full list and nothing is imported. Areas are converted from
decimal text to integers in 0.01 m² exactly, never through a float.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

from evote._internal.ids import ElectionId, PersonId, UnitId, check_id
from evote._internal.messages import printable
from evote._internal.registry.roll import MAX_UNIT_AREA, Person, PersonKind, Roll, Unit
from evote.errors import InvalidInput, ParameterError, Reason

__all__ = ["RollCsvError", "RollCsvProblem", "parse_area", "read_roll_csv"]

REQUIRED_COLUMNS: Final = ("unit", "building", "area", "owner")
OPTIONAL_COLUMNS: Final = ("kind",)
_COLUMNS_TEXT: Final = "the columns are unit, building, area, owner and optionally kind"
_KINDS: Final = {"": PersonKind.OWNER, **{kind.value: kind for kind in PersonKind}}
_AREA: Final = re.compile(r"([0-9]+)(?:\.([0-9]{1,2}))?")  # ASCII digits only
_BOM: Final = "\ufeff"


def _q(text: str) -> str:
    """``text`` in double quotes, control characters escaped, cut after 64 characters."""
    return printable(json.dumps(text if len(text) <= 64 else text[:64] + "…", ensure_ascii=False))


@dataclasses.dataclass(frozen=True)
class RollCsvProblem:
    """One error of a roll file: its line (1-based, header = 1), its column or None, and what is wrong."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        column = "" if self.column is None else f", column {_q(self.column)}"
        return f"line {self.line}{column}: {self.message}"


class RollCsvError(InvalidInput):
    """A roll file with errors; :attr:`problems` lists every one of them, in line order."""

    default_reason = Reason.ROLL_INVALID

    def __init__(self, problems: Sequence[RollCsvProblem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda problem: problem.line))
        count = f"{len(self.problems)} error{'s' if len(self.problems) != 1 else ''}"
        lines = "".join(f"\n  {problem}" for problem in self.problems)
        super().__init__(f"roll CSV: {count}, nothing imported:{lines}")


def parse_area(text: str) -> int:
    """The area ``text`` in m² (``89.12``, ``120``) as an integer number of 0.01 m² (spec §8.3)."""
    match = _AREA.fullmatch(text)
    if match is None:
        raise ParameterError(f"{_q(text)} is not a decimal number of m² with at most two decimals")
    whole, decimals = match.group(1).lstrip("0") or "0", (match.group(2) or "").ljust(2, "0")
    # Eight digits or more before the point exceed 10⁶ m²: never convert a huge digit string.
    value = MAX_UNIT_AREA + 1 if len(whole) > 7 else int(whole) * 100 + int(decimals)
    if value == 0:
        raise ParameterError(f"{_q(text)} m²: the area must be positive")
    if value > MAX_UNIT_AREA:
        raise ParameterError(f"{_q(text)} m²: the area must be at most 1000000 m²")
    return value


def read_roll_csv(source: str | bytes | Path, election: ElectionId) -> Roll:
    """The roll of ``election`` read from a CSV file (spec §8.3).

    ``source`` is the path of the file or its bytes, decoded as UTF-8, or its already decoded text
    (a ``str`` is never taken as a path). Raises :class:`RollCsvError` listing every error.
    """
    check_id(election, "election id")
    problems: list[RollCsvProblem] = []
    if isinstance(source, Path):
        source = source.read_bytes()
    text, bad = _decode(source, problems) if isinstance(source, bytes) else (source, set())
    records = _records(text.removeprefix(_BOM), problems)
    header = next(records, None)
    if header is None:
        if not problems:
            message = f"empty file: no header line ({_COLUMNS_TEXT})"
            problems.append(RollCsvProblem(1, None, message))
        raise RollCsvError(problems)
    if bad.intersection(range(header[0], header[1] + 1)):
        raise RollCsvError(problems)  # a header that is not UTF-8 cannot name the columns
    before = len(problems)
    reader = _Reader(header[0], header[2], problems)
    if len(problems) > before:
        raise RollCsvError(problems)  # without its columns no line can be read
    for first, last, fields in records:
        reader.lines += 1
        if not bad.intersection(range(first, last + 1)):  # else reported, and its text unreliable
            reader.line(first, fields)
    if reader.lines == 0 and not problems:
        message = "no unit line after the header (an empty roll cannot vote)"
        problems.append(RollCsvProblem(header[0] + 1, None, message))
    if problems:
        raise RollCsvError(problems)
    persons = [
        Person(id=owner, kind=reader.kinds[owner][1], units=tuple(sorted(held)))
        for owner, held in sorted(reader.holdings.items())
    ]
    units = tuple(sorted(reader.units, key=lambda unit: unit.id))
    return Roll(election=election, units=units, persons=tuple(persons))


def _decode(data: bytes, problems: list[RollCsvProblem]) -> tuple[str, set[int]]:
    """The text of ``data``, and the numbers of its lines that are not valid UTF-8 (reported)."""
    lines, bad = [], set()
    # bytes.splitlines breaks at \r\n, \r and \n, as the CSV reader does; no UTF-8 sequence holds them.
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError as error:
            problems.append(
                RollCsvProblem(number, None, f"not valid UTF-8 (byte {error.start + 1})")
            )
            lines.append(line.decode("utf-8", errors="replace"))
            bad.add(number)
    return "".join(lines), bad


def _records(text: str, problems: list[RollCsvProblem]) -> Iterator[tuple[int, int, list[str]]]:
    """The non-blank records of ``text`` with their first and last lines (RFC 4180 quoting)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        first = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.append(RollCsvProblem(first, None, f"malformed CSV quoting: {error}"))
            continue
        if any(fields):  # a blank line, or one of empty fields only (",,,"), is ignored
            yield first, reader.line_num, fields


def _id_problem(value: str, what: str) -> str | None:
    if not value:
        return f"empty: the {what} is required"
    try:
        check_id(value, what)
    except ParameterError as error:
        return str(error)
    return None


class _Reader:
    """The checks of spec §8.3: the header, then each line alone and against the earlier lines."""

    def __init__(self, line: int, names: list[str], problems: list[RollCsvProblem]) -> None:
        self.width, self.problems, self.lines = len(names), problems, 0
        self.columns: dict[str, int] = {}
        for index, name in enumerate(names):
            if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
                what = "a column without a name" if not name else f"unknown column {_q(name)}"
                problems.append(RollCsvProblem(line, name, f"{what}; {_COLUMNS_TEXT}"))
            elif name in self.columns:
                problems.append(RollCsvProblem(line, name, "column named twice"))
            else:
                self.columns[name] = index
        problems.extend(
            RollCsvProblem(line, name, f"missing column; {_COLUMNS_TEXT}")
            for name in REQUIRED_COLUMNS
            if name not in self.columns
        )
        self.units: list[Unit] = []
        self.holdings: dict[PersonId, list[UnitId]] = {}
        self.unit_lines: dict[UnitId, tuple[int, PersonId | None]] = {}  # first line, its owner
        self.kinds: dict[PersonId, tuple[int, PersonKind]] = {}  # first line of an owner, kind
        self.developer: tuple[int, PersonId] | None = None  # first developer line, its owner

    def line(self, line: int, fields: list[str]) -> None:
        if len(fields) != self.width:
            message = (
                f"{len(fields)} fields where the header has {self.width} columns "
                "(a broken line, or a comma in an unquoted field)"
            )
            self.problems.append(RollCsvProblem(line, None, message))
            return
        values = {name: fields[index] for name, index in self.columns.items()}
        found: list[tuple[str, str]] = []  # (column, message)
        unit, building, owner = (
            UnitId(values["unit"]),
            values["building"],
            PersonId(values["owner"]),
        )
        for column, value, what in (("unit", unit, "unit id"), ("building", building, "building")):
            if problem := _id_problem(value, what):
                found.append((column, problem))
        area = 0
        try:
            area = parse_area(values["area"])
        except ParameterError as error:
            found.append(("area", str(error) if values["area"] else "empty: the area is required"))
        if problem := _id_problem(owner, "owner id"):
            found.append(("owner", problem))
        kind = _KINDS.get(values.get("kind", ""))
        if kind is None:
            expected = "expected owner, developer or co-owned (empty means owner)"
            found.append(("kind", f"unknown kind {_q(values['kind'])}; {expected}"))
        invalid = {column for column, _ in found}
        found += self._against_earlier_lines(
            line,
            None if "unit" in invalid else unit,
            None if "owner" in invalid else owner,
            kind,
        )
        self.problems += [RollCsvProblem(line, column, message) for column, message in found]
        if not found and kind is not None:
            self.units.append(Unit(id=unit, building=building, area=area))
            self.holdings.setdefault(owner, []).append(unit)

    def _against_earlier_lines(
        self, line: int, unit: UnitId | None, owner: PersonId | None, kind: PersonKind | None
    ) -> list[tuple[str, str]]:
        """Duplicate units, one kind per owner, one developer (``None``: that field is invalid)."""
        found = []
        if unit is not None and unit in self.unit_lines:
            earlier, holder = self.unit_lines[unit]
            message = f"unit {_q(unit)} is already on line {earlier}"
            if owner is not None and holder is not None and holder != owner:
                message += (
                    f", held by {_q(holder)}; here by {_q(owner)}: a unit held by two persons "
                    "without a co-ownership mark; list it once, with one owner id for the "
                    'co-owners and kind "co-owned"'
                )
            found.append(("unit", message))
        elif unit is not None:
            self.unit_lines[unit] = (line, owner)
        if owner is None or kind is None:
            return found
        earlier, first_kind = self.kinds.setdefault(owner, (line, kind))
        conflict = first_kind is not kind
        if conflict:
            found.append(
                (
                    "kind",
                    f"owner {_q(owner)} is {_q(first_kind)} on line {earlier} but {_q(kind)} "
                    "here; one person has one kind",
                )
            )
        if kind is PersonKind.DEVELOPER:
            if self.developer is None and not conflict:
                self.developer = (line, owner)  # the first developer line of a consistent owner
            earlier, developer = self.developer or (line, owner)
            if developer != owner:
                found.append(
                    (
                        "owner",
                        f"the developer is {_q(developer)} on line {earlier}, here {_q(owner)}; "
                        "all the developer's units are one person, with one owner id",
                    )
                )
        return found
