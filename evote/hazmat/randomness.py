"""The one seam where randomness enters (spec §1.4).

Public functions draw from :data:`OS_RANDOMNESS`, which reads the operating system's generator, and
pass it to a private deterministic function. Only the known-answer vector generator
(``spec/vectors/generate.py``) passes anything else, and it lives outside the package.
"""

from __future__ import annotations

import os
from typing import Final, Protocol

from evote.hazmat.group import Scalar

__all__ = ["OS_RANDOMNESS", "Randomness"]


class Randomness(Protocol):
    def scalar(self) -> Scalar:
        """A uniformly random non-zero scalar."""
        ...

    def bytes(self, size: int) -> bytes:
        """``size`` uniformly random bytes."""
        ...


class _OsRandomness:
    __slots__ = ()

    def scalar(self) -> Scalar:
        return Scalar.random()

    def bytes(self, size: int) -> bytes:
        return os.urandom(size)


OS_RANDOMNESS: Final[Randomness] = _OsRandomness()
