"""Dialogs opened and cancelled through a shift do not pile up (issue: a whole ward shift without harm).

Each Record dose / Escalate dialog was parented to the dose screen and never deleted: after a
shift's worth of opening and cancelling, hundreds of hidden dialogs (each a form of widgets) stayed
in memory.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QDialog


def test_cancelled_dose_dialogs_do_not_pile_up(qtbot, make_window, store, nurse):
    now = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
    pid = store.add_patient(nurse, mrn="D-1", name="Dee Dialog", date_of_birth=None, sex_at_birth="female",
                            developmental_delay=False, infusion_at=now - timedelta(days=2), timezone="UTC")
    store.add_weight(nurse, pid, at=now - timedelta(days=3), kg=Decimal("20"))
    w = make_window(now)
    w.open_patient(pid)
    w.show_screen(1)
    for i in range(30):
        (w.dose.open_record_dose if i % 2 else w.dose.open_escalation)()
        qtbot.keyClick(w.dose.dialog, Qt.Key.Key_Escape)
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # deleteLater() runs here
    assert len(w.dose.findChildren(QDialog)) <= 1
