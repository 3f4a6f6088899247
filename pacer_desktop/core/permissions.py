"""Who may do what (issue 18): one table of actions × roles, and refusals in the ward's words.

- :func:`allowed` — whether a role may do an action.
- :func:`refusal` — "" when allowed, else the sentence naming the role(s) that may
  ("Only a prescriber may escalate (you are signed in as a nurse); nothing was saved.").
- :func:`needs_signature` — whether the action is signed (the PIN asked again at that moment).
- :func:`may_correct` / :func:`correction_refusal` — corrections: the author, or a user whose role
  is allowed the action that made the entry.

The table is data, not code paths: the window, the command line and the store all ask it, so one
change here changes every door. An unknown role or action is a programming error (``ValueError``),
never a silent refusal.
"""

from __future__ import annotations

from typing import NamedTuple

ROLES: tuple[str, ...] = ("nurse", "pharmacist", "prescriber", "research", "admin")

#: How a role is named in a sentence ("Only a research user may …").
ROLE_WORDS: dict[str, str] = {"nurse": "a nurse", "pharmacist": "a pharmacist", "prescriber": "a prescriber",
                              "research": "a research user", "admin": "an administrator"}


class _Row(NamedTuple):
    words: str            # what the action is, after "may"
    roles: frozenset[str]
    signed: bool = False  # asks for the PIN again when done (issue 18, "Signatures")


_CLINICAL = frozenset({"nurse", "pharmacist", "prescriber"})
_READERS = frozenset({"nurse", "pharmacist", "prescriber", "research"})

#: THE permission table. Rows follow the issue's table; a row there naming several things is one
#: action here per thing the program does.
TABLE: dict[str, _Row] = {
    "record_temperature": _Row("record a temperature", _CLINICAL),
    "record_weight": _Row("record a weight", _CLINICAL),
    "record_assessment": _Row("record an assessment", _CLINICAL),
    "record_dose_given": _Row("record a dose given", _CLINICAL),
    "record_dose_not_given": _Row("record a dose held, refused or omitted", _CLINICAL),
    "escalate": _Row("escalate", frozenset({"prescriber"}), signed=True),
    "restart": _Row("restart anakinra", frozenset({"prescriber"}), signed=True),
    "verify_dose": _Row("verify the dose (independent double check)", frozenset({"pharmacist"}), signed=True),
    "print_verified_order_sheet": _Row("print the order sheet as verified", frozenset({"pharmacist"})),
    "enter_eligibility": _Row("enter eligibility", frozenset({"prescriber", "research"})),
    "sign_eligibility": _Row("sign eligibility as investigator", frozenset({"prescriber"}), signed=True),
    "print_administration_record": _Row("print the administration record", _READERS),
    "print_grading_summary": _Row("print the grading summary", _READERS),
    "print_checklist": _Row("print the eligibility checklist", _READERS),
    "export": _Row("export for the study or the hospital record", frozenset({"research", "admin"}), signed=True),
    "backup": _Row("back up the database", frozenset({"admin"})),
    "restore": _Row("restore the database from a backup", frozenset({"admin"}), signed=True),
    "manage_users": _Row("manage users", frozenset({"admin"})),
}
ACTIONS: tuple[str, ...] = tuple(TABLE)


def _row(action: str) -> _Row:
    try:
        return TABLE[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}; expected one of {', '.join(ACTIONS)}") from None


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")


#: The action each printed document needs (the order sheet is printed as verified), by document kind.
PRINT_ACTIONS: dict[str, str] = {"order": "print_verified_order_sheet", "mar": "print_administration_record",
                                 "eligibility": "print_checklist", "grading": "print_grading_summary"}


def allowed(role: str, action: str) -> bool:
    """Whether ``role`` may do ``action``."""
    _check_role(role)
    return role in _row(action).roles


def needs_signature(action: str) -> bool:
    """Whether ``action`` is signed: the PIN is asked again and who, when and the meaning recorded."""
    return _row(action).signed


def _names(parts: list[str]) -> str:
    """["a nurse", "a pharmacist", "a prescriber"] → "a nurse, a pharmacist or a prescriber"."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} or {parts[-1]}"


def _roles_in_order(roles: frozenset[str]) -> list[str]:
    return [ROLE_WORDS[r] for r in ROLES if r in roles]


def _sentence(who: list[str], what: str, role: str) -> str:
    return f"Only {_names(who)} may {what} (you are signed in as {ROLE_WORDS[role]}); nothing was saved."


def refusal(role: str, action: str) -> str:
    """"" when ``role`` may do ``action``; else the sentence to show, naming who may."""
    if allowed(role, action):
        return ""
    row = _row(action)
    return _sentence(_roles_in_order(row.roles), row.words, role)


def may_correct(initials: str, role: str, *, author: str, action: str) -> bool:
    """Whether the user (``initials``, ``role``) may correct an entry made by ``author`` through
    ``action``: the author always may; anyone else only when their role may do that action."""
    _check_role(role)
    _row(action)
    return initials.strip().upper() == author.strip().upper() or allowed(role, action)


def correction_refusal(initials: str, role: str, *, author: str, action: str) -> str:
    """"" when the correction is allowed; else the sentence naming the author and the roles."""
    if may_correct(initials, role, author=author, action=action):
        return ""
    return _sentence([f"the author ({author})", *_roles_in_order(_row(action).roles)], "correct this", role)
