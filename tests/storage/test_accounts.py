"""People and signatures (issue 18): accounts with a PIN kept only as a salted scrypt hash, the
first administrator, lock-out after wrong PINs, PIN reset and deactivation by an administrator,
and signatures that ask for the PIN again. Every event lands in the same audit chain."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pacer_desktop.storage import Store


DATA = Path(__file__).resolve().parents[1] / "data"
ADMIN_PIN, NURSE_PIN, PHARM_PIN, PRESC_PIN = "135790", "246802", "357913", "468024"


class Clock:
    """The injected clock: a fixed instant the test moves on."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 4, 8, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def accounts(store, clock, monkeypatch):
    from pacer_desktop.storage import accounts, pins
    monkeypatch.setattr(pins, "SCRYPT_PARAMS", pins.ScryptParams(n=2 ** 10, r=8, p=1))  # fast tests
    return accounts.Accounts(store, clock=clock, workstation="ward-3-pc1")


@pytest.fixture
def ward(accounts):
    """An administrator (signed in), a nurse, a pharmacist and a prescriber."""
    accounts.create_first_admin("AD", name="Ada Admin", pin=ADMIN_PIN)
    admin = accounts.sign_in("AD", ADMIN_PIN)
    accounts.add_user(admin, "NU", name="Nora Nurse", role="nurse", pin=NURSE_PIN)
    accounts.add_user(admin, "PH", name="Phil Pharmacist", role="pharmacist", pin=PHARM_PIN)
    accounts.add_user(admin, "PR", name="Pia Prescriber", role="prescriber", pin=PRESC_PIN)
    return admin


def _error():
    from pacer_desktop.storage.accounts import AccountError
    return AccountError


def actions(store) -> list[str]:
    return [r["action"] for r in reversed(store.audit())]


# -- the first administrator ------------------------------------------------------------------------

def test_a_new_database_has_no_users_and_takes_one_first_administrator(accounts, store):
    assert not accounts.has_users()
    admin = accounts.create_first_admin("ad", name="Ada Admin", pin=ADMIN_PIN)
    assert (admin.initials, admin.name, admin.role, admin.active) == ("AD", "Ada Admin", "admin", True)
    assert accounts.has_users()
    with pytest.raises(_error(), match="only on a database without users"):
        accounts.create_first_admin("AE", name="Eve", pin=ADMIN_PIN)
    assert [u.initials for u in accounts.users()] == ["AD"]
    assert actions(store) == ["add user AD (admin)"]
    assert store.verify() == []


def test_only_an_administrator_adds_users(accounts, ward, store):
    nurse = accounts.sign_in("NU", NURSE_PIN)
    with pytest.raises(_error(), match="^Only an administrator may manage users"):
        accounts.add_user(nurse, "XY", name="X Y", role="nurse", pin="999999")
    assert "XY" not in [u.initials for u in accounts.users()]


def test_initials_are_the_id_and_stay_unique_even_after_deactivation(accounts, ward):
    accounts.deactivate(ward, "NU")
    with pytest.raises(_error(), match="NU is already"):
        accounts.add_user(ward, "nu", name="Other Nurse", role="nurse", pin="999999")


@pytest.mark.parametrize("pin", ["12345", "12345a", "", "١٢٣٤٥٦"])
def test_a_pin_is_at_least_six_digits(accounts, pin):
    with pytest.raises(_error(), match="at least 6 digits"):
        accounts.create_first_admin("AD", name="Ada Admin", pin=pin)
    assert not accounts.has_users()


def test_an_unknown_role_is_refused(accounts, ward):
    with pytest.raises(_error(), match="role 'surgeon'"):
        accounts.add_user(ward, "SU", name="Sam", role="surgeon", pin="999999")


# -- the PIN is kept only as a slow salted hash ---------------------------------------------------

def test_the_pin_is_stored_only_as_a_salted_scrypt_hash_with_its_parameters(accounts, ward, db_path):
    from pacer_desktop.storage import pins as module
    rows = sqlite3.connect(db_path).execute("SELECT initials, pin_hash FROM users ORDER BY id").fetchall()
    hashes = [h for _, h in rows]
    assert all(h.startswith("scrypt:1024:8:1:") for h in hashes)
    assert len(set(h.split(":")[4] for h in hashes)) == len(hashes)  # a salt of its own each
    raw = db_path.read_bytes() + db_path.with_name(db_path.name + "-wal").read_bytes()
    for pin in (ADMIN_PIN, NURSE_PIN, PHARM_PIN, PRESC_PIN):
        assert pin.encode() not in raw
    assert module.pin_matches(NURSE_PIN, hashes[1]) and not module.pin_matches(PHARM_PIN, hashes[1])


