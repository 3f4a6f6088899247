"""The protocol file: every number lives there, it is validated, and results name it."""

from __future__ import annotations

import ast
import hashlib

import pytest

from pacer_desktop import protocols
from pacer_desktop.core.protocol import ProtocolError, parse_protocol
from pacer_desktop.resource_files import UnknownResource, resource
from tests.core.casebuild import evaluate, fever_case
from tests.paths import ROOT

RAW = resource("protocols/pacer-1.toml").read_bytes()


def test_the_shipped_protocol_loads_with_its_hash():
    p = protocols.load("pacer-1")
    assert p.id == "pacer-1"
    assert p.sha256 == hashlib.sha256(RAW).hexdigest()
    assert p.dose.max_mg == 100 and p.dose.mg_per_kg == 2.5   # rules §4 defaults


def test_results_name_the_protocol_and_its_hash():
    r = evaluate(fever_case())
    assert r.protocol == "pacer-1" and r.protocol_sha256 == hashlib.sha256(RAW).hexdigest()
    assert r.application.startswith("pacer-desktop ")


@pytest.mark.parametrize("old, new, field", [
    (b"max_mg = 100", b"max_mg = -100", "dose.max_mg"),
    (b"mg_per_kg = 2.5", b"mg_per_kg = \"lots\"", "dose.mg_per_kg"),
    (b"interval_h = 12", b"interval_hours = 12", "schedule"),
    (b"ice_bands = [[10, 10, 0], [7, 9, 1]", b"ice_bands = [[10, 10, 0], [8, 9, 1]", "icans"),
    (b"age_from = 6", b"age_from = 7", "eligibility"),
])
def test_an_invalid_protocol_is_refused_naming_the_field(old, new, field):
    assert old in RAW
    with pytest.raises(ProtocolError) as err:
        parse_protocol(RAW.replace(old, new, 1))
    assert field in str(err.value)


def test_a_protocol_that_is_not_toml_is_refused():
    with pytest.raises(ProtocolError, match="not valid TOML"):
        parse_protocol(b"id = ")


def test_unknown_resources_raise():
    with pytest.raises(UnknownResource):
        resource("protocols/nope.toml")


def test_no_clinical_numbers_in_core_code():
    """Numbers in core code are only 0, 1 and 100 (percent); the rest lives in the protocol file."""
    allowed = {0, 1, 100}
    unit_conversion = {"temperature.py": {32, 5, 9},  # C = (F − 32) × 5 / 9 is physics, not protocol
                       "wording.py": {2, 12}}  # an age is written in months below 2 years; 12 a year
    offenders = []
    for path in sorted((ROOT / "pacer_desktop" / "core").glob("*.py")):
        ok = allowed | unit_conversion.get(path.name, set())
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value not in ok:
                offenders.append(f"{path.name}:{node.lineno}: {node.value}")
    assert offenders == []
