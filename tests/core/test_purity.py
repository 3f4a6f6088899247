"""The core imports and works with Qt, SQLite and reportlab unavailable (style.md, layers)."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.paths import EXAMPLES, ROOT

BLOCKER = """
import sys
from importlib.abc import MetaPathFinder

class Block(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'PySide6', 'shiboken6', 'sqlite_utils', 'sqlite3', '_sqlite3', 'reportlab'}:
            raise ImportError(f'{name} is blocked in this test')
        return None

sys.meta_path.insert(0, Block())
from pacer_desktop.core.caseio import parse_case
from pacer_desktop.core.engine import evaluate
from pacer_desktop.core.protocol import parse_protocol
from pacer_desktop.resource_files import resource
protocol = parse_protocol(resource('protocols/pacer-1.toml').read_bytes())
case = parse_case(open(sys.argv[1], 'rb').read())
result = evaluate(case.with_defaults(protocol='pacer-1', now=case.now, timezone=case.timezone), protocol)
assert result.dose.mg == 59, result.dose
loaded = sorted(m for m in sys.modules if m.split('.')[0] in {'PySide6', 'sqlite_utils', 'sqlite3', 'reportlab'})
print('ok', loaded)
"""


def test_core_works_with_qt_sqlite_and_reportlab_blocked():
    done = subprocess.run([sys.executable, "-c", BLOCKER, str(EXAMPLES / "01-standard-course.case.json")],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok []"


def test_import_contracts_hold():
    """import-linter: core imports nothing heavy; layers point down (pyproject.toml)."""
    lint = shutil.which("lint-imports", path=str((ROOT / ".venv" / "bin"))) or shutil.which("lint-imports")
    assert lint, "import-linter is part of the test extras"
    done = subprocess.run([lint], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_evaluate_command_does_not_load_qt_or_reportlab():
    code = ("import sys, runpy; sys.argv=['pacer-desktop','evaluate',sys.argv[1]];"
            "from pacer_desktop.cli import main; import io, contextlib;\n"
            "with contextlib.redirect_stdout(io.StringIO()): main(sys.argv[1:])\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'PySide6','reportlab','sqlite_utils'}))")
    done = subprocess.run([sys.executable, "-c", code, str(EXAMPLES / "01-standard-course.case.json")],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
