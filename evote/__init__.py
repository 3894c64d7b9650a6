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
- :mod:`evote.ids`, :mod:`evote.rules`, :mod:`evote.manifest`, :mod:`evote.roll` (and
  :mod:`evote.roll_import`), :mod:`evote.election` — what is voted on, by whom, with what weight,
  decided how; the election fingerprint.
- :mod:`evote.credentials`, :mod:`evote.ballots`, :mod:`evote.delegation` — activation codes and
  bindings, encrypted ballots and challenges, proxy delegations.
- :mod:`evote.box` — the ballot box: acceptance, refusal reasons, which ballot counts.
- :mod:`evote.merkle`, :mod:`evote.events`, :mod:`evote.board` — the public board: an RFC 9162
  Merkle log of typed events with signed heads, receipts and consistency proofs.
- :mod:`evote.proceedings`, :mod:`evote.assembly` — the rules applied entry by entry, and running an
  election onto the board; :mod:`evote.record` — the board exported as files;
  :mod:`evote.verify` — recounting an election from its record alone.
- :mod:`evote.tally` — the dual homomorphic tally and its threshold decryption;
  :mod:`evote.results` and :mod:`evote.committee` — decisions, elections and ratings.
- :mod:`evote.cli` — the ``evote`` command.
"""

__version__ = "0.1.0"
