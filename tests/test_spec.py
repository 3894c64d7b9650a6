"""spec/ and the code stay in step: every section the code cites exists, every tag is listed."""

from __future__ import annotations

import re
from pathlib import Path

from evote.hazmat.transcript import Domain

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec"


def _sections() -> set[str]:
    found = set()
    for path in SPEC.glob("*.md"):
        for match in re.finditer(
            r"^#{1,3} (\d+(?:\.\d+)*|[A-Z])[. ]", path.read_text(), re.MULTILINE
        ):
            found.add(match.group(1))
    return found


def test_every_cited_section_exists() -> None:
    sections = _sections()
    cited = set()
    for path in [*ROOT.joinpath("evote").rglob("*.py"), SPEC / "vectors" / "generate.py"]:
        for match in re.finditer(r"§\s?(\d+(?:\.\d+)*|V\b)", path.read_text()):
            cited.add((match.group(1), path.relative_to(ROOT).as_posix()))
    assert cited
    missing = sorted((section, where) for section, where in cited if section not in sections)
    assert missing == []


def test_every_domain_tag_is_specified() -> None:
    text = (SPEC / "3-transcript.md").read_text()
    for domain in Domain:
        assert f"`{domain.value}`" in text, domain
