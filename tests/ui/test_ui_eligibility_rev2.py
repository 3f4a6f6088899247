"""The eligibility screen under rules §10 rev 2: DLCO "not done" entered explicitly, the product a
choice, and never "✓ met" beside an entry that does not parse (issue 14 §3)."""

from __future__ import annotations

import pytest

from pacer_desktop.ui import presenters as say
from tests.ui.enter import type_into
from tests.ui.test_ui_eligibility_and_people import checklist, fill_eligible  # noqa: F401 - fixture

def test_product_choice_shows_the_rev_2_words(checklist):  # noqa: F811
    # rules §10 rev 2: a choice, tisagenlecleucel (Kymriah) commercial, or another product
    product = checklist[0].eligibility.inputs["product"]
    assert [product.itemText(i) for i in range(product.count())] == [
        "— not entered", "tisagenlecleucel (Kymriah), commercial", "another product"]


def test_dlco_not_done_is_a_choice_beside_the_number(qtbot, checklist):  # noqa: F811
    # rules §10 rev 2: "not done" is entered explicitly, an empty DLCO is missing
    s = checklist[0].eligibility
    fill_eligible(qtbot, s)
    s.inputs["dlco_pct"].clear()
    assert s.status["pulmonary"].text() == say.STATUS_TEXT["missing"]
    assert "DLCO not entered" in s.detail["pulmonary"].text()
    s.dlco_not_done.setChecked(True)
    assert not s.inputs["dlco_pct"].isEnabled()
    assert s.status["pulmonary"].text() == say.STATUS_TEXT["met"] and "DLCO not done" in s.detail["pulmonary"].text()
    assert s.values().dlco_pct == "not_done"
    assert s.verdict.text() == "ELIGIBLE: every criterion is met"
    s.dlco_not_done.setChecked(False)
    assert s.inputs["dlco_pct"].isEnabled() and s.values().dlco_pct is None


def test_stored_not_done_and_missing_dlco_load_back(qtbot, checklist, store):  # noqa: F811
    # rules §10 rev 2: "not_done" loads as the ticked choice; a missing DLCO loads blank, unticked
    from dataclasses import replace
    s = checklist[0].eligibility
    fill_eligible(qtbot, s)
    inputs = replace(s.values(), dlco_pct="not_done")
    s.load(inputs)
    assert s.dlco_not_done.isChecked() and s.inputs["dlco_pct"].text() == ""
    assert s.values() == inputs
    s.load(replace(inputs, dlco_pct=None))
    assert not s.dlco_not_done.isChecked() and s.inputs["dlco_pct"].isEnabled()
    assert s.status["pulmonary"].text() == say.STATUS_TEXT["missing"]


@pytest.mark.parametrize("field, text, criterion", [
    ("alt_u_l", "4 5", "alt"),
    ("creatinine_mg_dl", "0.5 mg", "creatinine"),
    ("spo2_room_air_pct", "140", "pulmonary"),  # parses, but no patient has it: an entry to check too
])
def test_a_field_that_does_not_parse_never_shows_met(qtbot, checklist, field, text, criterion):  # noqa: F811
    # issue 14 §3: the criterion shows the problem, not the last good status
    s = checklist[0].eligibility
    fill_eligible(qtbot, s)
    assert s.status[criterion].text() == say.STATUS_TEXT["met"]
    type_into(qtbot, s.inputs[field], text)
    assert s.status[criterion].text() != say.STATUS_TEXT["met"]
    assert s.status[criterion].text() == "⚠ check entry"
    assert s.findChild(type(s.detail[criterion]), f"error_{field}").text()
    assert "check" in s.detail[criterion].text().lower()
    others = [cid for cid in s.status if cid != criterion]
    assert all(s.status[cid].text() == say.STATUS_TEXT["met"] for cid in others)  # the rest still judged
    assert "Check the entries" in s.verdict.text()


def test_an_assessment_date_not_entered_shows_no_status(qtbot, checklist):  # noqa: F811
    # issue 14 §3: every criterion depends on the assessment date: none shows a status from before
    s = checklist[0].eligibility
    fill_eligible(qtbot, s)
    s.assessed_on.set_value(None)  # not entered: every criterion waits for it
    assert not any(label.text() == say.STATUS_TEXT["met"] for label in s.status.values())


def test_the_form_does_not_move_under_the_cursor_while_a_number_is_typed(qtbot, checklist):
    """Found in review: typing 96 in SpO2, the "9" turned the verdict to one line and the form moved
    up 14 px, the "6" moved it down again, under the cursor of someone typing."""
    from PySide6.QtCore import QPoint, Qt
    w, _pid = checklist
    s = w.eligibility
    w.resize(1366, 768)
    w.show()
    field = s.inputs["spo2_room_air_pct"]
    field.setFocus()

    def where() -> int:
        qtbot.wait(10)
        return field.mapTo(w, QPoint(0, 0)).y()

    places = [where()]
    for key in (Qt.Key.Key_9, Qt.Key.Key_6):
        qtbot.keyClick(field, key)
        places.append(where())
    assert field.text() == "96" and len(set(places)) == 1, places
