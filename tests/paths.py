"""Where the tests find the repository and the worked examples.

The tests use the project's own copies in ``resources/examples`` so that a fresh clone runs the
whole suite alone; ``SHARED_EXAMPLES`` (``../shared/examples``, the trial team's originals) is used
only by the test that checks the copies are still equal, skipped when that folder is absent.
"""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "resources" / "examples"
SHARED_EXAMPLES = ROOT.parent / "shared" / "examples"

#: A day after the latest worked example's "now": a store whose clock reads this may keep every
#: example (rules §2 rev 2: no entry later than now), whatever the workstation's date.
AFTER_THE_EXAMPLES = max(datetime.fromisoformat(json.loads(p.read_text())["now"]).astimezone(UTC)
                         for p in EXAMPLES.glob("*.case.json")) + timedelta(days=1)
