"""A ward of known people for command-line tests (issue 18): an administrator and one user per
role, each with a known PIN, made on the test's database with cheap scrypt parameters.

Use the ``people`` fixture (tests/conftest.py): ``main([..., *people.signed("NU")])`` adds
``--user NU --pin-stdin`` and puts NU's PIN on standard input.
"""

from __future__ import annotations

import io

#: initials → (name, role, PIN)
WARD: dict[str, tuple[str, str, str]] = {
    "AD": ("Ada Admin", "admin", "135790"),
    "NU": ("Nora Nurse", "nurse", "246801"),
    "PH": ("Phil Pharmacist", "pharmacist", "314159"),
    "PR": ("Pia Prescriber", "prescriber", "271828"),
    "RS": ("Rae Research", "research", "161803"),
}
#: the first of each role
BY_ROLE = {role: initials for initials, (_, role, _) in WARD.items()}


def cheap_scrypt(monkeypatch) -> None:
    """scrypt's cost lowered for this test only (the shipped cost takes ~80 ms per check)."""
    from pacer_desktop.storage import pins
    monkeypatch.setattr(pins, "SCRYPT_PARAMS", pins.ScryptParams(n=2 ** 10, r=8, p=1))


class Ward:
    def __init__(self, monkeypatch) -> None:
        self._monkeypatch = monkeypatch
        self.pins = {initials: pin for initials, (_, _, pin) in WARD.items()}

    def create(self, path=None) -> Ward:
        """The people in the database at ``path`` (default: the test's database)."""
        from pacer_desktop.storage import Store
        from pacer_desktop.storage.accounts import Accounts
        with Store.open(path, keep_backups=0) as store:
            accounts = Accounts(store, workstation="test workstation")
            name, _, pin = WARD["AD"]
            accounts.create_first_admin("AD", name=name, pin=pin)
            admin = accounts.sign_in("AD", pin)
            for initials, (name, role, pin) in WARD.items():
                if role != "admin":
                    accounts.add_user(admin, initials, name=name, role=role, pin=pin)
        return self

    def stdin(self, *lines: str) -> None:
        """Standard input holding ``lines``, one a line."""
        self._monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))

    def signed(self, initials: str, *more: str) -> list[str]:
        """``--user INITIALS --pin-stdin``, with the PIN (then ``more`` lines) on standard input."""
        self.stdin(self.pins.get(initials, "000000"), *more)
        return ["--user", initials, "--pin-stdin"]

    def of(self, role: str) -> list[str]:
        """:meth:`signed` for the ward's user of ``role``."""
        return self.signed(BY_ROLE[role])
