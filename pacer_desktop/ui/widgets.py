"""Small widgets every screen uses: field messages, choices, yes/no/not-entered, banners, dialog buttons.

Dates and times are in :mod:`.date_time_fields`."""

from __future__ import annotations

import re
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Callable, Iterator

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QPushButton, QSpinBox, QTableWidget, QVBoxLayout, QWidget)

from ..core.errors import CaseError, Problem


@contextmanager
def signals_blocked(*objects: QObject) -> Iterator[None]:
    """Update widgets without their change signals firing (napari's ``qt_signals_blocked``)."""
    previous = [o.blockSignals(True) for o in objects]
    try:
        yield
    finally:
        for o, was in zip(objects, previous):
            o.blockSignals(was)


def field_key(field: str) -> str:
    """``assessments[3].crs.oxygen_flow_l_min`` → ``oxygen_flow_l_min``."""
    return re.sub(r"\[\d+\]", "", field).rsplit(".", 1)[-1]


class FieldMessages:
    """Red-and-worded messages under the fields of one form; unmatched problems go to the form."""

    def __init__(self, form_label: QLabel) -> None:
        self._labels: dict[str, QLabel] = {}
        self._form = form_label
        _style_error(form_label)

    def label_for(self, key: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"error_{key}")
        _style_error(label)
        self._labels[key] = label
        return label

    def has(self, key: str) -> bool:
        """Whether a field ``key`` has its own message label here."""
        return key in self._labels

    def clear(self) -> None:
        for label in [*self._labels.values(), self._form]:
            label.clear()
            label.hide()

    def show(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        self.clear()
        loose = []
        for p in problems:
            label = self._labels.get(field_key(p.field)) if p.field else None
            if label is None:
                loose.append(str(p) if p.field else p.message)
                continue
            text = f"{label.text()}\n{p.message}" if label.text() else p.message
            label.setText("⚠ " + text if not label.text() else text)
            label.show()
        if loose:
            self._form.setText("⚠ " + "\n".join(loose))
            self._form.show()
        window = self._form.window()
        if isinstance(window, QDialog):  # a dialog grows to show every message whole
            window.adjustSize()

    def text(self) -> str:
        return "\n".join(lb.text() for lb in [*self._labels.values(), self._form] if lb.text())


def _style_error(label: QLabel) -> None:
    label.setStyleSheet("color: #a40000; font-weight: bold;")
    label.setWordWrap(True)
    label.hide()


class SubmitOnEnter:
    """Mixin for a form on a screen (a dialog has its default button instead): Enter or Return in
    any of its fields runs the form's ``submit``. Line edits, spin boxes, date and time fields and
    closed combo boxes pass the key on to their parent, as they do to a dialog."""

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            self.submit()
            return
        super().keyPressEvent(event)


def parse_decimal(text: str) -> Decimal | None:
    """``"38,7"`` or ``"38.7"`` → Decimal; blank → None; raises ValueError in plain words."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text}” is not a number") from None
    if not value.is_finite():
        raise ValueError(f"“{text}” is not a number")
    return value


def required_decimal(text: str, field: str, missing: str) -> Decimal:
    """A number that must be entered; raises :class:`CaseError` naming ``field`` in plain words."""
    try:
        value = parse_decimal(text)
    except ValueError as exc:
        raise CaseError([Problem(field, str(exc))]) from None
    if value is None:
        raise CaseError([Problem(field, missing)])
    return value


class WheelOnlyWhenFocused:
    """Mixin for a field whose value the mouse wheel can change (combo box, spin box, date and
    time): the wheel changes it only once the user has put the focus in it; otherwise the turn
    goes on to the form, which scrolls. Scrolling a long form must never change an answer that
    happens to pass under the pointer."""

    def _guard_wheel(self) -> None:
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a wheel turn does not take the focus

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # to the parent: the scroll area


class SpinBox(WheelOnlyWhenFocused, QSpinBox):
    """A whole-number field (e.g. an ICE item) that scrolling past does not change."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._guard_wheel()


class Choice(WheelOnlyWhenFocused, QComboBox):
    """A combo box of ``(value, text)`` pairs; ``value()`` gives the value of the current item."""

    def __init__(self, items: list[tuple[object, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._guard_wheel()
        for value, text in items:
            self.addItem(text, value)

    def value(self):
        return self.currentData()

    def values(self) -> list:
        return [self.itemData(i) for i in range(self.count())]

    def set_value(self, value) -> None:
        for i in range(self.count()):
            if self.itemData(i) == value:
                self.setCurrentIndex(i)
                return
        raise ValueError(f"{value!r} is not a choice")


def yes_no(parent: QWidget | None = None) -> Choice:
    """Yes / no / not entered (None is missing data, never a pass)."""
    return Choice([(None, "— not entered"), (True, "yes"), (False, "no")], parent)


class Banner(QLabel):
    """A worded, coloured strip: the words carry the meaning, the colour only repeats it."""

    COLOURS = {"alarm": ("#ffffff", "#b00020"), "warn": ("#000000", "#ffd54f"),
               "ok": ("#ffffff", "#1b5e20"), "info": ("#000000", "#e0e0e0")}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_text(self, text: str, kind: str = "info") -> None:
        if not text:
            self.clear()
            self.hide()
            return
        if kind != getattr(self, "_kind", None):  # re-styling is slow: only when the kind changes
            fg, bg = self.COLOURS[kind]
            self.setStyleSheet(f"QLabel {{ color: {fg}; background: {bg}; padding: 6px; font-weight: bold;"
                               " border-radius: 3px; }")
            self._kind = kind
        self.setText(text)
        self.show()


def say_in(label: QLabel, text: str) -> None:
    """Show ``text`` in a dialog's message ``label``, the dialog taller if the text needs more lines:
    a window keeps the size it was shown at, so a wrapped message of two or three lines squeezed the
    fields above it to slits (seen under Xvfb in the sign-in dialog)."""
    label.setText(text)
    window = label.window()
    if window.isVisible() and window.hasHeightForWidth():
        needed = window.heightForWidth(window.width())
        if needed > window.height():
            window.resize(window.width(), needed)


def line_edit(placeholder: str = "", name: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    if name:
        edit.setObjectName(name)
    return edit


def dialog_buttons(dialog: QDialog, layout: QVBoxLayout, ok_text: str, submit: Callable[[], None], *,
                   cancel: bool = True) -> QPushButton:
    """Add the dialog's buttons at the end of its ``layout``: Cancel (unless ``cancel`` is False)
    and the OK button, named ``ok_text``, which runs ``submit``. OK is the dialog's default
    button: Enter in any field presses it."""
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel if cancel
                           else QDialogButtonBox.StandardButton.NoButton)
    ok = box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    box.accepted.connect(submit)
    box.rejected.connect(dialog.reject)
    layout.addWidget(box)  # last in the focus chain, as on screen
    ok.setDefault(True)  # once in the dialog, which then knows its default button
    return ok


def lay_out_dialog(dialog: QDialog, form: QFormLayout, form_error: QLabel, ok_text: str,
                   submit: Callable[[], None]) -> QPushButton:
    """Lay out a form dialog: the form, its message, then Cancel and OK (:func:`dialog_buttons`)."""
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(form_error)
    return dialog_buttons(dialog, layout, ok_text, submit)


def row_table(columns: tuple[str, ...], name: str) -> QTableWidget:
    """A read-only table whose rows are selected whole, one at a time."""
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(columns)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    # Titles over the start of their column, like the cells below them and the flowsheet's titles.
    table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table
