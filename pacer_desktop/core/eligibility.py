"""Eligibility checklist (clinical-rules §10).

Each criterion is met, not_met or missing. A criterion with several required parts is not_met
if any entered part fails, else missing if any part is not entered, else met. Alternatives
("SF >= 28 % or EF >= 40 %") are met by any one that passes, not_met only when every alternative
is entered and fails, otherwise missing (rules §10 rev 2: one not entered may still pass).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Literal

from .case import EligibilityInputs, Patient
from .errors import Problem
from .notation import plain_number as num
from .protocol import EligibilityRules
from .timeutil import completed_years
from .validation import clipped
from .wording import full_date

Status = Literal["met", "not_met", "missing"]

CRITERIA = (
    ("consent", "Informed consent (and assent) signed", "consent"),
    ("age", "Age", "disease"),
    ("diagnosis", "Relapsed or refractory B-ALL", "disease"),
    ("cd19", "CD19 expression by flow cytometry", "disease"),
    ("alt", "ALT", "organ"),
    ("bilirubin", "Bilirubin", "organ"),
    ("pulmonary", "Pulmonary function", "organ"),
    ("cardiac", "Cardiac function", "organ"),
    ("creatinine", "Serum creatinine for age and sex", "organ"),
    ("disease_burden", "Disease burden before lymphodepletion", "disease"),
    ("product", "Commercial tisagenlecleucel", "disease"),
    ("pregnancy", "Pregnancy", "reproductive"),
    ("contraception", "Contraception", "reproductive"),
)
CRITERION_IDS = tuple(c[0] for c in CRITERIA)
#: The product choice in the ward's words (rules §10 rev 2: a choice, not free text).
PRODUCT_TEXT = {"tisagenlecleucel": "tisagenlecleucel (Kymriah), commercial", "other": "another product"}
CATEGORY_TEXT = {
    "second_marrow_relapse": "second or later marrow relapse",
    "cns_relapse": "CNS relapse",
    "relapse_after_hsct": "relapse after allogeneic HSCT",
    "refractory": "refractory disease",
    "hsct_ineligible": "ineligible for allogeneic HSCT",
}


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion worked out: met, not met or missing, and the detail shown."""
    id: str
    status: Status
    detail: str


@dataclass(frozen=True, slots=True)
class Eligibility:
    """The verdict and the criteria behind it."""
    verdict: Literal["eligible", "not_eligible", "incomplete"]
    criteria: tuple[Criterion, ...]
    reasons: tuple[str, ...]  # the criteria behind the verdict


def combine(parts: list[Status]) -> Status:
    """All of several parts: not_met if any fails, else missing if any is absent, else met."""
    if "not_met" in parts:
        return "not_met"
    if "missing" in parts:
        return "missing"
    return "met"


def check(value, passes) -> Status:
    if value is None:
        return "missing"
    return "met" if passes(value) else "not_met"


def either(*alternatives: tuple[object, bool]) -> Status:
    """Alternatives ``(value, passes)``: met if one passes; not_met only when every one is entered
    and fails; otherwise missing, since one not entered may still pass (rules §10 rev 2)."""
    if any(value is not None and ok for value, ok in alternatives):
        return "met"
    if all(value is not None for value, _ in alternatives):
        return "not_met"
    return "missing"


