"""The REDCap export (issue 19): a data dictionary, the records in REDCap's flat import format
and a README, from the same evaluation the window shows; pseudonymous (study ID and dates only)."""

from __future__ import annotations

import csv
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pacer_desktop.cli import main
from tests.exports.conftest import NURSE, RESEARCH, example_now, expected_of


#: REDCap's data dictionary columns, in the order REDCap writes and reads them.
STANDARD_COLUMNS = [
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
    "Text Validation Min", "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
    "Required Field?", "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name",
    "Matrix Ranking?", "Field Annotation",
]
SYSTEM_COLUMNS = {"redcap_repeat_instrument", "redcap_repeat_instance"}
INSTRUMENTS = {"enrollment", "eligibility", "daily_grading", "anakinra_administration", "anakinra_unscheduled", "course"}


def _read(path):
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, [dict(zip(header, row)) for row in reader]


def _export(store, examples, out, *, now=None):
    from pacer_desktop.exports.redcap import export_redcap
    return export_redcap(store, RESEARCH, out, [pid for _, pid, _ in examples], now=now)


@pytest.fixture
def exported(store, examples, tmp_path):
    out = tmp_path / "study"
    _export(store, examples, out)
    return out


def test_the_dictionary_has_redcaps_columns_and_the_six_instruments(exported):
    header, rows = _read(exported / "pacer_data_dictionary.csv")
    assert header == STANDARD_COLUMNS
    assert rows[0]["Variable / Field Name"] == "record_id"  # REDCap's first field is the record ID
    assert {r["Form Name"] for r in rows} == INSTRUMENTS
    names = [r["Variable / Field Name"] for r in rows]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]{0,25}", n) for n in names), names
    types = {r["Field Type"] for r in rows}
    assert types <= {"text", "notes", "radio", "dropdown", "yesno", "calc"}
    validations = {r["Text Validation Type OR Show Slider Number"] for r in rows}
    assert {"date_ymd", "datetime_ymd", "integer"} <= validations
    eligibility = [r for r in rows if r["Form Name"] == "eligibility"]
    assert len([r for r in eligibility if r["Field Type"] == "radio" and r["Variable / Field Name"].startswith("ec_")]) == 13


def test_every_records_column_is_a_dictionary_field_or_a_redcap_column(exported):
    _, fields = _read(exported / "pacer_data_dictionary.csv")
    names = {r["Variable / Field Name"] for r in fields}
    header, records = _read(exported / "pacer_records.csv")
    assert header[:3] == ["record_id", "redcap_repeat_instrument", "redcap_repeat_instance"]
    assert set(header) - names <= SYSTEM_COLUMNS
    assert {r["record_id"] for r in records} == {f"PACER-{n:03d}" for n in range(1, 6)}


def test_every_value_fits_its_field(exported):
    """A choice is one of its field's codes; dates and times are written as REDCap reads them;
    a value sits only on rows of its own instrument."""
    _, fields = _read(exported / "pacer_data_dictionary.csv")
    by_name = {r["Variable / Field Name"]: r for r in fields}
    _, records = _read(exported / "pacer_records.csv")
    assert records
    for row in records:
        instrument = row["redcap_repeat_instrument"]
        for name, value in row.items():
            if name in SYSTEM_COLUMNS or name == "record_id" or value == "":
                continue
            field = by_name[name]
            if instrument:
                assert field["Form Name"] == instrument, (name, instrument)
            kind, validation = field["Field Type"], field["Text Validation Type OR Show Slider Number"]
            if kind in ("radio", "dropdown"):
                codes = [c.split(",", 1)[0].strip() for c in field["Choices, Calculations, OR Slider Labels"].split("|")]
                assert value in codes, (name, value, codes)
            elif kind == "yesno":
                assert value in ("0", "1"), (name, value)
            elif validation == "date_ymd":
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), (name, value)
            elif validation == "datetime_ymd":
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", value), (name, value)
            elif validation == "integer":
                assert re.fullmatch(r"-?\d+", value), (name, value)
                low, high = field["Text Validation Min"], field["Text Validation Max"]
                assert (low == "" or int(value) >= int(low)) and (high == "" or int(value) <= int(high)), (name, value)
            elif validation == "number":
                float(value)


