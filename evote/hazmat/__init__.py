"""Hazardous materials: the low-level cryptography, and the only package that imports libsodium.

Use these building blocks only if you implement the protocol itself (a compatible verifier, test
vectors, a benchmark); the rules they rely on are in ``spec/`` §2–§5. Everything else goes through
:mod:`evote`.
"""
