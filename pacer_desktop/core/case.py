"""The case: everything the engine needs about one patient (shared/spec/case-format.md).

Standard library frozen dataclasses, validated strictly by pydantic wherever they come in (case
JSON, bedside entries, stored rows: :mod:`.validation`): no silent type coercion, no unknown
fields, a typo in a clinical field is an error, not a silently missing value. The constraints are
``Annotated`` markers (:mod:`.validation`'s ``Ge``, ``Aware``, ``IsoDate`` and ``NonBlank``)
that pydantic reads; importing the models imports no pydantic. Checks that need the protocol
(plausible ranges, the tool in use) are in the engine.
"""

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from .validation import STRICT, Aware, Ge, IsoDate, NonBlank

Instant = Annotated[datetime, Aware()]
Day = Annotated[date, IsoDate()]
Score = Annotated[int, Ge(0)]
Number = Decimal  # pydantic refuses NaN and Infinity in a Decimal unless told otherwise
Said = Annotated[str, NonBlank()]  # who decided, and why: required, never blank (case-format rev 2)

Hypotension = Literal["none", "no_vasopressor", "one_vasopressor", "multiple_vasopressors"]
OxygenDevice = Literal[
    "none", "nasal_cannula", "blow_by", "high_flow_nasal_cannula", "face_mask",
    "non_rebreather", "venturi_mask", "cpap", "bipap", "mechanical_ventilation",
]
IcansTool = Literal["ice", "capd"]
Consciousness = Literal[
    "normal", "awakens_spontaneously", "awakens_to_voice", "awakens_to_tactile", "unarousable"
]
Seizure = Literal["none", "rapidly_resolving", "prolonged_or_repetitive"]
Motor = Literal["none", "deep_focal_weakness"]
CerebralEdema = Literal["none", "focal", "diffuse"]
Drug = Literal[
    "anakinra", "tocilizumab", "siltuximab", "dexamethasone", "methylprednisolone",
    "hydrocortisone", "prednisone", "prednisolone", "acetaminophen", "paracetamol", "ibuprofen",
]
SexAtBirth = Literal["male", "female"]
DiseaseCategory = Literal[
    "second_marrow_relapse", "cns_relapse", "relapse_after_hsct", "refractory", "hsct_ineligible"
]
HsctIneligibilityReason = Literal[
    "comorbid_disease", "conditioning_contraindicated", "no_suitable_donor", "prior_hsct",
    "declined_after_discussion",
]
PregnancyTest = Literal["negative", "positive"]
Product = Literal["tisagenlecleucel", "other"]  # rules §10 rev 2: a choice, not free text
NotDone = Literal["not_done"]  # rules §10 rev 2: a test entered as not done (DLCO)
DoseOutcomeKind = Literal["held", "refused", "omitted"]  # rules §5a rev 2
LineNumber = Annotated[int, Ge(1)]

NASAL_CANNULAS = ("nasal_cannula", "high_flow_nasal_cannula")


@dataclass(frozen=True, kw_only=True, slots=True)
class Patient:
    """What the rules need to know of the patient: age (from the date of birth), sex at birth, developmental delay."""
    __pydantic_config__ = STRICT
    date_of_birth: Day | None = None
    sex_at_birth: SexAtBirth | None = None
    developmental_delay: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class Weight:
    """A weight in kg, at the time it was measured (rules §4: the dose uses the latest at or before it)."""
    __pydantic_config__ = STRICT
    at: Instant
    kg: Number


@dataclass(frozen=True, kw_only=True, slots=True)
class Temperature:
    """A temperature as read, in °C or °F, at the time it was taken."""
    __pydantic_config__ = STRICT
    at: Instant
    value: Number
    unit: Literal["C", "F"]


