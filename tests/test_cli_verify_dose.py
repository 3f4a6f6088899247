"""`pacer-desktop verify-dose` (issue 18): the pharmacist's blinded double check from the command
line. Example 01 doses on 23.4 kg: 2.5 mg/kg × 23.4 kg = 58.5 mg → 59 mg, 0.4 mL (rules §4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pacer_desktop.cli import main
from tests.paths import EXAMPLES
from tests.ui.uihelp import TEST_NOW

CASE = EXAMPLES / "01-standard-course.case.json"
pytestmark = pytest.mark.usefixtures("the_tests_clock")  # the commands' clock (tests/conftest.py)


@pytest.fixture
def patient(people):
    from pacer_desktop.core.caseio import parse_case
    from pacer_desktop.storage import Store, User
    with Store.open(keep_backups=0) as store:
        return store.import_case(User("PR", "prescriber", "ward"), parse_case(CASE.read_bytes()), mrn="X1", name="A")


def _verify(people, who: str, kg: str = "23.4", mg: str = "59", ml: str = "0.4") -> int:
    return main(["verify-dose", "--mrn", "X1", "--weight-kg", kg, "--mg", mg, "--ml", ml, *people.signed(who)])


def _state():
    from pacer_desktop.evaluation import evaluate_case
    from pacer_desktop.storage import Store
    from pacer_desktop.storage.dose_verification import current_verification
    with Store.open(keep_backups=0) as store:
        pid = store.patient_by_mrn("X1").id
        return current_verification(store, pid, evaluate_case(store.case_for(pid), store.clock()))


def test_a_matching_check_is_signed_verified_dose(people, patient, capsys):
    assert _verify(people, "PH") == 0, capsys.readouterr().err
    verified, stale = _state()
    assert stale == ()
    assert verified.signature.meaning == "verified dose"
    assert (verified.signature.initials, verified.signature.role) == ("PH", "pharmacist")
    assert (verified.verification.weight_kg, verified.verification.dose_mg) == (Decimal("23.4"), Decimal("59"))
    assert verified.signature.table == "weights" and verified.signature.patient_id == patient


def test_a_mismatch_shows_both_and_the_working_and_records_nothing_but_the_audit(people, patient, capsys):
    from pacer_desktop.storage import Store
    assert _verify(people, "PH", kg="24.3", mg="61", ml="0.41") == 2
    err = capsys.readouterr().err
    assert "24.3 kg" in err and "23.4 kg" in err and "61 mg" in err and "59 mg" in err
    assert "2.5 mg/kg/dose × 23.4 kg = 58.5 mg, rounded to 59 mg" in err  # core/wording
    assert "not recorded" in err
    verified, stale = _state()
    assert verified is None and stale == ("never_verified",)
    with Store.open(keep_backups=0) as store:
        assert store._rows("SELECT * FROM signatures") == []
        assert any(a["action"].startswith("double check mismatch") and a["entered_by"] == "PH"
                   for a in store.audit())


def test_only_a_pharmacist_verifies(people, patient, capsys):
    assert _verify(people, "NU") == 2
    assert "Only a pharmacist may verify the dose" in capsys.readouterr().err
    assert _state()[0] is None


def test_a_new_weight_makes_the_verification_stale(people, patient, capsys):
    from pacer_desktop.storage import Store, User
    assert _verify(people, "PH") == 0
    with Store.open(keep_backups=0) as store:
        store.add_weight(User("NU", "nurse", "ward"), patient, at=TEST_NOW - timedelta(minutes=1),
                         kg=Decimal("23.4"))
    assert _state() == (None, ("new_weight",))


def test_an_escalation_since_makes_the_verification_stale(people, patient, capsys):
    from pacer_desktop.storage import Store, User
    assert _verify(people, "PH") == 0
    with Store.open(keep_backups=0, clock=lambda: TEST_NOW + timedelta(minutes=1)) as store:  # entered after
        store.add_escalation(User("PR", "prescriber", "ward"), patient, at=datetime(2026, 11, 5, 12, tzinfo=UTC),
                             reason="persistent fever")
    verified, stale = _state()
    assert verified is None and "escalated" in stale


@pytest.mark.parametrize("kg, mg", [("1e30", "100"), ("1e-999", "59"), ("2_3.4", "59"), ("23.4", "5_9")])
def test_a_figure_not_written_as_a_plain_number_is_refused(people, patient, capsys, kg, mg):
    """The pharmacist types figures read off a chart: digits and a point. Python also reads
    ``1e30`` (which crashed the comparison) and ``6_4``; neither is signed as verified."""
    assert _verify(people, "PH", kg=kg, mg=mg) == 2
    err = capsys.readouterr().err
    assert "is not a number such as 23.4" in err and "Error" not in err
    assert _state()[0] is None  # nothing verified
