"""Hazardous materials: the low-level cryptography, and the only package that imports libsodium.

Use these building blocks only if you implement the protocol itself (a compatible verifier, test
vectors, a benchmark); the rules they rely on are in ``spec/`` §2–§5 and §13.1–§13.2. Everything
else goes through :mod:`evote`.

- :mod:`~evote.hazmat.group` — scalars and points of the prime-order group, validated on parsing;
- :mod:`~evote.hazmat.transcript` — the Fiat–Shamir transcripts and their domain tags;
- :mod:`~evote.hazmat.elgamal`, :mod:`~evote.hazmat.dlog` — exponential ElGamal, bounded decoding;
- :mod:`~evote.hazmat.signing`, :mod:`~evote.hazmat.sealing`, :mod:`~evote.hazmat.passphrase` —
  Ed25519 signatures, sealed boxes for the ceremony, secrets under a passphrase;
- :mod:`~evote.hazmat.merkle` — the RFC 9162 Merkle tree of the board;
- :mod:`~evote.hazmat.randomness` — the one seam where randomness enters;
- :mod:`evote.hazmat.proofs` — Schnorr, Chaum–Pedersen, selection and range proofs.
"""
