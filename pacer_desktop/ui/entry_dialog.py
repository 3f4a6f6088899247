"""A form dialog that does not lose what was typed to a slip (no lost entries).

Escape, Cancel or the close box ask first when something was typed: "Keep editing" is the default,
so a second slip on Enter or Escape keeps it too; "Discard" closes. With nothing typed, the dialog
closes at once. When the program closes it (``done``: another patient, another user signing in),
the question goes with it rather than stay on screen alone. While a save is under way (:meth:`send`)
Escape and the close box do nothing: the entry may still land, so "nothing has been saved" would
not be true, and a nurse told so would record it again. The dialog closes when it is saved, or takes
input again with the reason it was not. A form the program closes during its save leaves the answer
to the window: "Saved" in its status bar, or a "Not saved" box with the reason.

"Typed" means any input changed since the dialog was shown: text, a choice, a tick, a spin box's
value, or a time. A time field that follows the clock changes by itself, so it counts only when the
user edited it (:attr:`TimeField.typed`); one that was set (a correction's time) counts when it
shows another time, Now pressed included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QDialog, QLineEdit, QWidget

from .date_time_fields import TimeField


class EntryDialog(QDialog):
    """A QDialog whose ``reject`` asks before discarding typing (see the module's text)."""

    #: The question, under the dialog's own title.
    discard_question = "Discard what you typed? Nothing has been saved yet."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.discard_box: QWidget | None = None
        self._as_shown: dict | None = None  # each input's value when the dialog was first shown
        self._times_as_shown: dict = {}  # each time field that was set (not following the clock)
        self.saving = False  # a save sent (send) that has not answered yet
        self._sent: object | None = None  # that save; None once the program closed the form

    def send(self, work: Callable, done_text: str, *, button: QWidget, on_problems: Callable,
             on_saved: Callable[[Any], None] | None = None, **options) -> bool:
        """``self.state.save`` for this form: ``button`` is disabled, and Escape waits, until the save
        answers. Saved: ``on_saved``, else the dialog closes. Not saved: the form takes input again
        and ``on_problems`` shows why."""
        from .patient_state import UNEXPECTED
        button.setEnabled(False)
        self.saving, sent = True, object()
        self._sent = sent
        who = self.state.user.initials if self.state.user is not None else ""

        def back(found) -> None:
            if self._sent is not sent:  # the form is gone: the window says it, once
                reasons = [p.message for p in found if p.message != UNEXPECTED]  # that one has its box already
                if reasons:
                    self.state.failed.emit(f"Not saved: {who}'s entry “{done_text}” (its form had been closed). "
                                           + " ".join(reasons))
                return
            self.saving = False
            button.setEnabled(True)
            on_problems(found)

        def saved(value: Any) -> None:
            if self._sent is not sent:  # the form is gone; the window says "Saved"
                return
            self.saving = False
            (on_saved or (lambda _value: self.accept()))(value)
        try:
            return self.state.save(work, done_text, on_problems=back, on_saved=saved, **options)
        except BaseException:
            self.saving = False
            button.setEnabled(True)
            raise

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._as_shown is None:
            self.start_afresh()
        super().showEvent(event)

    def start_afresh(self) -> None:
        """What the form shows now counts as nothing typed: for a form that stays open after its
        save (People), so that Escape then closes it at once."""
        self._as_shown = self._inputs()
        self._times_as_shown = {t: t.value() for t in self.findChildren(TimeField) if not t.following}

    def _inputs(self) -> dict:
        """Each input's value, by widget; a time field's parts are left to :attr:`TimeField.typed`."""
        values = {}
        for w in self.findChildren(QWidget):
            if _in_time_field(w, self):
                continue
            if isinstance(w, QLineEdit):
                values[w] = w.text().strip()
            elif isinstance(w, QComboBox):
                values[w] = w.currentIndex()
            elif isinstance(w, QAbstractSpinBox):
                values[w] = w.text()
            elif isinstance(w, QAbstractButton) and w.isCheckable():
                values[w] = w.isChecked()
        return values

    def has_typing(self) -> bool:
        """Whether the user changed anything since the dialog was shown (see the module's text)."""
        if any(t.typed or (t in self._times_as_shown and t.value() != self._times_as_shown[t])
               for t in self.findChildren(TimeField)):
            return True
        if self._as_shown is None:
            return False
        now = self._inputs()
        return any(w in now and now[w] != value for w, value in self._as_shown.items())

    def done(self, result: int) -> None:
        if self.discard_box is not None and self.discard_box.isVisible():
            self.discard_box.done(0)
        self._sent = None  # a save still under way answers to the window, not to this form
        super().done(result)

    def reject(self) -> None:  # Escape, Cancel, the close box
        if self.saving:
            return  # see the module's text: the save closes the dialog, or gives the form back
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


def _in_time_field(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parent()
    while parent is not None and parent is not top:
        if isinstance(parent, TimeField):
            return True
        parent = parent.parent()
    return False
