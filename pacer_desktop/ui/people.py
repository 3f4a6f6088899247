"""People… (issue 18): every account, and the administrator's three steps on them (add, reset a
PIN, deactivate; never delete), each checked against the permission table and signed with the
administrator's PIN (:class:`.signing.Gate`). Opened from the Administration menu (admin_menu.py).
An :class:`.entry_dialog.EntryDialog`: a new user half typed is not lost to Escape or Close, and
once a step is done the form is empty for the next one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtWidgets import (QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from ..core import notation
from ..core.permissions import ROLES
from .entry_dialog import EntryDialog
from .signin import pin_edit
from .signing import accounts_for
from .widgets import Choice, row_table

if TYPE_CHECKING:
    from .main_window import MainWindow

COLUMNS = ("Initials", "Name", "Role", "Active", "Locked until")


class PeopleDialog(EntryDialog):
    """Every account (deactivated ones too) and the administrator's three steps on them."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.window = window
        self.state = window.state
        self.setWindowTitle("People")
        self.resize(720, 520)
        self.table = row_table(COLUMNS, "people_table")
        self.new_initials = QLineEdit(objectName="new_initials")
        self.new_initials.setMaxLength(8)
        self.new_name = QLineEdit(objectName="new_name")
        self.new_role = Choice([(r, r) for r in ROLES])
        self.new_pin = pin_edit("new_pin")
        self.message = QLabel(objectName="people_message")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Initials (new user)", self.new_initials)
        form.addRow("Full name", self.new_name)
        form.addRow("Role", self.new_role)
        form.addRow("First PIN (to add, or to reset the selected user's)", self.new_pin)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add user", clicked=self.add)
        self.reset_button = QPushButton("&Reset the PIN of the selected user", clicked=self.reset_pin)
        self.deactivate_button = QPushButton("&Deactivate the selected user", clicked=self.deactivate)
        for b in (self.add_button, self.reset_button, self.deactivate_button):
            buttons.addWidget(b)
        self.close_button = QPushButton("Close", clicked=self.reject)  # as Escape: asks if a user is half typed
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        note = QLabel("Users are never deleted: a deactivated user keeps every entry under their initials."
                      " A new or reset PIN must be changed by its user at the next sign-in."
                      " Each step is signed with your PIN.")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        users = accounts_for(self.state.store, self.state.user).users()
        self.table.setRowCount(len(users))
        for r, u in enumerate(users):
            locked = u.locked_until is not None and u.locked_until > self.state.now()
            cells = (u.initials, u.name, u.role, "yes" if u.active else "no (deactivated)",
                     notation.day_time(u.locked_until.astimezone()) if locked else "")  # the workstation's time
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def select(self, initials: str) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).text() == initials:
                self.table.selectRow(r)

    def selected(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).text() if rows else ""

    # ---- the three steps, each signed -------------------------------------------------------
    def add(self) -> None:
        new, name, role, pin = (self.new_initials.text().strip().upper(), self.new_name.text().strip(),
                                self.new_role.value(), self.new_pin.text())
        if not new or not name:
            self.message.setText("Give the new user's initials and full name.")
            return
        self._signed(new, f"added user {new} ({role})", lambda accounts, admin: accounts.add_user(
            admin, new, name=name, role=role, pin=pin, must_change_pin=True), added=True)

    def reset_pin(self) -> None:
        who, pin = self.selected(), self.new_pin.text()
        if not who:
            self.message.setText("Select the user whose PIN is reset.")
            return
        self._signed(who, f"reset the PIN of {who}", lambda accounts, admin: accounts.reset_pin(admin, who, pin))

    def deactivate(self) -> None:
        who = self.selected()
        if not who:
            self.message.setText("Select the user to deactivate.")
            return
        self._signed(who, f"deactivated {who}", lambda accounts, admin: accounts.deactivate(admin, who))

    def _signed(self, who: str, meaning: str, change: Callable, *, added: bool = False) -> None:
        """``change(accounts, admin_session)``, then the administrator's signature on that user's row."""
        gate = self.window.gate
        if refused := gate.refusal("manage_users"):
            self.message.setText(refused)
            return
        user = self.state.user

        def signed(pin: str, session) -> None:
            def work(store):
                accounts = accounts_for(store, user)
                change(accounts, session)
                account = accounts.account(who)
                accounts.sign(user.initials, pin, action="manage_users", meaning=meaning, table="users",
                              row_id=account.id)
            self.saving = True  # Escape and Close wait for the answer (EntryDialog)
            self.state.ops.run(work, on_success=lambda _v: self._done(f"✓ {meaning[:1].upper()}{meaning[1:]}.",
                                                                      added=added),
                               on_failure=lambda exc: self._done(f"Not done: {exc}."))

        gate.sign_then(meaning, signed)

    def _done(self, text: str, *, added: bool = False) -> None:
        self.saving = False
        self.message.setText(text)
        if not self.isVisible():  # closed while the step was saved: the window says it instead
            self.window.statusBar().showMessage(f"People: {text}", 15000)
        self.new_pin.clear()
        if added:  # the new user's fields are empty for the next; any other step leaves them as typed
            self.new_initials.clear()
            self.new_name.clear()
            self.start_afresh()
        self.refresh()
