"""evote: verifiable e-voting for owners' assemblies.

Ballots are encrypted on the owner's device, counted homomorphically by headcount and by floor area,
decrypted by a threshold of trustees with proofs, and published on an append-only board, so that
anyone can recount the outcome from the record alone.

Map of the package (dependencies point down the list; ``spec/`` gives each section cited in code):

- :mod:`evote.errors` — the error hierarchy; :mod:`evote.encoding` — canonical msgspec wire types.
- :mod:`evote.hazmat` — the only place that touches libsodium: the group (:mod:`~evote.hazmat.group`),
  Fiat–Shamir transcripts, exponential ElGamal, bounded discrete logs, sealed boxes, passphrases.
- :mod:`evote.proofs` — Schnorr, Chaum–Pedersen, and disjunctive selection and range proofs.
- :mod:`evote.trustees` — polynomials, the key ceremony, threshold decryption, trustee secret files.
- :mod:`evote.cli` — the ``evote`` command.
"""

__version__ = "0.1.0"
