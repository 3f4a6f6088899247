"""The window's side of issue 19: the study ID on the new-patient form, and File → Export for the study…"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from tests.exports.conftest import NURSE, RESEARCH  # noqa: E402
from tests.people import WARD  # noqa: E402
from tests.ui.enter import sign  # noqa: E402
from tests.ui.uihelp import Clock, wait_saved  # noqa: E402

NOW = datetime(2026, 11, 6, 14, 0, tzinfo=UTC)


@pytest.fixture
def window(qtbot, store, qapp, monkeypatch):
    """The window, the nurse signed in; the ward's people have accounts (issue 18: an export is
    signed by a research user)."""
    from pacer_desktop.ui.main_window import MainWindow
    from tests.people import Ward, cheap_scrypt
    cheap_scrypt(monkeypatch)
    Ward(monkeypatch).create(store.path)
    qapp.setQuitOnLastWindowClosed(False)
    w = MainWindow(store, user=NURSE, clock=Clock(NOW), ask_who=False)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.ops.wait()
    w.close()
    # Deleted, not only closed: its minute timer would tick on the closed store a minute later,
    # failing whichever test is running then (as tests/ui/conftest.py does for its windows).
    from PySide6.QtCore import QCoreApplication, QEvent
    w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_the_new_patient_form_takes_the_study_id(qtbot, window, store):
    window.new_patient()
    d = window.dialog
    qtbot.keyClicks(d.mrn, "1001")
    qtbot.keyClicks(d.name, "Ada Child")
    qtbot.keyClicks(d.study_id, "PACER-012")
    d.dob.set_value(date(2016, 4, 12))
    d.sex.set_value("female")
    d.zone.setText("America/Chicago")
    d.submit()
    wait_saved(qtbot, window)
    [p] = store.patients()
    assert p.study_id == "PACER-012"


def test_a_study_id_of_the_wrong_form_is_shown_beside_its_field(qtbot, window, store):
    window.new_patient()
    d = window.dialog
    qtbot.keyClicks(d.mrn, "1001")
    qtbot.keyClicks(d.name, "Ada Child")
    qtbot.keyClicks(d.study_id, "12")
    d.dob.set_value(date(2016, 4, 12))
    d.sex.set_value("female")
    d.submit()
    wait_saved(qtbot, window)
    assert "PACER-001" in d.messages.text()
    assert store.patients() == []


def test_the_file_menu_exports_for_the_study_off_the_gui_thread(qtbot, window, store, examples, tmp_path):
    from PySide6.QtWidgets import QMenu
    file_menu = window.findChild(QMenu, "file_menu")
    assert file_menu is not None and file_menu.title() == "&File"
    assert [a.objectName() for a in file_menu.actions()] == ["export_study", "export_fhir"]
    assert "Export for the study" in file_menu.actions()[0].text()
    exporter = window.study_export
    with qtbot.waitSignal(exporter.problem) as refused:  # the nurse may not export (issue 18)
        exporter.export_redcap(tmp_path / "study")
    assert refused.args[0].startswith("Only a research user or an administrator may export")
    window.state.set_user(RESEARCH)
    with qtbot.waitSignal(exporter.done, timeout=20000) as done:
        exporter.export_redcap(tmp_path / "study")
        sign(qtbot, window, WARD["RS"][2])
    assert "5 patients" in done.args[0]
    assert (tmp_path / "study" / "pacer_records.csv").is_file()
    with qtbot.waitSignal(exporter.done, timeout=20000):
        exporter.export_fhir(examples[0][1], tmp_path / "bundle.json")
        sign(qtbot, window, WARD["RS"][2])
    assert json.loads((tmp_path / "bundle.json").read_text())["type"] == "transaction"