def input_problems(e: EligibilityInputs, r: EligibilityRules, prefix: str = "eligibility.") -> list[Problem]:
    """Entries no patient can have (a saturation above 100 %, a negative ALT, dyspnea grade 6):
    input errors naming the field, never judged. The window checks them as they are typed."""
    problems = []
    for name in ("spo2_room_air_pct", "lv_shortening_fraction_pct", "ejection_fraction_pct", "marrow_blasts_pct"):
        value = getattr(e, name)  # each a part of a whole
        if value is not None and not 0 <= value <= 100:
            problems.append(Problem(f"{prefix}{name}", f"{clipped(num(value))} % is outside 0–100 %"))
    # DLCO is a percentage of the predicted value: above 100 % is a real result; "not_done" (rev 2)
    if isinstance(e.dlco_pct, Decimal) and e.dlco_pct < 0:
        problems.append(Problem(f"{prefix}dlco_pct", f"{clipped(num(e.dlco_pct))} % is below 0"))
    for name, unit in (("alt_u_l", "U/L"), ("bilirubin_mg_dl", "mg/dL"), ("creatinine_mg_dl", "mg/dL")):
        value = getattr(e, name)
        if value is not None and value < 0:
            problems.append(Problem(f"{prefix}{name}", f"{clipped(num(value))} {unit} is below 0"))
    top = r.dyspnea_highest_grade
    if e.dyspnea_grade is not None and e.dyspnea_grade > top:
        problems.append(Problem(f"{prefix}dyspnea_grade", f"{e.dyspnea_grade} is outside grades 0–{top}"))
    return problems


def stored_inputs(data: dict) -> dict:
    """Eligibility data as stored before rules §10 rev 2, read in the rev 2 form (storage uses this
    for every stored row; rev 2 rows pass through unchanged).

    ``product`` was free text: it is tisagenlecleucel only when the text names it and nothing
    else ("tisagenlecleucel", "Kymriah", "tisagenlecleucel (Kymriah)", in any case and spacing);
    any other text is another product (not met: the investigator re-enters it if it was meant);
    blank is not entered. A null ``dlco_pct`` meant "not done" then and is missing now: the safe
    reading, the investigator confirms "not done" (nothing to change in the data)."""
    product = data.get("product")
    if isinstance(product, str) and product not in PRODUCT_TEXT:
        words = " ".join("".join(ch if ch.isalnum() else " " for ch in product.casefold()).split())
        data = {**data, "product": None if not words else
                "tisagenlecleucel" if words in _TISAGENLECLEUCEL_NAMES else "other"}
    return data


_TISAGENLECLEUCEL_NAMES = {"tisagenlecleucel", "kymriah", "tisagenlecleucel kymriah", "kymriah tisagenlecleucel"}


def evaluate_eligibility(inputs: EligibilityInputs, patient: Patient, rules: EligibilityRules) -> Eligibility:
    e, r = inputs, rules
    age = completed_years(patient.date_of_birth, e.assessed_on) if patient.date_of_birth else None
    results = [
        _consent(e),
        _age(age, r),
        _diagnosis(e),
        Criterion("cd19", check(e.cd19_documented, bool),
                  _yes_no(e.cd19_documented, "CD19+ documented", "CD19 expression not documented",
                          "CD19 expression")),
        _threshold("alt", e.alt_u_l, lambda v: v < r.alt_below_u_l, "ALT", "U/L",
                   f"must be below {num(r.alt_below_u_l)} U/L"),
        _threshold("bilirubin", e.bilirubin_mg_dl, lambda v: v <= r.bilirubin_max_mg_dl, "bilirubin",
                   "mg/dL", f"maximum {num(r.bilirubin_max_mg_dl)} mg/dL"),
        _pulmonary(e, r),
        _cardiac(e, r),
        _creatinine(e, age, patient, r),
        _disease_burden(e, r),
        _product(e, r),
        _pregnancy(e),
        _contraception(e, r),
    ]
    not_met = [c.id for c in results if c.status == "not_met"]
    missing = [c.id for c in results if c.status == "missing"]
    if not_met:
        verdict, behind = "not_eligible", not_met
    elif missing:
        verdict, behind = "incomplete", missing
    else:
        verdict, behind = "eligible", list(CRITERION_IDS)
    return Eligibility(verdict, tuple(results), tuple(behind))


def _yes_no(value: bool | None, yes: str, no: str, label: str) -> str:
    return f"{label} not entered" if value is None else (yes if value else no)


