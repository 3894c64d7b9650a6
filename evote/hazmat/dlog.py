"""Bounded discrete logarithms: recover m from m·G when 0 ≤ m ≤ bound (spec §4.4).

Baby-step giant-step. The table of baby steps ``j·G`` for ``0 ≤ j < b`` is built once and reused for
any number of decodings; each decoding then takes at most ``⌊bound / b⌋ + 1`` giant steps, so it always
ends, and it raises :class:`~evote.errors.DecodingError` when no m within the bound matches.
"""

from __future__ import annotations

import math
from typing import Final

from evote.errors import DecodingError, ParameterError
from evote.hazmat.group import BASE, IDENTITY, Point

__all__ = ["MAX_BABY_STEPS", "MAX_BOUND", "DiscreteLog"]

#: Largest bound accepted: totals of area in 0.01 m² stay far below it.
MAX_BOUND: Final = 2**48
#: Largest table: about 2²² entries of 32-byte keys (some hundreds of MB) is the memory ceiling.
MAX_BABY_STEPS: Final = 2**22
#: Largest table chosen by default (about 1.7 s to build on one core, tens of MB).
DEFAULT_MAX_BABY_STEPS: Final = 2**17


class DiscreteLog:
    """A decoder for ``m·G`` with ``0 ≤ m ≤ bound``.

    ``baby_steps`` trades memory and set-up time for decoding time; by default it is ⌊√bound⌋ + 1
    (at most 2¹⁷), which balances one decoding. Give a larger table when many values share the bound.
    """

    __slots__ = ("_bound", "_giant", "_giant_steps", "_step", "_table")

    def __init__(self, bound: int, *, baby_steps: int | None = None) -> None:
        if not 0 <= bound <= MAX_BOUND:
            raise ParameterError(f"decoding bound {bound} is outside [0, 2^48]")
        default = min(math.isqrt(bound) + 1, DEFAULT_MAX_BABY_STEPS)
        step = default if baby_steps is None else baby_steps
        if not 1 <= step <= MAX_BABY_STEPS:
            raise ParameterError(f"baby steps {step} is outside [1, 2^22]")
        step = min(step, bound + 1)
        table: dict[bytes, int] = {}
        point: Point = IDENTITY
        for j in range(step):
            table[bytes(point)] = j
            point = point + BASE
        self._bound = bound
        self._step = step
        self._table = table
        self._giant = point  # step·G
        self._giant_steps = bound // step + 1

    def decode(self, point: Point) -> int:
        """The m in [0, bound] with ``point = m·G``; :class:`DecodingError` if there is none."""
        candidate = point
        for i in range(self._giant_steps):
            j = self._table.get(bytes(candidate))
            if j is not None:
                value = i * self._step + j
                if value <= self._bound:
                    return value
                break
            candidate = candidate - self._giant
        raise DecodingError(f"decrypted point is not m·G for any m in [0, {self._bound}]")
