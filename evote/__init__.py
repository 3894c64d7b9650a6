"""evote: verifiable e-voting for owners' assemblies.

Ballots are encrypted on the owner's device, counted homomorphically by headcount and by floor area,
decrypted by a threshold of trustees with proofs, and published on an append-only board, so that
anyone can recount the outcome from the record alone.

Public modules: this package, :mod:`evote.errors` and the hazardous primitives of
:mod:`evote.hazmat`. Everything under :mod:`evote._internal` may change without notice.
"""

__version__ = "0.1.0"
