"""Personal data encrypted at rest (GB/T 39786): SM4-GCM under a key kept outside the database.

The keyring is read once, from ``JIUZHU_DATA_KEY`` (hex keys of 16 bytes, comma-separated,
the first the current one) or else from the key file ``<DATA_DIR>/keys/data.key`` (one hex
key a line, the first the current one), which is created 0600 in a 0700 folder at first
use with a log line saying so. A key's id is the first 8 hex digits of its SM3 digest.

A stored value reads ``<key id>$<base64 of nonce ‖ ciphertext ‖ tag>``; the empty string
is stored as it is. A blind index (HMAC-SM3 under a key derived from a data key, truncated
to 128 bits, hex) lets a value be looked up by equality without decrypting: a lookup asks
for the index under every key of the ring, so that lookups keep finding rows while
``jiuzhu rotate_key`` is moving them to the new key.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from jiuzhu.core.digests import sm3_hex

logger = logging.getLogger("jiuzhu.crypto")

ENV = "JIUZHU_DATA_KEY"
NONCE = 12
TAG = 16
SEP = "$"


class DataKeyError(Exception):
    """The keyring is missing or malformed, or a value was sealed under an unknown key."""


@dataclass(frozen=True)
class DataKey:
    kid: str
    key: bytes
    algorithm: algorithms.SM4
    index_key: bytes


def make_key(raw: bytes) -> DataKey:
    if len(raw) != 16:
        raise DataKeyError("SM4 key must be 16 bytes (32 hex digits)")
    mac = hmac.HMAC(raw, hashes.SM3())
    mac.update(b"jiuzhu blind index v1")
    return DataKey(kid=sm3_hex(raw)[:8], key=raw, algorithm=algorithms.SM4(raw),
                   index_key=mac.finalize())


def parse_keys(text: str) -> list[DataKey]:
    keys = []
    for part in text.replace(",", "\n").split("\n"):
        part = part.strip()
        if not part or part.startswith("#"):
            continue
        try:
            keys.append(make_key(bytes.fromhex(part)))
        except ValueError as e:
            raise DataKeyError(f"bad data key: {e}") from None
    if not keys:
        raise DataKeyError("no data key")
    return keys


def key_file() -> Path:
    from django.conf import settings

    return Path(getattr(settings, "DATA_KEY_FILE", Path(settings.DATA_DIR) / "keys" / "data.key"))


def write_key_file(path: Path, keys: list[bytes]) -> None:
    """Write the ring (first key current) atomically, 0600 in a 0700 folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("".join(k.hex() + "\n" for k in keys))
    os.replace(tmp, path)


@cache
def keyring() -> tuple[DataKey, ...]:
    """The keys, current first; cached for the process (``reset()`` after a change)."""
    if text := os.environ.get(ENV, "").strip():
        return tuple(parse_keys(text))
    path = key_file()
    if not path.exists():
        write_key_file(path, [secrets.token_bytes(16)])
        logger.warning("Created a new SM4 data key in %s (0600). Back it up apart from the "
                       "database: without it the encrypted personal data cannot be read.", path)
    return tuple(parse_keys(path.read_text()))


def reset() -> None:
    keyring.cache_clear()
    _by_kid.cache_clear()


def current() -> DataKey:
    return keyring()[0]


@cache
def _by_kid() -> dict[str, DataKey]:
    return {k.kid: k for k in keyring()}


def is_sealed(value: str) -> bool:
    return len(value) > 9 and value[8] == SEP and all(c in "0123456789abcdef" for c in value[:8])


def kid_of(value: str) -> str:
    return value[:8] if is_sealed(value) else ""


def encrypt(plain: str, key: DataKey | None = None) -> str:
    if plain == "":
        return ""
    key = key or current()
    nonce = secrets.token_bytes(NONCE)
    encryptor = Cipher(key.algorithm, modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(key.kid.encode())
    body = encryptor.update(plain.encode()) + encryptor.finalize()
    return key.kid + SEP + base64.b64encode(nonce + body + encryptor.tag).decode()


def decrypt(stored: str) -> str:
    """The plain value; a value not sealed (written before encryption) is returned as is."""
    if not is_sealed(stored):
        return stored
    key = _by_kid().get(stored[:8])
    if key is None:
        raise DataKeyError(f"value sealed under unknown key {stored[:8]}")
    try:
        raw = base64.b64decode(stored[9:], validate=True)
    except binascii.Error:
        return stored
    nonce, body, tag = raw[:NONCE], raw[NONCE:-TAG], raw[-TAG:]
    decryptor = Cipher(key.algorithm, modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(key.kid.encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag:
        raise DataKeyError("value does not authenticate (changed, or wrong key)") from None


def normalise(value: str) -> str:
    return "".join(str(value).split()).upper()


def blind_index(value: str, key: DataKey | None = None) -> str:
    """HMAC-SM3 of the normalised value (128 bits, hex); '' for the empty value."""
    value = normalise(value)
    if not value:
        return ""
    mac = hmac.HMAC((key or current()).index_key, hashes.SM3())
    mac.update(value.encode())
    return mac.finalize()[:16].hex()


def blind_indexes(value: str) -> list[str]:
    """The value's index under every key of the ring (what a lookup must ask for)."""
    return list(dict.fromkeys(blind_index(value, k) for k in keyring()))


def sealed_fields(model) -> tuple[list, list]:
    """The model's encrypted fields and its blind-index fields."""
    from jiuzhu.core.fields import BlindIndexField, EncryptedCharField

    fields = model._meta.concrete_fields
    return ([f for f in fields if isinstance(f, EncryptedCharField)],
            [f for f in fields if isinstance(f, BlindIndexField)])


def reseal(model, batch: int = 1000, progress=None) -> int:
    """Seal every row of ``model`` not yet under the current key (plain rows included) and
    recompute its blind indexes; returns how many rows were written. Each batch is its own
    transaction and rows already under the current key are not read again, so a run cut
    short is resumed by running it again. ``progress(done, total)`` is called per batch."""
    from django.db import models, transaction
    from django.db.models import Q
    from django.db.models.functions import Cast

    encrypted, indexes = sealed_fields(model)
    if not encrypted:
        return 0
    prefix = current().kid + SEP
    raw = {f"_raw_{f.attname}": Cast(f.attname, models.TextField()) for f in encrypted}
    done_q = Q()
    for name in raw:
        done_q &= Q(**{f"{name}__startswith": prefix}) | Q(**{name: ""}) | Q(**{f"{name}__isnull": True})
    stale = model._base_manager.annotate(**raw).exclude(done_q).order_by("pk")
    total, done = stale.count(), 0
    names = [f.attname for f in encrypted] + [f.attname for f in indexes]
    while True:
        rows = list(stale[:batch])
        if not rows:
            break
        for row in rows:
            for field in indexes:
                setattr(row, field.attname, field.pre_save(row, False))
        with transaction.atomic():
            model._base_manager.bulk_update(rows, names)
        done += len(rows)
        if progress:
            progress(done, total)
    return done
