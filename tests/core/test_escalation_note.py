"""Why the first line every 6 hours is due when it is (rules §5 and its rev 2 example).

The lines of ``fever_case`` are due 4 Nov 11:00, 23:00, 5 Nov 11:00 … every 12 hours until an
escalation; after it the next is due at ``max(E, L + 6 h, A + 6 h − window)``. The screen's
schedule showed "every 6 hours" from that line on, and the printed record not even that, with no word
of why the line is due then: a nurse reading "20:00" after "11:00" could not tell a moved line from
a mistake. Screen and paper say it with the same function (``wording.escalated``).
"""

from __future__ import annotations

import pytest

from pacer_desktop.core import wording
from tests.core.casebuild import evaluate, fever_case


def t(day: int, hm: str) -> str:
    return f"2026-11-{day:02d}T{hm}:00-06:00"


def escalation(when: str) -> dict:
    return {"at": when, "by": "Dr A", "reason": "CRS progression"}


def notes(given: str, escalated: str) -> dict[int, str]:
    r = evaluate(fever_case(medications=[{"at": given, "drug": "anakinra", "dose_mg": 59}],
                            escalations=[escalation(escalated)]))
    said = {d.line: wording.escalated(r, d, lambda at: wording.day_time(at, r.timezone)) for d in r.doses}
    return {line: text for line, text in said.items() if text}


@pytest.mark.parametrize(("given", "escalated", "expected"), [
    # L + 6 h: line 1 was due 11:00, escalated at 12:00 → line 2 at 17:00
    (t(4, "11:10"), t(4, "12:00"), "first dose every 6 hours after the escalation at 4 Nov 12:00,"
                                   " due 6 hours after line 1"),
    # E: escalated at 20:00, after 11:00 + 6 h → line 2 at 20:00, at the escalation
    (t(4, "11:10"), t(4, "20:00"), "first dose every 6 hours after the escalation at 4 Nov 20:00, due at the escalation"),
    # A + 6 h − window: the 11:00 dose given at 15:00 (4 h late), escalated at 16:00 → 20:00
    (t(4, "15:00"), t(4, "16:00"), "first dose every 6 hours after the escalation at 4 Nov 16:00,"
                                   " due 5 h 0 min after the dose given at 4 Nov 15:00"),
])
def test_the_first_line_every_6_hours_says_why_it_is_due_then(given, escalated, expected):
    """# rules §5 (rev 2): only that line carries the note; the lines after it are plain every 6 hours."""
    assert notes(given, escalated) == {2: expected}


def test_escalated_at_a_line_s_due_time_that_line_stands_and_the_next_says_why():
    """# rules §5: "escalated at 20:00 → the 20:00 dose stands, next 02:00"; here line 2 at 23:00
    stands and line 3 is due 5 Nov 05:00."""
    assert notes(t(4, "11:10"), t(4, "23:00")) == {
        3: "first dose every 6 hours after the escalation at 4 Nov 23:00, due 6 hours after line 2"}


def test_a_course_escalated_before_its_first_dose_has_no_note():
    """# rules §5: escalated before the start time is an input error, at it the course is simply every
    6 hours from its first line; nothing moved, so nothing to explain."""
    assert notes(t(4, "11:10"), t(4, "11:00")) == {}


def test_across_the_end_of_daylight_saving_the_six_hours_are_elapsed_hours():
    """# rules §5 (elapsed time): line 2 due 31 Oct 23:00 CDT, escalated 1 Nov 00:00 CDT; line 3 is
    due 6 elapsed hours after line 2, at 04:00 CST (the clocks went back at 02:00), which is 5 hours
    on the wall clock. Wall-clock arithmetic took it for a line placed by the dose before."""
    c = fever_case(first="2026-10-31T07:00:00-05:00", infusion_at="2026-10-30T10:00:00-05:00",
                   now="2026-11-01T06:00:00-06:00", weights=[{"at": "2026-10-29T09:00:00-05:00", "kg": 23.4}],
                   medications=[{"at": "2026-10-31T11:10:00-05:00", "drug": "anakinra", "dose_mg": 59}],
                   escalations=[escalation("2026-11-01T00:00:00-05:00")])
    r = evaluate(c)
    [line] = [d for d in r.doses if d.escalated_after_line is not None]
    assert (line.line, line.due.isoformat()) == (3, "2026-11-01T04:00:00-06:00")
    assert wording.escalated(r, line, lambda at: wording.day_time(at, r.timezone)) == (
        "first dose every 6 hours after the escalation at 1 Nov 00:00, due 6 hours after line 2")


