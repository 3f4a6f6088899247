"""The engine's result (shared/spec/case-format.md, "Output").

Times are aware datetimes in the case's time zone, written to the second; mg, mL and kg are
Decimals written as JSON numbers (59, 0.4), never strings.
"""

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal


Num = Decimal
Time = datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class FeverReading:
    """A reading that counts toward persistent fever, with its value in °C."""
    at: Time
    value: Num
    unit: Literal["C", "F"]
    temp_c: Num
    index: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Dose:
    """The weight-based dose with every step of its working (rules §4)."""
    weight_kg: Num
    weight_at: Time
    mg_per_kg: Num
    calculated_mg: Num
    rounded_mg: Num
    mg: Num
    capped: bool
    volume_ml: Num
    route: str
    working: str


@dataclass(frozen=True, kw_only=True, slots=True)
class DueDose:
    """One line of the schedule (rules §5a): its dose, and what happened to it by ``now``."""
    due: Time
    mg: Num | None
    interval_h: int
    volume_ml: Num | None
    weight_kg: Num | None
    weight_at: Time | None
    day: int
    line: int = 0
    course: int = 1
    given_at: Time | None = None
    given_mg: Num | None = None
    status: Literal["given", "held", "refused", "omitted", "missed", "overdue", "due", "planned"] = "planned"
    outcome_by: str | None = None  # held, refused or omitted: who, when and why
    outcome_at: Time | None = None
    outcome_reason: str | None = None
    retimed_after_line: int | None = None  # due later or sooner because that line's dose was given outside the window
    escalated_after_line: int | None = None  # the first line after an escalation (§5); that line was L, the last due by it
    lowered_from_mg: Num | None = None  # lowered so that its 24-hour window stays within the maximum (§4)
    fits_from: Time | None = None  # lowered to nothing: when its full dose fits, before the next line (§4)


@dataclass(frozen=True, kw_only=True, slots=True)
class Course:
    """One course of anakinra (rules §6): from persistent fever, or from a clinician's restart."""
    number: int
    started_at: Time
    first_due: Time
    restart_by: str | None
    restart_reason: str | None
    escalated_at: Time | None
    resolved_at: Time | None
    stop_at: Time | None


@dataclass(frozen=True, kw_only=True, slots=True)
class UnscheduledDose:
    """An anakinra administration that fits no line (rules §5a): kept, and counted for §4."""
    at: Time
    mg: Num | None


@dataclass(frozen=True, kw_only=True, slots=True)
class AssessmentResult:
    """The CRS and ICANS grades of one assessment, with the reasons behind them."""
    at: Time
    day: int | None
    crs_grade: int | None
    fever_waived: bool | None
    crs_reason: str | None
    icans_grade: int | None
    icans_tool: Literal["ice", "capd"] | None
    icans_reason: str | None
    current_crs_grade: int
    current_icans_grade: int
    notes: tuple[str, ...]
    index: int = 0  # the assessment's place in the case's list (rows at one instant are in a fixed order)


@dataclass(frozen=True, kw_only=True, slots=True)
class DailyMax:
    """The highest CRS and ICANS grades of one day after infusion."""
    day: int
    crs_grade: int
    icans_grade: int


@dataclass(frozen=True, kw_only=True, slots=True)
class CriterionResult:
    """One eligibility criterion: met, not met or missing, and why."""
    id: str
    status: Literal["met", "not_met", "missing"]
    detail: str


@dataclass(frozen=True, kw_only=True, slots=True)
class EligibilityResult:
    """The eligibility verdict and each criterion behind it."""
    verdict: Literal["eligible", "not_eligible", "incomplete"]
    criteria: tuple[CriterionResult, ...]
    behind_verdict: tuple[str, ...]
    age_note: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Result:
    """What the rules conclude from a case at one moment: fever, dose, schedule, grades, alerts."""
    application: str
    protocol: str
    protocol_sha256: str
    timezone: str
    now: Time
    persistent_fever_at: Time | None
    persistent_fever_readings: tuple[FeverReading, ...]
    dose: Dose | None
    escalated_at: Time | None
    doses: tuple[DueDose, ...]
    resolved_at: Time | None
    stop_at: Time | None
    assessments: tuple[AssessmentResult, ...]
    daily_max: tuple[DailyMax, ...]
    alerts: tuple[str, ...]
    #: Problems outside the case-format alert codes that must still be shown: ``weight_missing``
    #: (a dose is due with no weight at or before it; its mg is left blank, never guessed),
    #: ``daily_maximum`` (a 24-hour window reached the maximum: a line lowered, or doses given
    #: over it) and ``unscheduled_dose`` (an administration fits no line).
    notices: tuple[str, ...] = ()
    eligibility: EligibilityResult | None = None
    courses: tuple[Course, ...] = ()
    unscheduled_doses: tuple[UnscheduledDose, ...] = ()


def _number(value: Decimal | int) -> int | float:
    integral = value.to_integral_value() if isinstance(value, Decimal) else value
    return int(integral) if value == integral else float(value)


def output_data(value: Any) -> Any:
    """A result (or any part of it) as the engine's JSON output (case-format "Output"): mg, mL and
    kg as JSON numbers (59, 0.4), times in ISO 8601 to the second, tuples as lists. (A stored model
    is written by :func:`.validation.dump`, Decimals as text.)"""
    if dataclasses.is_dataclass(value):
        return {f.name: output_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [output_data(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (Decimal, int)):
        return _number(value)
    if isinstance(value, float):
        return _number(Decimal(repr(value)))
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value