@dataclass(frozen=True, kw_only=True, slots=True)
class CrsInputs:
    """The CRS assessment's answers: blood pressure support and oxygen (rules §6)."""
    __pydantic_config__ = STRICT
    hypotension: Hypotension
    oxygen_device: OxygenDevice
    oxygen_flow_l_min: Number | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class IcansInputs:
    """The ICANS assessment's answers: ICE or CAPD score and the other findings (rules §7)."""
    __pydantic_config__ = STRICT
    tool: IcansTool | None = None
    ice_score: Score | None = None
    capd_score: Score | None = None
    unable_to_perform: bool = False
    consciousness: Consciousness = "normal"
    seizure: Seizure = "none"
    motor: Motor = "none"
    cerebral_edema: CerebralEdema = "none"
    sedated: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class Assessment:
    """A bedside assessment at one time: its CRS part, its ICANS part, or both."""
    __pydantic_config__ = STRICT
    at: Instant
    crs: CrsInputs | None = None
    icans: IcansInputs | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Medication:
    """A drug given: anakinra (with its dose and schedule line), or a drug the rules watch for."""
    __pydantic_config__ = STRICT
    at: Instant
    drug: Drug
    dose_mg: Number | None = None
    for_line: LineNumber | None = None  # rules §5a rev 2: the schedule line an anakinra dose was given for
    reason: str | None = None  # why a dose was given outside the administration window


@dataclass(frozen=True, kw_only=True, slots=True)
class DoseOutcome:
    """A schedule line closed without a dose: held, refused or omitted (rules §5a rev 2)."""
    __pydantic_config__ = STRICT
    line: LineNumber
    outcome: DoseOutcomeKind
    at: Instant
    by: str
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Escalation:
    """A prescriber's decision to give anakinra more often, with who decided and why (rules §5)."""
    __pydantic_config__ = STRICT
    at: Instant
    by: Said
    reason: Said


@dataclass(frozen=True, kw_only=True, slots=True)
class Restart:
    """A clinician's decision to start a new course after the stop time (rules §6 rev 2)."""
    __pydantic_config__ = STRICT
    at: Instant
    by: Said
    reason: Said


@dataclass(frozen=True, kw_only=True, slots=True)
class EligibilityInputs:
    """Eligibility data; ``None`` is missing data, never a pass (clinical-rules §10).

    rules §10 rev 2: ``dlco_pct`` is a number or ``"not_done"`` (entered explicitly; ``None`` is
    missing); ``product`` is a choice, ``"tisagenlecleucel"`` or ``"other"``."""
    __pydantic_config__ = STRICT

    assessed_on: Day
    consent_signed_on: Day | None = None
    relapsed_or_refractory_b_all: bool | None = None
    disease_categories: tuple[DiseaseCategory, ...] | None = None
    hsct_ineligibility_reason: HsctIneligibilityReason | None = None
    cd19_documented: bool | None = None
    alt_u_l: Number | None = None
    bilirubin_mg_dl: Number | None = None
    creatinine_mg_dl: Number | None = None
    spo2_room_air_pct: Number | None = None
    dyspnea_grade: Score | None = None
    dlco_pct: Number | NotDone | None = None
    lv_shortening_fraction_pct: Number | None = None
    ejection_fraction_pct: Number | None = None
    cardiac_function_documented: bool | None = None
    marrow_blasts_pct: Number | None = None
    peripheral_blasts: bool | None = None
    disease_assessed_on: Day | None = None
    lymphodepletion_start_on: Day | None = None
    product: Product | None = None
    childbearing_potential: bool | None = None
    pregnancy_test: PregnancyTest | None = None
    reproductive_potential: bool | None = None
    contraception_agreed: bool | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Case:
    """One patient's case. ``now`` and ``timezone`` are filled in by the caller when absent."""
    __pydantic_config__ = STRICT

    protocol: str | None = None
    timezone: str | None = None
    now: Instant | None = None
    patient: Patient = Patient()
    weights: tuple[Weight, ...] = ()
    infusion_at: Instant | None = None
    temperatures: tuple[Temperature, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    medications: tuple[Medication, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    restarts: tuple[Restart, ...] = ()
    dose_outcomes: tuple[DoseOutcome, ...] = ()
    eligibility: EligibilityInputs | None = None

    def with_defaults(self, *, protocol: str, now: datetime, timezone: str) -> "Case":
        """The case with absent ``protocol``, ``now`` and ``timezone`` filled in."""
        return dataclasses.replace(self, protocol=self.protocol or protocol, now=self.now or now,
                                   timezone=self.timezone or timezone)
