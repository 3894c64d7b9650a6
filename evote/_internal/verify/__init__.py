"""The independent verifier: recount an election from its record alone (spec §15)."""
