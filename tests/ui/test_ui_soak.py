"""A long shift in one process: the real window and store, a 30-day patient, and 20,000 ordinary
operations in a seeded random order (issue: a whole ward shift without harm, section 1).

PySide6 6.12.0 on Python 3.11 aborted the process after a few thousand Qt calls that return
nothing (``none_dealloc``); this test drives the window long enough to hit such a fault, and checks
that the stored rows are exactly the saves it made.
"""

from __future__ import annotations

import random
import resource
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QDialog

from tests.ui.uihelp import wait_saved

OPERATIONS = int(__import__("os").environ.get("PACER_SOAK_OPERATIONS", "20000"))
SEED = 20261201


def thirty_day_case(now: datetime, mrn_seed: int):
    from pacer_desktop.core.case import (Assessment, Case, CrsInputs, IcansInputs, Medication, Patient,
                                         Temperature, Weight)
    infusion = now - timedelta(days=30)
    temps = [Temperature(at=infusion + timedelta(hours=h),
                         value=Decimal("38.9") if 20 <= h <= 40 else Decimal("37.0"), unit="C")
             for h in range(0, 30 * 24, 4)]
    assessments = [Assessment(at=infusion + timedelta(hours=h, minutes=30),
                              crs=CrsInputs(hypotension="none", oxygen_device="none"),
                              icans=IcansInputs(capd_score=0))
                   for h in range(0, 30 * 24, 12)]
    meds = [Medication(at=infusion + timedelta(hours=h, minutes=5), drug="anakinra", dose_mg=Decimal(59))
            for h in range(24, 8 * 24, 12)]
    return Case(protocol="pacer-1", timezone="America/Chicago", infusion_at=infusion,
                patient=Patient(date_of_birth=(now - timedelta(days=3700 + mrn_seed)).date(), sex_at_birth="female"),
                weights=(Weight(at=infusion - timedelta(days=1), kg=Decimal("23.4")),),
                temperatures=tuple(temps), assessments=tuple(assessments), medications=tuple(meds))


@pytest.mark.slow
def test_a_long_shift_of_ordinary_operations(qtbot, make_window, store, nurse):
    now = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
    pids = [store.import_case(nurse, thirty_day_case(now, i), mrn=f"SOAK-{i}", name=f"Soak Patient {i}")
            for i in range(2)]
    before = {pid: (len(store.entries(pid, "temperature")), len(store.entries(pid, "weight"))) for pid in pids}
    w = make_window(now)
    w.open_patient(pids[0])
    rng = random.Random(SEED)
    saved = {pid: [0, 0] for pid in pids}  # temperatures, weights saved through the window
    none_refs = sys.getrefcount(None)
    peak_kb_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    counts: dict[str, int] = {}

    def switch_screen():
        qtbot.keyClick(w, rng.choice([Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3]),
                       Qt.KeyboardModifier.ControlModifier)

    def switch_patient():
        row = rng.randrange(w.patients.list.count())
        item = w.patients.list.item(row)
        rect = w.patients.list.visualItemRect(item)
        qtbot.mouseClick(w.patients.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    def grading():
        if w.stack.currentWidget() is not w.grading:
            qtbot.keyClick(w, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
        return w.grading

    def type_temperature():
        edit = grading().temperature.value
        edit.setFocus()
        qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(edit, rng.choice(["3", "37", "37.", "38.2", "99.1", "abc", ""]))

    def type_search():
        edit = w.patients.search
        qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(edit, rng.choice(["", "Soak", "SOAK-1", "zzz", ""]))
        if rng.random() < 0.5 or w.patients.list.count() == 0:
            edit.clear()

    def save_temperature():
        t = grading().temperature
        t.time.set_value(now - timedelta(minutes=rng.randrange(1, 600)))
        t.unit.set_value("C")
        edit = t.value
        edit.setFocus()
        qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(edit, f"{rng.choice(['36.8', '37.1', '37.4', '38.1'])}")
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        wait_saved(qtbot, w)
        assert not t.messages.text(), t.messages.text()
        saved[w.state.patient_id][0] += 1

    def save_weight():
        f = grading().weight
        # two different weights at one instant are refused (the dose would be undecided): one a minute
        f.time.set_value(now - timedelta(minutes=1 + sum(saved[w.state.patient_id])))
        f.kg.setFocus()
        qtbot.keyClick(f.kg, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(f.kg, rng.choice(["23.4", "23.6", "24"]))
        qtbot.keyClick(f.kg, Qt.Key.Key_Return)
        wait_saved(qtbot, w)
        assert not f.messages.text(), f.messages.text()
        saved[w.state.patient_id][1] += 1

    def open_and_cancel_dialog():
        if w.stack.currentWidget() is not w.dose:
            qtbot.keyClick(w, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
        opener = rng.choice([w.dose.open_record_dose, w.dose.open_escalation])
        opener()
        dialog = w.dose.dialog
        assert isinstance(dialog, QDialog) and dialog.isVisible()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert not dialog.isVisible()

    def scroll_flowsheet():
        table = grading().flowsheet.table
        if table.model() is not None and table.model().rowCount():
            table.setFocus()
            qtbot.keyClick(table, rng.choice([Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_Home]))

    operations = [(switch_screen, 20), (switch_patient, 10), (type_temperature, 25), (type_search, 8),
                  (scroll_flowsheet, 25), (open_and_cancel_dialog, 6), (save_temperature, 3), (save_weight, 1)]
    choose = [op for op, weight in operations for _ in range(weight)]
    for _ in range(OPERATIONS):
        op = rng.choice(choose)
        op()
        counts[op.__name__] = counts.get(op.__name__, 0) + 1
        if rng.random() < 0.02:
            QApplication.processEvents()

    assert min(counts["save_temperature"], counts["open_and_cancel_dialog"]) > OPERATIONS // 100, counts
    # A faulty binding drops a reference to None on every call (tens of thousands here).
    assert sys.getrefcount(None) - none_refs > -1000
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert len(w.dose.findChildren(QDialog)) <= 1  # cancelled dialogs do not pile up
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_kb_before) / 1024
    print(f"soak: {OPERATIONS} operations, {counts}, peak memory grew {grown_mb:.0f} MB")
    assert w.isVisible()
    for pid in pids:  # exactly the saves made, on the patient they were made for
        assert len(store.entries(pid, "temperature")) == before[pid][0] + saved[pid][0]
        assert len(store.entries(pid, "weight")) == before[pid][1] + saved[pid][1]
