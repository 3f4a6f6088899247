"""The hour the clocks go back (America/Chicago, 1 Nov 2026: 02:00 CDT → 01:00 CST), across the layers.

The engine gives its times in the patient's zone (one ``ZoneInfo``); storage gives them back with the
fixed offset they were entered with. Python's ``==`` between two such times is False whenever one
is in the repeated hour (PEP 495: a time in a fold never equals a time of another tzinfo), so every
place where an engine time meets a stored one compares instants. Each test here is one such place
that a reviewer found comparing datetimes (``# rules §1``: times are instants).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from pacer_desktop.core.caseio import parse_case
from pacer_desktop.evaluation import evaluate_case, prepare
from tests.core.casebuild import case

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
FEVER = [{"at": "2026-10-31T08:00:00-05:00", "value": 38.9, "unit": "C"},
         {"at": "2026-10-31T12:00:00-05:00", "value": 38.9, "unit": "C"}]
SECOND_0130 = "2026-11-01T01:30:00-06:00"  # CST: the second 01:30 of the night


def _case(**kw):
    return prepare(parse_case(json.dumps(case(
        infusion_at="2026-10-30T10:00:00-05:00", now=NOW.isoformat(), temperatures=FEVER,
        weights=kw.pop("weights", [{"at": "2026-10-29T09:00:00-05:00", "kg": 23.4}]), **kw)).encode()))


def _stored(at: datetime) -> datetime:
    """``at`` as storage gives it back: UTC text and the offset it was entered with."""
    from pacer_desktop.storage.records import instant, offset_s, utc_text
    return instant(utc_text(at), offset_s(at))


def test_the_order_sheet_prints_for_a_course_escalated_in_the_repeated_hour():
    """It raised StopIteration: the sheet could not be printed at all."""
    from pacer_desktop.reports.content import PatientHeader
    from pacer_desktop.reports.documents import make_job, render
    from tests.reports.pdfcheck import pdf_text
    c = _case(escalations=[{"at": SECOND_0130, "by": "Dr X", "reason": "CRS progression"}])
    job = make_job("order", c, PatientHeader(name="A", mrn="1", date_of_birth=None, sex_at_birth="female",
                                             allergies=""), printed_by="AB")
    assert "Escalated to every 6 hours at 1 Nov 2026 01:30 CST by Dr X" in " ".join(pdf_text(render(job)).split())


def test_a_prompt_judged_on_an_assessment_in_the_repeated_hour_can_be_acknowledged():
    """The prompt stayed after Acknowledge, and each press stored another row."""
    from pacer_desktop.ui import presenters as say
    judged_on = datetime.fromisoformat(SECOND_0130).astimezone(CHICAGO)  # as the engine gives it
    ack = SimpleNamespace(alert="consider_escalation", assessment_at=_stored(judged_on))
    assert say.acknowledgement_of([ack], "consider_escalation", judged_on) is ack


def test_a_verification_of_a_dose_weighed_in_the_repeated_hour_is_not_stale_at_once():
    """# rules §4: the pharmacist's check stays good until a new weight; it read "new weight" at once."""
    from pacer_desktop.core.double_check import Verification, staleness
    from pacer_desktop.storage.dose_verification import dose_working
    c = _case(weights=[{"at": "2026-11-01T01:20:00-06:00", "kg": 23.4}])
    working = dose_working(evaluate_case(c, NOW))
    signed = Verification.of(working, at=NOW)
    loaded = Verification(verified_at=signed.verified_at, weight_kg=signed.weight_kg,
                          weight_at=datetime.fromisoformat(signed.weight_at.isoformat()), dose_mg=signed.dose_mg)
    assert staleness(loaded, current=working, escalations=()) == ()


def test_the_study_export_names_who_gave_a_dose_in_the_repeated_hour(tmp_path):
    """REDCap's aa_by was blank for that line."""
    from pacer_desktop.exports.common import evaluated
    from pacer_desktop.exports.redcap import records
    from pacer_desktop.storage import Store, User
    nurse = User("AB", "nurse", "test")
    with Store.open(tmp_path / "p.sqlite3", clock=lambda: NOW, keep_backups=0, daily_backup=False) as store:
        pid = store.add_patient(nurse, mrn="R-1", name="Repeated Hour", date_of_birth=None, sex_at_birth="female",
                                developmental_delay=False, infusion_at=datetime(2026, 10, 30, 10, tzinfo=CHICAGO),
                                timezone="America/Chicago", study_id="PACER-001")
        store.add_weight(nurse, pid, at=datetime(2026, 10, 29, 9, tzinfo=CHICAGO), kg=Decimal("23.4"))
        for t in FEVER:
            store.add_temperature(nurse, pid, at=datetime.fromisoformat(t["at"]), value=Decimal("38.9"), unit="C")
        store.add_medication(nurse, pid, at=datetime(2026, 10, 31, 12, 10, tzinfo=CHICAGO), drug="anakinra",
                             dose_mg=Decimal(59), for_line=1)
        store.add_medication(nurse, pid, at=datetime.fromisoformat(SECOND_0130), drug="anakinra",
                             dose_mg=Decimal(59), for_line=2, reason="late: no IV access")
        rows = records(evaluated(store, pid, NOW), NOW, nurse)
    lines = {r["aa_line"]: r for r in rows if r.get("aa_line")}
    assert lines["2"]["aa_by"] and lines["2"]["aa_by"] == lines["1"]["aa_by"]


def test_a_verification_signs_the_weight_row_weighed_in_the_repeated_hour(tmp_path):
    """The signature's row was None: the verification pointed at no weight."""
    from pacer_desktop.storage import Store, User
    from pacer_desktop.storage.dose_verification import dose_working, weight_entry_id
    nurse = User("AB", "nurse", "test")
    with Store.open(tmp_path / "p.sqlite3", clock=lambda: NOW, keep_backups=0, daily_backup=False) as store:
        pid = store.add_patient(nurse, mrn="R-2", name="Weighed Twice", date_of_birth=None, sex_at_birth="female",
                                developmental_delay=False, infusion_at=datetime(2026, 10, 30, 10, tzinfo=CHICAGO),
                                timezone="America/Chicago")
        weight = store.add_weight(nurse, pid, at=datetime.fromisoformat("2026-11-01T01:20:00-06:00"), kg=Decimal("23.4"))
        for t in FEVER:
            store.add_temperature(nurse, pid, at=datetime.fromisoformat(t["at"]), value=Decimal("38.9"), unit="C")
        working = dose_working(evaluate_case(store.case_for(pid, now=NOW), NOW))
        assert weight_entry_id(store, pid, working) == weight
