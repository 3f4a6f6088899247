"""Usable at 1366×768 (issue 4): the grading form needs no sideways scrolling to reach its fields
and "Now" buttons, whichever ICANS tool (ICE or CAPD) it shows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QScrollArea

from pacer_desktop.core.caseio import parse_case
from pacer_desktop.ui.date_time_fields import TimeField

from tests.ui.uihelp import EXAMPLES


@pytest.mark.parametrize("example, tool", [("01-", "capd"), ("02-", "ice")])
def test_grading_form_fits_1366_by_768_without_horizontal_scrolling(qtbot, make_window, store, nurse, example, tool):
    case = parse_case(next(EXAMPLES.glob(f"{example}*.case.json")).read_bytes())
    pid = store.import_case(nurse, case, mrn="L-1", name="Layout Patient")
    w = make_window(case.now)
    assert (w.width(), w.height()) == (1366, 768)
    w.open_patient(pid)
    w.show_screen(0)
    qtbot.waitUntil(lambda: w.grading.isVisible())
    assert w.grading.assessment.tool_in_use() == tool
    scroll = w.grading.findChild(QScrollArea)
    assert scroll.horizontalScrollBar().maximum() == 0
    assert scroll.widget().width() <= scroll.viewport().width()
    viewport_right = scroll.viewport().width()
    for field in w.grading.findChildren(TimeField):
        right = field.now_button.mapTo(scroll.viewport(), QPoint(field.now_button.width(), 0)).x()
        assert field.now_button.isVisible() and right <= viewport_right


def test_entry_times_follow_the_selected_patients_zone(qtbot, make_window, store, nurse):
    """The forms are built before a patient is chosen (in the workstation's or UTC's zone); once a
    patient is chosen their times are shown, labelled and read in the patient's zone."""
    case = parse_case(next(EXAMPLES.glob("01-*.case.json")).read_bytes())  # America/Chicago
    pid = store.import_case(nurse, case, mrn="Z-1", name="Zone Patient")
    w = make_window(case.now)
    w.open_patient(pid)
    for field in w.grading.findChildren(TimeField):
        assert field.zone_label.text() == "CST"
        assert field.edit.time().hour() == case.now.hour  # 08:00 in Chicago, not 14:00 UTC
        assert field.value() == case.now


def test_a_time_missing_from_the_workstations_zone_is_kept_as_typed(tmp_path):
    """A patient in London, a workstation in Chicago: 8 Mar 2026 02:30 exists in London but falls
    in Chicago's spring-forward gap. The time field must keep 02:30 London, not move it an hour
    (it did while the editor held the workstation's local time)."""
    import os
    import subprocess
    import sys
    code = (
        "from datetime import datetime\n"
        "from zoneinfo import ZoneInfo\n"
        "from PySide6.QtCore import QDate, QTime\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from pacer_desktop.ui.date_time_fields import TimeField\n"
        "london = ZoneInfo('Europe/London')\n"
        "f = TimeField(lambda: 'Europe/London', lambda: datetime(2026, 3, 7, 12, 0, tzinfo=london))\n"
        "f.set_value(datetime(2026, 3, 8, 2, 30, tzinfo=london))\n"
        "print(f.value().isoformat())\n"
        "f.edit.setDate(QDate(2026, 3, 8)); f.edit.setTime(QTime(2, 45))  # typed over\n"
        "print(f.value().isoformat())\n"
    )
    env = {**os.environ, "TZ": "America/Chicago", "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2026-03-08T02:30:00+00:00", "2026-03-08T02:45:00+00:00"]


