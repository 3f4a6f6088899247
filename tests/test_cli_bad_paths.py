"""Bad paths, numbers and names on the command line exit 2 with a message in plain words, never
"unexpected error" and never a traceback (found by a review of every command's bad input)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pacer_desktop.cli import main
from tests.paths import EXAMPLES

CASE = str(EXAMPLES / "01-standard-course.case.json")


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def plain(err: str) -> bool:
    """Said in the ward's words: no Python error names, no errno, no traceback."""
    return not any(word in err for word in ("Error", "Errno", "Traceback", "unexpected error", "Exception"))


def test_a_document_into_a_folder_that_does_not_exist(capsys, tmp_path):
    code, err = run(capsys, "print", "order", "--case", CASE, "-o", str(tmp_path / "nowhere" / "o.pdf"))
    assert code == 2 and "o.pdf" in err and "folder" in err and plain(err)


def test_a_document_onto_a_folder(capsys, tmp_path):
    code, err = run(capsys, "print", "order", "--case", CASE, "-o", str(tmp_path))
    assert code == 2 and "is a folder" in err and plain(err)


def test_an_unknown_mrn_is_an_input_error_for_every_command(capsys, people):
    code, err = run(capsys, "evaluate", "--mrn", "NOPE")
    assert code == 2 and "no patient with MRN 'NOPE'" in err and plain(err)


def test_a_database_that_is_not_one_is_an_input_error(capsys, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("shopping list\n" * 100)
    code, err = run(capsys, "--db", str(text), "users", "list")
    assert code == 2 and plain(err)


def test_an_empty_db_option_is_refused(capsys):
    code, err = run(capsys, "--db", "", "users", "list")
    assert code == 2 and "--db" in err and plain(err)


@pytest.mark.parametrize("anchor", ["99999999999999999999999:c8ac69cdd7526ea9"])
def test_an_anchor_too_long_for_any_chain(capsys, anchor):
    code, err = run(capsys, "verify-db", "--anchor", anchor)
    assert code == 2 and "--anchor" in err and plain(err)


@pytest.mark.parametrize("size", ["huge", "1366", "100000x100000", "0x0"])
def test_a_screenshot_size_that_cannot_be_a_window(size, tmp_path):
    """As a process: a size of 100,000 × 100,000 pixels crashed Qt (exit 139)."""
    out = subprocess.run([sys.executable, "-m", "pacer_desktop", "screenshot", "--case", CASE, "--out",
                          str(tmp_path / "shots"), "--size", size], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "--size" in out.stderr and plain(out.stderr)


def test_no_pin_and_no_terminal_to_type_it(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pacer_desktop", "--db", str(tmp_path / "w.sqlite3"), "users",
                          "init", "--name", "Ada Admin", "--user", "AD"],
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "--pin-stdin" in out.stderr and plain(out.stderr)
    assert "Warning" not in out.stderr


@pytest.mark.parametrize("argv", [["users", "list"], ["export-case", "--all"], ["evaluate", "--mrn", "M1"],
                                  ["verify-db"], ["import-case", CASE, "--mrn", "M1", "--name", "A", "--user", "PR"],
                                  ["users", "change-pin", "--user", "AD"]])
def test_a_mistyped_db_is_not_made_into_a_new_database(capsys, tmp_path, argv):
    """Only `users init` (and the window) start a new database: a command that reads one says there
    is none at that path, and creates neither the file nor its folder."""
    where = tmp_path / "typo" / "ward.sqlite3"
    code, err = run(capsys, "--db", str(where), *argv)
    assert code == 2 and f"no database at {where}" in err and plain(err)
    assert not where.parent.exists()


def test_a_folder_given_as_the_database_is_an_input_error(capsys, tmp_path):
    """--db names a folder: the user's input, exit 2, as a file that is not a PACER database (found in review)."""
    code, err = run(capsys, "--db", str(tmp_path), "evaluate", "--mrn", "M-1")
    assert code == 2 and "is a folder" in err and plain(err)


def test_a_fhir_bundle_onto_a_folder_is_refused_and_leaves_nothing_behind(capsys, tmp_path, people, examples_clock):
    """Found in review: `export fhir -o <a folder>` named a hidden ".<folder>.partial" file, not the
    folder given, and left that file behind: the whole bundle, MRN and date of birth included."""
    assert main(["import-case", CASE, "--mrn", "F1", "--name", "A", *people.of("prescriber")]) == 0
    folder = tmp_path / "bundles"
    folder.mkdir()
    code, err = run(capsys, "export", "fhir", "--mrn", "F1", "-o", str(folder), *people.of("research"))
    assert code == 2 and f"{folder}: is a folder" in err and ".partial" not in err and plain(err)
    assert list(tmp_path.glob(".*partial")) == [] and list(folder.iterdir()) == []


def test_an_empty_out_folder_for_the_study_export_is_refused(capsys, people, examples_clock):
    assert main(["import-case", CASE, "--mrn", "F2", "--name", "A", "--study-id", "PACER-002",
                 *people.of("prescriber")]) == 0
    code, err = run(capsys, "export", "redcap", "--out", "", "--mrn", "F2", *people.of("research"))
    assert code == 2 and "--out" in err and plain(err)


def test_a_case_from_a_closed_standard_input_is_an_input_error():
    """Found in review: `evaluate - <&-` printed "unexpected error (AttributeError …)" and exit 1."""
    out = subprocess.run(f"{sys.executable} -m pacer_desktop evaluate - <&-", shell=True, executable="/bin/bash",
                         capture_output=True, text=True, timeout=120)
    # where the system hands Python no standard input at all, it says so; where fd 0 was taken by
    # something else first, it reads nothing: exit 2 in plain words either way, never exit 1
    assert out.returncode == 2 and plain(out.stderr), out.stderr
    assert "no standard input" in out.stderr or "not valid JSON" in out.stderr
