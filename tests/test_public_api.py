"""The public API: every name imports, every docstring example runs, and its users keep to it."""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
from pathlib import Path
from types import ModuleType

import pytest

import evote

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_MODULES = (
    "evote",
    "evote.errors",
    "evote.simulation",
    "evote.hazmat",
    "evote.hazmat.dlog",
    "evote.hazmat.elgamal",
    "evote.hazmat.group",
    "evote.hazmat.merkle",
    "evote.hazmat.passphrase",
    "evote.hazmat.randomness",
    "evote.hazmat.sealing",
    "evote.hazmat.signing",
    "evote.hazmat.transcript",
    "evote.hazmat.proofs",
    "evote.hazmat.proofs.chaum_pedersen",
    "evote.hazmat.proofs.disjunctive",
    "evote.hazmat.proofs.schnorr",
)
#: What must use the public API only: the demo and the command, the benchmarks, the tests' fixtures.
PUBLIC_USERS = (
    *sorted((ROOT / "evote" / "cli").glob("*.py")),
    *sorted((ROOT / "benchmarks").glob("*.py")),
    ROOT / "tests" / "community.py",
    ROOT / "tests" / "conftest.py",
    ROOT / "tests" / "elections.py",
    ROOT / "tests" / "support.py",
)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_public_name_imports(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", [])
    assert exported or module.__name__ in ("evote.hazmat", "evote.hazmat.proofs")
    assert sorted(set(exported)) == sorted(exported), "a name is exported twice"
    for attribute in exported:
        assert getattr(module, attribute, None) is not None, f"{name}.{attribute} is missing"


def test_the_root_exports_every_role_entry_point() -> None:
    roles = {
        "convener": ["Manifest", "read_roll_csv", "Convener", "Assembly", "export_record"],
        "device": ["Voter", "prepare_ballot"],
        "trustee": ["CeremonyTrustee", "TrusteeKey", "write_secret_file", "decrypt_tally"],
        "observer": [
            "verify_record",
            "verify_receipt",
            "verify_receipt_in_record",
            "verify_community_record",
        ],
        "community": [
            "Charter",
            "CommunityDesk",
            "CommunityBoard",
            "CommunityConvener",
            "PetitionOpener",
            "Member",
            "Bank",
        ],
    }
    for names in roles.values():
        assert set(names) <= set(evote.__all__)


def _examples() -> list[tuple[str, doctest.DocTest]]:
    """Every docstring example of every public module and of every object it exports."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    found: dict[str, doctest.DocTest] = {}
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        tests = finder.find(module, name)
        for attribute in getattr(module, "__all__", []):
            value = getattr(module, attribute)
            if inspect.isclass(value) or inspect.isfunction(value):
                tests += finder.find(value, f"{name}.{attribute}")
        for test in tests:
            if test.examples:
                found.setdefault(test.name, test)
    return sorted(found.items())


EXAMPLES = _examples()


def test_the_root_has_a_runnable_example() -> None:
    assert any(name == "evote" and test.examples for name, test in EXAMPLES)


@pytest.mark.parametrize(("name", "test"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_docstring_examples_run(name: str, test: doctest.DocTest) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0, f"{name}: {runner.failures} example(s) failed"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


@pytest.mark.parametrize("path", PUBLIC_USERS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_demo_benchmarks_and_fixtures_use_the_public_api(path: Path) -> None:
    internal = sorted(m for m in _imported_modules(path) if m.startswith("evote._internal"))
    assert internal == [], f"{path.name} imports {internal}"


def test_internal_modules_say_so() -> None:
    package: ModuleType = importlib.import_module("evote._internal")
    assert "no stability promise" in (package.__doc__ or "")
