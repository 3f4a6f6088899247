"""The Administration menu (issue 18): People… (the dialog, people.py, made on first use), back up
the database now, restore it from a backup. Each step is checked against the permission table; a
restore is signed with the administrator's PIN (:class:`.signing.Gate`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from .signing import accounts_for

if TYPE_CHECKING:
    from .main_window import MainWindow


def install(window: MainWindow) -> None:
    """The Administration menu: People…, Back up now, Restore from a backup…"""
    menu = window.menuBar().addMenu("&Administration")
    menu.setObjectName("admin_menu")
    menu.setToolTipsVisible(True)  # a disabled entry says who may use it
    for name, text, slot in (("people", "&People…", window.open_people),
                             ("backup", "&Back up the database now", lambda: back_up(window)),
                             ("restore", "&Restore the database from a backup…", lambda: ask_restore(window))):
        action = QAction(text, window, objectName=name)
        action.triggered.connect(slot)
        menu.addAction(action)


def back_up(window: MainWindow) -> None:
    if refused := window.gate.refusal("backup"):
        window.statusBar().showMessage(f"⚠ {refused}", 15000)
        return
    window.ops.run_in_background(lambda store: store.backup(), on_success=lambda path: window.statusBar().showMessage(
        f"✓ Backup made: {path}", 30000), on_failure=lambda exc: window.statusBar().showMessage(
        f"⚠ Backup failed: {exc}", 30000))


def ask_restore(window: MainWindow) -> None:
    from PySide6.QtWidgets import QFileDialog
    path, _ = QFileDialog.getOpenFileName(window, "Restore the database from a backup", str(window.store.backups_dir),
                                          "PACER database (*.sqlite3)")
    if path:
        restore(window, Path(path))


def restore(window: MainWindow, backup: Path) -> None:
    """Signed by the administrator in the database as it is, then replaced (as ``pacer-desktop
    restore``: the signature stays in the copy set aside)."""
    if refused := window.gate.refusal("restore"):
        window.statusBar().showMessage(f"⚠ {refused}", 15000)
        return
    user, meaning = window.state.user, f"restored the database from {backup.name}"
    if refusal := window.store.restore_refusal(backup):  # a copy of another database: before any PIN
        window.statusBar().showMessage(f"⚠ Not restored: {refusal}. To do it on purpose, an administrator"
                                       " runs `pacer-desktop restore --other-database`.", 60000)
        return

    def signed(pin: str, _session) -> None:
        def work(store):
            accounts_for(store, user).sign(user.initials, pin, action="restore", meaning=meaning)
            return store.restore_from(user, backup)

        def restored(aside) -> None:
            window.state.reload()
            window.patients.refresh()
            window.statusBar().showMessage(f"✓ Restored from {backup.name}; the previous contents are in {aside}",
                                           60000)
        window.ops.run(work, on_success=restored,
                       on_failure=lambda exc: window.statusBar().showMessage(f"⚠ Not restored: {exc}", 60000))

    window.gate.sign_then(meaning, signed)
