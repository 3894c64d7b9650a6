"""Where an election runs: the board with its storage and key, and the convener's assembly."""
