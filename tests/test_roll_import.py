"""The CSV import of the roll (spec §8.3): exact rolls from good files, every error of bad ones."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest

from evote._internal.encoding import encode
from evote._internal.ids import ElectionId, PersonId, UnitId
from evote._internal.registry.roll import Figures, Person, PersonKind, Roll, Unit
from evote._internal.registry.roll_csv import (
    RollCsvError,
    RollCsvProblem,
    parse_area,
    read_roll_csv,
)
from evote.errors import EvoteError, ParameterError

ELECTION = ElectionId("2026-业主大会-1")

# Chinese names, a BOM, CRLF endings, quoted fields (one with a comma and a doubled quote), a
# multi-unit owner, the developer's three unsold units, a co-owned unit, columns in another order.
GOOD = (
    "\ufeffowner,unit,building,area,kind\r\n"
    "张三,3栋1单元502,3栋,89.12,\r\n"
    '"张三","3栋1单元601","3栋",120,owner\r\n'
    "深圳某某地产有限公司,1栋101,1栋,95.5,developer\r\n"
    '深圳某某地产有限公司,1栋102,"1栋,A座",60.05,developer\r\n'
    "深圳某某地产有限公司,1栋103,1栋,0.01,developer\r\n"
    '李四王五,2栋201,"2栋 ""东""",100,co-owned\r\n'
    "赵六,2栋202,2栋,1000000,\r\n"
    "\r\n"
    ",,,,\r\n"
)


def good_roll() -> Roll:
    units = [
        ("1栋101", "1栋", 9550),
        ("1栋102", "1栋,A座", 6005),
        ("1栋103", "1栋", 1),
        ("2栋201", '2栋 "东"', 10000),
        ("2栋202", "2栋", 100_000_000),
        ("3栋1单元502", "3栋", 8912),
        ("3栋1单元601", "3栋", 12000),
    ]
    persons = [
        ("张三", PersonKind.OWNER, ("3栋1单元502", "3栋1单元601")),
        ("李四王五", PersonKind.CO_OWNED, ("2栋201",)),
        ("深圳某某地产有限公司", PersonKind.DEVELOPER, ("1栋101", "1栋102", "1栋103")),
        ("赵六", PersonKind.OWNER, ("2栋202",)),
    ]
    return Roll(
        election=ELECTION,
        units=tuple(Unit(id=UnitId(u), building=b, area=a) for u, b, a in units),
        persons=tuple(
            Person(id=PersonId(p), kind=k, units=tuple(UnitId(u) for u in us))
            for p, k, us in persons
        ),
    )


def test_good_file_gives_the_exact_roll() -> None:
    roll = read_roll_csv(GOOD.encode(), ELECTION)
    assert roll == good_roll()
    assert encode(roll) == encode(good_roll())
    assert roll.totals == Figures(
        area=9550 + 6005 + 1 + 10000 + 100_000_000 + 8912 + 12000, headcount=4
    )
    assert roll.weights == {
        "张三": 20912,
        "李四王五": 10000,
        "深圳某某地产有限公司": 15556,
        "赵六": 100_000_000,
    }


def test_path_bytes_and_text_give_the_same_roll(tmp_path: Path) -> None:
    path = tmp_path / "roll.csv"
    path.write_bytes(GOOD.encode())
    assert read_roll_csv(path, ELECTION) == good_roll()
    assert read_roll_csv(GOOD, ELECTION) == good_roll()  # a str is text, its BOM ignored too
    for ending in ["\n", "\r"]:
        assert read_roll_csv(GOOD.replace("\r\n", ending), ELECTION) == good_roll()


def test_line_order_does_not_matter() -> None:
    header, *lines = GOOD.removeprefix("\ufeff").splitlines()
    reordered = "\n".join([header, *reversed(lines)])
    assert read_roll_csv(reordered, ELECTION).hash() == good_roll().hash()


