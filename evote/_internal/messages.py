"""What evote tells people, in English and Chinese: a stable key, its figures, and two templates.

Every refusal and every finding of the verifier is a :class:`Message`: a :class:`Text` — its key,
an English and a Chinese template — and the figures that fill it (counts, indices, identifiers,
thresholds as exact integers). Programs compare the key and the figures, never the words (spec
§15.13); people read the text in their language. The templates use :meth:`str.format` fields,
``{person!r}`` quoting an identifier as Python does; a figure that is itself a :class:`Text` is
written in the same language.

Whatever is printed passes through :func:`printable`, so that nothing a record or a submission
holds can move a terminal's cursor, change its colours or reorder its text (spec §15.13).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, TypeAlias

__all__ = [
    "INVISIBLE",
    "Figure",
    "Language",
    "Message",
    "Text",
    "json_printable",
    "pad",
    "printable",
    "width",
]


class Language(enum.StrEnum):
    EN = "en"
    ZH = "zh"


#: Characters that never appear in an identifier and are escaped wherever text is printed: the C0
#: and C1 controls, the soft hyphen, the Arabic letter mark, the Mongolian vowel separator, the
#: zero-width characters and marks, and every bidirectional formatting character (spec §7.1). A
#: fixed set, not a Unicode category, so that the rule does not move with Unicode versions.
INVISIBLE: Final = frozenset(
    [chr(c) for c in range(0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u00ad", "\u061c", "\u180e"]
    + [chr(c) for c in range(0x200B, 0x2010)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2060, 0x206A)]
    + ["\ufeff"]
)
_ESCAPES: Final = {
    ord(c): f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}" for c in INVISIBLE
}
#: JSON escapes the C0 controls inside strings itself; outside strings they are its whitespace.
_JSON_ESCAPES: Final = {ord(c): f"\\u{ord(c):04x}" for c in INVISIBLE if ord(c) >= 0x20}


def printable(text: str, *, lines: bool = False) -> str:
    r"""``text`` with every invisible or control character escaped: ``"a\x1b[2J"`` → ``a\x1b[2J``.

    With ``lines``, line breaks stay: for a text whose lines come from its templates alone.
    """
    if lines:
        return "\n".join(line.translate(_ESCAPES) for line in text.split("\n"))
    return text.translate(_ESCAPES)


def json_printable(document: str) -> str:
    """A JSON document with those characters as JSON escapes (backslash, u, 4 hex digits)."""
    return document.translate(_JSON_ESCAPES)


def width(text: str) -> int:
    """How many columns ``text`` takes on a terminal: a Chinese character takes two."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def pad(text: str, columns: int) -> str:
    """``text`` padded with spaces on the right to ``columns`` terminal columns."""
    return text + " " * max(0, columns - width(text))


class Text:
    """A sentence with named figures, in English and in Chinese."""

    __slots__ = ("en", "key", "zh")

    def __init__(self, key: str, en: str, zh: str) -> None:
        self.key = key
        self.en = en
        self.zh = zh

    def __repr__(self) -> str:
        return f"Text({self.key!r})"

    def __reduce__(self) -> tuple[object, ...]:
        return (Text, (self.key, self.en, self.zh))

    def render(self, language: Language = Language.EN, figures: Mapping[str, Figure] = {}) -> str:
        template = self.zh if language is Language.ZH else self.en
        return template.format_map({k: _written(v, language) for k, v in figures.items()})


Figure: TypeAlias = "str | int | Text | Message | Sequence[str | int]"


def _written(figure: Figure, language: Language) -> object:
    """A figure as the template takes it: a text in the language, a list as its items joined."""
    if isinstance(figure, Text | Message):
        return figure.render(language)
    if isinstance(figure, (list, tuple)):
        return _Listed(figure)
    return figure


class _Listed(tuple):  # type: ignore[type-arg]
    """A list of figures: ``{x}`` writes ``a, b, c``; ``{x!r}`` writes ``['a', 'b', 'c']``."""

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        return ", ".join(format(item, spec) for item in self)

    def __repr__(self) -> str:
        return repr(list(self))


def figures_json(figures: Mapping[str, Figure]) -> dict[str, object]:
    """The figures as JSON values: a text by its key."""
    return {k: _json(v) for k, v in figures.items()}


def _json(figure: Figure) -> object:
    if isinstance(figure, Text):
        return figure.key
    if isinstance(figure, Message):
        return figure.to_json()
    return list(figure) if isinstance(figure, tuple | list) else figure


@dataclass(frozen=True)
class Message:
    """A text and its figures: what was said, to render in any language."""

    text: Text
    figures: Mapping[str, Figure] = field(default_factory=dict)

    def render(self, language: Language = Language.EN) -> str:
        return self.text.render(language, self.figures)

    def to_json(self) -> dict[str, object]:
        return {"code": self.text.key, "figures": figures_json(self.figures)}