def test_repeating_rows_are_numbered_per_instrument_and_record(exported):
    _, records = _read(exported / "pacer_records.csv")
    seen = set()
    for row in records:
        if row["redcap_repeat_instrument"]:
            assert row["redcap_repeat_instrument"] in {"daily_grading", "anakinra_administration", "course"}
            key = (row["record_id"], row["redcap_repeat_instrument"], row["redcap_repeat_instance"])
            assert int(row["redcap_repeat_instance"]) >= 1 and key not in seen
            seen.add(key)
        else:
            assert row["redcap_repeat_instance"] == ""


def test_the_daily_grades_are_the_expected_daily_max_of_each_example(store, examples, tmp_path):
    """rules §1: the highest CRS and ICANS grade of each day, as written in the expected files, on
    the days that kind was assessed; empty on the others (the expected files' 0 "if none")."""
    import json
    from zoneinfo import ZoneInfo
    for case_file, pid, who in examples:
        out = tmp_path / who["study_id"]
        from pacer_desktop.exports.redcap import export_redcap
        export_redcap(store, RESEARCH, out, [pid], now=example_now(case_file))
        _, records = _read(out / "pacer_records.csv")
        daily = [r for r in records if r["redcap_repeat_instrument"] == "daily_grading"]
        assert all(int(r["redcap_repeat_instance"]) == int(r["dg_day"]) + 1 for r in daily)  # stable on re-export
        data = json.loads(case_file.read_text())
        if data.get("infusion_at") is None:  # eligibility only: no day 0, no daily grading
            assert daily == [], case_file.name
            continue
        zone = ZoneInfo(data["timezone"])
        day0 = datetime.fromisoformat(data["infusion_at"]).astimezone(zone).date()
        on = {kind: {(datetime.fromisoformat(a["at"]).astimezone(zone).date() - day0).days
                     for a in data.get("assessments", []) if a.get(kind)} for kind in ("crs", "icans")}
        want = [{"day": row["day"], "crs_grade": str(row["crs_grade"]) if row["day"] in on["crs"] else "",
                 "icans_grade": str(row["icans_grade"]) if row["day"] in on["icans"] else ""}
                for row in expected_of(case_file)["daily_max"]]
        got = [{"day": int(r["dg_day"]), "crs_grade": r["dg_crs_grade"], "icans_grade": r["dg_icans_grade"]}
               for r in daily]
        assert got == want, case_file.name
        assert any(row["crs_grade"] != "" for row in want) or not data.get("assessments"), case_file.name


def test_anakinra_lines_and_eligibility_come_from_the_evaluation(store, examples, tmp_path):
    case_file, pid, _ = examples[0]  # 01: one dose given at 11:10 for the first line
    out = tmp_path / "one"
    from pacer_desktop.exports.redcap import export_redcap
    export_redcap(store, RESEARCH, out, [pid], now=example_now(case_file))
    _, records = _read(out / "pacer_records.csv")
    lines = [r for r in records if r["redcap_repeat_instrument"] == "anakinra_administration"]
    first = lines[0]
    assert (first["redcap_repeat_instance"], first["aa_due"], first["aa_given_at"], first["aa_given_mg"]) == \
        ("1", "2026-11-04 11:00", "2026-11-04 11:10", "59")
    assert first["aa_by"] == "AB (nurse)"
    day1 = next(r for r in records if r["redcap_repeat_instrument"] == "daily_grading" and r["dg_day"] == "1")
    assert (day1["dg_date"], day1["dg_anakinra_mg"], day1["dg_tocilizumab"], day1["dg_steroids"]) == \
        ("2026-11-04", "59", "0", "0")
    [course] = [r for r in records if r["redcap_repeat_instrument"] == "course"]
    assert course["course_fever_at"].startswith("2026-11-04 ")


