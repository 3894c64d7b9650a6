"""Non-interactive zero-knowledge proofs (spec §5): Schnorr, Chaum–Pedersen, selection and range."""
