"""The ``evote`` command line."""
