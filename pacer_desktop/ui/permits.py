"""Controls the signed-in role may not use are disabled, their tooltip naming who may (issue 18).

:class:`Permits` walks one list of (control, action of :mod:`pacer_desktop.core.permissions`)
whenever the user changes and after each redraw (a screen enables its own buttons as the patient
changes: the role's refusal is laid over that, last). Disabling is only what the eye sees: the
same table refuses the write itself (:class:`.signing.Gate`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from ..core import permissions
from .print_menu import KINDS
from .signing import tooltip_refusal

if TYPE_CHECKING:
    from .main_window import MainWindow

#: Menu entries (object names) and the action each does.
MENU_ACTIONS = {**{f"print_{kind}": permissions.PRINT_ACTIONS[kind] for kind in KINDS},
                "export_study": "export", "export_fhir": "export", "backup": "backup", "restore": "restore",
                "people": "manage_users"}
_OWN_TIP = "permits_own_tooltip"
_OFF = "permits_disabled"


def _controls(w: MainWindow) -> list[tuple[Callable[[], QWidget | QAction | None], str]]:
    screens = w._screens
    dose = screens.get(1)
    eligibility = screens.get(2)
    found: list = [(lambda: w.grading.temperature, "record_temperature"),
                   (lambda: w.grading.weight, "record_weight"),
                   (lambda: w.grading.assessment, "record_assessment")]
    if dose is not None:
        found += [(lambda: dose.give_button, "record_dose_given"), (lambda: dose.other_button, "record_dose_given"),
                  (lambda: dose.escalate_button, "escalate"), (lambda: dose.restart_button, "restart")]
    if eligibility is not None:
        found += [(lambda: eligibility.save_button, "enter_eligibility"),
                  (lambda: getattr(w, "_sign_off", None), "sign_eligibility")]
    # "Print this screen's document" (Ctrl+P) stays enabled: a key that does nothing says nothing,
    # so the printer says who may when the role may not (DocumentPrinter.preview).
    found += [(lambda name=name: w.findChild(QAction, name), action) for name, action in MENU_ACTIONS.items()]
    return found


class Permits(QObject):
    """Keeps a window's controls in step with the signed-in role."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._following = False
        window.state.user_changed.connect(self._on_user_changed)
        window.tabs.currentChanged.connect(lambda _i: self.apply())
        self.follow_redraws()

    def follow_redraws(self) -> None:
        """Be the last to hear ``changed`` (call again after a screen is built: it connects later)."""
        changed = self.window.state.changed
        if self._following:
            changed.disconnect(self.apply)
        changed.connect(self.apply)
        self._following = True
        self.apply()

    def _on_user_changed(self) -> None:
        """Controls the last role was refused are given back to their screens' own rules (the
        screens redraw on ``changed``), then the new role's refusals are laid over them, last."""
        for control, _action in _controls(self.window):
            widget = control()
            if widget is not None and widget.property(_OFF):
                widget.setProperty(_OFF, False)
                widget.setEnabled(True)
                widget.setToolTip(widget.property(_OWN_TIP) or "")
        if self.window.state.patient_id is not None and self.window.state.user is not None:
            self.window.state.reload()
        else:
            self.apply()

    def apply(self) -> None:
        user = self.window.state.user
        if user is None:
            return
        for control, action in _controls(self.window):
            widget = control()
            if widget is None or permissions.allowed(user.role, action):
                continue
            if not widget.property(_OFF):
                widget.setProperty(_OWN_TIP, widget.toolTip())
                widget.setProperty(_OFF, True)
            widget.setEnabled(False)
            widget.setToolTip(tooltip_refusal(user.role, action))