def test_the_eligibility_instrument_holds_the_13_criteria_and_who_entered_it(store, examples, tmp_path):
    case_file, pid, who = examples[2]  # 03: not eligible on creatinine
    out = tmp_path / "elig"
    from pacer_desktop.exports.redcap import export_redcap
    export_redcap(store, RESEARCH, out, [pid], now=example_now(case_file))
    _, records = _read(out / "pacer_records.csv")
    _, fields = _read(out / "pacer_data_dictionary.csv")
    [row] = [r for r in records if r["redcap_repeat_instrument"] == "" and r["elig_verdict"] != ""]
    verdict = next(f for f in fields if f["Variable / Field Name"] == "elig_verdict")
    assert f"{row['elig_verdict']}, not eligible" in verdict["Choices, Calculations, OR Slider Labels"]
    creatinine = next(f for f in fields if f["Variable / Field Name"] == "ec_creatinine")
    assert f"{row['ec_creatinine']}, not met" in creatinine["Choices, Calculations, OR Slider Labels"]
    assert row["ec_creatinine_detail"]
    assert (row["elig_entered_by"], row["elig_signed_by"]) == ("AB (nurse)", "")  # entered, not signed
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["elig_date"])


def test_no_name_or_mrn_leaves_in_the_study_export(exported, examples):
    text = "\n".join(p.read_text(encoding="utf-8") for p in exported.iterdir())
    for _, _, who in examples:
        assert who["study_id"] in text
        assert who["name"] not in text and who["name"].split()[1] not in text
        assert who["mrn"] not in text


def test_the_readme_says_what_when_who_which_protocol_and_what_to_make_repeating(exported):
    readme = (exported / "README.txt").read_text(encoding="utf-8")
    assert "RS (research)" in readme and "research-office" in readme
    assert "pacer-1" in readme
    for instrument in ("daily_grading", "anakinra_administration", "course"):
        assert instrument in readme
    assert "repeating" in readme.lower()
    assert "5 patients" in readme


def test_the_export_is_recorded_in_the_audit_log(store, examples, exported):
    actions = [row["action"] for row in store.audit()]
    assert sum("redcap" in a for a in actions) == len(examples)
    assert store.verify() == []


def test_a_patient_without_a_study_id_is_not_exported(store, tmp_path):
    from pacer_desktop.core.errors import CaseError
    from pacer_desktop.exports.redcap import export_redcap
    pid = store.add_patient(RESEARCH, mrn="1001", name="No Study", date_of_birth=None, sex_at_birth="male",
                            developmental_delay=False, infusion_at=datetime(2026, 11, 1, tzinfo=UTC), timezone="UTC")
    with pytest.raises(CaseError, match="study ID"):
        export_redcap(store, RESEARCH, tmp_path / "none", [pid])
    assert not (tmp_path / "none" / "pacer_records.csv").exists()


def test_the_command_exports_every_patient_or_one(store, examples, tmp_path, capsys, people):
    store.close()
    assert main(["export", "redcap", "--out", str(tmp_path / "all"), "--all", *people.of("research")]) == 0
    _, records = _read(tmp_path / "all" / "pacer_records.csv")
    assert len({r["record_id"] for r in records}) == len(examples)
    assert main(["export", "redcap", "--out", str(tmp_path / "one"), "--mrn", examples[1][2]["mrn"],
                 *people.of("research")]) == 0
    _, records = _read(tmp_path / "one" / "pacer_records.csv")
    assert {r["record_id"] for r in records} == {"PACER-002"}
    assert "PACER-002" in capsys.readouterr().err


def test_no_part_of_the_name_the_mrn_or_the_date_of_birth_leaves_in_typed_reasons(tmp_path):
    """README: "never a name or MRN". A reason naming the patient's mother by surname, the first
    name with the date of birth, or the MRN with spaces went to REDCap as typed (found in review)."""
    from pacer_desktop.exports.pseudonyms import BLANKED
    from pacer_desktop.exports.redcap import export_redcap
    from pacer_desktop.storage import Store
    now = INFUSED + timedelta(days=3)
    with Store.open(tmp_path / "p.sqlite3", keep_backups=0, clock=lambda: now) as store:
        pid = _febrile(store, mrn="447-1203", name="Zelda Quixote", date_of_birth=date(2012, 5, 6), study_id="PACER-009")
        reasons = {1: "Mum (Mrs Quixote) asked to wait", 2: "refused by Zelda, DOB 06/05/2012",
                   3: "see MRN 447 1203 notes", 4: "IV line blocked, flushed"}
        for line, reason in reasons.items():
            store.add_dose_outcome(NURSE, pid, line=line, outcome="held", at=INFUSED + timedelta(hours=13 + 12 * line),
                                   reason=reason)
        export_redcap(store, RESEARCH, tmp_path / "study", [pid], now=now)
    text = (tmp_path / "study" / "pacer_records.csv").read_text(encoding="utf-8")
    for leaked in ("Quixote", "Zelda", "06/05/2012", "447 1203"):
        assert leaked not in text
    assert text.count(BLANKED) == 3 and "IV line blocked, flushed" in text


