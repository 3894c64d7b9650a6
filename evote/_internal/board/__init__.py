"""What the public board carries and signs: its events, tree heads, receipts and consistency proofs."""
