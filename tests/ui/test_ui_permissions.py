"""Permissions and signatures in the window (issue 18), row by row of core/permissions' table.

Each window action is checked for every role: its form, button or menu entry is usable only by a
role the table allows (else disabled, the tooltip naming who may), and the action forced through
anyway is refused with the table's sentence and stores nothing. Signed actions ask the PIN again.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from pacer_desktop.core import permissions
from pacer_desktop.core.case import CrsInputs, EligibilityInputs
from pacer_desktop.storage import User
from tests.people import WARD
from tests.ui.enter import sign
from tests.ui.uihelp import TEST_NOW, wait_saved

NOW = TEST_NOW
ROLES = permissions.ROLES
USERS = {role: User(initials, role, "ward-3") for initials, (_, role, _) in reversed(WARD.items())}
PIN = {role: WARD[initials][2] for initials, (_, role, _) in WARD.items()}


@pytest.fixture
def ward_window(make_window, store):
    """A window on a febrile patient (weight known, dose due), for a user of ``role``."""
    def make(role: str):
        u = USERS["prescriber"]
        pid = store.add_patient(u, mrn="P-1", name="Pat Permit", date_of_birth=date(2016, 4, 12),
                                sex_at_birth="female", developmental_delay=False,
                                infusion_at=NOW - timedelta(days=2), timezone="UTC")
        store.add_weight(u, pid, at=NOW - timedelta(days=2, hours=1), kg=Decimal("23.4"))
        for hours in (6, 1):
            store.add_temperature(u, pid, at=NOW - timedelta(hours=hours), value=Decimal("38.9"), unit="C")
        w = make_window(NOW, user=USERS[role])
        w.open_patient(pid)
        return w, pid
    return make


#: The window's controls, each with the action of the table it does.
CONTROLS = {
    "temperature form": (lambda w: w.grading.temperature, "record_temperature"),
    "weight form": (lambda w: w.grading.weight, "record_weight"),
    "assessment form": (lambda w: w.grading.assessment, "record_assessment"),
    "record dose": (lambda w: w.dose.give_button, "record_dose_given"),
    "other medication": (lambda w: w.dose.other_button, "record_dose_given"),
    "escalate": (lambda w: w.dose.escalate_button, "escalate"),
    "restart": (lambda w: w.dose.restart_button, "restart"),
    "eligibility entry": (lambda w: w.eligibility.save_button, "enter_eligibility"),
    "eligibility sign-off": (lambda w: w.eligibility_sign_off, "sign_eligibility"),
    "print order sheet": (lambda w: w.findChild(QAction, "print_order"), "print_verified_order_sheet"),
    "print administration record": (lambda w: w.findChild(QAction, "print_mar"), "print_administration_record"),
    "print checklist": (lambda w: w.findChild(QAction, "print_eligibility"), "print_checklist"),
    "print grading summary": (lambda w: w.findChild(QAction, "print_grading"), "print_grading_summary"),
    "export for the study": (lambda w: w.findChild(QAction, "export_study"), "export"),
    "export for the hospital": (lambda w: w.findChild(QAction, "export_fhir"), "export"),
    "back up": (lambda w: w.findChild(QAction, "backup"), "backup"),
    "restore": (lambda w: w.findChild(QAction, "restore"), "restore"),
    "people": (lambda w: w.findChild(QAction, "people"), "manage_users"),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_control_is_usable_only_by_the_roles_the_table_allows(ward_window, role):
    w, _pid = ward_window(role)
    for name, (control, action) in CONTROLS.items():
        widget = control(w)
        assert widget is not None, name
        may = permissions.allowed(role, action)
        if may:
            assert not widget.toolTip().startswith("Only"), name
        else:
            assert not widget.isEnabled(), name
            assert widget.toolTip() == permissions.refusal(role, action).replace("; nothing was saved.", "."), name


#: Each write the window sends down, as its forms make it, with its action.
WRITES = {
    "record_temperature": lambda s, u, p: s.add_temperature(u, p, at=NOW, value=Decimal("37.2"), unit="C"),
    "record_weight": lambda s, u, p: s.add_weight(u, p, at=NOW, kg=Decimal("23.5")),
    "record_dose_given": lambda s, u, p: s.add_medication(u, p, at=NOW, drug="paracetamol", dose_mg=Decimal("300")),
    "record_assessment": lambda s, u, p: s.add_assessment(
        u, p, at=NOW, crs=CrsInputs(hypotension="none", oxygen_device="none"), icans=None),
    "record_dose_not_given": lambda s, u, p: s.add_dose_outcome(u, p, line=1, outcome="held", at=NOW,
                                                                reason="parents asked to wait"),
    "escalate": lambda s, u, p: s.add_escalation(u, p, at=NOW, reason="CRS grade 2"),
    "restart": lambda s, u, p: s.add_restart(u, p, at=NOW, reason="fever after the stop"),
    "enter_eligibility": lambda s, u, p: s.add_eligibility(u, p, EligibilityInputs(assessed_on=NOW.date())),
}
TABLES = {"record_temperature": "temperatures", "record_weight": "weights", "record_dose_given": "medications",
          "record_assessment": "assessments", "record_dose_not_given": "dose_outcomes", "escalate": "escalations",
          "restart": "restarts", "enter_eligibility": "eligibility"}


def _rows(store, table: str) -> int:
    return store._rows(f"SELECT count(*) AS n FROM [{table}]")[0]["n"]


@pytest.mark.parametrize(("action", "role"), [(action, role) for action in WRITES for role in ROLES])
def test_a_refused_write_says_who_may_and_stores_nothing(ward_window, store, qtbot, role, action):
    w, _pid = ward_window(role)
    before = _rows(store, TABLES[action])
    problems = []
    w.state.save(WRITES[action], "done", on_problems=problems.append)
    wait_saved(qtbot, w)
    if permissions.allowed(role, action):
        if permissions.needs_signature(action):
            assert w.gate.dialog.isVisible()
            w.gate.dialog.reject()
            assert _rows(store, TABLES[action]) == before
        else:
            assert _rows(store, TABLES[action]) == before + 1, problems
    else:
        assert [p.message for p in problems[0]] == [permissions.refusal(role, action)]
        assert _rows(store, TABLES[action]) == before


def _escalate(qtbot, w) -> None:
    w.show_screen(1)
    w.dose.open_escalation()
    d = w.dose.dialog
    qtbot.keyClicks(d.reason, "CRS progression to grade 2")
    d.confirm.setChecked(True)
    qtbot.keyClick(d.reason, Qt.Key.Key_Return)


def test_an_escalation_is_signed_with_the_pin_asked_again(qtbot, ward_window, store):
    from pacer_desktop.storage.accounts import Accounts
    w, pid = ward_window("prescriber")
    _escalate(qtbot, w)
    assert w.gate.dialog.meaning.text() == "escalated to every 6 hours"
    sign(qtbot, w, "000000")
    assert "not recognised" in w.gate.dialog.message.text() and store.entries(pid, "escalation") == []
    sign(qtbot, w, PIN["prescriber"])
    [esc] = store.entries(pid, "escalation")
    [sig] = Accounts(store).signatures("escalations", esc.id)
    assert (sig.initials, sig.role, sig.action, sig.meaning, sig.patient_id) == \
        ("PR", "prescriber", "escalate", "escalated to every 6 hours", pid)
    assert sig.at == NOW


def test_a_sign_dialog_closed_unsigned_stores_nothing_and_the_form_can_try_again(qtbot, ward_window, store):
    w, pid = ward_window("prescriber")
    _escalate(qtbot, w)
    w.gate.dialog.reject()
    assert store.entries(pid, "escalation") == []
    assert "not signed" in w.dose.dialog.messages.text().lower() and w.dose.dialog.ok.isEnabled()


def test_the_investigator_signs_the_eligibility_assessment(qtbot, ward_window, store):
    from pacer_desktop.storage.accounts import Accounts
    w, pid = ward_window("prescriber")
    store.add_eligibility(USERS["research"], pid, EligibilityInputs(assessed_on=NOW.date()))
    w.state.reload()
    w.show_screen(2)
    assert w.eligibility_sign_off.isEnabled()
    w.eligibility_sign_off.click()
    assert w.gate.dialog.meaning.text() == "signed eligibility"
    sign(qtbot, w, PIN["prescriber"])
    [entry] = store.entries(pid, "eligibility")
    [sig] = Accounts(store).signatures("eligibility", entry.id)
    assert (sig.initials, sig.action, sig.meaning) == ("PR", "sign_eligibility", "signed eligibility")


def test_an_export_is_signed_and_a_wrong_pin_exports_nothing(qtbot, ward_window, store, tmp_path):
    from pacer_desktop.storage.accounts import Accounts
    w, pid = ward_window("research")
    store.correct(USERS["research"], "patient", pid, reason="study ID", replacement={"study_id": "PACER-001"})
    out = tmp_path / "out"
    out.mkdir()
    w.study_export.export_redcap(out)
    assert w.gate.dialog.meaning.text().startswith("exported REDCap files")
    sign(qtbot, w, "000000")
    w.gate.dialog.reject()
    wait_saved(qtbot, w)
    assert list(out.iterdir()) == []
    w.study_export.export_redcap(out)
    sign(qtbot, w, PIN["research"])
    qtbot.waitUntil(lambda: list(out.iterdir()) != [])
    [sig] = Accounts(store).signatures(None, None)
    assert (sig.initials, sig.action) == ("RS", "export")


def test_a_restore_is_the_administrators_and_signed(qtbot, ward_window, store):
    """Administration → Restore: refused to others; a wrong PIN replaces nothing; the right one
    restores the backup (the signature is kept in the copy set aside, as on the command line)."""
    from pacer_desktop.ui.admin_menu import restore
    w, pid = ward_window("admin")
    backup = store.backup()
    store.add_temperature(USERS["nurse"], pid, at=NOW, value=Decimal("37.1"), unit="C")
    w.state.set_user(USERS["nurse"])
    restore(w, backup)
    assert w.gate.dialog is None and "Only an administrator may restore" in w.statusBar().currentMessage()
    w.state.set_user(USERS["admin"])
    restore(w, backup)
    assert w.gate.dialog.meaning.text() == f"restored the database from {backup.name}"
    sign(qtbot, w, "000000")
    w.gate.dialog.reject()
    assert len(store.entries(pid, "temperature")) == 3
    restore(w, backup)
    sign(qtbot, w, PIN["admin"])
    qtbot.waitUntil(lambda: "Restored from" in w.statusBar().currentMessage())
    assert len(store.entries(pid, "temperature")) == 2


def test_the_window_refuses_a_copy_of_another_database_before_any_pin(qtbot, ward_window, store, tmp_path):
    """Administration → Restore with the training database's copy (issue 17: restores that can be
    trusted): refused in the status bar, saying why, before the PIN is asked; nothing replaced."""
    from pacer_desktop.storage import Store
    from pacer_desktop.ui.admin_menu import restore
    w, pid = ward_window("admin")
    with Store.open(tmp_path / "training.sqlite3", keep_backups=0) as training:
        training.add_patient(USERS["nurse"], mrn="T-1", name="Training Doll", date_of_birth=None,
                             sex_at_birth="female", developmental_delay=False, infusion_at=NOW, timezone="UTC")
        copy = training.backup(tmp_path / "training-backups")
    before = len(store.entries(pid, "temperature"))
    restore(w, copy)
    assert w.gate.dialog is None or not w.gate.dialog.isVisible()
    assert "Not restored" in w.statusBar().currentMessage()
    assert "a copy of another PACER database" in w.statusBar().currentMessage()
    assert [p.mrn for p in store.patients()] != ["T-1"] and len(store.entries(pid, "temperature")) == before


def test_the_window_says_why_a_file_that_is_not_a_backup_is_not_restored(qtbot, ward_window, store, tmp_path):
    """Review of the check above: a file of random bytes chosen in Restore gets the plain refusal
    (not a PACER database) in the status bar, as before, not an exception in the menu's slot."""
    from pacer_desktop.ui.admin_menu import restore
    w, pid = ward_window("admin")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(bytes(range(256)) * 40)
    restore(w, junk)
    if w.gate.dialog is not None and w.gate.dialog.isVisible():
        sign(qtbot, w, PIN["admin"])
    qtbot.waitUntil(lambda: "Not restored" in w.statusBar().currentMessage())
    assert "not a PACER database" in w.statusBar().currentMessage()


@pytest.mark.parametrize("role", ["nurse", "prescriber"])
def test_ctrl_p_says_who_may_print_the_order_sheet(qtbot, ward_window, role):
    """Ctrl+P on the dose screen prints its order sheet, which only a pharmacist may print as
    verified. For a nurse or prescriber the key did nothing at all; it now says why, in the table's
    words, and prints nothing."""
    from PySide6.QtWidgets import QApplication
    w, _pid = ward_window(role)
    w.show_screen(1)
    w.raise_()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.keyClick(w, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    refusal = permissions.refusal(role, "print_verified_order_sheet").replace("; nothing was saved.", ".")
    qtbot.waitUntil(lambda: refusal in w.statusBar().currentMessage(), timeout=3000)
    assert w.printing.dialog is None or not w.printing.dialog.isVisible()
