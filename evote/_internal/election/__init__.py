"""One election: rules, manifest, ballots, delegations, the ballot box, the tally and the results."""
