"""File → Export for the study… (REDCap) and Export for the hospital record… (FHIR R4), issue 19.

The export reads every patient, evaluates them and records itself in the audit log, so it runs on
the store's worker (:class:`.ops.StoreOps`, after any entry still being saved) and never on the GUI
thread; a progress dialog follows it when there are many patients. :mod:`pacer_desktop.exports`
(and fhir.resources) are imported inside the work, when an export is asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from ..core.errors import CaseError

if TYPE_CHECKING:
    from .main_window import MainWindow

#: Show a progress dialog once an export has taken this long (a few patients never see it).
PROGRESS_AFTER_MS = 400


class StudyExporter(QObject):
    """Runs exports off the GUI thread; ``done(text)`` or ``problem(text)`` when finished."""

    done = Signal(str)
    problem = Signal(str)
    progress = Signal(int, int)  # emitted by the worker: queued to the GUI thread

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.state = window.state
        self.dialog = None

    # ---- asked from the menu -----------------------------------------------------------------
    def ask_redcap(self) -> None:
        from PySide6.QtWidgets import QFileDialog
        folder = QFileDialog.getExistingDirectory(self.window, "Export for the study: choose a folder")
        if folder:
            self.export_redcap(Path(folder))

    def ask_fhir(self) -> None:
        from PySide6.QtWidgets import QFileDialog
        if self.state.patient_id is None:
            self.problem.emit("Select a patient first: the hospital record export is of one patient.")
            return
        path, _ = QFileDialog.getSaveFileName(self.window, "Export for the hospital record (FHIR R4)",
                                              f"pacer-fhir-{self.state.record.mrn}.json", "FHIR bundle (*.json)")
        if path:
            self.export_fhir(self.state.patient_id, Path(path))

    # ---- the work ----------------------------------------------------------------------------
    def export_redcap(self, folder: Path) -> bool:
        """Every current patient with a study ID into ``folder``; those without are named after."""
        user = self.state.user
        if user is None:
            self.problem.emit("Nobody is signed in: enter your initials and role first.")
            return False
        patients = self.state.store.patients()
        chosen = [p.id for p in patients if p.study_id]
        left_out = [p.mrn for p in patients if not p.study_id]
        if not chosen:
            self.problem.emit("No patient has a study ID yet: nothing was exported.")
            return False

        def work(store):
            from ..exports.redcap import export_redcap
            return export_redcap(store, user, folder, chosen,
                                 progress=lambda n, total: self.progress.emit(n, total)).summary()

        def finished(text: str) -> None:
            if left_out:
                text += f"; left out (no study ID): MRN {', '.join(left_out)}"
            self._finish()
            self.done.emit(text)

        meaning = f"exported REDCap files of {len(chosen)} patient(s) to {folder.name}"
        return self._signed(work, finished, meaning, before=lambda: self._show_progress(len(chosen)))

    def export_fhir(self, patient_id: int, path: Path) -> bool:
        user = self.state.user
        if user is None:
            self.problem.emit("Nobody is signed in: enter your initials and role first.")
            return False

        def work(store):
            from ..exports.fhir import export_fhir
            return export_fhir(store, user, patient_id, path)

        def finished(text: str) -> None:
            self._finish()
            self.done.emit(text)

        return self._signed(work, finished, f"exported a FHIR R4 bundle to {path.name}", patient_id=patient_id)

    def _signed(self, work, finished, meaning: str, *, patient_id: int | None = None, before=None) -> bool:
        """Issue 18: an export is a research user's or an administrator's, signed with the PIN asked
        again (core/permissions); a wrong PIN or a closed Sign dialog exports nothing."""
        gate = self.window.gate
        if refused := gate.refusal("export"):
            self.problem.emit(refused)
            return False
        user = self.state.user

        def signed(pin: str, _session) -> None:
            def signed_work(store):
                from ..storage.accounts import Accounts
                done = work(store)
                Accounts(store, workstation=user.workstation).sign(user.initials, pin, action="export",
                                                                   meaning=meaning, patient_id=patient_id)
                return done
            if before is not None:
                before()
            self.state.ops.run(signed_work, on_success=finished, on_failure=self._failed)

        gate.sign_then(meaning, signed)
        return True

    def _show_progress(self, total: int) -> None:
        from PySide6.QtWidgets import QProgressDialog
        dialog = QProgressDialog("Exporting for the study…", "", 0, total, self.window)
        dialog.setCancelButton(None)  # the export writes its audit rows at the end: it runs to the end
        dialog.setWindowTitle("Export for the study")
        dialog.setMinimumDuration(PROGRESS_AFTER_MS)
        dialog.setValue(0)
        self.progress.connect(dialog.setValue)
        self.dialog = dialog

    def _finish(self) -> None:
        if self.dialog is not None:
            self.progress.disconnect(self.dialog.setValue)
            self.dialog.reset()
            self.dialog.deleteLater()
            self.dialog = None

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        if isinstance(exc, CaseError):
            self.problem.emit("Not exported: " + "; ".join(str(p) for p in exc.problems))
        else:
            self.problem.emit(f"Not exported: {exc}")


def install(window: MainWindow) -> None:
    """The File menu's two exports; :class:`StudyExporter` is made when one is first asked for."""
    from PySide6.QtGui import QAction
    menu = window.menuBar().addMenu("&File")
    menu.setObjectName("file_menu")
    study = QAction("Export for the study (REDCap)…", window, objectName="export_study")
    study.triggered.connect(lambda: window.study_export.ask_redcap())
    hospital = QAction("Export this patient for the hospital record (FHIR R4)…", window, objectName="export_fhir")
    hospital.triggered.connect(lambda: window.study_export.ask_fhir())
    menu.addAction(study)
    menu.addAction(hospital)


def make_exporter(window: MainWindow) -> StudyExporter:
    exporter = StudyExporter(window)
    exporter.done.connect(lambda text: window.statusBar().showMessage(f"✓ {text}", 30000))
    exporter.problem.connect(lambda text: window.statusBar().showMessage(f"⚠ {text}", 30000))
    return exporter