def _threshold(cid, value, passes, label, unit, limit) -> Criterion:
    status = check(value, passes)
    detail = f"{label} not entered" if value is None else f"{label} {num(value)} {unit} ({limit})"
    return Criterion(cid, status, detail)


def _consent(e: EligibilityInputs) -> Criterion:
    signed = e.consent_signed_on
    if signed is None:
        return Criterion("consent", "missing", "date consent was signed not entered")
    if signed <= e.assessed_on:
        return Criterion("consent", "met", f"signed {full_date(signed)}")
    return Criterion("consent", "not_met",
                     f"signed {full_date(signed)}, after the assessment date {full_date(e.assessed_on)}")


def _age(age: int | None, r: EligibilityRules) -> Criterion:
    if age is None:
        return Criterion("age", "missing", "date of birth not entered")
    ok = r.age_min_years <= age <= r.age_max_years
    limit = f"{r.age_min_years}–{r.age_max_years} completed years"
    return Criterion("age", "met" if ok else "not_met",
                     f"{age} {'year' if age == 1 else 'years'}" + ("" if ok else f" (must be {limit})"))


def _diagnosis(e: EligibilityInputs) -> Criterion:
    base = check(e.relapsed_or_refractory_b_all, bool)
    cats = e.disease_categories
    if cats is None:
        cat_status: Status = "missing"
        cat_text = "disease category not entered"
    elif not cats:
        cat_status, cat_text = "not_met", "no qualifying disease category"
    elif set(cats) == {"hsct_ineligible"} and e.hsct_ineligibility_reason is None:
        cat_status, cat_text = "missing", "ineligible for HSCT: the reason is not entered"
    else:
        cat_status = "met"
        names = [CATEGORY_TEXT[c] for c in cats]
        if "hsct_ineligible" in cats and e.hsct_ineligibility_reason:
            i = cats.index("hsct_ineligible")
            names[i] += f" ({e.hsct_ineligibility_reason.replace('_', ' ')})"
        cat_text = "; ".join(names)
    base_text = {"met": "relapsed or refractory B-ALL", "not_met": "not relapsed or refractory B-ALL",
                 "missing": "relapsed or refractory B-ALL not entered"}[base]
    return Criterion("diagnosis", combine([base, cat_status]), f"{base_text}; {cat_text}")


def _pulmonary(e: EligibilityInputs, r: EligibilityRules) -> Criterion:
    parts = [
        check(e.dyspnea_grade, lambda v: v <= r.dyspnea_max_grade),
        check(e.spo2_room_air_pct, lambda v: v > r.spo2_above_pct),
        # rules §10 rev 2: "not done" is entered explicitly (met); an empty DLCO is missing
        "met" if e.dlco_pct == "not_done" else check(e.dlco_pct, lambda v: v >= r.dlco_min_pct),
    ]
    texts = [
        "dyspnea not entered" if e.dyspnea_grade is None
        else f"dyspnea grade {e.dyspnea_grade} (maximum {r.dyspnea_max_grade})",
        "SpO2 on room air not entered" if e.spo2_room_air_pct is None
        else f"SpO2 {num(e.spo2_room_air_pct)} % on room air (must be above {num(r.spo2_above_pct)} %)",
        "DLCO not done" if e.dlco_pct == "not_done"
        else "DLCO not entered (a value, or not done)" if e.dlco_pct is None
        else f"DLCO {num(e.dlco_pct)} % (minimum {num(r.dlco_min_pct)} %)",
    ]
    return Criterion("pulmonary", combine(parts), "; ".join(texts))