def test_a_day_with_a_dose_of_no_recorded_amount_leaves_the_day_s_mg_empty(tmp_path):
    """Line 1 was given (recorded without its amount), and the day read 0 mg of anakinra: a number
    the study would take as fact (found in review). Unknown is left empty."""
    from pacer_desktop.exports.redcap import export_redcap
    from pacer_desktop.storage import Store
    now = INFUSED + timedelta(days=2)
    with Store.open(tmp_path / "p.sqlite3", keep_backups=0, clock=lambda: now) as store:
        pid = _febrile(store, mrn="M-10", name="Amount Unknown", study_id="PACER-010")
        store.add_medication(NURSE, pid, at=INFUSED + timedelta(hours=25, minutes=5), drug="anakinra", dose_mg=None)
        export_redcap(store, RESEARCH, tmp_path / "study", [pid], now=now)
    _, rows = _read(tmp_path / "study" / "pacer_records.csv")
    [day1] = [r for r in rows if r["redcap_repeat_instrument"] == "daily_grading" and r["dg_day"] == "1"]
    assert day1["dg_anakinra_mg"] == ""


def test_given_by_is_who_recorded_the_dose_not_who_corrected_its_amount(tmp_path):
    """Nurse AB gave and recorded 59 mg; pharmacist PQ corrected the amount to 60 mg. "Given or
    closed by" read "PQ (pharmacist)" (found in review)."""
    from pacer_desktop.exports.redcap import export_redcap
    from pacer_desktop.storage import Store, User
    pharmacist = User("PQ", "pharmacist", "pharmacy")
    now = INFUSED + timedelta(days=2)
    with Store.open(tmp_path / "p.sqlite3", keep_backups=0, clock=lambda: now) as store:
        pid = _febrile(store, mrn="M-11", name="Corrected Amount", study_id="PACER-011")
        dose = store.add_medication(NURSE, pid, at=INFUSED + timedelta(hours=25, minutes=5), drug="anakinra",
                                    dose_mg=Decimal(59))
        store.correct(pharmacist, "medication", dose, reason="amount misread", replacement={"dose_mg": Decimal(60)})
        export_redcap(store, RESEARCH, tmp_path / "study", [pid], now=now)
    _, rows = _read(tmp_path / "study" / "pacer_records.csv")
    [line1] = [r for r in rows if r["redcap_repeat_instrument"] == "anakinra_administration" and r["aa_line"] == "1"]
    assert (line1["aa_given_mg"], line1["aa_by"]) == ("60", "AB (nurse)")


def test_the_readme_says_how_a_later_export_replaces_an_earlier_one(exported):
    """A dose withdrawn as entered in error after an earlier import stayed in REDCap as given: its
    import keeps a saved value where the new file has a blank unless told otherwise, and deletes no
    instance (found in review)."""
    readme = " ".join((exported / "README.txt").read_text(encoding="utf-8").split())
    assert "Allow blank values to overwrite existing saved values" in readme
    assert "deletes no instance" in readme


#: The patients built in the tests below: infused 3 Nov 10:00 in Chicago.
INFUSED = datetime(2026, 11, 3, 10, 0, tzinfo=ZoneInfo("America/Chicago"))


def _febrile(store, **patient) -> int:
    """A patient with a study ID, weighed, whose persistent fever (4 Nov 07:00 and 11:00) starts
    anakinra: line 1 due 4 Nov 11:00, then every 12 hours. Entered by the nurse AB."""
    pid = store.add_patient(NURSE, **{"date_of_birth": None, **patient}, sex_at_birth="female",
                            developmental_delay=False, infusion_at=INFUSED, timezone="America/Chicago")
    store.add_weight(NURSE, pid, at=INFUSED - timedelta(days=1), kg=Decimal("23.4"))
    for h in (21, 25):
        store.add_temperature(NURSE, pid, at=INFUSED + timedelta(hours=h), value=Decimal("38.9"), unit="C")
    return pid


