"""Prompts of clinical-rules §7 stay on the dose screen until acknowledged; the acknowledgement is
stored in the database (attributed, audited), not in the workstation's settings."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from pacer_desktop.core.case import CrsInputs

from tests.ui.uihelp import wait_saved

ZONE = ZoneInfo("America/Chicago")
INFUSION = datetime(2026, 11, 3, 10, 0, tzinfo=ZONE)
GRADED = datetime(2026, 11, 4, 16, 30, tzinfo=ZONE)


@pytest.fixture
def progressing(store, nurse):
    """Persistent fever at 4 Nov 11:00 (anakinra started), then CRS grade 2 at 16:30: progression."""
    pid = store.add_patient(nurse, mrn="A-1", name="Ack Patient", date_of_birth=date(2016, 4, 12),
                            sex_at_birth="female", developmental_delay=False, infusion_at=INFUSION,
                            timezone="America/Chicago")
    store.add_weight(nurse, pid, at=INFUSION - timedelta(days=1), kg=Decimal("23.4"))
    for hour, value in ((7, "38.7"), (11, "38.9")):
        store.add_temperature(nurse, pid, at=datetime(2026, 11, 4, hour, 0, tzinfo=ZONE), value=Decimal(value),
                              unit="C")
    store.add_assessment(nurse, pid, at=GRADED, crs=CrsInputs(hypotension="no_vasopressor", oxygen_device="none"),
                         icans=None)
    return pid


def test_acknowledged_prompt_is_stored_attributed_and_survives_new_settings(
        qtbot, make_window, store, progressing, tmp_path, monkeypatch):
    w = make_window(datetime(2026, 11, 4, 17, 0, tzinfo=ZONE))
    w.open_patient(progressing)
    w.show_screen(1)
    assert "PROMPT: Consider escalating" in w.dose.prompt_banner.text()
    assert w.dose.ack_button.isVisible() and w.dose.ack_note.text() == ""
    qtbot.mouseClick(w.dose.ack_button, Qt.MouseButton.LeftButton)
    wait_saved(qtbot, w)
    assert w.dose.prompt_banner.isHidden() and w.dose.ack_button.isHidden()
    assert "acknowledged by AB (nurse) at " in w.dose.ack_note.text()
    [ack] = store.acknowledgements(progressing)
    assert (ack.alert, ack.assessment_at, ack.entered_by, ack.role, ack.workstation) == \
        ("consider_escalation", GRADED, "AB", "nurse", "ward-3")
    assert store.audit(limit=1)[0]["action"] == "acknowledge consider_escalation"
    # Another workstation (fresh settings) sees the same acknowledgement: it lives in the database.
    monkeypatch.setenv("PACER_SETTINGS_DIR", str(tmp_path / "other-settings"))
    other = make_window(datetime(2026, 11, 4, 17, 5, tzinfo=ZONE))
    other.open_patient(progressing)
    assert other.dose.prompt_banner.isHidden()
    assert "acknowledged by AB (nurse)" in other.dose.ack_note.text()


def test_a_later_assessment_raises_the_prompt_again(qtbot, make_window, store, nurse, progressing):
    store.acknowledge(nurse, progressing, alert="consider_escalation", assessment_at=GRADED)
    w = make_window(datetime(2026, 11, 4, 18, 0, tzinfo=ZONE))
    w.open_patient(progressing)
    assert w.dose.prompt_banner.isHidden()
    store.add_assessment(nurse, progressing, at=datetime(2026, 11, 4, 17, 45, tzinfo=ZONE),
                         crs=CrsInputs(hypotension="no_vasopressor", oxygen_device="none"), icans=None)
    w.state.reload()
    assert "PROMPT: Consider escalating" in w.dose.prompt_banner.text()
    assert w.dose.ack_note.text() == ""


def test_nobody_signed_in_cannot_acknowledge(qtbot, make_window, store, progressing):
    w = make_window(datetime(2026, 11, 4, 17, 0, tzinfo=ZONE), user=None, ask_who=False)
    w.open_patient(progressing)
    w.dose.acknowledge()
    assert "Nobody is signed in" in w.dose.ack_note.text()
    assert "PROMPT: Consider escalating" in w.dose.prompt_banner.text()
    assert store.acknowledgements(progressing) == []
