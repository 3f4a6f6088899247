from datetime import datetime
from pacer_desktop.core.caseio import parse_case
from tests.ui.uihelp import EXAMPLES
from PySide6.QtWidgets import QApplication

def test_dbg(qtbot, make_window, store, nurse):
    case = parse_case(next(EXAMPLES.glob("02-*.case.json")).read_bytes())
    pid = store.import_case(nurse, case, mrn="L-1", name="Maximilian Alexander Example-Longname")
    w = make_window(case.now)
    w.open_patient(pid)
    for size in ((1366, 768), (1024, 768)):
        w.resize(*size)
        QApplication.processEvents()
        print(size, "min", w.minimumSizeHint(), "actual", w.size(), "sb", w.statusBar().geometry())
        w.grab().save(f"/tmp/shot-{size[0]}.png")
        w.show_screen(2); QApplication.processEvents()
        w.grab().save(f"/tmp/shot-{size[0]}-elig.png")
        w.show_screen(1); QApplication.processEvents()
        w.grab().save(f"/tmp/shot-{size[0]}-dose.png")
        w.show_screen(0); QApplication.processEvents()
    print(w.screen().geometry(), w.screen().availableGeometry())