def test_a_day_nobody_assessed_has_no_grade_and_an_icans_only_day_no_crs_grade(tmp_path):
    """The engine's daily_max is 0 for a day with no assessment (case-format); in the study's data a
    0 says "no CRS", which nobody checked that day (found in review: a febrile day on dexamethasone
    read CRS 0 / ICANS 0). A grade is exported only for a day on which it was assessed."""
    from pacer_desktop.core.case import CrsInputs, IcansInputs
    from pacer_desktop.exports.redcap import export_redcap
    from pacer_desktop.storage import Store
    now = INFUSED + timedelta(days=3)
    with Store.open(tmp_path / "p.sqlite3", keep_backups=0, clock=lambda: now) as store:
        pid = _febrile(store, mrn="M-12", name="Not Assessed", study_id="PACER-012")
        store.add_assessment(NURSE, pid, at=INFUSED + timedelta(hours=30), crs=None,  # day 1: ICANS only
                             icans=IcansInputs(tool="ice", ice_score=10))
        store.add_assessment(NURSE, pid, at=INFUSED + timedelta(hours=52),  # day 2: both
                             crs=CrsInputs(hypotension="none", oxygen_device="none"),
                             icans=IcansInputs(tool="ice", ice_score=10))
        export_redcap(store, RESEARCH, tmp_path / "study", [pid], now=now)
    _, rows = _read(tmp_path / "study" / "pacer_records.csv")
    grades = {r["dg_day"]: (r["dg_crs_grade"], r["dg_icans_grade"]) for r in rows
              if r["redcap_repeat_instrument"] == "daily_grading"}
    assert grades["0"] == ("", "")  # nobody assessed day 0
    assert grades["1"] == ("", "0")  # ICANS only
    assert grades["2"] == ("0", "0")  # both assessed, no fever in the 24 hours before
    assert grades["3"] == ("", "")


def test_an_anakinra_dose_no_line_took_is_exported_as_unscheduled(tmp_path):
    """rules §5a: an administration no line takes is unscheduled, "kept, counted by §4's daily check".
    The study export had no row for it, only its mg in the day's total (found in review): the very
    doses a safety review looks for. It is an instance of anakinra_unscheduled, with who gave it."""
    from pacer_desktop.exports.redcap import export_redcap
    from pacer_desktop.storage import Store
    now = INFUSED + timedelta(days=2)
    with Store.open(tmp_path / "p.sqlite3", keep_backups=0, clock=lambda: now) as store:
        pid = _febrile(store, mrn="M-13", name="Extra Dose", study_id="PACER-013")
        # before persistent fever (4 Nov 11:00): no line can take it
        store.add_medication(NURSE, pid, at=INFUSED + timedelta(hours=20), drug="anakinra", dose_mg=Decimal(50),
                             reason="given before the order was written")
        store.add_medication(NURSE, pid, at=INFUSED + timedelta(hours=25, minutes=5), drug="anakinra",
                             dose_mg=Decimal(59))  # line 1
        export_redcap(store, RESEARCH, tmp_path / "study", [pid], now=now)
    _, rows = _read(tmp_path / "study" / "pacer_records.csv")
    [extra] = [r for r in rows if r["redcap_repeat_instrument"] == "anakinra_unscheduled"]
    assert extra["redcap_repeat_instance"] == "1"
    assert (extra["au_given_at"], extra["au_day"], extra["au_given_mg"]) == ("2026-11-04 06:00", "1", "50")
    assert (extra["au_reason"], extra["au_by"]) == ("given before the order was written", "AB (nurse)")
    [line1] = [r for r in rows if r["redcap_repeat_instrument"] == "anakinra_administration" and r["aa_line"] == "1"]
    assert line1["aa_given_at"] == "2026-11-04 11:05"
    _, fields = _read(tmp_path / "study" / "pacer_data_dictionary.csv")
    assert {f["Variable / Field Name"] for f in fields if f["Form Name"] == "anakinra_unscheduled"} == {
        "au_given_at", "au_day", "au_given_mg", "au_reason", "au_by"}
    readme = " ".join((tmp_path / "study" / "README.txt").read_text(encoding="utf-8").split())
    assert "daily_grading, anakinra_administration, anakinra_unscheduled, course" in readme


