"""The shipped protocol file is read at start without pydantic only because it is byte for byte
the file these tests check with pydantic (protocols.CHECKED_FILES); any other file is checked."""

from __future__ import annotations

import hashlib

import pytest

from pacer_desktop import protocols
from pacer_desktop.core.protocol import ProtocolError, parse_protocol
from pacer_desktop.resource_files import resource


@pytest.mark.parametrize("protocol_id", protocols.available())
def test_each_shipped_protocol_is_the_file_pydantic_checked(protocol_id):
    data = resource(f"protocols/{protocol_id}.toml").read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    assert protocols.CHECKED_FILES.get(protocol_id) == sha256, (
        f"protocols/{protocol_id}.toml changed: once this test file passes, write {sha256!r} in CHECKED_FILES")
    checked = parse_protocol(data)  # pydantic: every type, range and consistency check
    read = protocols.checked_file(data, sha256)
    assert repr(read) == repr(checked)  # the same values of the same types (Decimal('38'), not 38.0 or 38)


class _File:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read_bytes(self) -> bytes:
        return self.data


@pytest.fixture
def edited(monkeypatch):
    """protocols.load reading the shipped file with an edit; the cache emptied before and after."""
    def load(old: bytes, new: bytes):
        data = resource("protocols/pacer-1.toml").read_bytes()
        assert old in data
        monkeypatch.setattr(protocols, "resource", lambda name: _File(data.replace(old, new)))
        protocols.load.cache_clear()
        return protocols.load("pacer-1")
    yield load
    protocols.load.cache_clear()


def test_an_edited_protocol_file_is_checked_by_pydantic(edited):
    with pytest.raises(ProtocolError, match=r"dose\.max_mg"):
        edited(b"max_mg = 100", b"max_mg = -100")
    with pytest.raises(ProtocolError, match=r"grading_last_day"):
        edited(b"grading_last_day = 30", b"grading_last_day = 30.0")


def test_an_edited_but_valid_protocol_file_loads_with_its_own_hash(edited):
    p = edited(b"max_mg = 100", b"max_mg = 90")
    assert str(p.dose.max_mg) == "90" and p.sha256 != protocols.CHECKED_FILES["pacer-1"]
