"""What the study export leaves out: a typed text that names the patient (README: the records are
pseudonymous, never a name or MRN). The REDCap export blanks such a field; FHIR, for the hospital's
own record, carries the MRN by design."""

from __future__ import annotations

import re
import unicodedata

#: Put in place of a typed text that named the patient.
BLANKED = "[removed: held a name or MRN]"
#: How a name's letters are also typed on an English keyboard, beside dropping the accent.
_SPELT_OUT = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ø": "oe", "æ": "ae", "å": "aa"}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _plain(text: str) -> str:
    """``text`` in lower case without accents (ø as o, ß as ss): "José Ørsted" → "jose orsted"."""
    lowered = text.lower().replace("ß", "ss").replace("ø", "o").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))


def _name_words(name: str) -> set[str]:
    """Every word of the name of two letters or more, as typed, without accents, and spelt out."""
    words = set()
    for word in re.findall(r"[^\W\d_]{2,}", name.lower()):
        words |= {word, _plain(word), _plain("".join(_SPELT_OUT.get(c, c) for c in word))}
    return words


def _names_birth_date(text: str, born) -> bool:
    """The date of birth written with numbers in any order (06/05/2015, 2015/06/05, 20150605) or
    with the month in letters (5 June 2015, June 5th, 2015)."""
    if born.isoformat() in text or born.strftime("%Y%m%d") in re.sub(r"\D", "", text):
        return True
    for parts in re.findall(r"\b(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})\b", text):
        numbers = [int(p) for p in parts]
        years = {born.year, born.year % 100}
        if (numbers[2] in years and {numbers[0], numbers[1]} == {born.day, born.month}) or \
                (numbers[0] == born.year and numbers[1:] == [born.month, born.day]):
            return True
    month = _MONTHS[born.month - 1]
    day = rf"0?{born.day}(?:st|nd|rd|th)?"
    year = rf"(?:{born.year}|'?{born.year % 100:02d})"
    in_words = (rf"\b{day}\s+{month}[a-z]*\.?,?\s+{year}\b", rf"\b{month}[a-z]*\.?\s+{day},?\s+{year}\b")
    return any(re.search(pattern, text) for pattern in in_words)


def identifies(text: str, record) -> bool:
    """Whether typed ``text`` names the patient: any word of the name of two letters or more ("Mrs
    Li", "Zelda"), with or without its accents; the MRN with or without its spaces, dashes and
    leading zeros; or the date of birth however written. Blanking too much costs a reason;
    blanking too little sends a name to the study (README: never a name or MRN)."""
    plain = _plain(text)
    if any(re.search(rf"(?<![^\W\d_]){re.escape(w)}(?![^\W\d_])", plain) for w in _name_words(record.name)):
        return True
    mrn = re.sub(r"[\W_]", "", record.mrn.lower())
    squeezed = re.sub(r"[\W_]", "", plain)
    if mrn and (mrn in squeezed or (mrn.isdigit() and len(mrn.lstrip("0")) >= 4
                                    and re.search(rf"(?<!\d){mrn.lstrip('0')}(?!\d)", plain))):
        return True
    return record.date_of_birth is not None and _names_birth_date(plain, record.date_of_birth)


def pseudonymous(row: dict[str, str], record, free_text: frozenset[str]) -> dict[str, str]:
    """The row with any free text (what someone typed: a reason, who) that names the patient
    (:func:`identifies`) blanked. Codes, numbers and dates are left alone."""
    return {k: BLANKED if k in free_text and v and identifies(v, record) else v for k, v in row.items()}
