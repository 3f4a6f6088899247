"""People on the command line (issue 18): `users init/add/list/reset-pin/deactivate`, and every
command that records asks who (``--user INITIALS``) and their PIN, takes the role from the account,
and refuses (exit 2, one line, nothing stored) a wrong PIN, a locked or inactive account or a role
the permission table does not allow."""

from __future__ import annotations

import pytest

from pacer_desktop.cli import main
from tests.paths import EXAMPLES

CASE = EXAMPLES / "01-standard-course.case.json"

#: The commands import worked examples: their clock is after the examples' times (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("examples_clock")


def _rows(sql: str, args=()):
    from pacer_desktop.storage import Store
    with Store.open(keep_backups=0) as store:
        return store._rows(sql, args)


def _import(people, capsys, who: str = "PR", mrn: str = "X1") -> tuple[int, str]:
    code = main(["import-case", str(CASE), "--mrn", mrn, "--name", "A", *people.signed(who)])
    return code, capsys.readouterr().err


def test_users_init_makes_the_first_administrator_once(no_people, capsys):
    no_people.stdin("135790")
    assert main(["users", "init", "--user", "AD", "--name", "Ada Admin", "--pin-stdin"]) == 0
    assert [(r["initials"], r["role"]) for r in _rows("SELECT * FROM users")] == [("AD", "admin")]
    no_people.stdin("246801")
    assert main(["users", "init", "--user", "BE", "--name", "Ben Admin", "--pin-stdin"]) == 2
    assert "without users" in capsys.readouterr().err
    assert len(_rows("SELECT * FROM users")) == 1


def test_users_add_takes_the_admins_pin_then_the_new_users(no_people, capsys):
    no_people.stdin("135790")
    assert main(["users", "init", "--user", "AD", "--name", "Ada Admin", "--pin-stdin"]) == 0
    no_people.stdin("135790", "246801")
    assert main(["users", "add", "NU", "--name", "Nora Nurse", "--role", "nurse", "--user", "AD", "--pin-stdin"]) == 0
    capsys.readouterr()
    assert main(["users", "list"]) == 0
    out = capsys.readouterr().out
    assert "NU" in out and "Nora Nurse" in out and "nurse" in out and "AD" in out
    assert "scrypt" not in out
    no_people.stdin("246801")  # now signed in as the nurse: she may record, not import-case an escalation
    code = main(["import-case", str(CASE), "--mrn", "X1", "--name", "A", "--user", "NU", "--pin-stdin"])
    assert code == 0, capsys.readouterr().err


def test_only_an_administrator_adds_users(people, capsys):
    argv = ["users", "add", "ZZ", "--name", "Zed", "--role", "nurse"]
    assert main([*argv, *people.signed("NU", "111111")]) == 2
    assert "administrator" in capsys.readouterr().err
    assert _rows("SELECT * FROM users WHERE initials = 'ZZ'") == []


