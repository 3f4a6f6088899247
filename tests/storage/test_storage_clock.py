"""One clock (issue 16 §5): the store takes its "now" from the clock it is opened with, for the
times it stamps, the bedside check of future entries, and the age of its backups."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from pacer_desktop.core.errors import CaseError
from pacer_desktop.storage import Store
from tests.storage.storehelp import NURSE

LATER = datetime(2031, 9, 1, 10, 0, tzinfo=UTC)  # years after any machine running these tests


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_the_store_stamps_and_checks_with_its_own_clock(db_path):
    clock = Clock(LATER)
    with Store.open(db_path, keep_backups=0, clock=clock) as s:
        pid = s.add_patient(NURSE, mrn="M1", name="Ada", date_of_birth=date(2025, 4, 12), sex_at_birth="female",
                            developmental_delay=False, infusion_at=LATER - timedelta(hours=30),
                            timezone="UTC")
        s.add_temperature(NURSE, pid, at=LATER - timedelta(hours=1), value=Decimal("38.2"), unit="C")
        with pytest.raises(CaseError):  # later than the store's now + 5 minutes: a typing error
            s.add_temperature(NURSE, pid, at=LATER + timedelta(hours=1), value=Decimal("38.2"), unit="C")
        (entry,) = s.entries(pid, "temperature")
        assert entry.entered_at == LATER
        assert {row["at"] for row in s.audit()} == {LATER.isoformat(timespec="microseconds")}


def test_backups_are_aged_by_the_stores_clock(db_path):
    clock = Clock(LATER)
    with Store.open(db_path, keep_backups=5, clock=clock) as s:
        first = s.backup()
        assert LATER.strftime("%Y%m%dT%H%M%S") in first.name
        assert s.daily_backup() is None  # the newest copy is not a day old by this clock
        clock.now = LATER + timedelta(hours=25)
        assert s.daily_backup() is not None


def test_a_case_file_with_entries_after_the_stores_now_is_refused_whole(db_path, capsys, monkeypatch, people):
    """# rules §2 rev 2: "in a case file as at the bedside". A case file whose own "now" lies ahead
    of the workstation's clock (a clock set wrong where it was written, a year typed wrong) was
    stored; from then on every save for that patient was refused, even the withdrawal of the
    future entry, until the clock caught up. Now the import names the entries and stores nothing."""
    from pacer_desktop.cli import main
    from pacer_desktop.core.caseio import parse_case
    from pacer_desktop.storage import store as store_module
    from tests.paths import EXAMPLES
    source = next(EXAMPLES.glob("02-*.case.json"))
    case = parse_case(source.read_bytes())
    before = Clock(case.temperatures[2].at.astimezone(UTC))  # the file's later entries are still to come
    with Store.open(db_path, keep_backups=0, daily_backup=False, clock=before) as s:
        with pytest.raises(CaseError) as err:
            s.import_case(NURSE, case, mrn="F-1", name="Fran Future")
        assert s.patients() == []
    fields = [p.field for p in err.value.problems]
    assert "temperatures[3].at" in fields and "temperatures[2].at" not in fields
    assert "medications[1].at" in fields and "medications[0].at" not in fields
    assert "in the future" in err.value.problems[0].message
    # the command, whose clock is the workstation's, says the same: exit 2, nothing stored
    monkeypatch.setattr(store_module, "real_clock", before)
    argv = ["import-case", str(source), "--mrn", "F-2", "--name", "Fran Future"]
    assert main([*argv, *people.of("prescriber")]) == 2
    assert "temperatures[3].at" in capsys.readouterr().err
    # once the clock has passed the file's entries, the same file imports
    monkeypatch.setattr(store_module, "real_clock", Clock(case.now.astimezone(UTC) + timedelta(days=1)))
    assert main([*argv, *people.of("prescriber")]) == 0, capsys.readouterr().err


def test_after_the_clock_is_set_back_the_ward_can_still_record(db_path):
    """# rules §2 rev 2: the rules never act on an entry that has not happened yet. A workstation
    whose clock ran two hours fast took a reading at (its) 10:00; the clock was then put right to
    08:15. The window leaves the 10:00 reading out until 10:00 comes (Store.case_for), but every
    save checked the whole patient, the 10:00 reading included, and was refused: no temperature,
    weight or dose could be recorded, and the reading could not even be marked entered in error.
    Now a save is checked against the patient as known at now, as the window shows it; an entry
    later than now is still refused when it is the one being saved."""
    clock = Clock(LATER)
    with Store.open(db_path, keep_backups=0, daily_backup=False, clock=clock) as s:
        pid = s.add_patient(NURSE, mrn="M1", name="Ada", date_of_birth=date(2025, 4, 12), sex_at_birth="female",
                            developmental_delay=False, infusion_at=LATER - timedelta(hours=30), timezone="UTC")
        early = s.add_temperature(NURSE, pid, at=LATER - timedelta(minutes=1), value=Decimal("38.2"), unit="C")
        clock.now = LATER - timedelta(hours=1, minutes=45)  # put right: the reading is 1 h 44 min ahead
        s.add_weight(NURSE, pid, at=clock.now - timedelta(minutes=10), kg=Decimal("12.5"))
        s.add_temperature(NURSE, pid, at=clock.now, value=Decimal("37.9"), unit="C")
        with pytest.raises(CaseError) as err:  # a time later than now is still refused when typed
            s.add_temperature(NURSE, pid, at=clock.now + timedelta(minutes=30), value=Decimal("37.9"), unit="C")
        assert err.value.problems[0].field == "at"
        s.correct(NURSE, "temperature", early, reason="taken by a clock two hours fast")
        s.correct(NURSE, "patient", pid, reason="name spelt wrong", replacement={"name": "Adah"})
        assert [t.value for t in s.case_for(pid).temperatures] == [Decimal("37.9")]
        assert s.verify() == []


@pytest.mark.parametrize("second", ["a second dose", "held"])
def test_a_save_may_not_conflict_with_an_entry_ahead_of_the_clock(db_path, second):
    """Found in review: a dose for line 4 recorded at 10:00 by a clock two hours fast; the clock put
    right, line 4 shows overdue (the dose is left out until 10:00), and a second dose, or "held",
    for line 4 was stored. At 10:00 the patient's case then had line 4 closed twice, and every save
    was refused again. A save must not conflict with the entries left out either."""
    clock = Clock(LATER)
    with Store.open(db_path, keep_backups=0, daily_backup=False, clock=clock) as s:
        pid = s.add_patient(NURSE, mrn="M1", name="Ada", date_of_birth=date(2022, 4, 12), sex_at_birth="female",
                            developmental_delay=False, infusion_at=LATER - timedelta(hours=72), timezone="UTC")
        s.add_weight(NURSE, pid, at=LATER - timedelta(hours=80), kg=Decimal("23.4"))
        s.add_temperature(NURSE, pid, at=LATER - timedelta(hours=44), value=Decimal("38.7"), unit="C")
        s.add_temperature(NURSE, pid, at=LATER - timedelta(hours=40), value=Decimal("38.9"), unit="C")
        s.add_medication(NURSE, pid, at=LATER, drug="anakinra", dose_mg=Decimal("58"), for_line=4)
        clock.now = LATER - timedelta(hours=2)
        with pytest.raises(CaseError) as err:
            if second == "held":
                s.add_dose_outcome(NURSE, pid, line=4, outcome="held", at=clock.now, reason="BP low")
            else:
                s.add_medication(NURSE, pid, at=clock.now, drug="anakinra", dose_mg=Decimal("58"), for_line=4)
        [problem] = err.value.problems
        assert problem.message.startswith("line 4 already has a dose recorded" if second != "held" else
                                          "line 4 is recorded as held; a line has a dose or an outcome")
        assert problem.message.endswith("(with an entry later than this workstation's clock, which the screen"
                                        " leaves out until then)")
        s.add_temperature(NURSE, pid, at=clock.now, value=Decimal("37.1"), unit="C")  # no conflict: stored
        clock.now = LATER + timedelta(minutes=10)
        s.add_temperature(NURSE, pid, at=clock.now, value=Decimal("37.0"), unit="C")  # and later still fine
