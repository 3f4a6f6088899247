"""One wording on screen and paper (issue 16 §4): the screens' age follows the paper's rule, and
the window and the order sheet reach the same wording functions."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pacer_desktop.core import notation, wording
from pacer_desktop.reports import content
from pacer_desktop.reports.order_sheet import order_sheet
from pacer_desktop.ui import presenters as say
from tests.reports.pdfcheck import STANDARD, make_job

ON = date(2026, 11, 6)


def test_one_month_is_singular():
    assert say.age_text(date(2026, 10, 6), ON) == "1 month"


@pytest.mark.parametrize("born, shown", [(date(2025, 5, 6), "18 months"), (date(2024, 11, 7), "23 months"),
                                         (date(2024, 11, 6), "2 years"), (None, "age unknown")])
def test_ages_below_two_years_are_in_months(born, shown):
    assert say.age_text(born, ON) == shown


def _functions_run(action) -> set:
    """The code objects of every Python function ``action`` runs on this thread (Qt's slots
    included: they run on the GUI thread)."""
    seen = set()

    def profile(frame, event, _arg):
        if event == "call":
            seen.add(frame.f_code)

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
    return seen


#: What screen and paper must both reach: the dose working, the age, the zone, the time of day
#: and the day with its month in letters (issue 16 §4).
SHARED = (wording.dose_working, wording.age, wording.local, notation.clock, notation.day_month)


def test_screen_and_paper_reach_the_same_wording_functions(make_window, store, nurse):
    zone = ZoneInfo("America/Chicago")
    infusion = datetime(2026, 11, 3, 10, 0, tzinfo=zone)
    pid = store.add_patient(nurse, mrn="W-1", name="Wren Wording", date_of_birth=date(2016, 4, 12),
                            sex_at_birth="female", developmental_delay=False, infusion_at=infusion,
                            timezone="America/Chicago")
    store.add_weight(nurse, pid, at=infusion - timedelta(days=1), kg=Decimal("23.4"))
    for hour, value in ((7, "38.7"), (11, "38.9")):
        store.add_temperature(nurse, pid, at=datetime(2026, 11, 4, hour, tzinfo=zone), value=Decimal(value),
                              unit="C")
    w = make_window(datetime(2026, 11, 4, 11, 5, tzinfo=zone))
    w.open_patient(pid)

    screen = _functions_run(w.state.reload)  # what the window runs to show the patient
    paper = _functions_run(lambda: order_sheet(make_job(STANDARD, "order")))  # evaluate and print

    assert wording.date_time.__code__ not in screen  # the trace tells the paths apart
    for function in SHARED:
        assert function.__code__ in screen, f"the screen does not reach {function.__qualname__}"
        assert function.__code__ in paper, f"the paper does not reach {function.__qualname__}"
    assert w.dose.working.text() == w.state.result.dose.working  # the result's working, as printed
    assert w.state.result.dose.working in content.order_sentence(
        w.state.result.dose, content.current_interval_h(w.state.result, w.state.protocol), w.state.protocol)


def test_the_flowsheet_dates_an_eligibility_assessment_as_the_paper_does():
    from pacer_desktop.core.case import EligibilityInputs
    from pacer_desktop.ui.flowsheet import describe
    entry = {"inputs": EligibilityInputs(assessed_on=date(2026, 10, 20))}
    assert describe("eligibility", entry) == f"assessed {wording.full_date(date(2026, 10, 20))}" == \
        "assessed 20 Oct 2026"
