"""The error hierarchy of evote.

Every error evote raises on purpose is an :class:`EvoteError`. Primitives raise; the record verifier
collects. Messages name the object and say what was expected versus what was found, so that the
command line can print :meth:`EvoteError.diagnostics` as it is.
"""

from __future__ import annotations

__all__ = [
    "CeremonyError",
    "DecodingError",
    "EvoteError",
    "InvalidEncoding",
    "InvalidMerkleProof",
    "InvalidPoint",
    "InvalidProof",
    "InvalidScalar",
    "InvalidSignature",
    "ParameterError",
    "SecretFileError",
    "ThresholdError",
]


class EvoteError(Exception):
    """Base class of every error evote raises deliberately."""

    def diagnostics(self) -> str:
        """A human-readable explanation, suitable for printing as it is."""
        return str(self)


class InvalidEncoding(EvoteError, ValueError):  # noqa: N818 -- names the input, not the event
    """Bytes or JSON that are not the canonical encoding of the expected object."""


class InvalidPoint(InvalidEncoding):
    """Not a canonical encoding of a point of the prime-order group, or the identity where not allowed."""


class InvalidScalar(InvalidEncoding):
    """Not a canonical encoding of an integer modulo the group order (spec §2.2)."""


class ParameterError(EvoteError, ValueError):
    """A parameter outside its domain: a threshold above the number of trustees, a negative weight..."""


class InvalidProof(EvoteError):  # noqa: N818
    """A zero-knowledge proof that does not verify for its statement."""


class InvalidMerkleProof(EvoteError):  # noqa: N818
    """A Merkle inclusion or consistency proof that does not verify (spec §13.2)."""


class InvalidSignature(EvoteError):  # noqa: N818
    """An Ed25519 signature that does not verify for its key and message (spec §7.2)."""


class DecodingError(EvoteError):
    """A decrypted point that is not m·G for any m within the stated bound (spec §4.4)."""


class ThresholdError(EvoteError):
    """Too few, duplicated or unknown trustees for a threshold operation (spec §6.6)."""


class CeremonyError(EvoteError):
    """A key-ceremony message that is malformed or inconsistent with the ceremony (spec §6)."""


class SecretFileError(EvoteError):
    """A passphrase-protected secret file that cannot be opened: wrong passphrase, altered or damaged."""