def test_a_late_dose_across_the_end_of_daylight_saving_is_late_by_elapsed_time():
    """# rules §5a rev 2: a line due 1 Nov 00:30 CDT given at 03:30 CST was given 4 elapsed hours late
    (the clocks went back at 02:00); the note said 3 h 0 min."""
    from datetime import datetime
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo
    zone = ZoneInfo("America/Chicago")
    before = SimpleNamespace(due=datetime(2026, 11, 1, 0, 30, tzinfo=zone), given_at=datetime(2026, 11, 1, 3, 30, tzinfo=zone))
    assert wording.retimed(before, lambda at: wording.day_time(at, zone)) == (
        "re-timed from the 1 Nov 00:30 dose, given 4 h 0 min late")


def _fall_back_case(medications: list[dict], escalated: str, first: str) -> dict:
    """Around the end of daylight saving (1 Nov 2026, 02:00 CDT → 01:00 CST): infused 30 Oct."""
    return fever_case(first=first, infusion_at="2026-10-30T10:00:00-05:00", now="2026-11-01T09:00:00-06:00",
                      weights=[{"at": "2026-10-29T09:00:00-05:00", "kg": 23.4}],
                      medications=[{"at": at, "drug": "anakinra", "dose_mg": 59} for at in medications],
                      escalations=[escalation(escalated)])


def _note_of(c: dict) -> dict[int, str]:
    r = evaluate(c)
    said = {d.line: wording.escalated(r, d, lambda at: wording.date_time(at, r.timezone)) for d in r.doses}
    return {line: text for line, text in said.items() if text}


def test_in_the_repeated_hour_a_line_an_hour_after_the_escalation_is_not_due_at_it():
    """# rules §5: lines 31 Oct 08:30 and 20:30 CDT, escalated 1 Nov 01:30 CDT; line 3 is due 6 hours
    after line 2, at 01:30 CST, an hour after the escalation, though the wall clock reads the same."""
    notes = _note_of(_fall_back_case(["2026-10-31T08:30:00-05:00", "2026-10-31T20:30:00-05:00"],
                                     "2026-11-01T01:30:00-05:00", first="2026-10-31T04:30:00-05:00"))
    assert list(notes) == [3] and notes[3].endswith(", due 6 hours after line 2")


def test_in_the_repeated_hour_the_note_names_the_dose_the_engine_counted():
    """# rules §5 rev 2: doses 31 Oct 08:00 and 1 Nov 01:45 CDT, escalated 1 Nov 01:30 CST (after
    both); line 3 is due at 01:45 CDT + 5 h = 05:45 CST. The note named the 31 Oct 08:00 dose."""
    notes = _note_of(_fall_back_case(["2026-10-31T08:00:00-05:00", "2026-11-01T01:45:00-05:00"],
                                     "2026-11-01T01:30:00-06:00", first="2026-10-31T04:00:00-05:00"))
    assert list(notes) == [3] and notes[3].endswith("due 5 h 0 min after the dose given at 1 Nov 2026 01:45 CDT")


def test_a_line_re_timed_by_a_late_dose_after_the_escalation_also_names_the_escalation():
    """# rules §5a rev 2: line 1 (11:00) given at 14:00, after the escalation at 12:00: line 2 is due
    6 hours after that dose (20:00). Its re-timing note said only "given 3 h 0 min late", and the
    record, which has no interval column, never said why 6 hours rather than 12."""
    assert notes(t(4, "14:00"), t(4, "12:00")) == {2: "first dose every 6 hours after the escalation at 4 Nov 12:00"}
