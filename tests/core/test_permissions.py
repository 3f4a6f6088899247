"""The permission table of issue 18, cell by cell, and the refusal sentences.

The expected table is written out here from the issue, independently of the code's table: a cell
changed in the code (or an action added without a decision) fails here.
"""

from __future__ import annotations

import pytest

ROLES = ("nurse", "pharmacist", "prescriber", "research", "admin")

# action -> the roles with a ✔ in the issue's table (rows split into the actions the program does)
EXPECTED = {
    "record_temperature": {"nurse", "pharmacist", "prescriber"},
    "record_weight": {"nurse", "pharmacist", "prescriber"},
    "record_assessment": {"nurse", "pharmacist", "prescriber"},
    "record_dose_given": {"nurse", "pharmacist", "prescriber"},
    "record_dose_not_given": {"nurse", "pharmacist", "prescriber"},
    "escalate": {"prescriber"},
    "restart": {"prescriber"},
    "verify_dose": {"pharmacist"},
    "print_verified_order_sheet": {"pharmacist"},
    "enter_eligibility": {"prescriber", "research"},
    "sign_eligibility": {"prescriber"},
    "print_administration_record": {"nurse", "pharmacist", "prescriber", "research"},
    "print_grading_summary": {"nurse", "pharmacist", "prescriber", "research"},
    "print_checklist": {"nurse", "pharmacist", "prescriber", "research"},
    "export": {"research", "admin"},
    "backup": {"admin"},
    "restore": {"admin"},
    "manage_users": {"admin"},
}
#: The issue's "Signatures": these ask for the PIN again at the moment they are done.
SIGNED = {"escalate", "restart", "verify_dose", "sign_eligibility", "export", "restore"}

CELLS = [(action, role, role in roles) for action, roles in EXPECTED.items() for role in ROLES]


def _permissions():
    from pacer_desktop.core import permissions
    return permissions


@pytest.mark.parametrize(("action", "role", "expected"), CELLS,
                         ids=[f"{a}-{r}-{'yes' if e else 'no'}" for a, r, e in CELLS])
def test_each_cell_of_the_permission_table(action, role, expected):
    assert _permissions().allowed(role, action) is expected


def test_the_table_holds_exactly_the_actions_and_roles_of_the_issue():
    p = _permissions()
    assert set(p.ACTIONS) == set(EXPECTED)
    assert tuple(p.ROLES) == ROLES


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_signed_actions_are_the_issues(action):
    assert _permissions().needs_signature(action) is (action in SIGNED)


@pytest.mark.parametrize(("action", "role"), [(a, r) for a, r, e in CELLS if not e])
def test_a_refusal_names_the_roles_that_may_and_says_nothing_was_saved(action, role):
    text = _permissions().refusal(role, action)
    assert text.startswith("Only ")
    for may in EXPECTED[action]:
        assert _permissions().ROLE_WORDS[may] in text
    assert "nothing was saved" in text


def test_refusal_sentences_in_the_wards_words():
    p = _permissions()
    assert p.refusal("nurse", "escalate") == \
        "Only a prescriber may escalate (you are signed in as a nurse); nothing was saved."
    assert p.refusal("nurse", "export") == ("Only a research user or an administrator may export for the"
                                            " study or the hospital record (you are signed in as a nurse);"
                                            " nothing was saved.")
    assert p.refusal("admin", "record_weight") == (
        "Only a nurse, a pharmacist or a prescriber may record a weight (you are signed in as an"
        " administrator); nothing was saved.")


def test_an_allowed_action_has_no_refusal():
    assert _permissions().refusal("prescriber", "escalate") == ""


@pytest.mark.parametrize("bad", [("nurse", "fly"), ("surgeon", "escalate")])
def test_an_unknown_action_or_role_is_an_error_not_a_refusal(bad):
    with pytest.raises(ValueError):
        _permissions().allowed(*bad)


# corrections: the author, or a user of a role allowed the same action
@pytest.mark.parametrize(("who", "role", "author", "action", "expected"), [
    ("AB", "nurse", "AB", "record_weight", True),          # a nurse corrects her own weight
    ("CD", "nurse", "AB", "record_weight", True),          # another nurse may record weights
    ("RS", "research", "AB", "record_weight", False),      # research may not record a weight
    ("AD", "admin", "AB", "record_weight", False),
    ("AB", "nurse", "PR", "escalate", False),              # only a prescriber escalates
    ("PR", "prescriber", "QR", "escalate", True),
    ("RS", "research", "RS", "enter_eligibility", True),   # the author, who may do it
    ("RS", "research", "PR", "enter_eligibility", True),   # research may enter eligibility
    ("NU", "nurse", "RS", "enter_eligibility", False),
])
def test_who_may_correct_an_entry(who, role, author, action, expected):
    assert _permissions().may_correct(who, role, author=author, action=action) is expected


def test_the_author_whose_role_no_longer_may_still_corrects_their_own_entry():
    # the issue's "the author, or …": an author is always allowed to correct their own entry
    assert _permissions().may_correct("RS", "research", author="RS", action="record_weight") is True


def test_a_refused_correction_names_the_author_and_the_roles():
    text = _permissions().correction_refusal("RS", "research", author="AB", action="record_weight")
    assert text == ("Only the author (AB), a nurse, a pharmacist or a prescriber may correct this"
                    " (you are signed in as a research user); nothing was saved.")
