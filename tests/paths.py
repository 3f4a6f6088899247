"""Where the tests find the repository and the worked examples.

The tests use the project's own copies in ``resources/examples`` so that a fresh clone runs the
whole suite alone; ``SHARED_EXAMPLES`` (``../shared/examples``, the trial team's originals) is used
only by the test that checks the copies are still equal, skipped when that folder is absent.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "resources" / "examples"
SHARED_EXAMPLES = ROOT.parent / "shared" / "examples"
