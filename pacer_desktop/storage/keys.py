"""The installation's audit key (issue 17, point 8): a secret kept outside the database that keys
an HMAC over each new audit row, so someone who has the database file but not the key cannot edit
a row and recompute every hash unnoticed.

The key is 32 random bytes (``secrets.token_bytes``) in this user's config folder
(``<user config dir>/PACER Desktop/audit-key``, readable by the user only: mode 0600 in a 0700
folder). Keys imported from other workstations (``pacer-desktop key import``) go beside it into
``keys/``, named by fingerprint. ``keyring`` (the platform's secret store) is not installed in this
build, so the key is a file; see docs/integrity.md.

The database never holds a key, only its fingerprint: :func:`fingerprint`, a SHA-256 of the key
under a label of its own, of which each signed audit row carries the first 16 hex digits.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from .errors import StorageError
from .location import APP_NAME

KEY_BYTES = 32
#: How much of the fingerprint each audit row carries to name its key.
KEY_ID_CHARS = 16
_FILE_NAME = "audit-key"
_HEADER = "PACER audit key v1\n"


def config_dir() -> Path:
    from platformdirs import user_config_dir
    return Path(user_config_dir(APP_NAME, appauthor=False))


def key_path() -> Path:
    """This installation's own key file."""
    return config_dir() / _FILE_NAME


def imported_dir() -> Path:
    return config_dir() / "keys"


def fingerprint(key: bytes) -> str:
    """A hash of the key, never the key: SHA-256 over a label and the key (64 hex digits)."""
    return hashlib.sha256(b"PACER audit key fingerprint\0" + key).hexdigest()


def key_id(key: bytes) -> str:
    return fingerprint(key)[:KEY_ID_CHARS]


def mac(key: bytes, row_sha256: str) -> str:
    """The value of an audit row's ``hmac`` column: the key's id and HMAC-SHA256 of the row's hash
    (which covers the row and, through ``prev_sha256``, every row before it)."""
    return f"{key_id(key)}:{hmac.new(key, row_sha256.encode('ascii'), hashlib.sha256).hexdigest()}"


def mac_ok(key: bytes, row_sha256: str, value: str) -> bool:
    return hmac.compare_digest(mac(key, row_sha256), value)


def _private_dir(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name != "nt":
        os.chmod(folder, 0o700)


def _encode(key: bytes) -> bytes:
    return (_HEADER + key.hex() + "\n").encode("ascii")


def _decode(data: bytes, source: Path) -> bytes:
    try:
        text = data.decode("ascii")
        header, body = text.split("\n", 1)
        key = bytes.fromhex(body.strip())
    except (UnicodeDecodeError, ValueError):
        key, header = b"", ""
    if header + "\n" != _HEADER or len(key) != KEY_BYTES:
        raise StorageError(f"{source} is not a PACER audit key file (made by `pacer-desktop key export`)")
    return key


def _write_private(path: Path, key: bytes) -> None:
    """Write ``key`` to a new file readable by the user only; never over an existing file. The file
    appears whole or not at all (written aside, then linked into place): another process making the
    key at the same moment reads either none or a complete one (FileExistsError: use that one)."""
    _private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            os.write(fd, _encode(key))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def own_key(*, create: bool = True) -> bytes | None:
    """This installation's key, generated on first use (``create``); None when absent and not made."""
    path = key_path()
    if not path.exists():
        if not create:
            return None
        import secrets
        try:
            _write_private(path, secrets.token_bytes(KEY_BYTES))
        except FileExistsError:  # another process made it meanwhile: use that one
            pass
        except OSError as exc:
            raise StorageError(f"cannot create the audit key {path} ({exc}); nothing was saved") from None
    return _decode(path.read_bytes(), path)


def known_keys() -> dict[str, bytes]:
    """Every key on this workstation by its id: its own and those imported."""
    keys: dict[str, bytes] = {}
    own = own_key(create=False)
    if own is not None:
        keys[key_id(own)] = own
    folder = imported_dir()
    if folder.is_dir():
        for file in sorted(folder.glob("*.key")):
            try:
                key = _decode(file.read_bytes(), file)
            except (StorageError, OSError):
                continue
            keys[key_id(key)] = key
    return keys


def export_key(out: Path) -> str:
    """Copy this installation's key into ``out`` (a new file, readable by the user only); returns
    the key's fingerprint."""
    key = own_key(create=True)
    assert key is not None
    out = Path(out)
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise StorageError(f"{out} exists; the key is never written over a file, choose another name") from None
    try:
        os.write(fd, _encode(key))
        os.fsync(fd)
    finally:
        os.close(fd)
    return fingerprint(key)


def import_key(source: Path) -> str:
    """Add the key in ``source`` (from ``export_key`` on another workstation) to this one's keys;
    returns its fingerprint. Importing a key already here changes nothing."""
    source = Path(source)
    try:
        key = _decode(source.read_bytes(), source)
    except OSError as exc:
        raise StorageError(f"cannot read the key file {source} ({exc})") from None
    if key_id(key) not in known_keys():
        try:
            _write_private(imported_dir() / f"{key_id(key)}.key", key)
        except FileExistsError:
            pass
    return fingerprint(key)