def test_the_old_initials_and_role_form_is_refused_saying_what_replaced_it(people, capsys):
    assert main(["import-case", str(CASE), "--mrn", "X1", "--name", "A", "--user", "AB:nurse"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--user INITIALS" in err and "PIN" in err and len(err.splitlines()) == 1
    assert _rows("SELECT * FROM patients") == []


def test_a_database_without_users_refuses_recording(no_people, capsys):
    from pacer_desktop.storage import Store
    Store.open(keep_backups=0).close()  # a database, with nobody in it yet
    no_people.stdin("135790")
    assert main(["import-case", str(CASE), "--mrn", "X1", "--name", "A", "--user", "AD", "--pin-stdin"]) == 2
    assert "no users yet: run `pacer-desktop users init`" in capsys.readouterr().err


def test_a_wrong_pin_stores_nothing_and_locks_after_the_set_number(people, capsys, monkeypatch):
    monkeypatch.setenv("PACER_PIN_ATTEMPTS", "2")
    argv = ["import-case", str(CASE), "--mrn", "X1", "--name", "A", "--user", "PR", "--pin-stdin"]
    people.stdin("999999")
    assert main(argv) == 2
    assert "not recognised" in capsys.readouterr().err
    people.stdin("999999")
    assert main(argv) == 2
    assert "locked" in capsys.readouterr().err
    people.stdin(people.pins["PR"])  # the right PIN, but locked now
    assert main(argv) == 2
    assert "locked" in capsys.readouterr().err
    assert _rows("SELECT * FROM patients") == []


def test_a_role_without_permission_is_told_who_may(people, capsys):
    assert _import(people, capsys, "RS")[0] == 2  # research may not record clinical entries
    code, err = _import(people, capsys, "NU")  # example 01 holds no escalation: a nurse may import it
    assert code == 0, err
    from pacer_desktop.storage import Store
    with Store.open(keep_backups=0) as store:
        backup = store.backup(store.path.parent / "copies")
    assert main(["restore", str(backup), *people.signed("NU")]) == 2
    err = capsys.readouterr().err
    assert "Only an administrator may restore" in err and "nurse" in err
    assert main(["backup", *people.signed("PH")]) == 2
    assert "Only an administrator" in capsys.readouterr().err
    assert main(["backup", *people.signed("AD")]) == 0


def test_a_deactivated_user_is_refused_and_keeps_their_entries(people, capsys):
    assert _import(people, capsys, "NU")[0] == 0
    assert main(["users", "deactivate", "NU", *people.signed("AD")]) == 0
    assert [r["active"] for r in _rows("SELECT * FROM users WHERE initials = 'NU'")] == [0]
    assert _rows("SELECT * FROM signatures WHERE meaning LIKE '%deactivat%NU%'")
    code, err = _import(people, capsys, "NU", mrn="X2")
    assert code == 2 and "deactivated" in err
    assert [r["entered_by"] for r in _rows("SELECT * FROM patients")] == ["NU"]


def test_a_reset_pin_must_be_changed_first(people, capsys):
    assert main(["users", "reset-pin", "NU", *people.signed("AD", "555555")]) == 0
    people.pins["NU"] = "555555"
    code, err = _import(people, capsys, "NU")
    assert code == 2 and "change your PIN" in err
    people.stdin("555555", "777777")
    assert main(["users", "change-pin", "--user", "NU", "--pin-stdin"]) == 0
    people.pins["NU"] = "777777"
    assert _import(people, capsys, "NU")[0] == 0


def test_export_is_signed_with_its_meaning(people, tmp_path, capsys):
    assert _import(people, capsys)[0] == 0
    out = tmp_path / "bundle.json"
    assert main(["export", "fhir", "--mrn", "X1", "-o", str(out), *people.signed("NU")]) == 2
    assert "Only a research user or an administrator may export" in capsys.readouterr().err
    assert not out.exists()
    assert main(["export", "fhir", "--mrn", "X1", "-o", str(out), *people.signed("RS")]) == 0
    [sig] = _rows("SELECT * FROM signatures")
    assert (sig["entered_by"], sig["role"], sig["action"]) == ("RS", "research", "export")
    assert "FHIR" in sig["meaning"]


def test_printing_the_order_sheet_is_the_pharmacists(people, tmp_path, capsys, the_tests_clock):
    assert _import(people, capsys)[0] == 0
    out = tmp_path / "order.pdf"
    assert main(["print", "order", "--mrn", "X1", "-o", str(out), *people.signed("NU")]) == 2
    assert "Only a pharmacist may print the order sheet" in capsys.readouterr().err
    assert not out.exists()
    assert main(["print", "mar", "--mrn", "X1", "-o", str(tmp_path / "mar.pdf"), *people.signed("NU")]) == 0
    assert main(["print", "order", "--mrn", "X1", "-o", str(out), *people.signed("PH")]) == 0
    assert [(r["kind"], r["entered_by"], r["role"]) for r in _rows("SELECT * FROM documents ORDER BY id")] == [
        ("mar", "NU", "nurse"), ("order", "PH", "pharmacist")]


def test_the_audit_key_is_moved_by_an_administrator(people, tmp_path, capsys):
    assert main(["key", "export", "--out", str(tmp_path / "k1"), *people.signed("NU")]) == 2
    assert "Only an administrator" in capsys.readouterr().err
    assert not (tmp_path / "k1").exists()
    assert main(["key", "export", "--out", str(tmp_path / "k2"), *people.signed("AD")]) == 0


@pytest.mark.parametrize("pin, name, says", [
    ("12", "Ada Admin", "a PIN is at least 6 digits"),
    ("135790", "  ", "give the user's full name"),
])
def test_users_init_refused_leaves_no_database_behind(no_people, capsys, pin, name, says):
    """"nothing was saved" must be true: a refused first administrator on a new path leaves no
    file there (the next `users init` or the window would find an empty database instead of none)."""
    import os
    from pathlib import Path
    db = Path(os.environ["PACER_DB"])
    assert not db.exists()
    no_people.stdin(pin)
    assert main(["users", "init", "--user", "AD", "--name", name, "--pin-stdin"]) == 2
    err = capsys.readouterr().err
    assert says in err and "nothing was saved" in err
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(db.name)) == []


def test_users_init_on_a_database_with_users_says_so_before_any_pin(no_people, capsys):
    """The reason that can never be fixed by typing comes first: a second `users init` is refused
    for the users already there, not for a short PIN typed in vain."""
    no_people.stdin("135790")
    assert main(["users", "init", "--user", "AD", "--name", "Ada Admin", "--pin-stdin"]) == 0
    capsys.readouterr()
    no_people.stdin("12")
    assert main(["users", "init", "--user", "BE", "--name", "Ben Admin", "--pin-stdin"]) == 2
    assert "without users" in capsys.readouterr().err
