"""Trustee secret files: a trustee's ceremony state or key, encrypted under a passphrase (spec §6.7).

The file is canonical JSON::

    {"format": "evote-secret", "version": 1, "kind": "TrusteeKey",
     "locked": {"kdf": {...}, "nonce": "…", "ciphertext": "…"}}

whose ciphertext holds the canonical JSON of the secret object. Files are written atomically and
readable by their owner only.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Final, Literal, TypeVar

from evote._internal.encoding import Struct, decode, encode
from evote._internal.trustees.decryption import TrusteeKey
from evote._internal.trustees.trustee import CeremonyTrustee
from evote.errors import InvalidEncoding, SecretFileError
from evote.hazmat.passphrase import DEFAULT_MEMLIMIT, DEFAULT_OPSLIMIT, Locked, lock, unlock

__all__ = ["read_secret_file", "write_secret_file"]

FORMAT: Final = "evote-secret"
VERSION: Final = 1

Secret = TypeVar("Secret", TrusteeKey, CeremonyTrustee)


class SecretFile(Struct):
    format: Literal["evote-secret"]
    version: Literal[1]
    kind: str
    locked: Locked


def write_secret_file(
    path: Path,
    secret: TrusteeKey | CeremonyTrustee,
    passphrase: str,
    *,
    opslimit: int = DEFAULT_OPSLIMIT,
    memlimit: int = DEFAULT_MEMLIMIT,
) -> None:
    """Encrypt ``secret`` under ``passphrase`` and write it to ``path`` (mode 0600, atomically)."""
    locked = lock(encode(secret), passphrase, opslimit=opslimit, memlimit=memlimit)
    document = encode(
        SecretFile(format=FORMAT, version=VERSION, kind=type(secret).__name__, locked=locked)
    )
    path = Path(path)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(document + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)


def read_secret_file(path: Path, kind: type[Secret], passphrase: str) -> Secret:
    """Open a secret file of the given kind; :class:`SecretFileError` naming what went wrong."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SecretFileError(f"{path}: cannot read: {error.strerror}") from None
    try:
        document = decode(raw, SecretFile)
    except InvalidEncoding as error:
        raise SecretFileError(f"{path}: not an evote secret file: {error}") from None
    if document.kind != kind.__name__:
        raise SecretFileError(f"{path}: holds a {document.kind}, expected a {kind.__name__}")
    try:
        plaintext = unlock(document.locked, passphrase)
    except SecretFileError as error:
        raise SecretFileError(f"{path}: {error}") from None
    try:
        return decode(plaintext, kind)
    except InvalidEncoding as error:
        raise SecretFileError(
            f"{path}: decrypted content is not a valid {kind.__name__}: {error}"
        ) from None
