"""Hazardous materials: the low-level cryptography, and the only package that imports libsodium.

Use these building blocks through :mod:`evote.proofs` and :mod:`evote.trustees` unless you are
implementing the protocol itself; the rules they rely on are in ``spec/`` §2–§4.
"""