def test_the_shipped_parameters_are_scrypts_interactive_ones():
    from pacer_desktop.storage.pins import SCRYPT_PARAMS
    assert (SCRYPT_PARAMS.n, SCRYPT_PARAMS.r, SCRYPT_PARAMS.p) == (2 ** 14, 8, 1)


def test_raised_parameters_still_check_old_hashes_and_rehash_at_sign_in(accounts, ward, monkeypatch, db_path):
    from pacer_desktop.storage import pins as module
    monkeypatch.setattr(module, "SCRYPT_PARAMS", module.ScryptParams(n=2 ** 11, r=8, p=1))
    accounts.sign_in("NU", NURSE_PIN)
    [stored] = sqlite3.connect(db_path).execute("SELECT pin_hash FROM users WHERE initials = 'NU'").fetchone()
    assert stored.startswith("scrypt:2048:8:1:") and module.pin_matches(NURSE_PIN, stored)


# -- signing in, lock-out -----------------------------------------------------------------------------

def test_sign_in_takes_the_role_from_the_account_and_both_outcomes_are_audited(accounts, ward, store):
    nurse = accounts.sign_in("nu", NURSE_PIN)
    assert (nurse.initials, nurse.role, nurse.name) == ("NU", "nurse", "Nora Nurse")
    with pytest.raises(_error(), match="initials or PIN not recognised"):
        accounts.sign_in("NU", PHARM_PIN)
    with pytest.raises(_error(), match="initials or PIN not recognised"):
        accounts.sign_in("ZZ", PHARM_PIN)
    assert actions(store)[-3:] == ["sign in", "sign-in failed: wrong PIN", "sign-in failed: unknown initials"]
    assert store.audit(limit=1)[0]["entered_by"] == "ZZ"
    assert store.verify() == []


def test_five_wrong_pins_lock_the_account_for_fifteen_minutes(accounts, ward, clock, store):
    for _ in range(4):
        with pytest.raises(_error(), match="not recognised"):
            accounts.sign_in("NU", "000000")
    with pytest.raises(_error(), match="locked until 08:15 UTC"):
        accounts.sign_in("NU", "000000")
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(_error(), match="locked until"):
        accounts.sign_in("NU", NURSE_PIN)  # even the right PIN, while locked
    clock.advance(seconds=1)
    assert accounts.sign_in("NU", NURSE_PIN).initials == "NU"
    assert actions(store)[-3:] == ["sign-in failed: wrong PIN, locked", "sign-in refused: locked", "sign in"]


def test_the_lock_out_numbers_come_from_the_settings(accounts, ward, clock, monkeypatch):
    monkeypatch.setenv("PACER_PIN_ATTEMPTS", "2")
    monkeypatch.setenv("PACER_PIN_LOCK_MINUTES", "1")
    with pytest.raises(_error(), match="not recognised"):
        accounts.sign_in("NU", "000000")
    with pytest.raises(_error(), match="locked"):
        accounts.sign_in("NU", "000000")
    clock.advance(minutes=1)
    assert accounts.sign_in("NU", NURSE_PIN).initials == "NU"


def test_the_settings_default_to_five_attempts_and_fifteen_minutes(monkeypatch):
    from pacer_desktop.storage.location import pin_lockout_setting
    monkeypatch.delenv("PACER_PIN_ATTEMPTS", raising=False)
    monkeypatch.delenv("PACER_PIN_LOCK_MINUTES", raising=False)
    assert pin_lockout_setting() == (5, timedelta(minutes=15))
    monkeypatch.setenv("PACER_PIN_ATTEMPTS", "none")
    with pytest.raises(Exception, match="PACER_PIN_ATTEMPTS"):
        pin_lockout_setting()


def test_a_right_pin_clears_the_count_of_wrong_ones(accounts, ward):
    for _ in range(4):
        with pytest.raises(_error()):
            accounts.sign_in("NU", "000000")
    accounts.sign_in("NU", NURSE_PIN)
    for _ in range(4):
        with pytest.raises(_error(), match="not recognised"):
            accounts.sign_in("NU", "000000")


# -- reset, change, deactivate --------------------------------------------------------------------

