"""What the study export leaves out: a typed text that names the patient (README: the records are
pseudonymous, never a name or MRN). The REDCap export blanks such a field among those someone typed
(a reason, who restarted); PACER's own words (criteria details, initials) are never blanked. FHIR,
for the hospital's own record, carries the MRN by design."""

from __future__ import annotations

import re
import unicodedata

#: Put in place of a typed text that named the patient.
BLANKED = "[removed: held a name or MRN]"
#: How a name's letters are also typed on an English keyboard, beside dropping the accent.
_SPELT_OUT = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ø": "oe", "æ": "ae", "å": "aa"}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


#: Letters that Unicode does not split into a letter and an accent, as typed without it.
_UNACCENTED = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "đ": "d", "Đ": "D", "ð": "d",
                             "Ð": "D", "ł": "l", "Ł": "L", "ħ": "h", "Ħ": "H", "ı": "i", "œ": "oe", "Œ": "Oe",
                             "þ": "th", "Þ": "Th"})


def _plain(text: str) -> str:
    """``text`` without accents (ø as o, ß as ss, Đ as D), case kept: "José Ørsted" → "Jose Orsted"."""
    text = text.translate(_UNACCENTED)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _spelt_out(text: str) -> str:
    """Umlauts and the like as letter pairs, case kept: "Müller" → "Mueller"."""
    return "".join(_SPELT_OUT[c.lower()].capitalize() if c.isupper() and c.lower() in _SPELT_OUT
                   else _SPELT_OUT.get(c, c) for c in text)


def _names_patient(text: str, name: str) -> bool:
    """A word of the name in ``text``: one of three letters or more in any case, with or without its
    accents or spelt out; a two-letter one ("Li", "An") only as the name writes it, capital and all,
    since in lower case it is an English word ("an IV line")."""
    forms = {text, _plain(text), _plain(_spelt_out(text))}
    for word in re.findall(r"[^\W\d_]{2,}", name):
        for variant in {word, _plain(word), _plain(_spelt_out(word)), _plain(word).upper()}:  # "LI family"
            flags = re.IGNORECASE if len(variant) >= 3 else 0
            pattern = rf"(?<![^\W\d_]){re.escape(variant)}(?![^\W\d_])"
            if any(re.search(pattern, form, flags) for form in forms):
                return True
    return False


def _names_birth_date(text: str, born) -> bool:
    """The date of birth written with numbers in any order (06/05/2015, 2015/06/05, 20150605) or
    with the month in letters (5 June 2015, June 5th, 2015, 05-Jun-2015, 5Jun2015)."""
    numbers = re.findall(r"\d+", text)
    if {born.strftime(f) for f in ("%Y%m%d", "%d%m%Y", "%m%d%Y")} & set(numbers) or born.isoformat() in text:
        return True
    for parts in re.findall(r"\b(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})\b", text):
        n = [int(p) for p in parts]
        if (n[2] in (born.year, born.year % 100) and {n[0], n[1]} == {born.day, born.month}) or \
                (n[0] == born.year and n[1:] == [born.month, born.day]):
            return True
    month, gap = _MONTHS[born.month - 1], r"[\s/.,\-]*"
    day = rf"0?{born.day}(?:st|nd|rd|th)?"
    # a year of two digits only written as one ('15, -15): "5 June, 15 mg" and "5 Jun 15:00" are no dates
    year = rf"(?:{born.year}|(?:'|(?<=[/.\-])){born.year % 100:02d})(?![\d:])"
    in_words = (rf"(?<!\d){day}(?:\s+of)?{gap}{month}[a-z]*\.?{gap}{year}",
                rf"\b{month}[a-z]*\.?{gap}{day}{gap}{year}")
    return any(re.search(pattern, text, re.IGNORECASE) for pattern in in_words)


def identifies(text: str, record) -> bool:
    """Whether typed ``text`` names the patient: a word of the name (:func:`_names_patient`); the MRN
    with or without its spaces, dashes and leading zeros; or the date of birth however written.
    Blanking too much costs a reason; blanking too little sends a name to the study (README: never a
    name or MRN)."""
    if _names_patient(text, record.name):
        return True
    mrn = re.sub(r"[\W_]", "", record.mrn.lower())
    squeezed = re.sub(r"[\W_]", "", text.lower())
    bare = mrn.lstrip("0")
    if mrn and (mrn in squeezed or (mrn.isdigit() and len(bare) >= 4 and re.search(rf"(?<!\d){bare}(?!\d)", text))):
        return True
    return record.date_of_birth is not None and _names_birth_date(text, record.date_of_birth)


def pseudonymous(row: dict[str, str], record, typed: frozenset[str]) -> dict[str, str]:
    """The row with any of the ``typed`` fields (what someone typed: a reason, who restarted) that
    names the patient (:func:`identifies`) blanked. PACER's own words, codes, numbers and dates are
    left alone."""
    return {k: BLANKED if k in typed and v and identifies(v, record) else v for k, v in row.items()}
