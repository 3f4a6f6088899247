"""A PIN kept only as a salted scrypt hash (issue 18), with its parameters beside it.

Stored as ``scrypt:N:r:p:<salt hex>:<hash hex>``: the cost travels with each hash, so
:data:`SCRYPT_PARAMS` may be raised later; an older hash still checks (:func:`pin_matches`) and
:func:`is_current` tells the caller to make it again while the PIN is at hand (at sign-in).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import NamedTuple

from .errors import StorageError


class ScryptParams(NamedTuple):
    n: int
    r: int
    p: int


#: scrypt's cost: N = 2**14, r = 8, p = 1 (16 MiB) took 70–80 ms per check on the ward's reference
#: machine (2 cores): slow for a guesser, unnoticed at the bedside. Raise N here when machines
#: get faster; stored hashes keep their own parameters.
SCRYPT_PARAMS = ScryptParams(n=2 ** 14, r=8, p=1)
_SALT_BYTES, _KEY_BYTES = 16, 32


def _scrypt(pin: str, salt: bytes, params: ScryptParams) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=params.n, r=params.r, p=params.p,
                          maxmem=256 * params.n * params.r * params.p + 2 ** 20, dklen=_KEY_BYTES)


def hash_pin(pin: str) -> str:
    """``scrypt:N:r:p:<salt hex>:<hash hex>`` with a fresh salt and :data:`SCRYPT_PARAMS`."""
    salt, params = os.urandom(_SALT_BYTES), SCRYPT_PARAMS
    return f"scrypt:{params.n}:{params.r}:{params.p}:{salt.hex()}:{_scrypt(pin, salt, params).hex()}"


def _parsed(stored: str) -> tuple[ScryptParams, bytes, bytes]:
    kind, n, r, p, salt, key = stored.split(":")
    if kind != "scrypt":
        raise StorageError(f"unknown PIN hash {kind!r}")
    return ScryptParams(int(n), int(r), int(p)), bytes.fromhex(salt), bytes.fromhex(key)


def pin_matches(pin: str, stored: str) -> bool:
    """Whether ``pin`` is the one hashed in ``stored``, compared in constant time."""
    params, salt, key = _parsed(stored)
    return hmac.compare_digest(_scrypt(pin, salt, params), key)


def is_current(stored: str) -> bool:
    """Whether ``stored`` was made with today's :data:`SCRYPT_PARAMS`."""
    return _parsed(stored)[0] == SCRYPT_PARAMS
