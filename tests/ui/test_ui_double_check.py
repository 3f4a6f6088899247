"""The pharmacist's independent double check in the window (issue 18): blind entry (no visible
widget of any window shows the calculated mg, mL or weight while the pharmacist types), then both
side by side; a match signed "verified dose" with the PIN asked again, a mismatch audited and not
recorded; only a pharmacist may; the dose screen says whether the current dose is verified.

Example 01 (rules §4): 2.5 mg/kg × 23.4 kg = 58.5 mg → 59 mg, 0.4 mL."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QApplication, QComboBox, QGroupBox, QLabel,
                               QLineEdit, QTabBar, QWidget)

from pacer_desktop.core.caseio import parse_case
from pacer_desktop.storage import User

from tests.people import WARD
from tests.ui.uihelp import EXAMPLES, wait_saved

#: The calculator's figures for example 01, as whole tokens (not inside a time or another number).
FIGURES = re.compile(r"(?<![\d.:,])(23\.4|58\.5|59|0\.4)(?![\d:]|\.\d)")
PHARMACIST = User("PH", "pharmacist", "ward-3")


@pytest.fixture
def accounts(store):
    """The window tests' people are in the database already (tests/ui/conftest.py: PH, NU and the
    others of tests/people.py, scrypt cheap)."""
    from pacer_desktop.storage.accounts import Accounts
    return Accounts(store, workstation="ward-3")


@pytest.fixture
def dose_screen(make_window, store, accounts):
    """Example 01 stored; the window at its 'now' on the dose screen, the given user signed in;
    the PIN prompt answers with that user's PIN."""
    def make(user: User = PHARMACIST):
        case = parse_case((EXAMPLES / "01-standard-course.case.json").read_bytes())
        pid = store.import_case(User("PR", "prescriber", "ward-3"), case, mrn="DC-1", name="Dora Check")
        w = make_window(case.now, user=user)
        w.open_patient(pid)
        w.show_screen(1)
        w.dose.ask_pin = lambda parent, text: WARD[user.initials][2]
        return w, pid
    return make


def _texts(widget: QWidget) -> list[str]:
    texts = [widget.toolTip()]
    if widget.isWindow():
        texts.append(widget.windowTitle())
    if isinstance(widget, (QLabel, QAbstractButton)):
        texts.append(widget.text())
    if isinstance(widget, QLineEdit):
        texts += [widget.text(), widget.placeholderText()]
    if isinstance(widget, QComboBox):
        texts += [widget.itemText(i) for i in range(widget.count())]
    if isinstance(widget, QGroupBox):
        texts.append(widget.title())
    if isinstance(widget, QTabBar):
        texts += [widget.tabText(i) for i in range(widget.count())]
    if hasattr(widget, "currentMessage"):
        texts.append(widget.currentMessage())
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        from PySide6.QtCore import QModelIndex
        model = widget.model()
        try:
            columns = model.columnCount(QModelIndex())
        except TypeError:  # a list model: one column
            columns = 1
        for r in range(model.rowCount(QModelIndex())):
            for c in range(columns):
                for role in (0, 3):  # display, tooltip
                    value = model.data(model.index(r, c), role)
                    if value is not None:
                        texts.append(str(value))
    return [t for t in texts if t]


def shown_figures(skip: tuple[QWidget, ...] = ()) -> list[str]:
    """Every calculated figure in the text or tooltip of a visible widget of a top-level window."""
    found = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        for w in (top, *top.findChildren(QWidget)):
            if w.isVisible() and w not in skip:
                found += [f"{type(w).__name__} {w.objectName()!r}: {t!r}" for t in _texts(w) if FIGURES.search(t)]
    return found


def _open(qtbot, w):
    w.dose.verify_button.click()
    dialog = w.dose.dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def _verify(qtbot, w) -> None:
    """The pharmacist checks example 01 with matching figures and signs."""
    dialog = _open(qtbot, w)
    _enter(dialog, "23.4", "59", "0.4")
    dialog.compare_button.click()
    dialog.sign_button.click()
    wait_saved(qtbot, w)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def _enter(dialog, kg: str, mg: str, ml: str) -> None:
    dialog.weight.setText(kg)
    dialog.mg.setText(mg)
    dialog.ml.setText(ml)


def test_no_visible_widget_shows_the_calculated_figures_while_the_pharmacist_types(qtbot, dose_screen):
    w, _ = dose_screen()
    assert shown_figures(), "the walk must find the figures when no check is open"
    dialog = _open(qtbot, w)
    assert shown_figures() == []
    _enter(dialog, "23.4", "59", "0.4")  # the pharmacist's own figures are theirs to see
    assert shown_figures(skip=(dialog.weight, dialog.mg, dialog.ml)) == []
    dialog.reject()
    qtbot.waitUntil(lambda: bool(shown_figures()))  # everything is back after the check