def test_kind_column_is_optional() -> None:
    roll = read_roll_csv("unit,building,area,owner\nU2,B,1,A\nU1,B,2,A\n", ELECTION)
    units = (UnitId("U1"), UnitId("U2"))
    assert roll.persons == (Person(id=PersonId("A"), kind=PersonKind.OWNER, units=units),)


WORKED_EXAMPLE = """unit,building,area,owner
U1,1栋,80,B
U2,1栋,90,C
U3,1栋,100,A
U4,1栋,120,A
U5,2栋,60,D
U6,2栋,70,E
U7,2栋,85,F
U8,3栋,95,G
U9,3栋,110,H
U10,3栋,140,I
"""


def test_worked_example_of_the_domain_rules() -> None:
    roll = read_roll_csv(WORKED_EXAMPLE, ELECTION)
    assert roll.totals == Figures(area=95000, headcount=9)
    assert roll.weight(PersonId("A")) == 22000
    assert roll.person(PersonId("A")) == Person(
        id=PersonId("A"), kind=PersonKind.OWNER, units=(UnitId("U3"), UnitId("U4"))
    )
    assert len(roll.units) == 10


def test_roll_hash_is_the_tagged_sha256_of_its_json() -> None:
    """Spec §8.2, recomputed by hand: TAG field, then BYTES field of the canonical JSON."""
    roll = read_roll_csv(WORKED_EXAMPLE, ELECTION)
    tag, body = b"evote/v1/roll", encode(roll)
    transcript = b"\x01" + len(tag).to_bytes(4, "big") + tag
    transcript += b"\x06" + len(body).to_bytes(4, "big") + body
    assert roll.hash() == hashlib.sha256(transcript).digest()
    assert body.startswith(
        '{"election":"2026-业主大会-1","units":[{"id":"U1","building":"1栋","area":8000},'
        '{"id":"U10","building":"3栋","area":14000},'.encode()
    )


def test_spec_example_file_and_hash() -> None:
    """The example of spec §8.3 gives the roll and hash printed there."""
    spec = (Path(__file__).resolve().parent.parent / "spec" / "8-roll.md").read_text()
    example = spec.split("```csv\n", 1)[1].split("```", 1)[0]
    roll = read_roll_csv(example, ElectionId("example"))
    assert f"`{encode(roll).decode()}`" in spec
    assert f"`{roll.hash().hex()}`" in spec


H = "unit,building,area,owner,kind\n"
LONG = "x" * 65