def _cardiac(e: EligibilityInputs, r: EligibilityRules) -> Criterion:
    """rules §10 rev 2: three alternatives; not_met only when all three are entered and fail."""
    sf, ef, documented = e.lv_shortening_fraction_pct, e.ejection_fraction_pct, e.cardiac_function_documented
    status = either(
        (sf, sf is not None and sf >= r.lv_shortening_fraction_min_pct),
        (ef, ef is not None and ef >= r.ejection_fraction_min_pct),
        (documented, documented is True),
    )
    texts = []
    if sf is not None:
        texts.append(f"shortening fraction {num(sf)} % (minimum {num(r.lv_shortening_fraction_min_pct)} %)")
    if ef is not None:
        texts.append(f"ejection fraction {num(ef)} % (minimum {num(r.ejection_fraction_min_pct)} %)")
    if documented is not None:
        texts.append("adequate function documented by imaging or cardiologist" if documented
                     else "adequate function not documented")
    if status == "missing":
        absent = [name for name, value in (("shortening fraction", sf), ("ejection fraction", ef),
                                           ("documented function", documented)) if value is None]
        texts.append("not entered: " + ", ".join(absent))
    return Criterion("cardiac", status, "; ".join(texts))


def creatinine_max(age: int, sex: str | None, r: EligibilityRules) -> Decimal | None:
    """Maximum creatinine for completed years of age and sex at birth; None if not defined."""
    for row in r.creatinine:
        if row.age_from <= age and (row.age_below is None or age < row.age_below):
            if row.male == row.female:
                return row.male
            if sex is None:
                return None
            return row.male if sex == "male" else row.female
    return None


def _creatinine_age_not_covered(value: Decimal | None, age: int, r: EligibilityRules) -> Criterion:
    """rules §10 rev 2: an age the table does not cover (under its first age) is not_met, with that
    reason, whatever the value (no value can be within a maximum that does not exist)."""
    first = r.creatinine[0].age_from
    entered = "creatinine not entered" if value is None else f"creatinine {num(value)} mg/dL"
    return Criterion("creatinine", "not_met", f"{entered}; no maximum for under {first}"
                     f" {'year' if first == 1 else 'years'} of age (the table starts at {first}; age {age})")


def _creatinine(e: EligibilityInputs, age: int | None, patient: Patient, r: EligibilityRules) -> Criterion:
    value = e.creatinine_mg_dl
    if age is not None and age < r.creatinine[0].age_from:
        return _creatinine_age_not_covered(value, age, r)
    if value is None:
        return Criterion("creatinine", "missing", "creatinine not entered")
    # Age or sex not entered: a value above every maximum it could be held to fails all the same
    # (§10: an entered part that fails); otherwise the missing part is named.
    if age is None:
        highest = max(max(row.male, row.female) for row in r.creatinine)
        if value > highest:
            return Criterion("creatinine", "not_met", f"creatinine {num(value)} mg/dL, above the maximum for"
                             f" every age (highest {num(highest)} mg/dL); date of birth not entered")
        return Criterion("creatinine", "missing", f"creatinine {num(value)} mg/dL; date of birth not entered")
    limit = creatinine_max(age, patient.sex_at_birth, r)
    if limit is None:
        highest = max(creatinine_max(age, sex, r) for sex in ("male", "female"))
        if value > highest:
            return Criterion("creatinine", "not_met", f"creatinine {num(value)} mg/dL, above the maximum for"
                             f" {age} year{'' if age == 1 else 's'} of either sex (highest {num(highest)} mg/dL); sex at birth not entered")
        return Criterion("creatinine", "missing", f"creatinine {num(value)} mg/dL; sex at birth not entered")
    who = f"{patient.sex_at_birth + ', ' if patient.sex_at_birth else ''}{age} year{'' if age == 1 else 's'}"
    return Criterion("creatinine", "met" if value <= limit else "not_met",
                     f"creatinine {num(value)} mg/dL (maximum {num(limit)} mg/dL for {who})")


