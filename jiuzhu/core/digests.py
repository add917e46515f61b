"""Digests of files and bytes: SM3 (GB/T 32905, our national hash, from ``cryptography``)
alongside SHA-256, computed in one pass."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from cryptography.hazmat.primitives import hashes

CHUNK = 1 << 16


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def digests_of_chunks(chunks: Iterable[bytes]) -> tuple[str, str]:
    """(SM3, SHA-256) of the concatenated ``chunks``, hex."""
    sm3 = hashes.Hash(hashes.SM3())
    sha = hashlib.sha256()
    for chunk in chunks:
        sm3.update(chunk)
        sha.update(chunk)
    return sm3.finalize().hex(), sha.hexdigest()


def digests_of_stream(handle: IO[bytes]) -> tuple[str, str]:
    """(SM3, SHA-256) of what is left to read in ``handle``, read in 64 KiB pieces."""
    return digests_of_chunks(iter(lambda: handle.read(CHUNK), b""))


def digests(data: bytes) -> tuple[str, str]:
    return digests_of_chunks((data,))


def sm3_file(path: Path, chunk: int = 1 << 20) -> str:
    """SM3 of a file, read in 1 MiB pieces."""
    digest = hashes.Hash(hashes.SM3())
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.finalize().hex()