BROKEN: list[tuple[str, str | bytes, list[tuple[int, str | None, str]]]] = [
    ("empty-file", "", [(1, None, "empty file")]),
    ("only-bom-and-blank-lines", b"\xef\xbb\xbf\r\n\r\n", [(1, None, "empty file")]),
    ("header-only", H, [(2, None, "no unit line after the header")]),
    ("header-then-blank-lines", H + "\n,,,,\n", [(2, None, "no unit line")]),
    (
        "unknown-column",
        "unit,building,area,owner,floor\n",
        [(1, "floor", 'unknown column "floor"')],
    ),
    ("unnamed-column", "unit,building,area,owner,\nU1,B,1,A,\n", [(1, "", "without a name")]),
    ("header-case", "Unit,building,area,owner\n", [(1, "Unit", "unknown"), (1, "unit", "missing")]),
    ("missing-column", "unit,building,owner\nU1,B,A\n", [(1, "area", "missing column")]),
    ("column-twice", "unit,building,area,owner,owner\n", [(1, "owner", "named twice")]),
    ("too-many-fields", H + "U1,B,89,12,A,\n", [(2, None, "6 fields where the header has 5")]),
    ("too-few-fields", H + "U1,B,89\n", [(2, None, "3 fields where the header has 5")]),
    ("empty-unit", H + ",B,1,A,\n", [(2, "unit", "empty: the unit id is required")]),
    ("empty-building", H + "U1,,1,A,\n", [(2, "building", "empty: the building is required")]),
    ("empty-area", H + "U1,B,,A,\n", [(2, "area", "empty: the area is required")]),
    ("empty-owner", H + "U1,B,1,,\n", [(2, "owner", "empty: the owner id is required")]),
    ("unit-whitespace", H + " U1,B,1,A,\n", [(2, "unit", "leading or trailing whitespace")]),
    ("unit-too-long", H + f"{LONG},B,1,A,\n", [(2, "unit", "expected 1 to 64 characters")]),
    ("unit-not-nfc", H + "e\u0301,B,1,A,\n", [(2, "unit", "NFC")]),
    ("unit-newline", H + '"U\n1",B,1,A,\nU2,B,x,A,\n', [(2, "unit", "control"), (4, "area", "")]),
    ("building-whitespace", H + "U1,3栋 ,1,A,\n", [(2, "building", "whitespace")]),
    ("owner-control-char", H + "U1,B,1,A\tB,\n", [(2, "owner", "control")]),
    (
        "area-comma",
        H + 'U1,B,"89,12",A,\n',
        [(2, "area", '"89,12" is not a decimal number of m² with at most two decimals')],
    ),
    ("area-zero", H + "U1,B,0.00,A,\n", [(2, "area", "must be positive")]),
    ("area-too-large", H + "U1,B,1000000.01,A,\n", [(2, "area", "at most 1000000 m²")]),
    ("unknown-kind", H + "U1,B,1,A,业主\n", [(2, "kind", 'unknown kind "业主"')]),
    ("kind-is-case-sensitive", H + "U1,B,1,A,Owner\n", [(2, "kind", 'unknown kind "Owner"')]),
    (
        "duplicate-unit-same-owner",
        H + "U1,B,1,A,\nU2,B,1,A,\nU1,B,2,A,\n",
        [(4, "unit", 'unit "U1" is already on line 2')],
    ),
    (
        "duplicate-unit-two-owners",
        H + "U1,B,1,A,\nU1,B,1,B,\n",
        [
            (
                3,
                "unit",
                'held by "A"; here by "B": a unit held by two persons without a co-ownership',
            )
        ],
    ),
    (
        "duplicate-unit-says-how-to-mark",
        H + "U1,B,1,A,co-owned\nU1,B,1,B,co-owned\n",
        [(3, "unit", 'one owner id for the co-owners and kind "co-owned"')],
    ),
    (
        "owner-with-two-kinds",
        H + "U1,B,1,A,co-owned\nU2,B,1,A,\n",
        [(3, "kind", 'owner "A" is "co-owned" on line 2 but "owner" here')],
    ),
    (
        "two-developers",
        H + "U1,B,1,D1,developer\nU2,B,1,A,\nU3,B,1,D2,developer\nU4,B,1,D1,developer\n",
        [(4, "owner", 'the developer is "D1" on line 2, here "D2"')],
    ),
    (
        "second-kind-and-second-developer",
        H + "U1,B,1,D1,developer\nU2,B,1,A,\nU3,B,1,A,developer\n",
        [
            (4, "kind", 'owner "A" is "owner" on line 3'),
            (4, "owner", 'developer is "D1" on line 2'),
        ],
    ),
    ("malformed-quoting", H + 'U1,"B"x,1,A,\nU2,B,1,A,\n', [(2, None, "malformed CSV quoting")]),
    ("unterminated-quote", H + 'U1,"B,1,A,\nU2,B,1,A,\n', [(2, None, "unexpected end of data")]),
    ("not-utf8", (H + "U1,B,1,A,\nU2,B\xff,1,A,\n").encode("latin-1"), [(3, None, "UTF-8")]),
    ("gbk-encoded", (H + "U1,3栋,1,张三,\n").encode("gbk"), [(2, None, "not valid UTF-8")]),
    ("header-not-utf8", b"unit,b\xffuilding,area,owner\nU1,B,1,A\n", [(1, None, "UTF-8")]),
    (
        "several-errors-in-line-order",
        (
            H
            + "U1,3栋,89.12,A,\n"
            + "U2,3栋,89.123,A,developer\n"  # area; A was owner on line 2
            + "\n"
            + "U1,3栋,1,B,\n"  # U1 again, another person
            + "U3,,abc,,\n"  # building, area, owner
            + "U4,3栋,1,D,developer\n"
            + "U5,3栋,1,E,developer,\n"  # one field too many
            + "U6,3栋,1,F,developer\n"  # a second developer
        ).encode()
        + b"U7,\xe5\x8f,1,G,\n",  # a truncated UTF-8 sequence
        [
            (3, "area", '"89.123" is not a decimal'),
            (3, "kind", 'owner "A" is "owner" on line 2 but "developer" here'),
            (5, "unit", "two persons"),
            (6, "building", "empty"),
            (6, "area", '"abc" is not a decimal'),
            (6, "owner", "empty"),
            (8, None, "6 fields where the header has 5"),
            (9, "owner", 'the developer is "D" on line 7, here "F"'),
            (10, None, "not valid UTF-8"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("source", "expected"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_broken_file(source: str | bytes, expected: list[tuple[int, str | None, str]]) -> None:
    with pytest.raises(RollCsvError) as caught:
        read_roll_csv(source, ELECTION)
    problems = caught.value.problems
    assert [(p.line, p.column) for p in problems] == [(line, col) for line, col, _ in expected]
    for problem, (_, _, fragment) in zip(problems, expected, strict=True):
        assert fragment in problem.message
    diagnostics = caught.value.diagnostics()
    assert all(str(problem) in diagnostics for problem in problems)


def test_problem_text_and_error_class() -> None:
    source = H + "U1,B,1,A,\n" * 2 + 'U7,B,"89,12",A,\n'
    with pytest.raises(RollCsvError) as caught:
        read_roll_csv(source, ELECTION)
    error = caught.value
    assert isinstance(error, EvoteError)
    assert isinstance(error, ValueError)
    assert [str(p) for p in error.problems] == [
        'line 3, column "unit": unit "U1" is already on line 2',
        'line 4, column "area": "89,12" is not a decimal number of m² with at most two decimals',
    ]
    assert error.diagnostics() == (
        "roll CSV: 2 errors, nothing imported:\n"
        '  line 3, column "unit": unit "U1" is already on line 2\n'
        '  line 4, column "area": "89,12" is not a decimal number of m² with at most two decimals'
    )
    assert str(RollCsvProblem(3, None, "broken")) == "line 3: broken"
    with pytest.raises(dataclasses.FrozenInstanceError):
        error.problems[0].line = 1  # type: ignore[misc]


def test_bad_election_id_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError):
        read_roll_csv(WORKED_EXAMPLE, ElectionId(" e "))


GOOD_AREAS = [
    ("0.01", 1),
    ("1", 100),
    ("1.5", 150),
    ("001.20", 120),
    ("89.12", 8912),
    ("1000000", 100_000_000),
    ("1000000.00", 100_000_000),
    ("00000000000000000007", 700),
]
BAD_AREAS = [
    "0", "0.00", "-1", "+1", "1.234", "1.", ".5", "1e2", "1E2", "1,5", "1,000", " 12", "12 ", "NaN",
    "inf", "1_000", "１２", "٣", "0x10", "1000000.01", "99999999", "9" * 5000, "1.2.3", "",
]  # fmt: skip


@pytest.mark.parametrize(("text", "area"), GOOD_AREAS, ids=[t for t, _ in GOOD_AREAS])
def test_good_area(text: str, area: int) -> None:
    assert parse_area(text) == area
    roll = read_roll_csv(f"unit,building,area,owner\nU1,B,{text},A\n", ELECTION)
    assert roll.units[0].area == area


@pytest.mark.parametrize("text", BAD_AREAS, ids=[repr(t[:12]) for t in BAD_AREAS])
def test_bad_area(text: str) -> None:
    with pytest.raises(ParameterError):
        parse_area(text)
    with pytest.raises(RollCsvError) as caught:
        read_roll_csv(f'unit,building,area,owner\nU1,B,"{text}",A\n', ELECTION)
    assert [(p.line, p.column) for p in caught.value.problems] == [(2, "area")]