def test_eligibility_names_who_entered_it_and_the_investigator_who_signed_it(store, examples, tmp_path, people):
    """Only a prescriber signs eligibility (the investigator's sign-off, a signature with a PIN). The
    export said "Entered and signed by RS (research)" for an assessment nobody signed (found in
    review): who entered it and who signed it are two fields, the second empty until signed."""
    from pacer_desktop.exports.redcap import export_redcap
    from pacer_desktop.storage.accounts import Accounts
    from pacer_desktop.storage.records import KINDS
    case_file, pid, _who = examples[2]  # the people fixture has made PR, the prescriber, with a PIN

    def eligibility_row(out):
        export_redcap(store, RESEARCH, out, [pid], now=example_now(case_file))
        _, records = _read(out / "pacer_records.csv")
        [row] = [r for r in records if r["redcap_repeat_instrument"] == "" and r["elig_verdict"] != ""]
        return row

    row = eligibility_row(tmp_path / "unsigned")
    assert (row["elig_entered_by"], row["elig_signed_by"], row["elig_signed_at"]) == ("AB (nurse)", "", "")
    [entry] = store.entries(pid, "eligibility", include_superseded=False)
    signature = Accounts(store).sign("PR", people.pins["PR"], action="sign_eligibility", meaning="signed eligibility",
                                     table=KINDS["eligibility"], row_id=entry.id, patient_id=pid)
    row = eligibility_row(tmp_path / "signed")
    assert (row["elig_entered_by"], row["elig_signed_by"]) == ("AB (nurse)", "PR (prescriber)")
    assert row["elig_signed_at"] == signature.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


class _Record:
    def __init__(self, name: str, mrn: str, born: date | None):
        self.name, self.mrn, self.date_of_birth = name, mrn, born


@pytest.mark.parametrize("name, mrn, born, text", [
    ("Mei Li", "88-77-66", None, "NPO for procedure, Mrs Li asked"),
    ("Jo Ng", "88-77-66", None, "Ng family declined"),
    ("Jo Ng", "88-77-66", None, "Jo's mum refused"),
    ("José Müller-Ørsted", "88-77-66", None, "Jose refused"),
    ("José Müller-Ørsted", "88-77-66", None, "Mueller family asked to wait"),
    ("José Müller-Ørsted", "88-77-66", None, "the Orsted family"),
    ("Zelda Quixote", "88-77-66", date(2015, 6, 5), "born 5 June 2015"),
    ("Zelda Quixote", "88-77-66", date(2015, 6, 5), "DOB June 5th, 2015"),
    ("Zelda Quixote", "88-77-66", date(2015, 6, 5), "dob 2015/06/05"),
    ("Zelda Quixote", "88-77-66", date(2015, 6, 5), "dob 20150605"),
    ("Zelda Quixote", "00123456", None, "chart 123456 checked"),
    ("Do Van An", "88-77-66", None, "Mrs An asked to wait"),
    ("Li Mei", "88-77-66", None, "Li family declined"),
])
def test_a_typed_text_naming_the_patient_in_other_ways_is_caught(name, mrn, born, text):
    """Found in review: each of these went to the study as typed."""
    from pacer_desktop.exports.pseudonyms import identifies
    assert identifies(text, _Record(name, mrn, born))


@pytest.mark.parametrize("text", ["IV line blocked, flushed", "held for BP 72/40 at 06:05", "dose 59 mg given late",
                                  "patient asleep, parents asked to wait until 2015 h"])
def test_an_ordinary_reason_is_kept(text):
    from pacer_desktop.exports.pseudonyms import identifies
    assert not identifies(text, _Record("José Müller-Ørsted", "00123456", date(2015, 6, 5)))


