"""The REDCap data dictionary of the study export (issue 19): its instruments and fields, the codes
of their choices, and the ranges of grades and days, which come from the protocol (rules §1, §8,
§9). :mod:`.redcap` writes the records that fill these fields."""

from __future__ import annotations

import dataclasses

from ..core.eligibility import CRITERIA
from ..core.protocol import Protocol

#: REDCap's data dictionary columns, in its order.
DICTIONARY_COLUMNS = (
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
    "Text Validation Min", "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
    "Required Field?", "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name",
    "Matrix Ranking?", "Field Annotation",
)
#: Columns of the flat import file that are REDCap's own, not fields of the dictionary.
SYSTEM_COLUMNS = ("redcap_repeat_instrument", "redcap_repeat_instance")
INSTRUMENTS = ("enrollment", "eligibility", "daily_grading", "anakinra_administration", "anakinra_unscheduled",
               "course")
REPEATING = ("daily_grading", "anakinra_administration", "anakinra_unscheduled", "course")

#: Drugs counted as corticosteroids on the daily form (the case format's drug list, case-format.md).
CORTICOSTEROIDS = ("dexamethasone", "methylprednisolone", "hydrocortisone", "prednisone", "prednisolone")

STATUS_CODES = {"met": "1", "not_met": "2", "missing": "3"}
VERDICT_CODES = {"eligible": "1", "not_eligible": "2", "incomplete": "3"}
LINE_CODES = {"given": "1", "held": "2", "refused": "3", "omitted": "4", "missed": "5", "overdue": "6", "due": "7"}
SEX_CODES = {"female": "1", "male": "2"}
#: The fields whose text someone typed, which alone may name the patient and are filtered
#: (exports.pseudonyms); the others are PACER's own words: criteria details, initials and roles.
TYPED_FIELDS = frozenset({"aa_reason", "au_reason", "course_restart_by", "course_restart_why"})
#: A day's grade is exported only for a day on which it was assessed: a 0 says "no CRS".
NOT_ASSESSED_NOTE = "Empty: not assessed that day"


@dataclasses.dataclass(frozen=True)
class Field:
    """One field of the REDCap data dictionary: its form, label, type and limits."""
    name: str
    form: str
    label: str
    kind: str = "text"
    choices: tuple[tuple[str, str], ...] = ()
    validation: str = ""
    low: str = ""
    high: str = ""
    note: str = ""
    section: str = ""
    required: bool = False

    def row(self) -> dict[str, str]:
        values = [self.name, self.form, self.section, self.kind, self.label,
                  " | ".join(f"{code}, {label}" for code, label in self.choices), self.note,
                  self.validation, self.low, self.high, "", "", "y" if self.required else "", "", "", "", "", ""]
        return dict(zip(DICTIONARY_COLUMNS, values))