def test_a_reset_pin_must_be_changed_at_the_next_sign_in(accounts, ward, store):
    accounts.reset_pin(ward, "NU", "111111")
    with pytest.raises(_error(), match="not recognised"):
        accounts.sign_in("NU", NURSE_PIN)
    nurse = accounts.sign_in("NU", "111111")
    assert nurse.must_change_pin
    with pytest.raises(_error(), match="change your PIN first"):
        accounts.sign("NU", "111111", action="record_weight", meaning="recorded")
    with pytest.raises(_error(), match="a new PIN"):
        accounts.change_pin(nurse, "111111", "111111")
    accounts.change_pin(nurse, "111111", "222222")
    assert not accounts.sign_in("NU", "222222").must_change_pin
    assert "reset PIN of NU" in actions(store) and "change PIN" in actions(store)


def test_a_reset_unlocks_a_locked_account(accounts, ward):
    for _ in range(5):
        with pytest.raises(_error()):
            accounts.sign_in("NU", "000000")
    accounts.reset_pin(ward, "NU", "111111")
    assert accounts.sign_in("NU", "111111").must_change_pin


def test_only_an_administrator_resets_or_deactivates(accounts, ward):
    nurse = accounts.sign_in("NU", NURSE_PIN)
    with pytest.raises(_error(), match="^Only an administrator"):
        accounts.reset_pin(nurse, "PH", "111111")
    with pytest.raises(_error(), match="^Only an administrator"):
        accounts.deactivate(nurse, "PH")


def test_deactivation_keeps_the_account_and_refuses_sign_in(accounts, ward, store, db_path):
    nurse = accounts.sign_in("NU", NURSE_PIN)
    accounts.deactivate(ward, "NU")
    with pytest.raises(_error(), match="NU is deactivated"):
        accounts.sign_in("NU", NURSE_PIN)
    with pytest.raises(_error(), match="NU is deactivated"):
        accounts.change_pin(nurse, NURSE_PIN, "999999")  # a session opened before is no longer good
    assert [(u.initials, u.active) for u in accounts.users()][1] == ("NU", False)
    raw = sqlite3.connect(db_path, isolation_level=None)
    with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
        raw.execute("DELETE FROM users WHERE initials = 'NU'")
    with pytest.raises(sqlite3.DatabaseError, match="initials"):
        raw.execute("UPDATE users SET initials = 'XX' WHERE initials = 'NU'")
    raw.close()
    assert "deactivate NU" in actions(store)


def test_the_last_active_administrator_cannot_be_deactivated(accounts, ward):
    with pytest.raises(_error(), match="last active administrator"):
        accounts.deactivate(ward, "AD")


# -- signatures -----------------------------------------------------------------------------------

def test_a_signature_asks_the_pin_again_and_records_who_when_and_the_meaning(accounts, ward, clock, store):
    clock.advance(hours=1)
    sig = accounts.sign("pr", PRESC_PIN, action="escalate", meaning="escalated to every 6 hours",
                        table="escalations", row_id=7, patient_id=None)
    assert (sig.initials, sig.name, sig.role, sig.meaning, sig.at) == (
        "PR", "Pia Prescriber", "prescriber", "escalated to every 6 hours", clock.now)
    assert (sig.table, sig.row_id, sig.action) == ("escalations", 7, "escalate")
    assert accounts.signatures("escalations", 7) == [sig]
    assert actions(store)[-1] == "sign escalate"
    assert store.verify() == []


def test_a_wrong_pin_at_signing_stores_nothing_and_counts_towards_the_lock(accounts, ward, store):
    for _ in range(5):
        with pytest.raises(_error()):
            accounts.sign("PR", "000000", action="escalate", meaning="escalated")
    with pytest.raises(_error(), match="locked"):
        accounts.sign("PR", PRESC_PIN, action="escalate", meaning="escalated")
    assert accounts.signatures("escalations", None) == []
    assert store.db.execute("SELECT count(*) FROM signatures").fetchone()[0] == 0


def test_a_role_without_the_permission_cannot_sign_and_is_told_who_may(accounts, ward, store):
    with pytest.raises(_error(), match=r"^Only a prescriber may escalate \(you are signed in as a nurse\)"):
        accounts.sign("NU", NURSE_PIN, action="escalate", meaning="escalated")
    with pytest.raises(_error(), match="^Only a pharmacist may verify the dose"):
        accounts.sign("PR", PRESC_PIN, action="verify_dose", meaning="verified dose")
    assert store.db.execute("SELECT count(*) FROM signatures").fetchone()[0] == 0


def test_a_deactivated_user_cannot_sign(accounts, ward):
    accounts.deactivate(ward, "PR")
    with pytest.raises(_error(), match="deactivated"):
        accounts.sign("PR", PRESC_PIN, action="escalate", meaning="escalated")


def test_signatures_are_append_only(accounts, ward, db_path):
    accounts.sign("PH", PHARM_PIN, action="verify_dose", meaning="verified dose")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        sqlite3.connect(db_path).execute("UPDATE signatures SET meaning = 'x'")


