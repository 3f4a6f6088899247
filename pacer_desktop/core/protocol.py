"""The protocol definition: every clinical number, loaded from a versioned file.

The file's bytes are parsed here (pure); finding and reading the file is the caller's job
(:mod:`pacer_desktop.protocols`). An invalid file raises :class:`ProtocolError` naming the field.
"""

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Annotated, Literal, get_args

from .case import CerebralEdema, Consciousness, Drug, Hypotension, Motor, OxygenDevice, Seizure
from .errors import CaseError
from .validation import STRICT, Ge, Gt, load

PositiveDecimal = Annotated[Decimal, Gt(0)]  # pydantic refuses NaN and Infinity in a Decimal
NonNegativeInt = Annotated[int, Ge(0)]
PositiveInt = Annotated[int, Gt(0)]


class ProtocolError(ValueError):
    """The protocol file cannot be used; the message names the field and the problem."""


@dataclass(frozen=True, kw_only=True, slots=True)
class TemperatureRules:
    """Plausible temperatures and how °F readings are converted."""
    __pydantic_config__ = STRICT
    plausible_min_c: Decimal
    plausible_max_c: Decimal
    conversion_quantum_c: PositiveDecimal
    future_tolerance_min: NonNegativeInt

    def __post_init__(self) -> None:
        if self.plausible_min_c >= self.plausible_max_c:
            raise ValueError("plausible_min_c must be below plausible_max_c")


@dataclass(frozen=True, kw_only=True, slots=True)
class PersistentFeverRules:
    """When fever readings make a persistent fever (rules §3)."""
    __pydantic_config__ = STRICT
    reading_above_c: Decimal
    min_separation_h: PositiveInt
    max_separation_h: PositiveInt

    def __post_init__(self) -> None:
        if self.min_separation_h > self.max_separation_h:
            raise ValueError("min_separation_h must not exceed max_separation_h")


@dataclass(frozen=True, kw_only=True, slots=True)
class WeightRules:
    """Plausible weights, when a weight is stale, and what change to warn about."""
    __pydantic_config__ = STRICT
    plausible_min_kg: PositiveDecimal
    plausible_max_kg: PositiveDecimal
    stale_after_days: PositiveInt
    change_warning_fraction: PositiveDecimal


@dataclass(frozen=True, kw_only=True, slots=True)
class DoseRules:
    """The anakinra dose: mg/kg, rounding, the maximum per dose and per 24 hours, the product."""
    __pydantic_config__ = STRICT
    drug: str
    mg_per_kg: PositiveDecimal
    rounding_increment_mg: PositiveDecimal
    max_mg: PositiveDecimal
    max_mg_per_24h: PositiveDecimal
    max_mg_window_h: PositiveInt
    route: str
    route_note: str
    product: str
    product_mg: PositiveDecimal
    product_ml: PositiveDecimal
    volume_quantum_ml: PositiveDecimal


@dataclass(frozen=True, kw_only=True, slots=True)
class ScheduleRules:
    """Dose intervals, when the course may stop, the administration window, restarts (rules §5)."""
    __pydantic_config__ = STRICT
    interval_h: PositiveInt
    escalated_interval_h: PositiveInt
    horizon_without_stop_h: PositiveInt
    stop_after_resolution_h: NonNegativeInt
    stop_not_before_day: NonNegativeInt
    administration_window_min: PositiveInt
    restart_after_last_dose_h: NonNegativeInt


@dataclass(frozen=True, kw_only=True, slots=True)
class AlertRules:
    """When to prompt about escalation (CRS persisting after the start) and about a recorded dose above its line's."""
    __pydantic_config__ = STRICT
    persistence_after_start_h: NonNegativeInt
    dose_above_calculated_fraction: PositiveDecimal  # §4 rev 2: a recorded dose this far above its line's


@dataclass(frozen=True, kw_only=True, slots=True)
class MedicationRules:
    """Typing-error guards (§4 rev 2): the most mg per administration that can be recorded, per drug.

    Set well above any real dose: a recorded administration is a fact and is kept even when it is
    wrong (it raises an alert instead); only an amount no one could have typed on purpose is refused."""
    __pydantic_config__ = STRICT
    max_recordable_mg: dict[Drug, PositiveDecimal]

    def __post_init__(self) -> None:
        _check_keys("max_recordable_mg", self.max_recordable_mg, Drug)


OxygenClass = Literal["none", "low_flow", "high_flow", "positive_pressure"]


@dataclass(frozen=True, kw_only=True, slots=True)
class CrsRules:
    """CRS grading (rules §6): fever, blood pressure support and oxygen, each to a grade."""
    __pydantic_config__ = STRICT
    fever_c: Decimal
    fever_lookback_h: PositiveInt
    low_flow_max_l_min: PositiveDecimal
    plausible_max_flow_l_min: PositiveDecimal
    fever_only_grade: PositiveInt
    waiver_drugs: tuple[str, ...]
    hypotension_grades: dict[Hypotension, NonNegativeInt]
    oxygen_grades: dict[OxygenClass, NonNegativeInt]
    oxygen_device_classes: dict[OxygenDevice, Literal[OxygenClass, "by_flow"]]

    def __post_init__(self) -> None:
        _check_keys("hypotension_grades", self.hypotension_grades, Hypotension)
        _check_keys("oxygen_grades", self.oxygen_grades, OxygenClass)
        _check_keys("oxygen_device_classes", self.oxygen_device_classes, OxygenDevice)
        unknown = set(self.waiver_drugs) - set(get_args(Drug))
        if unknown:
            raise ValueError(f"waiver_drugs has unknown drugs: {', '.join(sorted(unknown))}")