@pytest.mark.parametrize("name, born, text, names_them", [
    ("Do Van An", None, "an IV line was not available", False),
    ("Do Van An", None, "Parent asked us to do it now", False),
    ("Zelda Quixote", date(2015, 6, 5), "DOB 05-Jun-2015 checked", True),
    ("Zelda Quixote", date(2015, 6, 5), "dob 5Jun2015", True),
    ("Zelda Quixote", date(2015, 6, 5), "born on the 5th of June 2015", True),
    ("Zelda Quixote", date(2015, 6, 5), "given 20 mg at 15:06, 05 min late", False),
    ("Anna Mueller", None, "Frau Müller asked", True),
])
def test_the_filter_names_the_patient_as_typed_and_no_more(name, born, text, names_them):
    """Found in review of the first filter of two-letter names: "an IV line" was blanked for a patient
    named An; and some dates of birth and names as typed still got through."""
    from pacer_desktop.exports.pseudonyms import identifies
    assert identifies(text, _Record(name, "88-77-66", born)) is names_them


def test_only_typed_text_is_filtered_never_pacer_s_own_words():
    """A patient named "No Peripheral" had "no peripheral blasts", PACER's own detail, blanked; a
    nurse LI's initials were blanked for a patient named Li (found in review)."""
    from pacer_desktop.exports.pseudonyms import pseudonymous
    from pacer_desktop.exports.redcap_dictionary import TYPED_FIELDS
    row = {"ec_disease_burden_detail": "marrow blasts 12 %; no peripheral blasts", "aa_by": "LI (nurse)",
           "aa_reason": "Mrs Li asked to wait"}
    out = pseudonymous(row, _Record("Li No Peripheral", "88-77-66", None), TYPED_FIELDS)
    assert out["ec_disease_burden_detail"] == row["ec_disease_burden_detail"] and out["aa_by"] == "LI (nurse)"
    assert out["aa_reason"] != row["aa_reason"]
    from pacer_desktop.exports.redcap_dictionary import dictionary
    from pacer_desktop.protocols import load
    assert TYPED_FIELDS <= {f.name for f in dictionary(load())}


def test_an_unscheduled_dose_keeps_its_instance_when_an_earlier_one_is_withdrawn(tmp_path):
    """An import deletes no instance: numbered by place, the second of two unscheduled doses became
    instance 1 once the first was withdrawn, and the old instance 2 stayed in REDCap (found in review)."""
    from pacer_desktop.exports.redcap import export_redcap
    from pacer_desktop.storage import Store
    now = INFUSED + timedelta(days=2)

    def unscheduled(store, pid, out):
        export_redcap(store, RESEARCH, out, [pid], now=now)
        _, rows = _read(out / "pacer_records.csv")
        return {r["au_given_at"]: r["redcap_repeat_instance"] for r in rows
                if r["redcap_repeat_instrument"] == "anakinra_unscheduled"}

    with Store.open(tmp_path / "p.sqlite3", keep_backups=0, clock=lambda: now) as store:
        pid = _febrile(store, mrn="M-14", name="Two Extras", study_id="PACER-014")
        first = store.add_medication(NURSE, pid, at=INFUSED + timedelta(hours=19), drug="anakinra", dose_mg=Decimal(50))
        store.add_medication(NURSE, pid, at=INFUSED + timedelta(hours=20), drug="anakinra", dose_mg=Decimal(50))
        before = unscheduled(store, pid, tmp_path / "before")
        store.correct(NURSE, "medication", first, reason="entered twice")
        after = unscheduled(store, pid, tmp_path / "after")
    assert len(before) == 2 and after == {"2026-11-04 06:00": before["2026-11-04 06:00"]}


@pytest.mark.parametrize("name, born, text, names_them", [
    ("Đặng Thu", None, "Dang family declined", True),
    ("Łukasz Nowak", None, "Lukasz asked to wait", True),
    ("Xu Mei", None, "XU declined", True),
    ("Zelda Quixote", date(2015, 6, 5), "dob 06052015", True),
    ("Zelda Quixote", date(2015, 6, 5), "on 5 Jun 15:00 gave", False),
    ("Zelda Quixote", date(2015, 6, 5), "given 5 June, 15 mg", False),
])
def test_the_filter_folds_every_letter_and_reads_dates_as_dates(name, born, text, names_them):
    """Found in review of the second version of the filter."""
    from pacer_desktop.exports.pseudonyms import identifies
    assert identifies(text, _Record(name, "88-77-66", born)) is names_them
