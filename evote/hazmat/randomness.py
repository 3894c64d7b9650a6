"""The one seam where randomness enters (spec §1.4).

Every function that draws randomness takes it as the keyword-only argument ``randomness``, whose
default is :data:`OS_RANDOMNESS`: the operating system's generator. A seeded or fixed stream is
passed only for reproducibility: by the known-answer vector generator (``spec/vectors/generate.py``),
by tests, and by the demo's simulation when the tests build the same demo record at every run (the
``demo`` command itself leaves it at :data:`OS_RANDOMNESS`).
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
