"""Printing speed: the order sheet and the 30-day grading summary rendered in-process.

The order sheet is example 01; the grading summary uses the engine benchmark's 30-day case
(hourly temperatures, four assessments a day, anakinra, tocilizumab, an escalation).
Goals (issue 5): order sheet < 150 ms, 30-day grading summary < 300 ms.

The first render in a process also imports reportlab and embeds the fonts; it is reported on its
own ("first"), and the goal is judged on the median of the renders after it.

    .venv/bin/python benchmarks/reports.py [--repeat N] [--write]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent.parent / "shared" / "examples"
GOALS_MS = {"order": 150.0, "grading": 300.0}

sys.path.insert(0, str(HERE))
from engine import thirty_day_case  # noqa: E402 - the engine benchmark's synthetic case


def timings(fn, repeat: int) -> tuple[float, float, float]:
    """(first, median of the rest, worst of the rest) in ms."""
    samples = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    rest = samples[1:]
    return samples[0], statistics.median(rest), max(rest)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--write", action="store_true", help="write the figures to benchmarks/RESULTS-reports.md")
    args = ap.parse_args()

    from pacer_desktop.core.caseio import parse_case
    from pacer_desktop.reports.content import PatientHeader
    from pacer_desktop.reports.documents import make_job, render

    def job(kind: str, text: str | bytes):
        case = parse_case(text)
        header = PatientHeader("Benchmark Patient", "BENCH-1", case.patient.date_of_birth, case.patient.sex_at_birth)
        return make_job(kind, case, header, printed_by="AB (pharmacist)", printed_at=datetime.now(UTC))

    order = job("order", (EXAMPLES / "01-standard-course.case.json").read_bytes())
    grading = job("grading", json.dumps(thirty_day_case()))
    rows = []
    for name, the_job in (("order", order), ("grading", grading)):
        first, median, worst = timings(lambda: render(the_job), args.repeat)
        size = len(render(the_job))
        ok = median < GOALS_MS[name]
        rows.append((name, first, median, worst, size, ok))
        print(f"{name:8s} first {first:7.1f} ms   median {median:6.1f} ms   worst {worst:6.1f} ms"
              f"   {size / 1024:5.1f} KiB   goal < {GOALS_MS[name]:.0f} ms: {'met' if ok else 'MISSED'}")
    if args.write:
        _write(rows, args.repeat)
    return 0 if all(row[-1] for row in rows) else 1


def _write(rows, repeat: int) -> None:
    lines = [
        "# Printing benchmark (benchmarks/reports.py)",
        "",
        f"{datetime.now(UTC):%Y-%m-%d}, Python {platform.python_version()}, {platform.machine()},"
        f" {repeat} renders after the first. \"First\" includes importing reportlab and embedding the fonts.",
        "",
        "| document | first | median | worst | PDF size | goal |",
        "|---|---|---|---|---|---|",
    ]
    names = {"order": "order sheet (example 01)", "grading": "grading summary (30-day case)"}
    for name, first, median, worst, size, ok in rows:
        lines.append(f"| {names[name]} | {first:.1f} ms | {median:.1f} ms | {worst:.1f} ms | {size / 1024:.1f} KiB"
                     f" | < {GOALS_MS[name]:.0f} ms {'met' if ok else 'missed'} |")
    (HERE / "RESULTS-reports.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
