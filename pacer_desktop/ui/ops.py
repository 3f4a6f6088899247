"""Every write goes through :class:`StoreOps` (Anki's ``CollectionOp`` pattern).

The work runs on one worker thread of a private pool; success or failure is delivered on the GUI
thread. The work function gets the store (whose methods are safe from any thread) and must never
touch a widget. One worker thread means writes happen in the order they were asked for.
"""

from __future__ import annotations

import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from ..storage import Store


class _Relay(QObject):
    """Lives on the GUI thread; its signals, emitted by the worker, are queued back to it."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, on_success: Callable[[Any], None], on_failure: Callable[[BaseException], None],
                 done: Callable[[_Relay], None]) -> None:
        super().__init__()
        self._on_success, self._on_failure, self._done = on_success, on_failure, done
        self.succeeded.connect(self._deliver_success)
        self.failed.connect(self._deliver_failure)

    @Slot(object)
    def _deliver_success(self, value: Any) -> None:
        try:
            self._on_success(value)
        finally:
            self._done(self)

    @Slot(object)
    def _deliver_failure(self, exc: BaseException) -> None:
        try:
            self._on_failure(exc)
        finally:
            self._done(self)


class _Work(QRunnable):
    def __init__(self, ops: StoreOps, work: Callable[[Store], Any], relay: _Relay) -> None:
        super().__init__()
        self._ops, self._work, self._relay = ops, work, relay
        self.setAutoDelete(True)

    def run(self) -> None:  # worker thread: no widgets here
        try:
            value = self._work(self._ops.store)
        except BaseException as exc:  # noqa: BLE001 - every failure reaches the GUI thread
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(value)


class StoreOps(QObject):
    """Runs store writes off the GUI thread; ``busy_changed`` tells the window to show it."""

    busy_changed = Signal(bool)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)   # one writer: writes land in the order asked
        self._pending: set[_Relay] = set()
        # Long jobs that only read (the daily backup) have a thread of their own, so that they
        # never hold up a write and do not show as "saving…".
        self._background = QThreadPool(self)
        self._background.setMaxThreadCount(1)
        self._background_relays: set[_Relay] = set()

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def run(self, work: Callable[[Store], Any], *, on_success: Callable[[Any], None],
            on_failure: Callable[[BaseException], None]) -> None:
        """Run ``work(store)`` on the worker; call back on the GUI thread with its value or error."""
        relay = _Relay(on_success, on_failure, self._finished)
        self._pending.add(relay)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Work(self, work, relay))

    def run_in_background(self, work: Callable[[Store], Any], *, on_success: Callable[[Any], None],
                          on_failure: Callable[[BaseException], None]) -> None:
        """As :meth:`run`, on the background thread: for reading jobs that may take seconds."""
        relays = self._background_relays
        relay = _Relay(on_success, on_failure, lambda r: (relays.discard(r), r.deleteLater()))
        relays.add(relay)
        self._background.start(_Work(self, work, relay))

    def _finished(self, relay: _Relay) -> None:
        self._pending.discard(relay)
        relay.deleteLater()
        if not self._pending:
            self.busy_changed.emit(False)

    def wait(self, msecs: int = -1, *, background: bool = True) -> bool:
        """Block until queued writes (and background jobs, unless ``background=False``) are done,
        before the database closes; their results still arrive as events."""
        writes_done = self._pool.waitForDone(msecs)
        return writes_done and (not background or self._background.waitForDone(msecs))
