"""Helpers shared by the window tests (imported as ``tests.ui.uihelp``, never as ``conftest``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tests.paths import EXAMPLES

__all__ = ["EXAMPLES", "TEST_NOW", "Clock", "example", "wait_saved"]


#: Where a test's clock starts: after every worked example and test entry, whatever today's date
#: is on the workstation (the suite runs under faketime in 2025 and 2031 in CI).
TEST_NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


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