def test_a_match_is_signed_verified_dose_with_the_pin_and_the_screen_says_so(qtbot, dose_screen, store):
    from pacer_desktop.storage.dose_verification import current_verification
    w, pid = dose_screen()
    assert w.dose.verification_label.text() == "Not verified"
    asked = []
    w.dose.ask_pin = lambda parent, text: asked.append(text) or WARD["PH"][2]
    dialog = _open(qtbot, w)
    _enter(dialog, "23.4", "58.5", "0.4")  # unrounded: within one increment
    dialog.compare_button.click()
    side = dialog.comparison.text()
    assert "58.5 mg" in side and "59 mg" in side and "23.4 kg" in side and "0.4 mL" in side
    assert dialog.sign_button.isEnabled()
    dialog.sign_button.click()
    wait_saved(qtbot, w)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert asked, "the PIN is asked again at signing"
    verified, reasons = current_verification(store, pid, w.state.result)
    assert reasons == () and verified.signature.meaning == "verified dose"
    assert verified.signature.initials == "PH"
    at = verified.signature.at.astimezone(__import__("zoneinfo").ZoneInfo(w.state.zone))
    assert w.dose.verification_label.text() == f"Verified by PH at {at:%H:%M} (independent double check)"


def test_a_mismatch_shows_both_with_the_working_and_is_audited_not_recorded(qtbot, dose_screen, store):
    from pacer_desktop.storage.dose_verification import current_verification
    w, pid = dose_screen()
    dialog = _open(qtbot, w)
    _enter(dialog, "24.3", "61", "0.41")
    dialog.compare_button.click()
    wait_saved(qtbot, w)
    side = dialog.comparison.text()
    assert "24.3 kg" in side and "23.4 kg" in side and "61 mg" in side and "59 mg" in side
    assert "2.5 mg/kg/dose × 23.4 kg = 58.5 mg, rounded to 59 mg" in side
    assert not dialog.sign_button.isEnabled()
    assert "not recorded" in dialog.message.text()
    assert store._rows("SELECT * FROM signatures") == []
    assert any(a["action"].startswith("double check mismatch") and a["entered_by"] == "PH" for a in store.audit())
    assert current_verification(store, pid, w.state.result) == (None, ("never_verified",))


def test_a_wrong_pin_records_nothing_and_says_so(qtbot, dose_screen, store):
    w, _ = dose_screen()
    w.dose.ask_pin = lambda parent, text: "000000"
    dialog = _open(qtbot, w)
    _enter(dialog, "23.4", "59", "0.4")
    dialog.compare_button.click()
    dialog.sign_button.click()
    wait_saved(qtbot, w)
    qtbot.waitUntil(lambda: "not recognised" in dialog.message.text())
    assert store._rows("SELECT * FROM signatures") == []
    assert dialog.isVisible()


def test_only_a_pharmacist_may_the_action_names_who_may(qtbot, dose_screen):
    w, _ = dose_screen(User("NU", "nurse", "ward-3"))
    button = w.dose.verify_button
    assert not button.isEnabled()
    assert "Only a pharmacist may verify the dose" in button.toolTip()


def test_a_new_weight_makes_the_verification_out_of_date(qtbot, dose_screen, store):
    w, pid = dose_screen()
    _verify(qtbot, w)
    assert w.dose.verification_label.text().startswith("Verified by PH")
    weighed = w.state.now() - timedelta(minutes=5)
    store.add_weight(User("NU", "nurse", "ward-3"), pid, at=weighed, kg=Decimal("23.4"))
    w.state.reload()
    assert w.dose.verification_label.text() == "Verification out of date: new weight since"


def test_the_window_prints_the_verified_order_sheet(qtbot, dose_screen, store):
    from tests.reports.pdfcheck import pdf_text
    w, _ = dose_screen()
    w.printing.dialog = None
    assert w.printing.preview("order")
    qtbot.waitUntil(lambda: w.printing.dialog is not None, timeout=20000)
    assert "NOT VERIFIED" in pdf_text(w.printing.dialog.document.pdf)
    _verify(qtbot, w)
    w.printing.dialog = None
    assert w.printing.preview("order")
    qtbot.waitUntil(lambda: w.printing.dialog is not None, timeout=20000)
    text = " ".join(pdf_text(w.printing.dialog.document.pdf).split())
    assert "Verified by Phil Pharmacist (PH, pharmacist) — independent double check — at" in text


def test_enter_compares_then_signs_and_never_closes_the_check(qtbot, dose_screen):
    """Found in the window walk: the pharmacist types the three figures and presses Enter."""
    from tests.ui.enter import press_enter
    w, pid = dose_screen()
    dialog = _open(qtbot, w)
    _enter(dialog, "23.4", "59", "0.4")
    press_enter(qtbot, dialog.ml)
    assert dialog.isVisible() and dialog.sign_button.isEnabled()  # compared, still open
    assert dialog.sign_button.isDefault()  # the next Enter signs


def test_the_comparison_is_shown_whole(qtbot, dose_screen):
    """Found in the window walk: the calculator's working was cut off below the side-by-side table."""
    w, pid = dose_screen()
    dialog = _open(qtbot, w)
    _enter(dialog, "23.4", "59", "0.4")
    dialog.compare_button.click()
    for label in (dialog.comparison, dialog.message):
        assert label.height() >= label.heightForWidth(label.width())
