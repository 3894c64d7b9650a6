"""Tampering with any single field of a proof, its statement or its fingerprint must break it.

A *case* is a flat dict of everything a verification takes (tuples are flattened as
``challenges[0]``, ``challenges[1]``…). :func:`tamper` draws one field and a different value of the
same kind, so a property test covers every field.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from evote.hazmat.group import Point, PublicKey, Scalar
from tests.support import points, public_keys, scalars

Case = dict[str, Any]


def flatten(**fields: Any) -> Case:
    case: Case = {}
    for name, value in fields.items():
        if isinstance(value, tuple):
            for index, item in enumerate(value):
                case[f"{name}[{index}]"] = item
        else:
            case[name] = value
    return case


def collect(case: Case, name: str) -> tuple[Any, ...]:
    """The tuple stored flattened under ``name[0]``, ``name[1]``…"""
    items = []
    index = 0
    while f"{name}[{index}]" in case:
        items.append(case[f"{name}[{index}]"])
        index += 1
    return tuple(items)


def _different(value: object) -> st.SearchStrategy[Any]:
    if isinstance(value, PublicKey):
        strategy: st.SearchStrategy[Any] = public_keys()
    elif isinstance(value, Point):
        strategy = points()
    elif isinstance(value, Scalar):
        strategy = scalars()
    elif isinstance(value, bytes):
        strategy = st.binary(min_size=len(value), max_size=len(value))
    elif isinstance(value, int):
        strategy = st.integers(min_value=max(0, value - 3), max_value=value + 3)
    else:
        raise TypeError(f"no strategy to tamper with {type(value).__name__}")
    return strategy.filter(lambda other: other != value)


def tamper(data: st.DataObject, case: Case) -> tuple[str, Case]:
    """Draw a field of ``case`` and return its name and a copy of ``case`` with that field changed."""
    field = data.draw(st.sampled_from(sorted(case)), label="field")
    changed = dict(case)
    changed[field] = data.draw(_different(case[field]), label="new value")
    return field, changed
