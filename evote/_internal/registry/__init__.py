"""The community's registry of owners: the roll, its CSV import, activation codes and bindings."""