def _check_keys(name: str, table: dict, kind: object) -> None:
    missing = set(get_args(kind)) - set(table)
    if missing:
        raise ValueError(f"{name} lacks {', '.join(sorted(missing))}")


@dataclass(frozen=True, kw_only=True, slots=True)
class IceItems:
    """The most points each ICE item gives."""
    __pydantic_config__ = STRICT
    orientation: PositiveInt
    naming: PositiveInt
    following_commands: PositiveInt
    writing: PositiveInt
    attention: PositiveInt


Band = tuple[NonNegativeInt, NonNegativeInt, NonNegativeInt]


@dataclass(frozen=True, kw_only=True, slots=True)
class IcansRules:
    """ICANS grading (rules §7): ICE and CAPD bands and the other findings' grades."""
    __pydantic_config__ = STRICT
    ice_min_age_years: PositiveInt
    ice_max: PositiveInt
    capd_max: PositiveInt
    capd_item_max: PositiveInt
    capd_items: PositiveInt
    capd_reverse_scored_items: tuple[PositiveInt, ...]
    ice_bands: tuple[Band, ...]
    capd_bands: tuple[Band, ...]
    unable_to_perform_grade: NonNegativeInt
    consciousness_grades: dict[Consciousness, NonNegativeInt]
    seizure_grades: dict[Seizure, NonNegativeInt]
    motor_grades: dict[Motor, NonNegativeInt]
    cerebral_edema_grades: dict[CerebralEdema, NonNegativeInt]
    ice_items: IceItems

    def __post_init__(self) -> None:
        if sum(asdict(self.ice_items).values()) != self.ice_max:
            raise ValueError("ice_items must add up to ice_max")
        if self.capd_items * self.capd_item_max != self.capd_max:
            raise ValueError("capd_items × capd_item_max must equal capd_max")
        _check_bands("ice_bands", self.ice_bands, self.ice_max)
        _check_bands("capd_bands", self.capd_bands, self.capd_max)
        _check_keys("consciousness_grades", self.consciousness_grades, Consciousness)
        _check_keys("seizure_grades", self.seizure_grades, Seizure)
        _check_keys("motor_grades", self.motor_grades, Motor)
        _check_keys("cerebral_edema_grades", self.cerebral_edema_grades, CerebralEdema)


def _check_bands(name: str, bands: tuple[Band, ...], top: int) -> None:
    covered = sorted(score for low, high, _ in bands for score in range(low, high + 1))
    if covered != list(range(top + 1)):
        raise ValueError(f"{name} must cover every score from 0 to {top} exactly once")


@dataclass(frozen=True, kw_only=True, slots=True)
class CreatinineRow:
    """The creatinine limit for an age band, by sex at birth (eligibility)."""
    __pydantic_config__ = STRICT
    age_from: NonNegativeInt
    age_below: PositiveInt | None = None
    male: PositiveDecimal
    female: PositiveDecimal


@dataclass(frozen=True, kw_only=True, slots=True)
class EligibilityRules:
    """The study's eligibility limits."""
    __pydantic_config__ = STRICT
    age_min_years: NonNegativeInt
    age_max_years: PositiveInt
    age_note: str
    alt_below_u_l: PositiveDecimal
    bilirubin_max_mg_dl: PositiveDecimal
    dyspnea_max_grade: NonNegativeInt
    dyspnea_highest_grade: PositiveInt
    spo2_above_pct: PositiveDecimal
    dlco_min_pct: PositiveDecimal
    lv_shortening_fraction_min_pct: PositiveDecimal
    ejection_fraction_min_pct: PositiveDecimal
    marrow_blasts_min_pct: PositiveDecimal
    disease_assessment_window_days: NonNegativeInt
    products: tuple[str, ...]
    contraception_days_after_last_dose: PositiveInt
    creatinine: tuple[CreatinineRow, ...]

    def __post_init__(self) -> None:
        rows = self.creatinine
        for before, after in zip(rows, rows[1:]):
            if before.age_below != after.age_from:
                raise ValueError("creatinine rows must be contiguous and in age order")
        if rows and rows[-1].age_below is not None:
            raise ValueError("the last creatinine row must have no upper age")


@dataclass(frozen=True, kw_only=True, slots=True)
class Protocol:
    """One protocol version; ``sha256`` is the hash of the file's bytes."""

    __pydantic_config__ = STRICT
    id: str
    title: str
    indication: str
    grading_last_day: PositiveInt
    temperature: TemperatureRules
    persistent_fever: PersistentFeverRules
    weight: WeightRules
    dose: DoseRules
    schedule: ScheduleRules
    alerts: AlertRules
    medications: MedicationRules
    crs: CrsRules
    icans: IcansRules
    eligibility: EligibilityRules
    sha256: str = ""


def parse_protocol(data: bytes) -> Protocol:
    """Parse and validate a protocol file's bytes (TOML)."""
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProtocolError(f"protocol file is not valid TOML: {exc}") from None
    raw["sha256"] = hashlib.sha256(data).hexdigest()
    try:  # the TOML document checked as the JSON document it is (strict: 12.0 is not a whole number)
        return load(Protocol, json.dumps(raw, default=str), guide="the shipped protocol file", top="(file)")
    except CaseError as exc:
        raise ProtocolError("invalid protocol file: " + "; ".join(map(str, exc.problems))) from None
