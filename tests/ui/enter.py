"""Drive the window as a user: type values, press Enter, wait for the save to land."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from PySide6.QtCore import Qt

from tests.people import WARD
from tests.ui.uihelp import wait_saved


def press_enter(qtbot, widget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def type_into(qtbot, edit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def new_patient(qtbot, w, *, mrn: str, name: str, dob: str, sex: str, zone: str, infusion_at: datetime,
                delay: bool = False) -> int:
    w.new_patient()
    d = w.dialog
    qtbot.keyClicks(d.mrn, mrn)
    qtbot.keyClicks(d.name, name)
    d.dob.set_value(date.fromisoformat(dob))
    d.sex.set_value(sex)
    type_into(qtbot, d.zone, zone)
    d.delay.setChecked(delay)
    d.infusion.set_value(infusion_at)
    press_enter(qtbot, d.mrn)
    wait_saved(qtbot, w)
    assert not d.messages.text(), d.messages.text()
    return w.state.patient_id


def temperature(qtbot, w, at: datetime, value, unit: str = "C") -> str:
    t = w.grading.temperature
    t.time.set_value(at)
    t.unit.set_value(unit)
    type_into(qtbot, t.value, str(value))
    press_enter(qtbot, t.value)
    wait_saved(qtbot, w)
    return t.messages.text()


def weight(qtbot, w, at: datetime, kg) -> str:
    f = w.grading.weight
    f.time.set_value(at)
    type_into(qtbot, f.kg, str(kg))
    press_enter(qtbot, f.kg)
    wait_saved(qtbot, w)
    return f.messages.text()


def fill_assessment(qtbot, w, at: datetime, crs: dict | None, icans: dict | None):
    f = w.grading.assessment
    f.time.set_value(at)
    crs = crs or {"hypotension": "none", "oxygen_device": "none", "oxygen_flow_l_min": None}
    f.hypotension.set_value(crs["hypotension"])
    f.oxygen.set_value(crs["oxygen_device"])
    flow = crs.get("oxygen_flow_l_min")
    type_into(qtbot, f.flow, "" if flow is None else str(flow))
    f.icans_assessed.setChecked(icans is not None)
    if icans is not None:
        f.tool.set_value(icans.get("tool"))
        for spin in f.ice_items.values():
            spin.setValue(-1)
        for c in f.capd_items:
            c.set_value(None)
        tool = f.tool_in_use()
        if tool == "ice" and icans.get("ice_score") is not None:
            ice_score(f, icans["ice_score"])
        if tool == "capd" and icans.get("capd_score") is not None:
            capd_score(f, icans["capd_score"])
        f.unable.setChecked(icans.get("unable_to_perform", False))
        f.sedated.setChecked(icans.get("sedated", False))
        for key, widget in (("consciousness", f.consciousness), ("seizure", f.seizure), ("motor", f.motor),
                            ("cerebral_edema", f.edema)):
            widget.set_value(icans.get(key, "none" if key != "consciousness" else "normal"))
    return f


def ice_score(form, score: int) -> None:
    """Answer the ICE items so that they add up to ``score`` (highest items first)."""
    left = score
    for spin in form.ice_items.values():
        points = min(spin.maximum(), left)
        spin.setValue(points)
        left -= points


def capd_score(form, score: int) -> None:
    """Answer the CAPD items so that they add up to ``score`` (items 1–4 reverse-scored)."""
    left = score
    for i, choice in enumerate(form.capd_items, start=1):
        points = min(4, left)
        left -= points
        choice.set_value(4 - points if i <= 4 else points)


def assessment(qtbot, w, at: datetime, crs: dict | None, icans: dict | None) -> str:
    f = fill_assessment(qtbot, w, at, crs, icans)
    press_enter(qtbot, f.flow)
    wait_saved(qtbot, w)
    return f.messages.text()


def dose_given(qtbot, w, at: datetime, drug: str, mg) -> str:
    """A medication given. An anakinra dose is recorded against the line the engine would match it
    to by time (rules §5a), as a nurse picks the line the dose was for; one that fits no line
    goes in as another medication given (an unscheduled dose)."""
    line = None
    if drug == "anakinra":
        from pacer_desktop.core.case import Medication
        trial = w.state.evaluate_with(medications=(Medication(at=at, drug=drug, dose_mg=Decimal(str(mg))),))
        line = next((d for d in trial.doses if d.given_at == at), None)
    w.dose.open_record_dose(other=line is None)
    d = w.dose.dialog
    if line is None:
        d.drug.set_value(drug)
    else:
        d.line.set_value(line.line)
        d.outcome.set_value("given")
        if abs(at - line.due) > timedelta(minutes=w.state.protocol.schedule.administration_window_min):
            type_into(qtbot, d.reason, "given outside the window (worked example)")
    d.time.set_value(at)
    type_into(qtbot, d.mg, "" if mg is None else str(mg))
    press_enter(qtbot, d.mg)
    wait_saved(qtbot, w)
    return d.messages.text()


def sign(qtbot, w, pin: str) -> None:
    """Type ``pin`` into the window's Sign dialog (issue 18) and press Enter; wait for the check
    and for the signed work after it."""
    qtbot.waitUntil(lambda: w.gate.dialog is not None and w.gate.dialog.isVisible())
    type_into(qtbot, w.gate.dialog.pin, pin)
    press_enter(qtbot, w.gate.dialog.pin)
    wait_saved(qtbot, w)
    wait_saved(qtbot, w)


def escalate(qtbot, w, at: datetime, reason: str, *, confirm: bool = True, pin: str | None = None) -> str:
    """The escalation dialog filled in and confirmed; signed with ``pin`` when it asks (issue 18)."""
    w.dose.open_escalation()
    d = w.dose.dialog
    d.time.set_value(at)
    qtbot.keyClicks(d.reason, reason)
    d.confirm.setChecked(confirm)
    press_enter(qtbot, d.reason)
    wait_saved(qtbot, w)
    if pin is not None and not d.messages.text():
        sign(qtbot, w, pin)
    return d.messages.text()


def as_user(w, initials: str) -> None:
    """``initials`` of the ward (tests/people.py) at the window, as after their sign-in."""
    from pacer_desktop.storage import User
    from tests.people import WARD
    w.state.set_user(User(initials, WARD[initials][1], "ward-3"))


def enter_case(qtbot, w, case: dict, *, mrn: str = "EX-1") -> int:
    """Everything of a case file typed into the window, in an order storage accepts."""
    p = case["patient"]
    t = datetime.fromisoformat
    pid = new_patient(qtbot, w, mrn=mrn, name="Example Patient", dob=p["date_of_birth"], sex=p["sex_at_birth"],
                      zone=case["timezone"], infusion_at=t(case["infusion_at"]),
                      delay=p.get("developmental_delay", False))
    for x in case.get("weights", []):
        assert not weight(qtbot, w, t(x["at"]), Decimal(str(x["kg"])))
    for x in case.get("temperatures", []):
        assert not temperature(qtbot, w, t(x["at"]), x["value"], x["unit"])
    for x in case.get("assessments", []):
        assert not assessment(qtbot, w, t(x["at"]), x["crs"], x["icans"])
    if case.get("escalations"):  # before the doses: the lines after it depend on it
        nurse = w.state.user
        as_user(w, "PR")  # a prescriber's decision, signed (issue 18)
        for x in case["escalations"]:
            assert not escalate(qtbot, w, t(x["at"]), x["reason"], pin=WARD["PR"][2])
        w.state.set_user(nurse)
    for x in case.get("medications", []):
        assert not dose_given(qtbot, w, t(x["at"]), x["drug"], x["dose_mg"])
    return pid
