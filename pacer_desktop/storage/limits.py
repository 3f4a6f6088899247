"""Sensible limits on the text a person types, checked on every row before it is stored.

No ward field needs more than these; a name of 100,000 characters is a paste gone wrong or an
attack, and it would be printed on every document (issue 17, point 10). The columns hold text typed
at the bedside; JSON columns written from validated models (``crs``, ``icans``, ``inputs``) and the
hashes are not typed and are left out.
"""

from __future__ import annotations

from ..core.errors import Problem

#: The longest text each column accepts, in characters.
TEXT_LIMITS: dict[str, int] = {
    "mrn": 64, "study_id": 64, "name": 200, "timezone": 64, "protocol": 64, "sex_at_birth": 32,
    "drug": 100, "unit": 8, "by": 200, "reason": 2000, "note": 2000, "detail": 2000,
    "kind": 64, "alert": 64, "outcome": 32,
}
#: Columns written by the program itself from validated models, not typed.
_NOT_TYPED = {"crs", "icans", "inputs", "content_sha256", "at", "assessed_on", "assessment_at",
              "date_of_birth", "infusion_at", "entered_at", "entered_by", "role", "workstation"}
#: Any other text column.
DEFAULT_LIMIT = 2000


def problems(row: dict) -> list[Problem]:
    """A problem for each text value longer than its column's limit, naming the field."""
    found = []
    for name, value in row.items():
        if not isinstance(value, str) or name in _NOT_TYPED:
            continue
        limit = TEXT_LIMITS.get(name, DEFAULT_LIMIT)
        if len(value) > limit:
            found.append(Problem(name, f"at most {limit} characters (this one has {len(value):,});"
                                       " nothing was saved"))
    return found
