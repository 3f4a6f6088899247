"""A form dialog that does not lose what was typed to a slip (no lost entries).

Escape, Cancel or the close box ask first when something was typed: "Keep editing" is the default,
so a second slip on Enter or Escape keeps it too; "Discard" closes. With nothing typed, the dialog
closes at once. When the program closes it (``done``: another patient, another user signing in),
the question goes with it rather than stay on screen alone.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLineEdit, QWidget

from .date_time_fields import TimeField


class EntryDialog(QDialog):
    """A QDialog whose ``reject`` asks before discarding typing (see the module's text)."""

    #: The question, under the dialog's own title.
    discard_question = "Discard what you typed? Nothing has been saved yet."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.discard_box: QWidget | None = None

    def has_typing(self) -> bool:
        """Whether the user typed anything: text into a field (what the form filled in itself is
        not typing: ``setText`` leaves a field unmodified), or a time set by hand."""
        return (any(e.isModified() and e.text().strip() for e in self.findChildren(QLineEdit))
                or any(t.typed for t in self.findChildren(TimeField)))

    def done(self, result: int) -> None:
        if self.discard_box is not None and self.discard_box.isVisible():
            self.discard_box.done(0)
        super().done(result)

    def reject(self) -> None:  # Escape, Cancel, the close box
        if not self.has_typing():
            super().reject()
            return
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QMessageBox  # both made on first use, not at every start
        box = QMessageBox(QMessageBox.Icon.Question, self.windowTitle(), self.discard_question,
                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Discard).setText("&Discard")  # Alt+D, as Alt+K keeps
        keep = box.button(QMessageBox.StandardButton.Cancel)
        keep.setText("&Keep editing")
        keep.setIcon(QIcon())  # not Cancel's cross: this button cancels the discarding, not the form
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)

        def answered() -> None:
            if box.clickedButton() is box.button(QMessageBox.StandardButton.Discard):
                QDialog.reject(self)
        box.finished.connect(answered)
        self.discard_box = box
        box.open()
