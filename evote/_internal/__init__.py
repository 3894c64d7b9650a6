"""evote's internals: no stability promise. Import what you need from :mod:`evote` instead.

The packages are layers; each imports only from those below it, as the import-linter contracts in
``pyproject.toml`` require (``make lint`` checks them):

1. ``host`` (the board with its storage and key, the assembly) | ``verify`` (the verifier) —
   independent of each other: the verifier never touches a board's storage;
2. ``record`` (the record's files), then ``proceedings`` (the rules, entry by entry);
3. ``board`` (the events, one definition per kind; tree heads, receipts, consistency proofs);
4. ``election`` (manifest, rules, ballots, delegations, the box, the tally, the results);
5. ``registry`` (the roll, its CSV import, codes and bindings) | ``trustees`` (the ceremony);
6. :mod:`evote.hazmat` — the proofs over the primitives; only the primitives call libsodium;
7. ``encoding`` | ``ids``, then :mod:`evote.errors`.

Wire types — events, signed messages, results — import nothing stateful (the box, the registry,
the proceedings, a board's storage), and the ``evote`` command imports nothing from here.
"""
