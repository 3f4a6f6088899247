"""People on the command line (issue 18), the edges: the PIN asked at the terminal, where a
restore's signature is kept, a restore over a damaged file checked against the backup's accounts,
and standard input that cannot hold both the case and the PIN."""

from __future__ import annotations

from pacer_desktop.cli import main
from pacer_desktop.storage import Store
from tests.paths import EXAMPLES
from tests.storage.storehelp import filled, sha256

CASE = EXAMPLES / "01-standard-course.case.json"


def test_without_pin_stdin_the_pin_is_asked_without_echo(people, monkeypatch, capsys, examples_clock):
    asked = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)  # a terminal to type it in
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or people.pins["PR"])
    assert main(["import-case", str(CASE), "--mrn", "X1", "--name", "A", "--user", "PR"]) == 0, capsys.readouterr()
    assert asked == ["PIN for PR: "]


def test_a_new_pin_at_the_terminal_is_typed_twice(no_people, monkeypatch, capsys):
    answers = iter(["135790", "135791"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)  # a terminal to type it in
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    assert main(["users", "init", "--user", "AD", "--name", "Ada Admin"]) == 2
    assert "differ" in capsys.readouterr().err
    with Store.open(keep_backups=0) as store:
        assert store._rows("SELECT * FROM users") == []


def test_a_restore_is_signed_and_the_signature_kept_in_the_copy_set_aside(people, capsys):
    filled(None, temperatures=1)
    with Store.open(keep_backups=0) as store:
        backup = store.backup(store.path.parent / "copies")
        path = store.path
    assert main(["restore", str(backup), *people.signed("AD")]) == 0, capsys.readouterr().err
    [aside] = path.parent.glob("pacer.before-restore-*.sqlite3")
    with Store.open(aside, keep_backups=0) as store:
        [sig] = store._rows("SELECT * FROM signatures")
    assert (sig["entered_by"], sig["action"]) == ("AD", "restore") and backup.name in sig["meaning"]
    with Store.open(keep_backups=0) as store:
        assert store.audit(limit=1)[0]["action"].startswith("restore from") and store.audit(limit=1)[0]["entered_by"] == "AD"


def test_over_a_damaged_file_the_backups_accounts_decide(people, capsys):
    from tests.storage.test_storage_truth import _damage_a_page
    filled(None, temperatures=300)
    with Store.open(keep_backups=0) as store:
        backup = store.backup(store.path.parent / "copies")
        path = store.path
    _damage_a_page(path)
    damaged = sha256(path)
    assert main(["restore", str(backup), *people.signed("NU")]) == 2
    assert "Only an administrator may restore" in capsys.readouterr().err
    people.stdin("999999")
    assert main(["restore", str(backup), "--user", "AD", "--pin-stdin"]) == 2
    assert "not recognised" in capsys.readouterr().err
    assert sha256(path) == damaged and not list(path.parent.glob("pacer.before-restore-*"))


def test_the_case_and_the_pin_cannot_both_come_from_standard_input(people, capsys):
    assert main(["import-case", "-", "--mrn", "X1", "--name", "A", *people.signed("PR")]) == 2
    assert "not -" in capsys.readouterr().err
