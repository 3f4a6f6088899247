"""What the study export leaves out: a typed text that names the patient (README: the records are
pseudonymous, never a name or MRN). The REDCap export blanks such a field; FHIR, for the hospital's
own record, carries the MRN by design."""

from __future__ import annotations

import re

#: Put in place of a typed text that named the patient.
BLANKED = "[removed: held a name or MRN]"


def identifies(text: str, record) -> bool:
    """Whether typed ``text`` names the patient: any word of the name of three letters or more
    ("Mrs Quixote", "Zelda"), the MRN with or without its spaces and dashes, or the date of birth
    written with numbers either way round (06/05/2012, 5-6-12) or in ISO form. Blanking too much
    costs a reason; blanking too little sends a name to the study (README: never a name or MRN)."""
    lowered = text.lower()
    words = {w for w in re.findall(r"[^\W\d_]{3,}", record.name.lower())}
    if any(re.search(rf"(?<![^\W\d_]){re.escape(w)}(?![^\W\d_])", lowered) for w in words):
        return True
    mrn = re.sub(r"[\W_]", "", record.mrn.lower())
    if mrn and mrn in re.sub(r"[\W_]", "", lowered):
        return True
    born = record.date_of_birth
    if born is None:
        return False
    if born.isoformat() in lowered:
        return True
    for a, b, y in re.findall(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\b", lowered):
        if int(y) in (born.year, born.year % 100) and {int(a), int(b)} == {born.day, born.month}:
            return True
    return False


def pseudonymous(row: dict[str, str], record, free_text: frozenset[str]) -> dict[str, str]:
    """The row with any free text (what someone typed: a reason, who) that names the patient
    (:func:`identifies`) blanked. Codes, numbers and dates are left alone."""
    return {k: BLANKED if k in free_text and v and identifies(v, record) else v for k, v in row.items()}
