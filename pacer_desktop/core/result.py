"""The engine's result (shared/spec/case-format.md, "Output").

Times are aware datetimes in the case's time zone, written to the second; mg, mL and kg are
Decimals written as JSON numbers (59, 0.4), never strings.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, PlainSerializer


def _number(value: Decimal) -> int | float:
    integral = value.to_integral_value()
    return int(integral) if value == integral else float(value)


Num = Annotated[Decimal, PlainSerializer(_number, return_type=int | float, when_used="json")]
Time = Annotated[datetime, PlainSerializer(lambda t: t.isoformat(timespec="seconds"),
                                           return_type=str, when_used="json")]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class FeverReading(_Out):
    at: Time
    value: Num
    unit: Literal["C", "F"]
    temp_c: Num
    index: int


class Dose(_Out):
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


class DueDose(_Out):
    due: Time
    mg: Num | None
    interval_h: int
    volume_ml: Num | None
    weight_kg: Num | None
    weight_at: Time | None
    day: int


class AssessmentResult(_Out):
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


class DailyMax(_Out):
    day: int
    crs_grade: int
    icans_grade: int


class CriterionResult(_Out):
    id: str
    status: Literal["met", "not_met", "missing"]
    detail: str


class EligibilityResult(_Out):
    verdict: Literal["eligible", "not_eligible", "incomplete"]
    criteria: tuple[CriterionResult, ...]
    behind_verdict: tuple[str, ...]
    age_note: str


class Result(_Out):
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
    #: (a dose is due with no weight at or before it; its mg is left blank, never guessed) and
    #: ``daily_maximum`` (a dose was reduced to keep a 24-hour window within the maximum).
    notices: tuple[str, ...] = ()
    eligibility: EligibilityResult | None = None
