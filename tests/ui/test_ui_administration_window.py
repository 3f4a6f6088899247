"""The schedule's due / overdue line and the pairing of doses given come from the protocol's
``schedule.administration_window_min``, not from a constant in the window."""

from __future__ import annotations

import dataclasses

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pacer_desktop import protocols
from pacer_desktop.core.case import Medication
from pacer_desktop.core.caseio import parse_case
from pacer_desktop.evaluation import evaluate_case
from pacer_desktop.ui import presenters as say

from tests.ui.uihelp import EXAMPLES

ZONE = ZoneInfo("America/Chicago")
FIRST_DUE = datetime(2026, 11, 4, 11, 0, tzinfo=ZONE)  # example 01: the first dose is due 4 Nov 11:00


def _result(now: datetime, given: tuple = ()):
    case = parse_case(next(EXAMPLES.glob("01-*.case.json")).read_bytes())
    # Nothing given yet (or only ``given``), so the first dose's status depends on the window alone.
    case = dataclasses.replace(case, medications=given, now=now,
                               temperatures=tuple(t for t in case.temperatures if t.at <= now),
                               assessments=tuple(a for a in case.assessments if a.at <= now))
    return evaluate_case(case, now)


def _with_window(monkeypatch, minutes: int) -> None:
    real = protocols.load

    def load(protocol_id: str = protocols.CURRENT):
        p = real(protocol_id)
        schedule = dataclasses.replace(p.schedule, administration_window_min=minutes)
        return dataclasses.replace(p, schedule=schedule)
    monkeypatch.setattr(protocols, "load", load)


def test_pacer_1_window_is_sixty_minutes():
    assert protocols.load("pacer-1").schedule.administration_window_min == 60
    assert say.administration_window(_result(FIRST_DUE)) == timedelta(minutes=60)
    assert not hasattr(say, "ADMINISTRATION_WINDOW")


@pytest.mark.parametrize("minutes, after, status", [
    # "within the window" includes both ends (rules rev 2, Terms): due at +60 min, overdue after
    (60, timedelta(minutes=59), "due"), (60, timedelta(minutes=60), "due"), (60, timedelta(minutes=61), "overdue"),
    (90, timedelta(minutes=60), "due"), (90, timedelta(minutes=91), "overdue"),
    (30, timedelta(minutes=31), "overdue"),
])
def test_due_turns_overdue_when_the_protocol_window_has_passed(monkeypatch, minutes, after, status):
    _with_window(monkeypatch, minutes)
    now = FIRST_DUE + after
    rows = say.schedule_rows(_result(now))
    assert rows[0].due == FIRST_DUE and rows[0].status == status


@pytest.mark.parametrize("minutes, given_before, counted", [(60, 45, True), (60, 75, False), (90, 75, True)])
def test_a_dose_given_early_counts_within_the_protocol_window(monkeypatch, minutes, given_before, counted):
    _with_window(monkeypatch, minutes)
    now = FIRST_DUE + timedelta(minutes=5)
    given = Medication(at=FIRST_DUE - timedelta(minutes=given_before), drug="anakinra", dose_mg=Decimal(59))
    rows = say.schedule_rows(_result(now, (given,)))
    assert (rows[0].status == "given") is counted  # not counted: unscheduled (rules §5a, nothing before line 1)


# --- the interval in force and the state after the stop time (rules §5, §6) ---------------------

def _example_02_at(now: datetime):
    """Example 02 evaluated at ``now`` (its entries up to then: later ones would be in the future)."""
    case = parse_case(next(EXAMPLES.glob("02-*.case.json")).read_bytes())
    case = dataclasses.replace(case, now=now, **{name: tuple(e for e in getattr(case, name) if e.at <= now)
                                                  for name in ("temperatures", "assessments", "medications",
                                                               "escalations", "weights")})
    return evaluate_case(case, now), protocols.load()


def test_status_line_says_every_6_hours_once_escalated_even_after_the_last_dose():
    """Example 02 is escalated at 11 Nov 09:00; long after its stop time it is still every 6 hours."""
    late = datetime(2026, 11, 21, 9, 0, tzinfo=ZONE)
    result, protocol = _example_02_at(late)
    rows = say.schedule_rows(result)
    line = say.status_line(result, rows, late, protocol)
    assert line.startswith("Anakinra stopped since 17 Nov 09:00 (course complete; it ran at 100 mg IV every 6 hours)")
    assert "OVERDUE" not in line
    assert {r.status for r in rows} == {"given", "missed"}
    assert line.endswith(f"{sum(r.status == 'missed' for r in rows)} doses before then not recorded as given")


