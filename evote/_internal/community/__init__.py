"""The community board: what owners do together outside any one election (spec §16).

One board per community, founded by its :class:`~.charter.Charter`: the roll and its corrections,
the registry of owners (activation codes and bindings, once for every election), joint petitions
(联名) with their signatures, notices (公示) with objections (异议) and answers, the shared-fund
account's daily statements, and owners' opinions with the replies. Elections keep their own boards;
a manifest may cite the petition that convened its meeting, and the verifier checks the two
records against each other.
"""
