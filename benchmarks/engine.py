"""Engine speed: one in-process evaluate of a 30-day case, and the `evaluate` command end to end.

The case: 30 days after infusion, hourly temperatures (720), four CRS/ICANS assessments a day
(120), persistent fever on day 1, an escalation, anakinra and tocilizumab given.
Goals (issue 2): evaluate in-process < 5 ms; `pacer-desktop evaluate` process < 0.3 s.

    .venv/bin/python benchmarks/engine.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("America/Chicago")


def thirty_day_case() -> dict:
    infusion = datetime(2026, 10, 5, 10, tzinfo=ZONE)
    iso = lambda t: t.isoformat(timespec="seconds")  # noqa: E731
    temps, assessments, meds = [], [], []
    for h in range(30 * 24):
        at = infusion + timedelta(hours=h)
        febrile = 20 <= h <= 60 or 200 <= h <= 210
        temps.append({"at": iso(at), "value": 38.9 if febrile else 37.0, "unit": "C"})
        if h % 6 == 1:
            crs = {"hypotension": "no_vasopressor" if 30 <= h <= 50 else "none",
                   "oxygen_device": "nasal_cannula" if 30 <= h <= 50 else "none",
                   "oxygen_flow_l_min": 2 if 30 <= h <= 50 else None}
            icans = {"tool": None, "ice_score": 9 if 40 <= h <= 60 else 10, "capd_score": None,
                     "unable_to_perform": False, "consciousness": "normal", "seizure": "none",
                     "motor": "none", "cerebral_edema": "none", "sedated": False}
            assessments.append({"at": iso(at), "crs": crs, "icans": icans})
        if h >= 24 and h % 12 == 0 and h < 10 * 24:
            meds.append({"at": iso(at + timedelta(minutes=5)), "drug": "anakinra", "dose_mg": 100})
    meds.append({"at": iso(infusion + timedelta(hours=40)), "drug": "tocilizumab", "dose_mg": 480})
    return {
        "protocol": "pacer-1", "timezone": "America/Chicago",
        "now": iso(infusion + timedelta(days=29, hours=23)),
        "patient": {"date_of_birth": "2012-03-04", "sex_at_birth": "male", "developmental_delay": False},
        "weights": [{"at": iso(infusion - timedelta(days=1)), "kg": 45.5},
                    {"at": iso(infusion + timedelta(days=12)), "kg": 44.1}],
        "infusion_at": iso(infusion), "temperatures": temps, "assessments": assessments,
        "medications": meds,
        "escalations": [{"at": iso(infusion + timedelta(hours=36)), "by": "Dr B", "reason": "progression"}],
        "eligibility": None,
    }


def median_ms(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--process-repeat", type=int, default=15)
    args = ap.parse_args()

    from pacer_desktop import protocols
    from pacer_desktop.core.caseio import parse_case
    from pacer_desktop.core.engine import evaluate
    from pacer_desktop.evaluation import prepare
    from pacer_desktop.core.result import output_data

    data = thirty_day_case()
    text = json.dumps(data)
    case = prepare(parse_case(text))
    protocol = protocols.load()
    result = evaluate(case, protocol)
    print(f"case: {len(data['temperatures'])} temperatures, {len(data['assessments'])} assessments, "
          f"{len(result.doses)} doses due, {len(result.daily_max)} days")

    evaluate_ms, evaluate_max = median_ms(lambda: evaluate(case, protocol), args.repeat)
    parse_ms, _ = median_ms(lambda: parse_case(text), args.repeat)
    dump_ms, _ = median_ms(lambda: json.dumps(output_data(result)), args.repeat)
    print(f"evaluate in-process:      median {evaluate_ms:.2f} ms (max {evaluate_max:.2f} ms)   goal < 5 ms")
    print(f"parse + validate JSON:    median {parse_ms:.2f} ms")
    print(f"result to JSON:           median {dump_ms:.2f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.json"
        path.write_text(text)
        exe = Path(sys.executable).with_name("pacer-desktop")
        cmd = [str(exe), "evaluate", str(path)] if exe.exists() else [sys.executable, "-m", "pacer_desktop.cli", "evaluate", str(path)]
        subprocess.run(cmd, check=True, capture_output=True)  # warm the file cache
        process_ms, process_max = median_ms(lambda: subprocess.run(cmd, check=True, capture_output=True),
                                            args.process_repeat)
        bare_ms, _ = median_ms(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True),
                               args.process_repeat)
    print(f"`pacer-desktop evaluate`: median {process_ms / 1000:.3f} s (max {process_max / 1000:.3f} s)   goal < 0.3 s")
    print(f"bare `python -c pass`:    median {bare_ms / 1000:.3f} s")


if __name__ == "__main__":
    main()
