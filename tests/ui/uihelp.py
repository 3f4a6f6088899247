"""Helpers shared by the window tests (imported as ``tests.ui.uihelp``, never as ``conftest``)."""

from __future__ import annotations

import json
from datetime import datetime

from tests.paths import EXAMPLES

__all__ = ["EXAMPLES", "Clock", "example", "wait_saved"]


class Clock:
    """A settable clock for the window (the rules judge 'now')."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def wait_saved(qtbot, window) -> None:
    """Saving runs off the GUI thread: wait for it to land and be delivered."""
    qtbot.waitUntil(lambda: not window.ops.busy, timeout=10000)


def example(name: str) -> dict:
    return json.loads(next(EXAMPLES.glob(f"{name}*.case.json")).read_text())
