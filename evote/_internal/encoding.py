"""The canonical wire encoding: msgspec structs as JSON, every byte string as lower-case hex (spec §1.3).

:class:`Struct` is the one base class of wire types. Its options:

- ``frozen``: values are immutable and hashable, so an object that was checked stays checked;
- ``forbid_unknown_fields``: decoding refuses a field the spec does not define;
- ``kw_only``: construction names every field, so a reordering of fields cannot go unnoticed.

Points, scalars and byte strings are decoded through their checking constructors (via the decoder's
``dec_hook``), so a decoded object is valid; an error names the JSON path of the offending value.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any, ClassVar, Final, Self, TypeVar, dataclass_transform

import msgspec

from evote.errors import InvalidEncoding

__all__ = [
    "Bytes32",
    "HexBytes",
    "HexValue",
    "Struct",
    "decode",
    "decode_prevalidated",
    "encode",
    "parse_hex",
    "to_builtins",
]

T = TypeVar("T")


class HexValue(abc.ABC):
    """A value that travels as lower-case hex and is parsed by a checking ``from_hex``.

    The group's points and scalars are such values (:mod:`evote.hazmat.group`); the codec below
    encodes them with ``hex()`` and decodes them with ``from_hex`` — or, for bytes validated
    before, with ``from_validated_hex``.
    """

    __slots__ = ()

    @abc.abstractmethod
    def hex(self) -> str: ...

    @classmethod
    @abc.abstractmethod
    def from_hex(cls, text: str) -> Self: ...

    @classmethod
    def from_validated_hex(cls, text: str) -> Self:
        return cls.from_hex(text)


def parse_hex(text: object, what: str | None, error: type[InvalidEncoding]) -> bytes:
    """Bytes from canonical hex: lower-case digit pairs only, no whitespace or prefix (spec §1.3).

    The message of ``error`` starts with ``what``, if given.
    """
    prefix = f"{what}: " if what else ""
    if not isinstance(text, str):
        raise error(f"{prefix}expected a hex string, found {type(text).__name__}")
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise error(f"{prefix}not a hex string") from None
    if raw.hex() != text:
        raise error(f"{prefix}hex must be lower-case digit pairs without separators (canonical)")
    return raw


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(msgspec.field,))
class Struct(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base class of every wire type (see the module docstring for its options)."""


class HexBytes(bytes):
    """A byte string that travels as lower-case hex. Subclasses may fix the length."""

    LENGTH: ClassVar[int | None] = None

    @classmethod
    def from_hex(cls, text: object) -> Self:
        return cls.checked(parse_hex(text, None, InvalidEncoding))

    @classmethod
    def checked(cls, raw: bytes) -> Self:
        if cls.LENGTH is not None and len(raw) != cls.LENGTH:
            raise InvalidEncoding(f"expected {cls.LENGTH} bytes, found {len(raw)}")
        return cls(raw)


class Bytes32(HexBytes):
    """Exactly 32 bytes: a digest, a fingerprint or an identifier."""

    LENGTH: ClassVar[int | None] = 32


def _enc_hook(obj: object) -> object:
    if isinstance(obj, HexValue | HexBytes):
        return obj.hex()
    raise NotImplementedError(f"cannot encode {type(obj).__name__}")


def _dec_hook(kind: type, obj: object) -> object:
    if isinstance(kind, type):
        if issubclass(kind, HexValue):
            if not isinstance(obj, str):
                raise InvalidEncoding(f"expected a hex string, found {type(obj).__name__}")
            return kind.from_hex(obj)
        if issubclass(kind, HexBytes):
            return kind.from_hex(obj)
    raise NotImplementedError(f"cannot decode {kind!r}")


_ENCODER: Final = msgspec.json.Encoder(enc_hook=_enc_hook, order="deterministic")


def encode(value: object) -> bytes:
    """Canonical JSON bytes of a wire value: fields in declaration order, no whitespace."""
    return _ENCODER.encode(value)


# One decoder per type and hook, built on first use: checking (decode) or trusting points that were
# checked before (decode_prevalidated).
_DECODERS: dict[tuple[object, object], msgspec.json.Decoder[Any]] = {}


def _decoder(
    kind: object, hook: Callable[[type, object], object] = _dec_hook
) -> msgspec.json.Decoder[Any]:
    decoder = _DECODERS.get((kind, hook))
    if decoder is None:
        decoder = _DECODERS[kind, hook] = msgspec.json.Decoder(kind, dec_hook=hook)
    return decoder


def decode(data: bytes | str, kind: type[T]) -> T:
    """Decode and check JSON as ``kind``; raise :class:`InvalidEncoding` naming what was wrong."""
    try:
        result: T = _decoder(kind).decode(data)
    except msgspec.ValidationError as error:
        raise InvalidEncoding(f"{_name(kind)}: {error}") from None
    except msgspec.DecodeError as error:
        raise InvalidEncoding(f"{_name(kind)}: malformed JSON: {error}") from None
    except UnicodeDecodeError as error:
        raise InvalidEncoding(
            f"{_name(kind)}: not UTF-8: {error.reason} at byte {error.start}"
        ) from None
    except RecursionError:
        raise InvalidEncoding(f"{_name(kind)}: JSON nested too deeply") from None
    return result


def _prevalidated_hook(kind: type, obj: object) -> object:
    if isinstance(kind, type) and issubclass(kind, HexValue) and isinstance(obj, str):
        return kind.from_validated_hex(obj)  # validated already, by whoever calls this
    return _dec_hook(kind, obj)


def decode_prevalidated(data: bytes, kind: type[T]) -> T:
    """Decode bytes that :func:`decode` has accepted before, without validating points again.

    Point validation is most of the cost of decoding a ballot; a verifier that has decoded (and so
    validated) the same bytes in a worker process decodes them here without repeating it. Never
    use this on bytes that were not decoded by :func:`decode` first.
    """
    result: T = _decoder(kind, _prevalidated_hook).decode(data)
    return result


def to_builtins(value: object) -> Any:  # noqa: ANN401 -- JSON values are untyped by nature
    """The JSON-compatible builtins (dicts, lists, strings, ints) of a wire value."""
    return msgspec.to_builtins(value, enc_hook=_enc_hook, order="deterministic")


def _name(kind: object) -> str:
    return getattr(kind, "__name__", repr(kind))