def _disease_burden(e: EligibilityInputs, r: EligibilityRules) -> Criterion:
    """rules §10 rev 2: marrow or peripheral blasts (alternatives), assessed from LD − 14 days to LD,
    both days included."""
    marrow, peripheral = e.marrow_blasts_pct, e.peripheral_blasts
    burden = either(
        (marrow, marrow is not None and marrow >= r.marrow_blasts_min_pct),
        (peripheral, peripheral is True),
    )
    texts = []
    if marrow is not None:
        texts.append(f"marrow blasts {num(marrow)} % (minimum {num(r.marrow_blasts_min_pct)} %)")
    if peripheral is not None:
        texts.append("peripheral blasts detected" if peripheral else "no peripheral blasts")
    if burden == "missing":
        absent = [name for name, value in (("marrow blasts", marrow), ("peripheral blasts", peripheral))
                  if value is None]
        texts.append(" and ".join(absent) + " not entered")
    assessed, ld = e.disease_assessed_on, e.lymphodepletion_start_on
    if assessed is None or ld is None:
        timing: Status = "missing"
        texts.append("assessment or lymphodepletion date not entered")
    else:
        earliest = ld - timedelta(days=r.disease_assessment_window_days)
        timing = "met" if earliest <= assessed <= ld else "not_met"
        days = (ld - assessed).days
        when = ("the day lymphodepletion started" if days == 0 else
                f"{days} day{'' if days == 1 else 's'} before lymphodepletion")
        texts.append(f"assessed {full_date(assessed)}, {when} (window {r.disease_assessment_window_days} days)"
                     if days >= 0 else f"assessed {full_date(assessed)}, after lymphodepletion started")
    return Criterion("disease_burden", combine([burden, timing]), "; ".join(texts))


def _product(e: EligibilityInputs, r: EligibilityRules) -> Criterion:
    """rules §10 rev 2: a choice, tisagenlecleucel or another product."""
    if e.product is None:
        return Criterion("product", "missing", "product not entered")
    if e.product in r.products:
        return Criterion("product", "met", PRODUCT_TEXT[e.product])
    needed = " or ".join(PRODUCT_TEXT.get(p, p) for p in r.products)
    return Criterion("product", "not_met", f"{PRODUCT_TEXT[e.product]} (must be {needed})")


def _pregnancy(e: EligibilityInputs) -> Criterion:
    """§10: not of child-bearing potential, or a negative test. A positive test fails whatever
    else is entered: a pregnant patient is of child-bearing potential, so a "no" beside it is a
    data error, and the safe result is not_met (not eligible), never met or merely missing.
    Potential not entered stays missing even beside a negative test: it is what says whether
    the test is needed at all (the safest reading; the rule's wording alone would give met)."""
    test = e.pregnancy_test
    if test == "positive":
        return Criterion("pregnancy", "not_met", "pregnancy test positive" + (
            " (recorded as not of child-bearing potential: check)" if e.childbearing_potential is False else ""))
    if e.childbearing_potential is None:
        return Criterion("pregnancy", "missing", "child-bearing potential not entered")
    if not e.childbearing_potential:
        return Criterion("pregnancy", "met", "not of child-bearing potential")
    if test is None:
        return Criterion("pregnancy", "missing", "child-bearing potential; pregnancy test not entered")
    return Criterion("pregnancy", "met", f"pregnancy test {test}")


def _contraception(e: EligibilityInputs, r: EligibilityRules) -> Criterion:
    """§10: no reproductive potential, or agreed to contraception. A refusal fails unless "no
    reproductive potential" is entered (an entered part that fails, §10); potential not entered
    stays missing beside an agreement, as for pregnancy."""
    agreed = e.contraception_agreed
    days = r.contraception_days_after_last_dose
    if e.reproductive_potential is False:
        return Criterion("contraception", "met", "no reproductive potential")
    if agreed is False:
        return Criterion("contraception", "not_met",
                         f"has not agreed to contraception through {days} days after the last anakinra dose")
    if e.reproductive_potential is None:
        return Criterion("contraception", "missing", "reproductive potential not entered")
    if agreed is None:
        return Criterion("contraception", "missing", "agreement to contraception not entered")
    return Criterion("contraception", "met",
                     f"agreed to contraception through {days} days after the last anakinra dose")