def _choices(codes: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((code, key.replace("_", " ")) for key, code in codes.items())


def _highest_crs(p: Protocol) -> int:
    return max(p.crs.fever_only_grade, *p.crs.hypotension_grades.values(), *p.crs.oxygen_grades.values())


def _highest_icans(p: Protocol) -> int:
    i = p.icans
    return max(i.unable_to_perform_grade, *(b[2] for b in i.ice_bands), *(b[2] for b in i.capd_bands),
               *i.consciousness_grades.values(), *i.seizure_grades.values(), *i.motor_grades.values(),
               *i.cerebral_edema_grades.values())


def dictionary(protocol: Protocol) -> list[Field]:
    """The six instruments. Grade and day ranges come from the protocol (rules §1, §8, §9)."""
    date_ymd, time_ymd = {"validation": "date_ymd"}, {"validation": "datetime_ymd"}
    last_day, crs_top, icans_top = str(protocol.grading_last_day), str(_highest_crs(protocol)), str(_highest_icans(protocol))
    site = "site time"
    fields = [
        Field("record_id", "enrollment", "Study ID", required=True, section="Enrolment (PACER Desktop)"),
        Field("enr_protocol", "enrollment", "Protocol"),
        Field("enr_protocol_sha256", "enrollment", "Protocol file SHA-256"),
        Field("enr_timezone", "enrollment", "Site time zone (IANA)"),
        Field("enr_infusion_at", "enrollment", f"CAR T-cell infusion ({site})", **time_ymd),
        Field("enr_age_years", "enrollment", "Age at infusion (completed years)", validation="integer", low="0"),
        Field("enr_sex", "enrollment", "Sex at birth", "radio", _choices(SEX_CODES)),
        Field("enr_dev_delay", "enrollment", "Developmental delay (ICANS graded with CAPD)", "yesno"),
        Field("enr_exported_at", "enrollment", "Exported from PACER Desktop at (UTC)", **time_ymd),
        Field("enr_exported_by", "enrollment", "Exported by (initials, role, workstation)"),
        Field("elig_date", "eligibility", "Assessment date", section="Eligibility (rules §10)", **date_ymd),
        Field("elig_verdict", "eligibility", "Verdict", "radio", _choices(VERDICT_CODES)),
    ]
    for cid, label, _group in CRITERIA:
        fields.append(Field(f"ec_{cid}", "eligibility", label, "radio", _choices(STATUS_CODES)))
        fields.append(Field(f"ec_{cid}_detail", "eligibility", f"{label}: detail", "notes"))
    fields += [
        Field("elig_entered_by", "eligibility", "Entered by (initials, role)"),
        Field("elig_entered_at", "eligibility", "Entered at (UTC)", **time_ymd),
        Field("elig_signed_by", "eligibility", "Signed by the investigator (initials, role)",
              note="Empty: not signed yet"),
        Field("elig_signed_at", "eligibility", "Signed at (UTC)", **time_ymd),
        Field("dg_day", "daily_grading", "Day after infusion", validation="integer", low="0", high=last_day,
              section="Daily grading (rules §1, §8, §9)"),
        Field("dg_date", "daily_grading", f"Date ({site})", **date_ymd),
        Field("dg_crs_grade", "daily_grading", "Highest CRS grade of the day (ASTCT)", validation="integer",
              low="0", high=crs_top, note=NOT_ASSESSED_NOTE),
        Field("dg_icans_grade", "daily_grading", "Highest ICANS grade of the day (ASTCT)", validation="integer",
              low="0", high=icans_top, note=NOT_ASSESSED_NOTE),
        Field("dg_anakinra_mg", "daily_grading", "Anakinra given that day (mg)", validation="number", low="0"),
        Field("dg_tocilizumab", "daily_grading", "Tocilizumab given that day", "yesno"),
        Field("dg_steroids", "daily_grading", "Corticosteroids given that day", "yesno",
              note=", ".join(CORTICOSTEROIDS)),
        Field("aa_line", "anakinra_administration", "Schedule line", validation="integer", low="1",
              section="Anakinra schedule line (rules §5a)"),
        Field("aa_course", "anakinra_administration", "Course", validation="integer", low="1"),
        Field("aa_day", "anakinra_administration", "Day after infusion", validation="integer"),
        Field("aa_due", "anakinra_administration", f"Due ({site})", **time_ymd),
        Field("aa_status", "anakinra_administration", "What happened", "radio", _choices(LINE_CODES)),
        Field("aa_planned_mg", "anakinra_administration", "Dose of the line (mg)", validation="number", low="0"),
        Field("aa_given_at", "anakinra_administration", f"Given at ({site})", **time_ymd),
        Field("aa_given_mg", "anakinra_administration", "Given (mg)", validation="number", low="0"),
        Field("aa_closed_at", "anakinra_administration", f"Held, refused or omitted at ({site})", **time_ymd),
        Field("aa_reason", "anakinra_administration", "Why held, refused or omitted", "notes"),
        Field("aa_by", "anakinra_administration", "Given or closed by (initials, role)"),
        Field("au_given_at", "anakinra_unscheduled", f"Given at ({site})", section="Anakinra given outside the"
              " schedule: taken by no line (rules §5a), counted in the 24-hour maximum (§4)", **time_ymd),
        Field("au_day", "anakinra_unscheduled", "Day after infusion", validation="integer"),
        Field("au_given_mg", "anakinra_unscheduled", "Given (mg)", validation="number", low="0",
              note="Empty: the amount was not recorded"),
        Field("au_reason", "anakinra_unscheduled", "Reason recorded with the dose", "notes"),
        Field("au_by", "anakinra_unscheduled", "Given by (initials, role)"),
        Field("course_number", "course", "Course", validation="integer", low="1", section="Anakinra course (rules §6)"),
        Field("course_fever_at", "course", f"Persistent fever met ({site})", **time_ymd),
        Field("course_start", "course", f"Started ({site})", **time_ymd),
        Field("course_first_due", "course", f"First dose due ({site})", **time_ymd),
        Field("course_escalated", "course", f"Escalated ({site})", **time_ymd),
        Field("course_resolved", "course", f"CRS and ICANS resolved ({site})", **time_ymd),
        Field("course_stop", "course", f"Stop time ({site})", **time_ymd),
        Field("course_restart", "course", "Started by a clinician's restart", "yesno"),
        Field("course_restart_by", "course", "Restarted by"),
        Field("course_restart_why", "course", "Why restarted", "notes"),
    ]
    return fields