def test_every_flowsheet_title_is_in_view_beside_a_long_correction_reason(qtbot, make_window, store, nurse):
    """A correction's reason is longer than the pane is wide: the Status column stops at about
    14 characters, so every title and column stays in view with no sideways scrolling, and the
    whole reason is in the tooltip."""
    from datetime import timedelta
    from decimal import Decimal

    from PySide6.QtCore import Qt
    case = parse_case(next(EXAMPLES.glob("01-*.case.json")).read_bytes())
    pid = store.import_case(nurse, case, mrn="L-2", name="Layout Patient")
    reason = "typed the reading of the patient in the next bed; checked with the charge nurse"
    wrong = store.add_temperature(nurse, pid, at=case.now - timedelta(minutes=5), value=Decimal("39.9"), unit="C")
    store.correct(nurse, "temperature", wrong, reason=reason, replacement={"value": Decimal("36.9")})
    w = make_window(case.now)
    w.open_patient(pid)
    qtbot.waitUntil(lambda: w.grading.flowsheet.isVisible())
    table = w.grading.flowsheet.table
    header = table.horizontalHeader()
    assert header.defaultAlignment() == Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    viewport = table.viewport().width()
    for column in range(header.count()):
        title = header.fontMetrics().horizontalAdvance(header.model().headerData(column, Qt.Orientation.Horizontal))
        assert header.sectionViewportPosition(column) + title < viewport, column
    sheet = w.grading.flowsheet
    assert table.horizontalScrollBar().maximum() == 0  # nothing to scroll sideways to: the reason is cut short
    row = next(r for r in range(sheet.model.rowCount()) if sheet.cell_text(r, 4).startswith("CORRECTED"))
    assert sheet.model.item(row, 4).toolTip() == f"CORRECTED by {nurse.initials}: {reason}"


def test_every_table_s_titles_sit_over_the_start_of_their_columns(qtbot, make_window, store, nurse):
    """The schedule, like the flowsheet, puts its titles where its cells' text starts: a centred
    title over left-aligned times and doses reads as belonging to the column beside it."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QHeaderView
    case = parse_case(next(EXAMPLES.glob("02-*.case.json")).read_bytes())
    pid = store.import_case(nurse, case, mrn="L-3", name="Layout Patient")
    w = make_window(case.now)
    w.open_patient(pid)
    w.show_screen(1)
    qtbot.waitUntil(lambda: w.dose.table.isVisible())
    assert w.dose.table.rowCount() > 0
    headers = [h for h in w.findChildren(QHeaderView) if h.orientation() == Qt.Orientation.Horizontal]
    assert {h.parent().objectName() for h in headers} >= {"schedule", "flowsheet"}
    for header in headers:
        assert header.defaultAlignment() == Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, \
            header.parent().objectName()


def test_flowsheet_columns_fit_a_patient_opened_from_the_list(qtbot, make_window, store, nurse):
    """The usual way in: the window is up, the nurse picks a patient. Every fitted column is as
    wide as its text on screen needs (they once kept the empty table's widths: "5 No…", "te…"),
    and so is each again after a new entry."""
    from datetime import timedelta
    from decimal import Decimal

    from PySide6.QtCore import Qt
    case = parse_case(next(EXAMPLES.glob("01-*.case.json")).read_bytes())
    pid = store.import_case(nurse, case, mrn="L-4", name="Layout Patient")
    w = make_window(case.now)
    qtbot.waitExposed(w)
    table = w.grading.flowsheet.table
    header = table.horizontalHeader()

    def fitted() -> list[int]:  # the columns sized to their contents, whose text does not fit
        return [c for c in range(header.count()) if c != 2 and header.sectionSize(c) < table.sizeHintForColumn(c)]

    w.open_patient(pid)
    qtbot.waitUntil(lambda: table.model().rowCount() > 0)
    QApplication.processEvents()
    assert fitted() == []
    assert header.sectionSize(0) >= header.fontMetrics().horizontalAdvance(table.model().index(0, 0).data()), \
        header.sectionSize(0)
    store.add_temperature(nurse, pid, at=case.now - timedelta(minutes=1), value=Decimal("37.2"), unit="C")
    w.state.reload()
    QApplication.processEvents()
    assert fitted() == []
    assert table.model().index(0, 1).data(Qt.ItemDataRole.DisplayRole) == "temperature"