# -- one audit chain, and tampering seen --------------------------------------------------------

def test_every_account_event_is_in_the_one_audit_chain(accounts, ward, store):
    accounts.reset_pin(ward, "PH", "111111")
    accounts.deactivate(ward, "PR")
    with pytest.raises(_error()):
        accounts.sign_in("NU", "000000")
    accounts.sign("NU", NURSE_PIN, action="record_weight", meaning="recorded weight")
    assert actions(store) == [
        "add user AD (admin)", "sign in", "add user NU (nurse)", "add user PH (pharmacist)",
        "add user PR (prescriber)", "reset PIN of PH", "deactivate PR", "sign-in failed: wrong PIN",
        "wrong-PIN count cleared", "sign record_weight"]  # the right PIN ends the run of wrong ones
    assert {r["entered_by"] for r in store.audit()} == {"AD", "NU"}
    assert store.verify() == []


def test_a_pin_hash_changed_outside_pacer_is_seen(accounts, ward, store, db_path):
    from pacer_desktop.storage.accounts import problems
    raw = sqlite3.connect(db_path)
    with raw:
        raw.execute("UPDATE users SET pin_hash = (SELECT pin_hash FROM users WHERE initials = 'AD')"
                    " WHERE initials = 'NU'")  # the nurse's PIN replaced by the admin's
    raw.close()
    assert problems(store._conn) == ["users row 2: differs from what the audit log last recorded"
                                     " (changed outside PACER)"]
    assert any("users row 2" in p for p in store.verify())


def test_the_released_schema_5_file_upgrades_with_no_users(tmp_path, clock):
    from pacer_desktop.storage.accounts import Accounts
    copy = tmp_path / "v5.sqlite3"
    shutil.copyfile(DATA / "pacer-schema-5.sqlite3", copy)
    with Store.open(copy) as s:
        accounts = Accounts(s, clock=clock, workstation="ward-3-pc1")
        assert not accounts.has_users()  # the first start after the upgrade asks for an administrator
        accounts.create_first_admin("AD", name="Ada Admin", pin=ADMIN_PIN)
        pid = s.patient_by_mrn("SCHEMA-SAMPLE").id
        assert {e.entered_by for e in s.entries(pid)} == {"ZZ"}  # old entries keep their initials
        assert s.verify() == []


def test_the_released_schema_6_file_opens_with_its_administrator_and_signature(tmp_path, clock):
    from pacer_desktop.storage.accounts import Accounts
    copy = tmp_path / "v6.sqlite3"
    shutil.copyfile(DATA / "pacer-schema-6.sqlite3", copy)
    with Store.open(copy) as s:
        accounts = Accounts(s, clock=clock, workstation="ward-3-pc1")
        assert [(u.initials, u.role, u.active) for u in accounts.users()] == [("AD", "admin", True)]
        [sig] = accounts.signatures(None, None)
        assert (sig.initials, sig.role, sig.action, sig.meaning) == ("AD", "admin", "restore", "sample signature")
        assert accounts.sign_in("AD", ADMIN_PIN).role == "admin"
        assert s.verify() == []


def test_a_signature_meaning_is_held_to_the_text_limit(accounts, ward, store):
    with pytest.raises(_error(), match="meaning: at most"):
        accounts.sign("PH", PHARM_PIN, action="verify_dose", meaning="x" * 5000)
    assert store.db.execute("SELECT count(*) FROM signatures").fetchone()[0] == 0


# -- an entry and its signature are one step (issue 18: never an unsigned escalation) ---------------

def test_an_entry_and_its_signature_are_stored_together_or_not_at_all(accounts, ward, store):
    from decimal import Decimal

    from pacer_desktop.storage import User
    now = datetime.now(UTC).replace(microsecond=0)
    prescriber = User("PR", "prescriber", "ward-3-pc1")
    pid = store.add_patient(prescriber, mrn="ONE-1", name="One Step", date_of_birth=None, sex_at_birth=None,
                            developmental_delay=False, infusion_at=now - timedelta(days=1), timezone="UTC")
    with pytest.raises(_error()), store.one_step():
        store.add_temperature(prescriber, pid, at=now - timedelta(hours=1), value=Decimal("38.9"), unit="C")
        accounts.sign("PR", "000000", action="escalate", meaning="escalated to every 6 hours",
                      table="temperatures", row_id=1, patient_id=pid)  # the PIN is wrong: nothing is kept
    assert store.entries(pid, "temperature") == []
    assert store.case_for(pid).temperatures == ()  # nor in what the store remembers