def test_before_escalation_the_interval_is_12_hours():
    early = datetime(2026, 11, 11, 8, 0, tzinfo=ZONE)
    result, protocol = _example_02_at(early)
    assert say.current_interval(result, early, protocol) == 12
    at_escalation = datetime(2026, 11, 11, 9, 0, tzinfo=ZONE)
    result, protocol = _example_02_at(at_escalation)
    assert say.current_interval(result, at_escalation, protocol) == 6


@pytest.mark.parametrize("after, kind, words", [
    (timedelta(minutes=5), "alarm", "The first dose is DUE NOW: "),
    (timedelta(hours=3), "alarm", "The first dose is OVERDUE since 4 Nov 11:00: "),  # as the header says
    (timedelta(days=20), "warn", "The first anakinra dose, due at 4 Nov 11:00, was never recorded as given."),
])
def test_the_fever_banner_calls_for_the_first_dose_until_it_is_given(after, kind, words):
    """Due or overdue: an alarm naming the dose. Once the stop time has passed with no dose recorded,
    a warning that it never was (not a call to give it now); given, a plain note (test_ui_bedside)."""
    now = FIRST_DUE + after
    result = _result(now)
    text, shown_as = say.fever_banner(result, say.schedule_rows(result))
    assert text.startswith("PERSISTENT FEVER since 4 Nov 11:00: ")
    assert (shown_as, words in text) == (kind, True)


def test_after_the_stop_time_the_dose_screen_says_stopped_not_a_dose_to_give(qtbot, make_window, store, nurse):
    """Example 02 on 21 Nov: the course is complete (may stop since 17 Nov 09:00, rules §6). The dose
    screen's largest line read like an order to give 100 mg every 6 hours; it now says anakinra is
    stopped, and the dose at today's weight stays below it for a prescriber's restart decision."""
    case = parse_case(next(EXAMPLES.glob("02-*.case.json")).read_bytes())
    pid = store.import_case(nurse, case, mrn="ST-1", name="Stopped Course")
    w = make_window(datetime(2026, 11, 21, 9, 0, tzinfo=ZONE))
    w.open_patient(pid)
    w.show_screen(1)
    assert w.dose.dose_label.text() == "Anakinra stopped: stop time reached 17 Nov 09:00, no further doses"
    assert w.dose.working.text().startswith("If a prescriber restarts it, the dose at the latest weight is 100 mg"
                                            " (0.67 mL): 2.5 mg/kg/dose × 64 kg = 160 mg, capped")
    assert w.dose.route.text().endswith("Weight 64 kg recorded 9 Nov 08:00.")  # how old that weight is


def test_the_stopped_course_s_dose_screen_fits_the_window(qtbot, make_window, store, nurse):
    """Seen on the walk: the restart sentence did not wrap, and the screen ran off the right edge
    (Verify dose, Acknowledge prompt, the Status column and Restart cut off)."""
    case = parse_case(next(EXAMPLES.glob("02-*.case.json")).read_bytes())
    pid = store.import_case(nurse, case, mrn="ST-2", name="Stopped Course")
    w = make_window(datetime(2026, 11, 21, 9, 0, tzinfo=ZONE))
    w.open_patient(pid)
    w.show_screen(1)
    qtbot.waitUntil(w.dose.isVisible)
    assert w.dose.minimumSizeHint().width() <= w.dose.width() <= w.width()
    assert w.dose.restart_button.geometry().right() <= w.dose.width()


def test_after_the_stop_time_the_header_says_stopped_first():
    """Seen on every screen: the header read like an order after the course had ended (§6: no dose
    at or after the stop time is due)."""
    late = datetime(2026, 11, 21, 9, 0, tzinfo=ZONE)
    result, protocol = _example_02_at(late)
    line = say.status_line(result, say.schedule_rows(result), late, protocol)
    assert line.startswith("Anakinra stopped since 17 Nov 09:00 (course complete; it ran at 100 mg IV every 6 hours)")


def test_a_stopped_course_with_no_weight_says_stopped(qtbot, make_window, store, nurse):
    import json
    c = json.loads(next(EXAMPLES.glob("02-*.case.json")).read_text())
    c["weights"] = []
    c["medications"] = [m for m in c["medications"] if m["drug"] != "anakinra" or "dose_mg" not in m]
    case = parse_case(json.dumps(c).encode())
    pid = store.import_case(nurse, case, mrn="ST-3", name="Stopped Unweighed")
    w = make_window(datetime(2026, 11, 21, 9, 0, tzinfo=ZONE))
    w.open_patient(pid)
    assert w.dose.dose_label.text() == "Anakinra stopped: stop time reached 17 Nov 09:00, no further doses"
    assert w.dose.working.text() == "No weight is recorded: record one (kg) before a prescriber restarts anakinra."
