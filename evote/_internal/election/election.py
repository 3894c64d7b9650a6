"""An election's public parameters, and its fingerprint (spec §7.4).

The fingerprint binds every ballot proof and every decryption to exactly this manifest, this roll and
this joint key: ``SHA-256(TAG "evote/v1/election" ‖ BYTES manifest hash ‖ BYTES roll hash ‖
POINT joint key)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evote._internal.election.manifest import Manifest
from evote._internal.registry.roll import Roll
from evote._internal.trustees.ceremony import CeremonyOutcome
from evote.errors import ParameterError
from evote.hazmat.group import PublicKey
from evote.hazmat.transcript import Domain, Transcript

__all__ = ["Election", "election_fingerprint"]


def election_fingerprint(manifest: Manifest, roll: Roll, joint_key: PublicKey) -> bytes:
    """The election fingerprint (spec §7.4)."""
    return (
        Transcript(Domain.ELECTION)
        .data(manifest.hash())
        .data(roll.hash())
        .point(joint_key)
        .digest()
    )


@dataclass(frozen=True)
class Election:
    """Manifest, roll and key ceremony outcome: everything public that ballots are checked against."""

    manifest: Manifest
    roll: Roll
    ceremony: CeremonyOutcome
    fingerprint: bytes = field(init=False)

    def __post_init__(self) -> None:
        if self.roll.election != self.manifest.election:
            raise ParameterError(
                f"the roll is for election {self.roll.election!r}, "
                f"the manifest for {self.manifest.election!r}"
            )
        parameters = self.ceremony.parameters
        if bytes(parameters.election) != self.manifest.hash():
            raise ParameterError("the key ceremony was held for another manifest")
        if (parameters.trustees, parameters.threshold) != (
            self.manifest.trustees,
            self.manifest.threshold,
        ):
            raise ParameterError(
                f"the ceremony was {parameters.threshold} of {parameters.trustees} trustees, "
                f"the manifest says {self.manifest.threshold} of {self.manifest.trustees}"
            )
        fingerprint = election_fingerprint(self.manifest, self.roll, self.ceremony.joint_key)
        object.__setattr__(self, "fingerprint", fingerprint)

    @property
    def joint_key(self) -> PublicKey:
        return self.ceremony.joint_key
